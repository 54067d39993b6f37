"""One analysed article, built once and read by every stage.

The article is normalised, tokenised, split into sentences and clauses, and matched against every
lexicon family in one pass. Stages read what they need from it, for the whole article or for one
sentence (a TextView), instead of normalising and matching the text again themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import repeat
from operator import sub
from typing import Any, Callable

from pipeline.extraction.matcher import (Hit, Match, PhraseIndex, PhraseMatcher, hit_length, matches_of,
                                         prefer_longest_match, word_forms)
from pipeline.extraction.positions import bisect_left, bisect_right
from pipeline.records import Sentence
from pipeline.extraction.sentences import split_sentences
from pipeline.extraction.textnorm import NormalisedText, Token, normalise, tokenize_columns


class TextView:
    """A stretch of an article as a stage sees it: normalised text, tokens and matches in the stretch's own offsets.

    It reads exactly as the stretch would if it were analysed on its own, so a stage's rules are the
    same whether it looks at a sentence or at the whole article. Its normalised text and its tokens are each
    cut out of the article's when a stage first reads them (most stages read only its matches and tokens).
    """

    def __init__(self, start: int, index: PhraseIndex, family_matches: Callable[[str], list[Match]],
                 cut_norm: Callable[[], NormalisedText], cut_tokens: Callable[[], list[Token]]):
        self.start = start
        """Article offset of the stretch: a span of the view plus start is a span of the article."""
        self.index = index
        self._family_matches = family_matches
        self._cut_norm, self._cut_tokens = cut_norm, cut_tokens
        self._every: dict[PhraseMatcher, list[Match]] = {}
        """Matcher -> its family's matches in the view, overlapping ones included (made on first use)."""
        self._longest: dict[PhraseMatcher, list[Match]] = {}
        """Matcher -> its family's non-overlapping matches (made on first use)."""
        # cut on first use, kept in plain attributes (functools.cached_property needs an instance __dict__, which a
        # compiled class has not)
        self._norm: NormalisedText | None = None
        self._tokens: list[Token] | None = None

    @property
    def norm(self) -> NormalisedText:
        if self._norm is None:
            self._norm = self._cut_norm()
        return self._norm

    @property
    def tokens(self) -> list[Token]:
        if self._tokens is None:
            self._tokens = self._cut_tokens()
        return self._tokens

    def find_all(self, matcher: PhraseMatcher) -> list[Match]:
        """Every match of the matcher's family, overlapping ones included (as PhraseMatcher.find_all)."""
        found = self._every.get(matcher)
        if found is None:
            found = self._every[matcher] = self._family_matches(self.index.family(matcher))
        return found

    def find(self, matcher: PhraseMatcher) -> list[Match]:
        """Non-overlapping matches of the family, longest first, in text order (as PhraseMatcher.find)."""
        found = self._longest.get(matcher)
        if found is None:
            every = self.find_all(matcher)
            found = self._longest[matcher] = prefer_longest_match(every) if len(every) > 1 else every
        return found


class FamilyMatches(Mapping):
    """Family name -> every match of the family in the article, in token order; a family's Matches are made from
    its hits on first use (a family no stage reads whole is never made: sentence views make their own).

    It holds what a view is cut from (the normalised text, the token columns, the hits), and never the document,
    so that the views a document keeps make no reference cycle: an article's analysis is freed as soon as it is
    done with, without waiting for the garbage collector.
    """

    def __init__(self, hits: dict[str, list[Hit]], norm: NormalisedText, tokens: list[Token], words: list[str],
                 starts: list[int], ends: list[int]):
        self.hits = hits
        self.norm = norm
        self.tokens = tokens
        self.columns = words, starts, ends
        self._made: dict[str, list[Match]] = {}
        self._first_tokens: dict[str, list[int]] = {}

    def __getitem__(self, family: str) -> list[Match]:
        found = self._made.get(family)
        if found is None:
            words, starts, ends = self.columns  # passed one by one: a call with *columns is a generic call
            found = self._made[family] = matches_of(self.hits[family], self.norm, words, starts, ends)
        return found

    def __iter__(self):
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def first_tokens(self, family: str) -> list[int]:
        """The first token of each of the family's hits, in their (token) order."""
        firsts = self._first_tokens.get(family)
        if firsts is None:
            firsts = self._first_tokens[family] = [hit[0] for hit in self.hits[family]]
        return firsts

    def hits_within(self, family: str, first: int, last: int) -> list[Hit]:
        """The family's hits lying wholly within tokens [first, last), in its own order.

        A family's hits are in token order, so the hits starting in a token range are one slice of its list.
        """
        firsts = self.first_tokens(family)
        lo = bisect_left(firsts, first)
        hi = bisect_left(firsts, last, lo)
        if lo == hi:
            return []
        return [hit for hit in self.hits[family][lo:hi] if hit[0] + hit_length(hit) <= last]  # ends inside

    def within(self, first: int, last: int, start: int, n_start: int, family: str) -> list[Match]:
        """The family's matches lying wholly within tokens [first, last), in its own order, in the offsets of a
        view starting at article offset `start` (normalised offset `n_start`)."""
        inside = self.hits_within(family, first, last)
        if not inside:
            return []
        words, starts, ends = self.columns
        return matches_of(inside, self.norm, words, starts, ends, start, n_start, first)

    def cut_norm(self, start: int, end: int, n_start: int, n_end: int) -> NormalisedText:
        """The normalised text of the stretch [start, end) (normalised offsets [n_start, n_end)), its offset map
        in the stretch's own offsets."""
        norm = self.norm
        return NormalisedText(norm.original[start:end], norm.text[n_start:n_end],
                              list(map(sub, norm.offsets[n_start:n_end], repeat(start))))

    def cut_tokens(self, first: int, last: int, n_start: int) -> list[Token]:
        """Tokens [first, last) in the normalised offsets of a stretch starting at normalised offset n_start."""
        words, starts, ends = self.columns
        moved = zip(words[first:last], map(sub, starts[first:last], repeat(n_start)),
                    map(sub, ends[first:last], repeat(n_start)))
        return list(map(tuple.__new__, repeat(Token), moved))  # Tokens made without their Python constructor


