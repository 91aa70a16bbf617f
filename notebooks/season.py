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
# # A season at a glance
# Load the results of a batch run (`cutrate analyze season1/ -o reports/`) and
# compare the episodes.  Nothing is decoded here: everything comes from the saved
# `analysis.json` files.  If `RESULTS` does not exist yet, the bundled sample
# clips are analysed into it first.

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt

import cutrate
from cutrate import plot

HERE = Path.cwd()
SAMPLES = Path(os.environ.get("CUTRATE_SAMPLES", HERE.parent / "sample_clips"))
RESULTS = HERE / "season_results"  # your batch output folder here

if not any(RESULTS.glob("*/analysis.json")):
    cutrate.batch.analyze_folder([SAMPLES], RESULTS, plots=False, html=False, exports=False)

# %%
season = cutrate.load_all(RESULTS)
table = cutrate.compare(season)
table[["duration_s", "shots", "cut", "dissolve", "fade", "flash", "asl_s", "msl_s", "cuts_per_minute",
       "peak_count"]].round(2)

# %% [markdown]
# ## Which episode is cut fastest, and where?
# The heatmap shows cuts per minute in each slice of each episode; the bars the
# average and median shot length with each episode's 60-second peak.

# %%
fig, ax = plt.subplots(figsize=(10, 1.2 + 0.45 * len(season)), layout="constrained")
plot.season_heatmap(season, ax=ax, bin_s=2.0);

# %%
fig, ax = plt.subplots(figsize=(9, 4.2), layout="constrained")
plot.season_bars(season, ax=ax);

# %% [markdown]
# ## Shot-length distributions side by side

# %%
fig, ax = plt.subplots(figsize=(9, 4.2), layout="constrained")
plot.compare(season, ax=ax);

# %% [markdown]
# The season table as a file, for a spreadsheet:

# %%
print((RESULTS / "season.csv").read_text() if (RESULTS / "season.csv").exists() else table.to_csv())
