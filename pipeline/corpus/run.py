"""The batch run: stream the corpus through the per-article work, merge duplicates, write one output set.

Memory holds a few batches of articles per worker and a few values per distinct event, never the corpus:
reports and texts are written as they come, event rows wait in a spill file until duplicates are merged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from tqdm import tqdm

from pipeline import __version__
from pipeline.config import Settings
from pipeline.corpus.fingerprint import code_version, data_version, run_fingerprint
from pipeline.corpus.ingest import Reason, Status, iter_corpus
from pipeline.corpus.output_set import OUTPUT_FILES, OutputSet, check_out_dir
from pipeline.records import Article, InputReport


@dataclass(frozen=True)
class RunSummary:
    """What a run did, for the closing paragraph and for tests."""

    out_dir: Path
    articles_by_status: dict[str, int]
    events_by_type: dict[str, int]
    n_events: int
    n_clusters: int
    cached: int
    seconds: float

    def describe(self) -> str:
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(self.articles_by_status.items()))
        types = ", ".join(f"{n} {t}" for t, n in sorted(self.events_by_type.items(), key=lambda x: (-x[1], x[0])))
        failed = self.articles_by_status.get(Status.FAILED, 0)
        warning = (f" {failed} article(s) failed in extraction and gave no events: see articles.csv (status failed,"
                   " reason extraction_error)." if failed else "")
        return (f"Read {sum(self.articles_by_status.values())} inputs ({statuses}); wrote {self.n_events} event rows "
                f"in {self.n_clusters} distinct events ({types or 'none'}); {self.cached} articles came from the cache; "
                f"{self.seconds:.1f} s. Output: {self.out_dir} (events.csv, events.parquet, articles.csv, run.json)."
                + warning)


def _show_progress(settings: Settings) -> bool:
    return sys.stderr.isatty() if settings.progress is None else settings.progress


def _batches(items: Iterator[tuple[InputReport, Article | None]], size: int):
    """Consecutive inputs holding up to `size` readable articles: (reports with their articles, the articles)."""
    batch: list[tuple[InputReport, Article | None]] = []
    n = 0
    for item in items:
        batch.append(item)
        n += item[1] is not None
        if n >= size:
            yield batch
            batch, n = [], 0
    if batch:
        yield batch


PUBLISHED_MARGIN = (dt.timedelta(days=365), dt.timedelta(days=5 * 365))
"""How far before and after the campaign window a publication date stays plausible."""


def published_window(settings: Settings) -> tuple[dt.date, dt.date]:
    """The campaign's window widened by the margin."""
    window = settings.load_campaign().window
    return window[0] - PUBLISHED_MARGIN[0], window[1] + PUBLISHED_MARGIN[1]


def version_key(settings: Settings) -> str:
    """Everything besides the article that decides its result: code, data and the optional extras."""
    extras = [str(settings.ner_model or ""), settings.geocoder_url or ""]
    versions = data_version(settings.lexicon_dir, settings.campaign_dir)
    return hashlib.sha256(json.dumps([code_version(), versions, extras]).encode()).hexdigest()


def run_pipeline(articles: Path, manifest: Path | None, out_dir: Path, settings: Settings) -> RunSummary:
    """Run every stage over a corpus and write the outputs into out_dir as one set."""
    from pipeline.corpus.dedup import DuplicateMerger
    from pipeline.resources import load_yaml
    from pipeline.schema import harm_types
    from pipeline.corpus.engines import default_workers, make_engine
    from pipeline.corpus.store import OutputWriter, write_run_info
    from pipeline.corpus.work import WorkSpec

    started = time.perf_counter()
    articles = Path(articles)
    out = check_out_dir(out_dir, [articles] + ([Path(manifest)] if manifest else []))
    items = iter_corpus(articles, manifest, max_file_bytes=settings.max_file_bytes,
                        published_window=published_window(settings))
    manifest_used = _manifest_used(articles, manifest)
    with OutputSet(out) as output_set:
        fingerprint = run_fingerprint(articles, manifest_used, settings.lexicon_dir, settings.campaign_dir,
                                      max_file_bytes=settings.max_file_bytes)
        cache_dir = settings.cache_dir or out / ".cache"
        spec = WorkSpec(settings, cache_dir, version_key(settings), read_cache=settings.cache)
        workers = settings.workers or default_workers()
        t = time.perf_counter()
        engine = make_engine(spec, settings.engine, workers, settings.scheduler)
        timings = {"start_workers_s": time.perf_counter() - t}
        writer = OutputWriter(output_set.staging)
        merger = DuplicateMerger(harm_types(load_yaml(settings.lexicon_dir.parent / "event_types.yaml")))
        statuses: Counter = Counter()
        types: Counter = Counter()
        cached = 0
        t = time.perf_counter()
        held: deque = deque()

        def article_lists():
            for batch in _batches(items, settings.batch_size):
                held.append(batch)
                yield [a for _, a in batch if a is not None]

        bar = tqdm(desc="articles", unit="article", disable=not _show_progress(settings), file=sys.stderr)
        try:
            for batch in engine.map(article_lists()):
                results = iter(batch.articles)
                for report, article in held.popleft():
                    if article is not None:
                        output = next(results)
                        report = _final_report(report, output)
                        cached += output.cached
                        clusters = merger.add_reports(output.reports, len(output.event_types))
                        writer.add_article(output.text_line, clusters, merger.end_article())
                        types.update(output.event_types)
                    statuses[report.status] += 1
                    writer.add_report(report)
                writer.add_rows(batch.rows)
                bar.update(len(batch.articles))
        finally:
            bar.close()
            engine.close()
        timings["extract_s"] = time.perf_counter() - t
        t = time.perf_counter()
        writer.finish(merger.cluster_of)
        timings["write_events_s"] = time.perf_counter() - t
        summary = RunSummary(out_dir=out, articles_by_status=dict(statuses), events_by_type=dict(types),
                             n_events=writer.n_rows, n_clusters=merger.n_clusters, cached=cached, seconds=0.0)
        total = time.perf_counter() - started
        timings["total_s"] = total
        write_run_info(output_set.staging, {
            "fingerprint": fingerprint,
            "inputs": {"articles": str(articles), "manifest": str(manifest_used or "")},
            "counts": {"articles_by_status": summary.articles_by_status, "events_by_type": summary.events_by_type,
                       "event_rows": summary.n_events, "distinct_events": summary.n_clusters, "cached_articles": cached},
            "engine": {"engine": settings.engine, "workers": workers, "batch_size": settings.batch_size},
            "files": list(OUTPUT_FILES),
            "versions": {"pipeline": __version__, "code": code_version(),
                         "data": data_version(settings.lexicon_dir, settings.campaign_dir)},
            "timings": {k: round(v, 3) for k, v in timings.items()},
        })
        output_set.commit(move_cache=settings.cache_dir is None)
    return replace(summary, seconds=total)


def _final_report(report: InputReport, output) -> InputReport:
    """The report row of a readable article once extracted (a work.ArticleOutput): its events, its date, or why
    it failed."""
    if output.failure:
        return replace(report, n_events=0, published=output.published, date_source=output.date_source,
                       status=Status.FAILED, reason=Reason.EXTRACTION_ERROR,
                       message="; ".join(m for m in (output.failure, report.message) if m))
    return replace(report, n_events=len(output.event_types), published=output.published, date_source=output.date_source)


def _manifest_used(articles: Path, manifest: Path | None) -> Path | None:
    if manifest is not None:
        return manifest
    implicit = articles / "manifest.csv"
    return implicit if articles.is_dir() and implicit.is_file() else None
