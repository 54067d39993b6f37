"""Plotly figures of the dashboard: a labelled tile-free map that is always a map, precision drawn and told, areas
and control, timelines that read for any selection, ranges drawn as ranges, escaped hover text."""

import json
from datetime import date

import pandas as pd
import pytest

from factories import event_row, sample_rows, write_campaign
from pipeline.campaign import load_campaign
from pipeline.view import charts
from pipeline.view import maplayers
from pipeline.view import aggregates, filtering, retaking, tables
from pipeline.view.i18n import load_labels

LABELS = load_labels().with_terms("bank", {"left": {"en": "East bank", "ar": "الساحل الأيسر"},
                                           "right": {"en": "West bank", "ar": "الساحل الأيمن"}})
"""The interface labels with a campaign's bank names, as the dashboard makes them."""
VIEW = ((36.345, 43.14), 11.5)


@pytest.fixture
def campaign(tmp_path):
    return load_campaign(write_campaign(tmp_path / "camp"))


@pytest.fixture
def layers(campaign):
    return maplayers.load_map_layers(campaign, tables.places_frame(campaign))


@pytest.fixture
def events(campaign, layers):
    places = tables.places_frame(campaign)
    return tables.with_places(tables.normalise_events(pd.DataFrame(sample_rows())), places, (), layers.cells)


def draw(events, layers, **options):
    return charts.map_figure(events, layers, *VIEW, LABELS, options.pop("lang", "en"), **options)


def event_traces(fig):
    """The halo trace (when any position is approximate) and the trace of every event point."""
    return [t for t in fig.data if t.type == "scattermap" and t.mode == "markers" and t.hoverinfo in ("skip", "text")
            and t.name in (LABELS.text("col_geo", "en"), LABELS.text("events", "en"))]


def map_texts(fig):
    """Every text drawn on the map: text traces and the features of symbol layers."""
    layers = [layer for layer in fig.layout.map.layers if layer.type == "symbol"]
    return [x for t in fig.data if t.mode == "text" for x in t.text] + \
        [f["properties"]["label"] for layer in layers for f in layer.source["features"]]


def event_ids(fig):
    return sorted(i for t in fig.data if t.type == "scattermap" and t.customdata for i in t.customdata)


def test_map_is_tile_free_with_outline_and_river_layers_and_keeps_its_view(events, layers):
    layout = draw(events, layers).layout
    assert layout.map.style == "white-bg" and layout.uirevision == charts.MAP_REVISION
    lines = [layer.color for layer in layout.map.layers if layer.type == "line"]
    assert "#64748b" in lines and "#3b82f6" in lines and lines.index("#3b82f6") > lines.index("#64748b")


def test_an_empty_selection_is_still_a_map_with_its_labels_and_scale(events, layers):
    fig = draw(events.iloc[0:0], layers)
    assert fig.data and all(t.type == "scattermap" for t in fig.data) and fig.layout.map.style == "white-bg"
    texts = map_texts(fig)
    assert "East bank" in texts and "2 km" in texts


def test_labels_follow_the_interface_language(events, layers):
    texts = map_texts(draw(events, layers, lang="ar"))
    assert "الساحل الأيسر" in texts and "حي الزهراء" in texts and "2 كم" in texts


def test_events_located_only_to_an_area_are_never_drawn_as_points(events, layers):
    rows = events.copy()
    rows.loc[rows["event_id"] == "e1", ["place_kind", "geo_precision"]] = ["city", 3.0]
    rows = tables.with_places(rows, pd.DataFrame(columns=["place_id", "source"]))
    assert "e1" not in event_ids(draw(rows, layers)) and "e2" in event_ids(draw(rows, layers))


def test_estimated_positions_get_a_halo_and_fainter_markers(events, layers):
    rows = events.copy()
    rows.loc[rows["event_type"] == "clash", "geo_precision"] = 2.0
    rows = tables.with_places(rows, pd.DataFrame(columns=["place_id", "source"]))
    halo, points = event_traces(draw(rows, layers))
    opacity = dict(zip(points.customdata, points.marker.opacity))
    clashes = set(rows.loc[rows["event_type"] == "clash", "event_id"]) & set(points.customdata)
    assert len(halo.lat) == len(clashes) == 2 and set(halo.marker.color) == {charts.HALO_COLOURS["estimate"]}
    assert {opacity[i] for i in clashes} == {0.5} and {opacity[i] for i in set(opacity) - clashes} == {0.9}


def test_hover_gives_the_precision_and_the_coordinates_source(events):
    row = events.iloc[0].to_dict() | {"_coord_source": "https://airwars.org/x"}
    hover = charts.event_hover(row, LABELS, "en")
    assert "Location: sourced point" in hover and "Coordinate source: https://airwars.org/x" in hover


def test_hover_text_escapes_article_text():
    row = tables.normalise_events(pd.DataFrame([event_row("x", quote="<img src=x onerror=alert(1)>",
                                                         place_ar="<b>حي</b>")])).iloc[0].to_dict()
    hover = charts.event_hover(row, LABELS, "ar")
    assert "<img" not in hover and "&lt;img" in hover and "&lt;b&gt;حي" in hover


def test_hover_of_a_week_dated_event_gives_its_window(events):
    assert "2017-06-19 – 2017-06-25" in charts.event_hover(events.iloc[3].to_dict(), LABELS, "en")


def test_points_are_coloured_by_type_from_the_labels_file(events, layers):
    points = event_traces(draw(events, layers))[-1]
    colour = dict(zip(points.customdata, points.marker.color))
    airstrikes = set(events.loc[events["event_type"] == "airstrike", "event_id"]) & set(colour)
    assert airstrikes and {colour[i] for i in airstrikes} == {LABELS.colours["airstrike"]}


