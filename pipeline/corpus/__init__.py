"""Corpus and store: reading inputs, running the per-article work, merging duplicates, writing outputs."""
