"""Plotly figures of the dashboard: pure functions from query tables to go.Figure.

The map is tile-free by default (style "white-bg" with the bundled GeoJSON as layers) so it reads offline.
Hover text is built from article text, so every piece is escaped: plotly renders hover labels as HTML.
Quotes are left as they are (plotly does not decode &quot;; a quote outside a tag is plain text to it).
"""

from __future__ import annotations

import html
import math
from datetime import date
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pipeline.i18n import Labels
from pipeline.query import PLACE_PREFIX, FigureRange, place_summary

MAP_REVISION = "event-map"
"""Constant uirevision: the analyst's pan and zoom survive filter changes."""
LAYER_STYLES = {"river": ("#2563eb", 4), "outline": ("#64748b", 1.5)}
"""Colour and line width of each kind of map layer."""
FIGURE_COLOURS = {"killed": "#b91c1c", "wounded": "#d97706"}
QUOTE_CHARS = 90
HOVER_COLUMNS = ["place_ar", "place_text", "place_en", "event_date", "date_start", "date_end", "event_type", "quote",
                 "killed_low", "killed_high", "wounded_low", "wounded_high", "displaced_low", "displaced_high"]
FALLBACK_COLOUR = "#555555"
MILESTONE_CHARS = 34
MILESTONE_ROWS = 5


def esc(text: str) -> str:
    """Escape text for plotly's HTML-like labels: <, > and & only."""
    return html.escape(text, quote=False)


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _range_text(low, high) -> str:
    """One row's figure: "" when absent, "≥ low" when open-ended."""
    low, high = _number(low), _number(high)
    if low is None and high is None:
        return ""
    if high is None:
        return FigureRange(int(low), None).text()
    return FigureRange(int(low if low is not None else high), int(high)).text()


def event_hover(row: Mapping, labels: Labels, lang: str) -> str:
    """Hover label of one event: place (Arabic and English), date, type, figures, start of the quote; all escaped."""
    when = row.get("event_date")
    if pd.isna(when):
        start, end = row.get("date_start"), row.get("date_end")
        when_text = (f"{start:%Y-%m-%d} – {end:%Y-%m-%d}" if not pd.isna(start) and not pd.isna(end)
                     else labels.text("undated", lang))
    else:
        when_text = f"{when:%Y-%m-%d}"
    lines = [f"<b>{esc(str(row.get('place_ar') or row.get('place_text') or ''))}</b>"
             f" / {esc(str(row.get('place_en') or ''))}",
             f"{esc(when_text)} · {esc(labels.term('event_type', str(row.get('event_type')), lang))}"]
    for kind in ("killed", "wounded", "displaced"):
        figure = _range_text(row.get(f"{kind}_low"), row.get(f"{kind}_high"))
        if figure:
            lines.append(f"{esc(labels.text(kind, lang))}: {esc(figure)}")
    quote = str(row.get("quote") or "")
    lines.append(esc(quote[:QUOTE_CHARS] + ("…" if len(quote) > QUOTE_CHARS else "")))
    return "<br>".join(lines)


def marker_sizes(events: pd.DataFrame) -> np.ndarray:
    """Marker size grows with the square root of the people killed or wounded (low figures)."""
    harm = events[["killed_low", "wounded_low", "casualties_low"]].fillna(0).sum(axis=1).to_numpy()
    return np.minimum(8 + 2.5 * np.sqrt(harm), 30)


def _layer(collection: dict, colour: str, width: float) -> dict:
    return dict(sourcetype="geojson", source=collection, type="line", color=colour, line=dict(width=width),
                below="traces")


