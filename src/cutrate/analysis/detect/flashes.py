"""Flashes and brief occlusions: a change that returns to the shot it came from.

If, after 1 to ``flash_frames`` frames, the picture returns to the shot it came
from (a lightning flash, a muzzle flash, an impact frame), or after up to
``occlusion_s`` seconds while part of the scene stays in view (an object passing
the lens), the event is not a transition.  A bright flash that leads into a
*different* shot is one ``flash`` transition.  A picture that returns after two
or more frames of a still, different shot is a short insert (A-B-A, a cutaway and
back): two cuts (:func:`is_insert`).
"""

from __future__ import annotations

import numpy as np

from ...settings import DetectSettings
from ...types import Features
from .common import (
    CONTINUE,
    DETAIL_BLOCKS,
    HOLD_PHASES,
    REPLACED_COLOUR,
    SAME_PICTURE,
    STATIC_LEVEL,
    Thumbs,
    detail_blocks,
    structure_correlation,
)

#: The picture has returned when its distance to the pre-event frame is below
#: SAME_PICTURE and below this share of the event's own cut score.
RETURN_SHARE = 0.5
#: After a change that replaced the picture (:func:`.cuts.replaced_picture`) and
#: brought some new colours (REPLACED_COLOUR), the
#: picture has returned only when it is also closer than RETURN_CLOSER times the
#: farthest it went (the cut score and the thumbnails measure change differently:
#: a cut to the same background can stay as far from the frame before as it went).
RETURN_CLOSER = 0.8
#: During an occlusion, a block this close to the pre-event frame (structural
#: distance) shows the scene still in view; on the event's last frame, a block as
#: close as IN_VIEW_SHARE times the returned frame's distance does too (the scene
#: moved on meanwhile).
IN_VIEW = 0.15
IN_VIEW_SHARE = 1.25
#: A flash is brighter than the frame before it by FLASH_RISE luma levels and at
#: least FLASH_LUMA bright (0..255).
FLASH_RISE = 40.0
FLASH_LUMA = 150.0
#: Frames between a candidate's pre-frame and its return count as a brighter event
#: when their mean luma, and that of the first of them, exceed the pre-frame's by
#: this much.
BRIGHTER = 10.0
#: A picture that still shows COLOURS_STAYED of the new colours the change brought
#: has not returned (:func:`_colours_stayed`; asked from LENS_SHORTEST frames on, so
#: of flashes of three frames or more too: a flash's own new colours are gone after it).
COLOURS_STAYED = 0.6
#: Something passing the lens covers most of the picture: an event longer than a
#: flash that kept STAYED of the background in view while things moved (MOVING) is
#: a shot of the same scene cut in, not an occlusion (:func:`_background_stayed`).
STAYED = 0.4
MOVING = 0.02
#: The shortest span (frames) that :func:`return_after` and :func:`ends_an_occlusion` ask
#: :func:`passes_lens` about (it needs three itself, :func:`_lens_room`).
LENS_SHORTEST = 3
#: A short insert shot (A-B-A) holds still: no frame-to-frame change inside it is
#: above INSERT_STILL times the smaller of the cuts into and out of it.
INSERT_STILL = 0.5
#: Brighter frames show a picture of their own (a short bright shot, not light on
#: the scene) when the detail of their last frame correlates with that of their
#: first by at least OWN_GAP more than either correlates with the frame before
#: (:func:`own_picture`).
OWN_GAP = 0.5
#: ... and it replaced the whole picture: fewer than OWN_UNTOUCHED of the first
#: frame's thumbnail pixels stayed within UNTOUCHED_LEVEL luma levels (0..255) of
#: the frame before (light falling on part of a scene, a muzzle flash, leaves the
#: rest as it was).
OWN_UNTOUCHED = 0.10
UNTOUCHED_LEVEL = 8.0
#: A frame ends an event only if the change into the event was at least
#: DEPARTURE_SHARE of the change at that frame (the way out of a flash during
#: animation is larger than the way in: the drawing changed meanwhile).
DEPARTURE_SHARE = 0.35
#: Light only adds: a brighter event in which less than DARKER_SHARE of the picture
#: got darker by DARKER_LEVEL luma levels (0..255) is light falling on the scene.
DARKER_LEVEL = 16.0
DARKER_SHARE = 0.10
#: An object passing the lens hides the scene: on some frame between its first and
#: last, fewer than two blocks are within HIDDEN (structural distance) of the frames
#: before and after it.  Same-look shots cut in between keep their background in view.
HIDDEN = 0.10
#: ... while its first and last frames show part of the scene: two blocks within
#: LENS_IN_VIEW of the frame before and after, or within IN_VIEW_SHARE times what
#: the shot itself changes there in a frame or two (the scene moves meanwhile).
LENS_IN_VIEW = 0.25
#: ... and its colours are not those of the scene: on that frame, at least
#: HIDDEN_COLOUR of the picture's colours (:meth:`.Thumbs.color_change`) are found
#: neither before nor after it.
HIDDEN_COLOUR = 0.4
#: It enters on its first frame and leaves after its last: each covers at least
#: EDGE_SHARE of the colours it covers at its widest.
EDGE_SHARE = 0.25
#: ... and the frames before and after it share their colours: fewer than
#: SAME_COLOURS times as many changed between them as the object covered, and
#: below LENS_COLOURS times ``moved_color`` (things moved for the whole occlusion).
SAME_COLOURS = 0.5
LENS_COLOURS = 2.0
#: An object passing the lens may instead be told by its colour (:func:`sweeps_lens`):
#: the middle frame of the span is mostly (SWEEP_COVER) one colour (its median, to
#: within SWEEP_LEVEL luma and chroma levels, 0..255) that the frames either side
#: hardly show (at most SWEEP_SCENE of their picture) ...
SWEEP_LEVEL = 12.0
SWEEP_COVER = 0.6
SWEEP_SCENE = 0.1
#: ... and which covers part of the picture on the first and last frames (from
#: SWEEP_SCENE to SWEEP_COVER_MOST of it), in from an edge (covering at least
#: SWEEP_EDGE of an outer row or column), and in other places (the two frames share
#: at most SWEEP_OVERLAP of the smaller cover) ...
SWEEP_COVER_MOST = 0.9
SWEEP_EDGE = 0.5
SWEEP_OVERLAP = 0.5
#: ... hiding what was there: the covered pixels changed (luma or chroma) by at least
#: SWEEP_HIDES levels and SWEEP_HIDES_SHARE times the rest of the picture (a dissolve
#: mixes its colour in a little at a time, everywhere), while the rest changed no
#: more than the shot does from frame to frame beside the span (CONTINUE times that,
#: plus STATIC_LEVEL).
SWEEP_HIDES = 16.0
SWEEP_HIDES_SHARE = 2.0


