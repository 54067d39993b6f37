"""Counting: totals, the header figures, time series, per-place and per-victim sums, the options of the place
filter, and the text of a figure range.

It exists because every count must treat the data the same way: each real-world event once (one representative
row per cluster, the primary row when the filter kept it), undated events and cumulative statements totalled apart
from dated daily events, and an open-ended figure ("at least 40") kept open in every sum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from pipeline.view.tables import BANK_ORDER, FIGURE_COLUMNS, FIGURE_KINDS


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


def cluster_rows(events: pd.DataFrame, mask: np.ndarray | None = None, columns: Iterable[str] | None = None
                  ) -> pd.DataFrame:
    """One row per real-world event among the masked rows (the primary row when kept, else the first).

    Only `columns` are copied, which keeps aggregations over 100k rows fast.
    """
    positions = _positions(events, mask)
    codes = events["_cluster_id_code"].to_numpy()[positions]
    keep = positions[_first_of_each(codes, events["cluster_primary"].to_numpy()[positions])]
    return (events if columns is None else events[list(columns)]).iloc[keep]


def cluster_place_rows(events: pd.DataFrame, mask: np.ndarray, columns: Iterable[str]) -> pd.DataFrame:
    """One row per real-world event and place: an event reported twice at a place counts once there."""
    positions = _positions(events, mask)
    places = events["_place_id_code"].to_numpy()[positions]
    pairs = events["_cluster_id_code"].to_numpy()[positions] * (int(places.max(initial=0)) + 2) + places
    return events[list(columns)].iloc[positions[_first_of_each(pairs)]]


def one_row_per_cluster(events: pd.DataFrame) -> pd.DataFrame:
    """One row per real-world event: the primary row when present, else the first row kept."""
    return cluster_rows(events)


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
    clusters = cluster_rows(events, mask, FIGURE_COLUMNS)
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
    daily = cluster_rows(events, _daily_mask(events), ["_when", "event_type"])
    counts = (daily.assign(period=_period(daily["_when"], freq))
              .groupby(["period", "event_type"], observed=True).size().rename("events").reset_index())
    return counts.sort_values(["period", "event_type"]).reset_index(drop=True)


def _day_mask(events: pd.DataFrame) -> np.ndarray:
    """Daily rows dated to one day (their window is a single day)."""
    return _daily_mask(events) & (events["_until"] <= events["_when"]).to_numpy()


def events_by_bank_over_time(events: pd.DataFrame, freq: str = "D") -> pd.DataFrame:
    """Events dated to a single day, per day or week (Monday) and bank: period, bank, events."""
    rows = cluster_rows(events, _day_mask(events), ["_when", "bank"])
    bank = rows["bank"].where(rows["bank"].isin(("left", "right")), "")
    counts = (pd.DataFrame({"period": _period(rows["_when"], freq), "bank": bank})
              .groupby(["period", "bank"], observed=True).size().rename("events").reset_index())
    return counts.sort_values(["period", "bank"]).reset_index(drop=True)


def window_spans(events: pd.DataFrame) -> pd.DataFrame:
    """Events dated only to a window (a week, a range): start, end, bank, events per distinct window."""
    mask = _daily_mask(events) & (events["_until"] > events["_when"]).to_numpy()
    rows = cluster_rows(events, mask, ["_when", "_until", "bank"])
    bank = rows["bank"].where(rows["bank"].isin(("left", "right")), "")
    spans = (pd.DataFrame({"start": rows["_when"], "end": rows["_until"], "bank": bank})
             .groupby(["start", "end", "bank"], observed=True).size().rename("events").reset_index())
    return spans.sort_values(["start", "end"]).reset_index(drop=True)


def area_level_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Real-world events located only to an area (the city, a bank, a sector) or nowhere, per place: never drawn
    on the map as points, so the page lists them beside it."""
    mask = _daily_mask(events) & events["_precision"].isin(("area", "none")).to_numpy()
    rows = cluster_place_rows(events, mask, ["place_id", "place_ar", "place_en", "_precision"])
    counts = rows.groupby(["place_id", "place_ar", "place_en"], observed=True).size().rename("events").reset_index()
    return counts.sort_values(["events", "place_id"], ascending=[False, True]).reset_index(drop=True)


def area_level_events(events: pd.DataFrame) -> int:
    """How many real-world events area_level_counts covers (an event at two areas counts once)."""
    mask = _daily_mask(events) & events["_precision"].isin(("area", "none")).to_numpy()
    return len(cluster_rows(events, mask, ["cluster_id"]))


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
    daily = cluster_rows(events, _daily_mask(events), ("_when",) + CASUALTY_COLUMNS)
    daily = daily.assign(period=_period(daily["_when"], freq))
    return _figure_sums(daily, ["period"], ("killed", "wounded")).sort_values("period").reset_index(drop=True)


def casualties_by_victims(events: pd.DataFrame) -> pd.DataFrame:
    """Killed and wounded low/high per victim group over daily events, undated included (they are events too)."""
    rows = cluster_rows(events, ~events["cumulative"].to_numpy(), ("victims",) + CASUALTY_COLUMNS)
    rows = rows.assign(victims=rows["victims"].where(rows["victims"] != "", "unknown"))
    return _figure_sums(rows, ["victims"], ("killed", "wounded")).sort_values("victims").reset_index(drop=True)


PLACE_COLUMNS = ("place_id", "place_ar", "place_en", "place_kind", "bank", "lat", "lon")


def place_summary(events: pd.DataFrame) -> pd.DataFrame:
    """Per place (non-cumulative rows; a cluster counts once per place): names, bank, position, events, figures."""
    mask = ~events["cumulative"].to_numpy() & (events["place_id"] != "").to_numpy()
    rows = cluster_place_rows(events, mask, PLACE_COLUMNS + CASUALTY_COLUMNS)
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
    rows = cluster_place_rows(events, (events["place_id"] != "").to_numpy(), ("place_id", "place_ar", "place_en",
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
    return cluster_rows(events, events["cumulative"].to_numpy())


def figure_text(low, high) -> str:
    """One row's figure: "" when absent, "23–40" for a range, "≥ 23" when open-ended."""
    low = None if low is None or pd.isna(low) else int(low)
    high = None if high is None or pd.isna(high) else int(high)
    if low is None and high is None:
        return ""
    return FigureRange(low if low is not None else high, high).text()
