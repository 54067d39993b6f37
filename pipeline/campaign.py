"""A campaign is a folder: everything about one battle, loaded and validated into one frozen `Campaign`.

The folder's format is described in data/campaigns/README.md. This module reads only files (YAML, CSV,
GeoJSON) and imports no NLP, so the dashboard and `check-data` can use it as cheaply as the pipeline.
Language data stays in data/lexicon/LANG/; a campaign may overlay it with its own local names
(`lexicon/*.yaml`), merged by `merge_lexicon` and read through `Campaign.lexicon_file`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from pipeline import schema
from pipeline.config import DATA_DIR
from pipeline.errors import DataFileError
from pipeline.records import Alias, Place
from pipeline.resources import load_csv, load_yaml

PLACE_COLUMNS = ("place_id", "name_ar", "name_en", "kind", "bank", "parent_id", "lat", "lon",
                 "precision", "source", "license", "note")
ALIAS_COLUMNS = ("place_id", "alias_ar", "needs_context")
CALENDAR_COLUMNS = ("milestone_id", "date", "label_en", "label_ar", "source")
WORLD_COLUMNS = ("id", "name_ar", "name_en", "kind")
SIDES = {"north": 0.0, "east": 90.0, "south": 180.0, "west": 270.0}
"""Compass sides a river bank may lie on, with their bearings."""
REQUIRED_KEYS = ("name", "name_ar", "language", "window", "city_id", "bbox")
LAYER_KINDS = ("city", "area")
"""Kinds of the map.layers of campaign.yaml (the river's layer is `river.layer`)."""
MAP_VIEW_KEYS = {"center", "zoom", "layers"}
"""Keys of campaign.yaml `map` that are the view; the others are map settings (bridges, labels, ...)."""
_SLUG = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Bank:
    """One bank of the campaign's river, named by the river's flow (`left`, `right`)."""

    bank_id: str
    side: str
    """The compass side of the river it lies on: north, south, east or west."""
    name_en: str
    name_ar: str


@dataclass(frozen=True)
class MapLayer:
    """A GeoJSON layer drawn under the events."""

    path: Path
    kind: str
    """`river`, `city` (the city's outline, cut along the river into the banks) or `area` (a named area)."""
    name_en: str
    name_ar: str

    def load(self) -> dict | None:
        """The FeatureCollection, or None when the file is unreadable or not one (a map without it still works)."""
        try:
            collection = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return collection if isinstance(collection, dict) and collection.get("type") == "FeatureCollection" else None


@dataclass(frozen=True)
class Milestone:
    milestone_id: str
    date: dt.date
    label_en: str
    label_ar: str
    source: str


@dataclass(frozen=True)
class PhasePreset:
    """A dashboard date preset from one milestone to another (`window` for the campaign window's ends)."""

    phase_id: str
    start: str
    end: str
    name_en: str
    name_ar: str


@dataclass(frozen=True)
class OutOfArea:
    """A name of a place outside the campaign's area (a country, a foreign city)."""

    name_ar: str
    place: Place
    """A Place of kind out_of_area, without coordinates."""
    world_kind: str
    """country, city, governorate or region (world_places.csv)."""


@dataclass(frozen=True, eq=False)
class Campaign:
    """Everything one campaign folder says, validated. Compared and hashed by identity (one per folder)."""

    name: str
    """The folder name, as given to --campaign."""
    folder: Path
    lexicon_dir: Path
    """The language folder this campaign's texts are read with."""
    language: str
    title_en: str
    title_ar: str
    window: tuple[dt.date, dt.date]
    city_id: str
    bbox: tuple[float, float, float, float]
    """(min_lat, min_lon, max_lat, max_lon): every in-area place lies inside; the geocoder's viewbox."""
    scoring_box: tuple[float, float, float, float]
    """Where the evaluation counts a row as in the area."""
    places: Mapping[str, Place]
    aliases: tuple[Alias, ...]
    out_of_area: tuple[OutOfArea, ...]
    """The language's world list minus this campaign's own places, plus its out_of_area.csv."""
    river_en: str
    river_ar: str
    banks: tuple[Bank, ...]
    map_center: tuple[float, float]
    map_zoom: float
    layers: tuple[MapLayer, ...]
    """The river first, then the city outline and named areas."""
    map_settings: Mapping[str, Any]
    """The rest of campaign.yaml `map`: bridges (place ids), labels, area_kinds, control_milestones,
    control_start_milestones, scale_km, acled."""
    milestones: tuple[Milestone, ...]
    calendar_phrases: Mapping[str, Any]
    """calendar_phrases.yaml: milestones, operations, captured_places, offensive_starts, recalled_milestones
    (empty when absent)."""
    phases: tuple[PhasePreset, ...]
    overlay: Mapping[str, Any]
    """lexicon/<file>.yaml of the campaign folder, by file name."""

    @property
    def city(self) -> Place:
        return self.places[self.city_id]

    def contains(self, lat: float, lon: float) -> bool:
        lo_lat, lo_lon, hi_lat, hi_lon = self.bbox
        return lo_lat <= lat <= hi_lat and lo_lon <= lon <= hi_lon

    def bank_terms(self) -> dict[str, dict[str, str]]:
        """The banks' names as interface terms: bank id -> language -> name."""
        return {b.bank_id: {"en": b.name_en, "ar": b.name_ar or b.name_en} for b in self.banks}

    def bank(self, bank_id: str) -> Bank | None:
        return next((b for b in self.banks if b.bank_id == bank_id), None)

    def bank_on_side(self, side: str) -> str:
        """The bank lying on a compass side of the river (`west` -> `right` at Mosul), or ""."""
        return next((b.bank_id for b in self.banks if b.side == side), "")

    def sector_bank(self, bearing: float) -> str:
        """The bank a compass sector of the city lies on: the bank whose side is within 45 degrees of it,
        else the city's own bank when the city lies on one bank, else ""."""
        for b in self.banks:
            if abs((bearing - SIDES[b.side] + 180) % 360 - 180) <= 45:
                return b.bank_id
        return self.city.bank if self.city.bank in schema.RIVER_BANKS else ""

    def lexicon_file(self, filename: str) -> Any:
        """A language data file with this campaign's overlay merged over it."""
        return merge_lexicon(load_yaml(self.lexicon_dir / filename), self.overlay.get(filename))

    def milestone_dates(self) -> dict[str, dt.date]:
        return {m.milestone_id: m.date for m in self.milestones}


def merge_lexicon(base: Any, overlay: Any) -> Any:
    """A campaign overlay over language data: mappings merge key by key, lists are extended without
    repeats, any other value of the overlay replaces the base's."""
    if overlay is None:
        return base
    if isinstance(base, Mapping) and isinstance(overlay, Mapping):
        return {**base, **{k: merge_lexicon(base.get(k), v) for k, v in overlay.items()}}
    if isinstance(base, list) and isinstance(overlay, list):
        return base + [x for x in overlay if x not in base]
    return overlay


# ---------------------------------------------------------------- reading, with every problem reported


class _Problems(list):
    """Messages naming file and row. Fatal ones stop loading; the others (sources, licences, boxes) are the
    folder's documentation rules, reported by check-data while the data stays usable."""

    def __init__(self):
        super().__init__()
        self.fatal: list[str] = []

    def add(self, where, message: str, row: int | None = None, fatal: bool = True) -> None:
        text = f"{where}, row {row}: {message}" if row is not None else f"{where}: {message}"
        super().append(text)
        if fatal:
            self.fatal.append(text)

    def append(self, message: str) -> None:
        """A broken file (from the readers): always fatal."""
        super().append(message)
        self.fatal.append(message)


def _yaml(path: Path, problems: _Problems, required: bool = True) -> Any:
    if not path.exists() and not required:
        return None
    try:
        return load_yaml(path)
    except DataFileError as err:
        problems.append(str(err))
        return None


def _rows(path: Path, columns: tuple[str, ...], problems: _Problems) -> tuple[dict[str, str], ...]:
    try:
        return load_csv(path, columns)
    except DataFileError as err:
        problems.append(str(err))
        return ()


def _box(path: Path, value, key: str, problems: _Problems) -> tuple[float, float, float, float] | None:
    try:
        box = tuple(float(x) for x in value)
    except (TypeError, ValueError):
        box = ()
    if len(box) != 4 or not (box[0] < box[2] and box[1] < box[3]):
        problems.add(path, f"{key} must be [min_lat, min_lon, max_lat, max_lon], got {value!r}")
        return None
    return box


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _place_problems(row: dict[str, str], where: str, bbox, problems: _Problems) -> None:
    """Problems of one places.csv row taken on its own."""
    if not _SLUG.fullmatch(row["place_id"]):
        problems.add(where, f"place_id {row['place_id']!r} is not an ascii slug")
    if not row["name_ar"]:
        problems.add(where, "empty name_ar")
    if row["kind"] not in schema.PLACE_KINDS:
        problems.add(where, f"unknown kind {row['kind']!r} (one of {', '.join(schema.PLACE_KINDS)})")
    if row["bank"] not in schema.PLACE_BANKS:
        problems.add(where, f"unknown bank {row['bank']!r} (one of {schema.PLACE_BANKS})")
    if not row["source"]:
        problems.add(where, "empty source", fatal=False)
    if row["precision"] not in ("1", "2", "3"):
        problems.add(where, f"precision {row['precision']!r} is not 1, 2 or 3", fatal=False)
    is_estimate = row["source"].startswith("estimate:")
    if (row["precision"] == "2") != is_estimate:
        problems.add(where, "precision 2 and a source starting with 'estimate:' go together", fatal=False)
    if not is_estimate and row["source"] and not row["license"]:
        problems.add(where, "a sourced coordinate needs its license", fatal=False)
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except ValueError:
        if row["kind"] != "out_of_area":
            problems.add(where, f"lat/lon {row['lat']!r},{row['lon']!r} are not numbers")
        return
    if bbox is not None and row["kind"] != "out_of_area":
        lo_lat, lo_lon, hi_lat, hi_lon = bbox
        if not (lo_lat <= lat <= hi_lat and lo_lon <= lon <= hi_lon):
            problems.add(where, f"{lat},{lon} lies outside the campaign bbox", fatal=False)


def _place(row: dict[str, str]) -> Place:
    def number(text: str) -> float | None:
        try:
            return float(text) if text else None
        except ValueError:
            return None

    precision = int(row["precision"]) if row["precision"] in ("1", "2", "3") else 2
    return Place(row["place_id"], row["name_ar"], row["name_en"], row["kind"], row["bank"], row["parent_id"],
                 number(row["lat"]), number(row["lon"]), precision, row["source"], row["license"])


def _gazetteer(folder: Path, bbox, banks: tuple[Bank, ...], problems: _Problems):
    places_path, aliases_path = folder / "places.csv", folder / "aliases.csv"
    rows = _rows(places_path, PLACE_COLUMNS, problems)
    places: dict[str, Place] = {}
    for n, row in enumerate(rows, start=2):
        where = f"{places_path}, row {n}"
        _place_problems(row, where, bbox, problems)
        if row["bank"] in schema.RIVER_BANKS and not banks:
            problems.add(where, f"bank {row['bank']!r}, but campaign.yaml names no river banks")
        if row["place_id"] in places:
            problems.add(where, f"duplicate place_id {row['place_id']!r}")
        places[row["place_id"]] = _place(row)
    for n, row in enumerate(rows, start=2):
        parent = row["parent_id"]
        if parent and (parent not in places or parent == row["place_id"]):
            problems.add(places_path, f"parent_id {parent!r} does not name another place", row=n)
    aliases = []
    for n, row in enumerate(_rows(aliases_path, ALIAS_COLUMNS, problems), start=2):
        if row["place_id"] not in places:
            problems.add(aliases_path, f"alias {row['alias_ar']!r} points to unknown place_id {row['place_id']!r}", row=n)
        elif not row["alias_ar"]:
            problems.add(aliases_path, "empty alias_ar", row=n)
        else:
            if row["needs_context"] not in ("0", "1"):
                problems.add(aliases_path, f"needs_context {row['needs_context']!r} is not 0 or 1", row=n)
            aliases.append(Alias(row["place_id"], row["alias_ar"], row["needs_context"] == "1"))
    known = {(a.place_id, a.alias_ar) for a in aliases}
    aliases += [Alias(p.place_id, p.name_ar, False) for p in places.values()
                if p.name_ar and (p.place_id, p.name_ar) not in known]
    return places, tuple(aliases)


def _banks(path: Path, meta: dict, problems: _Problems) -> tuple[tuple[Bank, ...], str, str]:
    river, banks_spec = meta.get("river"), meta.get("banks")
    if not river and not banks_spec:
        return (), "", ""
    if not isinstance(river, dict) or not isinstance(banks_spec, dict) or set(banks_spec) != set(schema.RIVER_BANKS):
        problems.add(path, "river needs name_en, name_ar, layer and banks needs left and right "
                           "({side, en, ar} each); give both or neither")
        return (), "", ""
    banks = []
    for bank_id in schema.RIVER_BANKS:
        spec = banks_spec[bank_id] or {}
        if spec.get("side") not in SIDES:
            problems.add(path, f"banks.{bank_id}.side must be one of {', '.join(SIDES)}, got {spec.get('side')!r}")
            continue
        banks.append(Bank(bank_id, spec["side"], str(spec.get("en") or bank_id), str(spec.get("ar") or "")))
    if len(banks) == 2 and (SIDES[banks[0].side] - SIDES[banks[1].side]) % 360 != 180:
        problems.add(path, f"the banks lie on opposite sides of the river, got {banks[0].side} and {banks[1].side}")
    return tuple(banks), str(river.get("name_en") or ""), str(river.get("name_ar") or "")


def _layers(folder: Path, path: Path, meta: dict, problems: _Problems) -> tuple[MapLayer, ...]:
    specs = []
    river = meta.get("river") or {}
    if isinstance(river, dict) and river.get("layer"):
        specs.append(("river", {"file": river["layer"], "en": river.get("name_en", ""), "ar": river.get("name_ar", "")}))
    specs += [(spec.get("kind", "city") if isinstance(spec, dict) else "", spec)
              for spec in ((meta.get("map") or {}).get("layers") or ())]
    layers = []
    for kind, spec in specs:
        if not isinstance(spec, dict) or not spec.get("file"):
            problems.add(path, f"a map layer needs a file, got {spec!r}")
            continue
        if kind not in ("river",) + LAYER_KINDS:
            problems.add(path, f"map layer {spec['file']}: kind must be one of {', '.join(LAYER_KINDS)}, got {kind!r}")
            continue
        layer = MapLayer(folder / spec["file"], kind, str(spec.get("en") or ""), str(spec.get("ar") or ""))
        if layer.load() is None:
            problems.add(layer.path, "map layer is missing or not valid GeoJSON", fatal=False)
        layers.append(layer)
    return tuple(layers)


def _map_settings(path: Path, view: dict, places: Mapping[str, Place], milestone_ids: set[str],
                  problems: _Problems) -> dict:
    """campaign.yaml `map` besides the view, with every id it names checked."""
    settings = {k: v for k, v in view.items() if k not in MAP_VIEW_KEYS}
    unknown = [b for b in settings.get("bridges") or () if b not in places]
    if unknown:
        problems.add(path, f"map.bridges: {unknown} are not place_ids of places.csv", fatal=False)
    for key in ("control_milestones", "control_start_milestones"):
        for bank, milestone in (settings.get(key) or {}).items():
            if bank not in schema.RIVER_BANKS or milestone not in milestone_ids:
                problems.add(path, f"map.{key}: {bank}: {milestone} needs a bank (left, right) and a "
                                   "milestone_id of calendar.csv", fatal=False)
    for label in settings.get("labels") or ():
        if not isinstance(label, dict) or not {"kind", "lat", "lon", "en", "ar"} <= set(label):
            problems.add(path, f"map.labels: {label!r} needs kind, lat, lon, en and ar", fatal=False)
    unknown_kinds = [k for k in settings.get("area_kinds") or () if k not in schema.PLACE_KINDS]
    if unknown_kinds:
        problems.add(path, f"map.area_kinds: {unknown_kinds} are not place kinds", fatal=False)
    return settings


def _milestones(folder: Path, problems: _Problems) -> tuple[Milestone, ...]:
    path = folder / "calendar.csv"
    milestones: dict[str, Milestone] = {}
    for n, row in enumerate(_rows(path, CALENDAR_COLUMNS, problems), start=2):
        date = _date(row["date"])
        if not row["milestone_id"] or not row["source"]:
            problems.add(path, "every milestone needs an id and a source", row=n)
        elif row["milestone_id"] in milestones:
            problems.add(path, f"duplicate milestone_id {row['milestone_id']!r}", row=n)
        elif date is None:
            problems.add(path, f"date {row['date']!r} is not YYYY-MM-DD", row=n)
        else:
            milestones[row["milestone_id"]] = Milestone(row["milestone_id"], date, row["label_en"], row["label_ar"],
                                                        row["source"])
    return tuple(milestones.values())


def _calendar_phrases(folder: Path, milestone_ids: set[str], problems: _Problems) -> dict:
    path = folder / "calendar_phrases.yaml"
    data = _yaml(path, problems, required=False) or {}
    if not isinstance(data, dict):
        problems.add(path, "expected a mapping with milestones, operations, offensive_starts")
        return {}
    for key in ("milestones", "operations", "captured_places"):
        for milestone_id, phrases in (data.get(key) or {}).items():
            if milestone_id not in milestone_ids:
                problems.add(path, f"{key}: {milestone_id!r} is not a milestone_id of calendar.csv")
            if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
                problems.add(path, f"{key} {milestone_id}: expected a list of phrases")
    for key in ("offensive_starts", "recalled_milestones"):
        unknown = [m for m in data.get(key) or () if m not in milestone_ids]
        if unknown:
            problems.add(path, f"{key}: {unknown} are not milestone_ids of calendar.csv")
    language_keys = {"ordinals", "day_of_operation", "day_of_links"} & set(data)
    if language_keys:
        problems.add(path, f"{sorted(language_keys)} are language data: they belong in data/lexicon/LANG/dates.yaml "
                           "(ignored here)", fatal=False)
    return data


def _phases(path: Path, meta: dict, milestone_ids: set[str], problems: _Problems) -> tuple[PhasePreset, ...]:
    phases = []
    for spec in meta.get("phases") or ():
        if not isinstance(spec, dict) or not {"id", "from", "to", "en"} <= set(spec):
            problems.add(path, f"a phase needs id, from, to, en (and ar), got {spec!r}")
            continue
        for end in (spec["from"], spec["to"]):
            if end != "window" and end not in milestone_ids:
                problems.add(path, f"phase {spec['id']!r}: {end!r} is neither 'window' nor a milestone_id of calendar.csv",
                             fatal=False)
        phases.append(PhasePreset(str(spec["id"]), str(spec["from"]), str(spec["to"]), str(spec["en"]),
                                  str(spec.get("ar") or spec["en"])))
    return tuple(phases)


def _out_of_area(folder: Path, lexicon_dir: Path, path: Path, meta: dict, places: Mapping[str, Place],
                 problems: _Problems) -> tuple[OutOfArea, ...]:
    spec = meta.get("out_of_area") or {}
    exclude = set(spec.get("exclude") or ()) if isinstance(spec, dict) else set()
    world_path, local_path = lexicon_dir / "world_places.csv", folder / "out_of_area.csv"
    world = _rows(world_path, WORLD_COLUMNS, problems)
    unknown = sorted(exclude - {r["id"] for r in world})
    if unknown:
        problems.add(path, f"out_of_area.exclude: {unknown} are not ids of {world_path}")
    rows = [(world_path, r) for r in world if r["id"] not in exclude]
    if local_path.exists():
        rows += [(local_path, r) for r in _rows(local_path, WORLD_COLUMNS, problems)]
    out = []
    for source, row in rows:
        if not row["id"] or not row["name_ar"]:
            problems.add(source, f"id and name_ar are required, got {row!r}")
            continue
        if row["id"] in places:
            problems.add(source, f"out-of-area id {row['id']!r} is a place of this campaign: exclude it in campaign.yaml")
        place = Place(row["id"], row["name_ar"], row["name_en"], "out_of_area", "", "", None, None, 0, source.name, "")
        out.append(OutOfArea(row["name_ar"], place, row["kind"]))
    return tuple(out)


def _overlay(folder: Path, lexicon_dir: Path, problems: _Problems) -> dict[str, Any]:
    overlay = {}
    for path in sorted((folder / "lexicon").glob("*.yaml")):
        if not (lexicon_dir / path.name).exists():
            problems.add(path, f"overlays no language file: {lexicon_dir / path.name} does not exist")
            continue
        data = _yaml(path, problems)
        base = _yaml(lexicon_dir / path.name, problems)
        if not isinstance(data, dict) or not isinstance(base, dict):
            problems.add(path, "an overlay is a mapping shaped like the language file it extends")
            continue
        for key, value in data.items():
            if key in base and type(base[key]) is not type(value) and not (
                    isinstance(base[key], dict) and isinstance(value, dict)):
                problems.add(path, f"{key}: a {type(value).__name__} cannot extend the language file's "
                                   f"{type(base[key]).__name__}")
        overlay[path.name] = MappingProxyType(data)
    return overlay


def _read(folder: Path, data_dir: Path) -> tuple[Campaign | None, _Problems]:
    """The campaign (None when a fatal problem stops it) and every problem found."""
    problems = _Problems()
    path = folder / "campaign.yaml"
    if not folder.is_dir():
        problems.add(folder, "no such campaign folder")
        return None, problems
    meta = _yaml(path, problems)
    if not isinstance(meta, dict):
        problems.add(path, "expected a mapping (see data/campaigns/README.md)")
        return None, problems
    missing = [k for k in REQUIRED_KEYS if k not in meta]
    if missing:
        problems.add(path, f"missing keys {missing} (see data/campaigns/README.md)")
        return None, problems
    lexicon_dir = data_dir / "lexicon" / str(meta["language"])
    if not lexicon_dir.is_dir():
        problems.add(path, f"language {meta['language']!r}: {lexicon_dir} does not exist")
    bbox = _box(path, meta["bbox"], "bbox", problems)
    scoring_box = _box(path, meta["scoring_box"], "scoring_box", problems) if "scoring_box" in meta else bbox
    window = tuple(_date(d) for d in meta["window"]) if isinstance(meta["window"], list) else ()
    if len(window) != 2 or None in window or window[0] > window[1]:
        problems.add(path, f"window must be [first day, last day], got {meta['window']!r}")
    banks, river_en, river_ar = _banks(path, meta, problems)
    places, aliases = _gazetteer(folder, bbox, banks, problems)
    if meta["city_id"] not in places:
        problems.add(path, f"city_id {meta['city_id']!r} is not a place_id of places.csv")
    view = meta.get("map") or {}
    center = view.get("center") or ()
    if len(center) != 2 or not all(isinstance(x, (int, float)) for x in center):
        problems.add(path, f"map.center must be [lat, lon], got {center!r}")
    if bbox and len(center) == 2 and not (bbox[0] <= center[0] <= bbox[2] and bbox[1] <= center[1] <= bbox[3]):
        problems.add(path, "map.center lies outside bbox", fatal=False)
    layers = _layers(folder, path, meta, problems)
    milestones = _milestones(folder, problems)
    ids = {m.milestone_id for m in milestones}
    phrases = _calendar_phrases(folder, ids, problems)
    phases = _phases(path, meta, ids, problems)
    map_settings = _map_settings(path, view, places, ids, problems) if isinstance(view, dict) else {}
    out_of_area = _out_of_area(folder, lexicon_dir, path, meta, places, problems) if lexicon_dir.is_dir() else ()
    overlay = _overlay(folder, lexicon_dir, problems) if lexicon_dir.is_dir() else {}
    if problems.fatal:
        return None, problems
    return Campaign(
        name=folder.name, folder=folder, lexicon_dir=lexicon_dir, language=str(meta["language"]),
        title_en=str(meta["name"]), title_ar=str(meta["name_ar"]), window=window, city_id=str(meta["city_id"]),
        bbox=bbox, scoring_box=scoring_box, places=MappingProxyType(places), aliases=aliases,
        out_of_area=out_of_area, river_en=river_en, river_ar=river_ar, banks=banks,
        map_center=(float(center[0]), float(center[1])), map_zoom=float(view.get("zoom") or 11),
        layers=layers, map_settings=MappingProxyType(map_settings), milestones=milestones, calendar_phrases=MappingProxyType(phrases), phases=phases,
        overlay=MappingProxyType(overlay)), problems


def campaign_problems(folder: Path, data_dir: Path = DATA_DIR) -> list[str]:
    """Every problem of one campaign folder, one message each naming file and row; empty when it is valid.

    `data_dir` holds the language folders (lexicon/LANG) the campaign is read with.
    """
    return list(_read(Path(folder), Path(data_dir))[1])


@lru_cache(maxsize=None)
def load_campaign(folder: Path, data_dir: Path = DATA_DIR) -> Campaign:
    """The campaign of one folder (data/campaigns/NAME); DataFileError listing every problem when invalid."""
    folder = Path(folder)
    campaign, problems = _read(folder, Path(data_dir))
    if campaign is None:
        fatal = problems.fatal
        shown = "\n  ".join(fatal[:20]) + (f"\n  ... and {len(fatal) - 20} more" if len(fatal) > 20 else "")
        raise DataFileError(folder, f"cannot be loaded ({len(fatal)} problem(s); `python -m pipeline check-data "
                                    f"--campaign {folder.name}` lists every problem):\n  {shown}")
    return campaign


def campaign_names(data_dir: Path) -> list[str]:
    """The campaign folders under data_dir/campaigns (those holding a campaign.yaml)."""
    root = Path(data_dir) / "campaigns"
    return sorted(p.name for p in root.iterdir() if (p / "campaign.yaml").is_file()) if root.is_dir() else []
