"""Place mentions in Arabic news text, resolved to the campaign gazetteer, with offsets into the article.

A mention is parsed from lexicon phrases found by one PhraseMatcher: place words (حي، أحياء، قريتي ...),
gazetteer aliases, bank phrases, compass directions, role cues and out-of-area names. Lists
(أحياء السلام وفلسطين)، locators (الحود شمالي القيارة)، sectors (شمال غرب المدينة)، back-references
(مركز هذه الناحية) and unknown names after a place word (قرية "عباس رجب") are handled by small rules over
those phrases; all language knowledge is in data/lexicon/<lang>/place_words.yaml and directions.yaml; the gazetteer,
the banks and the out-of-area names come from the Campaign.
"""

from __future__ import annotations

import bisect
import os
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from pipeline.campaign import Campaign
from pipeline.extraction.document import Document
from pipeline.extraction.document import analyse as analyse_document
from pipeline.errors import DataFileError
from pipeline.gazetteer import Gazetteer
from pipeline.extraction.matcher import Match, PhraseIndex, PhraseMatcher, word_forms
from pipeline.records import Place, PlaceMention, Span
from pipeline.resources import load_clitics, load_yaml
from pipeline.schema import COARSE_KINDS, PLACE_KINDS, RIVER_BANKS, WIDE_KINDS
from pipeline.extraction.sentences import load_sentence_rules
from pipeline.extraction.textnorm import NormalisedText, normalise_phrase

_ENCLOSES_SITE = "encloses the building before it"
_AREA_TYPES = frozenset({"neighbourhood", "mahalla", "area", "village", "camp", "town", "subdistrict", "district"})
"""Place words that are not part of the name they introduce: "حي الكنيسة" is also just "الكنيسة"."""

LOCAL_KINDS = frozenset(PLACE_KINDS) - frozenset(COARSE_KINDS)
"""Kinds of places an event can be put at (a city, district or region is only a coarse location)."""


# ---------------------------------------------------------------- lexicon records


@dataclass(frozen=True)
class PlaceType:
    """What a place word names (حي -> neighbourhood)."""

    name: str
    kinds: frozenset[str]
    rank: int
    unknown_names: bool = False
    bare_reference: bool = False
    sector: bool = False
    quoted_names_only: bool = False
    """Unknown names only in quotes (مطعم "…"): "مستشفى ميداني" is no name."""
    numbered_names: bool = False
    """A number right after the word is a name (حي 90)."""
    definite_names_only: bool = False
    """Unknown names only with the article or in quotes: "منطقة آخذة في الانكماش" is no name."""
    head_in_name: bool = False
    """The word is part of the name (تلة الزعتر، هضبة الكرامة): kept in the span of an unknown name."""
    strict_kinds: bool = False
    """Only places of its kinds: "جامع الرابعية" is a mosque named after a quarter, not the quarter."""


@dataclass(frozen=True)
class PlaceWord:
    form: str
    type: PlaceType
    many: bool
    """Plural or dual: opens a list (أحياء، قريتي)."""
    definite: bool = False
    dual: bool = False
    """A dual (حيي، قريتي) names exactly the places after it, so an unknown definite name there is a name."""


@dataclass(frozen=True)
class Direction:
    relation: str
    en: str
    bearing: float
    bank: str


@dataclass(frozen=True)
class DirectionWord:
    direction: Direction
    usage: str
    """`form` (before a place), `adjective` (after a sector word) or `pronoun` (غربيها)."""


@dataclass(frozen=True)
class Alias:
    place: Place
    needs_context: bool
    variant: bool = False
    """A spelling made by rule (spelling_variants), not written in aliases.csv."""


@dataclass(frozen=True)
class WorldPlace:
    place: Place
    """A Place of kind out_of_area, without coordinates."""
    world_kind: str
    """country, city, governorate, region (world_places.csv)."""


@dataclass(frozen=True)
class Cue:
    role: str


@dataclass(frozen=True)
class Tag:
    """A grammatical word with no data of its own: locator, ordinal, demonstrative, bank phrase."""

    name: str
    value: str = ""


@dataclass(frozen=True)
class PlaceGrammar:
    """Everything place_words.yaml and directions.yaml say."""

    types: dict[str, PlaceType]
    place_words: tuple[PlaceWord, ...]
    demonstratives: tuple[str, ...]
    back_reference_max_chars: int
    ordinals: tuple[tuple[str, int], ...]
    """(ordinal word, number): مشيرفة الثالثة is sub-area 3 of al-Mushairifa."""
    list_separators: frozenset[str]
    list_openers: frozenset[str]
    """Marks that may stand between a plural place word and its list (أحياء/ السلام، القرى التالية: ...)."""
    quotes: frozenset[str]
    brackets: frozenset[str]
    cues: tuple[tuple[str, str], ...]
    """(phrase, role)."""
    not_origin_before: frozenset[str]
    proximity_before: frozenset[str]
    departure_words: frozenset[str]
    description_words: frozenset[str]
    road_words: frozenset[str]
    home_words: frozenset[str]
    approach_words: frozenset[str]
    victim_words: frozenset[str]
    home_window: int
    """Words after which a place is described, not the scene of an event (وتقع تلعفر غرب الموصل)."""
    """Words before من of a force setting out (انطلقت القطعات من ...): the place is a departure, not the event's."""
    """Words before من that make it a distance or an approach (على بعد 500 متر من المطار)."""
    fire_words: frozenset[str]
    fire_window: int
    source_speakers: frozenset[str]
    residence_words: frozenset[str]
    colon_list_window: int
    locator_reach: int
    """How many words may stand between a place and a direction phrase that locates it."""
    locators: tuple[str, ...]
    proximity_locators: frozenset[str]
    """Locators after which the next place is only near the one before (الملاصقة لحي الفاروق)."""
    enclosing_locators: frozenset[str]
    """Locators after which a place always encloses the one before, whatever its size (وسط)."""
    of_words: frozenset[str]
    of_prefixes: tuple[str, ...]
    """How a bank or sector is joined to its city: الجانب الغربي من الموصل، القطاع الغربي للموصل."""
    list_conjunctions: tuple[str, ...]
    name_separators: tuple[str, ...]
    """A gazetteer alias with one of these words inside names two places (المنطقة الصناعية في حي الكرامة)."""
    name_stops: frozenset[str]
    directions: tuple[DirectionWord, ...]
    direction_phrases: tuple[tuple[str, DirectionWord], ...]
    offset_km: dict[str, float]
    kind_ranks: dict[str, int]
    """Size order of gazetteer kinds (neighbourhood 1 ... region 5)."""
    banks: tuple[tuple[str, str], ...]
    """(phrase, bank): `left`/`right` by the river's flow, or the compass side the phrase names (`west`)
    until a campaign says which bank lies there (`for_campaign`)."""
    variants: "SpellingRules"
    fuzzy_min_score: float = 88.0
    fuzzy_margin: float = 4.0
    fuzzy_min_letters: int = 5

    def for_campaign(self, campaign: Campaign) -> PlaceGrammar:
        """The grammar with the campaign's banks: compass bank phrases and city sectors get the bank on that side."""
        banked = {d.direction: replace(d.direction, bank=campaign.sector_bank(d.direction.bearing)) for d in self.directions}
        words = {d: DirectionWord(banked[d.direction], d.usage) for d in self.directions}
        banks = tuple((phrase, key if key in RIVER_BANKS else campaign.bank_on_side(key)) for phrase, key in self.banks)
        return replace(self, directions=tuple(words.values()),
                       direction_phrases=tuple((phrase, words[w]) for phrase, w in self.direction_phrases),
                       banks=tuple((phrase, bank) for phrase, bank in banks if bank))


@dataclass(frozen=True)
class SpellingRules:
    """How the spellings of one name vary (place_words.yaml `spelling_variants`)."""

    drop_letters: tuple[str, ...] = ()
    final_drop: tuple[str, ...] = ()
    final_swaps: tuple[tuple[str, str], ...] = ()
    letter_swaps: tuple[tuple[str, str], ...] = ()
    construct: bool = False
    min_letters: int = 4


