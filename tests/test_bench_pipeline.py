"""The pipeline benchmark: a labelled synthetic corpus outside the project, and every figure it promises printed."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import write_folder, write_jsonl  # noqa: E402


def test_synthetic_corpus_is_labelled_and_every_article_is_distinct(tmp_path, settings):
    folder = write_folder(tmp_path / "corpus", settings.default_corpus, 12)
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("synthetic-benchmark-*.txt"))]
    assert len(texts) == 12 and len(set(texts)) == 12
    assert "SYNTHETIC" in (folder / "README.md").read_text(encoding="utf-8")
    assert (folder / "manifest.csv").read_text(encoding="utf-8").count("synthetic-benchmark") >= 12


def test_synthetic_jsonl_corpus_reads_as_distinct_articles(tmp_path, settings):
    from pipeline.corpus.ingest import read_corpus

    write_jsonl(tmp_path / "corpus.jsonl", settings.default_corpus, 9)
    articles, reports = read_corpus(tmp_path / "corpus.jsonl", None, max_file_bytes=10**7)
    assert len(articles) == 9 == len({a.sha256 for a in articles}) and len(reports) == 9
    assert all(a.outlet == "synthetic-benchmark" for a in articles)


def test_benchmark_prints_throughput_ratio_memory_stages_and_start_up():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_pipeline.py"), "--n", "4", "--workers", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600, check=True).stdout
    compiled = "compiled with mypyc: " in out
    assert compiled or "extraction: plain Python" in out
    stages = () if compiled else ("document (normalise", "places", "event dates")  # compiled stages run as one
    for words in ("articles/s", "k chars/s", "per CPU-second", "bare read", "peak RSS", "start-up", "imports",
                  "lexicons", *stages, "outside extraction", "cache: writing", "duplicate merging", "writing events.csv"):
        assert words in out, words
    assert "camel_tools imported: False" in out and "torch imported: False" in out
    assert not list((ROOT / "data").rglob("synthetic-benchmark-*"))


def test_publication_date_benchmark_counts_right_wrong_and_undated_against_a_manifest(tmp_path):
    (tmp_path / "a1.txt").write_text("الموصل 2017.03.05 – قالت القوات إنها استعادت حي الطيران.", encoding="utf-8")
    (tmp_path / "a2.txt").write_text("قالت القوات إنها استعادت حي الطيران.", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("id,published,outlet,url,title\na1,2017-03-05,,,\na2,2017-03-06,,,\n",
                                           encoding="utf-8")
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_publication_dates.py"), str(tmp_path),
                          str(tmp_path / "manifest.csv")], cwd=ROOT, capture_output=True, text=True, timeout=600,
                         check=True).stdout
    assert "right 1, wrong 0, undated 1" in out


def test_peak_rss_reads_a_child_process_by_what_it_holds():
    from rss import PeakRss

    holds = 64 * 2**20
    code = (f"import sys; block = bytearray({holds}); block[::4096] = b'x' * len(block[::4096]); "
            "print('ready', flush=True); sys.stdin.read()")
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "ready\n"
        peaks = PeakRss(child.pid)
        peaks.sample()
        parent = PeakRss(os.getpid())
        parent.sample()
    finally:
        child.communicate("")
    assert peaks.main >= holds and peaks.largest_child == 0
    assert parent.largest_child >= holds and parent.together >= parent.main + parent.largest_child
