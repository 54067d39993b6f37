"""The dashboard's query layer: loading, each filter, totals that count an event once, downloads."""

import io
import json
from datetime import date

import pandas as pd
import pytest

from factories import event_row, sample_rows, write_campaign, write_output
from pipeline.campaign import load_campaign
from pipeline import query
from pipeline.query import Filters, FigureRange


@pytest.fixture
def events(tmp_path):
    return query.load_events(write_output(tmp_path / "out", sample_rows()))


def ids(frame):
    return sorted(frame["event_id"])


def test_csv_and_parquet_load_to_the_same_table(tmp_path):
    from_parquet = query.load_events(write_output(tmp_path / "p", sample_rows()))
    from_csv = query.load_events(write_output(tmp_path / "c", sample_rows(), parquet=False))
    pd.testing.assert_frame_equal(from_parquet, from_csv)


def test_missing_output_loads_as_empty_table_with_every_column(tmp_path):
    events = query.load_events(tmp_path)
    assert len(events) == 0 and set(query.EVENT_COLUMNS) <= set(events.columns)


def test_absent_columns_are_added_with_defaults():
    events = query.normalise_events(pd.DataFrame({"event_id": ["x"], "killed_low": ["4"]}))
    assert events.loc[0, "killed_low"] == 4 and not events.loc[0, "cumulative"] and events.loc[0, "cluster_id"] == "x"


@pytest.mark.parametrize("filters, expected", [
    (Filters(places=("tayaran",)), ["e2", "e3"]),
    (Filters(event_types=("shelling",)), ["e4", "e5"]),
    (Filters(actors=("Iraqi army",)), ["e2", "e3"]),
    (Filters(victims=("security_forces",)), ["e2", "e3"]),
    (Filters(outlets=("Outlet C",)), ["e3", "e6"]),
    (Filters(min_confidence=0.7), ["e1", "e3", "e4", "e5", "e6"]),
    (Filters(include_undated=False), ["e1", "e2", "e3", "e4", "e5", "e7"]),
    (Filters(include_cumulative=False), ["e1", "e2", "e3", "e4", "e5", "e6"]),
])
def test_each_filter_keeps_only_matching_rows(events, filters, expected):
    assert ids(query.filter_events(events, filters)) == expected


def test_actor_filter_matches_whole_names_only(events):
    assert ids(query.filter_events(events, Filters(actors=("Iraqi",)))) == []


def test_date_range_keeps_events_whose_window_overlaps_it_and_undated_ones(events):
    kept = query.filter_events(events, Filters(date_from=date(2017, 6, 24), date_to=date(2017, 6, 30)))
    assert ids(kept) == ["e4", "e5", "e6"]


def test_event_without_event_date_is_placed_by_its_window_then_publication(events):
    kept = query.filter_events(events, Filters(date_from=date(2017, 3, 1), date_to=date(2017, 3, 31),
                                               include_undated=False))
    assert ids(kept) == ["e2", "e3", "e7"]


def test_header_counts_a_toll_reported_twice_once_with_the_primary_row(events):
    dated = query.headline(events).dated
    assert dated.events == 3 and dated.killed == FigureRange(12 + 3 + 7, 12 + 5 + 20)


def test_event_at_several_places_counts_once_in_totals_but_each_place_counts(events):
    shelling = query.filter_events(events, Filters(event_types=("shelling",)))
    assert query.totals(shelling).events == 1 and query.totals(shelling).places == 2


def test_cluster_whose_primary_row_is_filtered_out_is_counted_through_another_row(events):
    only_gogjali = query.filter_events(events, Filters(places=("gogjali",)))
    assert query.headline(only_gogjali).dated.killed == FigureRange(7, 20)


def test_open_ended_high_makes_the_total_open_ended(events):
    assert query.headline(events).dated.wounded == FigureRange(10, None)


def test_undated_events_are_totalled_apart(events):
    headline = query.headline(events)
    assert headline.undated.events == 1 and headline.undated.displaced == FigureRange(3000, 5000)
    assert headline.dated.displaced == FigureRange(0, 0)


def test_cumulative_statements_are_never_added_to_daily_totals(events):
    headline = query.headline(events)
    assert headline.cumulative.killed == FigureRange(307, None)
    assert 307 not in (headline.dated.killed.low, headline.undated.killed.low)


def test_casualties_over_time_leave_out_cumulative_and_undated(events):
    series = query.casualties_over_time(events, "D")
    assert series["killed_low"].sum() == 12 + 3 + 7 and 307 not in series["killed_low"].tolist()


def test_casualties_over_time_mark_open_ended_high_as_missing(events):
    row = query.casualties_over_time(events).set_index("period").loc[pd.Timestamp("2017-03-01")]
    assert row["wounded_low"] == 10 and pd.isna(row["wounded_high"])


def test_weekly_series_puts_events_on_the_monday_of_their_week(events):
    weeks = query.events_over_time(events, "W")
    assert set(weeks["period"].dt.day_of_week) == {0} and weeks["events"].sum() == 3


