"""The dashboard's query layer: loading, each filter, totals that count an event once, downloads."""

import io
import json
from datetime import date

import pandas as pd
import pytest

from factories import event_row, sample_rows, write_campaign, write_output
from pipeline.campaign import load_campaign
from pipeline.view import aggregates, exports, filtering, retaking, tables
from pipeline.view.aggregates import FigureRange
from pipeline.view.filtering import Filters


@pytest.fixture
def events(tmp_path):
    return tables.load_events(write_output(tmp_path / "out", sample_rows()))


def ids(frame):
    return sorted(frame["event_id"])


def test_csv_and_parquet_load_to_the_same_table(tmp_path):
    from_parquet = tables.load_events(write_output(tmp_path / "p", sample_rows()))
    from_csv = tables.load_events(write_output(tmp_path / "c", sample_rows(), parquet=False))
    pd.testing.assert_frame_equal(from_parquet, from_csv)


def test_missing_output_loads_as_empty_table_with_every_column(tmp_path):
    events = tables.load_events(tmp_path)
    assert len(events) == 0 and set(tables.EVENT_COLUMNS) <= set(events.columns)


def test_absent_columns_are_added_with_defaults():
    events = tables.normalise_events(pd.DataFrame({"event_id": ["x"], "killed_low": ["4"]}))
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
    assert ids(filtering.filter_events(events, filters)) == expected


def test_actor_filter_matches_whole_names_only(events):
    assert ids(filtering.filter_events(events, Filters(actors=("Iraqi",)))) == []


def test_date_range_keeps_events_whose_window_overlaps_it_and_undated_ones(events):
    kept = filtering.filter_events(events, Filters(date_from=date(2017, 6, 24), date_to=date(2017, 6, 30)))
    assert ids(kept) == ["e4", "e5", "e6"]


def test_event_without_event_date_is_placed_by_its_window_then_publication(events):
    kept = filtering.filter_events(events, Filters(date_from=date(2017, 3, 1), date_to=date(2017, 3, 31),
                                               include_undated=False))
    assert ids(kept) == ["e2", "e3", "e7"]


def test_header_counts_a_toll_reported_twice_once_with_the_primary_row(events):
    dated = aggregates.headline(events).dated
    assert dated.events == 3 and dated.killed == FigureRange(12 + 3 + 7, 12 + 5 + 20)


def test_event_at_several_places_counts_once_in_totals_but_each_place_counts(events):
    shelling = filtering.filter_events(events, Filters(event_types=("shelling",)))
    assert aggregates.totals(shelling).events == 1 and aggregates.totals(shelling).places == 2


def test_cluster_whose_primary_row_is_filtered_out_is_counted_through_another_row(events):
    only_gogjali = filtering.filter_events(events, Filters(places=("gogjali",)))
    assert aggregates.headline(only_gogjali).dated.killed == FigureRange(7, 20)


def test_open_ended_high_makes_the_total_open_ended(events):
    assert aggregates.headline(events).dated.wounded == FigureRange(10, None)


def test_undated_events_are_totalled_apart(events):
    headline = aggregates.headline(events)
    assert headline.undated.events == 1 and headline.undated.displaced == FigureRange(3000, 5000)
    assert headline.dated.displaced == FigureRange(0, 0)


def test_cumulative_statements_are_never_added_to_daily_totals(events):
    headline = aggregates.headline(events)
    assert headline.cumulative.killed == FigureRange(307, None)
    assert 307 not in (headline.dated.killed.low, headline.undated.killed.low)


def test_casualties_over_time_leave_out_cumulative_and_undated(events):
    series = aggregates.casualties_over_time(events, "D")
    assert series["killed_low"].sum() == 12 + 3 + 7 and 307 not in series["killed_low"].tolist()


def test_casualties_over_time_mark_open_ended_high_as_missing(events):
    row = aggregates.casualties_over_time(events).set_index("period").loc[pd.Timestamp("2017-03-01")]
    assert row["wounded_low"] == 10 and pd.isna(row["wounded_high"])


