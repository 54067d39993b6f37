"""The output folder is one set: swapped in whole, locked, checked before any work, never half-written."""

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.cli import EXIT_USAGE, main
from pipeline.corpus.output_set import OutputSet

ROOT = Path(__file__).resolve().parents[1]
FILES = ("events.csv", "events.parquet", "articles.csv", "article_texts.jsonl", "run.json")
STRIKE = "قصفت طائرات التحالف حي الزهراء في الموصل يوم الأحد مما أسفر عن مقتل {n} مدنيين وإصابة 7 آخرين."


def make_corpus(folder: Path, n: int, start: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        (folder / f"a{i:05d}.txt").write_text(STRIKE.format(n=i + 2) + "\n" + "وقال مصدر أمني إن القوات تقدمت.\n" * 20,
                                             encoding="utf-8")
    return folder


def run(*args) -> int:
    return main(["run", "--quiet", "--no-progress", *args])


def snapshot(out: Path) -> dict:
    return {name: (out / name).read_bytes() for name in FILES}


def test_a_finished_run_leaves_only_the_output_folder_beside_it(tmp_path):
    corpus = make_corpus(tmp_path / "in", 3)
    assert run("--articles", str(corpus), "--out", str(tmp_path / "out")) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([*FILES, ".cache"])


def test_output_files_are_readable_by_everyone(tmp_path):
    corpus = make_corpus(tmp_path / "in", 1)
    assert run("--articles", str(corpus), "--out", str(tmp_path / "out")) == 0
    for name in FILES:
        assert stat.S_IMODE((tmp_path / "out" / name).stat().st_mode) == 0o644


def test_a_second_run_while_the_folder_is_locked_exits_2_and_changes_nothing(tmp_path, capsys):
    corpus = make_corpus(tmp_path / "in", 1)
    out = tmp_path / "out"
    assert run("--articles", str(corpus), "--out", str(out)) == 0
    before = snapshot(out)
    with OutputSet(out):
        assert run("--articles", str(corpus), "--out", str(out), "--no-cache") == EXIT_USAGE
    assert "another run is writing" in capsys.readouterr().err
    assert snapshot(out) == before


@pytest.mark.parametrize("make_out, problem", [
    (lambda tmp: tmp / "file.txt", "is a file"),
    (lambda tmp: "", "--out is empty"),
    (lambda tmp: tmp / "in" / "out", "inside the input"),
    (lambda tmp: tmp / "in", "inside the input"),
    (lambda tmp: tmp, "is inside --out"),
])
def test_an_unusable_out_is_refused_before_any_work(make_out, problem, tmp_path, capsys):
    corpus = make_corpus(tmp_path / "in", 1)
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "thesis.docx").write_text("mine")
    assert run("--articles", str(corpus), "--out", str(make_out(tmp_path))) == EXIT_USAGE
    assert problem in capsys.readouterr().err
    assert (tmp_path / "notes" / "thesis.docx").read_text() == "mine"
    assert not (corpus / "out").exists()


def test_files_of_ones_own_in_out_are_kept_across_runs(tmp_path):
    corpus = make_corpus(tmp_path / "in", 1)
    out = tmp_path / "out"
    (out / "notes").mkdir(parents=True)
    (out / "notes" / "thesis.docx").write_text("mine")
    for _ in range(2):
        assert run("--articles", str(corpus), "--out", str(out), "--no-cache") == 0
    assert (out / "notes" / "thesis.docx").read_text() == "mine"
    assert (out / "events.csv").is_file()


def test_a_log_written_into_out_during_the_run_keeps_every_line(tmp_path):
    corpus = make_corpus(tmp_path / "in", 2)
    out = tmp_path / "out"
    out.mkdir()
    with open(out / "log", "w", encoding="utf-8") as log:
        log.write("before\n")
        log.flush()
        proc = _spawn(corpus, out)
        assert proc.wait(timeout=600) == 0, proc.stderr.read()
        log.write("after\n")
    assert (out / "log").read_text(encoding="utf-8") == "before\nafter\n"
    assert (out / "run.json").is_file()