@pytest.mark.parametrize("figure, text", [
    (FigureRange(12, 12), "12"), (FigureRange(3, 5), "3–5"), (FigureRange(1200, None), "≥ 1,200"),
])
def test_figure_ranges_read_as_low_high_or_at_least(figure, text):
    assert figure.text() == text


def test_open_ended_range_can_read_as_low_plus():
    assert FigureRange(40, None).text("+") == "40+"


def test_casualties_by_victims_counts_clusters_once(events):
    table = query.casualties_by_victims(events).set_index("victims")
    assert table.loc["security_forces", "killed_low"] == 3 and table.loc["security_forces", "events"] == 1


def test_top_places_rank_by_harm(events):
    assert query.top_places(events, 2)["place_id"].tolist() == ["tayaran", "zahra"]


def test_place_options_group_east_bank_first_then_west_then_outside(events, tmp_path):
    places = query.places_frame(load_campaign(write_campaign(tmp_path / "camp")))
    options = query.place_options(events, places)
    assert options["bank"].tolist() == ["left", "left", "right", "right", ""]
    assert options.set_index("place_id").loc["old_city", "events"] == 2


def test_place_options_take_missing_names_from_the_gazetteer(tmp_path):
    events = query.normalise_events(pd.DataFrame([event_row("x", place="zahra", place_en="", place_ar="")]))
    places = query.places_frame(load_campaign(write_campaign(tmp_path / "camp")))
    assert query.place_options(events, places).loc[0, "place_en"] == "al-Zahra"


@pytest.mark.parametrize("filters", [
    Filters(),
    Filters(date_from=date(2016, 10, 17), date_to=date(2017, 1, 24), places=("zahra", "tayaran"),
            event_types=("clash",), actors=("ISIS",), victims=("civilians",), outlets=("Outlet B",),
            include_undated=False, include_cumulative=False, min_confidence=0.55),
])
def test_filters_survive_a_round_trip_through_url_parameters(filters):
    assert query.filters_from_params(query.filters_to_params(filters)) == filters


def test_default_filters_give_an_empty_url():
    assert query.filters_to_params(Filters()) == {}


def test_unreadable_url_parameters_fall_back_to_defaults():
    assert query.filters_from_params({"from": ["soon"], "conf": ["high"], "undated": ["0"]}) == \
        Filters(include_undated=False)


def test_time_window_keeps_the_days_ending_on_its_end(events):
    window = query.window_filters(Filters(), date(2017, 3, 3), 3)
    assert ids(query.filter_events(events, window)) == ["e2", "e3", "e7"]


def test_map_selection_narrows_to_the_selected_events(events):
    assert ids(query.select_events(events, ["e2"])) == ["e2"] and len(query.select_events(events, [])) == 7


def test_selecting_a_place_point_on_the_map_selects_the_events_there(events):
    points = [{"customdata": "e1"}, {"customdata": ["place:tayaran"]}, {"lat": 36.3}]
    assert query.selected_event_ids(points, events) == ["e1", "e2", "e3"]


def test_phases_come_from_calendar_milestones_and_the_campaign_window(tmp_path):
    phases = query.campaign_phases(load_campaign(write_campaign(tmp_path / "camp")))
    assert phases == [query.Phase("whole", date(2016, 10, 17), date(2017, 7, 31)),
                      query.Phase("east_bank", date(2016, 10, 17), date(2017, 1, 24)),
                      query.Phase("west_bank", date(2017, 2, 19), date(2017, 7, 10))]
    assert phases[1].name("ar") == "الساحل الأيسر"


def test_empty_calendar_gives_no_milestones(tmp_path):
    assert query.milestones_frame(load_campaign(write_campaign(tmp_path / "camp", calendar=False))).empty


def test_csv_download_has_the_pipeline_columns_and_dates_as_text(events):
    table = pd.read_csv(io.BytesIO(query.to_csv_bytes(events)), dtype=str, keep_default_na=False)
    assert list(table.columns) == list(query.EVENT_COLUMNS) and table.loc[0, "event_date"] == "2016-11-03"


def test_parquet_download_reads_back_with_the_same_rows(events):
    table = pd.read_parquet(io.BytesIO(query.to_parquet_bytes(events)))
    assert table["event_id"].tolist() == events["event_id"].tolist()


def test_geojson_download_holds_located_events_as_points(events):
    collection = json.loads(query.to_geojson_bytes(events))
    first = collection["features"][0]
    assert len(collection["features"]) == 7 and first["geometry"]["coordinates"] == [43.178, 36.372]
    assert first["properties"]["place_ar"] == "حي الزهراء" and first["properties"]["killed_high"] == 12


def test_geojson_download_leaves_out_events_without_coordinates(tmp_path):
    events = query.normalise_events(pd.DataFrame([event_row("x", lat="", lon="")]))
    assert json.loads(query.to_geojson_bytes(events))["features"] == []


def test_article_texts_load_by_id_and_skip_broken_lines(tmp_path):
    out = write_output(tmp_path / "out", sample_rows())
    with open(out / "article_texts.jsonl", "a", encoding="utf-8") as fh:
        fh.write("{broken\n")
    assert "قصفت" in query.load_article_texts(out)["a1"]["text"]
