"""Extraction stages: one analysed document per article, and the pure functions that read it."""

import warnings
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path


def stale_builds(folder: Path) -> list[str]:
    """Sources changed since their compiled build (scripts/compile.sh) was made: Python would import the build."""
    stale = []
    for built in folder.iterdir():
        suffix = next((s for s in EXTENSION_SUFFIXES if built.name.endswith(s)), None)
        source = folder / f"{built.name[:-len(suffix)]}.py" if suffix else None
        if source is not None and source.exists() and source.stat().st_mtime > built.stat().st_mtime:
            stale.append(source.name)
    return sorted(stale)


if _stale := stale_builds(Path(__file__).parent):
    warnings.warn(f"pipeline/extraction: {', '.join(_stale)} changed since compiled, and the old build is what runs: "
                  "run scripts/compile.sh (or scripts/compile.sh --clean for plain Python)", RuntimeWarning,
                  stacklevel=2)
