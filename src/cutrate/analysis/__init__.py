"""Analysis: features from frames, transitions from features, pace from transitions.

- :mod:`.kernels`: numerical building blocks on small frames;
- :mod:`.features`: the per-frame features (the expensive, cacheable stage);
- :mod:`.detect`: transitions from features (cheap, re-run freely);
- :mod:`.timeline`: shots, pace and statistics from transitions (cheaper still);
- :mod:`.pipeline`: :func:`analyze` and the :class:`Result` record;
- :mod:`.segments`: openings, endings, recaps and previews recurring across a batch, from
  :mod:`.fingerprints` (per-frame block patterns of the thumbnails) matched by
  :mod:`.recurrence` (index, offset votes, runs).
"""
