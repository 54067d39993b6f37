"""Loading, filtering and aggregating a run's output for the dashboard, with no Streamlit and no NLP imports.

Totals count each real-world event once: one representative row per cluster (the primary row when the
filter kept it). Undated events and cumulative statements are always totalled apart from dated daily events.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
import yaml

from pipeline import schema

from pipeline.corpus import safe_csv

FIGURE_KINDS = schema.FIGURE_KINDS
FIGURE_COLUMNS = tuple(f"{kind}_{end}" for kind in FIGURE_KINDS for end in ("low", "high"))
BOOL_COLUMNS = schema.names(schema.BOOL)
DATE_COLUMNS = schema.names(schema.DATE)
NUMBER_COLUMNS = schema.names(schema.INT) + schema.names(schema.FLOAT)
TEXT_COLUMNS = schema.names(schema.TEXT)
EVENT_COLUMNS = schema.names()
BANK_ORDER = schema.RIVER_BANKS + ("",)
PARAM_NAMES = {"date_from": "from", "date_to": "to", "places": "place", "event_types": "type", "actors": "actor",
               "victims": "victims", "outlets": "outlet", "include_undated": "undated",
               "include_cumulative": "cumulative", "min_confidence": "conf", "precisions": "precision"}
BROAD_KINDS = schema.BROAD_KINDS
"""Places that are areas: an event located only to one of them is never drawn as a point."""
PRECISIONS = ("point", "estimate", "offset", "area", "none")
"""How well an event is located: a sourced point of its place, an estimated point, a point offset from a named
place ("south of X"), only an area (the city, a bank, a sector), or nowhere."""


# ---------------------------------------------------------------- loading

def _as_bool(series: pd.Series) -> pd.Series:
    if series.dtype == bool:
        return series
    return series.astype("string").str.strip().str.lower().isin(["true", "1", "yes"]).astype(bool)


def normalise_events(raw: pd.DataFrame) -> pd.DataFrame:
    """Give an events table (from CSV or Parquet) the dtypes the queries rely on, adding absent columns.

    Adds derived columns starting with "_": `_when`/`_until` (the window used for date filters: the event's
    window, else the publication date), `_undated` and `_actors` (padded for whole-name matching).
    """
    df = raw.copy()
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
    df = events.copy()
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


# ---------------------------------------------------------------- filtering

@dataclass(frozen=True)
class Filters:
    """What the analyst asked to see; an empty tuple means no restriction."""

    date_from: date | None = None
    date_to: date | None = None
    places: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    victims: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    include_undated: bool = True
    """Keep events with no date at all (they never count in dated totals)."""
    include_cumulative: bool = True
    """Keep statements of totals over a period (they are never summed with daily events)."""
    min_confidence: float = 0.0
    precisions: tuple[str, ...] = ()
    """Geo-precision classes to keep (PRECISIONS); empty keeps all."""


def filter_events(events: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows that pass every filter; a dated event passes the date range when its window overlaps it."""
    keep = np.ones(len(events), dtype=bool)
    undated = events["_undated"].to_numpy()
    if filters.date_from is not None:
        keep &= undated | (events["_until"] >= pd.Timestamp(filters.date_from)).to_numpy()
    if filters.date_to is not None:
        keep &= undated | (events["_when"] <= pd.Timestamp(filters.date_to)).to_numpy()
    for column, wanted in (("place_id", filters.places), ("event_type", filters.event_types),
                           ("victims", filters.victims), ("outlet", filters.outlets)):
        if wanted:
            keep &= events[column].isin(wanted).to_numpy()
    if filters.actors:
        any_actor = np.zeros(len(events), dtype=bool)
        for actor in filters.actors:
            any_actor |= events["_actors"].str.contains(f"; {actor}; ", regex=False).to_numpy()
        keep &= any_actor
    if not filters.include_undated:
        keep &= ~undated
    if not filters.include_cumulative:
        keep &= ~events["cumulative"].to_numpy()
    if filters.min_confidence > 0:
        keep &= (events["confidence"] >= filters.min_confidence).to_numpy()
    if filters.precisions:
        keep &= events["_precision"].isin(filters.precisions).to_numpy()
    return events[keep]


