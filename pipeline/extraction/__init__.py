"""Extraction stages: one analysed document per article, and the pure functions that read it."""
