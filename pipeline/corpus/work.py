"""The per-article unit of work, the same for every engine: extraction under one guard, through the cache.

Whatever an article's text makes a stage do, the outcome is a value: its events, or a failure naming the
exception and where it was raised. One article never stops a run.
"""

from __future__ import annotations

import gc
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from pipeline.corpus.cache import ArticleCache, CachedArticle
from pipeline.corpus.dedup import report_keys
from pipeline.corpus.store import EVENT_COLUMNS, encode_rows, event_values, text_line
from pipeline.config import Settings
from pipeline.extraction.extract import ArticleResult, Resources, extract_article, load_resources
from pipeline.records import Article

PROJECT_DIR = Path(__file__).resolve().parents[2]
EVENT_TYPE = EVENT_COLUMNS.index("event_type")


@dataclass(frozen=True)
class ArticleOutcome:
    """What became of one readable article."""

    result: ArticleResult
    """Its events (none when it failed) and its publication date."""
    failure: str = ""
    """Why extraction failed (exception type, place, message), empty when it did not."""


class ArticleOutput(NamedTuple):
    """One article as the outputs hold it, encoded where it was extracted: the main process only writes it
    (and a worker sends back plain values, cheap to pickle, rather than the records). Its event rows come
    with its batch's (`BatchOutput`)."""

    published: str
    """ISO, or empty."""
    date_source: str
    text_line: bytes
    """Its article_texts.jsonl line, UTF-8."""
    event_types: list
    """The event type of each of its rows."""
    reports: list
    """dedup.report_keys of those rows."""
    failure: str = ""
    cached: bool = False


class BatchOutput(NamedTuple):
    """A batch's articles, and the events.csv rows of them all before duplicates are merged, encoded at once."""

    articles: list[ArticleOutput]
    rows: bytes
    """store.encode_rows of them: one bytes object to send, which the main process writes as it is."""


def encode_result(result: ArticleResult) -> CachedArticle:
    """An extraction's result in the outputs' plain values, as the cache keeps it."""
    pub = result.article.published
    return CachedArticle(pub.isoformat() if pub else "", result.article.date_source, list(result.date_evidence),
                         [event_values(e, result.article) for e in result.events], report_keys(result.events))


def describe_failure(err: BaseException) -> str:
    """The exception's type, the innermost project frame it passed through, and its message."""
    frames = traceback.extract_tb(err.__traceback__)
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(PROJECT_DIR)] or frames
    where = ""
    if ours:
        frame = ours[-1]
        path = Path(frame.filename).resolve()
        shown = path.relative_to(PROJECT_DIR) if path.is_relative_to(PROJECT_DIR) else path.name
        where = f" at {shown}:{frame.lineno} in {frame.name}"
    detail = str(err)[:300]
    return (f"extraction failed with {type(err).__name__}{where}" + (f": {detail}" if detail else "")
            + "; no events were taken from this article, its text is kept in article_texts.jsonl;"
              " please report the article with this message")


@contextmanager
def collector_held():
    """The garbage collector off while a burst of long-lived or still used objects is made (they are then walked
    once, not at every automatic pass), and back as it was afterwards."""
    held = gc.isenabled()
    gc.disable()
    try:
        yield held
    finally:
        if held:
            gc.enable()


def guarded_extract(article: Article, resources: Resources) -> ArticleOutcome:
    """extract_article, with any exception turned into a failed outcome that keeps the article."""
    try:
        return ArticleOutcome(extract_article(article, resources))
    except Exception as err:  # noqa: BLE001 - one article must never stop the run
        return ArticleOutcome(ArticleResult(article, ()), describe_failure(err))


@dataclass(frozen=True)
class WorkSpec:
    """Everything a worker needs to rebuild the extraction context on its side (it pickles small)."""

    settings: Settings
    cache_dir: Path
    version_key: str
    """Code, data and option versions: part of every cache key."""
    read_cache: bool = True
    """False for --no-cache: results are recomputed and their entries rewritten."""


_CONTEXTS: dict[WorkSpec, tuple[Resources, ArticleCache]] = {}
"""The loaded lexicons and the cache of this process, built once per spec (in the run or in a worker)."""


def context(spec: WorkSpec) -> tuple[Resources, ArticleCache]:
    if spec not in _CONTEXTS:
        _CONTEXTS.clear()
        with collector_held():
            _CONTEXTS[spec] = (load_resources(spec.settings, spec.cache_dir), ArticleCache(spec.cache_dir, spec.version_key))
            # The lexicons live as long as the process: no collection needs to walk them, while they are made
            # or after. Loading leaves next to no cyclic garbage (a full pass found four objects and cost 0.1 s).
            gc.freeze()
    return _CONTEXTS[spec]


def _extracted(article: Article, resources: Resources) -> tuple[CachedArticle, str]:
    """The guarded extraction, encoded, and its failure (empty when none): a result that cannot be encoded
    fails its article too, and the run goes on.

    An article's analysis makes tens of thousands of objects that live until it is encoded; the collector's
    automatic passes kept walking them while they were still in use (a third of the CPU). So it is held off
    while one article is extracted and encoded, and run once over the youngest objects afterwards, when the
    analysis is gone (most of it freed already, a pass over it while it was still held cost 2-3 times more).
    """
    with collector_held() as held:
        outcome = guarded_extract(article, resources)
        try:
            encoded = encode_result(outcome.result), outcome.failure
        except Exception as err:  # noqa: BLE001 - one article must never stop the run
            encoded = encode_result(ArticleResult(article, ())), describe_failure(err)
        del outcome
    if held:
        gc.collect(0)
    return encoded


def process_article(article: Article, resources: Resources, cache: ArticleCache,
                    read_cache: bool) -> tuple[ArticleOutput, list]:
    """The article's output and its event rows: the cached result, or a guarded extraction stored for next
    time (failures are not stored)."""
    key = cache.key(article)
    entry = cache.get(key) if read_cache else None
    cached, failure = entry is not None, ""
    if not cached:
        entry, failure = _extracted(article, resources)
        if not failure:
            cache.put(key, entry)
    output = ArticleOutput(entry.published, entry.date_source,
                           text_line(article, entry.published, entry.date_source, entry.date_evidence),
                           [row[EVENT_TYPE] for row in entry.rows], entry.reports, failure, cached)
    return output, entry.rows


def process_batch(articles: list[Article], spec: WorkSpec) -> BatchOutput:
    """The unit every engine runs: a batch of articles, in order."""
    resources, cache = context(spec)
    outputs, rows = [], []
    try:
        for article in articles:
            output, article_rows = process_article(article, resources, cache, spec.read_cache)
            outputs.append(output)
            rows += article_rows
    finally:
        cache.close()
    with collector_held():  # the batch's columns and lines live a moment: no pass needs to walk its rows for them
        return BatchOutput(outputs, encode_rows(rows))
