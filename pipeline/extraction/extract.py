"""Per-article extraction: sentences -> places, dates, figures, triggers -> events.

Everything here depends only on the article and the loaded lexicons, so articles can be processed in
any order, in parallel workers, or taken from the cache.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.extraction.casualties import CasualtyLexicon, extract_figures, load_casualty_lexicon, summary_figures
from pipeline.config import Settings
from pipeline.extraction.date_lexicon import DateLexicon, load_date_lexicon
from pipeline.extraction.event_dates import resolve_event_date
from pipeline.extraction.publication_dates import infer_publication_date
from pipeline.extraction.date_expressions import find_temporal_expressions
from pipeline.extraction.document import Document, analyse
from pipeline.extraction.events import (COUNTED_DATE_KINDS, EventLexicon, SentenceFacts, build_sentence_events,
                                        find_actors, find_triggers, load_event_lexicon, merge_follow_up_tolls)
from pipeline.extraction.matcher import PhraseIndex, PhraseMatcher
from pipeline.extraction.toponyms import PlaceExtras, enrich_mentions, load_place_extras
from pipeline.extraction.places import PlaceResolver, load_place_resolver
from pipeline.records import Article, Event, PlaceMention, Sentence, Span
from pipeline.schema import WIDE_KINDS
from pipeline.extraction.sentences import SentenceRules, is_heading, load_sentence_rules

INHERIT_SENTENCES = 2
"""How many sentences back "the area" may refer to a place named before."""
_NOT_CARRIED = frozenset(WIDE_KINDS + ("out_of_area",))
"""Kinds of place "the area" never refers back to."""


@dataclass(frozen=True)
class Resources:
    """The loaded language and campaign knowledge every article needs."""

    sentences: SentenceRules
    events: EventLexicon
    places: PlaceResolver
    dates: DateLexicon
    casualties: CasualtyLexicon
    city_id: str
    extras: PlaceExtras = PlaceExtras()
    """Optional NER and geocoding, off by default."""
    index: PhraseIndex | None = None
    """Every lexicon family in one phrase table (built from the lexicons above when not given)."""

    def __post_init__(self):
        if self.index is None:
            object.__setattr__(self, "index", phrase_index(self))


def phrase_index(res: Resources) -> PhraseIndex:
    """One table of every lexicon family's phrases, so that an article is matched in one pass."""
    families: dict[str, PhraseMatcher | None] = {
        "places": res.places.matcher, "dates": res.dates.matcher, "numbers": res.dates.numbers.matcher,
        "triggers": res.events.triggers, "actors": res.events.actors, "modality": res.events.modality,
        "casualty_numbers": res.casualties.numbers.matcher}
    families.update({f"casualties.{name}": m for name, m in res.casualties.matchers.items()})
    families["arrivals"] = res.events.arrivals
    unique: dict[int, tuple[str, PhraseMatcher]] = {}
    for name, matcher in families.items():
        if matcher is not None:
            unique.setdefault(id(matcher), (name, matcher))
    return PhraseIndex(dict(unique.values()))


def load_resources(settings: Settings, cache_dir: Path | None = None) -> Resources:
    """The knowledge of the run's campaign (its folder and its language), loaded once."""
    campaign = settings.load_campaign()
    lex = campaign.lexicon_dir
    extras = load_place_extras(ner_model=settings.ner_model, geocoder_url=settings.geocoder_url,
                               user_agent=settings.geocoder_user_agent,
                               cache_dir=(cache_dir or settings.default_out / ".cache") / "geocoder", bbox=campaign.bbox)
    return Resources(load_sentence_rules(lex), load_event_lexicon(campaign), load_place_resolver(campaign),
                     load_date_lexicon(campaign), load_casualty_lexicon(lex), campaign.city_id, extras)


@dataclass(frozen=True)
class ArticleResult:
    article: Article
    """The article with its publication date (given or inferred)."""
    events: tuple[Event, ...]
    date_evidence: tuple[str, ...] = ()


