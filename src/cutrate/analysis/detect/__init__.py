"""Transition detection: per-frame features in, a list of transitions out.

This stage is cheap (milliseconds per minute of video) and works on a
:class:`~cutrate.types.Features` record only, so it can be re-run with other
settings without decoding again::

    feats = cutrate.load_features("ep01.mkv")
    strict = cutrate.detect_transitions(feats, settings=cutrate.DetectSettings(threshold=0.4))

How it decides, in this order (each step leaves the frames it took to the next):

0. **The features as a viewer sees the video** (:mod:`.clean`): luma inside
   letterbox bars, without the repeated frames of a frame-rate conversion, and a
   frame blended from two shots shown as the one it mostly is.
1. **Fades and flash cuts** through flat frames (:mod:`.fades`).
2. **Hard cuts** (:mod:`.cuts`), rejecting **flashes and brief occlusions** that
   return to the shot they came from (:mod:`.flashes`).
3. **Dissolves** (:mod:`.dissolves`); a cut inside a found dissolve is a drawing
   change seen through the mix and is dropped.

Each transition has a ``confidence`` in [0, 1]: its margin over the thresholds,
mapped by a per-kind calibration (:mod:`.confidence`) to the probability that a
detection like it is right.  The detector ``cutrate-model`` (experimental) decides hard cuts with a
fitted model instead (:mod:`.model`); its cut confidence is the model's calibrated
probability and ``min_probability`` its one knob.  The settings are :class:`~cutrate.settings.DetectSettings`; the
detectors' fixed constants are named and documented in their modules.
"""

from __future__ import annotations

import numpy as np

from ...settings import DetectSettings
from ...types import Features, Transition
from . import cuts, dissolves, fades, pyscenedetect
from .clean import conversion_repeats, on_all_frames, picture_luma, unblend, without_frames
from .common import Found, Thumbs
from .confidence import IDENTITY, Calibration, default_calibration
from .model import FEATURES, CutModel, default_model

__all__ = ["transitions", "detector_id", "cut_examples", "CutModel", "Calibration", "IDENTITY", "DetectSettings"]

