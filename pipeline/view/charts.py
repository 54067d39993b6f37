"""Plotly figures of the dashboard: pure functions from query tables to go.Figure.

The map is tile-free (style "white-bg" with the campaign's GeoJSON, its labels and the scale as layers) so it reads
offline, and it always holds its events trace, so an empty selection is an empty map, never a bare grid.
Hover text is built from article text, so every piece is escaped: plotly renders hover labels as HTML.
"""

from __future__ import annotations

import html
import math
from datetime import date, timedelta
from typing import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pipeline.view.i18n import Labels
from pipeline.view.maplayers import MapLayers
from pipeline.view.aggregates import figure_text
from pipeline.view.filtering import PLACE_PREFIX

MAP_TEXT, MAP_SCALE = "text", "scale"
"""Names of the map layers that are not campaign geometry: labels and the scale bar."""
MAP_REVISION = "campaign-map"
"""Constant uirevision: the analyst's pan and zoom survive filter changes and playback."""
FIGURE_COLOURS = {"killed": "#b91c1c", "wounded": "#d97706"}
BANK_COLOURS = {"left": "#2563eb", "right": "#c2410c", "": "#64748b"}
STATUS_COLOURS = {"retaken": "#16a34a", "contested": "#f59e0b", "none": "#e2e8f0"}
PRECISION_OPACITY = {"point": 0.9, "estimate": 0.5, "offset": 0.5}
HALO_COLOURS = {"estimate": "#64748b", "offset": "#7c3aed"}
QUOTE_CHARS = 90
FALLBACK_COLOUR = "#555555"
MILESTONE_CHARS = 34
MILESTONE_ROWS = 5
MAX_PLACE_LABELS = 40
HOVER_COLUMNS = ["place_ar", "place_text", "place_en", "_when", "_until", "date_precision", "event_type", "quote",
                 "killed_low", "killed_high", "wounded_low", "wounded_high", "displaced_low", "displaced_high",
                 "_precision", "_coord_source", "relation", "outlet"]
PERIOD_DAYS = {"D": 1, "W": 7}
MAX_SPANS = 300
"""Distinct windows drawn on the timeline (the longest-standing first); more would be unreadable."""


def esc(text) -> str:
    """Escape text for plotly's HTML-like labels: <, > and & only."""
    return html.escape(str(text), quote=False)


def place_name(row: Mapping, lang: str, ar: str = "place_ar", en: str = "place_en") -> str:
    """A place's name in the interface language, the other one when it has none."""
    first, second = (row.get(ar), row.get(en)) if lang == "ar" else (row.get(en), row.get(ar))
    return str(first or second or row.get("place_text") or "")


def date_text(when, until, labels: Labels, lang: str) -> str:
    """"2017-01-24", or "2017-01-20 – 2017-01-26" for a window, or the word for undated."""
    if when is None or pd.isna(when):
        return labels.text("undated", lang)
    if until is not None and not pd.isna(until) and until > when:
        return f"{when:%Y-%m-%d} – {until:%Y-%m-%d}"
    return f"{when:%Y-%m-%d}"


def event_hover(row: Mapping, labels: Labels, lang: str) -> str:
    """Hover of one event: place, date, type, figures, how well it is located and the coordinate's source."""
    lines = [f"<b>{esc(place_name(row, lang))}</b>",
             f"{esc(date_text(row.get('_when'), row.get('_until'), labels, lang))} · "
             f"{esc(labels.term('event_type', str(row.get('event_type')), lang))} · {esc(row.get('outlet') or '')}"]
    for kind in ("killed", "wounded", "displaced"):
        figure = figure_text(row.get(f"{kind}_low"), row.get(f"{kind}_high"))
        if figure:
            lines.append(f"{esc(labels.text(kind, lang))}: {esc(figure)}")
    precision = labels.term("precision", str(row.get("_precision")), lang)
    if row.get("relation"):
        precision += f" ({labels.term('relation', str(row.get('relation')), lang)})"
    lines.append(f"{esc(labels.text('col_geo', lang))}: {esc(precision)}")
    source = str(row.get("_coord_source") or "")
    if source:
        lines.append(f"{esc(labels.text('coord_source', lang))}: {esc(source[:80])}")
    quote = str(row.get("quote") or "")
    lines.append(esc(quote[:QUOTE_CHARS] + ("…" if len(quote) > QUOTE_CHARS else "")))
    return "<br>".join(lines)