def return_after(features: Features, thumbs: Thumbs, t: int, score_t: float, s: DetectSettings, *,
                 replaced: bool = False) -> int | None:
    """The last frame of an in-shot event starting at ``t`` (a flash or an object
    passing the lens), after which the picture returns to frame ``t - 1``; None when
    the picture does not return.  ``replaced``: :func:`.cuts.replaced_picture`
    holds for ``t`` (asked of every candidate); a picture that then holds
    (:func:`still_after`) has not returned, however much it looks like the shot
    before with things moved, unless the event lit the scene and its light has gone
    (a flash).  After a replacement that also brought new colours, a picture only
    as close as the thumbnails' distance says has returned when it is closer than
    RETURN_CLOSER times the farthest it went."""
    pre = t - 1
    longest = _longest(features, t, s)
    if longest < 1:
        return None
    # blocks of the frame before the event against every frame after it
    blocks = thumbs.blocks_after(pre, t, t + longest)
    back = blocks.mean(1)

    def in_view(i: int) -> float:
        """How clearly part of the scene is in view on frame ``t + i``: the
        second-smallest distance of a block that kept its structure and colour."""
        return float(np.partition(np.where(thumbs.recoloured_blocks(pre, t + i), 1.0, blocks[i]), 1)[1])

    # how far the picture has gone: a shape entering the lens starts with a small
    # change and covers more, so the return is judged against the largest departure
    away = np.maximum.accumulate(np.maximum(back, score_t))
    thumbs.prefetch(range(pre, t + longest + 1))
    thumbs.color_changes(pre, range(t + 1, t + longest + 1))
    prefetch_lens(thumbs, [(pre, t + length) for length in range(LENS_SHORTEST, longest + 1)], s)
    luma = features.luma_mean
    # a replaced picture that brought new colours (a cut in front of the same background)
    recoloured = replaced and float(features.color_change[t]) >= REPLACED_COLOUR * s.moved_color
    passed = None  # the length after which an object passing the lens has gone (the closest return)
    for length in range(1, longest + 1):
        # a flash lights the scene while it moves on: a pan comes back moved as it moves
        lit = length <= s.flash_frames and _lit(luma, pre, t, t + length)
        k = t + length
        # back as it was (the thumbnails' distance), unless the picture a replacement
        # brought, with new colours, stayed about as far as it went
        returned = (back[length] < min(SAME_PICTURE, RETURN_SHARE * away[length - 1])
                    and not (recoloured and back[length] >= RETURN_CLOSER * back[:length].max()))
        if not returned and thumbs.moved_only(pre, k, s, pan=lit):
            # or the scene with things moved, unless the picture a replacement brought
            # holds (when no flash's light has gone meanwhile)
            returned = not (replaced and still_after(thumbs, t, k) and not (lit and _dimmed(luma, pre, k)))
        if returned and length >= LENS_SHORTEST and _colours_stayed(features, thumbs, t, k, s):
            returned = False  # the colours the change brought are still there: another shot
        # a flash may cover everything; a longer occlusion enters and leaves the
        # picture, so its first and last frames still show part of the scene
        # (an insert shot, A-B-A, shows none of it on its first frame)
        if returned:
            seen = max(IN_VIEW, IN_VIEW_SHARE * float(back[length]))
            if length <= s.flash_frames or (in_view(0) < IN_VIEW and in_view(length - 1) < seen
                                             and not _background_stayed(features, thumbs, pre, t + length)):
                # a shape leaving the lens may still cover part of the returned
                # frame (it is not yet within IN_VIEW of the frame before): the
                # event lasts while the picture comes markedly closer
                while (length < longest and back[length] >= IN_VIEW
                       and back[length + 1] < RETURN_SHARE * back[length]):
                    length += 1
                return t + length
        # an object passing the lens may be as quick as a flash (0.1 s: three frames at 30 fps)
        if (length >= LENS_SHORTEST and (passed is None or back[length] < back[passed])
                and passes_lens(thumbs, pre, t + length, s)):
            passed = length
        if returned:
            break
    return None if passed is None else t + passed


