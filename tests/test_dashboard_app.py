"""The dashboard script, run headless with AppTest: every filter moves the figures as the query module says."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from factories import event_row, sample_rows, write_campaign, write_output
from pipeline.view import aggregates, charts, filtering, tables
from pipeline.view.i18n import load_labels
from pipeline.view.filtering import Filters

ROOT = Path(__file__).resolve().parents[1]
PAYLOAD = 'هجوم <script>window.__pwned=1</script><img src=x onerror="window.__pwned=1"> على الحي'


@pytest.fixture
def folders(tmp_path, monkeypatch):
    out = write_output(tmp_path / "out", sample_rows())
    campaign = write_campaign(tmp_path / "campaign")
    monkeypatch.setenv("EVENT_MAP_EVENTS_DIR", str(out))
    monkeypatch.setenv("EVENT_MAP_CAMPAIGN_DIR", str(campaign))
    return out, campaign


def run_app(params=None) -> AppTest:
    app = AppTest.from_file("../dashboard.py", default_timeout=30)
    for name, value in (params or {}).items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, app.exception
    return app


def metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def expected_metrics(out: Path, filters: Filters) -> dict[str, str]:
    dated = aggregates.headline(filtering.filter_events(tables.load_events(out), filters)).dated
    return {"Events": f"{dated.events:,}", "Places": f"{dated.places:,}", "Articles": f"{dated.articles:,}",
            "Killed": dated.killed.text(), "Wounded": dated.wounded.text(), "Displaced": dated.displaced.text()}


def spec(app, key) -> dict:
    return json.loads(app.get_by_key(key).proto.spec)


def open_tab(app, section: str, lang: str = "en") -> AppTest:
    """Open one of the detail tabs below the timeline (only the open one is drawn)."""
    app.session_state["details"] = load_labels().text(f"tab_{section}", lang)
    app.run()
    assert not app.exception, app.exception
    return app


def _shown(app, key) -> bool:
    try:
        app.get_by_key(key)
    except KeyError:
        return False
    return True


def test_opens_on_the_whole_output_with_header_figures_from_the_query_module(folders):
    assert metrics(run_app()) == expected_metrics(folders[0], Filters())


@pytest.mark.parametrize("change, filters", [
    (lambda a: a.multiselect(key="places.en").set_value(["tayaran"]), Filters(places=("tayaran",))),
    (lambda a: a.multiselect(key="event_types.en").set_value(["shelling"]), Filters(event_types=("shelling",))),
    (lambda a: a.multiselect(key="actors").set_value(["Iraqi army"]), Filters(actors=("Iraqi army",))),
    (lambda a: a.multiselect(key="victims.en").set_value(["civilians"]), Filters(victims=("civilians",))),
    (lambda a: a.multiselect(key="outlets").set_value(["Outlet B"]), Filters(outlets=("Outlet B",))),
    (lambda a: a.slider(key="min_confidence").set_value(0.7), Filters(min_confidence=0.7)),
    (lambda a: a.date_input(key="dates").set_value((date(2017, 2, 19), date(2017, 7, 10))),
     Filters(date_from=date(2017, 2, 19), date_to=date(2017, 7, 10))),
    (lambda a: a.selectbox(key="phase.en").set_value("east_bank"),
     Filters(date_from=date(2016, 10, 17), date_to=date(2017, 1, 24))),
])
def test_each_filter_changes_the_header_as_the_query_module_says(folders, change, filters):
    app = run_app()
    change(app)
    app.run()
    assert metrics(app) == expected_metrics(folders[0], filters) != expected_metrics(folders[0], Filters())


@pytest.mark.parametrize("key, note", [("include_undated", "Undated"), ("include_cumulative", "Cumulative")])
def test_excluding_undated_or_cumulative_removes_their_separate_count(folders, key, note):
    app = run_app()
    assert any(c.value.startswith(note) for c in app.caption)
    app.checkbox(key=key).uncheck().run()
    assert not any(c.value.startswith(note) for c in app.caption)


def test_filter_state_is_written_to_the_url_and_a_new_session_restores_it(folders):
    app = run_app()
    app.multiselect(key="places.en").set_value(["tayaran", "zahra"])
    app.checkbox(key="include_undated").uncheck()
    app.slider(key="min_confidence").set_value(0.5).run()
    shared = dict(app.query_params)
    assert shared["place"] == ["tayaran", "zahra"] and shared["undated"] in ("0", ["0"])
    reopened = run_app(shared)
    assert reopened.multiselect(key="places.en").value == ["tayaran", "zahra"]
    assert not reopened.checkbox(key="include_undated").value and metrics(reopened) == metrics(app)


def test_filters_matching_nothing_show_a_message_not_an_error(folders):
    app = run_app({"type": "shelling", "place": "zahra"})
    assert "No events match" in app.info[0].value and not app.get("plotly_chart")


def test_output_without_events_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("EVENT_MAP_EVENTS_DIR", str(write_output(tmp_path / "out", [])))
    monkeypatch.setenv("EVENT_MAP_CAMPAIGN_DIR", str(write_campaign(tmp_path / "campaign")))
    app = run_app()
    assert "holds no events" in app.info[0].value


def frame_with(app, column: str):
    """The dataframe shown with this column (st.dataframe keys are only kept for selectable tables)."""
    return next((d.value for d in app.dataframe if column in d.value.columns), None)


def map_event_ids(app) -> list[str]:
    return sorted(i for t in spec(app, "map")["data"] if t["type"] == "scattermap"
                  for i in t.get("customdata", []) if not str(i).startswith("place:"))


def geometry_layers(layout) -> list[dict]:
    """The map layers drawn from the campaign's GeoJSON (not its labels or the scale bar)."""
    return [layer for layer in layout["map"].get("layers", []) if layer.get("name") not in (charts.MAP_TEXT,
                                                                                             charts.MAP_SCALE)]


