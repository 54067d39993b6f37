"""Peak memory of a run against corpus size: does it stay flat?

Usage: .venv/bin/python benchmarks/bench_memory.py N [N ...] [--workers W]
For each N, writes the SYNTHETIC corpus of benchmarks/synthetic.py (never shipped, never shown) as JSONL to a
temporary folder, runs `python -m pipeline run` on it
in a subprocess and samples the resident memory of that process and its workers every 0.2 s. Prints, per N,
the wall time, articles/s, the peak RSS of the main process, of the largest worker, and of all together.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from rss import PeakRss  # noqa: E402
from synthetic import write_jsonl  # noqa: E402


def measure(n: int, workers: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        corpus = Path(tmp) / "synthetic.jsonl"
        chars = write_jsonl(corpus, ROOT / "data/campaigns/mosul/corpus", n)
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--articles", str(corpus), "--out",
                                 str(Path(tmp) / "out"), "--no-cache", "--quiet", "--no-progress",
                                 "--workers", str(workers)], cwd=ROOT)
        with PeakRss(proc.pid) as peaks:
            proc.wait()
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"run failed with exit {proc.returncode}")
        rows = pq.ParquetFile(Path(tmp) / "out" / "events.parquet").metadata.num_rows
    return {"articles": n, "chars": chars, "event_rows": rows, "seconds": round(seconds, 1),
            "articles_per_s": round(n / seconds, 1), "peak_rss_main_mb": round(peaks.main / 2**20),
            "peak_rss_worker_mb": round(peaks.largest_child / 2**20),
            "peak_rss_all_mb": round(peaks.together / 2**20), "workers": workers}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    for n in args.sizes:
        print(json.dumps(measure(n, args.workers)), flush=True)


if __name__ == "__main__":
    main()
