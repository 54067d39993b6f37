"""The campaign gazetteer: places.csv (one row per place) and aliases.csv (many spellings to one id)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.errors import DataFileError
from pipeline.records import Place
from pipeline.resources import load_csv, load_yaml

PLACE_COLUMNS = ("place_id", "name_ar", "name_en", "kind", "bank", "parent_id", "lat", "lon",
                 "precision", "source", "license")
ALIAS_COLUMNS = ("place_id", "alias_ar", "needs_context")
KINDS = {"neighbourhood", "landmark", "town", "village", "camp", "district", "city", "region", "out_of_area"}
BANKS = {"left", "right", "both", "outside", ""}


@dataclass(frozen=True)
class Alias:
    """One spelling of a place."""

    place_id: str
    alias_ar: str
    needs_context: bool
    """True for names that are ordinary words (السلام، الوحدة): places only after a place word or in a list of places."""


@dataclass(frozen=True)
class Gazetteer:
    places: dict[str, Place]
    aliases: tuple[Alias, ...]
    bbox: tuple[float, float, float, float]
    """(min_lat, min_lon, max_lat, max_lon) of the campaign area."""
    city_id: str
    """The place id of the campaign's city (the anchor of "the city", "غرب المدينة")."""

    def contains(self, lat: float, lon: float) -> bool:
        lo_lat, lo_lon, hi_lat, hi_lon = self.bbox
        return lo_lat <= lat <= hi_lat and lo_lon <= lon <= hi_lon


def _place_from_row(path: Path, n: int, row: dict[str, str]) -> Place:
    try:
        lat = float(row["lat"]) if row["lat"] else None
        lon = float(row["lon"]) if row["lon"] else None
        precision = int(row["precision"] or 1)
    except ValueError as err:
        raise DataFileError(path, f"bad number: {err}", row=n) from err
    return Place(row["place_id"], row["name_ar"], row["name_en"], row["kind"], row["bank"], row["parent_id"],
                 lat, lon, precision, row["source"], row["license"])


@lru_cache(maxsize=None)
def load_gazetteer(campaign_dir: Path) -> Gazetteer:
    """Load places.csv, aliases.csv and campaign.yaml of one campaign folder."""
    places_path, aliases_path = campaign_dir / "places.csv", campaign_dir / "aliases.csv"
    places: dict[str, Place] = {}
    for n, row in enumerate(load_csv(places_path, PLACE_COLUMNS), start=2):
        if row["place_id"] in places:
            raise DataFileError(places_path, f"duplicate place_id {row['place_id']!r}", row=n)
        places[row["place_id"]] = _place_from_row(places_path, n, row)
    aliases = []
    for n, row in enumerate(load_csv(aliases_path, ALIAS_COLUMNS), start=2):
        if row["place_id"] not in places:
            raise DataFileError(aliases_path, f"alias {row['alias_ar']!r} points to unknown place_id {row['place_id']!r}", row=n)
        aliases.append(Alias(row["place_id"], row["alias_ar"], row["needs_context"] in ("1", "true", "yes")))
    # every place is also known by its own Arabic name
    known = {(a.place_id, a.alias_ar) for a in aliases}
    for p in places.values():
        if p.name_ar and (p.place_id, p.name_ar) not in known:
            aliases.append(Alias(p.place_id, p.name_ar, False))
    meta = load_yaml(campaign_dir / "campaign.yaml")
    try:
        bbox = tuple(float(x) for x in meta["bbox"])
        city_id = meta["city_id"]
    except (KeyError, TypeError, ValueError) as err:
        raise DataFileError(campaign_dir / "campaign.yaml", f"needs bbox [min_lat, min_lon, max_lat, max_lon] and city_id: {err}") from err
    return Gazetteer(places, tuple(aliases), bbox, city_id)
