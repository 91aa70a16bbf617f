"""``report.html``: one self-contained page a reviewer can open offline and publish.

Plots are embedded as PNG data URIs and thumbnails as JPEG data URIs; the CSS is
inline and the page has no scripts and no external resources.  Every text taken
from the result (file names, paths, warnings) is HTML-escaped.

>>> cutrate.report.html.write_html(result, "reports/ep01")          # doctest: +SKIP
>>> cutrate.report.html.write_index([(r, folder), ...], "reports")    # doctest: +SKIP
"""

from __future__ import annotations

import base64
import datetime
import html
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from .._fmt import clock, count_words, mss, peak_sentence, plural, span
from .._version import __version__
from ..analysis.pipeline import Result, load
from ..io.atomic import write_atomic
from ..settings import REVIEW_CONFIDENCE
from ..types import Shot, Transition
from .pictures import Picture, before_after, pictures, shot_want
from .season import OWN_PACE_KINDS, own_pace
from .text import excluding, left_out, video_name

#: At most this many peak-window shots and review transitions get thumbnails.
MAX_PEAK_THUMBS = 240
MAX_REVIEW = 200

_CSS = """
:root { --ink: #222; --muted: #666; --line: #ddd; --accent: #0072b2; --peak: #fbe3d6; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: #f6f6f4; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 1.6em; margin: 0 0 4px; word-break: break-all; }
h2 { font-size: 1.2em; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
.lead { font-size: 1.15em; margin: 6px 0; }
.lead strong { color: #8c2d04; }
.muted, .note { color: var(--muted); font-size: 0.92em; }
.note { background: #fff8e1; border-left: 4px solid #e6a700; padding: 6px 10px; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { text-align: left; padding: 4px 12px 4px 0; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.kv th { width: 260px; font-weight: 500; color: #444; }
.bar { display: inline-block; height: 10px; background: var(--accent); border-radius: 2px; vertical-align: middle; }
figure { margin: 12px 0 24px; }
figure img { width: 100%; max-width: 1120px; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 0.92em; margin-top: 4px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(256px, 1fr)); gap: 12px; }
.thumb { margin: 0; font-size: 0.85em; }
.thumb img { width: 100%; height: auto; display: block; border: 1px solid var(--line); }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; max-width: 560px; }
.pair img { width: 100%; height: auto; display: block; border: 1px solid var(--line); }
.zoom a.open { cursor: zoom-in; display: block; }
.zoom a.close { display: none; }
.zoom:target a.close { display: block; position: fixed; inset: 0; z-index: 10; background: rgba(0,0,0,0.85);
  cursor: zoom-out; }
.zoom:target img { position: fixed; z-index: 11; left: 50%; top: 50%; transform: translate(-50%, -50%);
  width: min(92vw, 1024px); pointer-events: none; border: 0; }
table.sortable th { cursor: pointer; }
table.sortable th[aria-sort=ascending]::after { content: " ▲"; }
table.sortable th[aria-sort=descending]::after { content: " ▼"; }
td.warn { color: #8a5a00; font-size: 0.85em; max-width: 280px; }
.kind { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 0.85em; }
a { color: var(--accent); }
footer { margin-top: 40px; color: var(--muted); font-size: 0.85em; }
"""

_KIND_COLORS = {"cut": "#0072B2", "dissolve": "#B87A00", "fade": "#007A5A", "flash": "#A8558A"}

_CAPTIONS = {
    "pace": "Pace in a sliding window (dashed where the window reaches past the video's start or end and counts "
    "only what is inside); ticks under the axis are the transitions by kind; "
    "the shaded band is the peak window.",
    "shot_lengths": "Shot lengths on a log axis with the mean (ASL), the median (MSL) and Salt's lognormal fit.",
    "shot_graph": "One bar per shot hanging from the top, as long as the shot: white peaks are runs of short shots.",
    "score_trace": "Per-frame change score with the cut threshold and the detected transitions (for tuning).",
}


def _e(x: object) -> str:
    return html.escape(str(x), quote=True)


def _sec(x: float, digits: int = 2) -> str:
    return "–" if x is None or not math.isfinite(x) else f"{x:.{digits}f} s"


def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _img(uri: str, alt: str) -> str:
    return f'<img src="{uri}" alt="{_e(alt)}">'


