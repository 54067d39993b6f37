"""One generic phrase matcher over normalised Arabic: first-word table, attached clitics, longest match wins.

Places, event triggers, actors, number words and date words all compile their lexicon into a
PhraseMatcher; the matcher knows nothing about what the phrases mean. A PhraseIndex joins every
lexicon's matchers into one table, so one pass over an article's tokens finds the phrases of all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Callable, Iterable, NamedTuple, Sequence

from pipeline.records import Span
from pipeline.extraction.textnorm import NormalisedText, Token, normalise_phrase, tokenize

FORMS_MEMO_LIMIT = 500_000
"""Distinct words whose readings a Clitics (or a PhraseIndex) keeps; past it the memo starts again (memory
stays bounded)."""


class BoundedMemo(dict):
    """A pure function's results for the run, keyed by its argument, computed on first use; emptied when it
    holds `limit` entries, so that memory stays bounded over an archive. A hit is a plain dict look-up."""

    def __init__(self, make: Callable[[Any], Any], limit: int = FORMS_MEMO_LIMIT):
        super().__init__()
        self.make, self.limit = make, limit

    def __missing__(self, key):
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = self.make(key)
        return value


@dataclass(frozen=True)
class Clitics:
    """Attached prefixes of the language (data/lexicon/<lang>/clitics.yaml)."""

    conjunctions: tuple[str, ...]
    prepositions: tuple[str, ...]
    article: str
    lam_article: str
    min_stem: int = 2
    suffixes: tuple[str, ...] = ()
    suffix_endings: tuple[tuple[str, str], ...] = ()
    """(ending, its other form): a stem left ending in the first after a suffix is stripped is tried with the
    second too (ت -> ة)."""
    _forms: BoundedMemo = field(init=False, compare=False, hash=False, repr=False)
    """word -> (readings with pronoun suffixes removed too, the prefix-only readings that lead them)."""

    def __post_init__(self):
        object.__setattr__(self, "_forms", BoundedMemo(self._readings_of))

    def without_conjunction(self, word: str) -> str:
        """The word with an attached conjunction removed ("وتتقدم" -> "تتقدم"), else the word itself."""
        for conj in self.conjunctions:
            if word.startswith(conj) and len(word) - len(conj) >= self.min_stem:
                return word[len(conj):]
        return word

    def is_definite(self, word: str) -> bool:
        """The word carries the article after any attached conjunction and preposition ("والتقدم", "بالهجوم",
        "للقصف")."""
        for bare in {word, self.without_conjunction(word)}:
            if bare.startswith(self.article) or (self.lam_article and bare.startswith(self.lam_article)):
                return True
            if any(bare.startswith(prep + self.article) for prep in self.prepositions):
                return True
        return False

    def readings(self, word: str) -> tuple[tuple[tuple[str, int], ...], int]:
        """All readings of a word (see word_forms) and how many lead them without a suffix removed.

        The prefix-only readings are always the first ones, so one list serves both kinds of lexicon.
        """
        every, prefix_only = self.forms(word)
        return every, len(prefix_only)

    def forms(self, word: str) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]:
        """(all readings of a word, its prefix-only readings), worked out once per word of the run."""
        return self._forms[word]

    def _readings_of(self, word: str) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]:
        every = _word_forms(word, self, True)
        return every, every[:len(_word_forms(word, self, False))]


class Match(NamedTuple):
    """A phrase found in a text (a named tuple: one pass makes hundreds per article)."""

    span: Span
    """Original-text span of the phrase without its attached prefix."""
    norm_start: int
    norm_end: int
    """Normalised-text offsets of the same stretch."""
    token_start: int
    token_end: int
    """Token indices [start, end) of the phrase in the tokenised text."""
    phrase: str
    """The normalised phrase that matched."""
    prefix: str
    """The clitic letters stripped from the first word (e.g. "و", "ب"), empty when none."""
    payload: Any


def word_forms(word: str, clitics: Clitics, *, suffixes: bool = False) -> tuple[tuple[str, int], ...]:
    """The word and its readings with attached prefixes (and, if asked, pronoun suffixes) removed.

    Returns (stem, consumed) pairs, most literal first; `consumed` is how many leading characters of the
    word are clitics and not part of the matched name.
    """
    found = clitics._forms[word]  # the memo read here directly: a hot look-up
    return found[0] if suffixes else found[1]


def _word_forms(word: str, clitics: Clitics, suffixes: bool) -> tuple[tuple[str, int], ...]:
    forms: list[tuple[str, int]] = [(word, 0)]
    seen = {word}

    def add(stem: str, consumed: int):
        if len(stem) >= clitics.min_stem and stem not in seen:
            seen.add(stem)
            forms.append((stem, consumed))

    heads = [(word, 0)]
    for conj in clitics.conjunctions:
        if word.startswith(conj):
            heads.append((word[len(conj):], len(conj)))
            add(word[len(conj):], len(conj))
    for head, used in list(heads):
        if clitics.lam_article and head.startswith(clitics.lam_article):
            # لل + stem is ل + ال + stem: the span starts after both lams
            add(clitics.article + head[len(clitics.lam_article):], used + len(clitics.lam_article))
            add(head[len(clitics.lam_article):], used + len(clitics.lam_article))
        for prep in clitics.prepositions:
            if head.startswith(prep):
                add(head[len(prep):], used + len(prep))
    for stem, used in list(forms):
        if clitics.article and stem.startswith(clitics.article) and word[used:].startswith(clitics.article):
            add(stem[len(clitics.article):], used + len(clitics.article))
    if suffixes:
        for stem, used in list(forms):
            for suffix in clitics.suffixes:
                rest = stem[:-len(suffix)]
                if stem.endswith(suffix) and len(rest) >= 3:
                    add(rest, used)
                    for bound, free in clitics.suffix_endings:
                        if rest.endswith(bound):
                            add(rest[:-len(bound)] + free, used)
    return tuple(forms)


class PhraseMatcher:
    """The phrases of one lexicon family, by first word.

    Phrases are matched word by word; only the first word may carry attached prefixes (and, with
    `suffixes`, pronoun suffixes). Overlapping matches are settled by `prefer_longest_match`.
    """

    def __init__(self, phrases: Iterable[tuple[str, Any]], clitics: Clitics, *, suffixes: bool = False):
        self.clitics = clitics
        self.suffixes = suffixes
        self.by_first: dict[str, list[tuple[tuple[str, ...], Any]]] = {}
        for phrase, payload in phrases:
            words = tuple(normalise_phrase(phrase).split())
            if words:
                self.by_first.setdefault(words[0], []).append((words, payload))
        for entries in self.by_first.values():
            entries.sort(key=lambda e: -len(e[0]))
        self._indexes: dict[tuple[int, ...], PhraseIndex] = {}

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_first.values())

    def index_with(self, *others: PhraseMatcher) -> PhraseIndex:
        """A PhraseIndex of this family and the others (named "0", "1", ... in that order), made once for each
        combination, so that its memo of words serves every text it matches."""
        key = tuple(map(id, others))
        index = self._indexes.get(key)
        if index is None:
            index = self._indexes[key] = PhraseIndex({str(k): m for k, m in enumerate((self, *others))})
        return index

    def find_all(self, norm: NormalisedText, tokens: list[Token] | None = None) -> list[Match]:
        """Every match, overlapping ones included."""
        return self.index_with().scan(norm, tokenize(norm) if tokens is None else tokens)["0"]

    def find(self, norm: NormalisedText, tokens: list[Token] | None = None) -> list[Match]:
        """Non-overlapping matches, longest first, in text order."""
        return prefer_longest_match(self.find_all(norm, tokens))


PhrasesBegun = tuple[tuple[str, int, tuple], ...]
"""The phrases a word begins, each as (family, clitic letters consumed, the phrase's entry in the index). Typed
item by item, so that compiled code unpacks them in place rather than through Python's iteration."""


class PhraseIndex:
    """Every family's phrases in one first-word table: one pass over the tokens finds all their matches.

    Each token's readings are computed once and looked up once; a family's matches come out in the
    order its own matcher would give them.
    """

    def __init__(self, families: dict[str, PhraseMatcher]):
        self.families = dict(families)
        self._names = {id(m): name for name, m in self.families.items()}
        clitics = {m.clitics for m in self.families.values()}
        if len(clitics) > 1:
            raise ValueError("all phrase families of one index must share the same clitics")
        self.clitics = next(iter(clitics), Clitics((), (), "", ""))
        # first word -> (one-word phrases, {second word: longer phrases}); each entry keeps its rank in
        # its family's own order, so that merging the two lists gives the family's matches in that order
        self._by_first: dict[str, tuple[list[tuple], dict[str, list[tuple]]]] = {}
        rank = 0
        for name, matcher in self.families.items():
            for first, entries in matcher.by_first.items():
                singles, by_second = self._by_first.setdefault(first, ([], {}))
                for words, payload in entries:
                    entry = (rank, name, matcher.suffixes, len(words), words[1:], " ".join(words), payload)
                    rank += 1
                    if len(words) == 1:
                        singles.append(entry)
                    else:
                        by_second.setdefault(words[1], []).append(entry)
        self._starts_of = BoundedMemo(self._phrase_starts)
        """word -> its readings that begin a phrase (see _phrase_starts)."""

    def family(self, matcher: PhraseMatcher) -> str:
        """The name a matcher's family has in this index."""
        try:
            return self._names[id(matcher)]
        except KeyError:
            raise KeyError("this phrase matcher is not part of the document's index") from None

    def scan(self, norm: NormalisedText, tokens: list[Token]) -> dict[str, list[Match]]:
        """Every match of every family (overlapping ones included), by family, in token order."""
        words, starts, ends = [t.text for t in tokens], [t.start for t in tokens], [t.end for t in tokens]
        return {name: matches_of(found, norm, words, starts, ends) for name, found in self.hits(words).items()}

    def hits(self, words: Sequence[str]) -> dict[str, list[Hit]]:
        """Where every family's phrases begin in a text of these words (see Hit), by family, in token order: the
        scan without its Matches, which a caller then makes only for the families and the stretch it reads
        (matches_of)."""
        found: dict[str, list[Hit]] = {name: [] for name in self.families}
        words = tuple(words)  # the words after a phrase's first are compared as a tuple
        last = len(words) - 1
        starts_of = self._starts_of
        for i in range(len(words)):
            plan: tuple[PhrasesBegun, dict[str, PhrasesBegun]] | None = starts_of[words[i]]
            if plan is None:  # most words begin no phrase
                continue
            alone, after = plan
            found_here: PhrasesBegun | None = after.get(words[i + 1]) if after and i < last else None
            if found_here is None:
                for family, consumed, entry in alone:
                    found[family].append((i, consumed, entry))
                continue
            for family, consumed, entry in found_here:
                n_words: int = entry[3]
                if n_words > 2 and words[i + 1:i + n_words] != entry[4]:
                    continue
                found[family].append((i, consumed, entry))
        return found

    def _phrase_starts(self, word: str) -> tuple[PhrasesBegun, dict[str, PhrasesBegun]] | None:
        """How a word begins phrases: None when it begins none (most words: the scan skips them with one
        look-up), else (what it begins when the word after it begins no longer phrase with it, and what it begins
        when the word after it is the second word of longer phrases, by that second word). Each is a list of
        (family, clitic letters consumed, entry) in the scan's order: by reading, most literal first, then by
        rank; a phrase of three words or more still needs its further words checked.

        Computed once per distinct word of the run: the scan then reads a word's phrases with one or two
        look-ups. A reading with a suffix removed keeps only the phrases of families that allow it.
        """
        forms, plain = self.clitics.readings(word)
        readings = []
        for k, (stem, consumed) in enumerate(forms):
            node = self._by_first.get(stem)
            if node is None or consumed >= len(word):
                continue
            singles, by_second = node
            if k >= plain:  # a reading with a suffix removed
                singles = [e for e in singles if e[2]]
                by_second = {second: kept for second, entries in by_second.items()
                             if (kept := [e for e in entries if e[2]])}
            if singles or by_second:
                readings.append((consumed, singles, by_second))
        if not readings:
            return None

        def begun(following: str | None) -> PhrasesBegun:
            found = []
            for consumed, singles, by_second in readings:
                longer = by_second.get(following) if following is not None else None
                entries = sorted(singles + longer) if singles and longer else longer or singles
                found += [(entry[1], consumed, entry) for entry in entries]
            return tuple(found)

        seconds = {second for _, _, by_second in readings for second in by_second}
        return begun(None), {second: begun(second) for second in seconds}


Hit = tuple[int, int, tuple]
"""A phrase found at a token, before it is made a Match: (token index, clitic letters consumed at the start of
the word, the phrase's entry in the index: (rank, family, suffixes allowed, words, the words after the first,
phrase, payload)). A plain tuple: an article has hundreds."""


def hit_length(hit: tuple) -> int:
    """How many words the phrase of a Hit spans, read as the int it is (compiled code then adds and compares it
    natively). It takes the hit as a plain tuple: typed as a Hit, compiled code would unpack it at every call."""
    return hit[2][3]


def matches_of(hits: list[Hit], norm: NormalisedText, words: list[str], starts: list[int], ends: list[int],
               start: int = 0, n_start: int = 0, first: int = 0) -> list[Match]:
    """The Matches of hits in a text of these token columns, in the offsets of a stretch of it that begins at
    offset `start` (normalised offset `n_start`, token `first`): a view of a sentence makes its matches straight
    from the article's hits."""
    offsets, original = norm.offsets, norm.original
    found = []
    make = tuple.__new__  # a Match and its Span made without their Python constructors: an article makes hundreds
    last_i = last_consumed = last_n = -1  # the span made last: phrases over the same words share it
    for i, consumed, entry in hits:
        n: int = entry[3]
        if i != last_i or consumed != last_consumed or n != last_n:
            last_i, last_consumed, last_n = i, consumed, n
            a, b = starts[i] + consumed, ends[i + n - 1]
            o_a, o_b = offsets[a], offsets[b - 1] + 1
            span, prefix = make(Span, (o_a - start, o_b - start, original[o_a:o_b])), words[i][:consumed]
            a, b, t_a, t_b = a - n_start, b - n_start, i - first, i + n - first
        found.append(make(Match, (span, a, b, t_a, t_b, entry[5], prefix, entry[6])))
    return found


def prefer_longest_match(matches: list[Match]) -> list[Match]:
    """Keep the longest of overlapping matches (then the earliest); return them in text order.

    A match can only be crowded out by one it overlaps: matches in token order are cut into runs that overlap
    one another, and the choice is made within each run (see _settle).
    """
    if _in_order_without_overlap(matches):
        return list(matches)  # what the choice would keep, in the same order: the common case
    kept: list[Match] = []
    crowded: list[Match] = []
    run: list[Match] = []  # matches that overlap one another
    run_end = 0
    for m in matches:
        if run and m.token_start < run[-1].token_start:
            return sorted(_longest_first(matches), key=_TOKEN_START)  # not in token order: chosen all at once
        if run and m.token_start >= run_end:
            _settle(run, kept, crowded)
            run = []
        run.append(m)
        run_end = max(run_end, m.token_end)
    _settle(run, kept, crowded)
    return sorted(kept + _longest_first(crowded), key=_TOKEN_START) if crowded else kept


def _settle(run: list[Match], kept: list[Match], crowded: list[Match]) -> None:
    """A match alone in its run is kept, so is the better of two (the first of equals, as _longest_first
    chooses); the matches of a longer run are left to be chosen among."""
    if len(run) == 1:
        kept.append(run[0])
    elif len(run) == 2:
        first, second = run
        kept.append(second if _longest_first_order(second) < _longest_first_order(first) else first)
    else:
        crowded += run


_TOKEN_START = attrgetter("token_start")


def _longest_first(matches: list[Match]) -> list[Match]:
    """The longest of overlapping matches chosen first (then the one covering more text, then the earliest)."""
    chosen: list[Match] = []
    taken = bytearray(max(m.token_end for m in matches))  # 1 at each token a chosen match covers
    for m in sorted(matches, key=_longest_first_order):
        if taken.find(1, m.token_start, m.token_end) >= 0:
            continue
        taken[m.token_start:m.token_end] = b"\x01" * (m.token_end - m.token_start)
        chosen.append(m)
    return chosen


def _longest_first_order(m: Match) -> tuple[int, int, int]:
    return -(m.token_end - m.token_start), -(m.norm_end - m.norm_start), m.token_start


def _in_order_without_overlap(matches: list[Match]) -> bool:
    """Each match starts at or after the end of the one before it."""
    end = 0
    for m in matches:
        if m.token_start < end:
            return False
        end = m.token_end
    return True