#: Bumped whenever the rules' decisions change for the same features and settings
#: (2: a shot fading out on its own is no dissolve; 3: frames are compared inside
#: letterbox and pillarbox bars, the defaults find cuts within one scene, and
#: occlusions are judged against their largest departure; 4: confidences are
#: calibrated probabilities, see :mod:`.confidence`; 5: a short insert shot that
#: returns to its shot, A-B-A, is two cuts, see :func:`.flashes.is_insert`; a flash
#: over a scene that moved on is in-shot; drawing changes on a steady beat of twos or
#: threes are no cuts, see :func:`.cuts.on_a_beat` (9: and on fours); 6-7: shapes passing the lens,
#: flashes that outlast their flat frames; 8: a clean spike on one frame is a cut
#: a little below ``threshold``, see :func:`.cuts.spikes`, and one that moves every
#: edge of the picture is no "things moved" however much flat area stays, see
#: :meth:`.common.Thumbs.moved_every_edge`; 9: a change that brings some new
#: colours and replaces the picture's detail is a cut in front of the same
#: background, and a picture that holds after it has not returned, see
#: :func:`.cuts.replaced_picture`; a shape passing the lens of a shot whose own
#: drawing changes are larger than its way in, see :meth:`.common.Thumbs.moved_as_the_shot`;
#: a cut up to three frames before a dissolve is a drawing change through its mix;
#: a flash whose light has gone has returned, whatever the drawing did under it;
#: 10: a short insert brighter everywhere than its shot is one when it shows a
#: still picture of its own, see :func:`.flashes.own_picture`; the picture after a
#: flat run is the one before it only when it also keeps its colours, see
#: :data:`.fades.SAME_RUN_COLOURS`; 11: an insert's cut back may come before the
#: picture is back as close as the return test asks, when the shot moved on
#: meanwhile, see :func:`.flashes.insert_exit`; a dissolve spans the steady luma
#: ramp through it, see :func:`.dissolves.luma_ramp`; a short black run that fades
#: lead into is judged by the pictures those fades leave and reach, see
#: :func:`.fades.find`; 12: luma is measured inside letterbox and pillarbox bars,
#: so a fade through white between black bars is flat, see
#: :func:`.clean.picture_luma`, and a fade-in that is a hard cut in from the flat
#: run ends at that cut, see :data:`.fades.ABRUPT`; 13: a frame that blends the last
#: frame of a shot with the first of the next (a frame-rate conversion that blends
#: frames, a deinterlaced cut) shows the shot it mostly is, see :func:`.clean.unblend`;
#: 14: the repeated frames of a frame-rate conversion (every fifth of 24 fps made 30)
#: are left out, see :func:`.clean.conversion_repeats`; 15: at 48 fps or more, so are
#: those of a doubling (30 made 60) and of 24 made 30, then 60, see
#: :data:`.clean.DOUBLED_PERIODS`; 16: things moved over a still background bring
#: no new colours to the part of the picture that changed, see ``moved_color``;
#: 17: a candidate short only of evidence is a cut when the fitted model is sure, see
#: :data:`.cuts.SECOND_OPINION`; 18: at 48 fps or more, a video converted shot by shot
#: (no steady phase) keeps of each run of one picture what it showed at 24 fps, see
#: :data:`.clean.FILM_FPS`; 19: a dissolve seen through motion fits its mix loosely
#: where it lowers the picture's contrast half way, see :data:`.dissolves.DIP`; 20: a
#: logo or subtitles inside letterbox or pillarbox bars leave them bars, see
#: :data:`.common.BORDER_LIT`; 21: an event during which the background stayed in view
#: while things moved is a shot of the same scene cut in, not something passing the
#: lens, see :data:`.flashes.STAYED`; 22: an object passing the lens may be as quick as
#: a flash, see :data:`.flashes.LENS_SHORTEST`; 23: a shape of one colour that the
#: scene does not show, sweeping across the lens while the rest of the picture goes
#: on, is an object passing the lens, see :func:`.flashes.sweeps_lens`; 24: light
#: falling on part of a shot that moves on meanwhile, gone where it fell, is no
#: inserted shot, see :func:`.flashes.lights_part`; 25: a dissolve between two moving
#: shots fits its mix on a coarse grid of mean colours, and may hold what the cut
#: tests took for an in-shot event, see :data:`.dissolves.COARSE_FIT`; 26: a change
#: with the beat of twos or threes on one side and a freeze on the other is a drawing
#: change, see :func:`.cuts.on_a_beat`; 27: to the return test, part of the scene is in view
#: only where flat areas keep their colour too, see :data:`.common.CHROMA_KEPT`, and a picture
#: that keeps the new colours a change brought has not returned, see
#: :data:`.flashes.COLOURS_STAYED`, and a flash starts where its light does, also on a
#: frame not quite flat, see :func:`.fades.find`; 28: the fitted model, refitted on
#: four times the synthetic clips, also judges changes short of ``contrast`` that
#: brought new colours, see :data:`.cuts.OPINION_RISE`).
RULES_VERSION = 28


def detector_id(settings: DetectSettings) -> str:
    """A name for the detector that :func:`transitions` runs with ``settings``."""
    if settings.detector in pyscenedetect.PYSCENEDETECT:
        return f"{settings.detector}-{pyscenedetect.version()}"
    if settings.detector == "cutrate-model":
        return f"cutrate-model-{default_model().version}-rules-{RULES_VERSION}"
    return f"cutrate-rules-{RULES_VERSION}"