def _page(title: str, body: list[str], *, script: str = "") -> str:
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="generator" content="cutrate {_e(__version__)}">',
            f"<title>{_e(title)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            "<main>",
            *body,
            "</main>",
            *([f"<script>{script}</script>"] if script else []),
            "</body>",
            "</html>",
            "",
        ]
    )


def _kind_badge(kind: str) -> str:
    return f'<span class="kind" style="background:{_KIND_COLORS.get(kind, "#666")}">{_e(kind)}</span>'


# --------------------------------------------------------------------------- sections


def _summary_table(result: Result) -> str:
    s, info = result.summary, result.info
    ln = s.lognormal
    ac = s.autocorrelation_lag1
    kinds = ", ".join(f"{_e(k)} {v}" for k, v in s.transitions.items())
    rows = [
        ("Video", f"{_e(video_name(result))} <span class='muted'>({_e(info.path)})</span>"),
        ("Duration", (f"{_e(clock(s.duration_s))} · {info.frames} frames · {info.fps:.3f} fps · "
                      f"{info.width}×{info.height} {_e(info.codec)}")),
        ("Shots", str(s.shots)),
        ("Transitions", f"{s.transition_count} ({kinds})"),
        ("ASL (mean shot length)", _sec(s.asl_s)),
        ("MSL (median shot length)", _sec(s.msl_s)),
        ("SD of shot lengths", _sec(s.sd_s)),
        ("CV (SD / ASL)", "–" if not math.isfinite(s.cv) else f"{s.cv:.2f}"),
        (f"{count_words(s.count).capitalize()} per minute (average)",
         "–" if not math.isfinite(s.cuts_per_minute) else f"{s.cuts_per_minute:.1f}"),
    ]
    for p in s.peaks or (s.peak,):
        rows.append((f"Peak, {p.window_s:g} s window", _e(peak_sentence(p, s))))
    if ln.mu is not None and ln.sigma is not None and ln.median_s is not None:
        fit = f"μ = {ln.mu:.3f}, σ = {ln.sigma:.3f} (median e<sup>μ</sup> = {ln.median_s:.2f} s)"
        rows.append(("Lognormal fit (Salt)", fit))
    rows.append(("Lag-1 autocorrelation of shot lengths", "–" if ac is None else f"{ac:.2f}"))
    body = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="kv">{body}</table>'


def _segments_table(result: Result) -> str:
    segs = result.summary.parts
    if not segs:
        return '<p class="muted">No segments (empty video).</p>'
    top = max((sg.asl_s or 0.0) for sg in segs) or 1.0
    when = clock if segs[0].end - segs[0].start < 10 else mss  # tenths when segments are short
    rows = []
    for i, sg in enumerate(segs, 1):
        asl = sg.asl_s
        bar = "" if asl is None else f'<span class="bar" style="width:{max(2, round(160 * asl / top))}px"></span>'
        rows.append(
            f"<tr><td class='num'>{i}</td><td>{_e(when(sg.start))}–{_e(when(sg.end))}</td>"
            f"<td class='num'>{sg.shots}</td><td class='num'>{_sec(asl)}</td><td>{bar}</td></tr>"
        )
    return (
        "<p class='muted'>The video in ten equal-time parts; each shot counts in the part where it starts.</p>"
        "<table><tr><th class='num'>#</th><th>time</th><th class='num'>shots starting</th>"
        "<th class='num'>ASL</th><th></th></tr>" + "".join(rows) + "</table>"
    )


def _plots(result: Result, pngs: dict[str, bytes] | None) -> str:
    if pngs is None:
        from . import figures

        pngs = {name: by_fmt["png"] for name, by_fmt in figures.render(result, ("png",)).items()}
    parts = []
    for name, png in pngs.items():
        uri = _data_uri("image/png", png)
        title = name.replace("_", " ")
        parts.append(f"<figure>{_img(uri, f'{title} plot of {video_name(result)}')}"
                     f"<figcaption>{_e(_CAPTIONS.get(name, title))}</figcaption></figure>")
    if "score_trace" not in pngs:
        parts.append("<p class='muted'>The change-score plot needs the per-frame change scores, which are not "
                     "in analysis.json and no longer in the feature cache.</p>")
    return "\n".join(parts)


