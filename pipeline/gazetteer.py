"""The campaign gazetteer as the place resolver sees it, and the spelling checks that need the text normaliser.

The files (places.csv, aliases.csv) are read and validated with the rest of the folder by pipeline.campaign.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from pipeline.campaign import Campaign, campaign_problems, load_campaign
from pipeline.config import DATA_DIR
from pipeline.errors import DataFileError
from pipeline.records import Alias, Place
from pipeline.extraction.textnorm import normalise_phrase


@dataclass(frozen=True)
class Gazetteer:
    places: Mapping[str, Place]
    aliases: tuple[Alias, ...]
    bbox: tuple[float, float, float, float]
    """(min_lat, min_lon, max_lat, max_lon) of the campaign area."""
    city_id: str
    """The place id of the campaign's city (the anchor of "the city", "غرب المدينة")."""

    @classmethod
    def of(cls, campaign: Campaign) -> Gazetteer:
        return cls(campaign.places, campaign.aliases, campaign.bbox, campaign.city_id)

    def contains(self, lat: float, lon: float) -> bool:
        lo_lat, lo_lon, hi_lat, hi_lon = self.bbox
        return lo_lat <= lat <= hi_lat and lo_lon <= lon <= hi_lon


def spelling_problems(campaign: Campaign) -> list[str]:
    """Spellings (normalised as the text is) that name several places on one bank: the text could not tell them apart."""
    spellings: dict[str, set[str]] = {}
    for p in campaign.places.values():
        if p.name_ar:
            spellings.setdefault(normalise_phrase(p.name_ar), set()).add(p.place_id)
    for alias in campaign.aliases:
        spellings.setdefault(normalise_phrase(alias.alias_ar), set()).add(alias.place_id)
    problems = []
    for spelling, ids in sorted(spellings.items()):
        banks = [campaign.places[i].bank for i in ids]
        if len(ids) > 1 and len(set(banks)) < len(banks):
            problems.append(f"{campaign.folder / 'aliases.csv'}: {spelling!r} names {sorted(ids)}; "
                            "one spelling may name several places only when they lie on different banks")
    return problems


def city_name_problems(campaign: Campaign) -> list[str]:
    """Names of the campaign's own city that the out-of-area list also holds (the city could not be mapped)."""
    world = {normalise_phrase(o.name_ar): o.place.place_id for o in campaign.out_of_area}
    clashes = sorted({world[key] for a in campaign.aliases if a.place_id == campaign.city_id
                      and (key := normalise_phrase(a.alias_ar)) in world})
    return [f"{campaign.folder / 'campaign.yaml'}: the city's names are out-of-area names {clashes}: "
            "add them to out_of_area.exclude"] if clashes else []


def validate_campaign(campaign_dir: Path, data_dir: Path = DATA_DIR) -> list[str]:
    """Every problem of a campaign folder, as messages naming file and row; empty when fine.

    The folder's own checks (pipeline.campaign) first; the spellings are compared once the folder loads.
    """
    problems = campaign_problems(campaign_dir, data_dir)
    try:
        campaign = load_campaign(campaign_dir, data_dir)
    except DataFileError:
        return problems
    return problems + spelling_problems(campaign) + city_name_problems(campaign)