def spelling_variants(phrase: str, rules: SpellingRules, article: str) -> set[str]:
    """Other spellings of a normalised name, one change each; the name itself is not included."""
    words = phrase.split()
    out: set[str] = set()
    for i, word in enumerate(words):
        has_article = word.startswith(article) and len(word) > len(article) + 2
        stem = word[len(article):] if has_article else word
        if len(stem) < rules.min_letters or not any("\u0621" <= c <= "\u06d3" for c in stem):
            continue
        head = article if has_article else ""
        forms = {stem[:j] + stem[j + 1:] for j in range(1, len(stem) - 1) if stem[j] in rules.drop_letters}
        forms |= {stem[:-1] for c in rules.final_drop if stem.endswith(c)}
        for a, b in rules.final_swaps:
            forms |= {stem[:-1] + y for x, y in ((a, b), (b, a)) if stem.endswith(x)}
        for a, b in rules.letter_swaps:
            for x, y in ((a, b), (b, a)):
                if x in stem:
                    forms.add(stem.replace(x, y))
                    forms |= {stem[:j] + y + stem[j + 1:] for j, c in enumerate(stem) if c == x}
        out |= {" ".join(words[:i] + [head + f] + words[i + 1:]) for f in forms
                if f != stem and len(f) >= rules.min_letters}
    if rules.construct and len(words) > 1 and words[0].startswith(article) and len(words[0]) > len(article) + 2:
        out.add(" ".join([words[0][len(article):]] + words[1:]))
    return out


def _require(path: Path, data: dict, key: str):
    try:
        return data[key]
    except (KeyError, TypeError) as err:
        raise DataFileError(path, f"missing key {key!r}") from err


@lru_cache(maxsize=None)
def load_place_grammar(lexicon_dir: Path) -> PlaceGrammar:
    """Read place_words.yaml and directions.yaml of one language."""
    words_path, dirs_path = lexicon_dir / "place_words.yaml", lexicon_dir / "directions.yaml"
    words, dirs = load_yaml(words_path), load_yaml(dirs_path)
    types = {}
    for name, spec in _require(words_path, words, "types").items():
        unknown = spec.get("unknown_names")
        types[name] = PlaceType(name, frozenset(_require(words_path, spec, "kinds")), int(_require(words_path, spec, "rank")),
                                bool(unknown), bool(spec.get("bare_reference")), bool(spec.get("sector")),
                                unknown == "quoted", bool(spec.get("numbered_names")), unknown == "definite",
                                bool(spec.get("head_in_name")), bool(spec.get("strict_kinds")))
    place_words = []
    for n, row in enumerate(_require(words_path, words, "place_words")):
        if row.get("type") not in types or row.get("number") not in ("one", "two", "many"):
            raise DataFileError(words_path, f"place_words entry {n}: type must be one of {sorted(types)}, number one, two or many")
        for form in row["forms"]:
            place_words.append(PlaceWord(form, types[row["type"]], row["number"] != "one", dual=row["number"] == "two"))
    roles = _require(words_path, words, "roles")
    cues = tuple((phrase, role) for role, phrases in roles.items() for phrase in phrases)
    directions, direction_phrases = [], []
    for n, row in enumerate(_require(dirs_path, dirs, "directions")):
        try:
            direction = Direction(row["relation"], row["en"], float(row["bearing"]), "")
        except (KeyError, TypeError, ValueError) as err:
            raise DataFileError(dirs_path, f"direction entry {n}: needs relation, en, bearing: {err}") from err
        for usage, key in (("form", "forms"), ("adjective", "adjectives"), ("pronoun", "pronoun_forms")):
            word = DirectionWord(direction, usage)
            directions.append(word)
            direction_phrases += [(phrase, word) for phrase in row.get(key) or ()]
    banks = tuple((phrase, bank) for bank, phrases in _require(dirs_path, dirs, "banks").items() for phrase in phrases)
    try:
        ordinals = tuple((w, int(number)) for number, forms in _require(words_path, words, "ordinals").items() for w in forms)
        spelling = words.get("spelling_variants") or {}
        variants = SpellingRules(tuple(spelling.get("drop_letters") or ()), tuple(spelling.get("final_drop") or ()),
                                 tuple(tuple(normalise_phrase(x) for x in pair) for pair in spelling.get("final_swaps") or ()),
                                 tuple(tuple(pair) for pair in spelling.get("letter_swaps") or ()),
                                 bool(spelling.get("construct")), int(spelling.get("min_letters", 4)))
    except (AttributeError, TypeError, ValueError) as err:
        raise DataFileError(words_path, f"ordinals need a number and a list of words; spelling_variants lists of letters: {err}") from err

    def norm_set(key: str) -> frozenset[str]:
        return frozenset(normalise_phrase(w) for w in words.get(key) or ())

    return PlaceGrammar(
        types=types,
        place_words=tuple(place_words),
        demonstratives=tuple(_require(words_path, words, "demonstratives")),
        back_reference_max_chars=int(words.get("back_reference_max_chars", 800)),
        ordinals=ordinals,
        list_separators=frozenset(_require(words_path, words, "list_separators")),
        list_openers=frozenset(words.get("list_openers") or ()),
        quotes=frozenset(_require(words_path, words, "quotes")),
        brackets=frozenset(_require(words_path, words, "brackets")),
        cues=cues,
        not_origin_before=norm_set("not_origin_before"),
        proximity_before=norm_set("proximity_before"),
        departure_words=norm_set("departure_words"),
        description_words=norm_set("description_words"),
        road_words=norm_set("road_words"),
        home_words=norm_set("home_words"),
        approach_words=norm_set("approach_words"),
        victim_words=norm_set("victim_words"),
        home_window=int(words.get("home_window", 20)),
        fire_words=norm_set("fire_words"),
        fire_window=int(words.get("fire_window", 5)),
        source_speakers=norm_set("source_speakers"),
        residence_words=norm_set("residence_words"),
        colon_list_window=int(words.get("colon_list_window", 12)),
        locator_reach=int(words.get("locator_reach", 5)),
        locators=tuple(_require(words_path, words, "locators")),
        proximity_locators=frozenset(words.get("proximity_locators") or ()),
        name_separators=tuple(words.get("name_separators") or ()),
        enclosing_locators=frozenset(words.get("enclosing_locators") or ()),
        of_words=frozenset(normalise_phrase(w) for w in _require(words_path, words, "of_words")),
        of_prefixes=tuple(_require(words_path, words, "of_prefixes")),
        list_conjunctions=tuple(_require(words_path, words, "list_conjunctions")),
        name_stops=frozenset(normalise_phrase(w) for w in words.get("name_stops") or ()),
        directions=tuple(directions),
        direction_phrases=tuple(direction_phrases),
        offset_km={k: float(v) for k, v in _require(dirs_path, dirs, "offset_km").items()},
        kind_ranks={k: int(v) for k, v in _require(words_path, words, "kind_ranks").items()},
        banks=banks,
        variants=variants,
        fuzzy_min_score=float(words.get("fuzzy_min_score", 88)),
        fuzzy_margin=float(words.get("fuzzy_margin", 4)),
        fuzzy_min_letters=int(words.get("fuzzy_min_letters", 5)),
    )


# ---------------------------------------------------------------- parse records


@dataclass(frozen=True)
class _Draft:
    """A mention before its bank is decided."""

    span: Span
    candidates: tuple[Place, ...] = ()
    """Gazetteer places the name may be; several when the name exists on both banks."""
    role: str = "location"
    relation: str = ""
    notes: tuple[str, ...] = ()
    word_type: str = ""
    """Type of the place word that introduced it (neighbourhood, subdistrict ...), for back-references."""
    world: WorldPlace | None = None
    sector: Place | None = None
    """A synthetic city sector (North-west Mosul), with its point already computed."""
    parts: tuple[Place, ...] = ()
    """For a numbered sub-area (مشيرفة الثالثة), the places it is a part of; a following bare ordinal
    (والثانية) names another part of the same places."""


