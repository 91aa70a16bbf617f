"""Replace one marked section of docs/benchmarks.md, leaving the others alone."""

from __future__ import annotations

from pathlib import Path


def replace_section(path: Path, name: str, text: str, *, title: str | None = "# Benchmarks") -> None:
    """Put ``text`` between ``<!-- name:begin -->`` and ``<!-- name:end -->`` in ``path``,
    appending the markers if missing; a new file starts with ``title`` (if any)."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    block = f"{begin}\n{text.rstrip()}\n{end}"
    doc = path.read_text(encoding="utf-8") if path.exists() else ""
    if begin in doc and end in doc:
        head, rest = doc.split(begin, 1)
        _, tail = rest.split(end, 1)
        doc = head + block + tail
    elif doc:
        doc = doc.rstrip() + "\n\n" + block + "\n"
    else:
        doc = (f"{title}\n\n" if title else "") + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc, encoding="utf-8")
