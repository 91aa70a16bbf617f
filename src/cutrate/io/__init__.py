"""Input and output: video files, result documents, CSV tables, the feature cache.

Nothing here analyses anything; everything here touches the file system.
"""