def _colours_stayed(features: Features, thumbs: Thumbs, t: int, k: int, s: DetectSettings) -> bool:
    """Whether frame ``k`` still shows the colours the change at ``t`` brought: at
    least ``moved_color`` of its colours are not found near frame ``t - 1``'s, and
    at least COLOURS_STAYED as many as at ``t`` (an object leaving the lens takes
    its colours with it; after a cut to the same background, the structure of
    the background may line up again while the new things stay)."""
    cc = thumbs.color_change(t - 1, k)
    return cc >= s.moved_color and cc >= COLOURS_STAYED * float(features.color_change[t])


def _background_stayed(features: Features, thumbs: Thumbs, pre: int, end: int) -> bool:
    """Whether every frame from ``pre + 1`` to ``end - 1`` kept at least STAYED of
    frame ``pre``'s picture unchanged (:meth:`.Thumbs.static`), unlit, while moving
    (a median change of at least MOVING between the event's own frames, not counting
    the changes into and out of it; False for an event of one frame): nothing
    covered the lens; other things moved in front of the same background.  A held
    drawing (no change inside) stays an event: animation on long holds jumps the
    same way."""
    luma = features.luma_mean
    if float(luma[pre + 1:end].max()) >= float(luma[pre]) + BRIGHTER:
        return False
    if end - pre < 3 or float(np.median(features.score[pre + 2:end])) < MOVING:
        return False
    return all(thumbs.static(pre, k) >= STAYED for k in range(pre + 1, end))


def _longest(features: Features, t: int, s: DetectSettings) -> int:
    """The most frames after ``t`` that :func:`return_after` looks at."""
    return min(max(s.flash_frames, int(round(s.occlusion_s * features.info.frame_rate))), features.n - 1 - t)


def prefetch_returns(features: Features, thumbs: Thumbs, frames: list[int], s: DetectSettings) -> None:
    """Compute in one batch the colour histograms and colour changes that
    :func:`return_after` asks about first for each of ``frames`` (a few candidates:
    their histograms stay within what :class:`.Thumbs` keeps).  Only the arithmetic
    is batched."""
    spans = [(t - 1, t + _longest(features, t, s)) for t in frames]
    thumbs.prefetch(k for pre, last in spans for k in range(pre, last + 1))
    thumbs.color_pairs((pre, k) for pre, last in spans for k in range(pre + 2, last + 1))