def test_map_is_tile_free_with_areas_outline_and_river_layers_and_keeps_its_view(folders):
    layout = spec(run_app(), "map")["layout"]
    assert layout["map"]["style"] == "white-bg" and len(geometry_layers(layout)) == 3
    assert layout["uirevision"] == "campaign-map"


def test_a_time_window_with_no_located_event_still_draws_a_map(folders):
    app = run_app()
    app.toggle(key="window_on").set_value(True).run()
    app.select_slider(key="win_end").set_value(date(2016, 12, 15)).run()
    figure = spec(app, "map")
    assert map_event_ids(app) == [] and figure["layout"]["map"]["style"] == "white-bg"
    assert figure["data"] and all(t["type"] == "scattermap" for t in figure["data"])


def test_undated_events_are_never_on_the_map_or_timeline_but_listed_apart(folders):
    app = run_app()
    assert "e6" not in map_event_ids(app)
    assert "e6" not in json.dumps(spec(app, "timeline"))
    open_tab(app, "undated")
    undated = [d.value for d in app.dataframe if "Hammam al-Alil" in set(d.value.get("Place", []))]
    assert len(undated) == 1 and list(undated[0]["Date"]) == ["undated"]
    app.checkbox(key="include_undated").uncheck().run()
    assert not [d for d in app.dataframe if "Hammam al-Alil" in set(d.value.get("Place", []))]


def test_the_table_caption_counts_the_same_events_and_places_as_the_header(folders):
    app = run_app()
    caption = next(c.value for c in app.caption if " rows: " in c.value)
    header = metrics(app)
    assert f"{header['Events']} events at {header['Places']} places" in caption


def test_table_shows_blanks_ranges_and_the_analysts_columns(folders):
    table = run_app().get_by_key("table").value
    assert {"Actors", "Bank", "Location", "Article", "Event (cluster)"} <= set(table.columns)
    assert "3–5" in set(table["Killed"]) and "" in set(table["Wounded"]) and "None" not in table.to_string()
    assert list(table["Date"]) == sorted(table["Date"])


def test_the_precision_filter_keeps_only_that_precision(folders):
    app = run_app()
    app.multiselect(key="precisions.en").set_value(["estimate"]).run()
    assert metrics(app)["Events"] == "0" and app.query_params["precision"] in ("estimate", ["estimate"])


def test_reader_picker_reads_date_place_type_and_outlet(folders):
    app = run_app()
    picker = app.selectbox(key="reader_event.en")
    assert picker.format_func("e2") == "2017-03-01 · al-Tayaran · Clash · Outlet B"