def _peak_shots(result: Result) -> list[tuple[int, Shot]]:
    """``(shot number, shot)`` for the shots overlapping the peak window."""
    p = result.summary.peak
    return [(i, sh) for i, sh in enumerate(result.shots, 1) if sh.end > p.start and sh.start < p.end]


def _review(result: Result) -> list[Transition]:
    return [t for t in result.transitions if t.confidence < REVIEW_CONFIDENCE]


def _thumb(pics: dict[str, Picture], key: str, alt: str) -> str:
    """A thumbnail that enlarges when clicked and shrinks back on a second click
    (CSS ``:target`` only: no script, and the picture is embedded once)."""
    pic = pics.get(key)
    if pic is None:
        return "<div class='muted'>(no image)</div>"
    anchor = f"pic-{key}"
    return (f"<span class='zoom' id='{anchor}'><a class='open' href='#{anchor}'>"
            f"{_img(_data_uri('image/jpeg', pic.jpeg), alt)}</a><a class='close' href='#_' title='close'></a></span>")


def _time_of(result: Result, frame: int) -> float:
    fps = result.info.frame_rate
    for sh in result.shots:
        if sh.start_frame <= frame <= sh.end_frame:
            return sh.start + (frame - sh.start_frame) / fps
    return result.info.start_time + frame / fps


# --------------------------------------------------------------------------- pages


def html_text(result: Result, *, thumbnails: bool = True, plots: dict[str, bytes] | None = None) -> str:
    """The ``report.html`` page of ``result`` as text (see :func:`write_html`)."""
    s = result.summary
    name = video_name(result)
    peak_shots = _peak_shots(result)
    review = _review(result)
    shown_peak, shown_review = peak_shots[:MAX_PEAK_THUMBS], review[:MAX_REVIEW]
    pics: dict[str, Picture] = {}
    note = None
    if not thumbnails:
        note = "Thumbnails were not requested for this report."
    else:
        wants = {f"s{i}": shot_want(sh) for i, sh in shown_peak}
        for k, t in enumerate(shown_review):
            wants[f"b{k}"], wants[f"a{k}"] = before_after(result, t)
        pics, note = pictures(result, wants)
    note_html = f"<p class='note'>{_e(note)}</p>" if note else ""

    body = [
        f"<h1>{_e(name)}</h1>",
        (f"<p class='lead'>Peak: <strong>{_e(peak_sentence(s.peak, s))}</strong> · "
         f"{plural(s.shots, 'shot')} · {plural(s.transition_count, 'transition')} · average "
         f"{s.cuts_per_minute:.1f} {count_words(s.count)}/min · ASL {_sec(s.asl_s)}</p>"),
        f"<p class='muted'>{_e(result.info.path)} · analysed with cutrate {_e(result.version)}</p>",
    ]
    if excluding(result):
        body.append(f"<p class='note'>Pace numbers {_e(excluding(result))} "
                    f"({_e(clock(s.kept_s or 0.0))} of {_e(clock(s.duration_s))} counted).</p>")
    body += [f"<p class='note'>Warning: {_e(w)}</p>" for w in result.warnings[:10]]
    body += ["<h2 id='summary'>Summary</h2>", _summary_table(result),
             "<h2 id='segments'>Shot length by segment</h2>", _segments_table(result),
             "<h2 id='plots'>Plots</h2>", _plots(result, plots)]

    body.append(f"<h2 id='peak'>Peak window: {_e(peak_sentence(s.peak, s))}</h2>")
    if s.peak.count == 0:
        body.append("<p class='muted'>No transitions, so no peak window.</p>")
    else:
        if pics:
            body.append(f"<p class='muted'>One frame from each of the {len(peak_shots)} shots in the "
                        "window, with the shot's start time and length; click a picture to enlarge it.</p>")
        body.append(note_html)
        if pics:
            cells = []
            for i, sh in shown_peak:
                cells.append(f"<figure class='thumb'>{_thumb(pics, f's{i}', f'shot {i}')}"
                             f"<figcaption>shot {i} · {_e(clock(sh.start))} · {sh.duration:.2f} s</figcaption></figure>")
            body.append("<div class='grid'>" + "".join(cells) + "</div>")
        if len(peak_shots) > len(shown_peak):
            body.append(f"<p class='muted'>… and {len(peak_shots) - len(shown_peak)} more shots.</p>")

    noun = "transition" if len(review) == 1 else "transitions"
    body.append(f"<h2 id='review'>Review: {len(review)} {noun} with confidence below {REVIEW_CONFIDENCE:g}</h2>")
    if not review:
        body.append("<p class='muted'>Every transition was detected with confidence of at least "
                    f"{REVIEW_CONFIDENCE:g}.</p>")
    else:
        body.append("<p class='muted'>The last frame before each transition and the first clean frame after it: "
                    "confirm that the picture changes shot.</p>" + note_html)
        rows = []
        for k, t in enumerate(shown_review):
            span = f"frame {t.frame}" if t.start_frame == t.end_frame else f"frames {t.start_frame}–{t.end_frame}"
            pair = ""
            if pics:
                cells = []
                for side, key in (("before", f"b{k}"), ("after", f"a{k}")):
                    pic = pics.get(key)
                    when = "" if pic is None else f" · frame {pic.frame} · {_e(clock(_time_of(result, pic.frame)))}"
                    alt = f"frame {pic.frame}" if pic is not None else side
                    cells.append(f"<figure class='thumb'>{_thumb(pics, key, alt)}"
                                 f"<figcaption>{side}{when}</figcaption></figure>")
                pair = "<div class='pair'>" + "".join(cells) + "</div>"
            rows.append(f"<tr><td>{_kind_badge(t.kind)}</td><td>{_e(clock(t.time))}<br>"
                        f"<span class='muted'>{_e(span)}</span></td><td class='num'>{t.confidence:.2f}</td>"
                        f"<td>{pair}</td></tr>")
        body.append("<table><tr><th>kind</th><th>time</th><th class='num'>confidence</th><th></th></tr>"
                    + "".join(rows) + "</table>")
        if len(review) > len(shown_review):
            body.append(f"<p class='muted'>… and {len(review) - len(shown_review)} more: see transitions.csv.</p>")

    body += ["<h2 id='detectors'>Other detectors</h2>", _detectors_table(result),
             "<h2 id='settings'>Settings</h2>", _settings_table(result),
             (f"<footer>Analysed with cutrate {_e(result.version)}; page written by cutrate {_e(__version__)} on "
              f"{datetime.date.today().isoformat()}. Frames are 0-based decoded frame indices.</footer>")]
    return _page(f"{name} — cutrate report", body)


