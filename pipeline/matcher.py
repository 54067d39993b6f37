"""One generic phrase matcher over normalised Arabic: token trie, attached clitics, longest match wins.

Places, event triggers, actors, number words and date words all compile their lexicon into a
PhraseMatcher; the matcher knows nothing about what the phrases mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from pipeline.records import Span
from pipeline.textnorm import NormalisedText, Token, normalise_phrase, tokenize


@dataclass(frozen=True)
class Clitics:
    """Attached prefixes of the language (data/lexicon/<lang>/clitics.yaml)."""

    conjunctions: tuple[str, ...]
    prepositions: tuple[str, ...]
    article: str
    lam_article: str
    min_stem: int = 2
    suffixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """A phrase found in a text."""

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


@lru_cache(maxsize=200_000)
def word_forms(word: str, clitics: Clitics, *, suffixes: bool = False) -> tuple[tuple[str, int], ...]:
    """The word and its readings with attached prefixes (and, if asked, pronoun suffixes) removed.

    Returns (stem, consumed) pairs, most literal first; `consumed` is how many leading characters of the
    word are clitics and not part of the matched name.
    """
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
                    if rest.endswith("ت"):
                        add(rest[:-1] + "ه", used)
    return tuple(forms)


class PhraseMatcher:
    """Finds lexicon phrases in normalised text.

    Phrases are matched word by word; only the first word may carry attached prefixes. Overlapping
    matches are settled by `prefer_longest_match`.
    """

    def __init__(self, phrases: Iterable[tuple[str, Any]], clitics: Clitics, *, suffixes: bool = False):
        self.clitics = clitics
        self.suffixes = suffixes
        self._by_first: dict[str, list[tuple[tuple[str, ...], Any]]] = {}
        for phrase, payload in phrases:
            words = tuple(normalise_phrase(phrase).split())
            if words:
                self._by_first.setdefault(words[0], []).append((words, payload))
        for entries in self._by_first.values():
            entries.sort(key=lambda e: -len(e[0]))

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_first.values())

    def find_all(self, norm: NormalisedText, tokens: list[Token] | None = None) -> list[Match]:
        """Every match, overlapping ones included."""
        tokens = tokenize(norm) if tokens is None else tokens
        words = [t.text for t in tokens]
        found: list[Match] = []
        for i, tok in enumerate(tokens):
            for stem, consumed in word_forms(tok.text, self.clitics, suffixes=self.suffixes):
                for phrase_words, payload in self._by_first.get(stem, ()):
                    n = len(phrase_words)
                    if tuple(words[i + 1:i + n]) != phrase_words[1:]:
                        continue
                    if consumed >= len(tok.text):
                        continue
                    n_start = tok.start + consumed
                    n_end = tokens[i + n - 1].end
                    o_start, o_end = norm.to_original(n_start, n_end)
                    found.append(Match(Span(o_start, o_end, norm.original[o_start:o_end]), n_start, n_end,
                                       i, i + n, " ".join(phrase_words), tok.text[:consumed], payload))
        return found

    def find(self, norm: NormalisedText, tokens: list[Token] | None = None) -> list[Match]:
        """Non-overlapping matches, longest first, in text order."""
        return prefer_longest_match(self.find_all(norm, tokens))


def prefer_longest_match(matches: list[Match]) -> list[Match]:
    """Keep the longest of overlapping matches (then the earliest); return them in text order."""
    chosen: list[Match] = []
    taken: set[int] = set()
    for m in sorted(matches, key=lambda m: (-(m.token_end - m.token_start), -(m.norm_end - m.norm_start), m.token_start)):
        cells = set(range(m.token_start, m.token_end))
        if cells & taken:
            continue
        taken |= cells
        chosen.append(m)
    return sorted(chosen, key=lambda m: m.token_start)
