"""Synthetic test material with known answers, made by the project itself.

- :mod:`.clips`: cartoon clips from shot specs with exact truth files (the sample
  clips, the held-out benchmark, the test clips);
- :mod:`.blocks`: the simplest clips (a new picture every N frames) in any codec
  and container, for the robustness corpus;
- :mod:`.damage`: mutations of a file's bytes, for the fuzzer;
- :mod:`.frames`: in-memory frame sequences for the feature and detection tests;
- :mod:`.seasons`: seasons of episodes sharing an opening and an ending, with recaps,
  previews, cold opens and per-episode credits, and their segment truth.

Every generator is deterministic: the same arguments give the same bytes.
"""
