"""The run's tables as the view reads them: the events with the dtypes and derived columns every query relies on,
the articles and their texts, and the campaign's gazetteer, calendar and date presets as frames.

It exists so that reading and typing the data happens once, apart from what is asked of it (filtering.py), how it is
counted (aggregates.py), the control-over-time table (retaking.py) and the downloads (exports.py). No Streamlit and no
NLP imports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from pipeline import schema

FIGURE_KINDS = schema.FIGURE_KINDS
FIGURE_COLUMNS = tuple(f"{kind}_{end}" for kind in FIGURE_KINDS for end in ("low", "high"))
BOOL_COLUMNS = schema.names(schema.BOOL)
DATE_COLUMNS = schema.names(schema.DATE)
NUMBER_COLUMNS = schema.names(schema.INT) + schema.names(schema.FLOAT)
TEXT_COLUMNS = schema.names(schema.TEXT)
EVENT_COLUMNS = schema.names()
BANK_ORDER = schema.RIVER_BANKS + ("",)
BROAD_KINDS = schema.BROAD_KINDS
"""Places that are areas: an event located only to one of them is never drawn as a point."""
PRECISIONS = ("point", "estimate", "offset", "area", "none")
"""How well an event is located: a sourced point of its place, an estimated point, a point offset from a named
place ("south of X"), only an area (the city, a bank, a sector), or nowhere."""


def _as_bool(series: pd.Series) -> pd.Series:
    if series.dtype == bool:
        return series
    return series.astype("string").str.strip().str.lower().isin(["true", "1", "yes"]).astype(bool)


def normalise_events(raw: pd.DataFrame) -> pd.DataFrame:
    """Give an events table (from CSV or Parquet) the dtypes the queries rely on, adding absent columns.

    Adds derived columns starting with "_": `_when`/`_until` (the window used for date filters: the event's
    window, else the publication date), `_undated` and `_actors` (padded for whole-name matching).
    """
    df = raw.copy(deep=False)  # copy-on-write: the caller's table is never changed, and no column is copied twice
    for col in TEXT_COLUMNS:
        df[col] = df[col].astype("string").fillna("").str.strip() if col in df else ""
    for col in NUMBER_COLUMNS:
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float) if col in df else np.nan
    for col in BOOL_COLUMNS:
        df[col] = _as_bool(df[col]) if col in df else False
    for col in DATE_COLUMNS:
        df[col] = (pd.to_datetime(df[col].astype("string"), format="%Y-%m-%d", errors="coerce")
                   if col in df else pd.Series(pd.NaT, index=df.index, dtype="datetime64[us]"))
    df["cluster_id"] = df["cluster_id"].where(df["cluster_id"] != "", df["event_id"])
    df["confidence"] = df["confidence"].fillna(0.0)
    df["_when"] = df["event_date"].combine_first(df["date_start"]).combine_first(df["published"])
    until = df["date_end"].where(df["date_end"].notna(), df["_when"])
    df["_until"] = until.where(~(until < df["_when"]), df["_when"])
    df["_undated"] = df["undated"] | df["_when"].isna()
    df["_actors"] = "; " + df["actors"] + "; "
    df["_precision"] = geo_precision_class(df)
    df["_coord_source"] = ""
    df["_cell"] = ""
    for column in ("cluster_id", "place_id", "article_id"):
        df[f"_{column}_code"] = pd.factorize(df[column])[0]
    return df.reset_index(drop=True)


def geo_precision_class(df: pd.DataFrame, placeholders: Iterable[str] = ()) -> pd.Series:
    """One of PRECISIONS per row; a place whose coordinate is a placeholder (shared with others) is an area."""
    located = df["lat"].notna() & df["lon"].notna()
    area = (df["geo_precision"] >= 3) | df["place_kind"].isin(BROAD_KINDS) | df["place_id"].isin(set(placeholders))
    return pd.Series(np.select(
        [~located, area, df["relation"] != "", df["geo_precision"] == 2],
        ["none", "area", "offset", "estimate"], "point"), index=df.index)


def with_places(events: pd.DataFrame, places: pd.DataFrame, placeholders: Iterable[str] = (),
                cells: pd.DataFrame | None = None) -> pd.DataFrame:
    """Events joined to the gazetteer: the coordinate's source, precision classes that know placeholder points,
    and the approximate neighbourhood cell (`_cell`) each point-located event falls in."""
    df = events.copy(deep=False)
    if len(places):
        source = places.drop_duplicates("place_id").set_index("place_id")["source"]
        df["_coord_source"] = df["place_id"].map(source).fillna("").astype(str)
    df["_precision"] = geo_precision_class(df, placeholders)
    if cells is not None and len(cells):
        from pipeline.view.maplayers import cell_of_points
        pointed = (df["_precision"].isin(("point", "estimate", "offset"))).to_numpy()
        found = cell_of_points(cells, df["lat"].to_numpy(float), df["lon"].to_numpy(float))
        df["_cell"] = np.where(pointed, found, "")
    return df


def empty_events() -> pd.DataFrame:
    return normalise_events(pd.DataFrame({col: pd.Series(dtype="string") for col in EVENT_COLUMNS}))


def load_events(out_dir: Path) -> pd.DataFrame:
    """events.parquet (or events.csv) of an output folder; an empty table when neither exists."""
    parquet, csv_path = out_dir / "events.parquet", out_dir / "events.csv"
    if parquet.exists():
        return normalise_events(pd.read_parquet(parquet))
    if csv_path.exists():
        return normalise_events(pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8"))
    return empty_events()


def load_articles(out_dir: Path) -> pd.DataFrame:
    path = out_dir / "articles.csv"
    if not path.exists():
        return pd.DataFrame({"article_id": pd.Series(dtype="string"), "status": pd.Series(dtype="string")})
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def load_article_texts(out_dir: Path) -> dict[str, dict]:
    """article_texts.jsonl as {article_id: record}; blank or broken lines are skipped."""
    path, texts = out_dir / "article_texts.jsonl", {}
    if not path.exists():
        return texts
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and "article_id" in record:
            texts[str(record["article_id"])] = record
    return texts


def load_run(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def milestones_frame(campaign) -> pd.DataFrame:
    """The campaign's calendar as milestone_id, date, label_en, label_ar, by date (for the timeline)."""
    columns = ["milestone_id", "date", "label_en", "label_ar"]
    rows = [(m.milestone_id, pd.Timestamp(m.date), m.label_en, m.label_ar) for m in campaign.milestones]
    return pd.DataFrame(rows, columns=columns).sort_values("date").reset_index(drop=True)


