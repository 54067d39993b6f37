"""Validation of every data file, for `python -m pipeline check-data` and the data-integrity tests."""

from __future__ import annotations

from pathlib import Path

from pipeline.campaign import campaign_names
from pipeline.config import Settings
from pipeline.errors import DataFileError
from pipeline.resources import load_yaml


def _check_taxonomy(lexicon_dir: Path) -> list[str]:
    taxonomy_path = lexicon_dir.parent / "event_types.yaml"
    taxonomy = load_yaml(taxonomy_path)
    triggers = load_yaml(lexicon_dir / "event_triggers.yaml")
    problems = [f"{lexicon_dir / 'event_triggers.yaml'}: event type {t!r} is not in event_types.yaml"
                for t in triggers.get("types", {}) if t not in taxonomy]
    problems += [f"{taxonomy_path}: {t!r} lacks acled_event_type/acled_sub_event_type/harm"
                 for t, v in taxonomy.items() if not {"acled_event_type", "acled_sub_event_type", "harm"} <= set(v or {})]
    return problems


def check_campaign(settings: Settings) -> list[str]:
    """Every problem of one campaign folder and of the language data it is read with (empty when all is well)."""
    from pipeline.extract import load_resources
    from pipeline.gazetteer import validate_campaign

    problems = validate_campaign(settings.campaign_dir, settings.data_dir)
    if problems:
        return problems
    try:
        problems += _check_taxonomy(settings.lexicon_dir)
        load_resources(settings)  # compiles every lexicon, with the campaign's overlay merged
    except DataFileError as err:
        problems.append(str(err))
    except (KeyError, TypeError, ValueError) as err:
        problems.append(f"a lexicon file is malformed: {err!r}")
    return problems


def check_data_files(data_dir: Path, campaigns: list[str] | None = None) -> dict[str, list[str]]:
    """Problems per campaign: the given ones, or every campaign folder under data_dir/campaigns."""
    names = campaigns or campaign_names(data_dir)
    return {name: check_campaign(Settings(data_dir=data_dir, campaign=name, cache=False)) for name in names}
