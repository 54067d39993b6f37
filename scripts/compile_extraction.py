"""Build the per-article extraction modules and the duplicate merger as C extensions with mypyc, in place (run by
scripts/compile.sh).

The modules are the hot path of a run: extract_article in the workers, the merging in the main process. They are
compiled as one group, whose shared library lives in pipeline/extraction. Usage: python scripts/compile_extraction.py build_ext --inplace
(`--up-to-date` instead exits 0 when every module's build is newer than its source, 1 when the group needs building).
"""

import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

EXTRACTION = ("textnorm", "positions", "matcher", "document", "article_matches", "sentences", "numbers", "casualties",
              "events", "place_lexicon", "place_phrase_bank", "place_phrases", "places", "date_grammar", "event_dates",
              "extract")
"""Of the lexicon loaders, only the place phrase bank and its grammar are compiled (they are most of the start-up:
180 ms as Python, 135-145 ms compiled); the others stay Python."""
MODULES = (*(f"extraction/{name}" for name in EXTRACTION), "corpus/dedup", "corpus/safe_csv")
"""What mypyc compiles: pipeline/<module>.py. The merger is the main process's largest part of a run with workers
(0.17 ms per article as Python, 0.08 compiled); the safe CSV lines are the largest part of a worker's encoding of
its rows (2.5 M instructions per article by csv.writer, 1.1 M cell by cell compiled)."""
PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"
GROUP = "extraction/compiled__mypyc"
"""The group's shared library."""


def up_to_date() -> bool:
    """Every module and the group library are built, each build newer than its source: the group is compiled as
    one, so one edited source means building them all."""
    suffix = EXTENSION_SUFFIXES[0]
    builds = [PACKAGE / f"{name}{suffix}" for name in (*MODULES, GROUP)]
    return all(b.exists() for b in builds) and all(
        builds[i].stat().st_mtime >= (PACKAGE / f"{name}.py").stat().st_mtime for i, name in enumerate(MODULES))


if sys.argv[1:] == ["--up-to-date"]:
    sys.exit(0 if up_to_date() else 1)

from mypyc.build import mypycify  # noqa: E402  (not needed to answer --up-to-date)
from setuptools import setup  # noqa: E402

setup(name="pipeline-extraction-compiled", packages=[], py_modules=[],
      ext_modules=mypycify(["--ignore-missing-imports", "--follow-imports=silent",
                            *(f"pipeline/{m}.py" for m in MODULES)],
                           opt_level="3", group_name="pipeline.extraction.compiled", target_dir="build/mypyc"))
