"""The compiled build (scripts/compile.sh): C extensions beside their sources, which Python imports instead."""

import warnings
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path


def compiled_builds(folder: Path) -> dict[str, Path]:
    """The compiled builds in a folder, by module name."""
    builds = {}
    for built in folder.iterdir():
        suffix = next((s for s in EXTENSION_SUFFIXES if built.name.endswith(s)), None)
        if suffix:
            builds[built.name[:-len(suffix)]] = built
    return builds


def stale_builds(folder: Path) -> list[str]:
    """Sources changed since their compiled build was made: Python would import the build."""
    sources = ((folder / f"{name}.py", built) for name, built in compiled_builds(folder).items())
    return sorted(source.name for source, built in sources
                  if source.exists() and source.stat().st_mtime > built.stat().st_mtime)


def warn_if_stale(folder: Path) -> None:
    """A warning naming the package's sources edited since their build, since the old build is what runs."""
    if stale := stale_builds(folder):
        warnings.warn(f"pipeline/{folder.name}: {', '.join(stale)} changed since compiled, and the old build is what "
                      "runs: run scripts/compile.sh (or scripts/compile.sh --clean for plain Python)", RuntimeWarning,
                      stacklevel=3)