def still_after(thumbs: Thumbs, t: int, k: int) -> bool:
    """Whether frame ``k`` still shows the picture that frame ``t`` brought: ``k`` is
    closer to ``t`` than to ``t - 1``.  After a change that replaced the picture, it
    has then not returned to the shot before, however much it looks like that shot
    with things moved (a cut to another framing of one scene, or to another
    character in front of the same background, keeps its colours, and the picture
    holds after it)."""
    return thumbs.dis(t, k) < thumbs.dis(t - 1, k)


def _lit(luma: np.ndarray, pre: int, a: int, b: int) -> bool:
    """Whether frames ``a .. b-1`` are a brighter event than frame ``pre``: light
    from the first of them on, and on average (:data:`BRIGHTER`)."""
    lift = float(luma[pre]) + BRIGHTER
    return float(luma[a]) >= lift and float(luma[a:b].mean()) >= lift


def _dimmed(luma: np.ndarray, pre: int, k: int) -> bool:
    """Whether frame ``k`` is back to the brightness of frame ``pre`` (below it plus
    :data:`BRIGHTER`): the light of a flash has gone; a cut to a brighter shot stays."""
    return float(luma[k]) < float(luma[pre]) + BRIGHTER


def passes_lens(thumbs: Thumbs, pre: int, after: int, s: DetectSettings) -> bool:
    """Whether frames ``pre+1 .. after-1`` are an object passing the lens of a shot
    that moves on meanwhile (fast animation, a pan): it hides the scene
    (:func:`_hides_the_scene`), or a shape of its own colour sweeps across it
    (:func:`sweeps_lens`)."""
    return _hides_the_scene(thumbs, pre, after, s) or sweeps_lens(thumbs, pre, after)


def _hides_the_scene(thumbs: Thumbs, pre: int, after: int, s: DetectSettings) -> bool:
    """Whether frames ``pre+1 .. after-1`` are an object passing the lens of a shot,
    told by the blocks of the thumbnails: the first of them still shows
    part of frame ``pre`` and the last part of frame ``after``, a frame between
    them hides nearly all of both (:data:`HIDDEN`), and frame ``after`` is the
    scene of ``pre``, as it was or moved on as the shot moves
    (:meth:`.Thumbs.moved_as_the_shot`).

    A short shot cut in between fails: it shows none of ``pre`` on its first frame,
    or, with the same background, keeps that background in view all along.
    """
    if not _lens_ends(thumbs, pre, after, s):
        return False
    inner = np.minimum(thumbs.in_view(pre, pre + 2, after - 2), thumbs.in_view(after, pre + 2, after - 2))
    if float(inner.max()) < HIDDEN:
        return False
    frames = range(pre + 2, after - 1)
    thumbs.color_changes(pre, frames)
    thumbs.color_changes(after, frames)
    covered = max(min(thumbs.color_change(pre, k), thumbs.color_change(after, k)) for k in frames)
    if covered < HIDDEN_COLOUR:
        return False  # the colours of the scene stayed in view: it moved (a pan), nothing covered it
    if min(thumbs.color_change(pre, pre + 1), thumbs.color_change(after, after - 1)) < EDGE_SHARE * covered:
        return False  # nothing entered on the first frame or left after the last: the span is misplaced
    if thumbs.color_change(pre, after) >= min(SAME_COLOURS * covered, LENS_COLOURS * s.moved_color):
        return False  # the frames either side do not share their colours: not one scene
    # the scene of ``pre`` again: as it was (a still shot: closer than any hidden
    # frame was), or moved on as the shot moves
    return thumbs.dis(pre, after) < HIDDEN or thumbs.moved_as_the_shot(pre, after)


