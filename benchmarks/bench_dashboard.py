"""Dashboard timings on synthetic events: query-layer load and filter change, and whole-script renders.

    .venv/bin/python benchmarks/bench_dashboard.py [--sizes 10000 100000] [--repeat 5]

Prints, per size: load_events (Parquet), a filter change through the query layer (filter + header totals +
every aggregation the page draws; goal < 300 ms at 100k), the figures built for it, and through AppTest the
first render of dashboard.py and a rerun after a neighbourhood is chosen (script time; no browser drawing).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from factories import synthetic_events, write_campaign  # noqa: E402
from pipeline import charts, maplayers, query  # noqa: E402
from pipeline.campaign import load_campaign  # noqa: E402
from pipeline.i18n import load_labels  # noqa: E402


def best_ms(step, repeat: int) -> float:
    """Median wall time of `repeat` calls, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def filter_change(events, filters):
    """What one filter change costs the query layer: the filter, the header and every aggregation shown."""
    rows = query.filter_events(events, filters)
    return (rows, query.headline(rows), query.events_over_time(rows, "D"), query.casualties_over_time(rows, "D"),
            query.casualties_by_victims(rows), query.top_places(rows), query.place_summary(rows),
            query.cumulative_statements(rows))


def figures(rows, milestones, layers, labels):
    mapped = rows.nlargest(5000, "confidence")
    return (charts.map_figure(mapped, layers, (36.345, 43.14), 11.5, labels, "en"),
            charts.timeline_figure(query.events_over_time(rows), milestones, labels, "en"),
            charts.range_figure(query.casualties_over_time(rows), "period", labels, "en"))


def app_render_ms(out: Path, campaign: Path) -> tuple[float, float]:
    from streamlit.testing.v1 import AppTest

    os.environ["MOSUL_EVENTS_DIR"], os.environ["MOSUL_CAMPAIGN_DIR"] = str(out), str(campaign)
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    start = time.perf_counter()
    app.run()
    first = (time.perf_counter() - start) * 1000
    assert not app.exception, app.exception
    app.multiselect(key="places").set_value(["old_city"])
    start = time.perf_counter()
    app.run()
    return first, (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    labels = load_labels()
    change = query.Filters(date_from=date(2017, 2, 19), date_to=date(2017, 7, 10), places=("old_city", "tayaran"),
                           event_types=("airstrike", "shelling", "clash"), min_confidence=0.2)
    print(f"{'events':>8} {'load ms':>9} {'filter change ms':>17} {'figures ms':>11} {'first render ms':>16} "
          f"{'rerun ms':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        campaign = write_campaign(Path(tmp) / "campaign")
        loaded = load_campaign(campaign)
        milestones = query.milestones_frame(loaded)
        layers = maplayers.load_map_layers(loaded, query.places_frame(loaded))
        for size in args.sizes:
            out = Path(tmp) / f"out{size}"
            out.mkdir()
            synthetic_events(size).to_parquet(out / "events.parquet", index=False)
            load = best_ms(partial(query.load_events, out), args.repeat)
            events = query.load_events(out)
            query_ms = best_ms(partial(filter_change, events, change), args.repeat)
            rows = query.filter_events(events, query.Filters())
            figure_ms = best_ms(partial(figures, rows, milestones, layers, labels), max(1, args.repeat // 2))
            first, rerun = app_render_ms(out, campaign)
            print(f"{size:>8,} {load:>9.0f} {query_ms:>17.0f} {figure_ms:>11.0f} {first:>16.0f} {rerun:>9.0f}")


if __name__ == "__main__":
    main()
