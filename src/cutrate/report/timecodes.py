"""SMPTE timecodes for editors: non-drop-frame, and drop-frame at 29.97 and 59.94.

At NTSC rates (30000/1001 and 60000/1001 frames per second) a non-drop timecode
drifts from the clock by 3.6 s an hour; drop-frame timecode skips the frame
numbers 00 and 01 (04 and 05 at 59.94... i.e. 2 or 4 numbers) at the start of every
minute except each tenth, so it stays within a frame of the clock.  It is written
with a ``;`` before the frames.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ParameterError


@dataclass(frozen=True)
class Timebase:
    """How frames are counted in timecode: ``fps`` frame numbers a second (the
    nominal integer rate), dropping frame numbers at NTSC rates when ``drop``."""

    fps: int
    drop: bool = False

    @property
    def dropped(self) -> int:
        """Frame numbers skipped at each minute that is not a tenth."""
        return round(self.fps / 15) if self.drop else 0


def timebase(rate: float, *, drop: bool | None = None) -> Timebase:
    """The timebase for a video at ``rate`` frames per second: the nearest integer
    rate, drop-frame at 29.97 and 59.94 unless ``drop`` says otherwise."""
    fps = max(1, round(rate))
    ntsc = fps in (30, 60) and abs(rate - fps * 1000 / 1001) < 1e-3
    return Timebase(fps, ntsc if drop is None else bool(drop and fps in (30, 60)))


def to_smpte(frame: int, tb: Timebase) -> str:
    """Timecode ``HH:MM:SS:FF`` (``HH:MM:SS;FF`` drop-frame) of a frame count."""
    frame = max(int(frame), 0)
    fps = tb.fps
    if tb.drop:
        d = tb.dropped
        per_10min = 600 * fps - 9 * d
        per_min = 60 * fps - d
        tens, rem = divmod(frame, per_10min)
        frame += 9 * d * tens + (d * ((rem - d) // per_min) if rem >= d else 0)
    ff = frame % fps
    secs = frame // fps
    h, rem = divmod(secs, 3600)
    m, s = divmod(rem, 60)
    return f"{h % 24:02d}:{m:02d}:{s:02d}{';' if tb.drop else ':'}{ff:02d}"


def parse_smpte(text: str, tb: Timebase) -> int:
    """The frame count of a timecode ``HH:MM:SS:FF`` (or with ``;``/``.`` before the
    frames) in ``tb``.

    Raises
    ------
    ParameterError
        When the text is not a timecode or its frames exceed the rate.
    """
    s = str(text).strip()
    parts = s.replace(";", ":").replace(".", ":").split(":")
    try:
        h, m, sec, ff = (int(p) for p in parts)
    except ValueError:
        raise ParameterError(f"start_timecode must look like HH:MM:SS:FF, got {text!r}",
                             param="start_timecode") from None
    if not (0 <= m < 60 and 0 <= sec < 60 and 0 <= ff < tb.fps and h >= 0):
        raise ParameterError(f"start_timecode {text!r} is not a valid timecode at {tb.fps} fps",
                             param="start_timecode")
    total_min = 60 * h + m
    frames = (3600 * h + 60 * m + sec) * tb.fps + ff
    if tb.drop:
        frames -= tb.dropped * (total_min - total_min // 10)
    return frames
