"""Streamlit dashboard of a campaign's events: a thin view over pipeline.view (tables, filtering, aggregates,
retaking, exports), pipeline.view.charts and pipeline.view.reader.

    streamlit run dashboard.py                      # the default campaign's bundled corpus, rebuilt first
                                                    # when missing or stale
    streamlit run dashboard.py -- --campaign NAME   # another campaign folder: its corpus, title, map, banks, phases
    streamlit run dashboard.py -- --events DIR      # any run's output folder, shown as it is

The NLP pipeline runs in a subprocess, so this process never imports torch or camel-tools.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date, timedelta
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from pipeline.view import aggregates, charts, exports, filtering, page_data, reader, retaking, tables
from pipeline.config import PROJECT_ROOT, Settings
from pipeline.errors import ConfigError, DataFileError
from pipeline.corpus.fingerprint import output_is_current
from pipeline.view.i18n import load_labels

TABLE_ROWS = 2000
MAP_POINTS = 2000
WINDOW_DAYS = (1, 3, 7, 14, 30, 60)
PLAY_SPEEDS = {"slow": 1.6, "normal": 0.8, "fast": 0.3}  # seconds between playback steps
MAP_MODES = ("points", "areas", "control")
DETAIL_TABS = ("events", "casualties", "control", "undated")
BASE_CSS = """<style>
[data-testid="stMetricValue"] { font-size: 1.7rem; }
[data-testid="stSkeleton"] { animation: none !important; }
[data-testid="stElementContainer"]:has(> [data-testid="stMarkdown"] style) { display: none; }
</style>"""
"""The placeholders shown while an element's code loads stay still: their endless pulse made the browser redraw
the page about 60 times a second during the first render (a second of CPU on a 2-core machine). The element
that holds the style takes no room."""
RTL_CSS = """<style>
.stApp, [data-testid="stSidebar"] { direction: rtl; }
[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"], [data-testid="stMetric"],
[data-testid="stWidgetLabel"], h1, h2, h3 { direction: rtl; text-align: right; }
.js-plotly-plot, [data-testid="stDataFrame"] { direction: ltr; }
</style>"""


def localised(widget, name: str, lang: str, *args, on_change=None, **kwargs):
    """A widget whose choices are shown in the interface language, keyed by the language too.

    The browser keeps the text a widget shows while its key stays the same (a phase picker still read "Custom
    dates" after a switch to Arabic, a chosen event type still "Airstrike"), so a switch of language must draw
    such a widget anew. Its value lives in session_state[name], which the rest of the page reads and writes:
    copied into the widget before it is drawn, and back when the reader changes it.
    """
    key, state = f"{name}.{lang}", st.session_state
    if name in state:
        state[key] = state[name]

    def changed():
        state[name] = state[key]
        if on_change is not None:
            on_change()

    state[name] = value = widget(*args, key=key, on_change=changed, **kwargs)
    return value


def build_default_output(settings: Settings, labels, lang: str) -> None:
    """Run the pipeline in a subprocess when the bundled corpus's output is missing or stale (once a session)."""
    if st.session_state.get("_output_checked"):
        return
    corpus = settings.default_corpus
    manifest = corpus / "manifest.csv"
    if not output_is_current(settings.default_out, corpus, manifest if manifest.exists() else None,
                             settings.lexicon_dir, settings.campaign_dir):
        with st.spinner(labels.text("building", lang)):
            done = subprocess.run([sys.executable, "-m", "pipeline", "run", "--quiet", "--campaign", settings.campaign,
                                   "--data-dir", str(settings.data_dir)], cwd=PROJECT_ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            st.error(labels.text("build_failed", lang))
            st.code((done.stderr or done.stdout)[-2000:].replace(str(PROJECT_ROOT), "."))
            if not (settings.default_out / "events.csv").exists():
                st.stop()
            st.warning(labels.text("stale", lang))
    st.session_state["_output_checked"] = True


def restore_from_url(bounds: tuple[date, date], choices: dict[str, list[str]]) -> None:
    """Seed the widgets from the URL once per session, so a shared link reopens the same view."""
    if st.session_state.get("_restored"):
        return
    params = {name: st.query_params.get_all(name) for name in st.query_params}
    filters = filtering.filters_from_params(params)
    clamp = lambda d, fallback: min(max(d, bounds[0]), bounds[1]) if d else fallback  # noqa: E731
    mode = (params.get("map") or ["points"])[-1]
    tab = (params.get("tab") or [DETAIL_TABS[0]])[-1]
    st.session_state.update(
        dates=(clamp(filters.date_from, bounds[0]), clamp(filters.date_to, bounds[1])),
        places=[p for p in filters.places if p in choices["places"]],
        event_types=[t for t in filters.event_types if t in choices["event_types"]],
        actors=[a for a in filters.actors if a in choices["actors"]],
        victims=[v for v in filters.victims if v in choices["victims"]],
        outlets=[o for o in filters.outlets if o in choices["outlets"]],
        precisions=list(filters.precisions),
        include_undated=filters.include_undated, include_cumulative=filters.include_cumulative,
        min_confidence=filters.min_confidence,
        street_tiles=(params.get("tiles") or ["0"])[-1] == "1",
        map_mode=mode if mode in MAP_MODES else "points",
        step="W" if (params.get("step") or ["D"])[-1] == "W" else "D",
        _url_tab=tab if tab in DETAIL_TABS else DETAIL_TABS[0])
    st.session_state["_restored"] = True


def sidebar_filters(options, phases, bounds, labels, lang) -> filtering.Filters:
    """The filter widgets; returns the Filters they describe (dates spanning everything mean no date filter)."""
    t = partial(labels.text, lang=lang)
    places = options["places"]
    names = {r.place_id: charts.place_name(r._asdict(), lang) for r in places.itertuples()}
    place_label = {r.place_id: f"{labels.term('bank', r.bank, lang)} · {names[r.place_id]} ({r.events})"
                   for r in places.itertuples()}
    choices = {**options, "places": list(place_label)}
    restore_from_url(bounds, choices)
    by_id = {p.phase_id: p for p in phases}

    def apply_phase():
        phase = by_id.get(st.session_state["phase"])
        if phase:
            st.session_state["dates"] = (max(phase.start, bounds[0]), min(phase.end, bounds[1]))

    with st.sidebar:
        st.header(t("filters"))
        localised(st.selectbox, "phase", lang, t("phase"), ["custom"] + list(by_id), on_change=apply_phase,
                  format_func=lambda p: t("phase_custom") if p == "custom" else by_id[p].name(lang))
        picked = st.date_input(t("dates"), key="dates", min_value=bounds[0], max_value=bounds[1],
                               on_change=lambda: st.session_state.update(phase="custom"))
        localised(st.multiselect, "places", lang, t("places"), choices["places"], format_func=place_label.get,
                  placeholder=t("all"))
        localised(st.multiselect, "event_types", lang, t("event_types"), choices["event_types"], placeholder=t("all"),
                  format_func=lambda v: labels.term("event_type", v, lang))
        localised(st.multiselect, "precisions", lang, t("geo_filter"), list(tables.PRECISIONS), placeholder=t("all"),
                  format_func=lambda v: labels.term("precision", v, lang))
        st.multiselect(t("actors"), choices["actors"], key="actors", placeholder=t("all"))
        localised(st.multiselect, "victims", lang, t("victims"), choices["victims"], placeholder=t("all"),
                  format_func=lambda v: labels.term("victims", v, lang))
        st.multiselect(t("outlets"), choices["outlets"], key="outlets", placeholder=t("all"))
        st.checkbox(t("show_undated"), key="include_undated")
        st.checkbox(t("include_cumulative"), key="include_cumulative")
        st.slider(t("min_confidence"), 0.0, 1.0, step=0.05, key="min_confidence")
        st.header(t("view"))
        st.toggle(t("street_tiles"), key="street_tiles")
        st.radio(t("step"), ["D", "W"], key="step", horizontal=True,
                 format_func=lambda s: t("day") if s == "D" else t("week"))
    start, end = (tuple(picked) + (bounds[1],))[:2] if picked else bounds
    state = st.session_state
    return filtering.Filters(
        date_from=start if start > bounds[0] else None, date_to=end if end < bounds[1] else None,
        places=tuple(state["places"]), event_types=tuple(state["event_types"]), actors=tuple(state["actors"]),
        victims=tuple(state["victims"]), outlets=tuple(state["outlets"]), precisions=tuple(state["precisions"]),
        include_undated=state["include_undated"], include_cumulative=state["include_cumulative"],
        min_confidence=float(state["min_confidence"]))


def write_url(filters: filtering.Filters, labels, lang: str) -> None:
    params = filtering.filters_to_params(filters)
    section = open_section(labels)
    extras = {"lang": lang != "en" and lang, "tiles": st.session_state["street_tiles"] and "1",
              "step": st.session_state["step"] == "W" and "W",
              "map": st.session_state.get("map_mode", "points") != "points" and st.session_state.get("map_mode"),
              "tab": section != DETAIL_TABS[0] and section}
    params |= {name: [value] for name, value in extras.items() if value}
    if {k: st.query_params.get_all(k) for k in st.query_params} != params:
        st.query_params.from_dict(params)


LTR_ISOLATE = "\u2066{}\u2069"  # figures kept left to right inside Arabic text: "48–127" never reads "127–48"


def figures_text(text: str, lang: str) -> str:
    return LTR_ISOLATE.format(text) if lang == "ar" else text


def header(filtered, articles, out_dir: Path, campaign, labels, lang) -> None:
    t = partial(labels.text, lang=lang)
    n = partial(figures_text, lang=lang)
    ok_articles = int((articles["status"] == "ok").sum()) if "status" in articles else len(articles)
    st.title(t("title", campaign=campaign.title_ar if lang == "ar" else campaign.title_en))
    st.caption(t("caption", articles=ok_articles, out=out_dir.name))
    numbers = aggregates.headline(filtered)
    dated = numbers.dated
    cells = [("events", f"{dated.events:,}"), ("places_metric", f"{dated.places:,}"),
             ("articles", f"{dated.articles:,}"), ("killed", n(dated.killed.text())),
             ("wounded", n(dated.wounded.text())), ("displaced", n(dated.displaced.text()))]
    for column, (key, value) in zip(st.columns(len(cells)), cells):
        column.metric(t(key), value)
    st.caption(t("counts_note"))
    if dated.casualties.low or dated.casualties.high:
        st.caption(t("unsplit_note", range=n(dated.casualties.text())))
    if numbers.undated.events:
        undated = numbers.undated
        st.caption(t("undated_note", events=undated.events, killed=n(undated.killed.text()),
                     wounded=n(undated.wounded.text()), displaced=n(undated.displaced.text())))
    if numbers.cumulative.events:
        st.caption(t("cumulative_note", events=numbers.cumulative.events))


def playback_days(bounds: tuple[date, date]) -> list[date]:
    return [d.date() for d in pd.date_range(bounds[0], bounds[1], freq="D")]


def time_controls(days: list[date], mode: str, labels, lang) -> tuple[date, date] | None:
    """Window end and length with play/stop and a speed; playback starts at the campaign's start."""
    t = partial(labels.text, lang=lang)
    state = st.session_state
    if state.get("win_end") not in days:
        state["win_end"] = days[-1] if mode == "control" else days[0]
    state.setdefault("win_days", 7)
    state.setdefault("speed", "normal")
    if state.get("playing"):
        position = days.index(state["win_end"])
        if position >= len(days) - 1:
            state["playing"] = False
        else:
            state["win_end"] = days[min(position + max(1, state["win_days"] // 3), len(days) - 1)]
    on = mode == "control" or st.toggle(t("window_on"), key="window_on")
    if not on:
        state["playing"] = False
        return None
    end_col, days_col, speed_col, play_col, stop_col = st.columns([6, 2, 2, 1, 1], vertical_alignment="bottom")
    end = end_col.select_slider(t("control_day") if mode == "control" else t("window_end"), days, key="win_end",
                                format_func=lambda d: d.isoformat())
    length = days_col.selectbox(t("window_days"), WINDOW_DAYS, key="win_days", disabled=mode == "control")
    localised(speed_col.selectbox, "speed", lang, t("speed"), list(PLAY_SPEEDS), format_func=lambda s: t(f"speed_{s}"))

    def play():
        if days.index(state["win_end"]) >= len(days) - 1:
            state["win_end"] = days[0]
        state["playing"] = True

    play_col.button(t("play"), key="play", on_click=play, help=t("play_from_start"))
    stop_col.button(t("stop"), key="stop", on_click=lambda: state.update(playing=False))
    return (end, end) if mode == "control" else (end - timedelta(days=length - 1), end)


@st.fragment
def map_section(dated, filters, campaign, layers, control, bounds, labels, lang) -> None:
    """The map, its time controls and caption: a fragment, so playback redraws only this part of the page."""
    t = partial(labels.text, lang=lang)
    if st.session_state.pop("_full_run", False):
        st.session_state["playing"] = False  # a filter change stops playback: only a fragment run may step on
    st.subheader(t("map"))
    mode_col, metric_col = st.columns([3, 2])
    mode = mode_col.radio(t("map_mode"), MAP_MODES, key="map_mode", horizontal=True,
                          format_func=lambda m: t(f"mode_{m}"))
    metric = metric_col.radio(t("area_metric"), ("events", "killed"), key="area_metric", horizontal=True,
                              format_func=t) if mode == "areas" else "events"
    window = time_controls(playback_days(bounds), mode, labels, lang)
    shown = dated
    status = None
    if window and mode != "control":
        days = (window[1] - window[0]).days + 1
        shown = filtering.filter_events(dated, filtering.window_filters(filters, window[1], days))
        st.caption(t("window_caption", start=window[0], end=window[1], n=aggregates.totals(shown).events))
    if mode == "control":
        status = retaking.control_at(control, window[1])
        st.caption(t("control_caption", day=window[1].isoformat()))
    drawn = shown
    if len(shown) > MAP_POINTS and mode == "points":
        drawn = shown.nlargest(MAP_POINTS, "confidence")
        st.caption(t("map_capped", n=MAP_POINTS))
    figure = charts.map_figure(drawn, layers, campaign.map_center, campaign.map_zoom, labels, lang, mode=mode,
                               metric=metric, control=control, status=status,
                               street_tiles=st.session_state["street_tiles"])
    map_col, side_col = st.columns([5, 1])
    with map_col:
        event = st.plotly_chart(figure, key="map", on_select="rerun", selection_mode=("points", "box", "lasso"),
                                config={"scrollZoom": True})
    picked = sorted(str(p.get("customdata")) for p in (event.selection.points if event else []))
    if st.session_state.setdefault("_map_pick", picked) != picked:
        st.session_state["_map_pick"] = picked
        st.rerun()  # a selection narrows the table outside this fragment
    with side_col:
        if mode == "points":
            st.html(charts.map_legend_html(charts.located_events(drawn), layers, labels, lang))
        area_level = aggregates.area_level_counts(shown)
        lines = [t("area_level", n=aggregates.area_level_events(shown))] + [
            f"{charts.place_name(row._asdict(), lang) or labels.term('precision', 'none', lang)}: {row.events}"
            for row in area_level.head(12).itertuples()]
        st.caption("  \n".join(lines))  # one element, not thirteen: each costs the browser a render
    st.caption(t("areas_note") if mode != "points" else t("map_help"))
    if st.session_state.get("playing"):
        time.sleep(PLAY_SPEEDS.get(st.session_state.get("speed"), 0.8))
        st.rerun(scope="fragment")


def map_selection(dated) -> list[str]:
    """Event ids selected on the map (a selected area or place selects the events there)."""
    event = st.session_state.get("map")
    points = event.get("selection", {}).get("points", []) if event else []
    ids = filtering.selected_event_ids(points, dated)
    picked = {str(p.get("customdata", "")).removeprefix(filtering.PLACE_PREFIX) for p in points}
    return ids + dated.loc[dated["_cell"].isin(picked), "event_id"].tolist()


def timeline_section(dated, milestones, bounds, labels, lang) -> None:
    st.subheader(labels.text("timeline", lang))
    step = st.session_state["step"]
    figure = charts.timeline_figure(aggregates.events_by_bank_over_time(dated, step), aggregates.window_spans(dated),
                                    milestones, labels, lang, step, bounds)
    st.plotly_chart(figure, key="timeline")


def control_section(control, layers, places, milestones, labels, lang) -> None:
    t = partial(labels.text, lang=lang)
    st.caption(t("control_section"))
    if control.empty:
        st.info(t("no_control"))
        return
    names = places.drop_duplicates("place_id").set_index("place_id")

    def area_name(area_id: str) -> str:
        return charts.place_name({"place_ar": names["name_ar"].get(area_id, ""),
                                  "place_en": names["name_en"].get(area_id, ""), "place_text": area_id}, lang)

    check = retaking.milestone_check(control, layers.cells, milestones, layers.control_milestones,
                                  layers.control_start_milestones)
    label_column = f"label_{lang}" if f"label_{lang}" in milestones else "label_en"
    milestone_names = dict(zip(milestones["milestone_id"], milestones[label_column]))
    st.caption(t("control_check"))
    for row in check.itertuples():
        st.caption(t("check_line", bank=labels.term("bank", row.bank, lang),
                     milestone=milestone_names.get(row.milestone, row.milestone),
                     date=f"{row.date:%Y-%m-%d}" if pd.notna(row.date) else "", areas=row.areas,
                     on_time=row.retaken_by_milestone, late=row.retaken_after, never=row.never_reported))
        if row.retaken_before_start:
            early = "; ".join(f"{area_name(item.split(' ')[0])} {item.split(' ')[-1]}" for item in row.before.split("; "))
            st.caption(t("check_early", n=row.retaken_before_start, start=f"{row.start:%Y-%m-%d}", areas=early))
    area_names = [area_name(a) for a in control["area_id"]]
    table = pd.DataFrame({
        t("col_area"): area_names,
        t("col_bank"): [labels.term("bank", bank if bank in ("left", "right") else "", lang)
                        for bank in (names["bank"].get(a, "") for a in control["area_id"])],
        t("col_first_retaken"): control["first_retaken"].dt.strftime("%Y-%m-%d").fillna(""),
        t("col_outlet"): control["evidence_outlet"],
        t("col_evidence"): control["evidence_quote"].str.slice(0, 160),
        t("col_reports"): control["reports"],
        t("col_conflict"): [t("yes") if c else "" for c in control["conflict"]],
        t("col_report_dates"): control["report_dates"],
        t("col_first_advance"): control["first_advance"].dt.strftime("%Y-%m-%d").fillna(""),
        t("col_fighting_after"): control["fighting_after"]})
    st.dataframe(table, key="control_table", hide_index=True)


def casualty_section(filtered, bounds, labels, lang) -> None:
    t = partial(labels.text, lang=lang)
    over_time, by_victims, top = st.columns([3, 2, 2])
    step = st.session_state["step"]
    with over_time:
        st.caption(t("over_time"))
        series = aggregates.casualties_over_time(filtered, step)
        st.plotly_chart(charts.range_figure(series, "period", labels, lang, bounds=bounds, freq=step),
                        key="casualties_time")
    with by_victims:
        st.caption(t("by_victims"))
        table = aggregates.casualties_by_victims(filtered)
        table["victims"] = [labels.term("victims", v, lang) for v in table["victims"]]
        st.plotly_chart(charts.range_figure(table, "victims", labels, lang, horizontal=True), key="casualties_victims")
    with top:
        st.caption(t("top_places"))
        places = aggregates.top_places(filtered)
        places["place"] = [charts.place_name(r, lang) for r in places.to_dict(orient="records")]
        st.plotly_chart(charts.range_figure(places, "place", labels, lang, horizontal=True), key="casualties_places")
    statements = aggregates.cumulative_statements(filtered)
    if len(statements):
        st.caption(t("cumulative_section"))
        if len(statements) > TABLE_ROWS:
            st.caption(t("table_capped", n=TABLE_ROWS))
        st.dataframe(display_table(ordered(statements, TABLE_ROWS), labels, lang), key="cumulative", hide_index=True)


DISPLAY_COLUMNS = ["_when", "_until", "date_precision", "place_ar", "place_en", "place_text", "bank", "_precision",
                   "event_type", "killed_low", "killed_high", "wounded_low", "wounded_high", "displaced_low",
                   "displaced_high", "victims"]


def display_table(rows, labels, lang) -> pd.DataFrame:
    """The columns an analyst reads, translated; blanks for absent values; ranges as "23–40"."""
    t = partial(labels.text, lang=lang)
    records = rows[DISPLAY_COLUMNS].to_dict(orient="records")
    table = pd.DataFrame({
        t("col_date"): [charts.date_text(r["_when"], r["_until"], labels, lang) for r in records],
        t("col_precision"): [labels.term("date_precision", r["date_precision"], lang) if r["date_precision"] else ""
                             for r in records],
        t("col_place"): [charts.place_name(r, lang) for r in records],
        t("col_bank"): [labels.term("bank", r["bank"], lang) if r["bank"] else "" for r in records],
        t("col_geo"): [labels.term("precision", r["_precision"], lang) for r in records],
        t("col_type"): [labels.term("event_type", r["event_type"], lang) for r in records],
    })
    for kind in ("killed", "wounded", "displaced"):
        table[t("col_" + kind)] = [figures_text(text, lang) if text else ""
                                   for text in (aggregates.figure_text(r[f"{kind}_low"], r[f"{kind}_high"]) for r in records)]
    table[t("col_victims")] = [labels.term("victims", r["victims"], lang) if r["victims"] else "" for r in records]
    table[t("col_actors")] = rows["actors"].to_numpy()
    table[t("col_outlet")] = rows["outlet"].to_numpy()
    table[t("col_confidence")] = rows["confidence"].round(2).to_numpy()
    table[t("col_quote")] = rows["quote"].str.slice(0, 140).to_numpy()
    table[t("col_article_id")] = rows["article_id"].to_numpy()
    table[t("col_cluster")] = rows["cluster_id"].to_numpy()
    return table.reset_index(drop=True)


def ordered(rows: pd.DataFrame, limit: int | None = None, mask: np.ndarray | None = None) -> pd.DataFrame:
    """The (masked) rows, dated first by date, then the rest; the first `limit` of them. Only the sort keys are
    sorted, so a 100k-row selection is never copied whole to show 2,000 rows."""
    positions = np.arange(len(rows)) if mask is None else np.flatnonzero(mask)
    keys = rows[["_undated", "_when", "event_id"]].iloc[positions].reset_index(drop=True)
    order = keys.sort_values(["_undated", "_when", "event_id"], kind="stable").index.to_numpy()
    return rows.iloc[positions[order[:limit]]]


def downloads(filtered, filters, layers, campaign_name: str, labels, lang) -> None:
    """Exports of the selection; buttons never rerun the page, so two clicks in a row both download."""
    t = partial(labels.text, lang=lang)
    st.caption(t("downloads"))
    name = partial(exports.export_name, filters, prefix=campaign_name)
    buttons = [
        ("download_events", lambda: exports.csv_bytes(exports.events_export(filtered)), name("events", "csv"),
         "text/csv"),
        ("download_places", lambda: exports.csv_bytes(exports.export_table(filtered)), name("places", "csv"),
         "text/csv"),
        ("download_acled", lambda: exports.csv_bytes(exports.acled_export(filtered, layers.acled)),
         name("acled", "csv"), "text/csv"),
        ("GeoJSON", partial(exports.to_geojson_bytes, filtered), name("places", "geojson"), "application/geo+json"),
        ("Parquet", partial(exports.to_parquet_bytes, filtered), name("places", "parquet"),
         "application/vnd.apache.parquet")]
    for column, (key, builder, file_name, mime) in zip(st.columns(len(buttons)), buttons):
        column.download_button(f"⬇ {t(key) if key.startswith('download') else key}", builder, file_name=file_name,
                               mime=mime, key=f"dl_{key}", on_click="ignore")
    st.caption(t("downloads_note"))


def table_section(dated, selected_ids, labels, lang):
    """Sortable events table (narrowed by the map selection); returns the rows shown."""
    t = partial(labels.text, lang=lang)
    shown = ~dated["cumulative"].to_numpy() & filtering.selection_mask(dated, selected_ids)
    numbers = aggregates.totals(dated, shown)
    if selected_ids:
        st.caption(t("table_selected", n=numbers.events))
    st.caption(t("table_rows", rows=f"{shown.sum():,}", events=f"{numbers.events:,}", places=f"{numbers.places:,}"))
    if shown.sum() > TABLE_ROWS:
        st.caption(t("table_capped", n=TABLE_ROWS))
    rows = ordered(dated, TABLE_ROWS, shown)
    picked = st.dataframe(display_table(rows, labels, lang), key="table", hide_index=True,
                          on_select="rerun", selection_mode="single-row")
    chosen = picked.selection.rows if picked else []
    if chosen and st.session_state.get("_table_pick") != chosen:
        st.session_state["reader_event"] = rows.iloc[chosen[0]]["event_id"]
    st.session_state["_table_pick"] = chosen
    return rows


def undated_section(filtered, labels, lang) -> pd.DataFrame:
    rows = filtering.undated_events(filtered)
    if not st.session_state["include_undated"] or rows.empty:
        st.info(labels.text("no_undated", lang))
        return rows.iloc[0:0]
    st.caption(labels.text("undated_section", lang))
    st.caption(labels.text("undated_rows", lang, n=len(rows)))
    st.dataframe(display_table(rows.head(TABLE_ROWS), labels, lang), key="undated_table", hide_index=True)
    return rows


def reader_section(rows, events, articles, texts, labels, lang) -> None:
    """The quote with its spans highlighted, the source, and the whole article with the chosen event standing out."""
    t = partial(labels.text, lang=lang)
    st.subheader(t("reader"))
    by_id = rows.drop_duplicates("event_id").set_index("event_id", drop=False)
    if st.session_state.get("reader_event") not in by_id.index:
        st.session_state["reader_event"] = by_id.index[0]
    records = by_id[["event_id", "_when", "_until", "place_ar", "place_en", "place_text", "event_type",
                     "outlet"]].to_dict(orient="records")
    described = {r["event_id"]: " · ".join(x for x in (
        charts.date_text(r["_when"], r["_until"], labels, lang), charts.place_name(r, lang),
        labels.term("event_type", r["event_type"], lang), r["outlet"]) if x) for r in records}
    event_id = localised(st.selectbox, "reader_event", lang, t("reader_event"), list(by_id.index),
                         format_func=described.get)
    row = by_id.loc[event_id].to_dict()
    st.html(reader.legend_html({kind: t(f"hl_{kind}") for kind in reader.MARK_STYLES}))
    st.html(reader.quote_html(row))
    record = texts.get(row["article_id"], {})
    listed = articles[articles["article_id"] == row["article_id"]].head(1).to_dict(orient="records")
    source = {**(listed[0] if listed else {}), **{k: row.get(k) for k in ("article_id", "outlet", "url", "title")},
              "published": row["published"].date().isoformat() if pd.notna(row["published"]) else "",
              **{k: v for k, v in record.items() if k != "text" and v}}
    source["source_path"] = Path(str(source.get("source_path") or "")).name
    source["date_source"] = labels.term("date_source", str(source.get("date_source") or ""), lang) \
        if source.get("date_source") else ""
    st.html(reader.source_html(source, {key: t(f"col_{key}") for key in reader.SOURCE_FIELDS}))
    with st.expander(t("article"), expanded=True):
        if record.get("text"):
            article_rows = events[events["article_id"] == row["article_id"]].to_dict(orient="records")
            st.html(reader.article_html(record["text"], article_rows, focus=row))
        else:
            st.info(t("no_article_text"))


def tab_names(labels, lang) -> list[str]:
    return [labels.text(f"tab_{section}", lang) for section in DETAIL_TABS]


def open_section(labels) -> str:
    """The open tab's section, whatever the language of its label; on a first visit, the URL's."""
    chosen = st.session_state.get("details")
    for code in labels.languages:
        if chosen in (names := tab_names(labels, code)):
            return DETAIL_TABS[names.index(chosen)]
    return st.session_state.get("_url_tab", DETAIL_TABS[0])


def detail_tabs(labels, lang) -> dict[str, object]:
    """The sections below the timeline as tabs of which only the open one is drawn: a first page builds one
    section, not four (most of what a browser spent on it). The open tab survives a change of language."""
    names = tab_names(labels, lang)
    st.session_state["details"] = names[DETAIL_TABS.index(open_section(labels))]
    return dict(zip(DETAIL_TABS, st.tabs(names, key="details", on_change="rerun")))


def check_events_folder(sources: page_data.PageSources, labels, lang) -> None:
    """A clear error when the folder named by --events (or the environment) holds no events file."""
    if sources.events_dir is not None and not page_data.has_events(sources.events_dir):
        st.error(labels.text("missing_events", lang, name=sources.events_dir.name or str(sources.events_dir)))
        st.stop()


def main() -> None:
    try:
        sources = page_data.page_sources(sys.argv[1:])
        campaign, milestones, places, layers = page_data.load_campaign_data(str(sources.campaign_dir),
                                                                            str(sources.settings.data_dir))
    except (ConfigError, DataFileError) as err:
        st.error(str(err))
        st.stop()
    st.set_page_config(page_title=campaign.title_en, page_icon="🗺️", layout="wide")
    labels = load_labels().with_terms("bank", campaign.bank_terms())
    lang = st.session_state.get("lang") or (st.query_params.get("lang") if st.query_params.get("lang")
                                            in labels.languages else "en")
    st.session_state["lang"] = lang
    # the page's style comes first, as markdown: its code is loaded at once for the widget labels, where an
    # st.html element waits for code of its own, and the placeholders pulse until the style is in
    st.markdown(BASE_CSS + (RTL_CSS if lang == "ar" else ""), unsafe_allow_html=True)
    st.sidebar.radio(labels.text("language", lang), list(labels.languages), key="lang", horizontal=True,
                     format_func=labels.languages.get)
    check_events_folder(sources, labels, lang)
    if sources.events_dir is None:
        build_default_output(sources.settings, labels, lang)
    out_dir = sources.out_dir
    events, articles, texts, control, options = page_data.page_tables(sources)
    if events.empty:
        header(events, articles, out_dir, campaign, labels, lang)
        st.info(labels.text("no_events_corpus", lang, articles=len(articles)))
        st.stop()
    bounds = filtering.date_bounds(events, campaign.window)
    phases = tables.campaign_phases(campaign)
    filters = sidebar_filters(options, phases, bounds, labels, lang)
    write_url(filters, labels, lang)
    filtered = filtering.filter_events(events, filters)
    header(filtered, articles, out_dir, campaign, labels, lang)
    if filtered.empty:
        st.info(labels.text("no_events_filter", lang))
        st.stop()
    dated = filtering.dated_events(filtered)
    st.session_state["_full_run"] = True
    map_section(dated, filters, campaign, layers, retaking.control_table(
        filtered, retaking.load_control_words(campaign.lexicon_dir)) if len(filtered) != len(events) else control,
        bounds, labels, lang)
    timeline_section(dated, milestones, bounds, labels, lang)
    downloads(filtered, filters, layers, campaign.name, labels, lang)

    def read(rows: pd.DataFrame) -> None:
        if len(rows):
            reader_section(rows, events, articles, texts, labels, lang)

    sections = {
        "events": lambda: read(table_section(dated, map_selection(dated), labels, lang)),
        "casualties": lambda: casualty_section(filtered, bounds, labels, lang),
        "control": lambda: control_section(control, layers, places, milestones, labels, lang),
        "undated": lambda: read(undated_section(filtered, labels, lang)),
    }
    for name, tab in detail_tabs(labels, lang).items():
        if tab.open:
            with tab:
                sections[name]()


main()
