"""Interface labels as data (data/ui/labels.yaml): one lookup for every language, English as the fallback."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

from pipeline.config import DATA_DIR
from pipeline.errors import DataFileError
from pipeline.resources import YAML_LOADER

LABELS_PATH = DATA_DIR / "ui" / "labels.yaml"
FALLBACK = "en"
TERM_GROUPS = ("ui", "event_type", "victims", "bank", "precision", "status", "relation", "date_precision",
               "date_source")


@dataclass(frozen=True)
class Labels:
    languages: dict[str, str]
    """Language code -> its own name (shown in the switch)."""
    groups: dict[str, dict[str, dict[str, str]]]
    """group -> key -> language -> text."""
    colours: dict[str, str]
    months: dict[str, list[str]]
    """Language -> the twelve month names, for date axes."""

    def with_terms(self, group: str, terms: Mapping[str, Mapping[str, str]]) -> Labels:
        """These labels with more terms of one group (a campaign's own bank names: East bank, North bank)."""
        return replace(self, groups={**self.groups, group: {**self.groups.get(group, {}), **terms}})

    def term(self, group: str, key: str, lang: str) -> str:
        """The label of a value (event type, victim group, bank); the value itself when it has none."""
        entry = self.groups.get(group, {}).get(key)
        if not entry:
            return key
        return entry.get(lang) or entry.get(FALLBACK) or key

    def text(self, key: str, lang: str, **values: Any) -> str:
        """An interface string, with its {placeholders} filled."""
        template = self.term("ui", key, lang)
        return template.format(**values) if values else template


def _check(path: Path, data: Any) -> None:
    if not isinstance(data, dict) or not isinstance(data.get("languages"), dict):
        raise DataFileError(path, "expected a mapping with a 'languages' mapping")
    languages = set(data["languages"])
    for group in TERM_GROUPS:
        for key, entry in (data.get(group) or {}).items():
            if not isinstance(entry, dict) or set(entry) != languages:
                raise DataFileError(path, f"{group}.{key} must have exactly the languages {sorted(languages)}")
    for lang, names in (data.get("months") or {}).items():
        if not isinstance(names, list) or len(names) != 12:
            raise DataFileError(path, f"months.{lang} must list twelve month names")


@lru_cache(maxsize=None)
def load_labels(path: Path = LABELS_PATH) -> Labels:
    """Load and check the labels file: every entry must be translated into every language."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except OSError as err:
        raise DataFileError(path, "file not found") from err
    except yaml.YAMLError as err:
        raise DataFileError(path, f"not valid YAML: {err}") from err
    _check(path, data)
    groups = {group: {str(k): v for k, v in (data.get(group) or {}).items()} for group in TERM_GROUPS}
    return Labels(dict(data["languages"]), groups, dict(data.get("colours") or {}),
                  {k: list(v) for k, v in (data.get("months") or {}).items()})
