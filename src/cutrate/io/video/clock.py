"""Timestamp repair: decoder timestamps in, strictly increasing times out."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

class Clock:
    """Turns decoder timestamps into strictly increasing times (see the module docstring).

    Every time is at least ``step / 1000`` after the previous one, so times stay
    distinct after rounding to microseconds.

    Parameters
    ----------
    step : float
        Nominal frame duration in seconds.
    max_gap : float
        Longest forward jump kept as screen time.
    warn : callable(str)
        Receives one message per timestamp reset.
    """

    #: Frame durations outside this range (s) mean the timestamps are not credible.
    CREDIBLE_STEP = (1e-3, 3600.0)

    def __init__(self, step: float, max_gap: float, warn: Callable[[str], None]) -> None:
        self.step = step
        self.eps = step / 1000.0
        self.max_gap = max_gap
        self.warn = warn
        self.offset = 0.0
        self.last: float | None = None
        self.untimed = 0
        self.resets = 0
        self.stray: list[int] = []
        self.ignore: bool | None = None  # decided on the first batch

    def times(self, raw: np.ndarray, start: int, lookahead: float) -> np.ndarray:
        """Corrected times of frames ``start, start + 1, ...`` from their raw timestamps.

        ``raw`` holds NaN for frames without a timestamp; ``lookahead`` is the raw
        timestamp of the frame after the last one (NaN when unknown or at the end).
        """
        if self.ignore is None:
            self.ignore = not self._credible(raw)
        if self.ignore:
            raw = np.full(raw.shape[0], np.nan)
            lookahead = math.nan
        out = np.empty(raw.shape[0], np.float64)
        nxt = np.append(raw[1:], lookahead)
        for i in range(raw.shape[0]):
            out[i] = self._one(float(raw[i]), float(nxt[i]), start + i)
        return out

    def _credible(self, raw: np.ndarray) -> bool:
        """Whether the first batch's timestamps imply a plausible frame duration."""
        timed = raw[np.isfinite(raw)]
        steps = np.diff(timed)
        steps = steps[steps > 0]
        if steps.size < 2:
            return True
        m = float(np.median(steps))
        lo, hi = self.CREDIBLE_STEP
        if lo <= m <= hi:
            return True
        self.warn(f"the timestamps imply {1 / m:.6g} frames per second, which is not credible: "
                  f"frames are timed at the nominal {1 / self.step:.3f} fps instead")
        return False

    def _one(self, raw: float, nxt: float, index: int) -> float:
        last, step, eps = self.last, self.step, self.eps
        if not math.isfinite(raw):
            if not self.ignore:
                self.untimed += 1
            t = 0.0 if last is None else last + step
        elif last is None:
            t = raw + self.offset
        else:
            c = raw + self.offset
            cn = nxt + self.offset if math.isfinite(nxt) else None
            d = c - last
            if d <= eps or d > self.max_gap:
                if cn is not None and last + 2 * eps < cn <= last + self.max_gap:
                    t = last + min(step, (cn - last) / 2)  # a lone stray frame: the next one follows on
                    self.stray.append(index)
                elif d <= eps:
                    self.resets += 1
                    self.offset += last + step - c
                    t = last + step
                    self.warn(f"timestamps jump back {max(0.0, -d):.3f} s after frame {index - 1} ({last:.3f} s): "
                              f"frames from {index} on are timed on from {t:.3f} s")
                else:
                    self.resets += 1
                    self.offset -= d - step
                    t = last + step
                    self.warn(f"timestamps jump forward {d:.3f} s after frame {index - 1} ({last:.3f} s), more "
                              f"than {self.max_gap:g} s: taken as a timestamp reset, frames from {index} on are "
                              f"timed on from {t:.3f} s")
            elif cn is not None and last + 2 * eps < cn < c - step / 2:
                t = last + (cn - last) / 2  # a lone frame stamped too late
                self.stray.append(index)
            else:
                t = c
        self.last = t
        return t

    def notes(self) -> list[str]:
        """Summary warnings for frames without or with out-of-order timestamps."""
        out = []
        if self.untimed:
            out.append(f"{self.untimed} frame(s) without a timestamp: timed at the nominal "
                       f"{1 / self.step:.3f} fps after the previous frame")
        if self.stray:
            first = self.stray[0]
            out.append(f"{len(self.stray)} frame(s) with an out-of-order timestamp (first at frame {first}): "
                       "placed between their neighbours")
        return out