def _publication_date(article: Article, res: Resources, doc: Document) -> tuple[Article, tuple[str, ...]]:
    if article.published is not None:
        return article, ()
    inferred = infer_publication_date(article.text, res.dates, doc=doc)
    if inferred.date is None:
        return article, tuple(inferred.evidence)
    return replace(article, published=inferred.date, date_source="inferred"), tuple(inferred.evidence)


def _city_mention(mentions: list[PlaceMention], city_id: str) -> PlaceMention | None:
    return next((m for m in mentions if m.place is not None and m.place.place_id == city_id), None)


def extract_article(article: Article, res: Resources) -> ArticleResult:
    """All events of one article, before duplicates across articles are merged."""
    doc = analyse(article.text, res.index, res.sentences)  # type: ignore[arg-type]  # set by __post_init__
    article, evidence = _publication_date(article, res, doc)
    text, published = article.text, article.published
    published_iso = published.isoformat() if isinstance(published, dt.date) else ""
    sentences = doc.sentences
    mentions = {s.index: res.places.find_mentions(text, s.start, s.end, doc=doc) for s in sentences}
    if res.extras:
        mentions = {i: enrich_mentions(text, s.start, s.end, mentions[i], res.extras)
                    for i, s in zip(mentions, sentences)}
    city = next((c for s in sentences if (c := _city_mention(mentions[s.index], res.city_id))), None)
    figures = {s.index: extract_figures(text, res.casualties, start=s.start, end=s.end, doc=doc) for s in sentences}
    in_lead = {sentences[0].index} if sentences else set()
    summaries = summary_figures([f for i in in_lead for f in figures[i]],
                                [f for i, fs in figures.items() if i not in in_lead for f in fs])
    events: list[Event] = []
    counted_dates: list[Span] | None = None
    leads: dict[int, Sentence] = {}
    previous: tuple[PlaceMention, ...] = ()
    age = 0
    for s in sentences:
        lead = leads.setdefault(s.paragraph, s)
        if lead is s:  # a paragraph is one line: a heading or not as a whole
            heading = is_heading(s, text, res.sentences)
        triggers = find_triggers(text, res.events, s.start, s.end, doc=doc)
        own_figures = [f for f in figures[s.index] if f not in summaries] if summaries else figures[s.index]
        if triggers or own_figures:  # else the sentence holds no event: only its places are read on
            if counted_dates is None:
                counted_dates = [e.span for e in find_temporal_expressions(text, res.dates, published=published,
                                                                           doc=doc) if e.kind in COUNTED_DATE_KINDS]
            facts = SentenceFacts(
                sentence=s, triggers=tuple(triggers), figures=tuple(own_figures), places=tuple(mentions[s.index]),
                actors=tuple(find_actors(text, res.events, s.start, s.end, doc=doc)), is_heading=heading,
                dates=tuple(d for d in counted_dates if d.start >= s.start and d.end <= s.end) if counted_dates else ())
            sentence_span = Span(s.start, s.end, s.text)

            def date_of(clause: Span, cumulative: bool | None, _s=sentence_span,
                        _lead=None if lead is s else Span(lead.start, lead.end, lead.text)):
                return resolve_event_date(text, res.dates, published=published, clause=clause, sentence=_s,
                                          paragraph_lead=_lead, cumulative=cumulative, doc=doc)

            events += build_sentence_events(facts, article_id=article.article_id, article_sha=article.sha256,
                                            outlet=article.outlet, published=published_iso, lexicon=res.events,
                                            date_of=date_of, previous_places=() if heading else previous, city=city,
                                            doc=doc)
        named = tuple(m for m in mentions[s.index] if m.role == "location" and m.place is not None
                      and m.place.kind not in _NOT_CARRIED)
        if heading:
            previous, age = (), 0
        elif named:
            previous, age = named, 0
        else:
            age += 1
            if age >= INHERIT_SENTENCES:
                previous = ()
    return ArticleResult(article, tuple(merge_follow_up_tolls(events, res.events.taxonomy)), evidence)
