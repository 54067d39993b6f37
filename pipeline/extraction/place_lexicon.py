"""The language's place grammar: place words and their types, directions and bank words, role cues, locators,
ordinals, demonstratives and spelling rules (data/lexicon/<lang>/place_words.yaml and directions.yaml), loaded and
validated once, then given the campaign's banks.

It exists apart from the parser so that the place data is read in one place, with a clear message for a
malformed entry, and so that the records the parser and the resolver share have one home.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from pipeline.campaign import Campaign
from pipeline.errors import DataFileError
from pipeline.records import Place
from pipeline.resources import load_yaml
from pipeline.schema import COARSE_KINDS, PLACE_KINDS, RIVER_BANKS
from pipeline.extraction.textnorm import normalise_phrase

LOCAL_KINDS = frozenset(PLACE_KINDS) - frozenset(COARSE_KINDS)
"""Kinds of places an event can be put at (a city, district or region is only a coarse location)."""


@dataclass(frozen=True, eq=False)
class PlaceType:
    """What a place word names (حي -> neighbourhood). One per type name in a grammar, compared by identity (the
    parser keys its memos by it)."""

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
    sentence_ends: frozenset[str]
    clause_ends: frozenset[str]
    """The sentence ends and the marks that end only a clause."""
    phrase_ends: frozenset[str]
    """The sentence ends and the marks that end only a phrase."""
    colons: frozenset[str]
    cues: tuple[tuple[str, str], ...]
    """(phrase, role)."""
    not_origin_before: frozenset[str]
    proximity_before: frozenset[str]
    departure_words: frozenset[str]
    description_words: frozenset[str]
    road_words: frozenset[str]
    between_words: frozenset[str]
    """The word before the two ends of a road (بين)."""
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
    in_words: frozenset[str]
    in_prefixes: tuple[str, ...]
    """The preposition "in" as a word (في) and as an attached letter (ب): a source speaks in a facility."""
    residence_words: frozenset[str]
    colon_list_window: int
    locator_reach: int
    """How many words may stand between a place and a direction phrase that locates it."""
    locators: tuple[str, ...]
    detached_prepositions: frozenset[str]
    """Letters a locator ends with, written apart, that are attached to the next word (التابعة ل)."""
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
                                 tuple((normalise_phrase(a), normalise_phrase(b)) for a, b in spelling.get("final_swaps") or ()),
                                 tuple((a, b) for a, b in spelling.get("letter_swaps") or ()),
                                 bool(spelling.get("construct")), int(spelling.get("min_letters", 4)))
    except (AttributeError, TypeError, ValueError) as err:
        raise DataFileError(words_path, f"ordinals need a number and a list of words; spelling_variants lists of letters: {err}") from err

    def norm_set(key: str) -> frozenset[str]:
        return frozenset(normalise_phrase(w) for w in words.get(key) or ())

    sentence_ends = frozenset(_require(words_path, words, "sentence_ends"))
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
        sentence_ends=sentence_ends,
        clause_ends=sentence_ends | frozenset(_require(words_path, words, "clause_ends")),
        phrase_ends=sentence_ends | frozenset(_require(words_path, words, "phrase_ends")),
        colons=frozenset(_require(words_path, words, "colons")),
        cues=cues,
        not_origin_before=norm_set("not_origin_before"),
        proximity_before=norm_set("proximity_before"),
        departure_words=norm_set("departure_words"),
        description_words=norm_set("description_words"),
        road_words=norm_set("road_words"),
        between_words=norm_set("between_words"),
        home_words=norm_set("home_words"),
        approach_words=norm_set("approach_words"),
        victim_words=norm_set("victim_words"),
        home_window=int(words.get("home_window", 20)),
        fire_words=norm_set("fire_words"),
        fire_window=int(words.get("fire_window", 5)),
        source_speakers=norm_set("source_speakers"),
        in_words=norm_set("in_words"),
        in_prefixes=tuple(normalise_phrase(w) for w in words.get("in_prefixes") or ()),
        residence_words=norm_set("residence_words"),
        colon_list_window=int(words.get("colon_list_window", 12)),
        locator_reach=int(words.get("locator_reach", 5)),
        locators=tuple(_require(words_path, words, "locators")),
        detached_prepositions=frozenset(words.get("detached_prepositions") or ()),
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
