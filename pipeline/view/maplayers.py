"""The tile-free map's layers: river, city outline, a named area (the Old City), bridges and labels of the Campaign,
and approximate neighbourhood areas (Voronoi cells around the gazetteer's points, clipped to the city and to each bank).

No neighbourhood boundaries are published for the city, so the cells are drawn faint and called approximate; they
serve to count events per neighbourhood and to show control over time, never to place an event.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiPoint, Point, mapping, shape
from shapely.ops import split, unary_union

from pipeline.schema import RIVER_BANKS as BANKS



@dataclass(frozen=True)
class MapLayers:
    """Everything drawn under the events; a missing file leaves its part out."""

    river: dict | None = None
    city_outline: dict | None = None
    old_city: dict | None = None
    """The campaign's named area layer (kind `area` in campaign.yaml), drawn dashed."""
    labels: tuple[dict, ...] = ()
    """Fixed labels: kind (bank, river, area), lat, lon and a name per language."""
    bridges: pd.DataFrame = field(default_factory=pd.DataFrame)
    """place_id, name_en, name_ar, lat, lon (on the river), precision, source."""
    cells: pd.DataFrame = field(default_factory=pd.DataFrame)
    """One approximate area per neighbourhood: place_id, name_en, name_ar, bank, lat, lon, geometry (shapely)."""
    control_milestones: dict = field(default_factory=dict)
    """bank -> calendar milestone id by which the bank was declared retaken."""
    control_start_milestones: dict = field(default_factory=dict)
    """bank -> calendar milestone id by which forces had entered the bank."""
    scale_km: float = 2.0
    acled: dict = field(default_factory=dict)
    """country, admin1 and the city's admin2 written into the ACLED-shaped export."""

    def cells_geojson(self) -> dict:
        """The cells as a FeatureCollection with `id` = place_id (what a choropleth's locations refer to)."""
        return {"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": row.place_id, "properties": {"place_id": row.place_id},
             "geometry": mapping(row.geometry)} for row in self.cells.itertuples()]}


def _union(collection: dict | None):
    if not collection:
        return None
    shapes = [shape(f["geometry"]) for f in collection.get("features", []) if f.get("geometry")]
    return unary_union(shapes) if shapes else None


SIDE_KEYS = {"east": lambda g: -g.centroid.x, "west": lambda g: g.centroid.x,
             "north": lambda g: -g.centroid.y, "south": lambda g: g.centroid.y}
DEFAULT_SIDES = {"left": "east", "right": "west"}


def bank_polygons(outline, river, sides: dict[str, str] | None = None) -> dict[str, object]:
    """The city outline cut along the river into its two banks; `sides` says which side each bank is on
    (the campaign's banks; by default the left bank is the eastern piece, as for a river flowing south)."""
    if outline is None or river is None:
        return {}
    pieces = sorted(split(outline, river).geoms, key=lambda g: g.area, reverse=True)[:2]
    if len(pieces) < 2:
        return {}
    sides = sides or DEFAULT_SIDES
    left = min(pieces, key=SIDE_KEYS.get(sides.get("left", "east"), SIDE_KEYS["east"]))
    return {"left": left, "right": next(p for p in pieces if p is not left)}


def placeholder_places(places: pd.DataFrame) -> set[str]:
    """Places whose coordinate is not their own: shared with another place (a bank midpoint, an area point)."""
    located = places.dropna(subset=["lat", "lon"])
    shared = located.groupby(["lat", "lon"])["place_id"].transform("size") > 1
    return set(located.loc[shared, "place_id"])