def sweeps_lens(thumbs: Thumbs, pre: int, after: int) -> bool:
    """Whether frames ``pre+1 .. after-1`` show a shape of one colour, not the
    scene's, sweeping across the lens while the rest of the picture continues the
    shot (the SWEEP_ constants).  It needs no likeness between frames ``pre`` and
    ``after``: over fast animation the scene after the shape may have moved on
    further than the shot moves in as many frames, and this still tells it."""
    if after - pre - 1 < 3 or pre < HOLD_PHASES or after + HOLD_PHASES >= thumbs.n:
        return False
    # the middle frame and the frames either side first (most spans end here)
    mid = (pre + after) // 2
    ends = np.stack(thumbs.yuv([mid, pre, after])).astype(np.float32)  # (3 planes, 3 frames, h, w)
    colour = thumbs.median_colour(mid)[:, None, None, None]
    cover = (np.abs(ends - colour).max(axis=0) < SWEEP_LEVEL).mean(axis=(1, 2))
    if cover[0] < SWEEP_COVER or max(cover[1], cover[2]) > SWEEP_SCENE:
        return False
    planes = np.stack(thumbs.yuv(list(range(pre, after + 1)))).astype(np.float32)  # (3, frames, h, w)
    near = np.abs(planes - colour).max(axis=0) < SWEEP_LEVEL
    cover = near.mean(axis=(1, 2))
    for k in (1, -2):
        if not SWEEP_SCENE <= cover[k] <= SWEEP_COVER_MOST:
            return False
        m = near[k]
        if max(m[0].mean(), m[-1].mean(), m[:, 0].mean(), m[:, -1].mean()) < SWEEP_EDGE:
            return False  # it does not come in from an edge
    first, last = near[1], near[-2]
    if (first & last).sum() > SWEEP_OVERLAP * min(first.sum(), last.sum()):
        return False
    # the rest of the picture continues the shot: on the first and last frames, the
    # part clear of the shape changed from the frame outside no more than the shot
    # changes from frame to frame beside the event
    before, beyond = _own_changes(thumbs, pre, after)
    return (_continues(planes[:, 1], planes[:, 0], near[1] & ~near[0], before)
            and _continues(planes[:, -2], planes[:, -1], near[-2] & ~near[-1], beyond))


def lights_part(thumbs: Thumbs, pre: int, t: int, back: int, s: DetectSettings) -> bool:
    """Whether frames ``t .. back-1`` are light falling on part of the shot of frame
    ``pre`` (a muzzle flash, a burst of fire), gone again on frame ``back``, while the
    rest of the picture continues the shot, which may move on meanwhile (animation
    on twos or threes, a pan).  Frame ``t`` is frame ``pre`` with part of it (from
    SWEEP_SCENE to SWEEP_COVER_MOST of the picture) at least SWEEP_HIDES luma levels
    brighter; frame ``back`` is frame ``back - 1`` with part of it as much darker
    again, the parts overlapping by at least SWEEP_OVERLAP of the smaller; clear of
    the light, both frames changed no more than the shot does from frame to frame
    beside the event (:func:`_continues`), and frame ``back`` is the scene of frame
    ``pre`` with things moved (:meth:`.Thumbs.moved_only`, as far as the shot
    moves).  A short shot cut in between fails: its picture does not continue the
    shot, apart from one part of it brighter; so does a cut to a brighter shot of the
    same film: the frame after its light is another picture."""
    if back - t < 1 or pre < HOLD_PHASES or back + HOLD_PHASES >= thumbs.n:
        return False
    if not thumbs.moved_only(pre, back, s, pan=True):
        return False
    planes = np.stack(thumbs.yuv([pre, t, back - 1, back])).astype(np.float32)  # (3, 4, h, w)
    lit = planes[0, 1] - planes[0, 0] >= SWEEP_HIDES
    gone = planes[0, 2] - planes[0, 3] >= SWEEP_HIDES
    for m in (lit, gone):
        if not SWEEP_SCENE <= float(m.mean()) <= SWEEP_COVER_MOST:
            return False
    if (lit & gone).sum() < SWEEP_OVERLAP * min(lit.sum(), gone.sum()):
        return False  # the light went from another part than it fell on
    before, beyond = _own_changes(thumbs, pre, back)
    return (_continues(planes[:, 1], planes[:, 0], lit, before, edge=False)
            and _continues(planes[:, 2], planes[:, 3], gone, beyond, edge=False))


def _own_changes(thumbs: Thumbs, pre: int, after: int) -> tuple[float, float]:
    """The most the shot's luma changed from one frame to the next (mean absolute
    difference, 0..255) over the HOLD_PHASES frames up to frame ``pre`` and from
    frame ``after`` on: its own motion either side of an event between them."""
    y = thumbs.y

    def most(frames: range) -> float:
        return max(float(np.abs(y[j + 1].astype(np.float32) - y[j]).mean()) for j in frames)

    return most(range(pre - HOLD_PHASES, pre)), most(range(after, after + HOLD_PHASES))