def _detectors_table(result: Result) -> str:
    """How many transitions each detector finds in the headline peak window (when
    PySceneDetect's scores were computed, ``--compare`` or ``--detector``)."""
    ev = result.evidence
    p = result.summary.peak
    if ev is None or ev.content_val is None:
        return ("<p class='muted'>Run with <code>--compare</code> to see how many transitions PySceneDetect's "
                "detectors find in this window (it costs about 2 % more time).</p>")
    from ..analysis.detect.pyscenedetect import cut_frames

    times = ev.times
    fps = result.info.frame_rate

    def inside(frames: list[int]) -> int:
        return sum(p.start <= float(times[f]) < p.end for f in frames)

    mine = [t.frame for t in result.transitions]
    name = result.settings.detect.detector
    rows = [(f"{name} (this report)", inside(mine), len(mine))]
    for det in ("pyscenedetect-adaptive", "pyscenedetect-content"):
        if det != name:
            found = cut_frames(ev.content_val, fps, det)
            rows.append((f"{det} (PySceneDetect defaults)", inside(found), len(found)))
    body = "".join(f"<tr><td>{_e(n)}</td><td class='num'>{a}</td><td class='num'>{b}</td></tr>" for n, a, b in rows)
    return ("<p class='muted'>Transitions each detector finds in the peak window and in the whole video, on the "
            "same decoded frames (PySceneDetect counts every boundary as a cut and has no notion of dissolves, "
            "fades or flashes; with its default minimum scene length of 15 frames it cannot see short shots).</p>"
            f"<table><tr><th>detector</th><th class='num'>in {_e(span(p.start, p.end))}</th>"
            f"<th class='num'>in the video</th></tr>{body}</table>")


def _settings_table(result: Result) -> str:
    d = result.settings.to_dict()
    rows = [f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in d.items() if not isinstance(v, dict)]
    for group in ("detect", "timeline"):
        for k, v in d[group].items():
            rows.append(f"<tr><th>{_e(group)}.{_e(k)}</th><td>{_e(v)}</td></tr>")
    return f"<table class='kv'>{''.join(rows)}</table>"