def marker_sizes(events: pd.DataFrame) -> np.ndarray:
    """Marker size grows with the square root of the people killed or wounded (low figures)."""
    harm = events[["killed_low", "wounded_low", "casualties_low"]].fillna(0).sum(axis=1).to_numpy()
    return np.minimum(8 + 2.5 * np.sqrt(harm), 30)


def _line(collection: dict, colour: str, width: float, dash=None) -> dict:
    layer = dict(sourcetype="geojson", source=collection, type="line", color=colour, line=dict(width=width),
                 below="traces")
    if dash:
        layer["line"]["dash"] = dash
    return layer


def _fill(collection: dict, colour: str) -> dict:
    return dict(sourcetype="geojson", source=collection, type="fill", color=colour, below="traces")


def _base_layers(layers: MapLayers, show_cells: bool) -> list[dict]:
    drawn = []
    if show_cells and len(layers.cells):
        drawn.append(_line(layers.cells_geojson(), "rgba(100,116,139,0.35)", 0.6))
    if layers.city_outline:
        drawn.append(_line(layers.city_outline, "#64748b", 1.5))
    if layers.old_city:
        drawn += [_fill(layers.old_city, "rgba(180,83,9,0.06)"), _line(layers.old_city, "#b45309", 1.5, [2, 2])]
    if layers.river:
        drawn.append(_line(layers.river, "#3b82f6", 5))
    return drawn


def _text_trace(lat, lon, text, size: int, colour: str, name: str) -> go.Scattermap:
    return go.Scattermap(lat=list(lat), lon=list(lon), text=list(text), mode="text", name=name, showlegend=False,
                         textfont=dict(size=size, color=colour), hoverinfo="skip")


def _label_layer(points: list[tuple[float, float, str]], size: int, colour: str) -> dict:
    """Fixed map text as one GeoJSON symbol layer (MapLibre reads each feature's text through the "{label}" token):
    cheaper for the browser than a text trace, which brings a set of map layers of its own."""
    features = [{"type": "Feature", "properties": {"label": text}, "geometry": {"type": "Point", "coordinates": [lon, lat]}}
                for lat, lon, text in points]
    return dict(sourcetype="geojson", source={"type": "FeatureCollection", "features": features}, type="symbol",
                color=colour, symbol=dict(text="{label}", icon="", placement="point", textfont=dict(size=size, color=colour)),
                name=MAP_TEXT)


def _scale_layers(layers: MapLayers, center: tuple[float, float], zoom: float, labels: Labels, lang: str) -> list[dict]:
    """A scale bar of `scale_km` near the lower right of the opening view, with its length written above it."""
    span = 360 / 2 ** zoom * 1.4
    lat = center[0] - span * 0.27
    lon0 = center[1] + span * 0.30
    lon1 = lon0 + layers.scale_km / (111.32 * math.cos(math.radians(lat)))
    bar = {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[lon0, lat], [lon1, lat]]}}
    text = labels.text("scale_text", lang, km=f"{layers.scale_km:g}")
    return [_line({"type": "FeatureCollection", "features": [bar]}, "#111827", 4) | {"name": MAP_SCALE},
            _label_layer([(lat + span * 0.012, (lon0 + lon1) / 2, text)], 12, "#111827")]


def _fixed_labels(layers: MapLayers, lang: str) -> list[dict]:
    """Bank, river and area names (campaign.yaml's map labels) in the interface language, one layer per style."""
    styles = {"bank": (15, "#1e293b"), "river": (13, "#1d4ed8"), "area": (12, "#92400e")}
    drawn = []
    for kind, (size, colour) in styles.items():
        chosen = [(c["lat"], c["lon"], c.get(lang) or c.get("en", "")) for c in layers.labels if c.get("kind") == kind]
        if chosen:
            drawn.append(_label_layer(chosen, size, colour))
    return drawn


def _bridges_trace(layers: MapLayers, labels: Labels, lang: str) -> list[go.Scattermap]:
    bridges = layers.bridges
    if bridges.empty:
        return []
    hover = [f"<b>{esc(place_name(b, lang, 'name_ar', 'name_en'))}</b><br>"
             f"{esc(labels.text('col_geo', lang))}: "
             f"{esc(labels.term('precision', 'point' if str(b.get('precision')) == '1' else 'estimate', lang))}<br>"
             f"{esc(labels.text('coord_source', lang))}: {esc(str(b.get('source'))[:80])}"
             for b in bridges.to_dict(orient="records")]
    return [go.Scattermap(lat=bridges["lat"], lon=bridges["lon"], mode="markers", name=labels.text("bridges", lang),
                          marker=dict(size=9, color="#0f172a"), hovertext=hover, hoverinfo="text", showlegend=False)]


