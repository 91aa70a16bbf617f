"""Score tables: per clip and pooled, calibration, and the list of errors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from .match import pool
from .records import CalibrationRow, ClipScore

TableStyle = Literal["markdown", "text"]


def _render(headers: Sequence[str], body: Sequence[Sequence[str]], style: TableStyle, align: str) -> str:
    """Render a table; ``align`` holds one ``l``/``r`` per column."""
    if style not in ("markdown", "text"):
        raise ValueError(f"style must be 'markdown' or 'text', got {style!r}")
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(headers)]

    def cell(text: str, i: int) -> str:
        return text.ljust(widths[i]) if align[i] == "l" else text.rjust(widths[i])

    lines: list[str] = []
    if style == "markdown":
        lines.append("| " + " | ".join(cell(h, i) for i, h in enumerate(headers)) + " |")
        rule = ["-" * (w - 1) + ":" if a == "r" else "-" * w for w, a in zip(widths, align, strict=True)]
        lines.append("| " + " | ".join(rule) + " |")
        lines.extend("| " + " | ".join(cell(c, i) for i, c in enumerate(r)) + " |" for r in body)
    else:
        lines.append("  ".join(cell(h, i) for i, h in enumerate(headers)).rstrip())
        lines.append("  ".join("-" * w for w in widths))
        lines.extend("  ".join(cell(c, i) for i, c in enumerate(r)).rstrip() for r in body)
    return "\n".join(lines) + "\n"


def format_table(
    scores: Sequence[ClipScore],
    *,
    pooled: bool = True,
    style: TableStyle = "markdown",
    digits: int = 3,
) -> str:
    """Format per-clip scores (and their pooled total) as a table.

    Parameters
    ----------
    scores : sequence of ClipScore
        One per clip, in the order to print.
    pooled : bool, default True
        Append a row with :func:`pool` of ``scores``.
    style : {"markdown", "text"}, default "markdown"
        A GitHub-flavoured Markdown table or aligned plain text.
    digits : int, default 3
        Decimals of P, R and F1.

    Returns
    -------
    str
        The table, ending in a newline.  Columns: clip, truth (counted rows),
        predicted (hits + false alarms), hits, misses, false alarms, optional
        (detections matched to optional rows), P, R, F1.
    """
    headers = ["clip", "truth", "pred", "hits", "miss", "FA", "opt", "P", "R", "F1"]
    items = list(scores)
    if pooled:
        total = pool(items)
        label = f"pooled ({total.clips} clip{'' if total.clips == 1 else 's'})"
        if style == "markdown":
            label = f"**{label}**"
        items.append(replace(total, name=label))
    body = [
        [
            s.name,
            str(s.n_truth),
            str(s.n_predicted),
            str(s.hits),
            str(len(s.misses)),
            str(len(s.false_alarms)),
            str(len(s.optional_matches)),
            f"{s.precision:.{digits}f}",
            f"{s.recall:.{digits}f}",
            f"{s.f1:.{digits}f}",
        ]
        for s in items
    ]
    return _render(headers, body, style, "lrrrrrrrrr")


def format_calibration(rows: Sequence[CalibrationRow], *, style: TableStyle = "markdown", digits: int = 3) -> str:
    """Format :func:`calibrate` results as a table.

    Parameters
    ----------
    rows : sequence of CalibrationRow
        As returned by :func:`calibrate`.
    style : {"markdown", "text"}, default "markdown"
        Table style.
    digits : int, default 3
        Decimals of P, R and F1.

    Returns
    -------
    str
        Columns: confidence threshold, detections kept, hits, false alarms, P, R, F1.
    """
    headers = ["confidence >=", "detections", "hits", "FA", "P", "R", "F1"]
    body = [
        [
            f"{r.threshold:g}",
            str(r.count),
            str(r.score.hits),
            str(len(r.score.false_alarms)),
            f"{r.score.precision:.{digits}f}",
            f"{r.score.recall:.{digits}f}",
            f"{r.score.f1:.{digits}f}",
        ]
        for r in rows
    ]
    return _render(headers, body, style, "rrrrrrr")


def format_errors(scores: Sequence[ClipScore]) -> str:
    """List every miss and false alarm, clip by clip, as plain text.

    Parameters
    ----------
    scores : sequence of ClipScore
        Per-clip scores.

    Returns
    -------
    str
        One block per clip that has errors (``name: N misses, M false alarms``
        followed by indented lines), or the line ``no misses or false alarms``.
    """
    blocks: list[str] = []
    for s in scores:
        if not s.misses and not s.false_alarms:
            continue
        lines = [f"{s.name}: {len(s.misses)} misses, {len(s.false_alarms)} false alarms"]
        for r in s.misses:
            note = f" ({r.note})" if r.note else ""
            lines.append(f"  miss  {r.label()}{note}")
        for fa in s.false_alarms:
            lines.append(f"  FA    {fa.describe()}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks) + "\n" if blocks else "no misses or false alarms\n"