def write_html(result: Result, folder: str | os.PathLike, *, thumbnails: bool = True,
               plots: dict[str, bytes] | None = None) -> Path:
    """Write ``report.html``: one self-contained page for a reviewer.

    Holds the summary table (durations, counts by kind, ASL, MSL, SD, CV, cuts per
    minute, the peaks, the lognormal fit, the lag-1 autocorrelation), the ten
    equal-time segments with their ASL, the plots, a thumbnail of every shot in
    the peak window and before/after thumbnails of every transition with
    confidence below :data:`REVIEW_CONFIDENCE`, and the cutrate version and
    settings.

    Parameters
    ----------
    result : Result
    folder : str or PathLike
        Output folder (created if needed).
    thumbnails : bool
        Show the pictures (from the stills kept during the analysis; decoded again
        only for a result that has none and whose video is at hand).  When neither
        is available, the page says so instead.
    plots : dict of name -> PNG bytes, optional
        The figures already rendered (:func:`cutrate.report.figures.render`); rendered
        here when omitted.

    Returns
    -------
    Path
        ``folder/report.html``.
    """
    return write_atomic(Path(folder) / "report.html", html_text(result, thumbnails=thumbnails, plots=plots))


_SEASON_CAPTIONS = {
    "season_heatmap": "Each row an episode, each cell a slice of it, coloured by the transitions in it per minute "
    "of slice; outlined: the episode's headline peak window; hatched: a last slice shorter than the others "
    "(it counts only what is in it); grey: spans left out of the pace numbers (OP opening, ED ending, "
    "recaps, previews, exclusions).",
    "season_pace": "Every episode's pace over time (dashed where the window reaches past the episode's start or end).",
    "season_bars": "Mean (ASL) and median (MSL) shot length of every episode, with its peak above.",
    "season_shot_lengths": "Shot-length distributions: boxes are quartiles, the line the MSL, the diamond the ASL, "
    "whiskers the 5th–95th percentile; the average pace above each box.",
}

