"""The campaign gazetteer: places.csv (one row per place) and aliases.csv (many spellings to one id)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.errors import DataFileError
from pipeline.records import Place
from pipeline.resources import load_csv, load_yaml
from pipeline.textnorm import normalise_phrase

PLACE_COLUMNS = ("place_id", "name_ar", "name_en", "kind", "bank", "parent_id", "lat", "lon",
                 "precision", "source", "license", "note")
ALIAS_COLUMNS = ("place_id", "alias_ar", "needs_context")
KINDS = {"neighbourhood", "landmark", "town", "village", "camp", "district", "city", "region", "out_of_area"}
BANKS = {"left", "right", "both", "outside", ""}
_SLUG = re.compile(r"[a-z][a-z0-9_]*")


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


def _read_rows(path: Path, columns: tuple[str, ...], problems: list[str]) -> tuple[dict[str, str], ...]:
    try:
        return load_csv(path, columns)
    except DataFileError as err:
        problems.append(str(err))
        return ()


def _check_place(row: dict[str, str], where: str, bbox: tuple[float, ...] | None) -> list[str]:
    """Problems of one places.csv row taken on its own."""
    problems = []
    if not _SLUG.fullmatch(row["place_id"]):
        problems.append(f"{where}: place_id {row['place_id']!r} is not an ascii slug")
    if not row["name_ar"]:
        problems.append(f"{where}: empty name_ar")
    if row["kind"] not in KINDS:
        problems.append(f"{where}: unknown kind {row['kind']!r}")
    if row["bank"] not in BANKS:
        problems.append(f"{where}: unknown bank {row['bank']!r}")
    if not row["source"]:
        problems.append(f"{where}: empty source")
    if row["precision"] not in ("1", "2", "3"):
        problems.append(f"{where}: precision {row['precision']!r} is not 1, 2 or 3")
    is_estimate = row["source"].startswith("estimate:")
    if (row["precision"] == "2") != is_estimate:
        problems.append(f"{where}: precision 2 and a source starting with 'estimate:' go together")
    if not is_estimate and row["source"] and not row["license"]:
        problems.append(f"{where}: a sourced coordinate needs its license")
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except ValueError:
        if row["kind"] != "out_of_area":
            problems.append(f"{where}: lat/lon {row['lat']!r},{row['lon']!r} are not numbers")
        return problems
    if bbox is not None and row["kind"] != "out_of_area":
        lo_lat, lo_lon, hi_lat, hi_lon = bbox
        if not (lo_lat <= lat <= hi_lat and lo_lon <= lon <= hi_lon):
            problems.append(f"{where}: {lat},{lon} lies outside the campaign bbox")
    return problems


def _campaign_bbox(campaign_dir: Path, problems: list[str]) -> tuple[float, ...] | None:
    path = campaign_dir / "campaign.yaml"
    try:
        bbox = tuple(float(x) for x in load_yaml(path)["bbox"])
    except DataFileError as err:
        problems.append(str(err))
        return None
    except (KeyError, TypeError, ValueError) as err:
        problems.append(f"{path}: needs bbox [min_lat, min_lon, max_lat, max_lon]: {err}")
        return None
    if len(bbox) != 4:
        problems.append(f"{path}: bbox needs 4 numbers")
        return None
    return bbox


def validate_campaign(campaign_dir: Path) -> list[str]:
    """Every problem of a campaign's gazetteer files, as messages naming file and row; empty when fine.

    Unlike load_gazetteer, which stops at the first broken row, this reports them all, so that
    `check-data` can list what to fix in one go.
    """
    problems: list[str] = []
    places_path, aliases_path = campaign_dir / "places.csv", campaign_dir / "aliases.csv"
    bbox = _campaign_bbox(campaign_dir, problems)
    place_rows = _read_rows(places_path, PLACE_COLUMNS, problems)
    alias_rows = _read_rows(aliases_path, ALIAS_COLUMNS, problems)
    places: dict[str, dict[str, str]] = {}
    for n, row in enumerate(place_rows, start=2):
        where = f"{places_path}, row {n}"
        problems += _check_place(row, where, bbox)
        if row["place_id"] in places:
            problems.append(f"{where}: duplicate place_id {row['place_id']!r}")
        places[row["place_id"]] = row
    for n, row in enumerate(place_rows, start=2):
        parent = row["parent_id"]
        if parent and (parent not in places or parent == row["place_id"]):
            problems.append(f"{places_path}, row {n}: parent_id {parent!r} does not name another place")
    spellings: dict[str, set[str]] = {}
    for p in places.values():
        if p["name_ar"]:
            spellings.setdefault(normalise_phrase(p["name_ar"]), set()).add(p["place_id"])
    for n, row in enumerate(alias_rows, start=2):
        where = f"{aliases_path}, row {n}"
        if row["place_id"] not in places:
            problems.append(f"{where}: alias {row['alias_ar']!r} points to unknown place_id {row['place_id']!r}")
            continue
        if not row["alias_ar"]:
            problems.append(f"{where}: empty alias_ar")
            continue
        if row["needs_context"] not in ("0", "1"):
            problems.append(f"{where}: needs_context {row['needs_context']!r} is not 0 or 1")
        spellings.setdefault(normalise_phrase(row["alias_ar"]), set()).add(row["place_id"])
    for spelling, ids in sorted(spellings.items()):
        banks = [places[i]["bank"] for i in ids]
        if len(ids) > 1 and len(set(banks)) < len(banks):
            problems.append(f"{aliases_path}: {spelling!r} names {sorted(ids)}; "
                            "one spelling may name several places only when they lie on different banks")
    return problems