def _place_labels(events: pd.DataFrame, lang: str) -> list[go.Scattermap]:
    """Names of the places that have events in view (the busiest first), at their points."""
    shown = events[events["_precision"].isin(("point", "estimate"))]
    if shown.empty:
        return []
    busiest = shown.groupby("place_id", sort=False).agg(
        n=("event_id", "size"), lat=("lat", "first"), lon=("lon", "first"), place_ar=("place_ar", "first"),
        place_en=("place_en", "first")).nlargest(MAX_PLACE_LABELS, "n")
    names = [place_name(r, lang) for r in busiest.to_dict(orient="records")]
    return [_text_trace(busiest["lat"] + 0.0022, busiest["lon"], names, 10, "#334155", "places")]


def _event_traces(located: pd.DataFrame, labels: Labels, lang: str) -> list[go.Scattermap]:
    """Halos for approximate positions (estimates, offsets), then every event in one trace, coloured by type with
    opacity by precision. Two traces, not one per type and precision: each map trace costs the browser a set of
    map layers, which is most of the map's drawing time; the legend is drawn beside the map (map_legend_html)."""
    rows = located.sort_values("event_type", kind="stable")
    precision = rows["_precision"].to_numpy()
    sizes = marker_sizes(rows)
    approximate = np.isin(precision, list(HALO_COLOURS))
    traces = []  # the events trace is there even when empty: a map with no trace would be drawn as a bare grid
    if approximate.any():
        traces.append(go.Scattermap(
            lat=rows["lat"].to_numpy()[approximate], lon=rows["lon"].to_numpy()[approximate], mode="markers",
            name=labels.text("col_geo", lang), showlegend=False, hoverinfo="skip",
            marker=dict(size=sizes[approximate] + 14, color=[HALO_COLOURS[p] for p in precision[approximate]],
                        opacity=0.18)))
    traces.append(go.Scattermap(
        lat=rows["lat"], lon=rows["lon"], mode="markers", name=labels.text("events", lang), showlegend=False,
        marker=dict(size=sizes, color=[labels.colours.get(t, FALLBACK_COLOUR) for t in rows["event_type"]],
                    opacity=[PRECISION_OPACITY.get(p, 0.5) for p in precision]),
        hovertext=[event_hover(r, labels, lang) for r in rows[HOVER_COLUMNS].to_dict(orient="records")],
        hoverinfo="text", customdata=rows["event_id"].tolist()))
    return traces


def map_legend_html(located: pd.DataFrame, layers: MapLayers, labels: Labels, lang: str) -> str:
    """The points' legend: a dot per event type in view, the halo of each approximate precision, the bridges."""
    dot = '<span style="display:inline-block;width:10px;height:10px;border-radius:50%;background:{};{}"></span> {}'
    items = [dot.format(labels.colours.get(t, FALLBACK_COLOUR), "", esc(labels.term("event_type", t, lang)))
             for t in sorted(set(located["event_type"]))]
    items += [dot.format("#ffffff", f"box-shadow:0 0 0 4px {colour}55;", esc(labels.term("precision", p, lang)))
              for p, colour in HALO_COLOURS.items() if (located["_precision"] == p).any()]
    if not layers.bridges.empty:
        items.append(dot.format("#0f172a", "", esc(labels.text("bridges", lang))))
    return '<div style="font-size:0.8rem;line-height:1.7">' + "<br>".join(items) + "</div>"


def area_values(events: pd.DataFrame, layers: MapLayers, metric: str) -> pd.Series:
    """Events (one per real-world event and area) or killed (low) per approximate neighbourhood area."""
    inside = events[events["_cell"] != ""].drop_duplicates(["cluster_id", "_cell"])
    if metric == "killed":
        values = inside.groupby("_cell")["killed_low"].sum()
    else:
        values = inside.groupby("_cell").size()
    return values.reindex(layers.cells["place_id"]).fillna(0)


def _cell_hover(layers: MapLayers, lines: Mapping[str, list[str]], labels: Labels, lang: str) -> list[str]:
    note = esc(labels.text("approximate_area", lang))
    return [f"<b>{esc(place_name(c, lang, 'name_ar', 'name_en'))}</b> ({note})<br>" + "<br>".join(lines.get(c["place_id"], []))
            for c in layers.cells.to_dict(orient="records")]


