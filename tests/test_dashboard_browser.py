"""The dashboard in a real browser (Debian's Chromium through playwright), served on 127.0.0.1 with no network.

Every wait is for a condition (the server's health, an element, a text), bounded by a long deadline so a slow,
loaded machine passes. Screenshots go to tests/artifacts/. With UPDATE_SCREENSHOT=1 and a pipeline output in
data/output/mosul/, the README screenshots in docs/ are refreshed from the bundled corpus (off by default).

The map's text labels make MapLibre ask fonts.openmaptiles.org for glyphs; offline that one request fails and
MapLibre draws the labels with local fonts. That failed request is the only console error tolerated.
"""

import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from factories import event_row, sample_rows, write_campaign, write_output

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
BUNDLED_OUTPUT = ROOT / "data" / "output" / "mosul"
STARTUP_SECONDS = 180
WAIT_MS = 120_000
GLYPH_HOST = "fonts.openmaptiles.org"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SCRIPT = "<script>window.__pwned=1</script>"
IMAGE = '<img src=x onerror="window.__pwned=1">'
PAYLOAD = f"هاجم مسلحون حي الطيران {SCRIPT}{IMAGE} وقتل 4 مدنيين."

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium at /usr/bin/chromium")
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(events_dir: Path, campaign_dir: Path):
    """Start the dashboard's launcher (`streamlit run dashboard.py -- --events DIR`) on a campaign folder and wait
    until it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.view.serve", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--", "--events", str(events_dir)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        env={**os.environ, "EVENT_MAP_CAMPAIGN_DIR": str(campaign_dir)})
    url, deadline = f"http://127.0.0.1:{port}", time.time() + STARTUP_SECONDS
    while True:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            return proc, url
        except OSError as err:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("streamlit did not start") from err
            time.sleep(0.1)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dash")
    rows = [event_row("x0", place="tayaran", article_id="hostile", quote=PAYLOAD, quote_start=0,
                      quote_end=len(PAYLOAD), place_span="[14, 23]", date_span="", trigger_span="[0, 4]",
                      figure_spans="[]", killed_low=4, killed_high=4, event_type="clash", event_date="2016-11-01",
                      date_start="2016-11-01", date_end="2016-11-01")] + sample_rows()
    texts = {"hostile": PAYLOAD, "a1": "قصفت طائرات التحالف حي الزهراء في الموصل يوم الخميس."}
    proc, url = serve(write_output(folder / "out", rows, texts=texts), write_campaign(folder / "campaign"))
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS, viewport={"width": 1400, "height": 2000})
        yield context
        context.close()


def open_page(browser, url):
    """A loaded dashboard page and the list its console errors and page errors are collected into."""
    page, errors = browser.new_page(), []

    def console(message):
        if message.type == "error" and GLYPH_HOST not in (message.location or {}).get("url", ""):
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    sync_api.expect(page.get_by_test_id("stMetricValue").first).to_be_visible(timeout=WAIT_MS)
    sync_api.expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(2, timeout=WAIT_MS)
    sync_api.expect(page.locator(".maplibregl-canvas")).to_be_visible(timeout=WAIT_MS)
    return page, errors


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    sync_api.expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true", timeout=WAIT_MS)


@pytest.fixture(scope="module")
def loaded(server, browser):
    """One page shared by the tests below (a first render costs seconds); the filter test runs last."""
    page, errors = open_page(browser, server)
    ARTIFACTS.mkdir(exist_ok=True)
    yield page, errors
    page.close()


def metric(page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_page_draws_map_and_charts_without_console_errors(loaded):
    page, errors = loaded
    sync_api.expect(page.locator(".js-plotly-plot .barlayer .point").first).to_be_visible(timeout=WAIT_MS)
    sync_api.expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=WAIT_MS)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"))
    assert not errors, errors


MOVING_PLACEHOLDERS = """() => [...document.querySelectorAll("style")].some(s => s.textContent.includes("stSkeleton"))
    ? document.getAnimations().filter(a => a.playState === "running" && a.effect && a.effect.target
                                           && a.effect.target.closest('[data-testid="stSkeleton"]')).length : 0"""


def test_placeholders_stay_still_once_the_page_style_is_in(browser, server):
    """(Before the script's first element the app's own loading placeholder is beyond the page's reach.)"""
    page = browser.new_page()
    page.goto(server)
    moving, deadline = 0, time.time() + STARTUP_SECONDS
    while page.locator('[data-testid="stPlotlyChart"]').count() < 2 and time.time() < deadline:
        moving = max(moving, page.evaluate(MOVING_PLACEHOLDERS))
        page.wait_for_timeout(50)
    page.close()
    assert moving == 0


def test_two_downloads_in_a_row_both_arrive(loaded, tmp_path):
    page, errors = loaded
    files = []
    for label in ("One row per event (CSV)", "ACLED columns (CSV)"):
        with page.expect_download(timeout=WAIT_MS) as download:
            page.get_by_role("button", name=re.compile(re.escape(label))).click()
        files.append(download.value)
    names = [f.suggested_filename for f in files]
    assert names == ["campaign_events.csv", "campaign_acled.csv"]
    for n, item in enumerate(files):
        item.save_as(tmp_path / f"{n}.csv")
        assert (tmp_path / f"{n}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not errors, errors


def test_hostile_article_text_is_shown_as_text_and_runs_nothing(loaded):
    page, errors = loaded
    shown = page.get_by_test_id("stHtml")
    sync_api.expect(shown.filter(has_text=SCRIPT).first).to_be_visible(timeout=WAIT_MS)
    sync_api.expect(shown.filter(has_text=IMAGE).first).to_be_visible()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.get_by_test_id("stExpander").first.screenshot(path=str(ARTIFACTS / "reader.png"))
    assert not errors, errors


def map_pixel(box: dict, lat: float, lon: float, center=(36.345, 43.14), zoom=11.5) -> tuple[float, float]:
    """Where a point lies on the MapLibre canvas (web Mercator, 512-pixel tiles) for the factory's map view."""
    scale = 512 * 2 ** zoom
    mercator = lambda la: math.log(math.tan(math.pi / 4 + math.radians(la) / 2))  # noqa: E731
    return (box["x"] + box["width"] / 2 + (lon - center[1]) / 360 * scale,
            box["y"] + box["height"] / 2 - (mercator(lat) - mercator(center[0])) / (2 * math.pi) * scale)


def test_clicking_an_event_on_the_map_narrows_the_table(loaded):
    page, errors = loaded
    canvas = page.locator(".maplibregl-canvas")
    canvas.scroll_into_view_if_needed()
    page.mouse.click(*map_pixel(canvas.bounding_box(), 36.372, 43.178))
    sync_api.expect(page.get_by_text("1 events selected on the map.")).to_be_visible(timeout=WAIT_MS)
    assert not errors, errors


def test_choosing_a_neighbourhood_changes_the_header_and_the_url(loaded):
    page, errors = loaded
    sync_api.expect(metric(page, "Events")).to_have_text("4")
    page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first.click()
    page.get_by_role("option", name=re.compile("al-Tayaran")).click()
    sync_api.expect(metric(page, "Events")).to_have_text("2", timeout=WAIT_MS)
    sync_api.expect(metric(page, "Killed")).to_have_text("7–9")
    assert "place=tayaran" in page.url
    page.keyboard.press("Escape")
    page.screenshot(path=str(ARTIFACTS / "dashboard_filtered.png"))
    assert not errors, errors


def test_playback_steps_with_no_located_event_still_show_a_map(browser, server):
    page, errors = open_page(browser, server)
    page.get_by_text("Show a time window on the map").click()
    caption = page.get_by_text(re.compile(r"^Map window: "))
    sync_api.expect(caption).to_be_visible(timeout=WAIT_MS)
    page.get_by_test_id("stSelectbox").filter(has_text="Speed").click()
    page.get_by_role("option", name="fast").click()
    page.get_by_role("button", name="▶ Play").click()
    seen = set()
    deadline = time.time() + STARTUP_SECONDS
    while len(seen) < 4 and time.time() < deadline:
        sync_api.expect(caption).to_be_visible(timeout=WAIT_MS)
        text = caption.text_content()
        if text not in seen:
            seen.add(text)
            sync_api.expect(page.locator(".maplibregl-canvas")).to_be_visible(timeout=WAIT_MS)
            assert page.locator('[data-testid="stPlotlyChart"]').first.locator(".xy").count() == 0
    page.get_by_role("button", name="■ Stop").click()
    assert len(seen) >= 4 and any("(0 events)" in text for text in seen), seen
    page.close()
    assert not errors, errors


def test_each_detail_tab_draws_without_console_errors(browser, server):
    page, errors = open_page(browser, server)
    open_tab(page, "Casualties")
    sync_api.expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(5, timeout=WAIT_MS)
    open_tab(page, "Control of the city")
    sync_api.expect(page.get_by_text(re.compile("^Control of the city: first reported"))).to_be_visible(timeout=WAIT_MS)
    open_tab(page, "Events and sources")
    sync_api.expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=WAIT_MS)
    page.close()
    assert not errors, errors


def test_an_undated_only_selection_logs_no_console_error(browser, server):
    page, errors = open_page(browser, server + "/?place=hammam_al_alil")
    sync_api.expect(page.get_by_text("No dated events in this selection")).to_be_visible(timeout=WAIT_MS)
    open_tab(page, "Undated events")
    sync_api.expect(page.get_by_text(re.compile(r"^Undated events \(no date"))).to_be_visible(timeout=WAIT_MS)
    page.close()
    assert not errors, errors


ALLOWED_LATIN = {"ACLED", "CSV", "UTF", "GeoJSON", "Parquet", "out", "English"}
"""Format names, the output folder's name and the language switch's own name for English."""
ICON_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
"""Streamlit's material icons are ligatures written as words (keyboard_double_arrow_left)."""


def test_arabic_mode_leaves_no_english_label(browser, server):
    page, errors = open_page(browser, server + "/?lang=ar")
    sync_api.expect(page.get_by_role("heading", name=re.compile("^معركة الموصل"))).to_be_visible(timeout=WAIT_MS)
    texts = page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stWidgetLabel"], [data-testid="stMetricLabel"], h1, h2, h3, [data-testid="stCaptionContainer"],'
        + ' button, [data-testid="stRadio"] label, .legendtext, .xtick text, .annotation-text')]
        .filter(e => !e.closest('[data-testid="stHtml"]')).map(e => e.textContent)""")
    english = {word for text in texts for word in re.findall(r"[A-Za-z]{2,}", ICON_NAME.sub("", text))} - ALLOWED_LATIN
    page.screenshot(path=str(ARTIFACTS / "arabic.png"))
    page.close()
    assert english == set(), english
    assert not errors, errors


def test_a_change_of_language_redraws_the_chosen_filters_in_arabic(browser, server):
    page, errors = open_page(browser, server)
    types = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").nth(1)
    types.locator("input").fill("Shelling")
    page.get_by_role("option", name="Shelling", exact=True).click()
    page.keyboard.press("Escape")
    sync_api.expect(types).to_contain_text("Shelling", timeout=WAIT_MS)
    page.get_by_test_id("stSidebar").get_by_text("العربية").click()
    sync_api.expect(page.get_by_role("heading", name=re.compile("^معركة الموصل"))).to_be_visible(timeout=WAIT_MS)
    types = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").nth(1)
    sync_api.expect(types).to_contain_text("قصف", timeout=WAIT_MS)
    phase = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.locator("input")
    sync_api.expect(phase).to_have_value("تواريخ مخصصة", timeout=WAIT_MS)
    assert "Shelling" not in types.text_content()
    page.close()
    assert not errors, errors


def shoot(page, name: str) -> None:
    """A screenshot for the README: the page as a reader sees it, written to docs/."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))
    shutil.copyfile(ARTIFACTS / name, ROOT / "docs" / name)


