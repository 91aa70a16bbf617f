"""Score shot-boundary detections against hand-checked truth (mir_eval style).

The module reads truth annotations and detector outputs, matches detections to
truth transitions, and reports hits, misses, false alarms, precision, recall and
F1 per clip and pooled over clips.  It needs only the standard library, so
``import cutrate.eval`` stays light (no video decoding, no ML frameworks).

Inputs
------
Truth
    A transitions TSV (one ``#`` comment line, then the header
    ``type start_frame end_frame start_time end_time note``; tab separated) read
    by :func:`read_truth_tsv`, or a PySceneDetect scene-list CSV read by
    :func:`read_scenedetect_csv` (every scene start after the first becomes a
    ``cut`` row).  :func:`load_truth` picks the reader from the file's content.
Predictions
    A list of frame numbers, each the 0-based index of the first decoded frame of
    a new shot.  :func:`load_predictions` reads a PySceneDetect CSV, a plain
    frame list (one integer a line, ``#`` comments allowed; :func:`read_frame_list`)
    or cutrate's own ``analysis.json`` (:func:`read_analysis_json`).

Frame numbers are 0-based indices of decoded frames, as
``ffmpeg -i CLIP -fps_mode passthrough`` produces them.  PySceneDetect writes
1-based ``Start Frame`` numbers in its CSV (``frame_num + 1``); the reader
subtracts one.

Matching rule
-------------
Truth rows fall into three groups by ``kind``:

* counted (:data:`COUNTED_KINDS`: ``cut``, ``dissolve``, ``fade_out_in``,
  ``flash``, ``wipe``) -- each is a transition to find; a matched one is a *hit*,
  an unmatched one a *miss*;
* optional (:data:`OPTIONAL_KINDS`: ``graphic``, ``leader_cut``, ``fade_in``,
  ``fade_out``) -- a detection matched to one is neither a hit nor a false
  alarm, and leaving one unmatched costs nothing;
* not boundaries (:data:`NON_BOUNDARY_KINDS`: ``not_a_cut`` hard negatives and
  ``note`` remarks) -- never matched; a detection near one is a false alarm and
  the false-alarm record names the row it hit.

A detection at frame ``f`` *can match* a counted or optional row when
``start_frame - tolerance <= f <= end_frame + tolerance`` (``tolerance`` defaults
to 2 frames).  Its *distance* to the row is 0 inside ``[start_frame, end_frame]``
and otherwise the distance to the nearer end of the span.

Matching is greedy and one-to-one: all (detection, row) pairs that can match are
sorted by distance, then by group (counted rows before optional rows), then by
detection frame, then by the row's start frame; the pairs are taken in that order,
skipping any pair whose detection or row is already taken.  Giving counted rows
priority at equal distance means a detection that lies as close to a counted row
as to an optional one is credited as a hit rather than silently absorbed by the
optional row; a closer optional row still wins, since the detection most likely
marks that one.  Greedy matching can pair fewer than an optimal bipartite
matching would, but only where two truth spans lie within ``2 * tolerance``
frames of each other (so that one detection can reach both).

Every detection left unmatched is a false alarm.  Its reason is, in this order
of preference: ``"not_a_cut"`` when it lies within ``tolerance`` of a
``not_a_cut`` row (the nearest such row is reported); ``"duplicate"`` when it lies
within ``tolerance`` of a counted or optional row that another detection took;
``"note"`` when it lies within ``tolerance`` of a ``note`` row; else
``"unmatched"`` (the nearest boundary row, if any, is reported for diagnosis).

Scores
------
``precision = hits / (hits + false_alarms)``, ``recall = hits / (hits + misses)``
and ``F1 = 2PR / (P + R)`` (0 when ``P + R == 0``).  With no detections counted
(``hits + false_alarms == 0``) precision is 1; with nothing to find
(``hits + misses == 0``) recall is 1; so a clip with nothing to find and nothing
found scores P = R = F1 = 1.  :func:`pool` sums hits, false alarms and misses over
clips before computing the ratios (micro-averaging).
"""

from __future__ import annotations

from .match import calibrate, evaluate, most_in_window, peak_counts, peak_errors, pool
from .readers import (
    TRUTH_SUFFIX,
    find_pairs,
    is_prediction_file,
    load_predictions,
    load_truth,
    read_analysis_json,
    read_frame_list,
    read_scenedetect_csv,
    read_truth_tsv,
)
from .records import (
    ALL_KINDS,
    COUNTED_KINDS,
    DEFAULT_TOLERANCE,
    NON_BOUNDARY_KINDS,
    OPTIONAL_KINDS,
    TSV_COLUMNS,
    AnnotationFormatError,
    CalibrationRow,
    ClipScore,
    Detection,
    FalseAlarm,
    Match,
    TruthRow,
)
from .tables import format_calibration, format_errors, format_table

__all__ = [
    "ALL_KINDS",
    "COUNTED_KINDS",
    "DEFAULT_TOLERANCE",
    "NON_BOUNDARY_KINDS",
    "OPTIONAL_KINDS",
    "TSV_COLUMNS",
    "AnnotationFormatError",
    "CalibrationRow",
    "ClipScore",
    "Detection",
    "FalseAlarm",
    "Match",
    "TruthRow",
    "calibrate",
    "evaluate",
    "find_pairs",
    "is_prediction_file",
    "TRUTH_SUFFIX",
    "format_calibration",
    "format_errors",
    "format_table",
    "load_predictions",
    "load_truth",
    "most_in_window",
    "peak_counts",
    "peak_errors",
    "pool",
    "read_analysis_json",
    "read_frame_list",
    "read_scenedetect_csv",
    "read_truth_tsv",
]
