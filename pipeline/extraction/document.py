"""One analysed article, built once and read by every stage.

The article is normalised, tokenised, split into sentences and clauses, and matched against every
lexicon family in one pass. Stages read what they need from it, for the whole article or for one
sentence (a TextView), instead of normalising and matching the text again themselves.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from typing import Any, Callable

from pipeline.extraction.matcher import Match, PhraseIndex, PhraseMatcher, prefer_longest_match, word_forms
from pipeline.records import Sentence, Span
from pipeline.extraction.sentences import split_sentences
from pipeline.extraction.textnorm import NormalisedText, Token, normalise, tokenize


@dataclass(frozen=True)
class TextView:
    """A stretch of an article as a stage sees it: normalised text, tokens and matches in the stretch's own offsets.

    It reads exactly as the stretch would if it were analysed on its own, so a stage's rules are the
    same whether it looks at a sentence or at the whole article.
    """

    start: int
    """Article offset of the stretch: a span of the view plus start is a span of the article."""
    norm: NormalisedText
    tokens: list[Token]
    index: PhraseIndex
    _all: Callable[[str], list[Match]] = field(repr=False, compare=False)
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def find_all(self, matcher: PhraseMatcher) -> list[Match]:
        """Every match of the matcher's family, overlapping ones included (as PhraseMatcher.find_all)."""
        key = ("all", self.index.family(matcher))
        if key not in self._memo:
            self._memo[key] = self._all(key[1])
        return self._memo[key]

    def find(self, matcher: PhraseMatcher) -> list[Match]:
        """Non-overlapping matches of the family, longest first, in text order (as PhraseMatcher.find)."""
        key = ("longest", self.index.family(matcher))
        if key not in self._memo:
            found = self.find_all(matcher)
            self._memo[key] = prefer_longest_match(found) if len(found) > 1 else found
        return self._memo[key]


@dataclass(frozen=True)
class Document:
    """An article analysed once: text, normalised text with its offset map, tokens, sentences, matches by family."""

    text: str
    norm: NormalisedText
    tokens: list[Token]
    sentences: tuple[Sentence, ...]
    matches: dict[str, list[Match]]
    """Family name (as in the index) -> every match in the article, in token order."""
    index: PhraseIndex
    _views: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def forms(self, i: int, *, suffixes: bool = False) -> tuple[tuple[str, int], ...]:
        """Token i and its readings with attached clitics removed (see matcher.word_forms)."""
        return word_forms(self.tokens[i].text, self.index.clitics, suffixes=suffixes)

    def derived(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A stage's result for this article, computed on first use (so each stage works once per article)."""
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]

    def view(self, start: int = 0, end: int | None = None) -> TextView:
        """The stretch text[start:end] as a stage sees it."""
        end = len(self.text) if end is None else end
        key = (start, end)
        if key not in self._views:
            self._views[key] = self._make_view(start, end)
        return self._views[key]

    def _make_view(self, start: int, end: int) -> TextView:
        if start == 0 and end == len(self.text):
            return TextView(0, self.norm, self.tokens, self.index, self.matches.__getitem__)
        offsets = self.norm.offsets
        n_start, n_end = bisect_left(offsets, start), bisect_left(offsets, end)
        starts = self._token_starts()
        first, last = bisect_left(starts, n_start), bisect_left(starts, n_end)
        cut_first = first > 0 and self.tokens[first - 1].end > n_start
        cut_last = last > first and self.tokens[last - 1].end > n_end
        if cut_first or cut_last:
            return _standalone_view(self.text[start:end], start, self.index)
        norm = NormalisedText(self.text[start:end], self.norm.text[n_start:n_end],
                              tuple(o - start for o in offsets[n_start:n_end]))
        tokens = [Token(t.text, t.start - n_start, t.end - n_start) for t in self.tokens[first:last]]
        # the view holds its own match lists, not the document: no reference cycle, so an article's
        # analysis is freed as soon as it is done with, without waiting for the garbage collector
        starts, every = self._matches_by_token()
        inside: dict[str, list[Match]] = {}
        for _, family, m in every[bisect_left(starts, first):bisect_left(starts, last)]:
            if m.token_end <= last:
                inside.setdefault(family, []).append(
                    Match(Span(m.span.start - start, m.span.end - start, m.span.text), m.norm_start - n_start,
                          m.norm_end - n_start, m.token_start - first, m.token_end - first, m.phrase, m.prefix,
                          m.payload))
        return TextView(start, norm, tokens, self.index, partial(_listed, inside))

    def _token_starts(self) -> list[int]:
        if "token starts" not in self._derived:
            self._derived["token starts"] = [t.start for t in self.tokens]
        return self._derived["token starts"]

    def _matches_by_token(self) -> tuple[list[int], list[tuple[int, str, Match]]]:
        """Every family's matches in one list by first token (a family's own order kept), and their first tokens."""
        if "matches by token" not in self._derived:
            every = sorted(((m.token_start, family, m) for family, ms in self.matches.items() for m in ms),
                           key=itemgetter(0))
            self._derived["matches by token"] = ([k for k, _, _ in every], every)
        return self._derived["matches by token"]


def _listed(matches: dict[str, list[Match]], family: str) -> list[Match]:
    return matches.get(family, [])


def _standalone_view(text: str, start: int, index: PhraseIndex) -> TextView:
    """A stretch whose edges cut a word of the article: analysed on its own, as a stage would have done."""
    norm = normalise(text)
    tokens = tokenize(norm)
    return TextView(start, norm, tokens, index, index.scan(norm, tokens).__getitem__)


def analyse(text: str, index: PhraseIndex, sentence_rules=None) -> Document:
    """Normalise, tokenise, split (when sentence rules are given) and match an article, once."""
    norm = normalise(text)
    tokens = tokenize(norm)
    sentences = tuple(split_sentences(text, sentence_rules)) if sentence_rules is not None else ()
    return Document(text, norm, tokens, sentences, index.scan(norm, tokens), index)


def document_for(text: str, *matchers: PhraseMatcher, sentence_rules=None) -> Document:
    """A document matched against only the given families: for a stage called on a bare text."""
    return analyse(text, PhraseIndex({str(k): m for k, m in enumerate(matchers)}), sentence_rules)