def test_weekly_series_puts_events_on_the_monday_of_their_week(events):
    weeks = aggregates.events_over_time(events, "W")
    assert set(weeks["period"].dt.day_of_week) == {0} and weeks["events"].sum() == 3


@pytest.mark.parametrize("figure, text", [
    (FigureRange(12, 12), "12"), (FigureRange(3, 5), "3–5"), (FigureRange(1200, None), "≥ 1,200"),
])
def test_figure_ranges_read_as_low_high_or_at_least(figure, text):
    assert figure.text() == text


def test_open_ended_range_can_read_as_low_plus():
    assert FigureRange(40, None).text("+") == "40+"


def test_casualties_by_victims_counts_clusters_once(events):
    table = aggregates.casualties_by_victims(events).set_index("victims")
    assert table.loc["security_forces", "killed_low"] == 3 and table.loc["security_forces", "events"] == 1


def test_top_places_rank_by_harm(events):
    assert aggregates.top_places(events, 2)["place_id"].tolist() == ["tayaran", "zahra"]


def test_place_options_group_east_bank_first_then_west_then_outside(events, tmp_path):
    places = tables.places_frame(load_campaign(write_campaign(tmp_path / "camp")))
    options = aggregates.place_options(events, places)
    assert options["bank"].tolist() == ["left", "left", "right", "right", ""]
    assert options.set_index("place_id").loc["old_city", "events"] == 2


def test_place_options_take_missing_names_from_the_gazetteer(tmp_path):
    events = tables.normalise_events(pd.DataFrame([event_row("x", place="zahra", place_en="", place_ar="")]))
    places = tables.places_frame(load_campaign(write_campaign(tmp_path / "camp")))
    assert aggregates.place_options(events, places).loc[0, "place_en"] == "al-Zahra"


@pytest.mark.parametrize("filters", [
    Filters(),
    Filters(date_from=date(2016, 10, 17), date_to=date(2017, 1, 24), places=("zahra", "tayaran"),
            event_types=("clash",), actors=("ISIS",), victims=("civilians",), outlets=("Outlet B",),
            include_undated=False, include_cumulative=False, min_confidence=0.55),
    Filters(precisions=("point", "offset")),
])
def test_filters_survive_a_round_trip_through_url_parameters(filters):
    assert filtering.filters_from_params(filtering.filters_to_params(filters)) == filters


def test_default_filters_give_an_empty_url():
    assert filtering.filters_to_params(Filters()) == {}


def test_unreadable_url_parameters_fall_back_to_defaults():
    assert filtering.filters_from_params({"from": ["soon"], "conf": ["high"], "undated": ["0"]}) == \
        Filters(include_undated=False)


def test_time_window_keeps_the_days_ending_on_its_end(events):
    window = filtering.window_filters(Filters(), date(2017, 3, 3), 3)
    assert ids(filtering.filter_events(events, window)) == ["e2", "e3", "e7"]


def test_map_selection_narrows_to_the_selected_events(events):
    assert ids(events[filtering.selection_mask(events, ["e2"])]) == ["e2"]
    assert filtering.selection_mask(events, []).all() and len(filtering.selection_mask(events, [])) == 7


def test_selecting_a_place_point_on_the_map_selects_the_events_there(events):
    points = [{"customdata": "e1"}, {"customdata": ["place:tayaran"]}, {"lat": 36.3}]
    assert filtering.selected_event_ids(points, events) == ["e1", "e2", "e3"]


def test_phases_come_from_calendar_milestones_and_the_campaign_window(tmp_path):
    phases = tables.campaign_phases(load_campaign(write_campaign(tmp_path / "camp")))
    assert phases == [tables.Phase("whole", date(2016, 10, 17), date(2017, 7, 31)),
                      tables.Phase("east_bank", date(2016, 10, 17), date(2017, 1, 24)),
                      tables.Phase("west_bank", date(2017, 2, 19), date(2017, 7, 10))]
    assert phases[1].name("ar") == "الساحل الأيسر"