def test_all_events_are_one_map_trace_and_the_legend_beside_the_map_names_their_types(events, layers):
    fig = draw(events, layers)
    assert len([t for t in fig.data if t.customdata]) == 1 and not any(t.showlegend for t in fig.data)
    legend = charts.map_legend_html(charts.located_events(events), layers, LABELS, "en")
    assert "Airstrike" in legend and LABELS.colours["airstrike"] in legend
    assert ("Bridges" in legend) == (not layers.bridges.empty)


def test_the_map_legend_escapes_type_names(events, layers):
    rows = charts.located_events(events).assign(event_type="<b>x</b>")
    assert "&lt;b&gt;x" in charts.map_legend_html(rows, layers, LABELS, "en")


def test_marker_size_grows_with_casualties_and_is_capped():
    rows = tables.normalise_events(pd.DataFrame([event_row("a"), event_row("b", killed_low=9),
                                                event_row("c", killed_low=100000)]))
    sizes = charts.marker_sizes(rows)
    assert sizes[0] < sizes[1] < sizes[2] == 30


def test_area_mode_colours_each_approximate_area_by_its_events(events, layers):
    fig = draw(events, layers, mode="areas")
    areas = fig.data[0]
    assert areas.type == "choroplethmap" and list(areas.locations) == list(layers.cells["place_id"])
    values = dict(zip(areas.locations, areas.z))
    assert values["tayaran"] == 1 and values["zahra"] == 1 and "approximate area" in areas.hovertext[0]


def test_control_mode_colours_areas_by_their_status_on_the_day(events, layers):
    control = pd.DataFrame({"area_id": ["zahra"], "first_retaken": [pd.Timestamp("2016-11-03")],
                            "evidence_quote": ["q"], "evidence_outlet": ["Outlet A"], "evidence_article": ["a1"],
                            "evidence_event": ["e1"], "reports": [1], "conflict": [False], "report_dates": [""],
                            "first_advance": [pd.Timestamp("2016-11-03")], "fighting_after": [0]})
    status = retaking.control_at(control, date(2016, 12, 1))
    fig = draw(events, layers, mode="control", control=control, status=status)
    z = dict(zip(fig.data[0].locations, fig.data[0].z))
    assert z["zahra"] == 2 and z["tayaran"] == 0


def timeline(events, freq="D", tmp_path=None, milestones=None):
    milestones = milestones if milestones is not None else tables.milestones_frame(load_campaign(write_campaign(tmp_path / "c")))
    return charts.timeline_figure(aggregates.events_by_bank_over_time(events, freq), aggregates.window_spans(events),
                                  milestones, LABELS, "en", freq, (date(2016, 10, 17), date(2017, 7, 31)))


def test_timeline_bars_have_the_real_width_of_a_day_or_a_week_and_are_split_by_bank(events, tmp_path):
    daily, weekly = timeline(events, "D", tmp_path), timeline(events, "W", tmp_path)
    bars = [t for t in daily.data if t.type == "bar"]
    assert {t.name for t in bars} == {"East bank", "West bank"}
    assert bars[0].width == pytest.approx(86_400 * 920)
    assert [t for t in weekly.data if t.type == "bar"][0].width == pytest.approx(7 * 86_400 * 920)


def test_week_dated_events_are_drawn_as_spans_not_bars(events, tmp_path):
    spans = [t for t in timeline(events, "D", tmp_path).data if t.type == "scatter"]
    assert len(spans) == 1 and list(spans[0].x) == [pd.Timestamp("2017-06-19"), pd.Timestamp("2017-06-26")]


@pytest.mark.parametrize("keep", ["none", "one_day", "undated_only"])
def test_timeline_keeps_a_date_axis_for_empty_single_day_and_undated_only_selections(events, tmp_path, keep):
    rows = {"none": events.iloc[0:0], "one_day": events[events["event_id"] == "e1"],
            "undated_only": filtering.dated_events(events[events["_undated"]])}[keep]
    fig = timeline(rows, "D", tmp_path)
    axis = fig.layout.xaxis
    start, end = (pd.Timestamp(x) for x in axis.range)
    assert axis.type == "date" and start < end and "NaN" not in json.dumps(fig.to_plotly_json(), default=str)
    assert all(pd.Timestamp(v).second == 0 for v in axis.tickvals)


def test_date_ticks_use_the_interface_languages_month_names():
    _, texts = charts.date_ticks(pd.Timestamp("2016-10-01"), pd.Timestamp("2017-07-31"), LABELS, "ar")
    assert texts[0] == "تشرين الأول 2016" and "تموز 2017" in texts


def test_timeline_marks_the_milestones_in_view(events, tmp_path):
    fig = timeline(events, "D", tmp_path)
    assert len([s for s in fig.layout.shapes if s.type == "line"]) == 2


def test_ranges_are_drawn_from_low_to_high_with_open_ended_highs_as_triangles(events):
    killed, wounded = charts.range_figure(aggregates.casualties_over_time(events), "period", LABELS, "en").data
    assert list(killed.y) == [12, 3, 7] and list(killed.error_y.array) == [0, 2, 13]
    assert wounded.marker.symbol[1] == "triangle-up" and wounded.text[1] == "≥ 10"


def test_horizontal_ranges_put_categories_on_the_y_axis(events):
    fig = charts.range_figure(aggregates.casualties_by_victims(events), "victims", LABELS, "en", horizontal=True)
    assert list(fig.data[0].y) == ["civilians", "security_forces"] and fig.data[0].error_x.array is not None


def test_the_map_legend_follows_the_interface_language(events, layers):
    legend = charts.map_legend_html(charts.located_events(events), layers, LABELS, "ar")
    assert LABELS.term("event_type", "airstrike", "ar") in legend and "Airstrike" not in legend