def dated_events(events: pd.DataFrame) -> pd.DataFrame:
    """The rows a dated view (map, timeline, main table) shows: undated events are listed apart."""
    return events[~events["_undated"].to_numpy()]


def undated_events(events: pd.DataFrame) -> pd.DataFrame:
    return events[events["_undated"].to_numpy()]


def select_events(events: pd.DataFrame, event_ids: Iterable[str]) -> pd.DataFrame:
    """Rows of the given events (a map selection); all rows when nothing is selected."""
    ids = list(event_ids)
    return events[events["event_id"].isin(ids)] if ids else events


PLACE_PREFIX = "place:"
"""Map points of the per-place layer carry "place:<id>" so that selecting one selects the events there."""


def selected_event_ids(points: Iterable[Mapping], events: pd.DataFrame) -> list[str]:
    """Event ids of a map selection (plotly points with customdata): event points, and the events of place points."""
    picked = [p.get("customdata") for p in points]
    picked = [str(p[0] if isinstance(p, list) else p) for p in picked if p]
    places = {p.removeprefix(PLACE_PREFIX) for p in picked if p.startswith(PLACE_PREFIX)}
    return [p for p in picked if not p.startswith(PLACE_PREFIX)] + \
        events.loc[events["place_id"].isin(places), "event_id"].tolist()


def window_filters(filters: Filters, end: date, days: int) -> Filters:
    """The filters narrowed to the `days` days ending on `end` (the time-player's window), undated left out."""
    return replace(filters, date_from=end - timedelta(days=days - 1), date_to=end, include_undated=False)


# ---------------------------------------------------------------- URL state

def _one(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name) or []
    return values[-1] if values else None


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def filters_from_params(params: Mapping[str, list[str]]) -> Filters:
    """Filters from URL query parameters (name -> list of values); unreadable values fall back to defaults."""
    default = Filters()
    try:
        confidence = min(max(float(_one(params, "conf") or 0.0), 0.0), 1.0)
    except ValueError:
        confidence = default.min_confidence
    flags = {name: (_one(params, PARAM_NAMES[name]) or ("1" if getattr(default, name) else "0")) == "1"
             for name in ("include_undated", "include_cumulative")}
    lists = {name: tuple(v for v in params.get(PARAM_NAMES[name], []) if v)
             for name in ("places", "event_types", "actors", "victims", "outlets")}
    lists["precisions"] = tuple(v for v in params.get("precision", []) if v in PRECISIONS)
    return Filters(date_from=_parse_date(_one(params, "from")), date_to=_parse_date(_one(params, "to")),
                   min_confidence=confidence, **flags, **lists)


def filters_to_params(filters: Filters) -> dict[str, list[str]]:
    """URL query parameters for the filters that differ from the defaults (so a plain view has a plain URL)."""
    default, params = Filters(), {}
    for field in fields(Filters):
        value = getattr(filters, field.name)
        if value == getattr(default, field.name):
            continue
        if isinstance(value, tuple):
            params[PARAM_NAMES[field.name]] = list(value)
        elif isinstance(value, bool):
            params[PARAM_NAMES[field.name]] = ["1" if value else "0"]
        elif isinstance(value, float):
            params[PARAM_NAMES[field.name]] = [f"{value:g}"]
        else:
            params[PARAM_NAMES[field.name]] = [value.isoformat()]
    return params


# ---------------------------------------------------------------- totals

@dataclass(frozen=True)
class FigureRange:
    """A summed figure: `high` is None when some source gave only a lower bound ("at least 40")."""

    low: int
    high: int | None

    def text(self, open_style: str = "≥") -> str:
        """"12", "12–30", "≥ 12" (or "12+" with open_style="+")."""
        if self.high is None:
            return f"{self.low:,}+" if open_style == "+" else f"≥ {self.low:,}"
        return f"{self.low:,}" if self.high == self.low else f"{self.low:,}–{self.high:,}"


