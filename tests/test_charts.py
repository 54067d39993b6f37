"""Plotly figures of the dashboard: tile-free map, escaped hover text, ranges drawn as ranges."""

from datetime import date

import pandas as pd
import pytest

from factories import event_row, sample_rows, write_campaign
from pipeline.campaign import load_campaign
from pipeline import charts, query
from pipeline.i18n import load_labels

LABELS = load_labels()


@pytest.fixture
def events():
    return query.normalise_events(pd.DataFrame(sample_rows()))


@pytest.fixture
def layers(tmp_path):
    return query.map_layers(load_campaign(write_campaign(tmp_path / "camp")))


def test_map_is_tile_free_and_draws_river_and_outline_as_layers(events, layers):
    layout = charts.map_figure(events, layers, (36.345, 43.14), 11.5, LABELS, "en").layout
    assert layout.map.style == "white-bg" and [layer.color for layer in layout.map.layers] == ["#64748b", "#2563eb"]


def test_map_keeps_the_analysts_view_across_redraws(events, layers):
    assert charts.map_figure(events, layers, (36.3, 43.1), 11, LABELS, "en").layout.uirevision == charts.MAP_REVISION


def test_street_tiles_switch_the_base_map(events):
    fig = charts.map_figure(events, {}, (36.3, 43.1), 11, LABELS, "en", street_tiles=True)
    assert fig.layout.map.style == "open-street-map" and fig.layout.map.layers == ()


def test_map_draws_one_trace_per_type_after_the_place_layer_and_leaves_out_cumulative(events):
    fig = charts.map_figure(events, {}, (36.3, 43.1), 11, LABELS, "en")
    assert [t.name for t in fig.data] == ["Events per place", "Airstrike", "Clash", "Shelling", "Displacement"]
    assert sorted(i for t in fig.data[1:] for i in t.customdata) == ["e1", "e2", "e3", "e4", "e5", "e6"]


def test_points_are_coloured_by_type_from_the_labels_file(events):
    fig = charts.map_figure(events, {}, (36.3, 43.1), 11, LABELS, "en")
    assert fig.data[1].marker.color == LABELS.colours["airstrike"]


def test_marker_size_grows_with_casualties_and_is_capped():
    rows = query.normalise_events(pd.DataFrame([event_row("a"), event_row("b", killed_low=9),
                                                event_row("c", killed_low=100000)]))
    sizes = charts.marker_sizes(rows)
    assert sizes[0] < sizes[1] < sizes[2] == 30


def test_hover_text_escapes_article_text():
    row = query.normalise_events(pd.DataFrame([event_row("x", quote="<img src=x onerror=alert(1)>",
                                                         place_ar="<b>حي</b>")])).iloc[0].to_dict()
    hover = charts.event_hover(row, LABELS, "en")
    assert "<img" not in hover and "&lt;img" in hover and "&lt;b&gt;حي" in hover


def test_hover_shows_both_names_date_type_figures_and_start_of_quote(events):
    hover = charts.event_hover(events.iloc[1].to_dict(), LABELS, "en")
    assert ("حي الطيران" in hover and "al-Tayaran" in hover and "2017-03-01" in hover and "Clash" in hover
            and "Killed: 3–5" in hover and "Wounded: ≥ 10" in hover)


def test_hover_of_a_week_dated_event_gives_its_window(events):
    assert "2017-06-19 – 2017-06-25" in charts.event_hover(events.iloc[3].to_dict(), LABELS, "en")


def test_place_layer_sizes_points_by_event_count(events):
    layer = charts.map_figure(events, [], (36.3, 43.1), 11, LABELS, "en").data[0]
    sizes = dict(zip(layer.customdata, layer.marker.size))
    assert sizes["place:tayaran"] == sizes["place:zahra"] and len(sizes) == 5


def test_timeline_stacks_types_and_marks_milestones(events, tmp_path):
    milestones = query.milestones_frame(load_campaign(write_campaign(tmp_path / "camp")))
    fig = charts.timeline_figure(query.events_over_time(events), milestones, LABELS, "ar")
    assert fig.layout.barmode == "stack" and len(fig.layout.shapes) == 4
    assert fig.layout.annotations[0].text == "انطلاق العمليات"


def test_timeline_shades_the_maps_time_window(events, tmp_path):
    no_milestones = query.milestones_frame(load_campaign(write_campaign(tmp_path / "camp", calendar=False)))
    fig = charts.timeline_figure(query.events_over_time(events), no_milestones, LABELS, "en",
                                 (date(2017, 3, 1), date(2017, 3, 7)))
    assert [s.type for s in fig.layout.shapes] == ["rect"]


def test_ranges_are_drawn_from_low_to_high_with_open_ended_highs_as_triangles(events):
    killed, wounded = charts.range_figure(query.casualties_over_time(events), "period", LABELS, "en").data
    assert list(killed.y) == [12, 3, 7] and list(killed.error_y.array) == [0, 2, 13]
    assert wounded.marker.symbol[1] == "triangle-up" and wounded.text[1] == "≥ 10"


def test_horizontal_ranges_put_categories_on_the_y_axis(events):
    fig = charts.range_figure(query.casualties_by_victims(events), "victims", LABELS, "en", horizontal=True)
    assert list(fig.data[0].y) == ["civilians", "security_forces"] and fig.data[0].error_x.array is not None