#: Sorting for the season table: click a column head (no libraries; the page works without it).
_SORT_JS = """
document.querySelectorAll('table.sortable th').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0];
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute('data-sort') || a.cells[col].textContent;
      var y = b.cells[col].getAttribute('data-sort') || b.cells[col].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var d = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? d : -d;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""

_STATUS_WORDS = {"done": "analysed", "skipped": "up to date", "failed": "failed"}


def write_index(results_and_folders: Iterable[tuple[Result, str | os.PathLike]], out_dir: str | os.PathLike, *,
                figures: dict[str, bytes] | None = None, statuses: dict[str, str] | None = None) -> Path:
    """Write ``out_dir/index.html``, the season page: one sortable row per video
    (linking its ``report.html``, with its warnings), the season heatmap with the
    peaks marked, every episode's pace curve, the ASL/MSL bars and the shot-length
    boxes.

    Parameters
    ----------
    results_and_folders : iterable of (Result, folder)
        Each result with the folder holding its ``report.html`` (linked relative to
        ``out_dir``, so the whole tree can be moved or published together).
    out_dir : str or PathLike
    figures : dict of name -> PNG bytes, optional
        The season figures already rendered (:func:`cutrate.report.figures.render_season`);
        rendered here when omitted.
    statuses : dict of folder -> status, optional
        ``done``, ``skipped`` (shown as "up to date") or ``failed``, per folder.

    Returns
    -------
    Path
        ``out_dir/index.html``.
    """
    out = Path(out_dir)
    items: Sequence[tuple[Result, Path]] = [(r, Path(f)) for r, f in results_and_folders]
    statuses = {str(Path(k)): v for k, v in (statuses or {}).items()}
    rows = []
    for r, folder in items:
        s = r.summary
        rel = Path(os.path.relpath(folder / "report.html", out)).as_posix()
        status = _STATUS_WORDS.get(statuses.get(str(folder), ""), "")
        warn = "; ".join(r.warnings[:3]) + (f" (+{len(r.warnings) - 3} more)" if len(r.warnings) > 3 else "")
        p = s.peak
        own = own_pace(r)
        kept = s.duration_s if s.kept_s is None else s.kept_s
        rows.append(
            f"<tr><td><a href='{_e(rel)}'>{_e(video_name(r))}</a></td>"
            f"<td class='num' data-sort='{s.duration_s:.3f}'>{_e(clock(s.duration_s))}</td>"
            f"<td class='num' data-sort='{kept:.3f}'>{_e(clock(kept))}</td>"
            f"<td class='num'>{s.shots}</td><td class='num'>{s.transition_count}</td>"
            f"<td class='num' data-sort='{_num(s.asl_s)}'>{_sec(s.asl_s)}</td>"
            f"<td class='num' data-sort='{_num(s.msl_s)}'>{_sec(s.msl_s)}</td>"
            f"<td class='num'>{_num(s.cuts_per_minute, 1)}</td>"
            f"<td data-sort='{p.count}'>{_e(peak_sentence(p, s))}</td>"
            + "".join(_own_pace_cell(own, kind, s.count) for kind in OWN_PACE_KINDS) +
            f"<td>{_e(status)}</td><td class='warn'>{_e(warn)}</td></tr>"
        )
    what = count_words(items[0][0].summary.count) if items else "transitions"
    body = [f"<h1>Season: {len(items)} videos</h1>",
            f"<p class='muted'>Click a column head to sort. Pace counts {_e(what)}"
            + (", over the counted time: openings, endings, recaps, previews and exclusions are left out "
               "(their own pace is in the opening and ending columns)" if any(left_out(r) for r, _ in items) else "")
            + ".</p>",
            "<table class='sortable'><thead><tr><th>video</th><th class='num'>duration</th>"
            "<th class='num' title='the time the pace numbers count: the duration less what is left out'>counted</th>"
            "<th class='num'>shots</th>"
            "<th class='num'>transitions</th><th class='num'>ASL</th><th class='num'>MSL</th>"
            f"<th class='num'>{_e(what)}/min</th><th>peak</th><th>opening</th><th>ending</th><th>status</th><th>warnings</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>"]
    if items:
        if figures is None:
            from .figures import render_season

            figures = {name: by_fmt["png"] for name, by_fmt in render_season([r for r, _ in items], ("png",)).items()}
        for name, png in figures.items():
            title = {"season_heatmap": "Pace by episode", "season_pace": "Pace over time",
                     "season_bars": "Shot length by episode", "season_shot_lengths": "Shot lengths"}.get(name, name)
            body.append(f"<h2>{_e(title)}</h2><figure>{_img(_data_uri('image/png', png), title)}"
                        f"<figcaption>{_e(_SEASON_CAPTIONS.get(name, ''))}</figcaption></figure>")
    body.append(f"<footer>Written by cutrate {_e(__version__)} on {datetime.date.today().isoformat()}.</footer>")
    return write_atomic(out / "index.html", _page("cutrate season", body, script=_SORT_JS))


def _own_pace_cell(own: dict, kind: str, count: str) -> str:
    """``0:20.0–1:50.0 · 61 in 90 s (40.7/min)``: a recurring span and how fast it is cut."""
    if own.get(f"{kind}_start") is None:
        return "<td data-sort='-1' class='muted'>–</td>"
    a, b, n, cpm = (own[f"{kind}_{k}"] for k in ("start", "end", "count", "cuts_per_minute"))
    text = f"{span(a, b)} · {n} in {b - a:.0f} s ({_num(cpm, 1)}/min)"
    return f"<td data-sort='{_num(cpm)}' title='{_e(count_words(count))} in the {kind}'>{_e(text)}</td>"


def _num(x: float, digits: int = 3) -> str:
    return "" if x != x else f"{x:.{digits}f}"


def write_index_of(out_dir: str | os.PathLike, folders: Iterable[str | os.PathLike],
                   results: dict | None = None, *, figures: dict[str, bytes] | None = None,
                   statuses: dict[str, str] | None = None) -> Path:
    """``index.html`` in ``out_dir`` for the result ``folders`` (each loaded from its
    ``analysis.json`` unless ``results`` maps the folder to its Result)."""
    results = results or {}
    pairs = [(results.get(f) or load(f), Path(f)) for f in folders]
    return write_index(pairs, out_dir, figures=figures, statuses=statuses)
