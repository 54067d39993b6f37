"""Content fingerprints of code, data and inputs: the cache key and the dashboard's staleness check.

Standard library only, so the dashboard can ask "is this output current?" without importing the NLP stack.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from pipeline import __version__

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_SUFFIXES = {".csv", ".yaml", ".yml", ".json", ".geojson"}
VIEW_MODULES = {"query.py", "charts.py", "reader.py", "i18n.py"}
"""Dashboard modules: changing them changes no extracted event, so they are not part of the code version."""


def _hash_files(paths, root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def code_version() -> str:
    """Package version plus a hash of the pipeline's source files."""
    sources = [p for p in PACKAGE_DIR.rglob("*.py") if p.name not in VIEW_MODULES]
    return f"{__version__}+{_hash_files(sources, PACKAGE_DIR)}"


def data_version(*roots: Path) -> dict[str, str]:
    """Short content hash of every data file (lexicons, gazetteer, calendar) under the given folders."""
    versions: dict[str, str] = {}
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in DATA_SUFFIXES):
            versions[str(path.relative_to(root.parent))] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return versions


def inputs_fingerprint(articles: Path, manifest: Path | None) -> str:
    """Hash of the input corpus (every file of a folder, or the JSONL file) and of the manifest."""
    paths = [p for p in articles.rglob("*") if p.is_file()] if articles.is_dir() else [articles]
    root = articles if articles.is_dir() else articles.parent
    extra = _hash_files([manifest], manifest.parent) if manifest and manifest.exists() else ""
    return _hash_files(paths, root) + extra


def run_fingerprint(articles: Path, manifest: Path | None, lexicon_dir: Path, campaign_dir: Path) -> str:
    """One hash for everything an output depends on."""
    payload = json.dumps([code_version(), data_version(lexicon_dir, campaign_dir),
                          inputs_fingerprint(articles, manifest)], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def output_is_current(out_dir: Path, articles: Path, manifest: Path | None, lexicon_dir: Path, campaign_dir: Path) -> bool:
    """True when out_dir holds a run made from these exact inputs, code and data."""
    try:
        run = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (run.get("fingerprint") == run_fingerprint(articles, manifest, lexicon_dir, campaign_dir)
            and (out_dir / "events.parquet").exists())
