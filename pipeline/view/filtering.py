"""What the analyst asked to see: the Filters, the rows that pass them, a map selection, the time-player's window,
the filters as URL parameters (so a shared link reopens the same view) and the choices the filter widgets offer.

It exists so that every view (map, timeline, tables, downloads) narrows the events the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from pipeline.view.tables import PRECISIONS

PARAM_NAMES = {"date_from": "from", "date_to": "to", "places": "place", "event_types": "type", "actors": "actor",
               "victims": "victims", "outlets": "outlet", "include_undated": "undated",
               "include_cumulative": "cumulative", "min_confidence": "conf", "precisions": "precision"}


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
    return rows_kept(events, keep)


def rows_kept(events: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The kept rows; the table itself when every row is kept (copying 100k rows costs more than filtering them,
    and no view changes a table in place)."""
    return events if keep.all() else events[keep]


def dated_events(events: pd.DataFrame) -> pd.DataFrame:
    """The rows a dated view (map, timeline, main table) shows: undated events are listed apart."""
    return rows_kept(events, ~events["_undated"].to_numpy())


def undated_events(events: pd.DataFrame) -> pd.DataFrame:
    return events[events["_undated"].to_numpy()]


def selection_mask(events: pd.DataFrame, event_ids: Iterable[str]) -> np.ndarray:
    """Which rows are of the given events (a map selection); every row when nothing is selected."""
    ids = list(event_ids)
    return events["event_id"].isin(ids).to_numpy() if ids else np.ones(len(events), dtype=bool)


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


# ---------------------------------------------------------------- widget choices

def value_options(events: pd.DataFrame, column: str) -> list[str]:
    """Distinct non-empty values of a column, sorted."""
    return sorted(v for v in events[column].unique() if v)


def actor_options(events: pd.DataFrame) -> list[str]:
    names = {name.strip() for actors in events["actors"].unique() for name in actors.split(";")}
    return sorted(n for n in names if n)


def date_bounds(events: pd.DataFrame, window: tuple[date, date] | None) -> tuple[date, date]:
    """The span the date filter offers: the campaign window widened to every dated event."""
    dated = events.loc[~events["_undated"], "_when"]
    starts = ([dated.min().date()] if len(dated) else []) + ([window[0]] if window else [])
    ends = ([dated.max().date()] if len(dated) else []) + ([window[1]] if window else [])
    return (min(starts), max(ends)) if starts else (date.today(), date.today())