@dataclass(frozen=True)
class Totals:
    events: int
    places: int
    articles: int
    killed: FigureRange
    wounded: FigureRange
    casualties: FigureRange
    """Killed or wounded, when the source does not split them."""
    displaced: FigureRange


@dataclass(frozen=True)
class Headline:
    """Header figures: dated daily events, with undated events and cumulative statements counted apart."""

    dated: Totals
    undated: Totals
    cumulative: Totals


def _first_of_each(codes: np.ndarray, preferred: np.ndarray | None = None) -> np.ndarray:
    """Positions of one row per distinct code (a preferred row when the code has one), in table order."""
    key = codes * 2 + (0 if preferred is None else ~preferred)
    order = np.argsort(key, kind="stable")
    ranked = codes[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = ranked[1:] != ranked[:-1]
    return np.sort(order[first])


def _positions(events: pd.DataFrame, mask: np.ndarray | None) -> np.ndarray:
    return np.arange(len(events)) if mask is None else np.flatnonzero(mask)


def _cluster_rows(events: pd.DataFrame, mask: np.ndarray | None = None, columns: Iterable[str] | None = None
                  ) -> pd.DataFrame:
    """One row per real-world event among the masked rows (the primary row when kept, else the first).

    Only `columns` are copied, which keeps aggregations over 100k rows fast.
    """
    positions = _positions(events, mask)
    codes = events["_cluster_id_code"].to_numpy()[positions]
    keep = positions[_first_of_each(codes, events["cluster_primary"].to_numpy()[positions])]
    return (events if columns is None else events[list(columns)]).iloc[keep]


def _cluster_place_rows(events: pd.DataFrame, mask: np.ndarray, columns: Iterable[str]) -> pd.DataFrame:
    """One row per real-world event and place: an event reported twice at a place counts once there."""
    positions = _positions(events, mask)
    places = events["_place_id_code"].to_numpy()[positions]
    pairs = events["_cluster_id_code"].to_numpy()[positions] * (int(places.max(initial=0)) + 2) + places
    return events[list(columns)].iloc[positions[_first_of_each(pairs)]]


def one_row_per_cluster(events: pd.DataFrame) -> pd.DataFrame:
    """One row per real-world event: the primary row when present, else the first row kept."""
    return _cluster_rows(events)


def _open_high(events: pd.DataFrame, kind: str) -> pd.Series:
    """The high of each row, infinite when only a lower bound was given."""
    low, high = events[f"{kind}_low"], events[f"{kind}_high"]
    return high.where(high.notna(), low.where(low.isna(), np.inf)).fillna(0.0)


def figure_range(events: pd.DataFrame, kind: str) -> FigureRange:
    """Sum of one figure over rows that are already one per real-world event."""
    low = events[f"{kind}_low"].fillna(0.0)
    high = _open_high(events, kind).clip(lower=low)
    total_high = high.sum()
    return FigureRange(int(low.sum()), None if math.isinf(total_high) else int(total_high))


def totals(events: pd.DataFrame, mask: np.ndarray | None = None) -> Totals:
    """Counts and figure sums of the (masked) rows, each real-world event counted once."""
    clusters = _cluster_rows(events, mask, FIGURE_COLUMNS)
    ranges = {kind: figure_range(clusters, kind) for kind in FIGURE_KINDS}
    chosen = np.ones(len(events), dtype=bool) if mask is None else mask
    located = chosen & (events["place_id"] != "").to_numpy()
    return Totals(events=len(clusters), places=len(np.unique(events["_place_id_code"].to_numpy()[located])),
                  articles=len(np.unique(events["_article_id_code"].to_numpy()[chosen])), **ranges)


def headline(events: pd.DataFrame) -> Headline:
    cumulative = events["cumulative"].to_numpy()
    undated = events["_undated"].to_numpy() & ~cumulative
    return Headline(dated=totals(events, ~cumulative & ~undated), undated=totals(events, undated),
                    cumulative=totals(events, cumulative))


# ---------------------------------------------------------------- aggregations

def _daily_mask(events: pd.DataFrame) -> np.ndarray:
    """Dated, non-cumulative rows: what time series may sum."""
    return ~events["cumulative"].to_numpy() & ~events["_undated"].to_numpy()


def _period(when: pd.Series, freq: str) -> pd.Series:
    day = when.dt.floor("D")
    return day - pd.to_timedelta(day.dt.day_of_week, unit="D") if freq == "W" else day


def events_over_time(events: pd.DataFrame, freq: str = "D") -> pd.DataFrame:
    """Events per day ("D") or week starting Monday ("W") and type: period, event_type, events."""
    daily = _cluster_rows(events, _daily_mask(events), ["_when", "event_type"])
    counts = (daily.assign(period=_period(daily["_when"], freq))
              .groupby(["period", "event_type"], observed=True).size().rename("events").reset_index())
    return counts.sort_values(["period", "event_type"]).reset_index(drop=True)


def _day_mask(events: pd.DataFrame) -> np.ndarray:
    """Daily rows dated to one day (their window is a single day)."""
    return _daily_mask(events) & (events["_until"] <= events["_when"]).to_numpy()


def events_by_bank_over_time(events: pd.DataFrame, freq: str = "D") -> pd.DataFrame:
    """Events dated to a single day, per day or week (Monday) and bank: period, bank, events."""
    rows = _cluster_rows(events, _day_mask(events), ["_when", "bank"])
    bank = rows["bank"].where(rows["bank"].isin(("left", "right")), "")
    counts = (pd.DataFrame({"period": _period(rows["_when"], freq), "bank": bank})
              .groupby(["period", "bank"], observed=True).size().rename("events").reset_index())
    return counts.sort_values(["period", "bank"]).reset_index(drop=True)


def window_spans(events: pd.DataFrame) -> pd.DataFrame:
    """Events dated only to a window (a week, a range): start, end, bank, events per distinct window."""
    mask = _daily_mask(events) & (events["_until"] > events["_when"]).to_numpy()
    rows = _cluster_rows(events, mask, ["_when", "_until", "bank"])
    bank = rows["bank"].where(rows["bank"].isin(("left", "right")), "")
    spans = (pd.DataFrame({"start": rows["_when"], "end": rows["_until"], "bank": bank})
             .groupby(["start", "end", "bank"], observed=True).size().rename("events").reset_index())
    return spans.sort_values(["start", "end"]).reset_index(drop=True)


def area_level_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Real-world events located only to an area (the city, a bank, a sector) or nowhere, per place: never drawn
    on the map as points, so the page lists them beside it."""
    mask = _daily_mask(events) & events["_precision"].isin(("area", "none")).to_numpy()
    rows = _cluster_place_rows(events, mask, ["place_id", "place_ar", "place_en", "_precision"])
    counts = rows.groupby(["place_id", "place_ar", "place_en"], observed=True).size().rename("events").reset_index()
    return counts.sort_values(["events", "place_id"], ascending=[False, True]).reset_index(drop=True)


def area_level_events(events: pd.DataFrame) -> int:
    """How many real-world events area_level_counts covers (an event at two areas counts once)."""
    mask = _daily_mask(events) & events["_precision"].isin(("area", "none")).to_numpy()
    return len(_cluster_rows(events, mask, ["cluster_id"]))


def _figure_sums(rows: pd.DataFrame, keys: list[str], kinds: Iterable[str]) -> pd.DataFrame:
    """events and low/high sums per group; an open-ended high makes the group's high NaN ("at least low")."""
    parts = {key: rows[key] for key in keys}
    for kind in kinds:
        parts[f"{kind}_low"] = rows[f"{kind}_low"].fillna(0.0)
        parts[f"{kind}_high"] = _open_high(rows, kind).clip(lower=parts[f"{kind}_low"])
    grouped = pd.DataFrame(parts).groupby(keys, observed=True)
    summed = grouped.sum().replace(np.inf, np.nan)
    summed.insert(0, "events", grouped.size())
    return summed.reset_index()


CASUALTY_COLUMNS = ("killed_low", "killed_high", "wounded_low", "wounded_high")


def casualties_over_time(events: pd.DataFrame, freq: str = "D") -> pd.DataFrame:
    """Killed and wounded low/high per period over dated daily events (cumulative statements never enter)."""
    daily = _cluster_rows(events, _daily_mask(events), ("_when",) + CASUALTY_COLUMNS)
    daily = daily.assign(period=_period(daily["_when"], freq))
    return _figure_sums(daily, ["period"], ("killed", "wounded")).sort_values("period").reset_index(drop=True)


def casualties_by_victims(events: pd.DataFrame) -> pd.DataFrame:
    """Killed and wounded low/high per victim group over daily events, undated included (they are events too)."""
    rows = _cluster_rows(events, ~events["cumulative"].to_numpy(), ("victims",) + CASUALTY_COLUMNS)
    rows = rows.assign(victims=rows["victims"].where(rows["victims"] != "", "unknown"))
    return _figure_sums(rows, ["victims"], ("killed", "wounded")).sort_values("victims").reset_index(drop=True)


PLACE_COLUMNS = ("place_id", "place_ar", "place_en", "place_kind", "bank", "lat", "lon")


def place_summary(events: pd.DataFrame) -> pd.DataFrame:
    """Per place (non-cumulative rows; a cluster counts once per place): names, bank, position, events, figures."""
    mask = ~events["cumulative"].to_numpy() & (events["place_id"] != "").to_numpy()
    rows = _cluster_place_rows(events, mask, PLACE_COLUMNS + CASUALTY_COLUMNS)
    sums = _figure_sums(rows, ["place_id"], ("killed", "wounded"))
    names = rows.drop_duplicates("place_id").set_index("place_id")[list(PLACE_COLUMNS[1:])]
    return sums.join(names, on="place_id").sort_values(["events", "place_id"], ascending=[False, True]) \
        .reset_index(drop=True)


def top_places(events: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The n places with most killed and wounded (low), then most events."""
    summary = place_summary(events)
    summary = summary.assign(_harm=summary["killed_low"] + summary["wounded_low"])
    return summary.sort_values(["_harm", "events"], ascending=False).head(n).drop(columns="_harm") \
        .reset_index(drop=True)


def place_options(events: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Places that have events, for the neighbourhood filter: grouped by bank (east, west, other), most events first.

    Names come from the events, completed from the gazetteer; `events` counts real-world events at the place.
    """
    rows = _cluster_place_rows(events, (events["place_id"] != "").to_numpy(), ("place_id", "place_ar", "place_en",
                                                                                 "bank", "place_kind"))
    counts = rows.groupby("place_id").size().rename("events")
    options = rows.drop_duplicates("place_id").set_index("place_id").join(counts)
    if len(places):
        gazetteer = places.set_index("place_id")
        for column, source in (("place_ar", "name_ar"), ("place_en", "name_en"), ("bank", "bank")):
            fallback = options.index.to_series().map(gazetteer[source]).fillna("")
            options[column] = options[column].where(options[column] != "", fallback)
    options["bank"] = options["bank"].where(options["bank"].isin(BANK_ORDER), "")
    options["_bank_rank"] = options["bank"].map({b: i for i, b in enumerate(BANK_ORDER)})
    options = options.reset_index().sort_values(["_bank_rank", "events", "place_id"], ascending=[True, False, True])
    return options.drop(columns="_bank_rank").reset_index(drop=True)


def cumulative_statements(events: pd.DataFrame) -> pd.DataFrame:
    """Statements of totals over a period, one per real-world statement: shown apart, never summed."""
    return _cluster_rows(events, events["cumulative"].to_numpy())


def value_options(events: pd.DataFrame, column: str) -> list[str]:
    """Distinct non-empty values of a column, sorted."""
    return sorted(v for v in events[column].unique() if v)


def actor_options(events: pd.DataFrame) -> list[str]:
    names = {name.strip() for actors in events["actors"].unique() for name in actors.split(";")}
    return sorted(n for n in names if n)


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


def date_bounds(events: pd.DataFrame, window: tuple[date, date] | None) -> tuple[date, date]:
    """The span the date filter offers: the campaign window widened to every dated event."""
    dated = events.loc[~events["_undated"], "_when"]
    starts = ([dated.min().date()] if len(dated) else []) + ([window[0]] if window else [])
    ends = ([dated.max().date()] if len(dated) else []) + ([window[1]] if window else [])
    return (min(starts), max(ends)) if starts else (date.today(), date.today())


# ---------------------------------------------------------------- downloads

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


def figure_text(low, high) -> str:
    """One row's figure: "" when absent, "23–40" for a range, "≥ 23" when open-ended."""
    low = None if low is None or pd.isna(low) else int(low)
    high = None if high is None or pd.isna(high) else int(high)
    if low is None and high is None:
        return ""
    return FigureRange(low if low is not None else high, high).text()


# ---------------------------------------------------------------- control of the city

CONFLICT_DAYS = 7
"""Two reports of the same place retaken more than this many days apart are shown as conflicting."""
FIGHTING_TYPES = ("clash", "shelling", "airstrike", "vbied_ied", "sniper")
ARABIC_MARKS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ـ": None} | {chr(c): None for c in range(0x064B, 0x0653)})


def load_control_words(lexicon_dir: Path) -> tuple[str, ...]:
    """The stems of control_words.yaml that make an advance report a report of a place retaken."""
    try:
        data = yaml.safe_load((lexicon_dir / "control_words.yaml").read_text(encoding="utf-8")) or {}
    except OSError:
        return ()
    return tuple(str(w).translate(ARABIC_MARKS) for w in data.get("retaken") or ())


def reports_retaken(triggers: pd.Series, words: Iterable[str]) -> np.ndarray:
    """Whether each trigger (with an attached و or ف dropped) begins with a retaken stem."""
    words = tuple(words)
    plain = triggers.astype(str).str.translate(ARABIC_MARKS).str.replace(r"^[وف](?=..)", "", regex=True)
    return plain.str.startswith(words).to_numpy(bool) if words else np.zeros(len(triggers), dtype=bool)


CONTROL_COLUMNS = ["area_id", "first_retaken", "evidence_quote", "evidence_outlet", "evidence_article",
                   "evidence_event", "reports", "conflict", "report_dates", "first_advance", "fighting_after"]


def control_table(events: pd.DataFrame, words: Iterable[str]) -> pd.DataFrame:
    """Per neighbourhood area (or place outside the city) with an advance report: the first date it is reported
    retaken (NaT when never), with the quote and outlet as evidence, the first date of any advance report, and
    conflicts: retaken reports more than CONFLICT_DAYS apart, or fighting reported there after that.

    Only dated events located to a point count; an area-level advance ("east Mosul") says nothing of a neighbourhood.
    """
    dated = events[~events["_undated"] & events["_precision"].isin(("point", "estimate", "offset"))]
    area = dated["_cell"].where(dated["_cell"] != "", dated["place_id"])
    dated = dated.assign(area_id=area)
    advance = dated[dated["event_type"] == "advance"]
    if advance.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in CONTROL_COLUMNS})
    retaken = advance[reports_retaken(advance["trigger_text"], words)].sort_values(["_when", "event_id"])
    first = retaken.drop_duplicates("area_id").set_index("area_id")
    per_article = retaken.drop_duplicates(["area_id", "article_id"])
    table = pd.DataFrame({"first_advance": advance.groupby("area_id")["_when"].min()})
    table = table.join(pd.DataFrame({
        "first_retaken": first["_when"], "evidence_quote": first["quote"], "evidence_outlet": first["outlet"],
        "evidence_article": first["article_id"], "evidence_event": first["event_id"],
        "reports": per_article.groupby("area_id").size()}))
    when = per_article.groupby("area_id")["_when"]
    spread = (when.max() - when.min()).dt.days.astype(float)
    table["report_dates"] = per_article.groupby("area_id").apply(
        lambda g: "; ".join(f"{w:%Y-%m-%d} ({o or a})" for w, o, a in zip(g["_when"], g["outlet"], g["article_id"])),
        include_groups=False) if len(per_article) else ""
    fights = dated[dated["event_type"].isin(FIGHTING_TYPES)][["area_id", "_when"]]
    later = fights.join(table["first_retaken"], on="area_id")
    later = later[later["_when"] > later["first_retaken"] + pd.Timedelta(days=CONFLICT_DAYS)]
    table["fighting_after"] = later.groupby("area_id").size().reindex(table.index).fillna(0).astype(int)
    table["conflict"] = (spread.reindex(table.index).fillna(0) > CONFLICT_DAYS) | (table["fighting_after"] > 0)
    table["reports"] = table["reports"].fillna(0).astype(int)
    for column in ("evidence_quote", "evidence_outlet", "evidence_article", "evidence_event", "report_dates"):
        table[column] = table[column].fillna("")
    table = table.rename_axis("area_id").reset_index()[CONTROL_COLUMNS]
    return table.sort_values(["first_retaken", "first_advance", "area_id"]).reset_index(drop=True)


