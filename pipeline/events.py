"""Events from one sentence: trigger words, actors and figures grouped into events, each placed and dated.

An event is anchored on a trigger word (or on a casualty figure that no trigger governs). Anchors of
one clause take the places named in that clause; an anchor with no place of its own borrows the
places of its sentence, then of the previous sentence ("in the area"), then the campaign city.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.campaign import Campaign
from pipeline.document import Document, document_for
from pipeline.matcher import PhraseMatcher
from pipeline.records import ActorMention, DateWindow, Event, Figure, PlaceMention, Sentence, Span, Trigger
from pipeline.resources import load_clitics, load_yaml
from pipeline.schema import WIDE_KINDS

EVENT_PLACE_ROLES = {"location", "origin"}
CASUALTY_KINDS = {"killed", "wounded", "casualties"}


@dataclass(frozen=True)
class EventLexicon:
    triggers: PhraseMatcher
    """Payload: (event_type, strength), or None for phrases that are no event."""
    actors: PhraseMatcher
    """Payload: canonical actor name."""
    modality: PhraseMatcher
    """Payload: "irrealis", "background" or "negation"."""
    modality_window: int
    taxonomy: dict
    """event_type -> {acled_event_type, acled_sub_event_type, harm}."""

    @property
    def harm_types(self) -> frozenset[str]:
        """Types that kill and wound (`harm: true` in event_types.yaml)."""
        return frozenset(t for t, spec in self.taxonomy.items() if (spec or {}).get("harm"))


@lru_cache(maxsize=None)
def load_event_lexicon(campaign: Campaign) -> EventLexicon:
    """Compile the trigger, actor and modality lexicons of the campaign's language, with its local names, into matchers."""
    lexicon_dir = campaign.lexicon_dir
    clitics = load_clitics(lexicon_dir)
    triggers = campaign.lexicon_file("event_triggers.yaml")
    phrases = [(w, (etype, strength)) for etype, words in triggers["types"].items()
               for strength in ("strong", "weak") for w in words.get(strength) or ()]
    phrases += [(w, None) for w in triggers["not_events"]]
    actors = campaign.lexicon_file("actors.yaml")
    modality = triggers["irrealis"]
    return EventLexicon(
        triggers=PhraseMatcher(phrases, clitics, suffixes=True),
        actors=PhraseMatcher([(w, name) for name, words in actors.items() for w in words], clitics, suffixes=True),
        modality=PhraseMatcher([(w, "irrealis") for w in modality["markers"]]
                               + [(w, "background") for w in modality.get("background", ())]
                               + [(w, "negation") for w in modality["negations"]], clitics),
        modality_window=int(modality.get("window", 3)),
        taxonomy=load_yaml(lexicon_dir.parent / "event_types.yaml"),
    )


def find_triggers(text: str, lexicon: EventLexicon, start: int = 0, end: int | None = None, *,
                  doc: Document | None = None) -> list[tuple[Trigger, str]]:
    """Event words in text[start:end] that report something that happened, with their strength.

    Words inside a no-event phrase, or within a few words after a plan/forecast/negation marker, are left out.
    `doc` is the article analysed once (see pipeline.document); without it the text is analysed here.
    """
    view = (doc or document_for(text, lexicon.triggers, lexicon.modality)).view(start, end)
    blocked = {t for m in view.find(lexicon.modality)
               for t in range(m.token_end, m.token_end + lexicon.modality_window)}
    found = []
    for m in view.find(lexicon.triggers):
        if m.payload is None or m.token_start in blocked:
            continue
        etype, strength = m.payload
        span = Span(m.span.start + start, m.span.end + start, m.span.text)
        found.append((Trigger(etype, span), strength))
    return found


def find_actors(text: str, lexicon: EventLexicon, start: int = 0, end: int | None = None, *,
                doc: Document | None = None) -> list[ActorMention]:
    view = (doc or document_for(text, lexicon.actors)).view(start, end)
    return [ActorMention(m.payload, Span(m.span.start + start, m.span.end + start, m.span.text))
            for m in view.find(lexicon.actors)]


@dataclass
class _Anchor:
    """An event being assembled inside one sentence."""

    event_type: str
    span: Span
    clause: Span
    strength: str
    figures: list[Figure] = field(default_factory=list)
    places: list[PlaceMention] = field(default_factory=list)
    place_source: str = "clause"