def test_empty_calendar_gives_no_milestones(tmp_path):
    assert tables.milestones_frame(load_campaign(write_campaign(tmp_path / "camp", calendar=False))).empty


def test_csv_download_has_the_pipeline_columns_and_dates_as_text(events):
    table = pd.read_csv(io.BytesIO(exports.csv_bytes(exports.export_table(events))), dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    assert list(table.columns) == list(tables.EVENT_COLUMNS) and table.loc[0, "event_date"] == "2016-11-03"


def test_parquet_download_reads_back_with_the_same_rows(events):
    table = pd.read_parquet(io.BytesIO(exports.to_parquet_bytes(events)))
    assert table["event_id"].tolist() == events["event_id"].tolist()


def test_geojson_download_holds_located_events_as_points(events):
    collection = json.loads(exports.to_geojson_bytes(events))
    first = collection["features"][0]
    assert len(collection["features"]) == 7 and first["geometry"]["coordinates"] == [43.178, 36.372]
    assert first["properties"]["place_ar"] == "حي الزهراء" and first["properties"]["killed_high"] == 12


def test_geojson_download_leaves_out_events_without_coordinates(tmp_path):
    events = tables.normalise_events(pd.DataFrame([event_row("x", lat="", lon="")]))
    assert json.loads(exports.to_geojson_bytes(events))["features"] == []


def test_article_texts_load_by_id_and_skip_broken_lines(tmp_path):
    out = write_output(tmp_path / "out", sample_rows())
    with open(out / "article_texts.jsonl", "a", encoding="utf-8") as fh:
        fh.write("{broken\n")
    assert "قصفت" in tables.load_article_texts(out)["a1"]["text"]


# ---------------------------------------------------------------- precision

@pytest.mark.parametrize("overrides, expected", [
    ({}, "point"),
    ({"geo_precision": "2"}, "estimate"),
    ({"geo_precision": "2", "relation": "south"}, "offset"),
    ({"place_kind": "city", "geo_precision": "3"}, "area"),
    ({"place_kind": "district", "geo_precision": "2"}, "area"),
    ({"lat": "", "lon": ""}, "none"),
])
def test_each_event_gets_a_geo_precision_class(overrides, expected):
    assert tables.normalise_events(pd.DataFrame([event_row("x", **overrides)]))["_precision"][0] == expected


def test_a_place_whose_point_is_a_shared_placeholder_counts_as_an_area():
    events = tables.normalise_events(pd.DataFrame([event_row("x", place="zahra", geo_precision="2")]))
    assert tables.with_places(events, pd.DataFrame(columns=["place_id", "source"]), {"zahra"})["_precision"][0] == "area"


def test_events_carry_the_source_of_their_coordinate(events, tmp_path):
    places = pd.DataFrame({"place_id": ["zahra"], "source": ["https://airwars.org/z"]})
    joined = tables.with_places(events, places)
    assert joined.loc[joined["event_id"] == "e1", "_coord_source"].item() == "https://airwars.org/z"


def test_precision_filter_keeps_only_those_classes(events):
    rows = events.copy()
    rows.loc[rows["event_id"] == "e1", "_precision"] = "area"
    assert ids(filtering.filter_events(rows, Filters(precisions=("area",)))) == ["e1"]


def test_area_level_events_are_counted_beside_the_map_once_each(events):
    rows = events.copy()
    rows["_precision"] = "area"
    counts = aggregates.area_level_counts(rows)
    assert aggregates.area_level_events(rows) == 3 and counts["events"].sum() == 4


def test_dated_and_undated_events_split_the_selection(events):
    assert ids(filtering.undated_events(events)) == ["e6"] and "e6" not in ids(filtering.dated_events(events))


# ---------------------------------------------------------------- time

def test_day_dated_events_are_counted_per_bank_and_windows_kept_apart(events):
    counts = aggregates.events_by_bank_over_time(events)
    assert counts.to_dict("list") == {"period": [pd.Timestamp("2016-11-03"), pd.Timestamp("2017-03-01")],
                                      "bank": ["left", "right"], "events": [1, 1]}
    spans = aggregates.window_spans(events)
    assert spans[["start", "end", "events"]].values.tolist() == [[pd.Timestamp("2017-06-19"),
                                                                  pd.Timestamp("2017-06-25"), 1]]


# ---------------------------------------------------------------- control

WORDS = ("تحرير", "حرر", "استعاد")


def advance(event_id, day, trigger="حررت", place="zahra", **extra):
    return event_row(event_id, place=place, event_type="advance", trigger_text=trigger, event_date=day,
                     date_start=day, date_end=day, article_id=extra.pop("article_id", event_id), **extra)


def control(rows):
    return retaking.control_table(tables.normalise_events(pd.DataFrame(rows)), WORDS)


@pytest.mark.parametrize("trigger, retaken", [("حررت", True), ("وتحرير", True), ("إستعادة", True),
                                              ("اقتحمت", False), ("تقدم", False)])
def test_only_words_of_retaking_make_an_advance_a_retaken_report(trigger, retaken):
    assert retaking.reports_retaken(pd.Series([trigger]), WORDS)[0] == retaken


def test_first_retaken_date_comes_with_the_quote_and_outlet_of_the_first_report():
    table = control([advance("a", "2017-01-05", outlet="Late", quote="ثانيا"),
                     advance("b", "2017-01-02", outlet="Early", quote="أولا"),
                     advance("c", "2016-12-20", trigger="اقتحمت")])
    row = table.iloc[0]
    assert row["area_id"] == "zahra" and row["first_retaken"] == pd.Timestamp("2017-01-02")
    assert (row["evidence_outlet"], row["evidence_quote"], row["reports"]) == ("Early", "أولا", 2)
    assert row["first_advance"] == pd.Timestamp("2016-12-20") and not row["conflict"]


def test_an_area_only_entered_is_listed_as_contested_without_a_retaken_date():
    table = control([advance("a", "2017-01-02", trigger="اقتحمت")])
    assert pd.isna(table["first_retaken"].item()) and table["reports"].item() == 0
    assert retaking.control_at(table, date(2017, 1, 5)).to_dict() == {"zahra": "contested"}


def test_retaken_reports_far_apart_are_a_conflict():
    table = control([advance("a", "2017-01-02"), advance("b", "2017-02-20")])
    assert table["conflict"].item() and "2017-01-02" in table["report_dates"].item()


def test_fighting_reported_well_after_retaking_is_a_conflict():
    rows = [advance("a", "2017-01-02"), event_row("f", place="zahra", event_type="clash", event_date="2017-02-01",
                                                  date_start="2017-02-01", date_end="2017-02-01")]
    assert control(rows)["fighting_after"].item() == 1 and control(rows)["conflict"].item()


def test_undated_or_area_level_advances_say_nothing_of_a_neighbourhood():
    rows = [advance("u", "", undated="true", published=""), advance("c", "2017-01-02", place_kind="city",
                                                                     geo_precision="3")]
    assert control(rows).empty


def test_status_on_a_day_is_retaken_contested_or_no_report():
    table = control([advance("a", "2017-01-10"), advance("b", "2017-01-01", trigger="اقتحمت", place="tayaran"),
                     advance("c", "2017-01-05", place="tayaran")])
    assert retaking.control_at(table, date(2017, 1, 3)).to_dict() == {"tayaran": "contested", "zahra": "none"}
    assert retaking.control_at(table, date(2017, 1, 10)).to_dict() == {"tayaran": "retaken", "zahra": "retaken"}


def test_milestone_check_counts_areas_retaken_by_the_banks_milestone_after_it_and_never(tmp_path):
    table = control([advance("a", "2017-01-10"), advance("b", "2017-02-01", place="gogjali")])
    areas = pd.DataFrame({"place_id": ["zahra", "gogjali", "other"], "bank": ["left", "left", "left"]})
    check = retaking.milestone_check(table, areas, tables.milestones_frame(load_campaign(write_campaign(tmp_path / "c"))),
                                  {"left": "east_bank_retaken"}, {"left": "offensive_start"})
    row = check.iloc[0]
    assert (row["areas"], row["retaken_by_milestone"], row["retaken_after"], row["never_reported"]) == (3, 1, 1, 1)
    assert row["after"] == "gogjali 2017-02-01" and row["retaken_before_start"] == 0


def test_milestone_check_flags_areas_reported_retaken_before_forces_entered_the_bank(tmp_path):
    table = control([advance("a", "2016-10-10")])
    check = retaking.milestone_check(table, pd.DataFrame({"place_id": ["zahra"], "bank": ["left"]}),
                                  tables.milestones_frame(load_campaign(write_campaign(tmp_path / "c"))),
                                  {"left": "east_bank_retaken"}, {"left": "offensive_start"})
    assert check.iloc[0]["retaken_before_start"] == 1 and check.iloc[0]["before"] == "zahra 2016-10-10"


# ---------------------------------------------------------------- exports

def test_event_export_has_one_row_per_real_world_event_with_all_places_and_sources(events):
    table = exports.events_export(events)
    assert len(table) == len(set(events["cluster_id"])) == 5
    shelling = table[table["cluster_id"] == "c4"].iloc[0]
    assert shelling["places"] == "Old City; Gogjali" and shelling["place_ids"] == "old_city; gogjali"
    clash = table[table["cluster_id"] == "c2"].iloc[0]
    assert clash["event_id"] == "e2" and clash["reports"] == 2 and "Outlet B" in clash["sources"]


def test_acled_export_uses_the_codebook_columns_and_the_lowest_toll_as_fatalities(events):
    table = exports.acled_export(events, {"country": "Iraq", "admin1": "Ninewa", "city_admin2": "Mosul"})
    for column in ("event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
                   "actor1", "actor2", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
                   "geo_precision", "source", "notes", "fatalities", "fatalities_low", "fatalities_high"):
        assert column in table.columns
    clash = table[table["event_id_cnty"] == "c2"].iloc[0]
    assert (clash["fatalities"], clash["fatalities_high"], clash["actor1"], clash["actor2"]) == (3, 5, "ISIS",
                                                                                                  "Iraqi army")
    assert clash["time_precision"] == 1 and clash["admin2"] == "Mosul"
    assert table[table["event_id_cnty"] == "c4"]["time_precision"].item() == 2 and "e6" not in set(table["event_id_cnty"])


def test_csv_exports_start_with_a_byte_order_mark_and_neutralise_formulas():
    data = exports.csv_bytes(pd.DataFrame({"quote": ["=HYPERLINK(\"x\")", "+1", "نص"], "n": [-1, 2, 3]}))
    assert data.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)
    assert list(table["quote"]) == ["'=HYPERLINK(\"x\")", "'+1", "نص"] and list(table["n"]) == ["-1", "2", "3"]


def test_export_file_names_record_the_filter():
    name = exports.export_name(Filters(date_from=date(2017, 2, 19), event_types=("airstrike", "shelling", "clash")),
                             "acled", "csv", prefix="mosul")
    assert name == "mosul_acled_2017-02-19_end_type-airstrike+shelling+1more.csv"
    assert exports.export_name(Filters(places=("حي",)), "events", "csv") == "events_events_place---.csv"


def test_figures_read_as_ranges_with_thousands_separators():
    assert (aggregates.figure_text(23, 40), aggregates.figure_text(1200, 1200), aggregates.figure_text(5, None),
            aggregates.figure_text(None, None)) == ("23–40", "1,200", "≥ 5", "")
