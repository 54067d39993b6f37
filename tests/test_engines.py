"""Every engine writes the same bytes: one process, worker processes, a Dask cluster of two workers."""

import json
from pathlib import Path

import pytest

from pipeline.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAME_BYTES = ("events.csv", "events.parquet", "articles.csv", "article_texts.jsonl")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The seed articles and the generalisation fixtures together, with a bad input among them."""
    folder = tmp_path_factory.mktemp("corpus")
    for source in (ROOT / "data/campaigns/mosul/corpus", ROOT / "tests/fixtures/generalisation"):
        for path in sorted(source.glob("*.txt")):
            (folder / path.name).write_bytes(path.read_bytes())
    (folder / "broken.txt").write_bytes(b"\x89PNG\r\n")
    return folder


def run_with(corpus, out, *options):
    assert main(["run", "--articles", str(corpus), "--out", str(out), "--quiet", "--no-progress", "--no-cache",
                 *options]) == 0
    return {name: (out / name).read_bytes() for name in SAME_BYTES}


@pytest.fixture(scope="module")
def single(corpus, tmp_path_factory):
    return run_with(corpus, tmp_path_factory.mktemp("one") / "out", "--workers", "1")


def test_the_single_worker_run_has_events(single):
    assert single["events.csv"].count(b"\n") > 20


def test_two_worker_processes_write_the_same_bytes_as_one(corpus, single, tmp_path):
    assert run_with(corpus, tmp_path / "out", "--workers", "2") == single


def test_small_batches_across_workers_write_the_same_bytes(corpus, single, tmp_path, monkeypatch):
    from pipeline import cli
    from pipeline.config import Settings

    real = cli._settings
    monkeypatch.setattr(cli, "_settings", lambda args: Settings(**{**real(args).__dict__, "batch_size": 1}))
    assert run_with(corpus, tmp_path / "out", "--workers", "2") == single


def test_a_dask_local_cluster_of_two_workers_writes_the_same_bytes(corpus, single, tmp_path):
    pytest.importorskip("dask.distributed")
    out = tmp_path / "out"
    assert run_with(corpus, out, "--engine", "dask", "--workers", "2") == single
    assert json.loads((out / "run.json").read_text("utf-8"))["engine"] == {"engine": "dask", "workers": 2,
                                                                           "batch_size": 32}


def test_an_existing_dask_scheduler_is_used_by_address(corpus, single, tmp_path, monkeypatch):
    distributed = pytest.importorskip("dask.distributed")
    import logging
    import sys
    import types

    # the cluster here stands for one started elsewhere: its workers must not re-run whatever script is __main__
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=logging.ERROR) as cluster:
        assert run_with(corpus, tmp_path / "out", "--engine", "dask", "--scheduler", cluster.scheduler_address) == single


def test_an_unreachable_scheduler_is_a_usage_error(corpus, tmp_path, capsys):
    pytest.importorskip("dask.distributed")
    code = main(["run", "--articles", str(corpus), "--out", str(tmp_path / "out"), "--quiet", "--engine", "dask",
                 "--scheduler", "tcp://127.0.0.1:9"])
    assert code == 2 and "Dask scheduler" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_scheduler_without_the_dask_engine_is_a_usage_error(corpus, tmp_path):
    assert main(["run", "--articles", str(corpus), "--out", str(tmp_path / "out"), "--scheduler", "tcp://x:1"]) == 2


def test_the_streamed_output_has_the_rows_of_merging_everything_in_memory(corpus, single, tmp_path, settings):
    import io

    import pandas as pd

    from pipeline.corpus.dedup import merge_duplicate_events
    from pipeline.extraction.extract import extract_article, load_resources
    from pipeline.corpus.ingest import read_corpus
    from pipeline.corpus.store import events_frame

    docs, _ = read_corpus(corpus, None, max_file_bytes=settings.max_file_bytes)
    resources = load_resources(settings)
    results = [extract_article(a, resources) for a in docs]
    events = merge_duplicate_events([e for r in results for e in r.events], resources.events.harm_types)
    expected = events_frame(events, {r.article.article_id: r.article for r in results})
    streamed = pd.read_parquet(io.BytesIO(single["events.parquet"]))
    pd.testing.assert_frame_equal(streamed, expected)


def test_a_main_script_without_a_guard_does_not_run_again_in_dask_workers(corpus, single, tmp_path, monkeypatch):
    """As under a Streamlit page: __main__ is a script whose top level would run the whole page again."""
    pytest.importorskip("dask.distributed")
    import sys
    import types

    script = tmp_path / "page.py"
    script.write_text("raise SystemExit('the page ran again in a worker')\n", encoding="utf-8")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page)
    assert run_with(corpus, tmp_path / "out", "--engine", "dask", "--workers", "2") == single
