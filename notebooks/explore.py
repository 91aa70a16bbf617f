# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Exploring editing pace with cutrate
#
# A guided tour: analyse a video once, look at its pace, tune detection on the
# cached per-frame scores, see the peak window, and compare videos.  It runs on
# the bundled `sample_clips/`; set `VIDEO` and `FOLDER` below to your own files.

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import cutrate
from cutrate import format_time, plot

HERE = Path.cwd()
SAMPLES = Path(os.environ.get("CUTRATE_SAMPLES", HERE.parent / "sample_clips"))
VIDEO = SAMPLES / "fast_burst.mp4"  # your episode here
FOLDER = SAMPLES  # a folder of episodes to compare

# %% [markdown]
# ## Analyse once
# `cutrate.analyze` decodes the video, finds the transitions and computes the pace.
# The per-frame features are cached, so the next call on the same file is instant.

# %%
result = cutrate.analyze(VIDEO)
result

# %% [markdown]
# Transitions, shots and the timeline are plain tables:

# %%
tables = result.to_pandas()
tables.transitions.head(10)

# %%
tables.shots.describe()

# %% [markdown]
# ## Pace over time
# Cuts per minute in a sliding window, transitions as a rug by kind, and the
# peak window shaded.  A short clip is best seen with a short window:
# `rewindow` recomputes the timeline without decoding.

# %%
short = result.rewindow(window_s=5.0, hop_s=0.25)
fig, ax = plt.subplots(figsize=(10, 3.8), layout="constrained")
plot.pace(short, ax=ax);

# %% [markdown]
# ## Shot lengths
# The distribution on a log axis with ASL, MSL and the lognormal fit, and the
# Cinemetrics-style shot graph (short shots are tall peaks).

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 3.8), layout="constrained")
plot.shot_lengths(result, ax=ax1)
plot.shot_graph(result, ax=ax2, degree=3, window=4);

# %% [markdown]
# ## The change score and the threshold
# The score is what the detector sees frame by frame.  Peaks over the threshold
# that also stand out from their neighbourhood become cuts.

# %%
fig, ax = plt.subplots(figsize=(10, 3.6), layout="constrained")
plot.score_trace(result.features, result.transitions, result.settings, ax=ax);

# %% [markdown]
# ## Threshold sensitivity, from the cached features
# `redetect` re-runs detection only: each point below costs milliseconds.

# %%
thresholds = np.round(np.linspace(0.15, 0.9, 16), 3)
rates = [result.redetect(threshold=float(t)).summary.cuts_per_minute for t in thresholds]
fig, ax = plt.subplots(figsize=(7, 3.4), layout="constrained")
ax.plot(thresholds, rates, marker="o")
ax.axvline(cutrate.DetectSettings().threshold, color="grey", linestyle="--", label="default")
ax.set_xlabel("threshold (cut score, 0–1)")
ax.set_ylabel("cuts per minute")
ax.set_title(f"Threshold sensitivity — {VIDEO.name}", loc="left")
ax.legend(frameon=False);

# %% [markdown]
# ## The peak window, shot by shot
# One frame from the middle of every shot that starts inside the busiest window.

# %%
peak = short.summary.peak
inside = [s for s in result.shots if peak.start <= s.start < peak.end][:12]
frames = cutrate.thumbnails(result, [(s.start_frame + s.end_frame) // 2 for s in inside])
fig, axes = plt.subplots(1, max(len(inside), 1), figsize=(1.6 * max(len(inside), 1), 1.8), layout="constrained")
for ax, shot in zip(np.atleast_1d(axes), inside):
    ax.imshow(frames[(shot.start_frame + shot.end_frame) // 2])
    ax.set_title(format_time(shot.start), fontsize=8)
    ax.axis("off")
fig.suptitle(f"{peak.count} cuts in {peak.window_s:g} s, {format_time(peak.start)}–{format_time(peak.end)}", fontsize=10);

# %% [markdown]
# ## Comparing videos
# One call for a table, one for a figure.

# %%
results = [cutrate.analyze(p) for p in sorted(FOLDER.glob("*.mp4"))]
cutrate.compare(results)[["duration_s", "shots", "asl_s", "msl_s", "cuts_per_minute", "peak_count"]].round(2)

# %%
fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
plot.compare(results, ax=ax);
