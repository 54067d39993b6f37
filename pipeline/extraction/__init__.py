"""Extraction stages: one analysed document per article, and the pure functions that read it."""

from pathlib import Path

from pipeline.compiled import warn_if_stale

warn_if_stale(Path(__file__).parent)