def transitions(features: Features, *, settings: DetectSettings | None = None,
                model: CutModel | None = None, calibration: Calibration | None = None) -> list[Transition]:
    """Find the transitions in a video's features.

    Parameters
    ----------
    features : Features
        Output of :func:`cutrate.analysis.features.compute` (or the cache).
    settings : DetectSettings, optional
        Detection settings; the defaults when omitted.
    model : CutModel, optional
        For ``cutrate-model``: the hard-cut model; the one shipped with cutrate when
        omitted (the training script passes the models of its validation folds).
    calibration : Calibration, optional
        Maps each rule's raw confidence to a probability (:mod:`.confidence`); the
        one shipped with cutrate when omitted, :data:`.confidence.IDENTITY` for the
        raw confidences (the calibration script fits on those).

    Returns
    -------
    list of Transition
        Sorted by frame; kinds are ``cut``, ``dissolve``, ``fade`` and ``flash``.
    """
    s = settings or DetectSettings()
    if features.n < 2:
        return []
    if s.detector in pyscenedetect.PYSCENEDETECT:
        return pyscenedetect.transitions(features, s)
    times = features.times
    features, keep = _as_seen(features, s)
    thumbs, found, flat = _before_cuts(features, s)
    before_cuts = found.taken.copy()  # leaders, tails, fades and flashes
    if s.detector == "cutrate-model":
        cuts.find_model(features, s, thumbs, found, model=model)
    else:
        cuts.find(features, s, thumbs, found)
    out = found.transitions
    if s.dissolve:
        cut_at = np.zeros(features.n, bool)
        cut_at[[t.frame for t in out if t.kind == "cut"]] = True
        spans = dissolves.find_spans(features, s, found.events, flat, before_cuts, cut_at=cut_at)
        # a cut inside a dissolve is a drawing change seen through the mix; so is
        # one on the frame after its end (the mix fades out below what is measured),
        # and one just before its start (the mix begins below what is measured)
        out = [t for t in out
               if t.kind != "cut" or not any(first <= t.frame <= last for _, first, last in spans)]
        out.extend(d for d, _, _ in spans)
    out.sort(key=lambda tr: tr.frame)
    cal = default_calibration() if calibration is None else calibration
    model_cuts = s.detector == "cutrate-model"  # the model's cut confidence is calibrated already

    def conf(t: Transition) -> float:
        return t.confidence if model_cuts and t.kind == "cut" else cal(t.kind, t.confidence)

    # the precision written to analysis.json, so a saved result reads back equal
    return [
        Transition(t.kind, t.frame, round(t.time, 6), t.start_frame, t.end_frame, round(conf(t), 4))
        for t in (out if keep is None else map(on_all_frames(keep, times), out))
    ]


def _as_seen(features: Features, s: DetectSettings) -> tuple[Features, np.ndarray | None]:
    """The features as the detectors should see them (:mod:`.clean`), and the frames
    of the video they keep (None: all of them)."""
    features = picture_luma(features)
    repeats = conversion_repeats(features)
    keep = None
    if repeats.any():
        keep = np.flatnonzero(~repeats)
        features = without_frames(features, repeats)
    return unblend(features, s), keep


def _before_cuts(features: Features, s: DetectSettings) -> tuple[Thumbs, Found, np.ndarray]:
    thumbs = Thumbs(features)
    found = Found(features)
    flat = fades.flat_frames(features, s)
    fades.find(features, s, thumbs, flat, found)
    found.events[:] = found.taken  # leaders, tails, fades and flashes so far
    return thumbs, found, flat


def cut_examples(features: Features, *, settings: DetectSettings | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The candidates that reach the hard-cut model's decision, and their features
    (:data:`.model.FEATURES`): what ``benchmarks/train_detector.py`` fits on."""
    s = settings or DetectSettings()
    got: list[tuple[int, np.ndarray]] = []
    keep = None
    if features.n >= 2:
        features, keep = _as_seen(features, s)
        thumbs, found, _ = _before_cuts(features, s)
        cuts.find_model(features, s, thumbs, found, collect=got)
    frames = np.array([g[0] for g in got], np.int64)
    if keep is not None:
        frames = keep[frames]
    x = np.array([g[1] for g in got]) if got else np.zeros((0, len(FEATURES)))
    return frames, x
