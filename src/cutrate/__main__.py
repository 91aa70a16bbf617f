"""``python -m cutrate`` runs the command line."""

from .cli import main

main()
