"""Serve the dashboard as `streamlit run dashboard.py` does, with the view's libraries imported first.

    python -m pipeline.view.serve [streamlit options] [-- dashboard options]

Streamlit imports a script's libraries on the first visit, so the first visitor of a fresh server also waited for
pandas, pyarrow, shapely, plotly and Streamlit's chart modules (about half a second of a 2-core machine's time,
before any data is read). Imported here before the server starts listening, they are ready when the first page
asks. What the page computes is not done ahead: its caches start cold as with `streamlit run`.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard.py"
PRELOADED = ("pandas", "pyarrow.parquet", "shapely", "yaml", "plotly.graph_objects", "plotly.io",
             "streamlit.elements.plotly_chart", "streamlit.emojis", "pipeline.view.aggregates", "pipeline.view.charts",
             "pipeline.view.exports", "pipeline.view.filtering", "pipeline.view.maplayers", "pipeline.view.reader",
             "pipeline.view.retaking", "pipeline.view.tables")
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


def main(args: list[str] | None = None) -> None:
    from streamlit.web import cli

    preload()
    sys.argv = streamlit_argv(sys.argv[1:] if args is None else args)
    cli.main()


if __name__ == "__main__":
    main()