def neighbourhood_cells(places: pd.DataFrame, banks: dict[str, object], kinds=("neighbourhood",)) -> pd.DataFrame:
    """Voronoi cells around each bank's neighbourhood points, clipped to that bank (so no cell crosses the river).

    Points that are placeholders or fall outside their bank's polygon get no cell.
    """
    columns = ["place_id", "name_en", "name_ar", "bank", "lat", "lon", "geometry"]
    placeholders = placeholder_places(places)
    rows = []
    for bank, polygon in banks.items():
        seeds = places[places["kind"].isin(kinds) & (places["bank"] == bank) & places["lat"].notna()
                       & ~places["place_id"].isin(placeholders)]
        seeds = seeds[[polygon.contains(Point(lon, lat)) for lat, lon in zip(seeds["lat"], seeds["lon"])]]
        if seeds.empty:
            continue
        points = [Point(lon, lat) for lat, lon in zip(seeds["lat"], seeds["lon"])]
        if len(points) == 1:
            rows.append({**seeds.iloc[0][columns[:-1]].to_dict(), "geometry": polygon})
            continue
        diagram = shapely.voronoi_polygons(MultiPoint(points), extend_to=polygon.envelope.buffer(0.05))
        for cell in diagram.geoms:
            seed = next(i for i, p in enumerate(points) if cell.contains(p))
            clipped = cell.intersection(polygon)
            if not clipped.is_empty:
                rows.append({**seeds.iloc[seed][columns[:-1]].to_dict(), "geometry": clipped})
    return pd.DataFrame(rows, columns=columns)


def cell_of_points(cells: pd.DataFrame, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """The place_id of the cell holding each point ("" outside every cell; a point on a shared edge goes to the
    later cell).

    Events share their places' coordinates, so each distinct point is looked up once, and each cell tests only
    the points inside its bounding box, as coordinates (no point geometries are made: that was most of the cost
    at 100k events)."""
    found = np.full(len(lat), "", dtype=object)
    if cells.empty or not len(lat):
        return found
    ok = ~(np.isnan(lat) | np.isnan(lon))
    back, distinct = pd.factorize(lon[ok] + 1j * lat[ok])  # a point as one complex number: hashed, not sorted
    x, y = distinct.real, distinct.imag
    hits = np.full(len(distinct), "", dtype=object)
    for geometry, place_id in zip(cells["geometry"], cells["place_id"]):
        west, south, east, north = geometry.bounds
        near = np.flatnonzero((x >= west) & (x <= east) & (y >= south) & (y <= north))
        hits[near[shapely.intersects_xy(geometry, x[near], y[near])]] = place_id
    found[ok] = hits[back]
    return found


def _bridges(places: pd.DataFrame, ids: list[str], river) -> pd.DataFrame:
    """The listed bridges, each moved onto the river line at the point nearest its gazetteer coordinate."""
    rows = places[places["place_id"].isin(ids)].copy()
    if river is not None and len(rows):
        snapped = [river.interpolate(river.project(Point(lon, lat))) for lat, lon in zip(rows["lat"], rows["lon"])]
        rows["lat"], rows["lon"] = [p.y for p in snapped], [p.x for p in snapped]
    return rows.reset_index(drop=True)


def load_map_layers(campaign, places: pd.DataFrame) -> MapLayers:
    """The layers of a Campaign (its river, city outline and area layers, and the map settings of campaign.yaml);
    an absent or unreadable file leaves its part out."""
    collections = {}
    for layer in campaign.layers:
        if layer.kind not in collections and (collection := layer.load()) is not None:
            collections[layer.kind] = collection
    settings = campaign.map_settings
    river_lines, outline = collections.get("river"), collections.get("city")
    river = _union(river_lines)
    if river is not None and river.geom_type == "MultiLineString":
        river = max(river.geoms, key=lambda g: g.length)
    places = places.copy()
    for column in ("lat", "lon"):
        places[column] = pd.to_numeric(places.get(column), errors="coerce")
    sides = {b.bank_id: b.side for b in campaign.banks}
    banks = bank_polygons(_union(outline), river if isinstance(river, LineString) else None, sides) if sides else {}
    return MapLayers(
        river=river_lines, city_outline=outline, old_city=collections.get("area"),
        labels=tuple(settings.get("labels") or ()),
        bridges=_bridges(places, list(settings.get("bridges") or ()), river),
        cells=neighbourhood_cells(places, banks, tuple(settings.get("area_kinds") or ("neighbourhood",))),
        control_milestones=dict(settings.get("control_milestones") or {}),
        control_start_milestones=dict(settings.get("control_start_milestones") or {}),
        scale_km=float(settings.get("scale_km") or 2.0), acled=dict(settings.get("acled") or {}))