def _areas_trace(events: pd.DataFrame, layers: MapLayers, metric: str, labels: Labels, lang: str):
    values = area_values(events, layers, metric)
    title = labels.text("killed" if metric == "killed" else "events", lang)
    lines = {pid: [f"{esc(title)}: {int(v):,}"] for pid, v in values.items()}
    return go.Choroplethmap(
        geojson=layers.cells_geojson(), locations=layers.cells["place_id"], z=values.to_numpy(),
        colorscale="OrRd", zmin=0, zmax=max(1.0, float(values.max())), marker=dict(opacity=0.6, line=dict(width=0.5)),
        colorbar=dict(title=dict(text=esc(title)), thickness=12, len=0.5, x=0.99),
        hovertext=_cell_hover(layers, lines, labels, lang), hoverinfo="text", name=labels.text("areas", lang),
        customdata=[PLACE_PREFIX + p for p in layers.cells["place_id"]])


def _control_trace(status: pd.Series, control: pd.DataFrame, layers: MapLayers, labels: Labels, lang: str):
    codes = {"none": 0, "contested": 1, "retaken": 2}
    ids = layers.cells["place_id"]
    shown = status.reindex(ids).fillna("none")
    facts = control.set_index("area_id") if len(control) else pd.DataFrame()
    lines = {}
    for pid, state in shown.items():
        entry = [f"{esc(labels.term('status', state, lang))}"]
        if pid in facts.index:
            fact = facts.loc[pid]
            if pd.notna(fact["first_retaken"]):
                entry.append(f"{esc(labels.text('col_first_retaken', lang))}: {fact['first_retaken']:%Y-%m-%d} "
                             f"({esc(fact['evidence_outlet'] or fact['evidence_article'])})")
                entry.append(esc(str(fact["evidence_quote"])[:QUOTE_CHARS]))
            if fact["conflict"]:
                entry.append(f"⚠ {esc(labels.text('conflict', lang))}: {esc(fact['report_dates'])}")
        lines[pid] = entry
    scale = [[0, STATUS_COLOURS["none"]], [0.33, STATUS_COLOURS["none"]], [0.34, STATUS_COLOURS["contested"]],
             [0.66, STATUS_COLOURS["contested"]], [0.67, STATUS_COLOURS["retaken"]], [1, STATUS_COLOURS["retaken"]]]
    return go.Choroplethmap(
        geojson=layers.cells_geojson(), locations=ids, z=[codes[s] for s in shown], zmin=0, zmax=2,
        colorscale=scale, showscale=False, marker=dict(opacity=0.55, line=dict(width=0.5)),
        hovertext=_cell_hover(layers, lines, labels, lang), hoverinfo="text", name=labels.text("control", lang))


def _status_legend(labels: Labels, lang: str) -> list[go.Scattermap]:
    """Legend entries for the control colours (markers with no points)."""
    return [go.Scattermap(lat=[None], lon=[None], mode="markers", marker=dict(size=12, color=colour),
                          name=labels.term("status", status, lang)) for status, colour in STATUS_COLOURS.items()]