def map_figure(events: pd.DataFrame, layers: Sequence[tuple[str, dict]], center: tuple[float, float], zoom: float,
               labels: Labels, lang: str, street_tiles: bool = False) -> go.Figure:
    """Events as points coloured by type and sized by casualties, over a per-place aggregate layer.

    `layers` are (kind, FeatureCollection) pairs of the campaign (query.map_layers): a `river` or an `outline`.
    Each event trace carries event ids in customdata, so a map selection can filter the table. Cumulative
    statements are left out: a total over months drawn as one point would dwarf the events it sums.
    """
    located = events[events["lat"].notna() & events["lon"].notna() & ~events["cumulative"]]
    fig = go.Figure()
    places = place_summary(located)
    if len(places):
        hover = [f"<b>{esc(r.place_ar)}</b> / {esc(r.place_en)}<br>{esc(labels.text('events', lang))}: {r.events}"
                 f"<br>{esc(labels.text('killed', lang))}: {esc(_range_text(r.killed_low, r.killed_high) or '0')}"
                 for r in places.itertuples()]
        fig.add_trace(go.Scattermap(
            lat=places["lat"], lon=places["lon"], mode="markers", name=labels.text("neighbourhood_layer", lang),
            marker=dict(size=np.minimum(12 + 5 * np.sqrt(places["events"].to_numpy()), 50), color="#334155",
                        opacity=0.25),
            hovertext=hover, hoverinfo="text", customdata=(PLACE_PREFIX + places["place_id"]).tolist()))
    for event_type, rows in located.groupby("event_type", sort=False, observed=True):
        fig.add_trace(go.Scattermap(
            lat=rows["lat"], lon=rows["lon"], mode="markers",
            name=labels.term("event_type", event_type, lang),
            marker=dict(size=marker_sizes(rows), color=labels.colours.get(event_type, FALLBACK_COLOUR), opacity=0.85),
            hovertext=[event_hover(r, labels, lang) for r in rows[HOVER_COLUMNS].to_dict(orient="records")],
            hoverinfo="text",
            customdata=rows["event_id"].tolist()))
    drawn = sorted(layers, key=lambda layer: layer[0] == "river")  # the river over the outlines
    map_layers = [_layer(collection, *LAYER_STYLES.get(kind, LAYER_STYLES["outline"])) for kind, collection in drawn]
    fig.update_layout(
        map=dict(style="open-street-map" if street_tiles else "white-bg",
                 center=dict(lat=center[0], lon=center[1]), zoom=zoom, layers=map_layers),
        uirevision=MAP_REVISION, margin=dict(l=0, r=0, t=0, b=0), height=560,
        legend=dict(orientation="h", yanchor="bottom", y=0.01, xanchor="left", x=0.01, bgcolor="rgba(255,255,255,0.8)"))
    return fig


def timeline_figure(counts: pd.DataFrame, milestones: pd.DataFrame, labels: Labels, lang: str,
                    window: tuple[date, date] | None = None) -> go.Figure:
    """Events per period stacked by type, campaign milestones as dotted lines, the map's time window shaded."""
    fig = go.Figure()
    for event_type, rows in counts.groupby("event_type", sort=True, observed=True):
        fig.add_trace(go.Bar(x=rows["period"], y=rows["events"], name=labels.term("event_type", event_type, lang),
                             marker_color=labels.colours.get(event_type, FALLBACK_COLOUR)))
    label_column = f"label_{lang}" if f"label_{lang}" in milestones else "label_en"
    for n, row in enumerate(milestones.itertuples()):
        label = str(getattr(row, label_column))
        short = label if len(label) <= MILESTONE_CHARS else label[:MILESTONE_CHARS - 1] + "…"
        fig.add_shape(type="line", x0=row.date, x1=row.date, y0=0, y1=1, yref="paper",
                      line=dict(color="#475569", dash="dot", width=1))
        fig.add_annotation(x=row.date, y=1 - 0.08 * (n % MILESTONE_ROWS), yref="paper", text=esc(short),
                           hovertext=esc(f"{row.date:%Y-%m-%d} {label}"), showarrow=False, xanchor="left",
                           font=dict(size=9, color="#334155"), bgcolor="rgba(255,255,255,0.7)")
    if window:
        fig.add_shape(type="rect", x0=pd.Timestamp(window[0]), x1=pd.Timestamp(window[1]) + pd.Timedelta(days=1),
                      y0=0, y1=1, yref="paper", fillcolor="rgba(37,99,235,0.12)", line=dict(width=0))
    fig.update_layout(barmode="stack", height=340, margin=dict(l=10, r=10, t=30, b=10),
                      legend=dict(orientation="h", y=-0.2), yaxis_title=labels.text("events", lang))
    return fig


def _range_trace(categories, low: pd.Series, high: pd.Series, name: str, colour: str,
                 horizontal: bool) -> go.Scatter:
    """Points at the low figure with a bar up to the high one; open-ended highs drawn as an upward triangle."""
    open_ended = high.isna()
    spread = (high - low).where(~open_ended, 0).to_numpy()
    error = dict(type="data", symmetric=False, array=spread, arrayminus=np.zeros(len(low)), width=4,
                 color=colour, thickness=2)
    symbol = np.where(open_ended, "triangle-right" if horizontal else "triangle-up", "circle")
    text = [_range_text(lo, hi) for lo, hi in zip(low, high)]
    axes = dict(x=low, y=categories, error_x=error) if horizontal else dict(x=categories, y=low, error_y=error)
    return go.Scatter(**axes, mode="markers", name=name, marker=dict(color=colour, size=9, symbol=symbol),
                      text=text, hovertemplate="%{text}<extra>" + esc(name) + "</extra>")


def range_figure(table: pd.DataFrame, category: str, labels: Labels, lang: str, horizontal: bool = False,
                 height: int = 320) -> go.Figure:
    """Killed and wounded as low-high ranges per category (period, victim group or place)."""
    fig = go.Figure([_range_trace(table[category], table[f"{kind}_low"], table[f"{kind}_high"],
                                  labels.text(kind, lang), FIGURE_COLOURS[kind], horizontal)
                     for kind in ("killed", "wounded")])
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=-0.15))
    if horizontal:
        fig.update_yaxes(autorange="reversed", type="category")
    return fig
