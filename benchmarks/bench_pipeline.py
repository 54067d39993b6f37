"""Pipeline throughput on a synthetic corpus: articles/s, characters/s, peak memory, time by stage, start-up.

Usage: .venv/bin/python benchmarks/bench_pipeline.py [--n N] [--articles PATH] [--keep DIR]

Without --articles it writes a synthetic corpus of N articles (benchmarks/synthetic.py: the bundled articles'
paragraphs in new orders, each with its own content hash, files named synthetic-benchmark-*.txt beside a note
saying what they are) into a temporary folder deleted afterwards; never into data/. With --articles
the given folder or JSONL file is measured instead (for example a dev set, by path).

It prints, for the same files in the same run: the pipeline's wall and CPU time, a bare pass that only
reads each file and runs re.findall(r"\\w+") on it, and the ratio of the two; the time of each stage
(exclusive: a stage's time leaves out the stages it calls) and of each part of the run outside extraction
(reading, cache, encoding, duplicate merging, writing); for the parallel run, the main process's CPU by
part and how busy it was, and the workers' CPU; peak RSS; and start-up (imports and lexicon loading)
measured in a fresh interpreter.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import Settings  # noqa: E402
from rss import PeakRss  # noqa: E402
from synthetic import write_folder  # noqa: E402

def _files(articles: Path) -> list[Path]:
    if articles.is_file():
        return [articles]
    return sorted(p for p in articles.iterdir() if p.suffix.lower() in (".txt", ".html", ".htm"))


def bare_pass(articles: Path) -> tuple[float, int, int]:
    """Read every file and find its words with one regex: the floor any pipeline is compared to."""
    t = time.perf_counter()
    chars = words = 0
    for path in _files(articles):
        text = path.read_text(encoding="utf-8", errors="replace")
        chars += len(text)
        words += len(re.findall(r"\w+", text))
    return time.perf_counter() - t, chars, words


class StageClock:
    """Exclusive CPU time per stage (steadier than wall time on a shared machine); callees are left out."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._stack: list[list] = []

    def wrap(self, name: str, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            frame = [name, time.process_time(), 0.0]
            self._stack.append(frame)
            try:
                return fn(*args, **kwargs)
            finally:
                self._stack.pop()
                spent = time.process_time() - frame[1]
                self.seconds[name] = self.seconds.get(name, 0.0) + spent - frame[2]
                self.calls[name] = self.calls.get(name, 0) + 1
                if self._stack:
                    self._stack[-1][2] += spent
        return timed


def compiled_modules() -> list[str]:
    """The package's modules imported from a compiled build (scripts/compile.sh) rather than from their .py files:
    the extraction's, the duplicate merger and the safe CSV lines."""
    import pipeline.corpus.dedup  # noqa: F401
    import pipeline.corpus.safe_csv  # noqa: F401
    import pipeline.extraction.extract  # noqa: F401  (it imports every stage)

    return sorted(name.removeprefix("pipeline.") for name, module in sys.modules.items()
                  if name.startswith("pipeline.") and not name.endswith("__mypyc")
                  and (getattr(module, "__file__", None) or "").endswith(tuple(EXTENSION_SUFFIXES)))


def install_stage_clock() -> StageClock:
    """Time the stages of extract_article in this process (the pipeline code itself is not changed)."""
    import pipeline.extraction.extract as extract
    import pipeline.corpus.work  # noqa: F401  (it holds extract_article too)
    from pipeline.extraction.places import PlaceResolver

    clock = StageClock()
    modules = [m for name, m in sys.modules.items() if name.startswith("pipeline") and m is not None]
    for attr, name in (("analyse", "document (normalise, tokens, sentences, one-pass matching)"),
                       ("infer_publication_date", "publication date inference"),
                       ("find_triggers", "triggers and modality"), ("find_actors", "actors"),
                       ("extract_figures", "casualty figures and numbers"), ("resolve_event_date", "event dates"),
                       ("build_sentence_events", "event assembly"),
                       ("extract_article", "extract: rest (sentence loop, carry-over)")):
        original = getattr(extract, attr, None)
        if original is None:
            continue
        timed = clock.wrap(name, original)
        for module in modules:
            if getattr(module, attr, None) is original:
                setattr(module, attr, timed)
    PlaceResolver.find_mentions = clock.wrap("places", PlaceResolver.find_mentions)
    return clock


BOOKKEEPING = ("reading inputs (files, decoding, manifest)", "cache: key", "cache: look-up", "cache: entry encoding",
               "cache: writing entries (SQLite, per batch)", "guarded extraction: collector pass",
               "event rows and merge keys", "CSV lines and spill record", "article text line",
               "duplicate merging", "writing texts, reports and the spill", "writing events.csv and events.parquet")
"""Everything of a run outside extract_article, timed by the same clock (exclusive)."""
LOADING = "start-up: loading the lexicons"


def install_bookkeeping_clock(clock: StageClock) -> None:
    """Time the per-article work around extraction (in the worker) and the main process's merging and writing."""
    from pipeline.corpus import ingest, work
    from pipeline.corpus.cache import ArticleCache
    from pipeline.corpus.dedup import DuplicateMerger
    from pipeline.corpus.store import OutputWriter

    reading, cache, worker, merging, writing, finishing = (BOOKKEEPING[0], BOOKKEEPING[1:5], BOOKKEEPING[5:9],
                                                           BOOKKEEPING[9], BOOKKEEPING[10], BOOKKEEPING[11])
    for owner, attr, name in ((ingest, "_folder_entry", reading), (ingest, "_jsonl_entry", reading),
                              (ingest, "_with_metadata", reading),
                              *((ArticleCache, a, n) for a, n in zip(("key", "get", "put", "close"), cache)),
                              *((work, a, n) for a, n in zip(("guarded_extract", "encode_result", "encode_rows",
                                                              "text_line"), worker)),
                              (DuplicateMerger, "add_reports", merging), (DuplicateMerger, "end_article", merging),
                              (OutputWriter, "add_article", writing), (OutputWriter, "add_report", writing),
                              (OutputWriter, "finish", finishing), (work, "load_resources", LOADING)):
        setattr(owner, attr, clock.wrap(name, getattr(owner, attr)))


def startup_seconds() -> dict[str, float]:
    """Import and lexicon-load time of a run, in a fresh interpreter (nothing imported or loaded yet)."""
    code = ("import time; t0 = time.perf_counter()\n"
            "import pipeline.cli, pipeline.corpus.run, pipeline.extraction.extract, pipeline.corpus.store, pipeline.corpus.dedup\n"
            "t1 = time.perf_counter()\n"
            "from pipeline.config import Settings\n"
            "pipeline.extraction.extract.load_resources(Settings())\n"
            "t2 = time.perf_counter()\n"
            "import json, sys; print(json.dumps({'imports_s': t1 - t0, 'lexicons_s': t2 - t1,"
            " 'torch': 'torch' in sys.modules, 'camel_tools': any(m.startswith('camel_tools') for m in sys.modules)}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="synthetic articles to generate (default 1000)")
    parser.add_argument("--articles", type=Path, help="measure this folder or JSONL file instead of a synthetic corpus")
    parser.add_argument("--manifest", type=Path, help="manifest for --articles")
    parser.add_argument("--workers", type=int, default=None,
                        help="workers of the parallel run (default: all cores; 1 runs only the one-worker pass)")
    parser.add_argument("--keep", type=Path, help="write the synthetic corpus and outputs here instead of a temporary folder")
    args = parser.parse_args(argv)

    from pipeline.corpus.run import run_pipeline

    startup = startup_seconds()
    with tempfile.TemporaryDirectory(prefix="synthetic-benchmark-") as tmp:
        work = args.keep or Path(tmp)
        if args.articles:
            articles, manifest = args.articles, args.manifest
        else:
            articles = write_folder(work / "synthetic-benchmark-corpus", Settings().default_corpus, args.n)
            manifest = articles / "manifest.csv"
        bare_s, chars, words = bare_pass(articles)

        compiled = compiled_modules()
        clock = install_stage_clock()
        install_bookkeeping_clock(clock)
        one = Settings(progress=False, cache=False, workers=1)
        cpu, wall = time.process_time(), time.perf_counter()
        summary = run_pipeline(articles, manifest, work / "out-1", one)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        timings = json.loads((work / "out-1" / "run.json").read_text(encoding="utf-8"))["timings"]
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        one_worker_seconds = dict(clock.seconds)
        parallel = None
        if args.workers != 1:
            many = Settings(progress=False, cache=False, workers=args.workers)
            clock.seconds.clear()
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            t, main_cpu = time.perf_counter(), time.process_time()
            with PeakRss(os.getpid()) as peaks:
                run_pipeline(articles, manifest, work / "out-n", many)
            p_wall, main_cpu = time.perf_counter() - t, time.process_time() - main_cpu
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            workers_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
            parallel = (p_wall, json.loads((work / "out-n" / "run.json").read_text(encoding="utf-8")), main_cpu,
                        workers_cpu, dict(clock.seconds), peaks.largest_child / 2**20)
            same = (work / "out-1" / "events.csv").read_bytes() == (work / "out-n" / "events.csv").read_bytes()
    n = sum(summary.articles_by_status.values())

    print(f"machine: {machine()}; load average before the run {os.getloadavg()[0]:.1f}")
    print(f"compiled with mypyc: {', '.join(compiled)}" if compiled else "extraction: plain Python (not compiled)")
    print(f"corpus: {n} articles, {chars:,} characters, {words:,} words "
          f"({'synthetic' if not args.articles else articles}); {summary.n_events} event rows")
    print(f"one worker: {wall:.2f} s wall, {cpu:.2f} s CPU -> {n / wall:.0f} articles/s, {chars / wall / 1e3:.0f} k chars/s; "
          f"{n / cpu:.0f} articles and {chars / cpu / 1e3:.0f} k chars per CPU-second")
    if parallel is not None:
        p_wall, p_info, main_cpu, workers_cpu, main_stages, worker_mb = parallel
        print(f"{p_info['engine']['workers']} workers: {p_wall:.2f} s wall -> {n / p_wall:.0f} articles/s, "
              f"{chars / p_wall / 1e3:.0f} k chars/s; events.csv identical to one worker: {same}")
    print(f"bare read + re.findall(r'\\w+') over the same files: {bare_s:.3f} s -> one worker is {wall / bare_s:.0f}x "
          f"({cpu / bare_s:.0f}x in CPU time)")
    print(f"peak RSS: {peak_mb:.0f} MB (one-worker run, this process)"
          + (f"; largest worker process {worker_mb:.0f} MB (sampled every 0.2 s)" if parallel is not None else ""))
    print(f"start-up in a fresh interpreter: imports {startup['imports_s']:.2f} s, lexicons {startup['lexicons_s']:.2f} s "
          f"(torch imported: {startup['torch']}, camel_tools imported: {startup['camel_tools']})")
    print("one-worker run by phase (run.json, wall):")
    for key, seconds in timings.items():
        if key != "total_s":
            print(f"  {key.removesuffix('_s'):<58} {seconds:8.2f} s  {100 * seconds / wall:5.1f}%")
    per_article = 1e3 / max(n, 1)
    extraction = {k: v for k, v in one_worker_seconds.items() if k not in (*BOOKKEEPING, LOADING)}
    print("stages inside extraction (CPU, exclusive: a stage's time leaves out the stages it calls):")
    if compiled:
        print("  (compiled modules call each other directly, past the clock: a compiled stage counts in its caller's "
              "time; scripts/compile.sh --clean for every stage)")
    for name, seconds in sorted(extraction.items(), key=lambda x: -x[1]):
        print(f"  {name:<58} {seconds:8.2f} s  {100 * seconds / cpu:5.1f}%  {seconds * per_article:6.2f} ms/article")
    loading = one_worker_seconds.get(LOADING, 0.0)
    outside = cpu - sum(extraction.values()) - loading
    print(f"one-worker run outside extraction (CPU, exclusive; {loading:.2f} s of lexicon loading left out): "
          f"{outside * per_article:.2f} ms/article")
    for name in BOOKKEEPING:
        seconds = one_worker_seconds.get(name, 0.0)
        print(f"  {name:<58} {seconds:8.2f} s  {100 * seconds / cpu:5.1f}%  {seconds * per_article:6.2f} ms/article")
    rest = outside - sum(one_worker_seconds.get(name, 0.0) for name in BOOKKEEPING)
    print(f"  {'rest (the run loop, hashing inputs, report rows)':<58} {rest:8.2f} s  {100 * rest / cpu:5.1f}%  "
          f"{rest * per_article:6.2f} ms/article")
    if parallel is not None:
        print(f"{p_info['engine']['workers']}-worker run: main process {main_cpu * per_article:.2f} ms/article CPU, busy "
              f"{100 * main_cpu / p_wall:.0f}% of the wall time; workers {workers_cpu * per_article:.2f} ms/article CPU "
              f"in all; main process by part:")
        for name in (*BOOKKEEPING, LOADING):
            if main_stages.get(name):
                print(f"  {name:<58} {main_stages[name] * per_article:6.2f} ms/article")
        rest = main_cpu - sum(main_stages.values())
        print(f"  {'rest (starting workers, sending articles, receiving results, the loop)':<58} "
              f"{rest * per_article:6.2f} ms/article")


if __name__ == "__main__":
    main()
