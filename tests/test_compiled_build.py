"""The compiled build of the extraction (scripts/compile.sh): a source edited after it is named, since the old build
is what Python would import."""

import os
from importlib.machinery import EXTENSION_SUFFIXES

from pipeline.extraction import stale_builds


def test_only_sources_newer_than_their_build_are_stale(tmp_path):
    suffix = EXTENSION_SUFFIXES[0]
    for name, source_time, build_time in (("edited", 200, 100), ("unchanged", 100, 200)):
        (tmp_path / f"{name}.py").write_text("")
        (tmp_path / f"{name}{suffix}").write_bytes(b"")
        os.utime(tmp_path / f"{name}.py", (source_time, source_time))
        os.utime(tmp_path / f"{name}{suffix}", (build_time, build_time))
    (tmp_path / "never_compiled.py").write_text("")
    assert stale_builds(tmp_path) == ["edited.py"]