def _continues(inside: np.ndarray, outside: np.ndarray, covered: np.ndarray, own: float, *,
               edge: bool = True) -> bool:
    """Whether picture ``inside`` (luma and chroma planes) is picture ``outside``
    with a shape over the pixels ``covered``: they changed by at least SWEEP_HIDES
    levels of luma or chroma and SWEEP_HIDES_SHARE times the rest (a shape hides
    what was there; a dissolve mixes it in a little at a time), and the pixels
    clear of it (and of its edge) changed in luma no more than CONTINUE times
    ``own``, the shot's own change from frame to frame, plus STATIC_LEVEL.  Without
    ``edge``, the pixels next to ``covered`` count as clear (light fades out softly
    at its edge; a shape's edge moves with it)."""
    clear = ~_grow(covered) if edge else ~covered
    if not covered.any() or clear.sum() < SWEEP_SCENE * clear.size:
        return False
    diff = np.abs(inside - outside)  # (3, h, w)
    change = float(diff[0][clear].mean())
    if float(diff.max(axis=0)[covered].mean()) < max(SWEEP_HIDES, SWEEP_HIDES_SHARE * change):
        return False
    return change <= CONTINUE * own + STATIC_LEVEL


def _grow(mask: np.ndarray) -> np.ndarray:
    """``mask`` grown by one pixel (its 3x3 neighbourhood)."""
    g = mask.copy()
    g[1:] |= mask[:-1]
    g[:-1] |= mask[1:]
    h = g.copy()
    h[:, 1:] |= g[:, :-1]
    h[:, :-1] |= g[:, 1:]
    return h


def _lens_room(n: int, pre: int, after: int) -> bool:
    """Whether the span between frames ``pre`` and ``after`` of a video of ``n``
    frames is long enough for :func:`passes_lens`, with two frames of room either side."""
    return after - pre - 1 >= 3 and pre >= 2 and after + 2 < n


def _lens_colours(thumbs: Thumbs, pre: int, after: int, s: DetectSettings) -> bool:
    """The first tests of :func:`passes_lens` (the cheapest): the span has room
    (:func:`_lens_room`), and frames ``pre`` and ``after`` share their colours."""
    return _lens_room(thumbs.n, pre, after) and thumbs.color_change(pre, after) < LENS_COLOURS * s.moved_color


#: Per end of a span (the frame inside the span next to it, the first and last of
#: the two frames outside it), as offsets from the end: the pairs :func:`_lens_ends`
#: compares.
_AFTER_END = (-1, (1, 2))
_PRE_END = (1, (-2, -1))


def _lens_ends(thumbs: Thumbs, pre: int, after: int, s: DetectSettings) -> bool:
    """:func:`_lens_colours`, and each end of the span shows part of the scene next
    to it: its frame inside the span is as close to the one outside as the shot's
    own next drawing would be (the end after the span first: ends_an_occlusion asks
    about one such end for many spans, so it is known after the first)."""
    if not _lens_colours(thumbs, pre, after, s):
        return False
    for end, (inside, outside) in ((after, _AFTER_END), (pre, _PRE_END)):
        own = float(thumbs.in_view(end, end + outside[0], end + outside[1]).max())
        seen = float(thumbs.in_view(end, end + inside, end + inside)[0])
        if seen >= max(LENS_IN_VIEW, IN_VIEW_SHARE * own):
            return False
    return True


def prefetch_lens(thumbs: Thumbs, spans: list[tuple[int, int]], s: DetectSettings) -> None:
    """Compute, in a few batches, what :func:`passes_lens` will ask about each of
    ``spans`` (``(pre, after)`` pairs): the colour test of all, the ends of those
    that pass it, the frames between the ends of those that pass that.  Only the
    arithmetic is batched; every decision is :func:`passes_lens`'s own."""
    spans = [sp for sp in spans if _lens_room(thumbs.n, *sp)]
    thumbs.color_pairs(spans)
    spans = [sp for sp in spans if _lens_colours(thumbs, *sp, s)]
    thumbs.prefetch_blocks((end, end + k) for pre, after in spans
                           for end, (inside, outside) in ((after, _AFTER_END), (pre, _PRE_END))
                           for k in (inside, *range(outside[0], outside[1] + 1)))
    spans = [sp for sp in spans if _lens_ends(thumbs, *sp, s)]
    thumbs.prefetch_blocks((end, k) for pre, after in spans for end in (pre, after) for k in range(pre + 2, after - 1))


