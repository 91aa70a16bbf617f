"""Video files: the only package that talks to a video library (PyAV).

- :mod:`.open`: opening a file (sniffing non-videos, choosing the stream, metadata);
- :mod:`.clock`: timestamp repair (strictly increasing times whatever the file says);
- :mod:`.pixels`: decoded frames to small luma/chroma arrays;
- :mod:`.reader`: :class:`VideoReader`, the decode loop with its damage handling;
- :mod:`.grab`: full-size frames for thumbnails;
- :mod:`.writer`: encoding frames to a file (synthetic test clips);
- :mod:`.heartbeat`: progress for the batch watchdog.

PyAV itself is imported only when a file is opened.
"""

from .grab import grab_frames
from .heartbeat import set_heartbeat
from .open import probe
from .reader import BATCH_FRAMES, FRAME_SIZE, FrameBatch, VideoReader

__all__ = ["VideoReader", "FrameBatch", "probe", "grab_frames", "set_heartbeat", "FRAME_SIZE", "BATCH_FRAMES"]