@dataclass(frozen=True)
class Document:
    """An article analysed once: text, normalised text with its offset map, tokens, sentences, matches by family."""

    text: str
    norm: NormalisedText
    tokens: list[Token]
    gaps: list[str]
    """gaps[i]: the normalised text before token i; gaps[-1]: the text after the last token."""
    sentences: tuple[Sentence, ...]
    matches: FamilyMatches
    """Family name (as in the index) -> every match in the article, in token order."""
    index: PhraseIndex
    _views: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def token_columns(self) -> tuple[list[str], list[int], list[int]]:
        """The tokens' words, normalised starts and ends, as three columns (for look-ups, bisection, slicing)."""
        return self.matches.columns

    def forms(self, i: int, *, suffixes: bool = False) -> tuple[tuple[str, int], ...]:
        """Token i and its readings with attached clitics removed (see matcher.word_forms)."""
        return word_forms(self.tokens[i].text, self.index.clitics, suffixes=suffixes)

    def token_at(self, offset: int) -> int | None:
        """The index of the token whose original characters include the article offset, else None."""
        offsets = self.norm.offsets
        _, starts, ends = self.matches.columns
        last_char = bisect_right(offsets, offset) - 1  # the last normalised character at or before the offset
        k = bisect_right(starts, last_char) - 1
        return k if k >= 0 and offset <= offsets[ends[k] - 1] else None

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
        """The stretch cut out of the article's analysis: its matches (only when a stage asks for their family),
        normalised text and tokens (only when a stage reads them) moved by where it starts."""
        table = self.matches
        if start == 0 and end == len(self.text):
            norm, tokens = self.norm, self.tokens
            return TextView(0, self.index, table.__getitem__, lambda: norm, lambda: tokens)
        _, starts, ends = table.columns
        stretch = token_stretch(self.norm.offsets, starts, ends, start, end)
        if stretch is None:
            return _standalone_view(self.text[start:end], start, self.index)
        first, last, n_start, n_end = stretch
        return TextView(start, self.index, partial(table.within, first, last, start, n_start),
                        partial(table.cut_norm, start, end, n_start, n_end),
                        partial(table.cut_tokens, first, last, n_start))


def token_stretch(offsets: list[int], token_starts: list[int], token_ends: list[int], start: int,
                  end: int) -> tuple[int, int, int, int] | None:
    """Tokens [first, last) and normalised offsets [n_start, n_end) of the original-text stretch [start, end);
    None when its edges cut a word (such a stretch is analysed on its own)."""
    n_start, n_end = bisect_left(offsets, start), bisect_left(offsets, end)
    first, last = bisect_left(token_starts, n_start), bisect_left(token_starts, n_end)
    if (first > 0 and token_ends[first - 1] > n_start) or (last > first and token_ends[last - 1] > n_end):
        return None
    return first, last, n_start, n_end


def _standalone_view(text: str, start: int, index: PhraseIndex) -> TextView:
    """A stretch whose edges cut a word of the article: analysed on its own, as a stage would have done."""
    norm = normalise(text)
    tokens, words, starts, ends, _ = tokenize_columns(norm)
    matches = FamilyMatches(index.hits(words), norm, tokens, words, starts, ends)
    return TextView(start, index, matches.__getitem__, lambda: norm, lambda: tokens)


def analyse(text: str, index: PhraseIndex, sentence_rules=None) -> Document:
    """Normalise, tokenise, split (when sentence rules are given) and match an article, once."""
    norm = normalise(text)
    tokens, words, starts, ends, gaps = tokenize_columns(norm)
    sentences = tuple(split_sentences(text, sentence_rules, norm)) if sentence_rules is not None else ()
    matches = FamilyMatches(index.hits(words), norm, tokens, words, starts, ends)
    return Document(text, norm, tokens, gaps, sentences, matches, index)


def document_for(text: str, *matchers: PhraseMatcher, sentence_rules=None) -> Document:
    """A document matched against only the given families: for a stage called on a bare text."""
    index = matchers[0].index_with(*matchers[1:]) if matchers else PhraseIndex({})
    return analyse(text, index, sentence_rules)