@dataclass(frozen=True)
class SentenceFacts:
    """What the other stages found in one sentence."""

    sentence: Sentence
    triggers: tuple[tuple[Trigger, str], ...]
    figures: tuple[Figure, ...]
    places: tuple[PlaceMention, ...]
    actors: tuple[ActorMention, ...]
    is_heading: bool = False


def _clause_of(sentence: Sentence, pos: int) -> Span:
    for clause in sentence.clauses:
        if clause.start <= pos < clause.end:
            return clause
    return Span(sentence.start, sentence.end, sentence.text)


def _figure_event_type(figure: Figure) -> str:
    if figure.kind == "displaced":
        return "displacement"
    return "clash" if figure.victims in ("isis", "security_forces") else "civilian_harm"


def _fits(figure: Figure, event_type: str, taxonomy: dict) -> bool:
    """Displacement figures go with displacement words, tolls with words of a type that harms."""
    if figure.kind == "displaced":
        return event_type == "displacement"
    return bool(taxonomy.get(event_type, {}).get("harm"))


def _merge_into(target: _Anchor, other: _Anchor) -> None:
    target.figures.extend(other.figures)
    if other.strength == "strong":
        target.strength = "strong"


def _kinds(anchor: _Anchor) -> set[str]:
    return {f.kind for f in anchor.figures}


def _anchors(facts: SentenceFacts, taxonomy: dict) -> list[_Anchor]:
    """Trigger words and ungoverned figures of a sentence, grouped into events.

    Weak words (aircraft, "strike") count only in a sentence with no strong event word: beside one they
    name a supporting actor. Several words of one type in a clause are one event unless each carries
    its own figure of the same kind.
    """
    s = facts.sentence
    triggers = list(facts.triggers)
    if any(strength == "strong" for _, strength in triggers):
        triggers = [(t, strength) for t, strength in triggers if strength == "strong"]
    anchors = [_Anchor(t.event_type, t.span, _clause_of(s, t.span.start), strength) for t, strength in triggers]
    for fig in facts.figures:
        clause = _clause_of(s, fig.span.start)
        near = [a for a in anchors if a.clause == clause and _fits(fig, a.event_type, taxonomy)]
        if near:
            min(near, key=lambda a: abs(a.span.start - fig.span.start)).figures.append(fig)
        else:
            anchors.append(_Anchor(_figure_event_type(fig), fig.span, clause, "figure", [fig]))
    anchors.sort(key=lambda a: a.span.start)
    merged: list[_Anchor] = []
    for a in anchors:
        twin = next((m for m in merged if m.event_type == a.event_type and not (_kinds(m) & _kinds(a))
                     and (m.clause == a.clause or (m.strength == a.strength == "figure"))), None)
        if twin:
            _merge_into(twin, a)
        else:
            merged.append(a)
    return merged


def _nearest_clause_places(anchor: _Anchor, by_clause: dict[Span, list[PlaceMention]]) -> list[PlaceMention]:
    """Places of the nearest clause before the anchor's (the place the sentence is about), else after it."""
    before = [c for c in by_clause if c.start < anchor.clause.start]
    after = [c for c in by_clause if c.start > anchor.clause.start]
    if before:
        return list(by_clause[max(before, key=lambda c: c.start)])
    return list(by_clause[min(after, key=lambda c: c.start)]) if after else []


def _assign_places(anchors: list[_Anchor], facts: SentenceFacts, previous: tuple[PlaceMention, ...],
                   city: PlaceMention | None) -> list[_Anchor]:
    """Give each anchor its places; anchors left with only borrowed places join a same-type anchor that has its own."""
    places = [p for p in facts.places if p.role in EVENT_PLACE_ROLES]
    by_clause: dict[Span, list[PlaceMention]] = {}
    for p in places:
        by_clause.setdefault(_clause_of(facts.sentence, p.span.start), []).append(p)
    for clause, mentions in by_clause.items():
        own = [a for a in anchors if a.clause == clause]
        if own:  # split the clause's places at each anchor's position
            for p in mentions:
                before = [a for a in own if a.span.start <= p.span.start]
                (before[-1] if before else own[0]).places.append(p)
        else:  # a clause with places and no event word continues the event before it ("... as well as parts of X")
            earlier = [a for a in anchors if a.span.start < clause.start]
            if earlier:
                earlier[-1].places.extend(mentions)
    placed = [a for a in anchors if a.places]
    kept: list[_Anchor] = []
    for a in anchors:
        if a.places:
            kept.append(a)
            continue
        twin = next((m for m in placed if m.event_type == a.event_type and not (_kinds(m) & _kinds(a))), None)
        if twin:
            _merge_into(twin, a)
            continue
        borrowed = _nearest_clause_places(a, by_clause)
        if borrowed:
            a.places, a.place_source = borrowed, "sentence"
        elif previous:
            a.places, a.place_source = list(previous), "previous_sentence"
        elif city is not None:
            a.places, a.place_source = [city], "city"
        kept.append(a)
    for a in kept:
        unique = {}
        for p in sorted(a.places, key=lambda p: p.span.start):
            unique.setdefault(p.place.place_id if p.place is not None else f"@{p.span.start}", p)
        a.places = list(unique.values())
    return kept


