"""The synthetic corpus the benchmarks time: the bundled articles' paragraphs in new orders, never real reporting.

Each article joins the paragraphs of one bundled article with one paragraph of another, shuffled, and ends with
a numbered line, so every article has its own content hash (no cache hits). A quarter have no publication date,
so date inference is timed too. Written as a folder of synthetic-benchmark-*.txt files with a manifest, or as
one JSONL file; a folder gets a note saying what the files are. Nothing here is written into data/.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Iterator

LABEL = ("SYNTHETIC BENCHMARK CORPUS. These files are generated from the bundled articles by the benchmarks "
         "for timing only: they are not real reporting and must not be mapped.\n")


def synthetic_articles(bundled: Path, n: int, seed: int = 17) -> Iterator[tuple[str, str, str]]:
    """(id, text, published) of N synthetic articles made from the .txt articles in `bundled`."""
    rng = random.Random(seed)
    paragraphs_by_article = [[p for p in path.read_text(encoding="utf-8").split("\n") if p.strip()]
                             for path in sorted(bundled.glob("*.txt"))]
    for i in range(n):
        base = paragraphs_by_article[i % len(paragraphs_by_article)]
        extra = paragraphs_by_article[rng.randrange(len(paragraphs_by_article))]
        paragraphs = base + rng.sample(extra, k=min(1, len(extra)))
        rng.shuffle(paragraphs)
        published = "" if i % 4 == 0 else f"2017-0{3 + i % 4}-1{i % 10}"
        yield f"synthetic-benchmark-{i:07d}", "\n".join(paragraphs) + f"\nنسخة رقم {i}.", published


def write_folder(folder: Path, bundled: Path, n: int) -> Path:
    """The corpus as .txt files with a manifest.csv; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.md").write_text(LABEL, encoding="utf-8")
    with open(folder / "manifest.csv", "w", encoding="utf-8") as manifest:
        manifest.write("id,published,outlet,url,title\n")
        for article_id, text, published in synthetic_articles(bundled, n):
            (folder / f"{article_id}.txt").write_text(text, encoding="utf-8")
            manifest.write(f"{article_id},{published},synthetic-benchmark,,\n")
    return folder


def write_jsonl(path: Path, bundled: Path, n: int) -> int:
    """The corpus as one JSONL file (for large N); returns its number of characters."""
    chars = 0
    with open(path, "w", encoding="utf-8") as fh:
        for article_id, text, published in synthetic_articles(bundled, n):
            chars += len(text)
            fh.write(json.dumps({"id": f"{article_id}", "text": text, "published": published,
                                 "outlet": "synthetic-benchmark"}, ensure_ascii=False) + "\n")
    return chars
