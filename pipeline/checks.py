"""Validation of every data file, for `python -m pipeline check-data` and the data-integrity test."""

from __future__ import annotations

from pipeline.config import Settings
from pipeline.errors import DataFileError
from pipeline.resources import load_yaml


def _check_taxonomy(settings: Settings) -> list[str]:
    taxonomy = load_yaml(settings.lexicon_dir.parent / "event_types.yaml")
    triggers = load_yaml(settings.lexicon_dir / "event_triggers.yaml")
    problems = [f"{settings.lexicon_dir / 'event_triggers.yaml'}: event type {t!r} is not in event_types.yaml"
                for t in triggers.get("types", {}) if t not in taxonomy]
    problems += [f"{settings.lexicon_dir.parent / 'event_types.yaml'}: {t!r} lacks acled_event_type/acled_sub_event_type/harm"
                 for t, v in taxonomy.items() if not {"acled_event_type", "acled_sub_event_type", "harm"} <= set(v or {})]
    return problems


def check_data_files(settings: Settings) -> list[str]:
    """Every problem found in the data files, one message each (empty when all is well)."""
    from pipeline.gazetteer import validate_campaign
    from pipeline.extract import load_resources

    problems: list[str] = []
    for check in (lambda: validate_campaign(settings.campaign_dir), lambda: _check_taxonomy(settings)):
        try:
            problems += check()
        except DataFileError as err:
            problems.append(str(err))
    try:
        load_resources(settings)
    except DataFileError as err:
        problems.append(str(err))
    except (KeyError, TypeError, ValueError) as err:
        problems.append(f"a lexicon file is malformed: {err!r}")
    return problems
