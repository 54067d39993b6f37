"""The batch run: read the corpus, extract each article (or take it from the cache), merge duplicates, write."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from tqdm import tqdm

from pipeline import __version__
from pipeline.cache import ArticleCache
from pipeline.config import Settings
from pipeline.fingerprint import code_version, data_version, run_fingerprint
from pipeline.ingest import Reason, Status, read_corpus
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
                f"{self.seconds:.1f} s. Output: {self.out_dir} (events.csv, events.parquet, articles.csv, run.json)." + warning)


def _show_progress(settings: Settings) -> bool:
    return sys.stderr.isatty() if settings.progress is None else settings.progress


def run_pipeline(articles: Path, manifest: Path | None, out_dir: Path, settings: Settings) -> RunSummary:
    """Run every stage over a corpus and write the outputs into out_dir."""
    from pipeline.dedup import merge_duplicate_events
    from pipeline.extract import load_resources
    from pipeline.work import guarded_extract
    from pipeline.store import events_frame, write_outputs, write_run_info

    started = time.perf_counter()
    timings: dict[str, float] = {}
    docs, reports = read_corpus(articles, manifest, max_file_bytes=settings.max_file_bytes)
    timings["ingest_s"] = time.perf_counter() - started

    t = time.perf_counter()
    cache_dir = settings.cache_dir or out_dir / ".cache"
    resources = load_resources(settings, cache_dir)
    timings["load_lexicons_s"] = time.perf_counter() - t

    versions = data_version(settings.lexicon_dir, settings.campaign_dir)
    extras = [str(settings.ner_model or ""), settings.geocoder_url or ""]
    cache = ArticleCache(cache_dir, hashlib.sha256(json.dumps([code_version(), versions, extras]).encode()).hexdigest())
    t = time.perf_counter()
    results, cached, failures = [], 0, {}
    for article in tqdm(docs, desc="articles", unit="article", disable=not _show_progress(settings), file=sys.stderr):
        result = cache.get(article) if settings.cache else None
        if result is None:
            outcome = guarded_extract(article, resources)
            result = outcome.result
            if outcome.failure:
                failures[article.article_id] = outcome.failure
            else:
                cache.put(article, result)
        else:
            cached += 1
        results.append(result)
    timings["extract_s"] = time.perf_counter() - t

    t = time.perf_counter()
    events = merge_duplicate_events([e for r in results for e in r.events], resources.events.harm_types)
    timings["dedup_s"] = time.perf_counter() - t

    by_id = {r.article.article_id: r for r in results}
    n_events = Counter(e.article_id for e in events)
    final_reports: list[InputReport] = []
    for rep in reports:
        r = by_id.get(rep.article_id) if rep.status == "ok" else None
        if r is not None:
            pub = r.article.published
            rep = replace(rep, n_events=n_events[rep.article_id], published=pub.isoformat() if pub else "",
                          date_source=r.article.date_source)
            if rep.article_id in failures:
                rep = replace(rep, status=Status.FAILED, reason=Reason.EXTRACTION_ERROR,
                              message="; ".join(m for m in (failures[rep.article_id], rep.message) if m))
        final_reports.append(rep)

    t = time.perf_counter()
    final_articles = [r.article for r in results]
    frame = events_frame(events, {a.article_id: a for a in final_articles})
    summary = RunSummary(
        out_dir=out_dir,
        articles_by_status=dict(Counter(r.status for r in final_reports)),
        events_by_type=dict(Counter(e.event_type for e in events)),
        n_events=len(events), n_clusters=len({e.cluster_id for e in events}), cached=cached, seconds=0.0)
    run_info = {
        "fingerprint": run_fingerprint(articles, _manifest_used(articles, manifest), settings.lexicon_dir, settings.campaign_dir),
        "inputs": {"articles": str(articles), "manifest": str(_manifest_used(articles, manifest) or "")},
        "counts": {"articles_by_status": summary.articles_by_status, "events_by_type": summary.events_by_type,
                   "event_rows": summary.n_events, "distinct_events": summary.n_clusters, "cached_articles": cached},
        "publication_dates": {r.article.article_id: {"published": r.article.published.isoformat() if r.article.published else "",
                                                     "date_source": r.article.date_source, "evidence": list(r.date_evidence)}
                              for r in results},
        "versions": {"pipeline": __version__, "code": code_version(), "data": versions},
    }
    write_outputs(out_dir, frame, final_reports, final_articles)
    timings["write_s"] = time.perf_counter() - t
    total = time.perf_counter() - started
    run_info["timings"] = {k: round(v, 3) for k, v in {**timings, "total_s": total}.items()}
    write_run_info(out_dir, run_info)
    return replace(summary, seconds=total)


def _manifest_used(articles: Path, manifest: Path | None) -> Path | None:
    if manifest is not None:
        return manifest
    implicit = articles / "manifest.csv"
    return implicit if articles.is_dir() and implicit.exists() else None
