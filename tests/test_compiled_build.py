"""The compiled build of the extraction (scripts/compile.sh): it writes what the Python sources write, and a source
edited after it is named, since the old build is what Python would import."""

import os
import shutil
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

from pipeline.compiled import compiled_builds, stale_builds, warn_if_stale

ROOT = Path(__file__).resolve().parents[1]


def test_only_sources_newer_than_their_build_are_stale(tmp_path):
    suffix = EXTENSION_SUFFIXES[0]
    for name, source_time, build_time in (("edited", 200, 100), ("unchanged", 100, 200)):
        (tmp_path / f"{name}.py").write_text("")
        (tmp_path / f"{name}{suffix}").write_bytes(b"")
        os.utime(tmp_path / f"{name}.py", (source_time, source_time))
        os.utime(tmp_path / f"{name}{suffix}", (build_time, build_time))
    (tmp_path / "never_compiled.py").write_text("")
    assert stale_builds(tmp_path) == ["edited.py"]


def test_a_package_warns_of_the_sources_edited_after_their_build(tmp_path):
    suffix = EXTENSION_SUFFIXES[0]
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / f"dedup{suffix}").write_bytes(b"")
    (folder / "dedup.py").write_text("")
    os.utime(folder / f"dedup{suffix}", (100, 100))
    with pytest.warns(RuntimeWarning, match=r"pipeline/corpus: dedup\.py changed since compiled"):
        warn_if_stale(folder)


def run_pipeline(tree: Path, corpus: Path, out: Path) -> dict[str, bytes]:
    """A run of the package in `tree` (its own sources first on the path)."""
    subprocess.run([sys.executable, "-m", "pipeline", "run", "--articles", str(corpus), "--out", str(out), "--quiet",
                    "--no-progress", "--no-cache", "--workers", "1"],
                   cwd=tree, check=True, env={**os.environ, "PYTHONPATH": str(tree)})
    return {name: (out / name).read_bytes() for name in ("events.csv", "articles.csv", "article_texts.jsonl")}


@pytest.mark.skipif(not compiled_builds(ROOT / "pipeline" / "extraction"),
                    reason="the extraction is not compiled (COMPILE=0 or a failed build)")
def test_the_compiled_extraction_writes_the_same_bytes_as_its_python_sources(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for source in (ROOT / "data/campaigns/mosul/corpus", ROOT / "tests/fixtures/generalisation"):
        for path in sorted(source.glob("*.txt")):
            (corpus / path.name).write_bytes(path.read_bytes())
    plain = tmp_path / "plain"
    shutil.copytree(ROOT / "pipeline", plain / "pipeline",
                    ignore=shutil.ignore_patterns("__pycache__", *(f"*{s}" for s in EXTENSION_SUFFIXES)))
    (plain / "data").symlink_to(ROOT / "data")
    assert run_pipeline(ROOT, corpus, tmp_path / "compiled_out") == run_pipeline(plain, corpus, tmp_path / "plain_out")
