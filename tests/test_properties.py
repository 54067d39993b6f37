"""Property-based tests: whatever the text, bytes or line, nothing escapes and every span points at its words.

Bounded for CI (about two minutes in all on a slow machine): example counts are fixed per test, no deadline.
"""

import csv
import datetime as dt
import json
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.config import Settings
from pipeline.extraction.extract import extract_article, load_resources
from pipeline.corpus.ingest import Candidate, _jsonl_line, decode_article_bytes, html_to_text
from pipeline.records import Article, InputReport
from pipeline.corpus.run import run_pipeline
from pipeline.extraction.sentences import split_sentences
from pipeline.corpus.store import ARTICLE_COLUMNS, BOOL_COLUMNS, EVENT_COLUMNS, FLOAT_COLUMNS, INT_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data/campaigns/mosul/corpus").glob("*.txt"))
BASE = settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)


def bounded(n: int) -> settings:
    return settings(BASE, max_examples=n)


@lru_cache(maxsize=1)
def resources():
    return load_resources(Settings())


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


@lru_cache(maxsize=1)
def lexicon_words() -> tuple[str, ...]:
    words = set()
    for path in sorted((ROOT / "data/lexicon/ar").glob("*.yaml")):
        words |= {w for w in _strings(yaml.safe_load(path.read_text("utf-8"))) if any("\u0600" <= c <= "\u06ff" for c in w)}
    with open(ROOT / "data/campaigns/mosul/places.csv", encoding="utf-8") as fh:
        words |= {row["name_ar"] for row in csv.DictReader(fh)}
    return tuple(sorted(words))


arabic = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
anything = st.characters(blacklist_categories=("Cs",))
arabic_heavy = st.text(st.one_of(arabic, arabic, arabic, st.sampled_from(" .،؛\n0123456789-/:()«»"), anything),
                       max_size=400)
soup = st.lists(st.one_of(st.sampled_from(lexicon_words()), st.sampled_from([" ", ".", "،", "\n", "و", "في"]),
                          st.integers(0, 3000).map(str), st.text(anything, max_size=3)),
                max_size=80).map(" ".join)


@st.composite
def mutated_seed(draw):
    text = SEEDS[draw(st.integers(0, len(SEEDS) - 1))].read_text("utf-8")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 200)))
        kind = draw(st.sampled_from(["cut", "copy", "insert", "swap"]))
        if kind == "cut":
            text = text[:i] + text[j:]
        elif kind == "copy":
            text = text[:j] + text[i:j] + text[j:]
        elif kind == "insert":
            text = text[:i] + draw(st.text(anything, max_size=20)) + text[i:]
        else:
            text = text[:i] + text[j:] + text[i:j]
    return text


def article(text: str) -> Article:
    return Article("p", text, "p.txt", "0" * 64, published=dt.date(2017, 3, 1), date_source="manifest")


def assert_spans_hold(text: str):
    """Quotes and spans are the article's own characters; the trigger is in the quote, every span in one sentence."""
    result = extract_article(article(text), resources())
    sentences = [(s.start, s.end) for s in split_sentences(text, resources().sentences)]
    for e in result.events:
        qs, qe = e.quote_start, e.quote_end
        assert 0 <= qs <= qe <= len(text) and text[qs:qe] == e.quote
        assert qs <= e.trigger.span.start and e.trigger.span.end <= qe
        spans = [e.trigger.span, *(f.span for f in e.figures)]
        spans += [s for s in (e.date.span, e.place.span if e.place else None) if s is not None]
        for span in spans:
            assert 0 <= span.start <= span.end <= len(text) and text[span.start:span.end] == span.text
            assert any(a <= span.start and span.end <= b for a, b in sentences), span


@bounded(600)
@given(arabic_heavy)
def test_arabic_heavy_text_never_raises_and_spans_hold(text):
    assert_spans_hold(text)


@bounded(500)
@given(soup)
def test_lexicon_word_soups_never_raise_and_spans_hold(text):
    assert_spans_hold(text)


@bounded(150)
@given(mutated_seed())
def test_mutated_seed_articles_never_raise_and_spans_hold(text):
    assert_spans_hold(text)


@bounded(1000)
@given(st.binary(max_size=300) | st.builds(lambda t, k: t.encode("utf-8")[:k], arabic_heavy, st.integers(0, 800)))
def test_any_bytes_decode_to_text_or_a_report(raw):
    decoded = decode_article_bytes(raw)
    assert isinstance(decoded, InputReport) or isinstance(decoded.text, str)


nested_html = st.recursive(
    st.text(anything, max_size=20) | st.sampled_from(["<!--", "-->", "&amp;", "&#x62;", "<", ">", "<br/>"]),
    lambda inner: st.tuples(st.sampled_from(["p", "div", "script", "svg", "title", "iframe", "b", "table", "x:y"]),
                            st.lists(inner, max_size=4), st.booleans()).map(
        lambda t: f"<{t[0]}>{''.join(t[1])}" + (f"</{t[0]}>" if t[2] else "")),
    max_leaves=30)


@bounded(800)
@given(nested_html)
def test_nested_html_gives_text_and_a_title(html):
    text, title = html_to_text(html)
    assert isinstance(text, str) and isinstance(title, str)


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(anything, max_size=30),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                                       max_size=4), max_leaves=20)


@bounded(1000)
@given(st.one_of(
    st.dictionaries(st.sampled_from(["id", "text", "published", "outlet", "url", "title"]), json_values).map(json.dumps),
    json_values.map(json.dumps),
    st.text(max_size=100),
).map(lambda s: s.encode("utf-8", "surrogatepass")) | st.binary(max_size=100))
def test_any_jsonl_line_is_an_article_or_a_bad_line(raw):
    entry = _jsonl_line(raw, "c.jsonl:1")
    assert isinstance(entry, (Candidate, InputReport))
    if isinstance(entry, Candidate):
        for value in (entry.article_id, entry.text, entry.outlet, entry.url, entry.title):
            value.encode("utf-8")


@bounded(25)
@given(st.lists(st.one_of(arabic_heavy.map(str.encode), soup.map(str.encode), st.binary(max_size=200),
                          mutated_seed().map(lambda t: t.encode("utf-8")[: len(t)])),
                min_size=1, max_size=5))
def test_a_run_accounts_for_every_input_and_writes_valid_outputs(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("in")
    for i, raw in enumerate(files):
        (folder / f"f{i}.txt").write_bytes(raw)
    out = tmp_path_factory.mktemp("runs") / "out"
    run_pipeline(folder, None, out, Settings(workers=1, progress=False, cache_dir=tmp_path_factory.getbasetemp() / "c"))
    reports = pd.read_csv(out / "articles.csv", dtype=str, keep_default_na=False)
    assert list(reports.columns) == ARTICLE_COLUMNS and len(reports) == len(files)
    events = pd.read_parquet(out / "events.parquet")
    assert list(events.columns) == EVENT_COLUMNS
    assert all(str(events[c].dtype) == "Int64" for c in INT_COLUMNS)
    assert all(events[c].dtype == bool for c in BOOL_COLUMNS)
    assert all(events[c].dtype == "float64" for c in FLOAT_COLUMNS)
    assert set(events.article_id) <= set(reports.article_id[reports.status == "ok"])
    texts = {json.loads(line)["article_id"]: json.loads(line)["text"]
             for line in (out / "article_texts.jsonl").read_text("utf-8").splitlines()}
    for row in events.itertuples():
        assert texts[row.article_id][row.quote_start:row.quote_end] == row.quote
