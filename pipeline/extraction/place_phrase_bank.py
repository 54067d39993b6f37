"""The place phrase bank of one campaign: every phrase the place parser starts from (place words with and without
the article, gazetteer aliases and the spelling variants only one place could have, bank phrases, directions,
role cues, locators, ordinals, demonstratives and out-of-area names) in one PhraseMatcher, with the lexicon words
normalised once.

It exists apart from the parser so that what can be recognised is compiled once per campaign, from data, and the
parsing rules only read it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline.extraction.matcher import PhraseMatcher
from pipeline.extraction.place_lexicon import (Alias, Cue, DirectionWord, PlaceGrammar, Tag, WorldPlace,
                                               spelling_variants)
from pipeline.extraction.textnorm import normalise_phrase
from pipeline.gazetteer import Gazetteer
from pipeline.records import Alias as GazetteerAlias, Place

_AREA_TYPES = frozenset({"neighbourhood", "mahalla", "area", "village", "camp", "town", "subdistrict", "district"})
"""Place words that are not part of the name they introduce: "حي الكنيسة" is also just "الكنيسة"."""


_NONE: dict = {}
"""The tags or directions of a phrase that has none (shared, never written)."""


@dataclass(frozen=True, eq=False, slots=True)
class PhraseEntries:
    """What one phrase of the bank can be (place word, aliases, cue, tags ...), grouped by record type once: the
    parser asks a matched phrase for one type at a time, hundreds of times per article."""

    items: tuple
    by_type: dict[type, tuple]
    tags: dict[str, tuple[Tag, ...]]
    """Tag name (locator, ordinal, demonstrative, bank) -> the phrase's tags of that name."""
    directions: dict[str, tuple[DirectionWord, ...]]
    """Usage (form, adjective, pronoun) -> the phrase's direction words of that usage."""

    @classmethod
    def of(cls, items: list) -> PhraseEntries:
        if len(items) == 1 and type(items[0]) not in (Tag, DirectionWord):  # most phrases: one name or word
            return cls(tuple(items), {type(items[0]): tuple(items)}, _NONE, _NONE)
        by_type: dict[type, list] = {}
        for item in items:
            by_type.setdefault(type(item), []).append(item)
        tags: dict[str, list[Tag]] = {}
        for tag in by_type.get(Tag, ()):
            tags.setdefault(tag.name, []).append(tag)
        directions: dict[str, list[DirectionWord]] = {}
        for word in by_type.get(DirectionWord, ()):
            directions.setdefault(word.usage, []).append(word)
        return cls(tuple(items), {k: tuple(v) for k, v in by_type.items()}, {k: tuple(v) for k, v in tags.items()},
                   {k: tuple(v) for k, v in directions.items()})


@dataclass(frozen=True, eq=False)
class PlacePhraseBank:
    """One campaign's place phrases in one matcher, and the place-word tables the parser looks words up in."""

    matcher: PhraseMatcher
    place_word_forms: frozenset[str]
    """Place words (حي، قرية ...), normalised."""
    ordinal_of: dict[str, int]
    """Ordinal words (الثانية) -> their number, normalised."""
    type_of_word: dict[str, str]
    """Place word -> the type it introduces (محلة -> mahalla), normalised."""
    fuzzy_names: dict[int, tuple[tuple[int, str, Place], ...]]
    """Names (without the article) a misspelt name after a place word is compared with, by length: (rank, name,
    place), the rank being the name's place in the gazetteer's order, which settles a tie."""


def build_phrase_bank(grammar: PlaceGrammar, gazetteer: Gazetteer, world: tuple[tuple[str, WorldPlace], ...],
                      clitics) -> PlacePhraseBank:
    """The phrase bank of a campaign's grammar, gazetteer and out-of-area names."""
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
    place_word_forms = frozenset(word_forms_norm)
    # lexicon words normalised once here, not at every mention
    ordinal_of: dict[str, int] = {}
    for ordinal, number in grammar.ordinals:
        ordinal_of.setdefault(normalise_phrase(ordinal), number)
    type_of_word: dict[str, str] = {}
    for w in grammar.place_words:
        type_of_word.setdefault(normalise_phrase(w.form), w.type.name)
    head_types: dict[str, set[str]] = {}
    for w in grammar.place_words:
        head_types.setdefault(normalise_phrase(w.form), set()).add(w.type.name)
    world_names = {normalise_phrase(name) for name, _ in world}
    for name, wp in world:
        add(name, wp)
    separators = {normalise_phrase(w) for w in grammar.name_separators}
    spellings: list[tuple[str, GazetteerAlias, bool]] = []
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
    fuzzy = [(bare_name(key, clitics.article), gazetteer.places[alias.place_id])
             for key, alias, licensed in spellings if not licensed and len(key.split()) <= 3]
    fuzzy_names: dict[int, list[tuple[int, str, Place]]] = {}
    for rank, (name, place) in enumerate(f for f in fuzzy if len(f[0]) >= grammar.fuzzy_min_letters):
        fuzzy_names.setdefault(len(name), []).append((rank, name, place))
    for phrase, word in grammar.direction_phrases:
        add(phrase, word)
    for phrase, bank in grammar.banks:
        add(phrase, Tag("bank", bank))
    for phrase, role in grammar.cues:
        add(phrase, Cue(role))
    for phrase in grammar.locators:
        # a locator ending in a detached preposition (التابعة ل) is matched without it: it is on the next word
        head, _, last = phrase.rpartition(" ")
        add(head if head and last in grammar.detached_prepositions else phrase, Tag("locator", phrase))
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
    return PlacePhraseBank(PhraseMatcher(((k, PhraseEntries.of(v)) for k, v in entries.items()), clitics),
                           place_word_forms, ordinal_of, type_of_word,
                           {n: tuple(names) for n, names in fuzzy_names.items()})


def bare_name(key: str, article: str) -> str:
    """A normalised name without the article of its first word, for comparing spellings."""
    return key[len(article):] if key.startswith(article) and len(key) > len(article) + 2 else key