def test_control_table_gives_the_first_reported_retaken_date_with_its_evidence(tmp_path, monkeypatch):
    rows = [event_row("r1", place="zahra", event_type="advance", trigger_text="حررت", event_date="2016-12-20",
                      date_start="2016-12-20", date_end="2016-12-20", outlet="Outlet A", quote="حررت القوات الحي"),
            event_row("r2", place="zahra", event_type="advance", trigger_text="استعادة", event_date="2017-01-10",
                      date_start="2017-01-10", date_end="2017-01-10", outlet="Outlet B", article_id="a2")]
    monkeypatch.setenv("EVENT_MAP_EVENTS_DIR", str(write_output(tmp_path / "out", rows)))
    monkeypatch.setenv("EVENT_MAP_CAMPAIGN_DIR", str(write_campaign(tmp_path / "campaign")))
    table = frame_with(open_tab(run_app(), "control"), "First reported retaken")
    zahra = table[table["Area"] == "al-Zahra"].iloc[0]
    assert zahra["First reported retaken"] == "2016-12-20" and zahra["Outlet"] == "Outlet A"
    assert zahra["Conflict"] == "yes" and zahra["Articles"] == 2


def test_control_map_colours_areas_on_the_chosen_day(folders):
    app = run_app()
    app.radio(key="map_mode").set_value("control").run()
    assert spec(app, "map")["data"][0]["type"] == "choroplethmap"


def test_a_missing_events_folder_is_a_clear_error_without_the_server_path(tmp_path, monkeypatch):
    monkeypatch.setenv("EVENT_MAP_EVENTS_DIR", str(tmp_path / "no_such_run"))
    app = AppTest.from_file("../dashboard.py", default_timeout=30)
    app.run()
    assert "no_such_run" in app.error[0].value and str(tmp_path) not in app.error[0].value


def test_no_absolute_server_path_is_shown(folders):
    app = run_app()
    shown = " ".join([c.value for c in app.caption] + [h.proto.body for h in app.get("html")])
    assert str(folders[0]) not in shown and str(ROOT) not in shown


def test_arabic_interface_leaves_no_english_label(folders):
    app = run_app()
    app.radio(key="lang").set_value("ar").run()
    labels = ([w.label for w in app.sidebar.get("multiselect")] + [m.label for m in app.metric]
              + [h.value for h in app.subheader] + [tab.label for tab in app.tabs]
              + list(app.get_by_key("table").value.columns))
    english = [text for text in labels if any("a" <= ch.lower() <= "z" for ch in text.replace("ACLED", ""))]
    assert english == []


def test_only_the_open_detail_tab_is_drawn(folders):
    app = run_app()
    assert _shown(app, "table") and not _shown(app, "casualties_time")
    open_tab(app, "casualties")
    assert _shown(app, "casualties_time") and not _shown(app, "table") and _shown(app, "map")


def test_a_change_of_language_keeps_the_filters_and_draws_their_choices_anew(folders):
    app = run_app()
    app.multiselect(key="event_types.en").set_value(["shelling"]).run()
    before = metrics(app)
    app.radio(key="lang").set_value("ar").run()
    chosen, labels = app.multiselect(key="event_types.ar"), load_labels()
    assert chosen.value == ["shelling"] and chosen.format_func("shelling") == labels.term("event_type", "shelling", "ar")
    assert app.selectbox(key="phase.ar").format_func("custom") == labels.text("phase_custom", "ar")
    assert [v.strip("\u2066\u2069") for v in metrics(app).values()] == list(before.values())  # the same figures


def test_the_open_tab_survives_a_change_of_language(folders):
    app = open_tab(run_app(), "casualties")
    app.radio(key="lang").set_value("ar").run()
    assert app.session_state["details"] == load_labels().text("tab_casualties", "ar")
    assert _shown(app, "casualties_time")


def test_the_open_tab_is_written_to_the_url_and_a_shared_link_reopens_it(folders):
    app = open_tab(run_app(), "control")
    assert app.query_params["tab"] in ("control", ["control"])
    reopened = run_app({"tab": "control"})
    assert reopened.session_state["details"] == load_labels().text("tab_control", "en")
    assert any(c.value.startswith("Control of the city: first reported") for c in reopened.caption)


