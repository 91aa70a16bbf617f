"""Batches: many videos, in parallel, resumable, locally or on a Dask cluster.

- :mod:`.jobs`: one video's job and outcome, atomic result folders, up-to-date checks;
- :mod:`.executors`: the local process pool and the Dask client;
- :mod:`.run`: :func:`run`, which ties them together;
- :mod:`.folders`: :func:`analyze_folder`, inputs in, result folders out (``cutrate analyze``);
- :mod:`.watchdog`: a child process that keeps a stuck decoder from hanging a batch.

A new batch backend is an executor in :mod:`.executors` with ``submit``,
``as_completed`` and ``close``, chosen in :func:`.run.run`.
"""

from .folders import Batch, analyze_folder
from .jobs import Job, Outcome, analyse_job, clean_stale, up_to_date, write_outputs
from .run import run

__all__ = ["analyze_folder", "Batch", "Job", "Outcome", "run", "analyse_job", "clean_stale", "up_to_date",
           "write_outputs"]
