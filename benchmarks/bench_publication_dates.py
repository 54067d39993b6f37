"""Publication dates inferred from article text alone, checked against a manifest's dates.

Usage: .venv/bin/python benchmarks/bench_publication_dates.py ARTICLES_DIR MANIFEST_CSV [--list]
Every .txt article of the folder is dated from its text (the manifest is not shown to the inference);
articles whose manifest date is known count as right (same day), wrong (another day) or undated (no
inference). Articles the manifest leaves undated are listed with what the text gave. --list prints
each wrong and undated article with the inference's evidence.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import Settings  # noqa: E402
from pipeline.extraction.dates import infer_publication_date, load_date_lexicon  # noqa: E402


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    folder, manifest = Path(argv[0]), Path(argv[1])
    lexicon = load_date_lexicon(Settings().load_campaign())
    with open(manifest, encoding="utf-8-sig", newline="") as fh:
        known = {r["id"]: r.get("published", "") or "" for r in csv.DictReader(fh)}
    counts = {"right": 0, "wrong": 0, "undated": 0}
    lines, unknown = [], []
    for path in sorted(folder.glob("*.txt")):
        if path.stem not in known:
            continue
        inferred = infer_publication_date(path.read_text(encoding="utf-8"), lexicon)
        day = inferred.date.isoformat() if inferred.date else ""
        truth = known[path.stem]
        if not truth:
            unknown.append(f"{path.stem}: {day or 'undated'} {'; '.join(inferred.evidence)}")
            continue
        verdict = "undated" if not day else "right" if day == truth else "wrong"
        counts[verdict] += 1
        if verdict != "right":
            lines.append(f"{verdict:8s}{path.stem}: manifest {truth}, text {day or '-'} {'; '.join(inferred.evidence)}")
    total = sum(counts.values())
    print(f"articles with a manifest date: {total}; right {counts['right']}, wrong {counts['wrong']}, "
          f"undated {counts['undated']}; manifest undated: {len(unknown)}")
    if "--list" in argv:
        print("\n".join(lines + [f"no manifest date  {u}" for u in unknown]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
