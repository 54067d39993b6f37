"""Dashboard timings on synthetic events: the query layer, and the page in a real browser (Debian's Chromium).

    .venv/bin/python benchmarks/bench_dashboard.py [--sizes 10000 100000] [--repeat 3] [--rounds 1] [--no-browser]

Per size it prints: load_events (Parquet), a filter change through the query layer (filter, header totals and
every aggregation the page draws), then in Chromium against `python -m pipeline.view.serve -- --events DIR` (the
launcher of scripts/start.sh; `--plain` measures `streamlit run dashboard.py` instead):
first render (page opened until the header, the map canvas and the timeline are drawn; the server's first
script run with its cold cache included), a reload in a new tab (warm cache), and a filter change (an event type
chosen in the sidebar until the header shows the new count, and until the whole page has finished its rerun).
`--rounds N` measures the browser N times per size, each with a fresh server (a first render is one sample per
server), one line per round with the load average when it started. The server's CPU time for the first page
(cold caches) and for the new tab is printed too, and the CPU time all of Chromium's processes spent on the
first page: they are steadier than wall time on a shared machine.
`--floor` also measures, per round, the same first render of a bare Streamlit page written to a temporary folder
(one metric, a plotly map with one point, a bar chart: what any Streamlit page with a plotly map costs this machine
and browser), so that the dashboard's own share of a first render can be told from the machine's speed at the time.
Goals on a 2-core machine at 100k events: first render <= 5 s, filter change <= 1.5 s.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from factories import synthetic_events  # noqa: E402
from pipeline.view import aggregates, filtering, tables  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CAMPAIGN = ROOT / "data" / "campaigns" / "mosul"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
WAIT_MS = 300_000


def median_ms(step, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def filter_change(events, filters):
    """What one filter change costs the query layer: the filter, the header and every aggregation shown."""
    rows = filtering.filter_events(events, filters)
    dated = filtering.dated_events(rows)
    return (aggregates.headline(rows), aggregates.events_by_bank_over_time(dated, "D"), aggregates.window_spans(dated),
            aggregates.casualties_over_time(rows, "D"), aggregates.casualties_by_victims(rows), aggregates.top_places(rows),
            aggregates.area_level_counts(dated), aggregates.cumulative_statements(rows))


FLOOR_PAGE = """import plotly.graph_objects as go
import streamlit as st

st.set_page_config(layout="wide")
st.metric("Events", "100,000")
figure = go.Figure([go.Scattermap(lat=[36.34], lon=[43.13], mode="markers")])
figure.update_layout(map=dict(style="white-bg", center=dict(lat=36.34, lon=43.13), zoom=11), height=600)
st.plotly_chart(figure)
st.plotly_chart(go.Figure([go.Bar(x=[1, 2], y=[3, 4])]))
"""


def serve(out: Path, plain: bool) -> tuple[subprocess.Popen, str]:
    command = ["-m", "streamlit", "run", "dashboard.py"] if plain else ["-m", "pipeline.view.serve"]
    return start_server([*command, "--server.headless", "true"],
                        ["--", "--events", str(out), "--campaign", CAMPAIGN.name])


def start_server(command: list[str], script_args: list[str]) -> tuple[subprocess.Popen, str]:
    """A Streamlit server on a free port, once it answers its health check."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, *command, "--server.port", str(port), "--server.address", "127.0.0.1", *script_args],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 300
    while True:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            return proc, url
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("streamlit did not start")
            time.sleep(0.1)


def rendered(page, expect, marks: dict | None = None, start: float = 0.0) -> None:
    """Wait for the page to be drawn; `marks` gets the time the app shell and the header appeared."""
    expect(page.get_by_test_id("stApp")).to_be_attached(timeout=WAIT_MS)
    if marks is not None:
        marks["shell"] = (time.perf_counter() - start) * 1000
    expect(page.get_by_test_id("stMetricValue").first).to_be_visible(timeout=WAIT_MS)
    if marks is not None:
        marks["first_header"] = (time.perf_counter() - start) * 1000
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(2, timeout=WAIT_MS)
    expect(page.locator(".maplibregl-canvas")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator(".js-plotly-plot .barlayer").first).to_be_attached(timeout=WAIT_MS)


def idle(page, expect) -> None:
    """The rerun has finished: Streamlit's running indicator is gone."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=WAIT_MS)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def browser_cpu_seconds(profile: str) -> float:
    """CPU time so far of every Chromium process of this profile (the browser, its renderers, its GPU process)."""
    import psutil

    total = 0.0
    for proc in psutil.process_iter(["cmdline", "cpu_times"]):
        if any(part.startswith("--user-data-dir=") and part.endswith(profile) for part in proc.info["cmdline"] or ()):
            times = proc.info["cpu_times"]
            total += times.user + times.system
    return total


@contextlib.contextmanager
def chromium():
    """Debian's Chromium with a fresh profile: the browser context and the profile folder (for its processes' CPU)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS, viewport={"width": 1400, "height": 2000})
        try:
            yield context, profile
        finally:
            context.close()