def test_user_files_left_in_a_killed_runs_folder_are_put_back(tmp_path):
    corpus = make_corpus(tmp_path / "in", 1)
    out = tmp_path / "out"
    assert run("--articles", str(corpus), "--out", str(out)) == 0
    (tmp_path / ".out.new-123-abcd").mkdir()
    (tmp_path / ".out.new-123-abcd" / "events.csv").write_text("half")
    (tmp_path / ".out.new-123-abcd" / "log").write_text("mine")
    assert run("--articles", str(corpus), "--out", str(out)) == 0
    assert (out / "log").read_text() == "mine"
    assert (out / "events.csv").read_text() != "half"


def test_an_unwritable_out_is_refused_before_any_work(tmp_path, capsys):
    corpus = make_corpus(tmp_path / "in", 1)
    assert run("--articles", str(corpus), "--out", "/proc/no-such-output") == EXIT_USAGE
    assert "cannot be written" in capsys.readouterr().err


def test_leftovers_of_a_killed_run_are_removed_by_the_next(tmp_path):
    corpus = make_corpus(tmp_path / "in", 1)
    (tmp_path / ".out.new-123-abcd").mkdir()
    (tmp_path / ".out.new-123-abcd" / "events.csv").write_text("half")
    assert run("--articles", str(corpus), "--out", str(tmp_path / "out")) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]


def test_a_previous_set_caught_between_two_renames_is_put_back(tmp_path):
    corpus = make_corpus(tmp_path / "in", 1)
    out = tmp_path / "out"
    assert run("--articles", str(corpus), "--out", str(out)) == 0
    os.rename(out, tmp_path / ".out.old-1-abcd")
    with OutputSet(out):
        assert (out / "run.json").is_file()


def _wait_for(condition, timeout=300):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.05)


def _spawn(corpus, out, *extra):
    return subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--articles", str(corpus), "--out", str(out),
                             "--quiet", "--no-progress", "--no-cache", "--workers", "1", *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_run_killed_while_writing_leaves_the_previous_set_and_the_next_run_completes(tmp_path):
    small = make_corpus(tmp_path / "small", 2)
    big = make_corpus(tmp_path / "big", 300)
    out = tmp_path / "out"
    assert run("--articles", str(small), "--out", str(out)) == 0
    before = snapshot(out)
    proc = _spawn(big, out)
    _wait_for(lambda: any((p / "articles.csv").is_file() and (p / "articles.csv").stat().st_size > 2000
                          for p in tmp_path.glob(".out.new-*")))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert snapshot(out) == before
    assert run("--articles", str(big), "--out", str(out), "--workers", "1") == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big", "out", "small"]
    info = json.loads((out / "run.json").read_text("utf-8"))
    assert info["counts"]["articles_by_status"] == {"ok": 300}


def test_two_concurrent_runs_never_mix_their_sets(tmp_path):
    one = make_corpus(tmp_path / "one", 40)
    two = make_corpus(tmp_path / "two", 40, start=500)
    out = tmp_path / "out"
    procs = [_spawn(one, out), _spawn(two, out)]
    codes = [p.wait() for p in procs]
    errors = [p.stderr.read() for p in procs]
    assert 0 in codes and set(codes) <= {0, EXIT_USAGE}, errors
    assert all("another run is writing" in e for c, e in zip(codes, errors) if c == EXIT_USAGE)
    import pandas as pd

    events = pd.read_parquet(out / "events.parquet")
    ids = set(pd.read_csv(out / "articles.csv", dtype=str)["article_id"])
    assert set(events["article_id"]) <= ids and len(ids) == 40
    texts = {json.loads(line)["article_id"] for line in (out / "article_texts.jsonl").read_text("utf-8").splitlines()}
    assert texts == ids
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one", "out", "two"]
