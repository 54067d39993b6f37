"""Build the per-article extraction modules as C extensions with mypyc, in place (run by scripts/compile.sh).

The modules are the hot path of extract_article; they are compiled as one group, whose shared library lives in
pipeline/extraction beside them. Usage: python scripts/compile_extraction.py build_ext --inplace
"""

from mypyc.build import mypycify
from setuptools import setup

MODULES = ("textnorm", "matcher", "document", "article_matches", "sentences", "numbers", "casualties", "events",
           "place_phrases", "places", "date_grammar", "event_dates", "extract")
"""What mypyc compiles: pipeline/extraction/<name>.py. The lexicon loaders stay Python (they run once a run)."""

setup(name="pipeline-extraction-compiled", packages=[], py_modules=[],
      ext_modules=mypycify(["--ignore-missing-imports", "--follow-imports=silent",
                            *(f"pipeline/extraction/{m}.py" for m in MODULES)],
                           opt_level="3", group_name="pipeline.extraction.compiled", target_dir="build/mypyc"))
