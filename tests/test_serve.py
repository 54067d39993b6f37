"""The dashboard's launcher: `streamlit run dashboard.py` with the view's libraries imported before serving."""

import subprocess
import sys
from pathlib import Path

from factories import sample_rows, write_campaign, write_output
from pipeline.view import page_data, serve, tables

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


def test_the_launcher_passes_the_page_its_own_options():
    assert serve.dashboard_options(["--server.port", "8600", "--", "--events", "out"]) == ["--events", "out"]
    assert serve.dashboard_options(["--server.port", "8600"]) == []


def test_warming_reads_the_output_the_page_will_show_into_its_cache(tmp_path, monkeypatch):
    out = write_output(tmp_path / "out", sample_rows())
    monkeypatch.setenv(page_data.CAMPAIGN_ENV, str(write_campaign(tmp_path / "campaign")))
    assert page_data.warm(["--events", str(out)])

    def read_again(folder):
        raise AssertionError(f"{folder} was read again")

    monkeypatch.setattr(tables, "load_events", read_again)
    events, *_ = page_data.page_tables(page_data.page_sources(["--events", str(out)]))
    assert len(events) == len(sample_rows())


def test_warming_leaves_a_missing_or_broken_output_to_the_page(tmp_path, monkeypatch):
    monkeypatch.setenv(page_data.CAMPAIGN_ENV, str(write_campaign(tmp_path / "campaign")))
    assert not page_data.warm(["--events", str(tmp_path / "no_such_run")])
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "events.parquet").write_bytes(b"not parquet")
    assert not page_data.warm(["--events", str(broken)])
