"""Pipeline throughput: articles per second over a synthetic corpus made from the bundled articles.

Usage: .venv/bin/python benchmarks/bench_pipeline.py [N_ARTICLES]
Each synthetic article is a bundled article with its paragraphs rotated and a numbered line added, so
every one has its own content hash (no cache hits, no duplicates). Prints cold and cached timings.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import Settings  # noqa: E402
from pipeline.run import run_pipeline  # noqa: E402


def make_corpus(folder: Path, n: int, settings: Settings) -> Path:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(settings.default_corpus.glob("*.txt"))]
    path = folder / "corpus.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            paragraphs = seeds[i % len(seeds)].split("\n")
            k = i % max(1, len(paragraphs))
            text = "\n".join(paragraphs[k:] + paragraphs[:k]) + f"\nنسخة رقم {i}."
            fh.write(json.dumps({"id": f"synthetic_{i:06d}", "text": text, "published": "2017-03-01"}, ensure_ascii=False) + "\n")
    return path


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    settings = Settings(progress=False)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = make_corpus(Path(tmp), n, settings)
        chars = sum(len(json.loads(line)["text"]) for line in corpus.open(encoding="utf-8"))
        out = Path(tmp) / "out"
        t = time.perf_counter()
        cold = run_pipeline(corpus, None, out, settings)
        cold_s = time.perf_counter() - t
        t = time.perf_counter()
        warm = run_pipeline(corpus, None, out, settings)
        warm_s = time.perf_counter() - t
    print(f"articles={n} chars={chars} event_rows={cold.n_events}")
    print(f"cold run: {cold_s:.2f} s ({n / cold_s:.1f} articles/s, {chars / cold_s / 1000:.0f} k chars/s)")
    print(f"cached rerun: {warm_s:.2f} s ({warm.cached} of {n} articles from the cache)")


if __name__ == "__main__":
    main()