def first_page(context, profile: str, url: str, server_pid: int):
    """Open the page in a new tab until drawn and idle: the page and its marks (app shell, header, first render in
    ms; the server's and the browser's CPU seconds)."""
    from playwright.sync_api import expect

    page = context.new_page()
    marks = {}
    cpu, browser_cpu = cpu_seconds(server_pid), browser_cpu_seconds(profile)
    start = time.perf_counter()
    page.goto(url)
    rendered(page, expect, marks, start)
    marks["first"] = (time.perf_counter() - start) * 1000
    idle(page, expect)
    marks["first_cpu"] = cpu_seconds(server_pid) - cpu
    marks["browser_cpu"] = browser_cpu_seconds(profile) - browser_cpu
    return page, marks


def floor_ms(folder: Path) -> tuple[float, float]:
    """First render and the browser's CPU seconds for the bare page of FLOOR_PAGE, waited for as the dashboard is."""
    page_file = folder / "floor_page.py"
    page_file.write_text(FLOOR_PAGE, encoding="utf-8")
    proc, url = start_server(["-m", "streamlit", "run", str(page_file), "--server.headless", "true",
                              "--server.fileWatcherType", "none"], [])
    try:
        with chromium() as (context, profile):
            _, marks = first_page(context, profile, url, proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return marks["first"], marks["browser_cpu"]


def browser_ms(out: Path, repeat: int, plain: bool) -> dict[str, float]:
    from playwright.sync_api import expect

    proc, url = serve(out, plain)
    try:
        with chromium() as (context, profile):
            page, marks = first_page(context, profile, url, proc.pid)
            reload, reload_marks = first_page(context, profile, url, proc.pid)
            marks["reload"], marks["reload_cpu"] = reload_marks["first"], reload_marks["first_cpu"]
            reload.close()
            header, whole = [], []
            events = page.get_by_test_id("stMetric").first.get_by_test_id("stMetricValue")
            for event_type in ("Airstrike", "Shelling", "Clash", "Sniper", "Advance")[:repeat]:
                before = events.text_content()
                box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").nth(1).locator("input")
                box.fill(event_type)
                expect(page.get_by_role("option", name=event_type, exact=True)).to_be_visible(timeout=WAIT_MS)
                start = time.perf_counter()
                box.press("Enter")
                expect(events).not_to_have_text(before, timeout=WAIT_MS)
                header.append((time.perf_counter() - start) * 1000)
                idle(page, expect)
                whole.append((time.perf_counter() - start) * 1000)
                page.keyboard.press("Escape")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"header": statistics.median(header), "whole": statistics.median(whole), **marks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=1, help="browser measurements per size, a fresh server each")
    parser.add_argument("--no-browser", action="store_true", help="query-layer timings only")
    parser.add_argument("--plain", action="store_true",
                        help="serve with `streamlit run dashboard.py` (imports on the first visit), not the launcher")
    parser.add_argument("--floor", action="store_true",
                        help="per round, also the first render of a bare page with one metric, map and bar chart")
    args = parser.parse_args()
    browser = not args.no_browser and os.path.exists(CHROMIUM)
    change = filtering.Filters(date_from=date(2017, 2, 19), date_to=date(2017, 7, 10), places=("old_city", "tayaran"),
                           event_types=("airstrike", "shelling", "clash"), min_confidence=0.2)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; server: "
          + ("streamlit run dashboard.py" if args.plain else "python -m pipeline.view.serve"))
    print(f"{'events':>8} {'load ms':>8} {'query change ms':>16}" + (
        f" {'loadavg':>8} {'shell ms':>9} {'header ms':>10} {'first render ms':>16} {'reload ms':>10}"
        f" {'filter->header ms':>18} {'filter->idle ms':>16} {'server cpu s':>13} {'browser cpu s':>14}"
        f" {'reload cpu s':>13}" + (f" {'floor first ms':>15} {'floor cpu s':>12}" if args.floor else "")
        if browser else ""))
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            out = Path(tmp) / f"run{size}"
            out.mkdir()
            synthetic_events(size).to_parquet(out / "events.parquet", index=False)
            load = median_ms(partial(tables.load_events, out), args.repeat)
            events = tables.load_events(out)
            query_ms = median_ms(partial(filter_change, events, change), args.repeat)
            line = f"{size:>8,} {load:>8.0f} {query_ms:>16.0f}"
            if not browser:
                print(line, flush=True)
            for _ in range(args.rounds if browser else 0):
                loadavg = os.getloadavg()[0]
                timings = browser_ms(out, args.repeat, args.plain)
                floor = ""
                if args.floor:
                    floor_first, floor_cpu = floor_ms(Path(tmp))
                    floor = f" {floor_first:>15.0f} {floor_cpu:>12.2f}"
                print(line + f" {loadavg:>8.1f} {timings['shell']:>9.0f} {timings['first_header']:>10.0f}"
                      f" {timings['first']:>16.0f} {timings['reload']:>10.0f} {timings['header']:>18.0f}"
                      f" {timings['whole']:>16.0f} {timings['first_cpu']:>13.2f} {timings['browser_cpu']:>14.2f}"
                      f" {timings['reload_cpu']:>13.2f}" + floor,
                      flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
