"""Corpus and store: reading inputs, running the per-article work, merging duplicates, writing outputs."""

from pathlib import Path

from pipeline.compiled import warn_if_stale

warn_if_stale(Path(__file__).parent)
