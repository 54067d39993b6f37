"""Validation of every data file, for `python -m pipeline check-data` and the data-integrity tests."""

from __future__ import annotations

from pathlib import Path

from pipeline.campaign import campaign_names
from pipeline.config import Settings
from pipeline.errors import DataFileError
from pipeline.resources import load_yaml
from pipeline.schema import PLACE_KINDS


def _check_taxonomy(lexicon_dir: Path) -> list[str]:
    taxonomy_path = lexicon_dir.parent / "event_types.yaml"
    taxonomy = load_yaml(taxonomy_path)
    triggers = load_yaml(lexicon_dir / "event_triggers.yaml")
    problems = [f"{lexicon_dir / 'event_triggers.yaml'}: event type {t!r} is not in event_types.yaml"
                for t in triggers.get("types", {}) if t not in taxonomy]
    problems += [f"{taxonomy_path}: {t!r} lacks acled_event_type/acled_sub_event_type/harm"
                 for t, v in taxonomy.items() if not {"acled_event_type", "acled_sub_event_type", "harm"} <= set(v or {})]
    return problems


def _check_place_vocabulary(lexicon_dir: Path) -> list[str]:
    """Place kinds named in the language's place grammar are kinds of the one vocabulary (schema.PLACE_KINDS)."""
    words, directions = load_yaml(lexicon_dir / "place_words.yaml"), load_yaml(lexicon_dir / "directions.yaml")
    named = {("place_words.yaml", k) for spec in (words.get("types") or {}).values() for k in spec.get("kinds") or ()}
    named |= {("place_words.yaml", k) for k in words.get("kind_ranks") or {}}
    named |= {("directions.yaml", k) for k in directions.get("offset_km") or {}}
    return [f"{lexicon_dir / name}: place kind {kind!r} is not one of {', '.join(PLACE_KINDS)}"
            for name, kind in sorted(named) if kind not in PLACE_KINDS]


def check_campaign(settings: Settings) -> list[str]:
    """Every problem of one campaign folder and of the language data it is read with (empty when all is well)."""
    from pipeline.extraction.extract import load_resources
    from pipeline.gazetteer import validate_campaign

    problems = validate_campaign(settings.campaign_dir, settings.data_dir)
    if problems:
        return problems
    try:
        problems += _check_taxonomy(settings.lexicon_dir) + _check_place_vocabulary(settings.lexicon_dir)
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
