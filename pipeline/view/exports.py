"""Downloads: the filtered events as the pipeline wrote them (CSV, Parquet, GeoJSON), one row per real-world event
with every place and source of its cluster, an ACLED-style table, and file names that record the filter.

It exists so that every file an analyst takes away is neutralised, traceable to its sources and named for what it
holds.
"""

from __future__ import annotations

import io
import json
import math
from typing import Mapping

import numpy as np
import pandas as pd

from pipeline.corpus import safe_csv
from pipeline.view.aggregates import cluster_rows
from pipeline.view.filtering import Filters, filters_to_params
from pipeline.view.tables import DATE_COLUMNS


def export_table(events: pd.DataFrame) -> pd.DataFrame:
    """The events as the pipeline wrote them: derived columns dropped, dates back to YYYY-MM-DD text."""
    table = events[[c for c in events.columns if not c.startswith("_")]].copy()
    for col in DATE_COLUMNS:
        table[col] = table[col].dt.strftime("%Y-%m-%d").fillna("")
    return table.reset_index(drop=True)


def to_parquet_bytes(events: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    export_table(events).to_parquet(buffer, index=False)
    return buffer.getvalue()


def _json_value(value):
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def to_geojson_bytes(events: pd.DataFrame) -> bytes:
    """A FeatureCollection of the events that have coordinates (Point geometries, every column a property)."""
    table = export_table(events)
    located = table[table["lat"].notna() & table["lon"].notna()]
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                 "properties": {k: _json_value(v) for k, v in row.items()}}
                for row in located.to_dict(orient="records")]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


def csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark (so spreadsheet programs read the Arabic), formulas neutralised."""
    return "\ufeff".encode("utf-8") + safe_csv.frame_csv_bytes(table)


def _joined(values: pd.Series) -> str:
    return "; ".join(dict.fromkeys(v for v in values if v))


def events_export(events: pd.DataFrame) -> pd.DataFrame:
    """One row per real-world event: its primary row, with every place and every source of the cluster listed."""
    table = export_table(cluster_rows(events)).set_index("cluster_id")
    groups = events.groupby("cluster_id", sort=False)
    names = events["place_en"].where(events["place_en"] != "", events["place_ar"])
    extra = pd.DataFrame({
        "places": names.groupby(events["cluster_id"], sort=False).agg(_joined),
        "place_ids": groups["place_id"].agg(_joined),
        "sources": (events["outlet"] + " " + events["url"]).str.strip().groupby(events["cluster_id"], sort=False)
        .agg(_joined),
        "articles": groups["article_id"].agg(_joined),
        "reports": groups["article_id"].nunique()})
    return table.join(extra).reset_index()


def _time_precision(rows: pd.DataFrame) -> np.ndarray:
    """ACLED's time_precision: 1 a known day, 2 within a week, 3 a longer window."""
    span = (rows["_until"] - rows["_when"]).dt.days.fillna(99)
    return np.where((rows["date_precision"] == "day") & (span == 0), 1, np.where(span <= 7, 2, 3))


def acled_export(events: pd.DataFrame, admin: Mapping[str, str]) -> pd.DataFrame:
    """One row per dated real-world event in ACLED's column names, plus our ranges and ids.

    fatalities is the best estimate ACLED would code: the lowest reported figure. admin1/admin2 come from the
    campaign (admin2 only for places in the city); undated events are left out (ACLED needs a date).
    """
    rows = cluster_rows(events, ~events["_undated"].to_numpy())
    table = events_export(events).set_index("cluster_id").loc[rows["cluster_id"]].reset_index()
    actors = rows["actors"].str.split(";")
    in_city = rows["bank"].isin(("left", "right")) | (rows["place_kind"] == "city")
    kind = rows["acled_event_type"]
    disorder = np.where(kind == "Strategic developments", "Strategic developments",
                        np.where(kind.isin(("Protests", "Riots")), "Demonstrations", "Political violence"))
    return pd.DataFrame({
        "event_id_cnty": rows["cluster_id"].to_numpy(), "event_date": rows["_when"].dt.strftime("%Y-%m-%d").to_numpy(),
        "year": rows["_when"].dt.year.to_numpy(), "time_precision": _time_precision(rows),
        "disorder_type": disorder, "event_type": kind.to_numpy(),
        "sub_event_type": rows["acled_sub_event_type"].to_numpy(),
        "actor1": actors.str[0].fillna("").str.strip().to_numpy(),
        "actor2": actors.str[1].fillna("").str.strip().to_numpy(),
        "country": admin.get("country", ""), "admin1": admin.get("admin1", ""),
        "admin2": np.where(in_city, admin.get("city_admin2", ""), ""), "admin3": "",
        "location": rows["place_en"].where(rows["place_en"] != "", rows["place_ar"]).to_numpy(),
        "latitude": rows["lat"].to_numpy(), "longitude": rows["lon"].to_numpy(),
        "geo_precision": rows["geo_precision"].to_numpy(), "source": table["sources"].to_numpy(),
        "notes": rows["quote"].to_numpy(), "fatalities": rows["killed_low"].fillna(0).astype(int).to_numpy(),
        "fatalities_low": rows["killed_low"].to_numpy(), "fatalities_high": rows["killed_high"].to_numpy(),
        "injuries_low": rows["wounded_low"].to_numpy(), "injuries_high": rows["wounded_high"].to_numpy(),
        "displaced_low": rows["displaced_low"].to_numpy(), "displaced_high": rows["displaced_high"].to_numpy(),
        "date_start": rows["_when"].dt.strftime("%Y-%m-%d").to_numpy(),
        "date_end": rows["_until"].dt.strftime("%Y-%m-%d").to_numpy(),
        "places": table["places"].to_numpy(), "our_event_type": rows["event_type"].to_numpy()})


def export_name(filters: Filters, kind: str, suffix: str, prefix: str = "events") -> str:
    """A file name that records the filter: prefix_kind[_from_to][_param-values…].suffix (safe characters only)."""
    parts = [prefix, kind]
    params = filters_to_params(filters)
    if filters.date_from or filters.date_to:
        parts.append(f"{params.get('from', ['start'])[0]}_{params.get('to', ['end'])[0]}")
    for name, values in params.items():
        if name in ("from", "to"):
            continue
        shown = "+".join(values[:2]) + (f"+{len(values) - 2}more" if len(values) > 2 else "")
        parts.append(f"{name}-{shown}")
    stem = "_".join(parts)
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_.+") else "-" for c in stem)
    return f"{safe[:150]}.{suffix}"