def ends_an_occlusion(thumbs: Thumbs, t: int, s: DetectSettings, fps: float) -> bool:
    """Whether frame ``t`` is the first after an object passed the lens
    (:func:`passes_lens`) for LENS_SHORTEST frames or more, up to ``occlusion_s``
    (its entry may have been too gradual to be a candidate)."""
    longest = max(s.flash_frames, int(round(s.occlusion_s * fps)))
    spans = [(t - 1 - length, t) for length in range(LENS_SHORTEST, longest + 1) if t - 1 - length >= 0]
    prefetch_lens(thumbs, spans, s)
    return any(passes_lens(thumbs, pre, after, s) for pre, after in spans)


def is_insert(features: Features, thumbs: Thumbs, t: int, end: int, s: DetectSettings) -> bool:
    """Whether frames ``t..end-1``, after which the picture returns to frame ``t - 1``,
    are a short insert shot (A-B-A: a cutaway of two or more frames) rather than an
    in-shot event.

    An insert is entered *and* left by a cut (the score at ``end`` reaches
    ``threshold`` too), holds still in between as a shot does (no change inside it
    above INSERT_STILL of those cuts, and its first and last frames show the same
    picture), and nothing changed as much one insert-length before it: a shape
    passing the lens moves all the time, and animation on twos or threes changes
    drawings at a steady beat.  A brighter insert must have made some of the
    picture darker (light falling on the scene only adds), or show a still picture
    of its own (:func:`own_picture`: a white title card, a sunlit view).  One frame
    is too short to tell an insert from an impact frame, so it never is one.
    """
    score = features.score
    length = end - t
    if length < 2 or end >= features.n or t < length + 1:
        return False
    into, out = float(score[t]), float(score[end])
    still = INSERT_STILL * min(into, out)
    if out < s.threshold or float(score[t + 1 : end].max()) > still or float(score[t - length]) > still:
        return False
    if thumbs.dis(t, end - 1) >= SAME_PICTURE:
        return False
    if float(features.luma_mean[t:end].mean()) < float(features.luma_mean[t - 1]) + BRIGHTER:
        return True
    if lights_part(thumbs, t - 1, t, end, s):
        return False  # light on part of the scene, which moved on (its drawing changed) meanwhile
    change = thumbs.y[t].astype(np.float32) - thumbs.y[t - 1].astype(np.float32)
    return float((change < -DARKER_LEVEL).mean()) >= DARKER_SHARE or own_picture(thumbs, t - 1, t, end - 1)


def insert_exit(features: Features, thumbs: Thumbs, t: int, end: int, s: DetectSettings) -> int | None:
    """The frame that leaves a short insert shot starting at ``t`` (:func:`is_insert`)
    when the picture returned to frame ``t - 1`` by frame ``end``; None when frames
    ``t..end-1`` hold no insert.

    The cut back may come before the picture is as close to ``t - 1`` as the return
    test asks: the shot moved on while the insert was shown, and goes on moving
    after it.  The cut back is then the first frame after ``t`` with a change of at
    least ``threshold``, and the frames from it to ``end`` are one shot, the one the
    picture returned to: nothing in them changes as much as INSERT_STILL of that
    cut, and they are closer to frame ``end`` than the insert's last frame is."""
    if is_insert(features, thumbs, t, end, s):
        return end
    score = features.score
    later = np.flatnonzero(score[t + 1 : end] >= s.threshold)
    if later.size == 0:
        return None
    out = t + 1 + int(later[0])
    if float(score[out + 1 : end + 1].max()) > INSERT_STILL * float(score[out]):
        return None  # the frames after the cut back change too much to be the returned shot
    if thumbs.dis(out, end) >= thumbs.dis(out - 1, end):
        return None  # the cut back did not bring the picture the span returned to
    return out if is_insert(features, thumbs, t, out, s) else None