def located_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events the map draws as points: located to a point (sourced, estimated or offset), not cumulative."""
    return events[events["_precision"].isin(("point", "estimate", "offset")) & ~events["cumulative"]]


def map_figure(events: pd.DataFrame, layers: MapLayers, center: tuple[float, float], zoom: float, labels: Labels,
               lang: str, mode: str = "points", metric: str = "events", control: pd.DataFrame | None = None,
               status: pd.Series | None = None, street_tiles: bool = False) -> go.Figure:
    """The map in one of three modes: "points" (events by type, opacity and halo by precision), "areas" (a
    choropleth of the approximate neighbourhood areas) or "control" (status of each area on a day).

    Events located only to an area (the city, a bank, a sector) are never drawn: the page counts them beside the map.
    """
    located = located_events(events)
    if mode == "areas" and len(layers.cells):
        traces = [_areas_trace(located, layers, metric, labels, lang)]
    elif mode == "control" and len(layers.cells):
        traces = [_control_trace(status if status is not None else pd.Series(dtype=str),
                                 control if control is not None else pd.DataFrame(), layers, labels, lang)]
        traces += _status_legend(labels, lang)
    else:
        traces = _event_traces(located, labels, lang)
    traces += _bridges_trace(layers, labels, lang) + _place_labels(located, lang)
    fig = go.Figure(traces)
    fig.update_layout(
        map=dict(style="open-street-map" if street_tiles else "white-bg",
                 center=dict(lat=center[0], lon=center[1]), zoom=zoom,
                 layers=_base_layers(layers, show_cells=mode == "points") + _fixed_labels(layers, lang)
                 + _scale_layers(layers, center, zoom, labels, lang)),
        uirevision=MAP_REVISION, margin=dict(l=0, r=0, t=0, b=0), height=600,
        legend=dict(orientation="h", yanchor="bottom", y=0.01, xanchor="left", x=0.01, bgcolor="rgba(255,255,255,0.85)"))
    return fig


# ---------------------------------------------------------------- time

def date_ticks(start: pd.Timestamp, end: pd.Timestamp, labels: Labels, lang: str) -> tuple[list, list[str]]:
    """Tick positions and texts in the interface language: days for short spans, Mondays, or months."""
    days = (end - start).days
    months = labels.months.get(lang) or labels.months.get("en") or [str(m) for m in range(1, 13)]
    if days <= 16:
        ticks = pd.date_range(start.normalize(), end, freq="D")
    elif days <= 120:
        ticks = pd.date_range(start.normalize(), end, freq="W-MON")
    else:
        ticks = pd.date_range(start.normalize(), end, freq="MS")
    if days > 120:
        return list(ticks), [f"{months[t.month - 1]} {t.year}" for t in ticks]
    return list(ticks), [f"{t.day} {months[t.month - 1]}" for t in ticks]


def _date_axis(fig: go.Figure, start: pd.Timestamp, end: pd.Timestamp, labels: Labels, lang: str, **where):
    values, texts = date_ticks(start, end, labels, lang)
    fig.update_xaxes(type="date", range=[start, end], tickvals=values, ticktext=texts, **where)


def _view_range(periods: list[pd.Timestamp], bounds: tuple[date, date], freq: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The time axis: the data padded by one period, or the campaign bounds when there is no data."""
    width = pd.Timedelta(days=PERIOD_DAYS[freq])
    if not periods:
        return pd.Timestamp(bounds[0]), pd.Timestamp(bounds[1]) + pd.Timedelta(days=1)
    return min(periods) - width, max(periods) + 2 * width


def timeline_figure(counts: pd.DataFrame, spans: pd.DataFrame, milestones: pd.DataFrame, labels: Labels, lang: str,
                    freq: str, bounds: tuple[date, date], window: tuple[date, date] | None = None) -> go.Figure:
    """Events dated to a day, per day or week at their real width, stacked by bank; events dated only to a window
    (a week, a range) drawn below as spans; milestones as dotted lines; the map's time window shaded."""
    width = pd.Timedelta(days=PERIOD_DAYS[freq])
    traces = []
    for bank in ("left", "right", ""):
        rows = counts[counts["bank"] == bank]
        if len(rows):
            traces.append(go.Bar(x=rows["period"] + width / 2, y=rows["events"], width=width.total_seconds() * 920,
                                 name=labels.term("bank", bank, lang), marker_color=BANK_COLOURS[bank],
                                 hovertemplate="%{y}<extra>" + esc(labels.term("bank", bank, lang)) + "</extra>"))
    traces += _span_traces(spans.head(MAX_SPANS), labels, lang)
    fig = go.Figure(traces, layout=dict(yaxis=dict(domain=[0.3, 1.0]), yaxis2=dict(domain=[0.0, 0.24], anchor="x")))
    periods = list(counts["period"]) + list(spans["start"]) + list(spans["end"])
    start, end = _view_range(periods, bounds, freq)
    label_column = f"label_{lang}" if f"label_{lang}" in milestones else "label_en"
    shown = milestones[(milestones["date"] >= start) & (milestones["date"] <= end)]
    shapes, notes = [], []
    for n, row in enumerate(shown.itertuples()):
        label = str(getattr(row, label_column))
        short = label if len(label) <= MILESTONE_CHARS else label[:MILESTONE_CHARS - 1] + "…"
        shapes.append(dict(type="line", x0=row.date, x1=row.date, y0=0, y1=1, yref="paper",
                           line=dict(color="#475569", dash="dot", width=1)))
        notes.append(dict(x=row.date, y=1 - 0.08 * (n % MILESTONE_ROWS), yref="paper", text=esc(short),
                          hovertext=esc(f"{row.date:%Y-%m-%d} {label}"), showarrow=False, xanchor="left",
                          font=dict(size=9, color="#334155"), bgcolor="rgba(255,255,255,0.7)"))
    if window:
        shapes.append(dict(type="rect", x0=pd.Timestamp(window[0]), x1=pd.Timestamp(window[1]) + pd.Timedelta(days=1),
                           y0=0, y1=1, yref="paper", fillcolor="rgba(37,99,235,0.12)", line=dict(width=0)))
    if counts.empty and spans.empty:
        notes.append(dict(x=0.5, y=0.5, xref="paper", yref="paper", text=esc(labels.text("no_dated", lang)),
                          showarrow=False, font=dict(size=14, color="#64748b")))
    if shapes or notes:  # set at once: plotly copies the layout on every add_shape and add_annotation
        fig.update_layout(**{name: items for name, items in (("shapes", shapes), ("annotations", notes)) if items})
    _date_axis(fig, start, end, labels, lang)
    fig.update_layout(yaxis=dict(title_text=esc(labels.text("events", lang)), rangemode="nonnegative"),
                      yaxis2=dict(title_text=esc(labels.text("windows", lang)), showticklabels=False, range=[-1, 6]))
    fig.update_layout(barmode="stack", height=380, margin=dict(l=10, r=10, t=30, b=10),
                      legend=dict(orientation="h", y=-0.15))
    return fig