@dataclass(frozen=True)
class _Doc:
    """The article tokenised and matched once."""

    text: str
    norm: NormalisedText
    words: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    at: dict[int, Match]
    """The phrase match starting at each token."""

    def gap(self, i: int) -> str:
        """Normalised text between token i-1 and token i."""
        if i <= 0 or i >= len(self.words):
            return ""
        return self.norm.text[self.ends[i - 1]:self.starts[i]]

    def span(self, first: int, last: int) -> Span:
        """Original-text span of tokens first..last-1, without the attached clitics of the first word."""
        m = self.at.get(first)
        s, e = self.norm.to_original(m.norm_start if m else self.starts[first], self.ends[last - 1])
        return Span(s, e, self.text[s:e])

    def entries(self, i: int, cls) -> list:
        m = self.at.get(i)
        return [p for p in m.payload if isinstance(p, cls)] if m else []

    def tags(self, i: int, name: str) -> list[Tag]:
        return [t for t in self.entries(i, Tag) if t.name == name]


@dataclass(frozen=True)
class _ListContext:
    role: str
    licensed: bool
    rank: int
    word: PlaceWord | None = None
    """The place word that opened the list: later items it does not know are still names of its type."""


# ---------------------------------------------------------------- resolver


class PlaceResolver:
    """Finds place mentions in article text and resolves them to the campaign gazetteer."""

    def __init__(self, grammar: PlaceGrammar, gazetteer: Gazetteer, world: tuple[tuple[str, WorldPlace], ...],
                 clitics, sentence_rules):
        self.grammar = grammar
        self.gazetteer = gazetteer
        self.city = gazetteer.places[gazetteer.city_id]
        self.sentence_rules = sentence_rules
        self.clitics = clitics
        entries: dict[str, list] = {}

        def add(phrase: str, entry) -> None:
            key = normalise_phrase(phrase)
            if key and entry not in entries.setdefault(key, []):
                entries[key].append(entry)

        word_forms_norm = set()
        for w in grammar.place_words:
            add(w.form, w)
            add(clitics.article + w.form, replace(w, definite=True))
            word_forms_norm.add(normalise_phrase(w.form))
        self._place_word_forms = frozenset(word_forms_norm)
        # lexicon words normalised once here, not at every mention
        self._ordinal_of: dict[str, int] = {}
        for w, n in grammar.ordinals:
            self._ordinal_of.setdefault(normalise_phrase(w), n)
        self._type_of_word: dict[str, str] = {}
        for w in grammar.place_words:
            self._type_of_word.setdefault(normalise_phrase(w.form), w.type.name)
        head_types: dict[str, set[str]] = {}
        for w in grammar.place_words:
            head_types.setdefault(normalise_phrase(w.form), set()).add(w.type.name)
        world_names = {normalise_phrase(name) for name, _ in world}
        for name, wp in world:
            add(name, wp)
        separators = {normalise_phrase(w) for w in grammar.name_separators}
        spellings: list[tuple[str, object, bool]] = []
        for alias in gazetteer.aliases:
            key = normalise_phrase(alias.alias_ar)
            if set(key.split()[1:-1]) & separators:
                continue  # "المنطقة الصناعية في حي الكرامة" is two places, each found on its own
            first = key.split()[0] if key else ""
            self_licensed = first in word_forms_norm
            ambiguous = key in world_names or first.isdigit()
            add(alias.alias_ar, Alias(gazetteer.places[alias.place_id],
                                      not self_licensed and (alias.needs_context or ambiguous)))
            spellings.append((key, alias, self_licensed))
        self._fuzzy_names = tuple((self._bare(key), gazetteer.places[alias.place_id]) for key, alias, licensed in spellings
                                  if not licensed and len(key.split()) <= 3
                                  and len(self._bare(key)) >= grammar.fuzzy_min_letters)
        for phrase, word in grammar.direction_phrases:
            add(phrase, word)
        for phrase, bank in grammar.banks:
            add(phrase, Tag("bank", bank))
        for phrase, role in grammar.cues:
            add(phrase, Cue(role))
        for phrase in grammar.locators:
            # a locator written with a detached ل (التابعة ل) is matched without it; the ل is on the next word
            add(phrase[:-2] if phrase.endswith(" ل") else phrase, Tag("locator", phrase))
        for phrase, number in grammar.ordinals:
            add(phrase, Tag("ordinal", str(number)))
        for phrase in grammar.demonstratives:
            add(phrase, Tag("demonstrative", phrase))
        known = set(entries) | world_names | grammar.name_stops
        variants: dict[str, set[tuple[str, bool]]] = {}
        for key, alias, self_licensed in spellings:
            for variant in spelling_variants(key, grammar.variants, clitics.article) - known:
                variants.setdefault(variant, set()).add((alias.place_id, variant.split()[0] in word_forms_norm))
            if self_licensed and len(key.split()) > 1 and " ".join(key.split()[1:]) not in known \
                    and head_types.get(key.split()[0], set()) <= _AREA_TYPES:
                # "حي الكنيسة" is also "الكنيسة" on a list of places (but "جسر الحرية" is not "الحرية")
                variants.setdefault(" ".join(key.split()[1:]), set()).add((alias.place_id, False))
        for variant, targets in variants.items():
            if len({place_id for place_id, _ in targets}) == 1:  # a spelling two places could have is no evidence
                place_id, self_licensed = min(targets)  # one choice, whatever the set's order in this process
                add(variant, Alias(gazetteer.places[place_id], not self_licensed, variant=True))
        self.matcher = PhraseMatcher(((k, tuple(v)) for k, v in entries.items()), clitics)
        self._index = PhraseIndex({"places": self.matcher})
        """Built once: a text analysed for places alone reuses it."""

    # ------------------------------------------------------------ public API

    def find_mentions(self, text: str, start: int = 0, end: int | None = None, *,
                      doc: Document | None = None) -> list[PlaceMention]:
        """Place mentions inside text[start:end], in text order; the whole text is the context.

        `doc` is the article analysed once (see pipeline.extraction.document); its mentions are parsed once.
        """
        end = len(text) if end is None else end
        doc = doc or self.document(text)
        every = doc.derived(("places", id(self)), lambda: self.article_mentions(text, doc=doc))
        return [m for m in every if start <= m.span.start and m.span.end <= end]

    def document(self, text: str) -> Document:
        """A text analysed for this resolver alone (the run analyses each article once for all stages)."""
        return analyse_document(text, self._index, self.sentence_rules)

    def article_mentions(self, text: str, *, doc: Document | None = None) -> tuple[PlaceMention, ...]:
        """Every mention of an article, banks decided with the whole article as context."""
        doc = doc or self.document(text)
        drafts = self.analyse(text, doc=doc)
        sentences = list(doc.sentences) if drafts else []
        return tuple(self._finish(d, drafts, sentences) for d in self._near_when_alone(drafts, sentences))

    def _near_when_alone(self, drafts: list[_Draft], sentences) -> list[_Draft]:
        """A place named only as near something is where the event was when its sentence names no other.

        "هجمات قرب قرية الفاضلية" happened near al-Fadiliya; in "انفجرت قرب مطعم في تقاطع المصارف" the junction
        is the place and the restaurant only a landmark.
        """
        starts = [s.start for s in sentences]

        def sentence_of(d: _Draft) -> int:
            return bisect.bisect_right(starts, d.span.start) - 1

        located = {sentence_of(d) for d in drafts if d.role in ("location", "origin")
                   and any(p.kind in LOCAL_KINDS for p in d.candidates)}
        return [replace(d, role="location", notes=d.notes + ("near",))
                if d.role == "proximity" and d.candidates and sentence_of(d) not in located else d for d in drafts]

    # ------------------------------------------------------------ parsing

    def analyse(self, text: str, *, doc: Document | None = None) -> list[_Draft]:
        """Every mention of the article, banks undecided."""
        view = (doc or self.document(text)).view()
        norm, tokens = view.norm, view.tokens
        at = {m.token_start: m for m in view.find(self.matcher)}
        doc = _Doc(text, norm, tuple(t.text for t in tokens), tuple(t.start for t in tokens),
                   tuple(t.end for t in tokens), at)
        drafts: list[_Draft] = []
        t = 0
        while t < len(doc.words):
            if t not in doc.at and ":" not in doc.gap(t):  # a place phrase starts at a lexicon phrase or a colon list
                t += 1
                continue
            found, t_next = self._phrase(doc, t, drafts)
            drafts.extend(found)
            t = t_next if found else t + 1
        return drafts

    def _phrase(self, doc: _Doc, t: int, before: list[_Draft]) -> tuple[list[_Draft], int]:
        """A place phrase at token t: [role cue] head [tails] [list continuation ...]."""
        role, note = "location", ""
        cues = doc.entries(t, Cue)
        if not cues and t > 0 and self._has_stem(doc.words[t - 1], self.grammar.description_words):
            role, note = "reference", "described"
        if not cues and self._between_road_ends(doc, t):
            role, note = "reference", "end of a road"
        if self._victims_home(doc, t):
            role, note = "home", "where victims came from"
        if not cues and any(self._has_stem(w, self.grammar.approach_words) for w in doc.words[max(0, t - 4):t]) \
                and not any(c in doc.gap(i) for i in range(max(1, t - 3), t + 1) for c in ".؟!،"):
            role, note = "reference", "approach"  # "تقترب من السيطرة على جامع النوري": not taken yet
        if cues:
            role, note = self._cue_role(doc, t, cues[0].role)
            t = doc.at[t].token_end
        opener = self._colon_list_word(doc, t) if not cues else None
        if opener is not None:
            draft, t_end = self._name(doc, t, opener, licensed=True, role=role, in_list=True)
            head, ctx = ([draft], _ListContext(role, True, opener.type.rank, opener)) if draft else ([], None)
        else:
            head, t_end, ctx = self._head(doc, t, before, role)
        if not head:
            return [], t
        if note:
            head = [replace(d, notes=d.notes + (note,)) for d in head]
        head = self._relative_locator(doc, t, head, before)
        found = list(head)
        while True:
            tail, t_end = self._tails(doc, t_end, ctx, before + found)
            if tail and _ENCLOSES_SITE in tail[0].notes:
                found[-1] = replace(found[-1], role="reference", notes=found[-1].notes + ("inside the next place",))
            found += tail
            u = self._continuation(doc, t_end) if ctx is not None else None
            if u is None:
                break
            item, u_end, item_ctx = self._item(doc, u, ctx, before + found)
            if not item:
                break
            found += item
            t_end, ctx = u_end, item_ctx
        return self._situated(doc, t, found), t_end

    def _relative_locator(self, doc: _Doc, t: int, head: list[_Draft], before: list[_Draft]) -> list[_Draft]:
        """A direction from a place that only says where other places lie: a few words after a smaller place
        of the same sentence ("قرية خواجة خليل على نهر دجلة شرق ناحية بادوش"), or right after a place word
        with no name ("تسع قرى شمال بلدة بعشيقة")."""
        if len(head) != 1 or not head[0].relation or head[0].sector is not None or \
                head[0].role not in ("location", "origin"):
            return head
        if t > 0 and self._has_stem(doc.words[t - 1], self.grammar.proximity_before):
            # "(2 كم شمال غرب قضاء الحضر)": a distance and a direction describe where something else lies
            return [replace(head[0], role="reference", relation="", notes=("distance from it",))]
        if t > 0 and doc.entries(t - 1, PlaceWord) and not doc.gap(t).strip():
            # "تسع قرى شمال بلدة بعشيقة": the direction locates the unnamed places of the word before it
            return [replace(head[0], role="reference", relation="", notes=("locator",))]
        if not before:
            return head
        previous = before[-1]
        gap = doc.text[previous.span.end:doc.span(t, t + 1).start]
        if len(gap.split()) > self.grammar.locator_reach or any(c in gap for c in ".؟!:؛"):
            return head
        if previous.role not in ("location", "origin") or self._rank(head[0], None) <= self._rank(previous, None):
            return head
        return [replace(head[0], role="reference", relation="", notes=("locator",))]

    def _victims_home(self, doc: _Doc, t: int) -> bool:
        """"القتلى هم من سكان قرى … بما فيها بلدة الزاوية": the victims' home, not where they were killed."""
        g = self.grammar
        for i in range(t - 1, max(-1, t - g.home_window), -1):
            if any(c in doc.gap(i + 1) for c in ".؟!؛"):
                return False
            if self._has_stem(doc.words[i], g.home_words):
                return any(self._has_stem(w, g.victim_words) for w in doc.words[max(0, i - 3):i])
        return False

    def _between_road_ends(self, doc: _Doc, t: int) -> bool:
        """"قطع طريق المسلحين بين قرية عين طلاوي وتلال سينو": the places a road runs between."""
        if t <= 0 or doc.words[t - 1] != "بين":
            return False
        return any(self._has_stem(w, self.grammar.road_words) for w in doc.words[max(0, t - 6):t - 1])

    def _cue_role(self, doc: _Doc, t: int, role: str) -> tuple[str, str]:
        """The role a cue gives, corrected by the words before it; and a note when it was corrected."""
        before = doc.words[t - 1] if t > 0 else ""
        if role == "origin" and before:
            if self._is_partitive(before):
                return "location", ""
            if any(self._has_stem(w, self.grammar.proximity_before) for w in doc.words[max(0, t - 3):t]):
                return "reference", "distance or approach"
            if doc.entries(t - 1, DirectionWord):
                return "reference", "direction from it"  # "الواقع إلى الجنوب من مدينة الموصل"
            if any(self._has_stem(w, self.grammar.departure_words) for w in doc.words[max(0, t - 3):t]):
                return "departure", "where a force set out from"
            if before.isdigit():
                return "location", ""
        if role == "destination":
            window = range(max(0, t - self.grammar.fire_window), t)
            if any(self._has_stem(doc.words[i], self.grammar.fire_words) for i in window
                   if not any(c in doc.gap(j) for j in range(i + 1, t + 1) for c in ".؟!")):
                return "location", "target of fire"
        return role, ""

    def _has_stem(self, word: str, stems: frozenset[str]) -> bool:
        return any(stem in stems for stem, _ in word_forms(word, self.clitics))

    def _colon_list_word(self, doc: _Doc, t: int) -> PlaceWord | None:
        """The plural place word a list after a colon belongs to (تسع قرى ...، أبرزها: تل حاجم، ...)."""
        if t >= len(doc.words) or ":" not in doc.gap(t):
            return None
        for i in range(t - 1, max(-1, t - 1 - self.grammar.colon_list_window), -1):
            if any(c in doc.gap(i + 1) for c in ".؟!") and i + 1 < t:
                return None
            words = [w for w in doc.entries(i, PlaceWord) if w.many]
            if words:
                return words[0]
        return None

    def _situated(self, doc: _Doc, t: int, found: list[_Draft]) -> list[_Draft]:
        """Places named as where a source spoke or where people now live are not the event's place.

        "أفاد طبيب في مستشفى برطلة" (a facility after a speaker), "نازحون يقيمون في مخيم الخازر" (a camp after
        a word of living there). t is the token of the first place.
        """
        if not found or found[0].role != "location" or t <= 0:
            return found
        m = doc.at.get(t)
        i = t - 1
        construct = doc.words[t] in self._place_word_forms and not (m and m.prefix)  # "مدير مخيم حسن شام"
        if doc.words[i] == "في":
            i -= 1
        elif not (m and m.prefix and m.prefix[-1] in "ب") and not construct:
            return found
        words = doc.words[max(0, i - 1):i + 1]
        head = found[0]
        kinds = {p.kind for p in head.candidates}
        role = ""
        if any(self._has_stem(w, self.grammar.source_speakers) for w in words) and \
                (kinds & {"landmark", "camp"} or head.word_type in ("site", "building", "camp")):
            role = "source"
        elif any(self._has_stem(w, self.grammar.residence_words) for w in words) and \
                ("camp" in kinds or head.word_type == "camp"):
            role = "residence"
        if not role:
            return found
        return [replace(d, role=role) if d.role == head.role else d for d in found]

    def _is_partitive(self, word: str) -> bool:
        return any(stem in self.grammar.not_origin_before for stem, _ in word_forms(word, self.clitics))

    def _head(self, doc: _Doc, t: int, before: list[_Draft], role: str):
        """The first place of a phrase: a relative place, a place word with its name, or a bare name."""
        for d in doc.entries(t, DirectionWord):
            if d.usage == "form":
                found = self._relative(doc, t, d, before, role)
                if found:
                    return found
        words = doc.entries(t, PlaceWord)
        if words:
            return self._after_place_word(doc, t, words[0], before, role)
        if doc.tags(t, "demonstrative"):
            ref = self._back_reference(doc, t, doc.at[t].token_end, before, role)
            if ref[0]:
                return ref
        draft, t_end = self._name(doc, t, None, licensed=False, role=role)
        if draft is None:
            return [], t, None
        return [draft], t_end, self._context(draft, role)

    def _context(self, draft: _Draft, role: str) -> _ListContext:
        """What a list opened by a bare name accepts: ordinary-word names only after a local place."""
        local = any(p.kind in LOCAL_KINDS for p in draft.candidates)
        return _ListContext(role, local, self._rank(draft, None))

    def _rank(self, draft: _Draft, word: PlaceWord | None) -> int:
        if word is not None:
            return word.type.rank
        if draft.word_type in self.grammar.types:  # "محلة ابن الهيثم" is smaller than its quarter
            return self.grammar.types[draft.word_type].rank
        kinds = [p.kind for p in draft.candidates] or (["district"] if draft.sector else ["neighbourhood"])
        return max(self.grammar.kind_ranks.get(k, 1) for k in kinds)

    def _item(self, doc: _Doc, u: int, ctx: _ListContext, before: list[_Draft]):
        """A further item of a list: [place word] name, or a bare ordinal (الهرمات الأولى والثانية)."""
        words = doc.entries(u, PlaceWord)
        if words and not words[0].definite:
            return self._after_place_word(doc, u, words[0], before, ctx.role)
        ordinals = doc.tags(u, "ordinal")
        if ordinals and before and before[-1].parts:
            previous = before[-1]
            span = doc.span(u, u + 1)
            parents = tuple(p for p in previous.parts)
            number = int(ordinals[0].value)
            draft = replace(previous, span=span, candidates=tuple(self._sub_area(p, number, span.text) for p in parents),
                            notes=(f"part {number}",))
            return [draft], u + 1, ctx
        draft, u_end = self._name(doc, u, ctx.word, licensed=ctx.licensed, role=ctx.role, in_list=True)
        if draft is None:
            return [], u, ctx
        return [draft], u_end, replace(ctx, rank=self._rank(draft, None))

    def _after_place_word(self, doc: _Doc, t: int, word: PlaceWord, before: list[_Draft], role: str):
        m = doc.at[t]
        n = m.token_end
        if word.definite:
            return self._definite_place_word(doc, t, word, before, role)
        if doc.tags(n, "demonstrative"):
            return self._back_reference(doc, t, doc.at[n].token_end, before, role)
        gap = doc.gap(n)
        if n >= len(doc.words) or not (self._only_quotes_between(gap) or (word.many and self._list_opening(gap))):
            return [], t, None
        draft, t_end = self._name(doc, n, word, licensed=True, role=role)
        if draft is not None and word.type.head_in_name:  # "تلة الزعتر": the head is part of the name
            draft = replace(draft, span=Span(m.span.start, draft.span.end, doc.text[m.span.start:draft.span.end]))
        if draft is None:
            return [], t, None
        # only a plural or a dual announces more names than the gazetteer knows (قرية اليرموك وأضحت: no list)
        opener = word if word.type.unknown_names and word.many else None
        return [draft], t_end, _ListContext(role, True, word.type.rank, opener)

    def _list_opening(self, gap: str) -> bool:
        """A slash or colon between a plural place word and its list: "أحياء/ السلام والوحدة"."""
        marks = gap.strip()
        return bool(marks) and all(c in self.grammar.list_openers or c.isspace() or c in self.grammar.quotes
                                   or c in self.grammar.brackets for c in marks)

    def _definite_place_word(self, doc: _Doc, t: int, word: PlaceWord, before: list[_Draft], role: str):
        """المحور الشرقي (a sector), المدينة (the city), المنطقة (the place just named)."""
        n = doc.at[t].token_end
        adjectives = [d for d in doc.entries(n, DirectionWord) if d.usage == "adjective"]
        if word.type.sector and adjectives:
            t_end = self._city_tail(doc, doc.at[n].token_end)
            sector = [self._sector_draft(adjectives[0].direction, doc.span(t, t_end), role)]
            if word.type.name == "axis" and t_end < len(doc.words) and not doc.gap(t_end).strip() \
                    and not doc.entries(t_end, PlaceWord) and not doc.entries(t_end, Cue):
                named, named_end = self._name(doc, t_end, None, licensed=False, role="reference")
                if named is not None and named.candidates:  # "المحور الشمالي سد الموصل": the front's name
                    return sector + [replace(named, notes=named.notes + ("names the axis",))], named_end, None
            return sector, t_end, None
        if word.type.name == "city":
            draft = self._the_city(doc.span(t, n), before, role)
            return [draft], n, self._context(draft, role)
        if word.type.bare_reference and not self._followed_by_definite_word(doc, n):
            return self._back_reference(doc, t, t, before, role)
        return [], t, None

    def _followed_by_definite_word(self, doc: _Doc, n: int) -> bool:
        """المنطقة الخضراء is a name of its own, not "the area" just mentioned."""
        if n >= len(doc.words) or doc.gap(n).strip():
            return False
        word = doc.words[n]
        return word.startswith(self.clitics.article) and word not in self.grammar.name_stops

    def _back_reference(self, doc: _Doc, t: int, w: int, before: list[_Draft], role: str):
        """هذه الناحية / مركز هذه الناحية / المنطقة: the latest earlier place of the word's type.

        t is where the phrase starts, w the index of the definite place word.
        """
        words = [x for x in doc.entries(w, PlaceWord) if x.definite and not x.many]
        if not words:
            return [], t, None
        word, t_end = words[0], doc.at[w].token_end
        span = doc.span(t, t_end)
        if word.type.name == "city":
            return [self._the_city(span, before, role)], t_end, None
        for prev in reversed(before):
            if span.start - prev.span.end > self.grammar.back_reference_max_chars:
                break
            if not prev.candidates or prev.role == "reference":
                continue
            if prev.word_type == word.type.name or any(p.kind in word.type.kinds for p in prev.candidates):
                draft = replace(prev, span=span, role=role, relation="", notes=("back-reference",), word_type=word.type.name)
                return [draft], t_end, None
        return [], t, None

    def _the_city(self, span: Span, before: list[_Draft], role: str) -> _Draft:
        """المدينة: the last city named before (the campaign city or a foreign one), else the campaign city."""
        for prev in reversed(before):
            if prev.world is not None and prev.world.world_kind == "city":
                return _Draft(span, role="out_of_area", world=prev.world, notes=("the city",))
            if any(p.place_id == self.city.place_id for p in prev.candidates):
                break
        return _Draft(span, (self.city,), role=role, notes=("the city",), word_type="city")

    def _name(self, doc: _Doc, t: int, word: PlaceWord | None, *, licensed: bool, role: str, in_list: bool = False):
        """A gazetteer name, an out-of-area name, a bank phrase or (after a place word) an unknown name.

        A name followed by an ordinal is a numbered sub-area (مشيرفة الثالثة); one followed by a direction
        adjective is that part of the place (وادي العين الشمالية).
        """
        if t >= len(doc.words):
            return None, t
        m = doc.at.get(t)
        draft = None
        if m is not None:
            draft, t_end = self._known_name(doc, m, word, licensed, role)
        local_word = word is not None and word.type.unknown_names and word.type.name not in ("city", "governorate")
        if draft is not None and draft.world is not None and local_word and word.type.rank <= 1:
            draft = None  # "حي الجزائر" is a quarter, not Algeria
        if draft is None and word is not None and word.type.unknown_names:
            draft, t_end = self._unknown_name(doc, t, word, role, in_list=in_list)
        if draft is None:
            return None, t
        if draft.candidates and not draft.sector and not draft.parts:
            number = self._ordinal_ending(m) if m is not None and t_end == m.token_end else None
            if number is not None and any(normalise_phrase(p.name_ar).split()[-1] == m.phrase.split()[-1]
                                          for p in draft.candidates):
                number = None  # "الجسر الخامس" is the name itself, not a part of a place
            ordinals = doc.tags(t_end, "ordinal") if doc.gap(t_end).strip() == "" else []
            if ordinals:
                number, t_end = int(ordinals[0].value), doc.at[t_end].token_end
                draft = replace(draft, span=self._extended(doc, draft.span, t_end))
            if number is not None:
                draft = replace(draft, parts=draft.candidates, notes=draft.notes + (f"part {number}",),
                                candidates=tuple(self._sub_area(p, number, draft.span.text) for p in draft.candidates))
        adjectives = [d for d in doc.entries(t_end, DirectionWord) if d.usage == "adjective"] \
            if doc.gap(t_end).strip() == "" and not draft.sector and draft.world is None else []
        if adjectives and all(p.kind in LOCAL_KINDS for p in draft.candidates):
            relation = adjectives[0].direction.relation
            t_end = doc.at[t_end].token_end
            draft = replace(draft, span=self._extended(doc, draft.span, t_end),
                            relation=relation if draft.candidates else "", notes=draft.notes + (f"{relation} part",))
        return draft, t_end

    def _extended(self, doc: _Doc, span: Span, t_end: int) -> Span:
        """The span stretched to the end of token t_end - 1."""
        _, end = doc.norm.to_original(doc.starts[t_end - 1], doc.ends[t_end - 1])
        return Span(span.start, end, doc.text[span.start:end])

    def _ordinal_ending(self, m: Match) -> int | None:
        """The number of an alias that ends in an ordinal (القادسية الثانية), else None."""
        last = m.phrase.split()[-1]
        return self._ordinal_of.get(last) if len(m.phrase.split()) > 1 else None

    def _sub_area(self, parent: Place, number: int, written: str) -> Place:
        """Numbered part of a place (المشيرفة الثالثة), put at its parent's point."""
        ordinal = written.split()[-1]
        base = parent.name_ar[:-len(ordinal)].strip() if parent.name_ar.endswith(ordinal) else parent.name_ar
        return replace(parent, place_id=f"{parent.place_id}_{number}", name_ar=f"{base} {ordinal}",
                       name_en=f"{parent.name_en} (part {number})", parent_id=parent.place_id,
                       precision=max(2, parent.precision),
                       source=f"estimate: the point of {parent.name_en} ({parent.place_id})")

    def _known_name(self, doc: _Doc, m: Match, word: PlaceWord | None, licensed: bool, role: str):
        aliases = [p for p in m.payload if isinstance(p, Alias)]
        if word is not None:
            fitting = [a for a in aliases if a.place.kind in word.type.kinds]
            aliases = fitting if fitting or word.type.strict_kinds else aliases
        usable = [a.place for a in aliases if licensed or not a.needs_context]
        banks = [p for p in m.payload if isinstance(p, Tag) and p.name == "bank"]
        word_type = word.type.name if word else self._head_word_type(m.phrase)
        if usable:
            draft = _Draft(self._unquoted(doc, m), tuple(dict.fromkeys(usable)), role=role, word_type=word_type)
            return self._with_bank_tail(doc, m, draft) if self._is_bank_district(draft) else (draft, m.token_end)
        world = [p for p in m.payload if isinstance(p, WorldPlace)]
        if world:
            return _Draft(m.span, role="out_of_area", world=world[0], notes=("out of area",)), m.token_end
        if banks:
            return self._with_bank_tail(doc, m, self._bank_draft(m.span, banks[0].value, role))
        return None, m.token_start

    def _head_word_type(self, phrase: str) -> str:
        """The type of the place word an alias starts with (محلة ابن الهيثم -> mahalla), else ""."""
        first = phrase.split()[0] if phrase else ""
        return self._type_of_word.get(first, "") if first in self._place_word_forms else ""

    def _is_bank_district(self, draft: _Draft) -> bool:
        return all(p.kind == "district" and p.parent_id == self.city.place_id and p.bank in RIVER_BANKS
                   for p in draft.candidates)

    def _bank_draft(self, span: Span, bank: str, role: str) -> _Draft:
        """A bank phrase: the gazetteer's district of that bank, else a synthetic east/west sector."""
        for p in self.gazetteer.places.values():
            if p.kind == "district" and p.bank == bank and p.parent_id == self.city.place_id:
                return _Draft(span, (p,), role=role)
        direction = next(d.direction for d in self.grammar.directions if d.direction.bank == bank
                         and "-" not in d.direction.relation)
        return self._sector_draft(direction, span, role)

    def _with_bank_tail(self, doc: _Doc, m: Match, draft: _Draft) -> tuple[_Draft, int]:
        """الجانب الغربي [من مدينة الموصل | للموصل]: the city after a bank phrase belongs to it."""
        t_end = self._city_tail(doc, m.token_end)
        if t_end == m.token_end:
            return draft, t_end
        return replace(draft, span=doc.span(m.token_start, t_end)), t_end

    def _city_tail(self, doc: _Doc, n: int) -> int:
        """End of an optional "من [مدينة] الموصل", "للموصل", "للمدينة" after a sector or bank phrase."""
        first = doc.at.get(n)
        g = self.grammar
        i = n + 1 if n < len(doc.words) and doc.words[n] in g.of_words else n
        if i == n and not (first and any(c in first.prefix for c in g.of_prefixes)):
            return n
        words = doc.entries(i, PlaceWord)
        if words and words[0].type.name == "city":
            if words[0].definite:
                return doc.at[i].token_end
            i = doc.at[i].token_end
        m = doc.at.get(i)
        if m and any(isinstance(a, Alias) and a.place.place_id == self.city.place_id for a in m.payload):
            return m.token_end
        return n

    def _unquoted(self, doc: _Doc, m: Match) -> Span:
        """The span of an alias match without a place word cut off by a quote (ناحية "بادوش" -> بادوش)."""
        for i in range(m.token_end - 1, m.token_start, -1):
            if any(q in doc.gap(i) for q in self.grammar.quotes | self.grammar.brackets):
                return doc.span(i, m.token_end)
        return m.span

    def _unknown_name(self, doc: _Doc, t: int, word: PlaceWord, role: str, *, in_list: bool = False):
        """One to three words after a place word (or a quoted name) that the gazetteer does not know.

        After a plural only a quoted name is taken on trust ("مخيمات تؤوي"), but a later item of a list of
        places, or a definite name after a dual (حيي سومر والساهرون), is a name when it ends where the list
        item ends. A close spelling of a gazetteer name of a fitting kind resolves to that place.
        """
        quoted = doc.gap(t).rstrip()[-1:] in self.grammar.quotes
        definite = doc.words[t].startswith(self.clitics.article)
        if (word.type.quoted_names_only or (word.type.definite_names_only and not definite)) and not quoted:
            return None, t
        trusted = quoted or not word.many
        gap = doc.gap(t)
        closed = any(c in gap for c in ")]»”") or gap.lstrip()[:1] in self.grammar.quotes  # the list has ended
        bounded = not trusted and not closed and (in_list or (word.dual and definite))
        if not trusted and not bounded:
            return None, t
        if bounded and doc.gap(t).strip() and self._without_conjunction(doc.words[t]) != doc.words[t]:
            return None, t  # "، وسيطروا": a comma and و start a clause, not another unknown item
        limit = 5 if quoted else 3
        last, ended = t, False
        while last < len(doc.words) and last - t < limit:
            w = doc.words[last]
            if last > t and (doc.gap(last).strip() or w in self.grammar.list_conjunctions or doc.at.get(last)):
                ended = True
                break  # punctuation, a closing quote, a conjunction or a known word ends the name
            known = doc.at.get(last) if last > t or not self._world_only(doc.at.get(last)) else None
            numbered = last == t and word.type.numbered_names and w.isdigit()
            joined = self._starts_with_conjunction(w) and not (last == t and in_list)  # "والزيتون" opens an item
            if not quoted and ((self._stops_name(self._without_conjunction(w) if last == t and in_list else w)
                                and not numbered) or joined or known):
                ended = True
                break  # "بث حي ومباشر", "قرية صغيرة": not names
            last += 1
        ended = ended or last == len(doc.words) or bool(doc.gap(last).strip()) or self._ends_name(doc, last)
        if last == t or (bounded and not ended):
            return None, t
        span = doc.span(t, last) if doc.at.get(t) is None else self._plain_span(doc, t, last)
        if in_list and doc.at.get(t) is None and self._starts_with_conjunction(doc.words[t]):
            skip = len(doc.words[t]) - len(self._without_conjunction(doc.words[t]))
            s, e = doc.norm.to_original(doc.starts[t] + skip, doc.ends[last - 1])
            span = Span(s, e, doc.text[s:e])
        place = self._similar_place(normalise_phrase(span.text), word)
        if place is not None:
            return _Draft(span, (place,), role=role, notes=("similar spelling",), word_type=word.type.name), last
        return _Draft(span, role=role, notes=("unresolved",), word_type=word.type.name), last

    def _plain_span(self, doc: _Doc, t: int, last: int) -> Span:
        m = doc.at[t]
        s, e = doc.norm.to_original(m.norm_start, doc.ends[last - 1])
        return Span(s, e, doc.text[s:e])

    def _world_only(self, m: Match | None) -> bool:
        """A match that is only an out-of-area name (الجزائر), which a local place word overrides."""
        return m is not None and all(isinstance(p, WorldPlace) for p in m.payload)

    def _ends_name(self, doc: _Doc, n: int) -> bool:
        """Whether the word at n cannot continue a name: a conjunction, a stop word or a known phrase."""
        if n >= len(doc.words):
            return True
        w = doc.words[n]
        return w in self.grammar.list_conjunctions or self._starts_with_conjunction(w) or self._stops_name(w) \
            or doc.at.get(n) is not None

    def _similar_place(self, name: str, word: PlaceWord) -> Place | None:
        """The one gazetteer place of a fitting kind whose name is spelt almost like this one, else None."""
        bare = self._bare(name)
        if len(bare) < self.grammar.fuzzy_min_letters:
            return None
        scored = sorted(((fuzz.ratio(bare, key), place) for key, place in self._fuzzy_names
                         if place.kind in word.type.kinds and abs(len(key) - len(bare)) <= 2),
                        key=lambda x: -x[0])
        if not scored or scored[0][0] < self.grammar.fuzzy_min_score:
            return None
        best = scored[0][1]
        rivals = [score for score, place in scored[1:] if place.place_id != best.place_id]
        if rivals and rivals[0] > scored[0][0] - self.grammar.fuzzy_margin:
            return None
        return best

    def _bare(self, key: str) -> str:
        """A normalised name without the article of its first word, for comparing spellings."""
        article = self.clitics.article
        return key[len(article):] if key.startswith(article) and len(key) > len(article) + 2 else key

    def _stops_name(self, word: str) -> bool:
        """Digits, stop words, and words with an attached preposition and article (بالصواريخ) end a name."""
        attached = any(word.startswith(p + self.clitics.article) for p in self.clitics.prepositions) \
            or word.startswith(self.clitics.lam_article)
        return word.isdigit() or attached or any(stem in self.grammar.name_stops for stem, _ in word_forms(word, self.clitics))

    def _relative(self, doc: _Doc, t: int, direction: DirectionWord, before: list[_Draft], role: str):
        """جنوب حي الصحة (offset from a place), غرب الموصل / شمال غرب المدينة (a sector of the city)."""
        n = doc.at[t].token_end
        if n >= len(doc.words) or doc.gap(n).strip():
            return None
        anchor, t_end, _ = self._head_without_direction(doc, n, before, role)
        if not anchor:
            return None
        draft = anchor[0]
        rel = direction.direction
        if draft.candidates and all(p.place_id == self.city.place_id for p in draft.candidates):
            return [self._sector_draft(rel, doc.span(t, t_end), role)], t_end, None
        draft = replace(draft, relation=rel.relation, notes=draft.notes + (f"{rel.relation} of the place",))
        return [draft], t_end, self._context(draft, role)

    def _head_without_direction(self, doc: _Doc, t: int, before: list[_Draft], role: str):
        words = doc.entries(t, PlaceWord)
        if words:
            return self._after_place_word(doc, t, words[0], before, role)
        draft, t_end = self._name(doc, t, None, licensed=False, role=role)
        return ([draft], t_end, None) if draft else ([], t, None)

    def _sector_draft(self, direction: Direction, span: Span, role: str) -> _Draft:
        """A compass sector of the campaign city (North-west Mosul) as a synthetic district."""
        city = self.city
        lat, lon = self._offset(city, direction.bearing)
        place = Place(f"{city.place_id}_{direction.relation.replace('-', '_')}", span.text,
                      f"{direction.en} {city.name_en}", "district", direction.bank, city.place_id, lat, lon, 3,
                      "offset from the city point", city.license)
        return _Draft(span, role=role, relation=direction.relation, sector=place)

    def _offset(self, place: Place, bearing: float) -> tuple[float | None, float | None]:
        if place.lat is None or place.lon is None:
            return place.lat, place.lon
        from geopy.distance import distance  # imported when first needed: it brings every geocoder with it

        km = self.grammar.offset_km.get(place.kind, 1.0)
        point = distance(kilometers=km).destination((place.lat, place.lon), bearing=bearing)
        return round(point.latitude, 6), round(point.longitude, 6)

    def _tails(self, doc: _Doc, t: int, ctx: _ListContext | None, before: list[_Draft]):
        """Places that only locate the place before them: شمالي القيارة، وسط قضاء الحمدانية، في الساحل الأيسر."""
        found: list[_Draft] = []
        while ctx is not None and t < len(doc.words) and self._unquoted_gap(doc.gap(t)) in ("", "(", "[", "،", ","):
            if self._unquoted_gap(doc.gap(t)) in ("،", ","):
                # "نحو معسكر حسن شام، في منطقة الخازر": after a comma, في and a place word say where it lies
                item, t_end = self._comma_locator(doc, t, before + found)
                if not item:
                    break
                found += item
                t = t_end
                continue
            if self._unquoted_gap(doc.gap(t)):  # a place in brackets after a place only locates it: "موصل الجديدة (وادي العين)"
                item, t_end, _ = self._head(doc, t, before + found, "reference")
                if not item or doc.gap(t_end).strip()[:1] not in (")", "]"):
                    break
                found += [replace(d, role="reference") for d in item]
                t = t_end
                continue
            directions = doc.entries(t, DirectionWord)
            if any(d.usage == "pronoun" for d in directions):
                t = doc.at[t].token_end
                continue
            forms = [d for d in directions if d.usage == "form"]
            if forms:
                anchor = self._relative(doc, t, forms[0], before + found, "reference")
                if not anchor:
                    break
                found += [replace(d, role="reference") if d.sector else
                          replace(d, role="reference", relation="", notes=("locator",)) for d in anchor[0]]
                t = anchor[1]
                continue
            locators = doc.tags(t, "locator")
            start = doc.at[t].token_end if locators else t
            if not locators and not self._has_attached_locator(doc, t):
                break
            if locators and locators[0].value.endswith(" ل") and not self._has_attached_locator(doc, start):
                break  # "التابعة" needs its ل on the next word: "التابعة لبلدة الشورة"
            item, t_end, _ = self._head_without_direction(doc, start, before + found, "reference")
            if not item:
                direction = [d for d in doc.entries(start, DirectionWord) if d.usage == "form"]
                relative = self._relative(doc, start, direction[0], before + found, "reference") if direction else None
                item, t_end = (relative[0], relative[1]) if relative else ([], t)
            if not item:
                break
            near = bool(locators) and locators[0].value in self.grammar.proximity_locators
            always = near or (locators and locators[0].value in self.grammar.enclosing_locators)
            inside = self._unknown_site_in(before, item[0]) and not near
            if inside:  # مطعم "حسين الشيخ" في حي الزهور: the quarter is the place on the map, the building a detail
                found.append(replace(item[0], role=before[-1].role, notes=item[0].notes + (_ENCLOSES_SITE,)))
                t = t_end
                continue
            if not always and self._rank(item[0], None) <= ctx.rank:
                break
            found += [replace(d, role="proximity" if near else "reference") for d in item]
            t = t_end
        return found, t

    def _comma_locator(self, doc: _Doc, t: int, before: list[_Draft]) -> tuple[list[_Draft], int]:
        if not any(tag.value == "في" for tag in doc.tags(t, "locator")) or doc.at[t].prefix:
            return [], t
        start = doc.at[t].token_end
        words = doc.entries(start, PlaceWord)
        if not words or words[0].definite or words[0].many:
            return [], t
        item, t_end, _ = self._after_place_word(doc, start, words[0], before, "reference")
        if not item or not item[0].candidates:
            return [], t
        return [replace(d, role="reference", notes=("locator",)) for d in item], t_end

    def _unquoted_gap(self, gap: str) -> str:
        """A gap without its quote marks: a closing quote does not end a place phrase (مطعم "X" في حي Y)."""
        return "".join(c for c in gap if c not in self.grammar.quotes).strip()

    def _unknown_site_in(self, before: list[_Draft], item: _Draft) -> bool:
        """An unresolved building (a quoted name after مطعم، فندق ...) followed by a known local place."""
        return bool(before) and not before[-1].candidates and before[-1].word_type in ("site", "building") and \
            any(p.kind in LOCAL_KINDS for p in item.candidates)

    def _has_attached_locator(self, doc: _Doc, t: int) -> bool:
        m = doc.at.get(t)
        return bool(m and m.prefix and m.prefix[-1] in "".join(self.clitics.prepositions)
                    and not self._starts_with_conjunction(m.prefix))

    def _without_conjunction(self, word: str) -> str:
        conj = next((c for c in self.grammar.list_conjunctions if word.startswith(c) and len(word) > len(c) + 2), "")
        return word[len(conj):]

    def _starts_with_conjunction(self, word: str) -> bool:
        return any(word.startswith(c) for c in self.grammar.list_conjunctions)

    def _continuation(self, doc: _Doc, t: int) -> int | None:
        """Token index of the next list item after t, or None when the list ends."""
        if t >= len(doc.words):
            return None
        gap = doc.gap(t)
        g = self.grammar
        if any(not c.isspace() and c not in g.list_separators | g.quotes | g.brackets for c in gap):
            return None
        if doc.words[t] in self.grammar.list_conjunctions and t + 1 < len(doc.words) \
                and self._only_quotes_between(doc.gap(t + 1)):
            return t + 1
        m = doc.at.get(t)
        if m and self._starts_with_conjunction(m.prefix):
            return t
        if m is None and self._without_conjunction(doc.words[t]) != doc.words[t] and not gap.strip():
            return t  # "والزيتون": an item the gazetteer does not know, taken only if the list's word allows it
        if any(c in gap for c in g.list_separators):  # "، " and the dash of "سنجار - تلعفر"
            return t
        return None

    def _only_quotes_between(self, gap: str) -> bool:
        """Only spaces, quotes and brackets between two words: أحياء (السلام ...)، قرية "عباس رجب"."""
        return all(c.isspace() or c in self.grammar.quotes or c in self.grammar.brackets for c in gap)

    # ------------------------------------------------------------ resolution

    def _finish(self, d: _Draft, drafts: list[_Draft], sentences) -> PlaceMention:
        notes = list(d.notes)
        if d.world is not None:
            return PlaceMention(d.span, d.world.place, None, None, 0, "", "out_of_area", d.relation, "; ".join(notes))
        if d.sector is not None:
            s = d.sector
            return PlaceMention(d.span, s, s.lat, s.lon, 3, s.bank if s.bank in RIVER_BANKS else "", d.role,
                                d.relation, "; ".join(notes))
        if not d.candidates:
            return PlaceMention(d.span, None, None, None, 0, "", d.role, d.relation, "; ".join(notes))
        place = d.candidates[0]
        if len({p.bank for p in d.candidates}) > 1:
            bank = self._decide_bank(d, drafts, sentences)
            chosen = [p for p in d.candidates if p.bank == bank]
            if not chosen and "outside" in {p.bank for p in d.candidates}:
                # a city quarter or a town of the same name, and nothing says which: named, not mapped
                notes.append("ambiguous: " + " or ".join(p.place_id for p in d.candidates))
                return PlaceMention(d.span, None, None, None, 0, "", d.role, d.relation, "; ".join(notes))
            if not chosen:
                notes.append("bank undecided")
                place = self._undecided(d.candidates)
                return PlaceMention(d.span, place, self.city.lat, self.city.lon, 3, "", d.role, d.relation,
                                    "; ".join(notes))
            place = chosen[0]
        lat, lon, precision = place.lat, place.lon, place.precision
        if place.kind in WIDE_KINDS:
            precision = 3
        if d.relation:
            bearing = next(w.direction.bearing for w in self.grammar.directions if w.direction.relation == d.relation)
            lat, lon = self._offset(place, bearing)
            precision = max(2, precision)
        if "near" in d.notes:
            precision = max(2, precision)
        bank = place.bank if place.bank in RIVER_BANKS else ""
        return PlaceMention(d.span, place, lat, lon, precision, bank, d.role, d.relation, "; ".join(notes))

    def _undecided(self, candidates: tuple[Place, ...]) -> Place:
        """One place for a name on both banks when the text does not say which."""
        first = candidates[0]
        place_id = os.path.commonprefix([p.place_id for p in candidates]).rstrip("_") or first.place_id
        name_en = os.path.commonprefix([p.name_en for p in candidates]).split("(")[0].strip() or first.name_en
        return replace(first, place_id=place_id, name_en=name_en, bank="both", lat=self.city.lat, lon=self.city.lon,
                       precision=3)

    def _bank_evidence(self, d: _Draft) -> str:
        """The bank a draft says something is on: a bank phrase, a sector, or an unambiguous city place."""
        if d.sector is not None:
            return d.sector.bank if d.sector.bank in RIVER_BANKS else ""
        banks = {p.bank for p in d.candidates}
        if banks == {"outside"} and all(p.kind in LOCAL_KINDS | {"out_of_area"} for p in d.candidates):
            return "outside"  # a town or village: evidence that a name shared with a city quarter is the town
        return banks.pop() if len(banks) == 1 and banks <= set(RIVER_BANKS) else ""

    def _decide_bank(self, d: _Draft, drafts: list[_Draft], sentences) -> str:
        """Same-sentence bank phrase (nearest), then the sentence's other places, then the article's.

        Other places vote for the banks the name can be on; towns and villages vote for "outside" (the town of
        al-Qairawan rather than the quarter) when the name is also one outside the city.
        """
        starts = [s.start for s in sentences]
        i = bisect.bisect_right(starts, d.span.start) - 1
        lo, hi = (sentences[i].start, sentences[i].end) if i >= 0 else (0, len(d.span.text))
        in_sentence = [o for o in drafts if o is not d and lo <= o.span.start < hi]
        phrases = [o for o in in_sentence if self._bank_evidence(o) and (o.sector or self._is_bank_district(o))]
        if phrases:
            nearest = min(phrases, key=lambda o: abs(o.span.start - d.span.start))
            return self._bank_evidence(nearest)
        possible = {p.bank for p in d.candidates}
        for group in (in_sentence, [o for o in drafts if o is not d]):
            votes = Counter(v for o in group if (v := self._bank_evidence(o)) in possible).most_common(2)
            if votes and (len(votes) == 1 or votes[0][1] > votes[1][1]):
                return votes[0][0]
        return ""


@lru_cache(maxsize=None)
def load_place_resolver(campaign: Campaign) -> PlaceResolver:
    """The resolver for a campaign's gazetteer, banks and out-of-area names in its language, compiled once."""
    lexicon_dir = campaign.lexicon_dir
    world = tuple((o.name_ar, WorldPlace(o.place, o.world_kind)) for o in campaign.out_of_area)
    return PlaceResolver(load_place_grammar(lexicon_dir).for_campaign(campaign), Gazetteer.of(campaign), world,
                         load_clitics(lexicon_dir), load_sentence_rules(lexicon_dir))
