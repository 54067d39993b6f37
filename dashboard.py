"""Streamlit dashboard of a campaign's events: a thin view over pipeline.query, pipeline.charts and pipeline.reader.

    streamlit run dashboard.py                              # the default campaign's bundled corpus, rebuilt first
                                                            # when missing or stale
    streamlit run dashboard.py -- --campaign NAME           # another campaign folder (its title, map, phases)
    streamlit run dashboard.py -- --events DIR              # any run's output folder, shown as it is

The NLP pipeline runs in a subprocess, so this process never imports torch or camel-tools.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from pipeline import charts, query, reader
from pipeline.campaign import load_campaign
from pipeline.config import DATA_DIR, PROJECT_ROOT, Settings
from pipeline.errors import ConfigError, DataFileError
from pipeline.fingerprint import output_is_current
from pipeline.i18n import load_labels

EVENTS_ENV = "MOSUL_EVENTS_DIR"
CAMPAIGN_ENV = "MOSUL_CAMPAIGN_DIR"
TABLE_ROWS = 5000
MAP_POINTS = 5000
WINDOW_DAYS = (1, 3, 7, 14, 30, 60)
PLAY_DELAY_SECONDS = 0.8
BASE_CSS = """<style>
[data-testid="stMetricValue"] { font-size: 1.7rem; }
</style>"""
RTL_CSS = """<style>
[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"], [data-testid="stMetric"],
[data-testid="stWidgetLabel"], h1, h2, h3 { direction: rtl; text-align: right; }
</style>"""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="dashboard.py", allow_abbrev=False)
    parser.add_argument("--events", type=Path, help="an output folder of `python -m pipeline run` (no rebuild)")
    parser.add_argument("--campaign", metavar="NAME",
                        help="campaign folder under DATA_DIR/campaigns/ (default: the one DATA_DIR/campaigns/DEFAULT names)")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="folder holding lexicon/ and campaigns/")
    return parser.parse_known_args(argv)[0]


def build_default_output(settings: Settings, labels, lang: str) -> None:
    """Run the pipeline in a subprocess when the bundled corpus's output is missing or stale (once a session)."""
    if st.session_state.get("_output_checked"):
        return
    corpus = settings.default_corpus
    manifest = corpus / "manifest.csv"
    if not output_is_current(settings.default_out, corpus, manifest if manifest.exists() else None,
                             settings.lexicon_dir, settings.campaign_dir):
        with st.spinner(labels.text("building", lang)):
            done = subprocess.run([sys.executable, "-m", "pipeline", "run", "--campaign", settings.campaign,
                                   "--data-dir", str(settings.data_dir)], cwd=PROJECT_ROOT,
                                  capture_output=True, text=True)
        if done.returncode != 0:
            st.error(labels.text("build_failed", lang))
            st.code((done.stderr or done.stdout)[-2000:])
            if not (settings.default_out / "events.csv").exists():
                st.stop()
            st.warning(labels.text("stale", lang))
    st.session_state["_output_checked"] = True


def output_stamp(out_dir: Path) -> tuple:
    """Modification times of the output files: a rebuilt output invalidates the cache."""
    names = ("events.parquet", "events.csv", "articles.csv", "article_texts.jsonl", "run.json")
    return tuple((out_dir / n).stat().st_mtime_ns if (out_dir / n).exists() else 0 for n in names)


@st.cache_data(show_spinner=False)
def load_output(out_dir: str, stamp: tuple):
    folder = Path(out_dir)
    return (query.load_events(folder), query.load_articles(folder), query.load_article_texts(folder),
            query.load_run(folder))


@st.cache_resource(show_spinner=False)
def load_campaign_data(campaign_dir: str, data_dir: str):
    """The campaign, with its calendar, gazetteer names and map layers as the views need them."""
    campaign = load_campaign(Path(campaign_dir), Path(data_dir))
    return campaign, query.milestones_frame(campaign), query.places_frame(campaign), query.map_layers(campaign)


def bank_label(campaign, bank: str, labels, lang: str) -> str:
    """A bank by the campaign's own name for it (East bank at Mosul, North bank at Raqqa)."""
    named = campaign.bank(bank)
    return (named.name_ar if lang == "ar" else named.name_en) if named else labels.term("bank", bank, lang)


def restore_from_url(bounds: tuple[date, date], choices: dict[str, list[str]]) -> None:
    """Seed the widgets from the URL once per session, so a shared link reopens the same view."""
    if st.session_state.get("_restored"):
        return
    params = {name: st.query_params.get_all(name) for name in st.query_params}
    filters = query.filters_from_params(params)
    clamp = lambda d, fallback: min(max(d, bounds[0]), bounds[1]) if d else fallback  # noqa: E731
    st.session_state.update(
        dates=(clamp(filters.date_from, bounds[0]), clamp(filters.date_to, bounds[1])),
        places=[p for p in filters.places if p in choices["places"]],
        event_types=[t for t in filters.event_types if t in choices["event_types"]],
        actors=[a for a in filters.actors if a in choices["actors"]],
        victims=[v for v in filters.victims if v in choices["victims"]],
        outlets=[o for o in filters.outlets if o in choices["outlets"]],
        include_undated=filters.include_undated, include_cumulative=filters.include_cumulative,
        min_confidence=filters.min_confidence,
        street_tiles=(params.get("tiles") or ["0"])[-1] == "1",
        step="W" if (params.get("step") or ["D"])[-1] == "W" else "D")
    st.session_state["_restored"] = True


def sidebar_filters(events, places, phases, bounds, campaign, labels, lang) -> query.Filters:
    """The filter widgets; returns the Filters they describe (dates spanning everything mean no date filter)."""
    t = partial(labels.text, lang=lang)
    options = query.place_options(events, places)
    place_label = {r.place_id: f"{bank_label(campaign, r.bank, labels, lang)} · {r.place_ar} / {r.place_en} ({r.events})"
                   for r in options.itertuples()}
    choices = {"places": list(place_label), "event_types": query.value_options(events, "event_type"),
               "actors": query.actor_options(events), "victims": query.value_options(events, "victims"),
               "outlets": query.value_options(events, "outlet")}
    restore_from_url(bounds, choices)
    by_id = {p.phase_id: p for p in phases}

    def apply_phase():
        phase = by_id.get(st.session_state["phase"])
        if phase:
            st.session_state["dates"] = (max(phase.start, bounds[0]), min(phase.end, bounds[1]))

    with st.sidebar:
        st.header(t("filters"))
        st.selectbox(t("phase"), ["custom"] + list(by_id), key="phase", on_change=apply_phase,
                     format_func=lambda p: t("phase_custom") if p == "custom" else by_id[p].name(lang))
        picked = st.date_input(t("dates"), key="dates", min_value=bounds[0], max_value=bounds[1],
                               on_change=lambda: st.session_state.update(phase="custom"))
        st.multiselect(t("places"), choices["places"], key="places", format_func=place_label.get,
                       placeholder=t("all"))
        st.multiselect(t("event_types"), choices["event_types"], key="event_types", placeholder=t("all"),
                       format_func=lambda v: labels.term("event_type", v, lang))
        st.multiselect(t("actors"), choices["actors"], key="actors", placeholder=t("all"))
        st.multiselect(t("victims"), choices["victims"], key="victims", placeholder=t("all"),
                       format_func=lambda v: labels.term("victims", v, lang))
        st.multiselect(t("outlets"), choices["outlets"], key="outlets", placeholder=t("all"))
        st.checkbox(t("include_undated"), key="include_undated")
        st.checkbox(t("include_cumulative"), key="include_cumulative")
        st.slider(t("min_confidence"), 0.0, 1.0, step=0.05, key="min_confidence")
        st.header(t("view"))
        st.toggle(t("street_tiles"), key="street_tiles")
        st.radio(t("step"), ["D", "W"], key="step", horizontal=True,
                 format_func=lambda s: t("day") if s == "D" else t("week"))
    start, end = (tuple(picked) + (bounds[1],))[:2] if picked else bounds
    state = st.session_state
    return query.Filters(
        date_from=start if start > bounds[0] else None, date_to=end if end < bounds[1] else None,
        places=tuple(state["places"]), event_types=tuple(state["event_types"]), actors=tuple(state["actors"]),
        victims=tuple(state["victims"]), outlets=tuple(state["outlets"]),
        include_undated=state["include_undated"], include_cumulative=state["include_cumulative"],
        min_confidence=float(state["min_confidence"]))


def write_url(filters: query.Filters, lang: str) -> None:
    params = query.filters_to_params(filters)
    extras = {"lang": lang != "en" and lang, "tiles": st.session_state["street_tiles"] and "1",
              "step": st.session_state["step"] == "W" and "W"}
    params |= {name: [value] for name, value in extras.items() if value}
    if {k: st.query_params.get_all(k) for k in st.query_params} != params:
        st.query_params.from_dict(params)


def campaign_title(campaign, lang: str) -> str:
    return campaign.title_ar if lang == "ar" else campaign.title_en


def header(events, filtered, articles, out_dir, campaign, labels, lang) -> None:
    t = partial(labels.text, lang=lang)
    ok_articles = int((articles["status"] == "ok").sum()) if "status" in articles else len(articles)
    st.title(t("title", campaign=campaign_title(campaign, lang)))
    st.caption(t("caption", articles=ok_articles, out=out_dir))
    numbers = query.headline(filtered)
    dated = numbers.dated
    cells = [("events", f"{dated.events:,}"), ("places_metric", f"{dated.places:,}"),
             ("articles", f"{dated.articles:,}"), ("killed", dated.killed.text()),
             ("wounded", dated.wounded.text()), ("displaced", dated.displaced.text())]
    for column, (key, value) in zip(st.columns(len(cells)), cells):
        column.metric(t(key), value)
    if dated.casualties.low or dated.casualties.high:
        st.caption(t("unsplit_note", range=dated.casualties.text()))
    if numbers.undated.events:
        undated = numbers.undated
        st.caption(t("undated_note", events=undated.events, killed=undated.killed.text(),
                     wounded=undated.wounded.text(), displaced=undated.displaced.text()))
    if numbers.cumulative.events:
        st.caption(t("cumulative_note", events=numbers.cumulative.events))


def time_player(filtered, labels, lang) -> tuple[date, date] | None:
    """Window end + length, with a play button that steps the window forward one rerun at a time."""
    t = partial(labels.text, lang=lang)
    st.subheader(t("player"))
    dated = filtered.loc[~filtered["_undated"], "_when"]
    if dated.empty or not st.toggle(t("window_on"), key="window_on"):
        st.session_state["playing"] = False
        return None
    days = [d.date() for d in pd.date_range(dated.min(), dated.max(), freq="D")]
    state = st.session_state
    if state.get("win_end") not in days:
        state["win_end"] = days[0]
    state.setdefault("win_days", 7)
    if state.get("playing"):
        step = max(1, state["win_days"] // 3)
        position = min(days.index(state["win_end"]) + step, len(days) - 1)
        state["win_end"] = days[position]
        state["playing"] = position < len(days) - 1
    end_col, days_col, play_col, stop_col = st.columns([6, 2, 1, 1], vertical_alignment="bottom")
    end = end_col.select_slider(t("window_end"), days, key="win_end", format_func=lambda d: d.isoformat())
    length = days_col.selectbox(t("window_days"), WINDOW_DAYS, key="win_days")
    play_col.button(t("play"), key="play", on_click=lambda: state.update(playing=True))
    stop_col.button(t("stop"), key="stop", on_click=lambda: state.update(playing=False))
    return end - timedelta(days=length - 1), end


def map_section(filtered, filters, campaign, layers, window, labels, lang) -> list[str]:
    """The map; returns the event ids selected on it (a selected place bubble selects its events)."""
    t = partial(labels.text, lang=lang)
    st.subheader(t("map"))
    shown = filtered
    if window:
        days = (window[1] - window[0]).days + 1
        shown = query.filter_events(filtered, query.window_filters(filters, window[1], days))
        st.caption(t("window_caption", start=window[0], end=window[1], n=query.totals(shown).events))
    unmapped = int((shown["lat"].isna() | shown["lon"].isna()).sum())
    if unmapped:
        st.caption(t("unmapped", n=unmapped))
    if len(shown) > MAP_POINTS:
        shown = shown.nlargest(MAP_POINTS, "confidence")
        st.caption(t("map_capped", n=MAP_POINTS))
    figure = charts.map_figure(shown, layers, campaign.map_center, campaign.map_zoom, labels, lang,
                               street_tiles=st.session_state["street_tiles"])
    event = st.plotly_chart(figure, key="map", on_select="rerun", selection_mode=("points", "box", "lasso"),
                            config={"scrollZoom": True})
    st.caption(t("map_help"))
    return query.selected_event_ids(event.selection.points if event else [], shown)


def timeline_section(filtered, milestones, window, labels, lang) -> None:
    st.subheader(labels.text("timeline", lang))
    counts = query.events_over_time(filtered, st.session_state["step"])
    st.plotly_chart(charts.timeline_figure(counts, milestones, labels, lang, window), key="timeline")


def casualty_section(filtered, labels, lang) -> None:
    t = partial(labels.text, lang=lang)
    st.subheader(t("casualties_section"))
    over_time, by_victims, top = st.columns([3, 2, 2])
    with over_time:
        st.caption(t("over_time"))
        series = query.casualties_over_time(filtered, st.session_state["step"])
        st.plotly_chart(charts.range_figure(series, "period", labels, lang), key="casualties_time")
    with by_victims:
        st.caption(t("by_victims"))
        table = query.casualties_by_victims(filtered)
        table["victims"] = [labels.term("victims", v, lang) for v in table["victims"]]
        st.plotly_chart(charts.range_figure(table, "victims", labels, lang, horizontal=True), key="casualties_victims")
    with top:
        st.caption(t("top_places"))
        places = query.top_places(filtered)
        places["place"] = places["place_ar"] + " / " + places["place_en"]
        st.plotly_chart(charts.range_figure(places, "place", labels, lang, horizontal=True), key="casualties_places")
    statements = query.cumulative_statements(filtered)
    if len(statements):
        st.caption(t("cumulative_section"))
        st.dataframe(display_table(statements, labels, lang), key="cumulative", hide_index=True)


def display_table(rows, labels, lang) -> pd.DataFrame:
    """The columns an analyst reads, with translated names; numbers stay numeric so sorting works."""
    t = partial(labels.text, lang=lang)
    table = pd.DataFrame({
        t("col_date"): rows["_when"].dt.strftime("%Y-%m-%d").fillna(t("undated")),
        t("col_precision"): rows["date_precision"],
        t("col_place"): rows["place_ar"] + " / " + rows["place_en"],
        t("col_type"): [labels.term("event_type", v, lang) for v in rows["event_type"]],
    })
    for kind in ("killed", "wounded", "displaced"):
        table[f"{t('col_' + kind)} ↓"] = rows[f"{kind}_low"]
        table[f"{t('col_' + kind)} ↑"] = rows[f"{kind}_high"]
    table[t("col_victims")] = [labels.term("victims", v, lang) for v in rows["victims"]]
    table[t("col_outlet")] = rows["outlet"]
    table[t("col_confidence")] = rows["confidence"].round(2)
    table[t("col_quote")] = rows["quote"].str.slice(0, 140)
    table["event_id"] = rows["event_id"]
    return table.reset_index(drop=True)


def table_section(filtered, selected_ids, labels, lang):
    """Sortable events table (narrowed by the map selection), downloads; returns the rows shown."""
    t = partial(labels.text, lang=lang)
    st.subheader(t("table"))
    rows = query.select_events(filtered, selected_ids)
    if selected_ids:
        st.caption(t("table_selected", n=len(rows)))
    if len(rows) > TABLE_ROWS:
        st.caption(t("table_capped", n=TABLE_ROWS))
    rows = rows.head(TABLE_ROWS)
    picked = st.dataframe(display_table(rows, labels, lang), key="table", hide_index=True,
                          on_select="rerun", selection_mode="single-row")
    st.caption(t("downloads"))
    for column, (suffix, builder, mime) in zip(st.columns(3), (
            ("csv", query.to_csv_bytes, "text/csv"), ("geojson", query.to_geojson_bytes, "application/geo+json"),
            ("parquet", query.to_parquet_bytes, "application/vnd.apache.parquet"))):
        column.download_button(f"⬇ {suffix.upper()}", partial(builder, rows if selected_ids else filtered),
                               file_name=f"{st.session_state['_campaign']}_events.{suffix}", mime=mime, key=f"download_{suffix}")
    chosen = picked.selection.rows if picked else []
    if chosen and st.session_state.get("_table_pick") != chosen:
        st.session_state["reader_event"] = rows.iloc[chosen[0]]["event_id"]
    st.session_state["_table_pick"] = chosen
    return rows


def reader_section(rows, events, articles, texts, labels, lang) -> None:
    """The quote with its spans highlighted, the source, and the whole article with all its extractions."""
    t = partial(labels.text, lang=lang)
    st.subheader(t("reader"))
    by_id = rows.drop_duplicates("event_id").set_index("event_id", drop=False)
    if st.session_state.get("reader_event") not in by_id.index:
        st.session_state["reader_event"] = by_id.index[0]
    names = by_id["place_en"].where(by_id["place_en"] != "", by_id["place_ar"])
    types = [labels.term("event_type", v, lang) for v in by_id["event_type"]]
    described = dict(zip(by_id.index, names + " · " + pd.Series(types, index=by_id.index) + " · " + by_id.index))
    event_id = st.selectbox(t("reader_event"), list(by_id.index), key="reader_event", format_func=described.get)
    row = by_id.loc[event_id].to_dict()
    st.html(reader.legend_html({kind: t(f"hl_{kind}") for kind in reader.MARK_STYLES}))
    st.html(reader.quote_html(row))
    record = texts.get(row["article_id"], {})
    listed = articles[articles["article_id"] == row["article_id"]].head(1).to_dict(orient="records")
    fields = {key: t(f"col_{key}") for key in reader.SOURCE_FIELDS}
    published = row["published"].date().isoformat() if pd.notna(row["published"]) else ""
    st.html(reader.source_html({**(listed[0] if listed else {}),
                                **{k: row.get(k) for k in ("article_id", "outlet", "url", "title")},
                                "published": published, **{k: v for k, v in record.items() if k != "text" and v}},
                               fields))
    with st.expander(t("article"), expanded=True):
        if record.get("text"):
            article_rows = events[events["article_id"] == row["article_id"]].to_dict(orient="records")
            st.html(reader.article_html(record["text"], article_rows))
        else:
            st.info(t("no_article_text"))


def main() -> None:
    args = parse_args(sys.argv[1:])
    try:
        settings = Settings(data_dir=args.data_dir, campaign=args.campaign, cache=False)
    except ConfigError as err:
        st.error(str(err))
        st.stop()
    campaign_dir = Path(os.environ.get(CAMPAIGN_ENV) or settings.campaign_dir)
    try:
        campaign, milestones, places, layers = load_campaign_data(str(campaign_dir), str(settings.data_dir))
    except DataFileError as err:
        st.error(str(err))
        st.stop()
    st.session_state["_campaign"] = campaign.name
    st.set_page_config(page_title=campaign.title_en, page_icon="🗺️", layout="wide")
    labels = load_labels()
    lang = st.session_state.get("lang") or (st.query_params.get("lang") if st.query_params.get("lang")
                                            in labels.languages else "en")
    st.session_state["lang"] = lang
    st.sidebar.radio(labels.text("language", lang), list(labels.languages), key="lang", horizontal=True,
                     format_func=labels.languages.get)
    lang = st.session_state["lang"]
    st.html(BASE_CSS + (RTL_CSS if lang == "ar" else ""))
    explicit = args.events or (Path(os.environ[EVENTS_ENV]) if os.environ.get(EVENTS_ENV) else None)
    if explicit is None:
        build_default_output(settings, labels, lang)
    out_dir = explicit or settings.default_out
    events, articles, texts, _run = load_output(str(out_dir), output_stamp(out_dir))
    if events.empty:
        header(events, events, articles, out_dir, campaign, labels, lang)
        st.info(labels.text("no_events_corpus", lang, articles=len(articles)))
        st.stop()
    bounds = query.date_bounds(events, campaign.window)
    phases = query.campaign_phases(campaign)
    filters = sidebar_filters(events, places, phases, bounds, campaign, labels, lang)
    write_url(filters, lang)
    filtered = query.filter_events(events, filters)
    header(events, filtered, articles, out_dir, campaign, labels, lang)
    if filtered.empty:
        st.info(labels.text("no_events_filter", lang))
        st.stop()
    time_window = time_player(filtered, labels, lang)
    selected = map_section(filtered, filters, campaign, layers, time_window, labels, lang)
    timeline_section(filtered, milestones, time_window, labels, lang)
    casualty_section(filtered, labels, lang)
    rows = table_section(filtered, selected, labels, lang)
    if len(rows):
        reader_section(rows, events, articles, texts, labels, lang)
    if st.session_state.get("playing"):
        time.sleep(PLAY_DELAY_SECONDS)
        st.rerun()


main()