def confidence(anchor_strength: str, place_source: str, place: PlaceMention | None, date: DateWindow,
               heading: bool) -> float:
    """Documented score in [0, 1]: how much of the event rests on explicit words of its own sentence."""
    score = 0.5
    score += {"strong": 0.2, "figure": 0.15, "weak": 0.0}[anchor_strength]
    score += {"clause": 0.15, "sentence": 0.1, "previous_sentence": -0.05, "city": -0.15}.get(place_source, -0.2)
    if place is not None and place.geo_precision == 1:
        score += 0.05
    if date.span is not None:
        score += 0.1
    elif date.start is None:
        score -= 0.1
    if heading:
        score -= 0.1
    return round(min(0.99, max(0.05, score)), 2)


def _victims(figures: list[Figure], actors: list[str]) -> str:
    groups = {f.victims for f in figures if f.victims != "unknown"}
    if len(groups) > 1:
        return "mixed"
    if groups:
        return groups.pop()
    return "civilians" if "Civilians" in actors and figures else "unknown"


def _event_id(*parts) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:16]


def build_sentence_events(facts: SentenceFacts, *, article_id: str, article_sha: str, outlet: str, published: str,
                          lexicon: EventLexicon, date_of, previous_places: tuple[PlaceMention, ...],
                          city: PlaceMention | None) -> list[Event]:
    """Events of one sentence, one Event per event and place.

    `date_of(clause: Span, cumulative: bool | None)` returns the DateWindow governing a clause of this
    sentence; `cumulative` says whether the event is a running total (None: unknown).
    """
    anchors = _assign_places(_anchors(facts, lexicon.taxonomy), facts, previous_places, city)
    events = []
    for a in anchors:
        clause_actors = [x.actor for x in facts.actors if a.clause.start <= x.span.start < a.clause.end]
        actors = tuple(dict.fromkeys(clause_actors or [x.actor for x in facts.actors]))
        date = date_of(a.clause, any(f.cumulative for f in a.figures) if a.figures else None)
        cumulative = date.cumulative or any(f.cumulative for f in a.figures)
        acled = lexicon.taxonomy.get(a.event_type, {})
        group_id = _event_id(article_sha, facts.sentence.index, a.span.start, a.event_type)
        for place in a.places or [None]:
            events.append(Event(
                event_id=_event_id(group_id, place.span.start if place else "", place.place.place_id if place and place.place else ""),
                cluster_id=group_id,
                article_id=article_id, outlet=outlet, published=published,
                sentence_index=facts.sentence.index, quote=facts.sentence.text,
                event_type=a.event_type,
                acled_event_type=acled.get("acled_event_type", ""),
                acled_sub_event_type=acled.get("acled_sub_event_type", ""),
                actors=actors, date=date, place=place, figures=tuple(a.figures),
                trigger=Trigger(a.event_type, a.span),
                confidence=confidence(a.strength, a.place_source, place, date, facts.is_heading),
                cumulative=cumulative, victims=_victims(a.figures, list(actors)),
                place_source=a.place_source, quote_start=facts.sentence.start, quote_end=facts.sentence.end,
            ))
    return events


def located_places(events: list[Event]) -> tuple[PlaceMention, ...]:
    """Places an event of the sentence was located at by its own words (what "the area" may refer to next)."""
    return tuple(dict.fromkeys(e.place for e in events if e.place is not None
                               and e.place_source in ("clause", "sentence")
                               and e.place.place is not None and e.place.place.kind not in WIDE_KINDS))


__all__ = ["EventLexicon", "SentenceFacts", "build_sentence_events", "confidence", "find_actors", "find_triggers",
           "load_event_lexicon", "located_places"]
