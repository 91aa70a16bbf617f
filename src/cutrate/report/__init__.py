"""Reports: everything a result becomes for people and other tools.

- :mod:`.writers`: the files of a result folder (JSON and CSV data, then the rest);
- :mod:`.plots`: the plots, drawn onto matplotlib axes (``cutrate.plot``);
- :mod:`.figures`: the plots as PNG/SVG files;
- :mod:`.html`: ``report.html`` per video and ``index.html`` per batch;
- :mod:`.exports`: CMX 3600 EDL, OpenTimelineIO, Markdown;
- :mod:`.season`: the season table of a batch;
- :mod:`.text`: the terminal summary.

A new output format is a module here with a writer ``(result, folder)``, added to
:func:`.writers.report_writers`.
"""