def control_at(table: pd.DataFrame, day: date) -> pd.Series:
    """Status of each area on a day: "retaken" once reported retaken, "contested" once forces are reported
    advancing there, otherwise "none" (no report yet: not a claim about who held it)."""
    moment = pd.Timestamp(day)
    status = np.where(table["first_retaken"] <= moment, "retaken",
                      np.where(table["first_advance"] <= moment, "contested", "none"))
    return pd.Series(status, index=table["area_id"].to_numpy())


def milestone_check(table: pd.DataFrame, areas: pd.DataFrame, milestones: pd.DataFrame,
                    bank_milestones: Mapping[str, str], start_milestones: Mapping[str, str] | None = None
                    ) -> pd.DataFrame:
    """Per bank: its milestone (bank declared retaken) and how the first-retaken dates of its neighbourhoods
    compare: reported retaken by then, only after it, never; and before forces had entered the bank (suspect)."""
    by_id = {row.milestone_id: row.date for row in milestones.itertuples()}
    rows = []
    for bank, milestone in bank_milestones.items():
        when, start = by_id.get(milestone), by_id.get((start_milestones or {}).get(bank))
        ids = set(areas.loc[areas["bank"] == bank, "place_id"])
        mine = table[table["area_id"].isin(ids) & table["first_retaken"].notna()]
        late = mine[mine["first_retaken"] > when] if when is not None else mine.iloc[0:0]
        early = mine[mine["first_retaken"] < start] if start is not None else mine.iloc[0:0]
        rows.append({"bank": bank, "milestone": milestone, "date": when, "areas": len(ids),
                     "retaken_by_milestone": int((mine["first_retaken"] <= when).sum()) if when is not None else 0,
                     "retaken_after": len(late), "never_reported": len(ids) - len(mine),
                     "start": start, "retaken_before_start": len(early),
                     "after": "; ".join(f"{a} {d:%Y-%m-%d}" for a, d in zip(late["area_id"], late["first_retaken"])),
                     "before": "; ".join(f"{a} {d:%Y-%m-%d}" for a, d in zip(early["area_id"], early["first_retaken"]))})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- analyst exports

def csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark (so spreadsheet programs read the Arabic), formulas neutralised."""
    return "\ufeff".encode("utf-8") + safe_csv.frame_csv_bytes(table)


def _joined(values: pd.Series) -> str:
    return "; ".join(dict.fromkeys(v for v in values if v))


def events_export(events: pd.DataFrame) -> pd.DataFrame:
    """One row per real-world event: its primary row, with every place and every source of the cluster listed."""
    table = export_table(_cluster_rows(events)).set_index("cluster_id")
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
    rows = _cluster_rows(events, ~events["_undated"].to_numpy())
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
