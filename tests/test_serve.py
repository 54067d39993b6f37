"""The dashboard's launcher: `streamlit run dashboard.py` with the view's libraries imported before serving."""

import subprocess
import sys
from pathlib import Path

from pipeline.view import serve

ROOT = Path(__file__).resolve().parents[1]


def test_the_launcher_runs_the_dashboard_with_the_options_it_was_given():
    argv = serve.streamlit_argv(["--server.port", "8600", "--", "--events", "out"])
    assert argv == ["streamlit", "run", str(ROOT / "dashboard.py"), "--server.port", "8600", "--", "--events", "out"]


def test_preloading_imports_the_page_libraries_and_no_language_models():
    probe = ("import sys; from pipeline.view import serve; serve.preload(); "
             "print(all(m in sys.modules for m in ('pandas', 'pyarrow.parquet', 'shapely', 'plotly.graph_objs._scattermap',"
             " 'streamlit.elements.plotly_chart', 'pipeline.view.charts')), 'torch' in sys.modules,"
             " 'camel_tools' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False", "False"]
