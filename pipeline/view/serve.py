"""Serve the dashboard as `streamlit run dashboard.py` does, with the view's libraries imported first.

    python -m pipeline.view.serve [streamlit options] [-- dashboard options]

Streamlit imports a script's libraries on the first visit and the page reads the run's tables on its first run, so
the first visitor of a fresh server waited for pandas, pyarrow, shapely, plotly and Streamlit's chart modules
(about half a second of a 2-core machine's time) and then for the campaign and the events to be read and joined
(about as long again at 100k events). Here both are done before the server starts listening: the libraries are
imported and the output the page will show is read into the page's caches (`page_data.warm`), so a server that
answers is ready. What the page draws is still computed per visit.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard.py"
PRELOADED = ("pandas", "pyarrow.parquet", "shapely", "yaml", "plotly.graph_objects", "plotly.io",
             "streamlit.elements.plotly_chart", "streamlit.emojis", "pipeline.view.aggregates", "pipeline.view.charts",
             "pipeline.view.exports", "pipeline.view.filtering", "pipeline.view.maplayers", "pipeline.view.reader",
             "pipeline.view.page_data", "pipeline.view.retaking", "pipeline.view.tables")
"""What the page imports on a first visit (streamlit.emojis: set_page_config's icon check)."""
FIGURE_CLASSES = ("Figure", "Bar", "Scatter", "Scattermap", "Choroplethmap")
"""plotly.graph_objects loads each figure class's module when it is first named."""


def preload() -> None:
    for name in PRELOADED:
        importlib.import_module(name)
    figures = importlib.import_module("plotly.graph_objects")
    for name in FIGURE_CLASSES:
        getattr(figures, name)


def streamlit_argv(args: list[str]) -> list[str]:
    """The command line of `streamlit run dashboard.py` with these options."""
    return ["streamlit", "run", str(DASHBOARD), *args]


def dashboard_options(args: list[str]) -> list[str]:
    """The options after `--`: the page's own (--events, --campaign, --data-dir)."""
    return args[args.index("--") + 1:] if "--" in args else []


def main(args: list[str] | None = None) -> None:
    from streamlit.web import cli

    from pipeline.view import page_data

    args = sys.argv[1:] if args is None else args
    preload()
    page_data.warm(dashboard_options(args))
    sys.argv = streamlit_argv(args)
    cli.main()


if __name__ == "__main__":
    main()
