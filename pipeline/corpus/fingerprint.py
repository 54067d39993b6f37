"""Content fingerprints of code, data and inputs: the cache key and the dashboard's staleness check.

Standard library only, so the dashboard can ask "is this output current?" without importing the NLP stack.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from functools import lru_cache
from pathlib import Path

from pipeline import __version__

PACKAGE_DIR = Path(__file__).resolve().parents[1]
DATA_SUFFIXES = {".csv", ".yaml", ".yml", ".json", ".geojson"}
VIEW_PACKAGE = PACKAGE_DIR / "view"
"""The dashboard's modules: changing them changes no extracted event, so they are not part of the code version."""


def _hash_files(paths, root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def code_version() -> str:
    """Package version plus a hash of the pipeline's source files."""
    sources = [p for p in PACKAGE_DIR.rglob("*.py") if VIEW_PACKAGE not in p.parents]
    return f"{__version__}+{_hash_files(sources, PACKAGE_DIR)}"


def data_version(*roots: Path) -> dict[str, str]:
    """Short content hash of every data file (lexicons, gazetteer, calendar) under the given folders."""
    versions: dict[str, str] = {}
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in DATA_SUFFIXES):
            versions[str(path.relative_to(root.parent))] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return versions


ARTICLE_SUFFIXES = (".txt", ".html", ".htm")
DEFAULT_MAX_FILE_BYTES = 2_000_000


def _file_digest(path: Path, cap: int | None) -> str:
    """Content hash of a regular file (links followed) up to `cap` bytes, else its size and time; never raises."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return f"special:{stat.S_IFMT(info.st_mode)}"
        if cap is not None and info.st_size > cap:
            return f"size:{info.st_size}:{info.st_mtime_ns}"
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except (OSError, ValueError) as err:
        return f"error:{type(err).__name__}:{getattr(err, 'errno', '')}"


def inputs_fingerprint(articles: Path, manifest: Path | None, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> str:
    """Hash of what a run reads: the folder's top-level names and the article files it would read (each up to the
    size limit), or the JSONL file, and the manifest. Unreadable or special entries count by kind, never raise."""
    digest = hashlib.sha256()
    if articles.is_dir():
        try:
            names = sorted(os.listdir(articles))
        except OSError as err:
            names = [f"error:{err.errno}"]
        for name in names:
            path = articles / name
            content = _file_digest(path, max_file_bytes) if name.lower().endswith(ARTICLE_SUFFIXES) else ""
            digest.update(json.dumps([os.fsencode(name).hex(), content]).encode())
    else:
        digest.update(_file_digest(articles, None).encode())
    if manifest is not None:
        digest.update(b"manifest:" + _file_digest(Path(manifest), 64 * max_file_bytes).encode())
    return digest.hexdigest()[:32]


def run_fingerprint(articles: Path, manifest: Path | None, lexicon_dir: Path, campaign_dir: Path,
                    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> str:
    """One hash for everything an output depends on."""
    payload = json.dumps([code_version(), data_version(lexicon_dir, campaign_dir),
                          inputs_fingerprint(Path(articles), manifest, max_file_bytes)], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def output_is_current(out_dir: Path, articles: Path, manifest: Path | None, lexicon_dir: Path, campaign_dir: Path) -> bool:
    """True when out_dir holds a run made from these exact inputs, code and data."""
    try:
        run = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (run.get("fingerprint") == run_fingerprint(articles, manifest, lexicon_dir, campaign_dir)
            and (out_dir / "events.parquet").exists())
