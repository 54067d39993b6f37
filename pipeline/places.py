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
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from geopy.distance import distance

from pipeline.campaign import Campaign
from pipeline.document import Document, document_for
from pipeline.errors import DataFileError
from pipeline.gazetteer import Gazetteer
from pipeline.matcher import Match, PhraseMatcher, word_forms
from pipeline.records import Place, PlaceMention, Span
from pipeline.resources import load_clitics, load_yaml
from pipeline.schema import COARSE_KINDS, PLACE_KINDS, RIVER_BANKS, WIDE_KINDS
from pipeline.sentences import load_sentence_rules
from pipeline.textnorm import NormalisedText, normalise_phrase

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


@dataclass(frozen=True)
class PlaceWord:
    form: str
    type: PlaceType
    many: bool
    """Plural or dual: opens a list (أحياء، قريتي)."""
    definite: bool = False


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
    ordinals: tuple[str, ...]
    list_separators: frozenset[str]
    quotes: frozenset[str]
    brackets: frozenset[str]
    cues: tuple[tuple[str, str], ...]
    """(phrase, role)."""
    not_origin_before: frozenset[str]
    locators: tuple[str, ...]
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

    def for_campaign(self, campaign: Campaign) -> PlaceGrammar:
        """The grammar with the campaign's banks: compass bank phrases and city sectors get the bank on that side."""
        banked = {d.direction: replace(d.direction, bank=campaign.sector_bank(d.direction.bearing)) for d in self.directions}
        words = {d: DirectionWord(banked[d.direction], d.usage) for d in self.directions}
        banks = tuple((phrase, key if key in RIVER_BANKS else campaign.bank_on_side(key)) for phrase, key in self.banks)
        return replace(self, directions=tuple(words.values()),
                       direction_phrases=tuple((phrase, words[w]) for phrase, w in self.direction_phrases),
                       banks=tuple((phrase, bank) for phrase, bank in banks if bank))


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
        types[name] = PlaceType(name, frozenset(_require(words_path, spec, "kinds")), int(_require(words_path, spec, "rank")),
                                bool(spec.get("unknown_names")), bool(spec.get("bare_reference")), bool(spec.get("sector")))
    place_words = []
    for n, row in enumerate(_require(words_path, words, "place_words")):
        if row.get("type") not in types or row.get("number") not in ("one", "many"):
            raise DataFileError(words_path, f"place_words entry {n}: type must be one of {sorted(types)}, number one or many")
        for form in row["forms"]:
            place_words.append(PlaceWord(form, types[row["type"]], row["number"] == "many"))
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
    return PlaceGrammar(
        types=types,
        place_words=tuple(place_words),
        demonstratives=tuple(_require(words_path, words, "demonstratives")),
        back_reference_max_chars=int(words.get("back_reference_max_chars", 800)),
        ordinals=tuple(_require(words_path, words, "ordinals")),
        list_separators=frozenset(_require(words_path, words, "list_separators")),
        quotes=frozenset(_require(words_path, words, "quotes")),
        brackets=frozenset(_require(words_path, words, "brackets")),
        cues=cues,
        not_origin_before=frozenset(normalise_phrase(w) for w in words.get("not_origin_before") or ()),
        locators=tuple(_require(words_path, words, "locators")),
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
        world_names = {normalise_phrase(name) for name, _ in world}
        for name, wp in world:
            add(name, wp)
        separators = {normalise_phrase(w) for w in grammar.name_separators}
        for alias in gazetteer.aliases:
            key = normalise_phrase(alias.alias_ar)
            if set(key.split()[1:-1]) & separators:
                continue  # "المنطقة الصناعية في حي الكرامة" is two places, each found on its own
            first = key.split()[0] if key else ""
            self_licensed = first in word_forms_norm
            ambiguous = key in world_names or first.isdigit()
            add(alias.alias_ar, Alias(gazetteer.places[alias.place_id],
                                      not self_licensed and (alias.needs_context or ambiguous)))
        for phrase, word in grammar.direction_phrases:
            add(phrase, word)
        for phrase, bank in grammar.banks:
            add(phrase, Tag("bank", bank))
        for phrase, role in grammar.cues:
            add(phrase, Cue(role))
        for phrase in grammar.locators:
            add(phrase, Tag("locator", phrase))
        for phrase in grammar.ordinals:
            add(phrase, Tag("ordinal", phrase))
        for phrase in grammar.demonstratives:
            add(phrase, Tag("demonstrative", phrase))
        self.matcher = PhraseMatcher(((k, tuple(v)) for k, v in entries.items()), clitics)

    # ------------------------------------------------------------ public API

    def find_mentions(self, text: str, start: int = 0, end: int | None = None, *,
                      doc: Document | None = None) -> list[PlaceMention]:
        """Place mentions inside text[start:end], in text order; the whole text is the context.

        `doc` is the article analysed once (see pipeline.document); its mentions are parsed once.
        """
        end = len(text) if end is None else end
        doc = doc or self.document(text)
        every = doc.derived(("places", id(self)), lambda: self.article_mentions(text, doc=doc))
        return [m for m in every if start <= m.span.start and m.span.end <= end]

    def document(self, text: str) -> Document:
        """A text analysed for this resolver alone (the run analyses each article once for all stages)."""
        return document_for(text, self.matcher, sentence_rules=self.sentence_rules)

    def article_mentions(self, text: str, *, doc: Document | None = None) -> tuple[PlaceMention, ...]:
        """Every mention of an article, banks decided with the whole article as context."""
        doc = doc or self.document(text)
        drafts = self.analyse(text, doc=doc)
        sentences = list(doc.sentences) if drafts else []
        return tuple(self._finish(d, drafts, sentences) for d in drafts)

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
            found, t_next = self._phrase(doc, t, drafts)
            drafts.extend(found)
            t = t_next if found else t + 1
        return drafts

    def _phrase(self, doc: _Doc, t: int, before: list[_Draft]) -> tuple[list[_Draft], int]:
        """A place phrase at token t: [role cue] head [tails] [list continuation ...]."""
        role = "location"
        cues = doc.entries(t, Cue)
        if cues:
            role = cues[0].role
            if role == "origin" and t > 0 and self._is_partitive(doc.words[t - 1]):
                role = "location"
            t = doc.at[t].token_end
        head, t_end, ctx = self._head(doc, t, before, role)
        if not head:
            return [], t
        found = list(head)
        while True:
            tail, t_end = self._tails(doc, t_end, ctx, before + found)
            found += tail
            u = self._continuation(doc, t_end) if ctx is not None else None
            if u is None:
                break
            item, u_end, item_ctx = self._item(doc, u, ctx, before + found)
            if not item:
                break
            found += item
            t_end, ctx = u_end, item_ctx
        return found, t_end

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
        kinds = [p.kind for p in draft.candidates] or (["district"] if draft.sector else ["neighbourhood"])
        return max(self.grammar.kind_ranks.get(k, 1) for k in kinds)

    def _item(self, doc: _Doc, u: int, ctx: _ListContext, before: list[_Draft]):
        """A further item of a list: [place word] name."""
        words = doc.entries(u, PlaceWord)
        if words and not words[0].definite:
            return self._after_place_word(doc, u, words[0], before, ctx.role)
        draft, u_end = self._name(doc, u, None, licensed=ctx.licensed, role=ctx.role)
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
        if n >= len(doc.words) or not self._only_quotes_between(doc.gap(n)):
            return [], t, None
        draft, t_end = self._name(doc, n, word, licensed=True, role=role)
        if draft is None:
            return [], t, None
        return [draft], t_end, _ListContext(role, True, word.type.rank)

    def _definite_place_word(self, doc: _Doc, t: int, word: PlaceWord, before: list[_Draft], role: str):
        """المحور الشرقي (a sector), المدينة (the city), المنطقة (the place just named)."""
        n = doc.at[t].token_end
        adjectives = [d for d in doc.entries(n, DirectionWord) if d.usage == "adjective"]
        if word.type.sector and adjectives:
            t_end = self._city_tail(doc, doc.at[n].token_end)
            return [self._sector_draft(adjectives[0].direction, doc.span(t, t_end), role)], t_end, None
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

    def _name(self, doc: _Doc, t: int, word: PlaceWord | None, *, licensed: bool, role: str):
        """A gazetteer name, an out-of-area name, a bank phrase or (after a place word) an unknown name."""
        if t >= len(doc.words):
            return None, t
        m = doc.at.get(t)
        draft = None
        if m is not None:
            draft, t_end = self._known_name(doc, m, word, licensed, role)
        if draft is None and word is not None and word.type.unknown_names:
            draft, t_end = self._unknown_name(doc, t, word, role)
        if draft is None:
            return None, t
        ordinals = doc.tags(t_end, "ordinal") if doc.gap(t_end).strip() == "" else []
        if ordinals:
            draft = replace(draft, notes=draft.notes + (f"ordinal {ordinals[0].value}",))
            t_end = doc.at[t_end].token_end
        return draft, t_end

    def _known_name(self, doc: _Doc, m: Match, word: PlaceWord | None, licensed: bool, role: str):
        aliases = [p for p in m.payload if isinstance(p, Alias)]
        if word is not None:
            fitting = [a for a in aliases if a.place.kind in word.type.kinds]
            aliases = fitting or aliases
        usable = [a.place for a in aliases if licensed or not a.needs_context]
        banks = [p for p in m.payload if isinstance(p, Tag) and p.name == "bank"]
        word_type = word.type.name if word else ""
        if usable:
            draft = _Draft(m.span, tuple(dict.fromkeys(usable)), role=role, word_type=word_type)
            return self._with_bank_tail(doc, m, draft) if self._is_bank_district(draft) else (draft, m.token_end)
        world = [p for p in m.payload if isinstance(p, WorldPlace)]
        if world:
            return _Draft(m.span, role="out_of_area", world=world[0], notes=("out of area",)), m.token_end
        if banks:
            return self._with_bank_tail(doc, m, self._bank_draft(m.span, banks[0].value, role))
        return None, m.token_start

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

    def _unknown_name(self, doc: _Doc, t: int, word: PlaceWord, role: str):
        """One to three words after a place word (or a quoted name) that the gazetteer does not know."""
        quoted = any(q in doc.gap(t) for q in self.grammar.quotes)
        if word.many and not quoted:
            return None, t  # "مخيمات تؤوي": after a plural, only a quoted name is taken on trust
        limit = 5 if quoted else 3
        last = t
        while last < len(doc.words) and last - t < limit:
            w = doc.words[last]
            if last > t and (doc.gap(last).strip() or w in self.grammar.list_conjunctions or doc.at.get(last)):
                break  # punctuation, a closing quote, a conjunction or a known word ends the name
            if not quoted and (self._stops_name(w) or self._starts_with_conjunction(w) or doc.at.get(last)):
                break  # "بث حي ومباشر", "قرية صغيرة": not names
            last += 1
        if last == t:
            return None, t
        return _Draft(doc.span(t, last), role=role, notes=("unresolved",), word_type=word.type.name), last

    def _stops_name(self, word: str) -> bool:
        return word.isdigit() or any(stem in self.grammar.name_stops for stem, _ in word_forms(word, self.clitics))

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
        km = self.grammar.offset_km.get(place.kind, 1.0)
        point = distance(kilometers=km).destination((place.lat, place.lon), bearing=bearing)
        return round(point.latitude, 6), round(point.longitude, 6)

    def _tails(self, doc: _Doc, t: int, ctx: _ListContext | None, before: list[_Draft]):
        """Places that only locate the place before them: شمالي القيارة، وسط قضاء الحمدانية، في الساحل الأيسر."""
        found: list[_Draft] = []
        while ctx is not None and t < len(doc.words) and not doc.gap(t).strip():
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
            item, t_end, _ = self._head_without_direction(doc, start, before + found, "reference")
            if not item:
                direction = [d for d in doc.entries(start, DirectionWord) if d.usage == "form"]
                relative = self._relative(doc, start, direction[0], before + found, "reference") if direction else None
                item, t_end = (relative[0], relative[1]) if relative else ([], t)
            if not item:
                break
            always = locators and locators[0].value in self.grammar.enclosing_locators
            if not always and self._rank(item[0], None) <= ctx.rank:
                break
            found += [replace(d, role="reference") for d in item]
            t = t_end
        return found, t

    def _has_attached_locator(self, doc: _Doc, t: int) -> bool:
        m = doc.at.get(t)
        return bool(m and m.prefix and m.prefix[-1] in "".join(self.clitics.prepositions)
                    and not self._starts_with_conjunction(m.prefix))

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
        if any(c in gap for c in "،,"):
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
        return banks.pop() if len(banks) == 1 and banks <= set(RIVER_BANKS) else ""

    def _decide_bank(self, d: _Draft, drafts: list[_Draft], sentences) -> str:
        """Same-sentence bank phrase (nearest), then the sentence's other city places, then the article."""
        starts = [s.start for s in sentences]
        i = bisect.bisect_right(starts, d.span.start) - 1
        lo, hi = (sentences[i].start, sentences[i].end) if i >= 0 else (0, len(d.span.text))
        in_sentence = [o for o in drafts if o is not d and lo <= o.span.start < hi]
        phrases = [o for o in in_sentence if self._bank_evidence(o) and (o.sector or self._is_bank_district(o))]
        if phrases:
            nearest = min(phrases, key=lambda o: abs(o.span.start - d.span.start))
            return self._bank_evidence(nearest)
        for group in (in_sentence, [o for o in drafts if o is not d]):
            votes = [self._bank_evidence(o) for o in group]
            left, right = votes.count("left"), votes.count("right")
            if left != right:
                return "left" if left > right else "right"
        return ""


@lru_cache(maxsize=None)
def load_place_resolver(campaign: Campaign) -> PlaceResolver:
    """The resolver for a campaign's gazetteer, banks and out-of-area names in its language, compiled once."""
    lexicon_dir = campaign.lexicon_dir
    world = tuple((o.name_ar, WorldPlace(o.place, o.world_kind)) for o in campaign.out_of_area)
    return PlaceResolver(load_place_grammar(lexicon_dir).for_campaign(campaign), Gazetteer.of(campaign), world,
                         load_clitics(lexicon_dir), load_sentence_rules(lexicon_dir))