def places_frame(campaign) -> pd.DataFrame:
    """The campaign's gazetteer: names, kind, bank, parent, point, precision and the coordinate's source."""
    columns = ["place_id", "name_ar", "name_en", "kind", "bank", "parent_id", "lat", "lon", "precision", "source"]
    table = pd.DataFrame([(p.place_id, p.name_ar, p.name_en, p.kind, p.bank, p.parent_id, p.lat, p.lon, p.precision,
                           p.source) for p in campaign.places.values()], columns=columns)
    for column in ("lat", "lon"):
        table[column] = pd.to_numeric(table[column], errors="coerce")
    return table


# ---------------------------------------------------------------- campaign frames

@dataclass(frozen=True)
class Phase:
    phase_id: str
    start: date
    end: date
    name_en: str = field(default="", compare=False)
    name_ar: str = field(default="", compare=False)

    def name(self, lang: str) -> str:
        return (self.name_ar if lang == "ar" else self.name_en) or self.name_en or self.phase_id


def campaign_phases(campaign) -> list[Phase]:
    """The campaign's date presets: each names its first and last milestone ids ("window": the campaign window).

    A preset whose milestone is missing from the calendar is left out, so a partial calendar still works.
    """
    by_id = campaign.milestone_dates()
    phases = []
    for preset in campaign.phases:
        start = campaign.window[0] if preset.start == "window" else by_id.get(preset.start)
        end = campaign.window[1] if preset.end == "window" else by_id.get(preset.end)
        if start is not None and end is not None and start <= end:
            phases.append(Phase(preset.phase_id, start, end, preset.name_en, preset.name_ar))
    return phases
