"""Events from one sentence: trigger words, actors and figures grouped into events, each placed and dated.

An event is anchored on a trigger word (or on a casualty figure that no trigger governs). Anchors of
one clause take the places named in that clause; an anchor with no place of its own borrows the
places of its sentence, then of the previous sentence ("in the area"), then the campaign city.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from pipeline.campaign import Campaign
from pipeline.extraction.article_matches import ArticleMatches
from pipeline.extraction.document import Document, document_for
from pipeline.extraction.matcher import Clitics, PhraseMatcher
from pipeline.extraction.positions import bisect_right
from pipeline.records import ActorMention, DateWindow, Event, Figure, PlaceMention, Sentence, Span, Trigger
from pipeline.resources import load_clitics, load_yaml
from pipeline.extraction.inflect import load_inflection_rules, noun_forms, verb_forms
from pipeline.schema import WIDE_KINDS, harm_types
from pipeline.extraction.textnorm import normalise, normalise_phrase, tokenize

EVENT_PLACE_ROLES = {"location", "origin"}
BORROWED_PLACES = 2
"""An event with no place of its own takes the previous sentence's places only when it named this many or
fewer below district level: "the area" after a list of quarters could be any of them."""
DATELINE_CHARS = 20
"""A place named this close to the start of a sentence is a dateline ("بغداد 10 مايو /"), not where it happened."""
CASUALTY_KINDS = {"killed", "wounded", "casualties"}
TOWARD_TYPES = frozenset({"advance", "clash"})
"""Events placed at the destination named right after their word, before any other place ("تقدم القوات نحو
الحي"): the place fought for."""
ONGOING_WORDS = 3
"""How far before the event word a present verb of going on ("يواصل", "لا تزال") reaches."""
GENERIC_REACH = 15
"""How many words apart the displaced and the event they are part of may stand; farther away, in a long run-on
sentence, they are a displacement of their own."""
TOWARD_WORDS = 4
"""How many words may stand between the event word and "toward" (its subject, a time): "تقدم القوات العراقية نحو"."""
COUNTED_DATE_KINDS = frozenset({"campaign_day", "elapsed", "since"})
"""Date expressions counted from a milestone ("the sixtieth day of the battle", "seven months after the
offensive began"): the event word they hold names the milestone, not a happening of the sentence."""


@dataclass(frozen=True)
class EventLexicon:
    triggers: PhraseMatcher
    """Payload: (event_type, strength), or None for phrases that are no event."""
    actors: PhraseMatcher
    """Payload: canonical actor name."""
    modality: PhraseMatcher
    """Payload: the kind of marker (irrealis, intent, background, negation, anaphora, attempt, shoot_down,
    weapon_object, launch, demolished)."""
    windows: dict
    """Marker kind -> how many words after the marker it reaches (negative: before it; None: the whole sentence)."""
    marker_types: dict
    """Marker kind -> the event types it applies to, where it does not apply to all."""
    battles: frozenset
    """Forms of the battle and attack words that a launch makes an advance."""
    taxonomy: dict
    """event_type -> {harm, weapon, acled_event_type, acled_sub_event_type}."""
    agent_window: int = 5
    countries: frozenset = frozenset()
    """Place ids of whole countries: naming one does not put an event elsewhere (it may hold the area)."""
    recap_days: int | None = None
    recap_years: int | None = None
    relative_pronouns: frozenset = frozenset()
    purpose_prefix: str = ""
    article: str = ""
    """The definite article as a clitic (clitics.yaml): attached letters ending in it are no purpose prefix."""
    purpose_types: frozenset = frozenset()
    demolishing: frozenset = frozenset()
    """Forms of the words that blow up or destroy (a building after them makes a demolition)."""
    imperfect: frozenset = frozenset()
    """Imperfect (present) forms of the verb triggers."""
    fighter_flight: tuple = (4, frozenset(), frozenset())
    """(window, fighter actors, civilian actors)."""
    ongoing: frozenset = frozenset()
    """Present forms of the verbs of going on ("يواصل"): an advance after them has not arrived yet."""
    arrivals: PhraseMatcher | None = None
    """Words of arriving somewhere: a displacement reported by its arrival happens at the destination."""

    families: dict[str, PhraseMatcher] = field(init=False, repr=False, compare=False)
    """The phrase families a sentence's events are read from, by name (made once: every sentence asks for them)."""

    def __post_init__(self):
        found = {"triggers": self.triggers, "modality": self.modality, "actors": self.actors}
        if self.arrivals is not None:
            found["arrivals"] = self.arrivals
        object.__setattr__(self, "families", found)

    @property
    def harm_types(self) -> frozenset[str]:
        """Types that kill and wound (`harm: true` in event_types.yaml)."""
        return harm_types(self.taxonomy)


_YEAR = re.compile(r"(?:19|20)[0-9]{2}(?![0-9])")
"""A year, unless a digit comes before it (see _years)."""


def _years(text: str):
    """The years written in a text: four digits that are not part of a longer number.

    The digit before is checked here rather than by a look-behind at the start of _YEAR: with one, the regex
    engine tries the pattern at every character instead of skipping to the next 1 or 2.
    """
    return (m for m in _YEAR.finditer(text) if not (m.start() and "0" <= text[m.start() - 1] <= "9"))

DROPPING_MARKERS = {"irrealis", "expected", "intent", "habitual", "background", "described", "negation", "anaphora",
                    "temporal", "temporal_after"}
_DROPPING_ANY_WORD = frozenset(DROPPING_MARKERS - {"anaphora"})
"""The markers that drop every event word they reach (anaphora drops definite words only)."""


def _trigger_phrases(triggers: dict, rules) -> list[tuple[str, tuple[str, str] | None]]:
    """Every form of every trigger word: nouns with their endings, verbs in their persons and tenses."""
    excluded = {normalise_phrase(w) for w in triggers.get("excluded_forms") or ()}
    phrases: list[tuple[str, tuple[str, str] | None]] = []
    for etype, words in triggers["types"].items():
        for strength in ("strong", "weak", "generic"):
            for w in words.get(strength) or ():
                phrases += [(f, (etype, strength)) for f in noun_forms(w, rules)]
            for lemma in words.get(f"{strength}_verbs") or ():
                forms = verb_forms(lemma, rules) if " " not in lemma else [lemma]
                phrases += [(f, (etype, strength)) for f in forms if normalise_phrase(f) not in excluded]
    phrases += [(w, ("advance", "campaign")) for w in triggers.get("campaign_names") or ()]
    phrases += [(w, None) for w in triggers["not_events"]]
    return phrases


@lru_cache(maxsize=None)
def load_event_lexicon(campaign: Campaign) -> EventLexicon:
    """Compile the trigger, actor and modality lexicons of the campaign's language, with its local names, into matchers."""
    lexicon_dir = campaign.lexicon_dir
    clitics = load_clitics(lexicon_dir)
    triggers = campaign.lexicon_file("event_triggers.yaml")
    actors = campaign.lexicon_file("actors.yaml")
    markers: list[tuple[str, str]] = []
    windows: dict[str, int | None] = {}
    marker_types: dict[str, frozenset] = {}
    for kind, spec in triggers["modality"].items():
        markers += [(w, kind) for w in spec["words"]]
        windows[kind] = int(spec.get("window", 3))
        if spec.get("types"):
            marker_types[kind] = frozenset(spec["types"])
    victims = triggers.get("combatant_victims") or {}
    markers += [(w, "combatant") for w in victims.get("words", ())]
    windows["combatant"] = -int(victims.get("window", 3))
    markers += [(w, "shoot_down") for w in triggers.get("shoot_down", ())]
    windows["shoot_down"] = None
    objects = triggers.get("weapon_objects") or {}
    markers += [(w, "weapon_object") for w in objects.get("words", ())]
    windows["weapon_object"] = int(objects.get("window", 4))
    demolition = triggers.get("demolition") or {}
    markers += [(w, "demolished") for w in demolition.get("objects", ())]
    windows["demolished"] = -int(demolition.get("window", 3))
    rules = load_inflection_rules(lexicon_dir)
    demolishing = frozenset(normalise_phrase(f) for w in demolition.get("nouns", ()) for f in noun_forms(w, rules)) \
        | frozenset(normalise_phrase(f) for w in demolition.get("verbs", ()) for f in verb_forms(w, rules))
    imperfect = frozenset(normalise_phrase(f) for words in triggers["types"].values()
                          for key in ("strong_verbs", "generic_verbs", "weak_verbs") for lemma in words.get(key) or ()
                          if " " not in lemma for f in verb_forms(lemma, rules, perfect_tense=False))
    launch = triggers.get("launch") or {}
    markers += [(w, "launch") for w in launch.get("words", ())]
    windows["launch"] = int(launch.get("window", 4))
    windows["launched"] = int(launch.get("window_before", 0))
    flight = triggers.get("fighter_flight") or {}
    return EventLexicon(
        triggers=PhraseMatcher(_trigger_phrases(triggers, rules), clitics, suffixes=True),
        actors=PhraseMatcher([(w, name) for name, words in actors.items() for w in words], clitics, suffixes=True),
        modality=PhraseMatcher(markers, clitics),
        windows=windows,
        marker_types=marker_types,
        battles=frozenset(normalise_phrase(f) for w in launch.get("battles", ()) for f in noun_forms(w, rules)),
        taxonomy=load_yaml(lexicon_dir.parent / "event_types.yaml"),
        agent_window=int(triggers.get("agent_window", 5)),
        countries=frozenset(o.place.place_id for o in campaign.out_of_area if o.world_kind == "country"),
        recap_days=triggers.get("recap_days"),
        recap_years=triggers.get("recap_years"),
        relative_pronouns=frozenset(normalise_phrase(w) for w in triggers.get("relative_pronouns", ())),
        purpose_prefix=normalise_phrase(triggers.get("purpose_prefix", "")),
        article=clitics.article,
        purpose_types=frozenset(triggers.get("purpose_types", ())),
        demolishing=demolishing,
        imperfect=imperfect,
        fighter_flight=(int(flight.get("window", 4)), frozenset(flight.get("fighters", ())),
                        frozenset(flight.get("civilians", ()))),
        ongoing=frozenset(normalise_phrase(f) for lemma in triggers.get("ongoing") or ()
                          for f in verb_forms(lemma, rules, perfect_tense=False)),
        arrivals=PhraseMatcher([(w, "arrival") for w in triggers.get("arrivals") or ()], clitics, suffixes=True),
    )


def _definite_word(sentence: Sentence, span: Span, clitics: Clitics) -> bool:
    """The first word at span (an event word) carries the article in the sentence ("القصف", "بالمعارك")."""
    rel = span.start - sentence.start
    head = (span.text.split() or [""])[0]
    words = tokenize(normalise(sentence.text[max(0, rel - 4):rel + len(head)]))
    return bool(words) and clitics.is_definite(words[-1].text)


def find_triggers(text: str, lexicon: EventLexicon, start: int = 0, end: int | None = None, *,
                  doc: Document | None = None) -> list[tuple[Trigger, str]]:
    """Event words in text[start:end] (one sentence) that report something that happened, with their strength.

    Left out: words inside a no-event phrase; a circumstance ("amid shelling") of another event word of the sentence; the name of an offensive unless it is launched; words a few words after a plan, intent, background or
    negation marker; a definite word right after a demonstrative (an event already reported); a
    present-tense verb right after a relative pronoun (it describes an actor); an
    advance word with the purpose prefix ("لتحرير") unless an offensive is launched for it; flight words of fighters; the air strikes of a
    sentence that shoots an aircraft down. Changed: an attempted advance is a clash; a fire or attack
    word with an aircraft beside it is an air strike; a bombing word naming a weapon destroyed or
    defused, or blowing up a building, is "other"; abducting a soldier is "other"; a battle launched
    by the forces is an advance. `doc` is the article analysed once (see pipeline.extraction.document); without it
    the text is analysed here.
    """
    article, first, last = _event_matches(text, lexicon, start, end, doc)
    matches = [m for m in article.settled("triggers", first, last) if m.payload is not None]
    if not matches:
        return []
    tokens = article.tokens
    reach: dict[str, set[int]] = {}
    for m in article.settled("modality", first, last):
        window = lexicon.windows.get(m.payload)
        if window is None:
            cells = range(first, last)
        elif window < 0:
            cells = range(max(first, m.token_start + window), m.token_start)
        else:
            cells = range(m.token_end, m.token_end + window)
        reach.setdefault(m.payload, set()).update(cells)
        if m.payload == "launch":  # the battle may be named before its launch verb
            reach.setdefault("launched", set()).update(range(max(first, m.token_start - lexicon.windows["launched"]),
                                                             m.token_start))
    agents = [m.token_start for m in matches if m.payload[0] == "airstrike" and m.payload[1] != "generic"]
    actors = article.settled("actors", first, last)
    shot_down = bool(reach.get("shoot_down"))
    found = []
    amid = reach.get("amid", set())
    main = any(m.token_start not in amid and m.payload[1] != "weak" for m in matches)
    dropping = [(cells, lexicon.marker_types.get(kind)) for kind, cells in reach.items() if kind in _DROPPING_ANY_WORD]
    for m in matches:
        etype, strength = m.payload
        at = m.token_start
        if at in amid and main:  # the circumstance of the sentence's event, not one of its own
            continue
        if dropping and any(at in cells and (types is None or etype in types) for cells, types in dropping):
            continue
        if at in reach.get("anaphora", ()) and lexicon.triggers.clitics.is_definite(tokens[at].text):
            continue
        if at in reach.get("relative", ()) and m.phrase in lexicon.imperfect:
            continue
        if strength == "campaign":
            if at not in reach.get("launch", ()):
                continue
            strength = "strong"
        if etype == "advance" and at in reach.get("attempt", ()):
            etype, strength = "clash", "strong"
        elif (etype in lexicon.purpose_types and _has_prefix(m.prefix, lexicon.purpose_prefix, lexicon.article)
                and at not in reach.get("launch", ())):
            continue
        if etype == "clash" and m.phrase in lexicon.battles and (at in reach.get("launched", ()) or (
                at in reach.get("launch", ()) and _subject(at, actors) not in lexicon.fighter_flight[1])):
            etype, strength = "advance", "strong"
        if strength == "generic" and lexicon.taxonomy.get(etype, {}).get("harm") and any(
                abs(a - at) <= lexicon.agent_window for a in agents):
            etype, strength = "airstrike", "strong"
        if etype == "vbied_ied" and at in reach.get("weapon_object", ()):
            etype, strength = "other", "generic"
        if m.phrase in lexicon.demolishing and at in reach.get("demolished", ()):
            etype, strength = "other", "strong"
        if etype == "abuse" and at in reach.get("combatant", ()):
            etype = "other"
        if shot_down and (etype == "airstrike" or (strength == "generic" and lexicon.taxonomy.get(etype, {}).get("harm"))):
            continue
        if etype == "displacement" and _fighters_flee(at, actors, lexicon.fighter_flight):
            continue
        found.append((Trigger(etype, _in_article(m.span, article.offset)), strength))
    return found


def _event_matches(text: str, lexicon: EventLexicon, start: int, end: int | None,
                   doc: Document | None) -> tuple[ArticleMatches, int, int]:
    """The event families' matches of the text, made once per document, and the tokens [first, last) of
    text[start:end] in them (a stretch whose edges cut a word is read on its own, as Document.view does)."""
    end = len(text) if end is None else end
    families = lexicon.families
    doc = doc or document_for(text, *families.values())
    article = doc.derived(("events", id(lexicon)), lambda: ArticleMatches(doc, families))
    tokens = article.token_range(start, end)
    if tokens is None:
        stretch = ArticleMatches.of_stretch(doc, families, start, end)
        return stretch, 0, len(stretch.tokens)
    return article, *tokens


def _in_article(span: Span, offset: int) -> Span:
    """A span of a text that starts at article offset `offset`, in article offsets."""
    return span if not offset else Span(span.start + offset, span.end + offset, span.text)


def _has_prefix(attached: str, prefix: str, article: str) -> bool:
    """The letters attached in front of a word end with `prefix`, the article aside (with ل: "لل" and "ل"
    count, "ال" does not)."""
    if article and attached.endswith(article):
        attached = attached[:-len(article)]
    return bool(prefix) and attached.endswith(prefix)


def _subject(at: int, actors) -> str | None:
    """The actor named last before a word (who launched the battle: "شن التنظيم هجوما")."""
    before = [a for a in actors if a.token_end <= at]
    return max(before, key=lambda a: a.token_end).payload if before else None


def _fighters_flee(at: int, actors, flight: tuple) -> bool:
    """The actor nearest a flight word is a fighting force and no civilians are as near."""
    window, fighters, civilians = flight
    near = sorted((min(abs(a.token_start - at), abs(a.token_end - 1 - at)), a.payload) for a in actors
                  if a.token_start - window <= at <= a.token_end - 1 + window)
    return bool(near) and near[0][1] in fighters and not any(name in civilians for _, name in near)


def find_actors(text: str, lexicon: EventLexicon, start: int = 0, end: int | None = None, *,
                doc: Document | None = None) -> list[ActorMention]:
    article, first, last = _event_matches(text, lexicon, start, end, doc)
    return [ActorMention(m.payload, _in_article(m.span, article.offset)) for m in article.settled("actors", first, last)]


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
    dates: tuple[Span, ...] = ()
    """Spans of the sentence's date expressions counted from a milestone (COUNTED_DATE_KINDS)."""


class _Clauses:
    """The clauses of one sentence by position. They are in text order and do not overlap (split_sentences), so
    the one holding a position is found by bisection; a position between them is in the whole sentence."""

    def __init__(self, sentence: Sentence):
        self.clauses = sentence.clauses
        self.starts = [c.start for c in sentence.clauses]
        self.whole = Span(sentence.start, sentence.end, sentence.text)

    def of(self, pos: int) -> Span:
        k = bisect_right(self.starts, pos) - 1
        if k >= 0 and pos < self.clauses[k].end:
            return self.clauses[k]
        return self.whole


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


def _nearest(anchors: list[_Anchor], pos: int) -> _Anchor:
    return min(anchors, key=lambda a: abs(a.span.start - pos))


def _joinable(etype: str, anchors: list[_Anchor], taxonomy: dict) -> list[_Anchor]:
    """The events a generic word of this type may be part of (event_types.yaml `joins`)."""
    joins = taxonomy.get(etype, {}).get("joins", "any")
    if isinstance(joins, list):
        return [a for a in anchors if a.event_type in joins]
    if joins == "harm":
        return [a for a in anchors if taxonomy.get(a.event_type, {}).get("harm")]
    if joins == "weapon":
        return [a for a in anchors if taxonomy.get(a.event_type, {}).get("weapon")]
    return list(anchors)


def _anchors(facts: SentenceFacts, clauses: _Clauses, taxonomy: dict, clitics: Clitics) -> list[_Anchor]:
    """Trigger words and ungoverned figures of a sentence, grouped into events: one happening, one event.

    Weak words (aircraft) count only in a sentence with no other event word. Generic words (attack,
    rockets, explosion, damage, the rubble, snipers) join the nearest event of their sentence that their type may
    be part of (`joins` in event_types.yaml), weapon words first in the order of event_types.yaml (a strike
    before the snipers it killed), and only a harmful one when their
    clause holds a toll; with none, they stand as their own type. A figure goes to the nearest harmful event of its
    clause, else of its sentence if that event has no figure of its kind yet, else becomes an event of its own. Several words of one type in a
    clause are one event unless each carries its own figure of the same kind.
    """
    s = facts.sentence
    triggers = [(t, strength) for t, strength in facts.triggers
                if not any(d.start <= t.span.start and t.span.end <= d.end for d in facts.dates)] \
        if facts.dates else list(facts.triggers)
    if any(strength != "weak" for _, strength in triggers):
        triggers = [(t, strength) for t, strength in triggers if strength != "weak"]
    anchors = [_Anchor(t.event_type, t.span, clauses.of(t.span.start), strength)
               for t, strength in triggers if strength != "generic"]
    generic = [t for t, strength in triggers if strength == "generic"]
    if len(generic) > 1:
        order = list(taxonomy)
        generic.sort(key=lambda t: (not taxonomy.get(t.event_type, {}).get("weapon"),
                                   order.index(t.event_type) if t.event_type in order else len(order)))
    figure_clauses = [clauses.of(f.span.start) for f in facts.figures]
    tolled = {c for f, c in zip(facts.figures, figure_clauses) if f.kind in CASUALTY_KINDS}
    for t in generic:
        clause = clauses.of(t.span.start)
        pool = [a for a in _joinable(t.event_type, anchors, taxonomy)
                if t.event_type != "displacement" or _words_apart(s, a.span, t.span) <= GENERIC_REACH]
        if taxonomy.get(t.event_type, {}).get("harm") and clause in tolled:
            pool = [a for a in pool if taxonomy.get(a.event_type, {}).get("harm")]  # an attack with its own toll
        if pool:
            nearest = _nearest(pool, t.span.start)
            if nearest.strength == "weak":
                nearest.strength = "strong"
        else:  # a weapon named on its own is an event; "the shelling", a toll or damage alone may be a follow-up
            fresh = taxonomy.get(t.event_type, {}).get("weapon") and not _definite_word(s, t.span, clitics)
            strength = "strong" if fresh else "generic"
            anchors.append(_Anchor(t.event_type, t.span, clause, strength))
    for fig, clause in zip(facts.figures, figure_clauses):
        fitting = [a for a in anchors if _fits(fig, a.event_type, taxonomy)]
        near = [a for a in fitting if a.clause == clause] or [a for a in fitting if fig.kind not in _kinds(a)]
        if near:
            _nearest(near, fig.span.start).figures.append(fig)
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


def _words_apart(sentence: Sentence, a: Span, b: Span) -> int:
    first, second = sorted((a, b), key=lambda sp: sp.start)
    return max(0, _words_between(sentence, first.end, second.start))


def _words_between(sentence: Sentence, start: int, end: int) -> int:
    """Words of the sentence between two article offsets (none when end comes first)."""
    if end < start:
        return 10 ** 6
    return len(sentence.text[start - sentence.start:end - sentence.start].split())


def _fighting_of_event(anchor: _Anchor, borrowed: list[PlaceMention], placed: list[_Anchor]) -> bool:
    """A clash with no place or toll of its own beside another event over a list of places is the fighting
    around that event ("stormed the quarters A, B and C, adding that the forces are still fighting";
    "families in A and B are still under the rubble ... the fighting"), not a clash at each of them."""
    return anchor.event_type == "clash" and not anchor.figures and len(borrowed) > 1 and any(
        set(map(id, m.places)) & set(map(id, borrowed)) for m in placed)


def _always(_: object) -> bool:
    return True


def _never(_: object) -> bool:
    return False


def _assign_places(anchors: list[_Anchor], facts: SentenceFacts, clauses: _Clauses, previous: tuple[PlaceMention, ...],
                   city: PlaceMention | None, countries: frozenset = frozenset(),
                   taxonomy_origin=_always, harmful=_always,
                   arrivals: frozenset = frozenset(), ongoing=_always,
                   definite=_never) -> list[_Anchor]:
    """Give each anchor its places; anchors left with only borrowed places join a same-type anchor that has its own.

    An anchor with no place of its own in a clause that names a place outside the area and none inside
    it (a dateline at the start of the sentence, and whole countries, aside) is an event elsewhere and
    is left out; a definite event word alone, with no place or figure in its sentence ("the battle"),
    refers back to an event already reported and adds none; the origin of a movement is an event place for the types that happen there
    (`at_origin` in event_types.yaml: people flee from it) and for harmful ones (fleeing civilians
    shelled), not for an advance (where troops set out from); a toll whose clause names places only before another event
    word shares them. In a clause of `arrivals` (people reaching a camp or a town) a displacement is placed at the
    destination, not at the origin. An advance or a clash pushing toward a place close after its word is placed
    there, unless `ongoing(span)` says the push is still under way (it has not reached it).
    """
    arrived = {a.clause for a in anchors if a.event_type == "displacement"} & arrivals
    pushing = {a.clause for a in anchors if a.event_type in TOWARD_TYPES}
    def event_place(p: PlaceMention, clause: Span) -> bool:
        if clause in arrived:  # people reaching a place: the arrival is what is reported, not where they left
            return p.role in ("destination", "location")
        if clause in pushing and p.role == "destination":  # forces pushing toward a place fight for it
            return any(_words_between(facts.sentence, a.span.end, p.span.start) <= TOWARD_WORDS and not ongoing(a.span)
                       and not any(a.span.end <= q.span.start < p.span.start and q.role in EVENT_PLACE_ROLES
                                   for q in facts.places)
                       for a in anchors if a.clause == clause and a.event_type in TOWARD_TYPES)
        return p.role in EVENT_PLACE_ROLES
    located = [(p, clauses.of(p.span.start)) for p in facts.places]
    by_clause: dict[Span, list[PlaceMention]] = {}
    for p, clause in located:
        if event_place(p, clause):
            by_clause.setdefault(clause, []).append(p)
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
    away = {clause for p, clause in located
            if p.role == "out_of_area" and p.span.start - facts.sentence.start > DATELINE_CHARS
            and not (p.place is not None and p.place.place_id in countries)}
    placed = [a for a in anchors if a.places]
    kept: list[_Anchor] = []
    for a in anchors:
        if a.places:
            kept.append(a)
            continue
        if a.clause in away and a.clause not in by_clause:  # an event elsewhere (another province), not here
            continue
        if a.strength == "figure" and by_clause.get(a.clause):  # a toll after the clause's places and event word
            a.places = list(by_clause[a.clause])
            kept.append(a)
            continue
        twin = next((m for m in placed if m.event_type == a.event_type and not (_kinds(m) & _kinds(a))), None)
        if twin:
            _merge_into(twin, a)
            continue
        borrowed = _nearest_clause_places(a, by_clause)
        if borrowed and _fighting_of_event(a, borrowed, placed):
            continue
        if borrowed:
            a.places, a.place_source = borrowed, "sentence"
        elif a.strength == "generic" and not harmful(a.event_type) and not a.figures:
            continue  # damage or arrests with no place in the sentence: an aside, not an event placed elsewhere
        elif previous and sum(1 for p in previous if p.place is None or p.place.kind != "district") <= BORROWED_PLACES:
            if not a.figures and " " not in a.span.text.strip() and definite(a.span):
                # "the battle" again, nothing new ("the random shelling" names something new)
                continue
            a.places, a.place_source = list(previous), "previous_sentence"
        elif city is not None:
            a.places, a.place_source = [city], "city"
        kept.append(a)
    for a in kept:
        if a.clause in arrived and a.event_type == "displacement":
            a.places = [p for p in a.places if p.role == "destination"] or a.places
        if not (taxonomy_origin(a.event_type) or harmful(a.event_type)):  # where troops set out from
            a.places = [p for p in a.places if p.role != "origin"] or ([city] if city is not None else [])
        unique: dict[str, PlaceMention] = {}
        for p in sorted(a.places, key=lambda p: p.span.start):
            unique.setdefault(p.place.place_id if p.place is not None else f"@{p.span.start}", p)
        a.places = list(unique.values())
    return kept


_ANCHOR_SCORES = {"strong": 0.2, "figure": 0.15, "generic": 0.1, "weak": 0.0}
_PLACE_SOURCE_SCORES = {"clause": 0.15, "sentence": 0.1, "previous_sentence": -0.05, "city": -0.15}


def confidence(anchor_strength: str, place_source: str, place: PlaceMention | None, date: DateWindow,
               heading: bool) -> float:
    """Documented score in [0, 1]: how much of the event rests on explicit words of its own sentence."""
    score = 0.5
    score += _ANCHOR_SCORES[anchor_strength]
    score += _PLACE_SOURCE_SCORES.get(place_source, -0.2)
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
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def _is_recap(date: DateWindow, published: str, lexicon: EventLexicon, sentence: Sentence, clause: Span,
              trigger: Span) -> bool:
    """Dated by its own words well before the report, or with an old year in its clause: earlier
    fighting or history recalled, not news.

    A date across a relative pronoun from the event word dates that relative clause ("near the mosque
    from which the caliphate was declared in 2014"), not the event.
    """
    if not published:
        return False
    def same_clause(pos: int) -> bool:
        lo, hi = sorted((trigger.end, pos))
        between = normalise(sentence.text[max(0, lo - sentence.start):max(0, hi - sentence.start)]).text.split()
        return not any(w in lexicon.relative_pronouns for w in between)

    year = int(published[:4])
    if lexicon.recap_years and any(year - int(m.group()) >= lexicon.recap_years and same_clause(clause.start + m.start())
                                   for m in _years(clause.text)):
        return True
    if lexicon.recap_days is None or date.span is None or date.end is None:
        return False
    return (dt.date.fromisoformat(published[:10]) - date.end).days > lexicon.recap_days and same_clause(date.span.start)


def _arrival_clauses(facts: SentenceFacts, clauses: _Clauses, lexicon: EventLexicon, doc: Document | None) -> frozenset:
    """Clauses of the sentence with a word of arriving, when it names a destination at all."""
    if lexicon.arrivals is None or not any(p.role == "destination" for p in facts.places):
        return frozenset()
    s = facts.sentence
    if doc is None:  # the sentence read on its own: its offsets count from its start
        article, first, last = _event_matches(s.text, lexicon, 0, None, None)
        shift = s.start + article.offset
    else:
        article, first, last = _event_matches(doc.text, lexicon, s.start, s.end, doc)
        shift = article.offset
    return frozenset(clauses.of(shift + m.span.start) for m in article.settled("arrivals", first, last))


def _ongoing(sentence: Sentence, span: Span, lexicon: EventLexicon) -> bool:
    """The event word is in the present ("تتقدم") or follows a present verb of going on ("يواصل التقدم")."""
    words = normalise(sentence.text[:span.end - sentence.start]).text.split()
    head = normalise_phrase(span.text.split()[0]) if span.text.split() else ""
    bare = lexicon.triggers.clitics.without_conjunction
    if head in lexicon.imperfect or bare(head) in lexicon.imperfect:
        return True
    before = words[-1 - ONGOING_WORDS:-1]
    return any(w in lexicon.ongoing or bare(w) in lexicon.ongoing for w in before)


def build_sentence_events(facts: SentenceFacts, *, article_id: str, article_sha: str, outlet: str, published: str,
                          lexicon: EventLexicon, date_of, previous_places: tuple[PlaceMention, ...],
                          city: PlaceMention | None, doc: Document | None = None) -> list[Event]:
    """Events of one sentence, one Event per event and place.

    `date_of(clause: Span, cumulative: bool | None)` returns the DateWindow governing a clause of this
    sentence; `cumulative` says whether the event is a running total (None: unknown). `doc` is the article
    analysed once; without it the sentence is analysed here when its words are needed.
    """
    clitics = lexicon.triggers.clitics
    clauses = _Clauses(facts.sentence)
    anchors = _assign_places(_anchors(facts, clauses, lexicon.taxonomy, clitics), facts, clauses, previous_places, city,
                             lexicon.countries, lambda etype: bool(lexicon.taxonomy.get(etype, {}).get("at_origin")),
                             lambda etype: bool(lexicon.taxonomy.get(etype, {}).get("harm")),
                             _arrival_clauses(facts, clauses, lexicon, doc),
                             lambda span: _ongoing(facts.sentence, span, lexicon),
                             lambda span: _definite_word(facts.sentence, span, clitics))
    events = []
    for a in anchors:
        actors: tuple[str, ...] = ()
        if facts.actors:
            clause_actors = [x.actor for x in facts.actors if a.clause.start <= x.span.start < a.clause.end]
            actors = tuple(dict.fromkeys(clause_actors or [x.actor for x in facts.actors]))
        running_total = any(f.cumulative for f in a.figures)
        date = date_of(a.clause, running_total if a.figures else None)
        cumulative = date.cumulative or running_total
        if not cumulative and _is_recap(date, published, lexicon, facts.sentence, a.clause, a.span):
            continue
        acled = lexicon.taxonomy.get(a.event_type, {})
        group_id = _event_id(article_sha, facts.sentence.index, a.span.start, a.event_type)
        figures, trigger, victims = tuple(a.figures), Trigger(a.event_type, a.span), _victims(a.figures, list(actors))
        places: list[PlaceMention | None] = [*a.places] or [None]
        for place in places:
            events.append(Event(
                event_id=_event_id(group_id, place.span.start if place else "", place.place.place_id if place and place.place else ""),
                cluster_id=group_id,
                article_id=article_id, outlet=outlet, published=published,
                sentence_index=facts.sentence.index, quote=facts.sentence.text,
                event_type=a.event_type,
                acled_event_type=acled.get("acled_event_type", ""),
                acled_sub_event_type=acled.get("acled_sub_event_type", ""),
                actors=actors, date=date, place=place, figures=figures, trigger=trigger,
                confidence=confidence(a.strength, a.place_source, place, date, facts.is_heading),
                cumulative=cumulative, victims=victims,
                place_source=a.place_source, anchor=a.strength, quote_start=facts.sentence.start,
                quote_end=facts.sentence.end,
            ))
    return events


FOLLOW_UP_SENTENCES = 2
"""How many sentences after an event its toll may still be reported ("... 12 dead reached the hospital")."""
FOLLOW_UP_ANCHORS = {"figure", "generic"}
"""Events resting only on a figure or on generic words ("the bodies", "the blast") may be a follow-up."""


def merge_follow_up_tolls(events: list[Event], taxonomy: dict) -> list[Event]:
    """One happening, one event: a toll or an aftermath reported in a sentence of its own right after a
    harmful event (with no specific event word, no place and no date of its own) belongs to that event.

    The toll's figures move to the event's rows unless the event already has a figure of the same kind;
    then "the bombardment" with its own toll stays its own event, of the kind of the strike before it.
    A date the toll takes from its paragraph's lead is not a date of its own.
    """
    clusters: dict[str, list[Event]] = {}
    for e in events:
        clusters.setdefault(e.cluster_id, []).append(e)
    merged_into: dict[str, list[Figure]] = {}
    dropped: set[str] = set()
    retyped: dict[str, str] = {}
    for cid, rows in clusters.items():
        toll = rows[0]
        if toll.anchor not in FOLLOW_UP_ANCHORS:
            continue
        if toll.place_source == "clause":
            continue
        kinds = {f.kind for f in toll.figures}
        for target_id, target_rows in clusters.items():
            target = target_rows[0]
            gap = toll.sentence_index - target.sentence_index
            if target_id in dropped or target.anchor in FOLLOW_UP_ANCHORS or not 0 < gap <= FOLLOW_UP_SENTENCES:
                continue
            if not taxonomy.get(target.event_type, {}).get("harm"):
                continue
            if toll.anchor == "generic" and not _joinable(toll.event_type, [_Anchor(
                    target.event_type, target.trigger.span, target.trigger.span, "strong")], taxonomy):
                continue
            have = {f.kind for f in target.figures} | {f.kind for f in merged_into.get(target_id, [])}
            own_date = toll.date.span is not None and _within(toll.date.span, toll) \
                and (toll.date.start, toll.date.end) != (target.date.start, target.date.end)
            if own_date:
                continue
            if kinds & have:  # a second toll of the same kind: its own event, of the kind of the one before
                if toll.anchor == "generic" and _same_family(toll.event_type, target.event_type, taxonomy):
                    retyped[cid] = target.event_type
                    break
                continue
            merged_into.setdefault(target_id, []).extend(toll.figures)
            dropped.add(cid)
            break
    out = []
    for e in events:
        if e.cluster_id in dropped:
            continue
        extra_figures = merged_into.get(e.cluster_id)
        if extra_figures:
            figures = e.figures + tuple(extra_figures)
            e = replace(e, figures=figures, victims=_victims(list(figures), list(e.actors)))
        if e.cluster_id in retyped:
            etype = retyped[e.cluster_id]
            acled = taxonomy.get(etype, {})
            e = replace(e, event_type=etype, trigger=Trigger(etype, e.trigger.span),
                        acled_event_type=acled.get("acled_event_type", ""),
                        acled_sub_event_type=acled.get("acled_sub_event_type", ""))
        out.append(e)
    return out


def _within(span: Span, event: Event) -> bool:
    return (event.quote_start or 0) <= span.start < (event.quote_end or 0)


def _same_family(a: str, b: str, taxonomy: dict) -> bool:
    """Two types of one ACLED event type ("the bombardment" after an air strike)."""
    return taxonomy.get(a, {}).get("acled_event_type") == taxonomy.get(b, {}).get("acled_event_type")


def located_places(events: list[Event]) -> tuple[PlaceMention, ...]:
    """Places an event of the sentence was located at by its own words (what "the area" may refer to next)."""
    return tuple(dict.fromkeys(e.place for e in events if e.place is not None
                               and e.place_source in ("clause", "sentence")
                               and e.place.place is not None and e.place.place.kind not in WIDE_KINDS))


__all__ = ["COUNTED_DATE_KINDS", "EventLexicon", "SentenceFacts", "build_sentence_events", "confidence", "find_actors", "find_triggers",
           "load_event_lexicon", "located_places", "merge_follow_up_tolls"]