def _span_traces(spans: pd.DataFrame, labels: Labels, lang: str) -> list[go.Scatter]:
    """Windows as horizontal segments in six lanes below the bars, one trace per bank and line width (segments
    apart by gaps), the width growing with the events in the window."""
    title = esc(labels.text("events", lang))
    groups: dict[tuple[str, int], dict[str, list]] = {}
    for lane, row in enumerate(spans.itertuples()):
        group = groups.setdefault((row.bank, 4 + min(row.events, 8)), {"x": [], "y": [], "text": []})
        hover = esc(f"{row.start:%Y-%m-%d} – {row.end:%Y-%m-%d}: {row.events} ") + title
        if group["x"]:
            group["x"].append(None), group["y"].append(None), group["text"].append("")
        group["x"] += [row.start, row.end + pd.Timedelta(days=1)]
        group["y"] += [lane % 6, lane % 6]
        group["text"] += [hover, hover]
    return [go.Scatter(x=g["x"], y=g["y"], text=g["text"], mode="lines", showlegend=False, xaxis="x", yaxis="y2",
                       line=dict(color=BANK_COLOURS.get(bank, FALLBACK_COLOUR), width=width),
                       name=labels.text("windows", lang), hovertemplate="%{text}<extra></extra>")
            for (bank, width), g in groups.items()]


def _range_trace(categories, low: pd.Series, high: pd.Series, name: str, colour: str,
                 horizontal: bool) -> go.Scatter:
    """Points at the low figure with a bar up to the high one; open-ended highs drawn as an upward triangle."""
    open_ended = high.isna()
    spread = (high - low).where(~open_ended, 0).to_numpy()
    error = dict(type="data", symmetric=False, array=spread, arrayminus=np.zeros(len(low)), width=4,
                 color=colour, thickness=2)
    symbol = np.where(open_ended, "triangle-right" if horizontal else "triangle-up", "circle")
    text = [figure_text(lo, hi) for lo, hi in zip(low, high)]
    axes = dict(x=low, y=categories, error_x=error) if horizontal else dict(x=categories, y=low, error_y=error)
    return go.Scatter(**axes, mode="markers", name=name, marker=dict(color=colour, size=9, symbol=symbol),
                      text=text, hovertemplate="%{text}<extra>" + esc(name) + "</extra>")


def range_figure(table: pd.DataFrame, category: str, labels: Labels, lang: str, horizontal: bool = False,
                 height: int = 320, bounds: tuple[date, date] | None = None, freq: str = "D") -> go.Figure:
    """Killed and wounded as low-high ranges per category (period, victim group or place)."""
    fig = go.Figure([_range_trace(table[category], table[f"{kind}_low"], table[f"{kind}_high"],
                                  labels.text(kind, lang), FIGURE_COLOURS[kind], horizontal)
                     for kind in ("killed", "wounded")])
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=-0.15))
    if horizontal:
        fig.update_yaxes(autorange="reversed", type="category")
    elif bounds is not None:
        start, end = _view_range(list(table[category]), bounds, freq)
        _date_axis(fig, start, end, labels, lang)
    if table.empty:
        fig.add_annotation(x=0.5, y=0.5, xref="paper", yref="paper", text=esc(labels.text("no_figures", lang)),
                           showarrow=False, font=dict(size=13, color="#64748b"))
        if horizontal:
            fig.update_yaxes(type="linear", showticklabels=False)
    return fig
