"""``python -m cutrate`` runs the command line."""

from .cli import main

main(prog_name="cutrate")