def own_picture(thumbs: Thumbs, pre: int, first: int, last: int) -> bool:
    """Whether frames ``first..last`` (two or more, brighter than frame ``pre``) show
    a still picture of their own, a short bright shot, rather than light falling on
    the scene of ``pre``.  The first of them replaced nearly every pixel
    (OWN_UNTOUCHED), each has at least DETAIL_BLOCKS blocks of detail, and the
    detail of the last correlates with that of the first by at least OWN_GAP more
    than either correlates with frame ``pre``
    (:func:`~.common.structure_correlation`).  Light keeps the pattern of the scene
    it falls on, or leaves part of it as it was; a scene moving under the light
    moves its pattern inside the span as much as across its first frame."""
    if last <= first:
        return False
    untouched = np.abs(thumbs.y[first].astype(np.float32) - thumbs.y[pre].astype(np.float32)) < UNTOUCHED_LEVEL
    if float(untouched.mean()) >= OWN_UNTOUCHED:
        return False
    if min(detail_blocks(thumbs.y[k]) for k in range(first, last + 1)) < DETAIL_BLOCKS:
        return False
    inside = structure_correlation(thumbs.y[first], thumbs.y[last])
    across = max(structure_correlation(thumbs.y[pre], thumbs.y[k]) for k in (first, last))
    return across <= inside - OWN_GAP


def ends_an_event(thumbs: Thumbs, features: Features, t: int, s: DetectSettings) -> bool:
    """Whether frame ``t`` returns to the picture from before a flash of 1 to
    ``flash_frames`` frames that ended at ``t - 1`` (the flash's own start may not
    have been a candidate, e.g. a partial or grey flash)."""
    for k in range(1, s.flash_frames + 1):
        before = t - 1 - k
        if before < 0:
            break
        lit = _lit(features.luma_mean, before, t - k, t)
        if not lit and k > 1:
            continue  # not a brighter event in between
        if float(features.score[t - k : t].max()) < DEPARTURE_SHARE * float(features.score[t]):
            continue  # nothing left the picture nearly as much as frame t changes it
        if (thumbs.dis(before, t) < min(SAME_PICTURE, RETURN_SHARE * float(features.score[t]))
                or thumbs.moved_only(before, t, s, pan=lit)):
            return True
    return False


def flash_end(luma: np.ndarray, t: int, pre: int, max_len: int) -> int | None:
    """If frames t.. are a bright flash of at most ``max_len`` frames, the first frame after it."""
    n = luma.shape[0]
    base = float(luma[pre])
    bright = max(base + FLASH_RISE, FLASH_LUMA)
    k = t
    while k < n and k - t < max_len and luma[k] >= bright:
        k += 1
    if k == t or k >= n or k - t > max_len:
        return None
    if luma[k] >= bright:
        return None
    return k


#: The numbers :func:`event_features` gives, in order (see :data:`.model.FEATURES`).
EVENT_FEATURES = ("return_short", "return_long", "return_when", "in_view_first", "ends_event", "flash_lift")


def event_features(features: Features, thumbs: Thumbs, t: int, s: DetectSettings) -> tuple[float, ...]:
    """How much the change at ``t`` looks like an in-shot event rather than a cut.

    ``return_short``: smallest distance from the frame before ``t`` to the frames
    1..``flash_frames`` after it, over the score at ``t`` (low: the picture came
    back, a flash); ``return_long``: the same up to ``occlusion_s``, absolute;
    ``return_when``: seconds until that closest return; ``in_view_first``: the
    second-best block distance of ``t`` to the frame before (low: part of the scene
    still in view, something entering); ``ends_event``: smallest distance of ``t``
    to the frames 2..``flash_frames``+1 before it, over the score (low: ``t`` ends a
    flash); ``flash_lift``: how much brighter the next frames are than the one
    before (luma levels).
    """
    n = features.n
    pre = t - 1
    fps = features.info.frame_rate
    score_t = max(float(features.score[t]), 1e-3)
    longest = min(max(s.flash_frames, int(round(s.occlusion_s * fps))), n - 1 - t)
    if longest >= 1:
        blocks = thumbs.blocks_after(pre, t, t + longest)
        back = blocks.mean(1)
        short = float(back[1 : s.flash_frames + 1].min()) / score_t
        k = int(np.argmin(back[1:])) + 1
        long_ = float(back[k])
        when = k / fps
        first = float(np.sort(blocks[0])[1])
    else:
        short, long_, when = 4.0, 1.0, s.occlusion_s
        first = float(thumbs.blocks_after(pre, t, t)[0].min()) if t >= 1 else 1.0
    ends = [thumbs.dis(t - 1 - k, t) for k in range(1, s.flash_frames + 1) if t - 1 - k >= 0]
    ends_event = (min(ends) / score_t) if ends else 4.0
    lum = features.luma_mean
    lift = float(lum[t : min(n, t + s.flash_frames)].max() - lum[pre])
    return (min(short, 4.0), long_, when, first, min(ends_event, 4.0), lift)