@pytest.mark.skipif(os.environ.get("UPDATE_SCREENSHOT") != "1" or not (BUNDLED_OUTPUT / "events.parquet").exists(),
                    reason="refreshes the README screenshots in docs/: set UPDATE_SCREENSHOT=1 after a pipeline run")
def test_bundled_corpus_renders_for_the_readme_screenshots(browser):
    proc, url = serve(BUNDLED_OUTPUT, ROOT / "data" / "campaigns" / "mosul")
    try:
        page, errors = open_page(browser, url)
        page.wait_for_timeout(3000)  # a picture, not a check: let MapLibre draw its labels
        shoot(page, "screenshot.png")
        page.get_by_text("Neighbourhood areas").click()
        sync_api.expect(page.get_by_text(re.compile("^Neighbourhood areas are approximate"))).to_be_visible(
            timeout=WAIT_MS)
        page.locator('[data-testid="stPlotlyChart"]').first.screenshot(path=str(ARTIFACTS / "areas.png"))
        shutil.copyfile(ARTIFACTS / "areas.png", ROOT / "docs" / "areas.png")
        page.get_by_text("Control over time").click()
        sync_api.expect(page.get_by_text(re.compile("^From advance events"))).to_be_visible(timeout=WAIT_MS)
        page.get_by_test_id("stMain").get_by_role("slider").first.press("End")
        sync_api.expect(page.get_by_text(re.compile("Colours on 2017-07-31"))).to_be_visible(timeout=WAIT_MS)
        page.wait_for_timeout(3000)  # a picture, not a check: let MapLibre draw its labels
        page.locator('[data-testid="stPlotlyChart"]').first.screenshot(path=str(ARTIFACTS / "control.png"))
        shutil.copyfile(ARTIFACTS / "control.png", ROOT / "docs" / "control.png")
        page.close()
        arabic, more_errors = open_page(browser, url + "/?lang=ar")
        arabic.wait_for_timeout(3000)  # a picture, not a check: let MapLibre draw its labels
        shoot(arabic, "arabic.png")
        arabic.close()
        assert not errors + more_errors, errors + more_errors
    finally:
        proc.terminate()
        proc.wait(timeout=10)