def test_street_tiles_are_an_opt_in(folders):
    app = run_app()
    app.toggle(key="street_tiles").set_value(True).run()
    assert spec(app, "map")["layout"]["map"]["style"] == "open-street-map"


def test_missing_map_layers_leave_a_plain_map(tmp_path, monkeypatch):
    monkeypatch.setenv("EVENT_MAP_EVENTS_DIR", str(write_output(tmp_path / "out", sample_rows())))
    monkeypatch.setenv("EVENT_MAP_CAMPAIGN_DIR", str(write_campaign(tmp_path / "campaign", calendar=False,
                                                                layers=False)))
    app = run_app()
    assert not geometry_layers(spec(app, "map")["layout"])
    assert "shapes" not in spec(app, "timeline")["layout"]


def test_timeline_marks_the_calendar_milestones_in_view(folders):
    assert len(spec(run_app(), "timeline")["layout"]["shapes"]) == 2


def test_article_text_is_escaped_in_hover_and_reader(tmp_path, monkeypatch):
    rows = [event_row("x1", place="zahra", quote=PAYLOAD, quote_start=0, quote_end=len(PAYLOAD),
                      place_span="[0, 4]", date_span="", trigger_span="", figure_spans="[]")]
    monkeypatch.setenv("EVENT_MAP_EVENTS_DIR", str(write_output(tmp_path / "out", rows, texts={"a1": PAYLOAD})))
    monkeypatch.setenv("EVENT_MAP_CAMPAIGN_DIR", str(write_campaign(tmp_path / "campaign")))
    app = run_app()
    hover = json.dumps(spec(app, "map")["data"])
    shown = " ".join(h.proto.body for h in app.get("html"))
    for rendered in (hover, shown):
        assert "<script>" not in rendered and "<img" not in rendered and "&lt;script&gt;" in rendered


def test_reader_highlights_the_spans_of_the_chosen_event(folders):
    app = run_app()
    app.selectbox(key="reader_event.en").set_value("e1").run()
    shown = " ".join(h.proto.body for h in app.get("html"))
    assert 'class="hl-place"' in shown and 'dir="rtl"' in shown


def test_arabic_interface_switches_every_label(folders):
    app = run_app()
    app.radio(key="lang").set_value("ar").run()
    assert app.title[0].value.startswith("معركة الموصل") and "القتلى" in metrics(app)
    assert app.query_params["lang"] in ("ar", ["ar"])


def test_time_window_narrows_the_map_only(folders):
    app = run_app()
    app.toggle(key="window_on").set_value(True).run()
    app.select_slider(key="win_end").set_value(date(2017, 3, 2)).run()
    assert map_event_ids(app) == ["e2", "e3"] and metrics(app) == expected_metrics(folders[0], Filters())


def test_bundled_output_opens_with_its_own_totals(monkeypatch, tmp_path):
    from pipeline.cli import main

    main(["run", "--out", str(tmp_path), "--quiet", "--no-progress"])
    monkeypatch.setenv("EVENT_MAP_EVENTS_DIR", str(tmp_path))
    monkeypatch.delenv("EVENT_MAP_CAMPAIGN_DIR", raising=False)
    app = run_app()
    assert metrics(app) == expected_metrics(tmp_path, Filters())
    assert len(geometry_layers(spec(app, "map")["layout"])) == 5


def test_dashboard_never_imports_torch_or_camel_tools(folders):
    probe = ("import sys; sys.path[:0] = ['tests', '.']\n"
             "from streamlit.testing.v1 import AppTest\n"
             "AppTest.from_file('dashboard.py', default_timeout=30).run()\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'camel_tools')))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr


def test_the_title_names_the_campaign_of_its_folder(tmp_path, monkeypatch):
    campaign = write_campaign(tmp_path / "campaign")
    text = (campaign / "campaign.yaml").read_text(encoding="utf-8")
    (campaign / "campaign.yaml").write_text(text.replace("Battle of Mosul", "Battle of Raqqa"), encoding="utf-8")
    monkeypatch.setenv("EVENT_MAP_EVENTS_DIR", str(write_output(tmp_path / "out", sample_rows())))
    monkeypatch.setenv("EVENT_MAP_CAMPAIGN_DIR", str(campaign))
    assert run_app().title[0].value == "Battle of Raqqa: events from Arabic reporting"
