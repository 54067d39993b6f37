"""Loaders for the data files: one per kind of file, memoised, validated loudly."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from pipeline.errors import DataFileError

if TYPE_CHECKING:
    from pipeline.extraction.matcher import Clitics

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it (the same values, about 7x faster on data/), else the pure-Python one."""


@lru_cache(maxsize=None)
def load_yaml(path: Path) -> Any:
    """Parse a YAML data file; a missing or broken file raises DataFileError naming it."""
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=YAML_LOADER)
    except FileNotFoundError as err:
        raise DataFileError(path, "file not found") from err
    except yaml.YAMLError as err:
        raise DataFileError(path, f"not valid YAML: {err}") from err


@lru_cache(maxsize=None)
def load_csv(path: Path, required: tuple[str, ...] = ()) -> tuple[dict[str, str], ...]:
    """Read a CSV data file into rows; check that the required columns are present."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise DataFileError(path, f"missing columns {missing}")
            return tuple({k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader)
    except FileNotFoundError as err:
        raise DataFileError(path, "file not found") from err


@lru_cache(maxsize=None)
def load_clitics(lexicon_dir: Path) -> Clitics:
    from pipeline.extraction.matcher import Clitics  # the file readers above stay free of the NLP stack (campaign, dashboard)
    from pipeline.extraction.textnorm import normalise_phrase

    path = lexicon_dir / "clitics.yaml"
    data = load_yaml(path)
    try:
        return Clitics(tuple(data["conjunctions"]), tuple(data["prepositions"]), data["article"],
                       data.get("lam_article", ""), int(data.get("min_stem", 2)),
                       tuple(data.get("suffixes", ())),
                       tuple((normalise_phrase(bound), normalise_phrase(free)) for bound, free in data.get("suffix_endings") or ()))
    except (KeyError, TypeError, ValueError) as err:
        raise DataFileError(path, f"expected keys conjunctions, prepositions, article: {err}") from err
