"""Some phrase families' matches in an analysed text, cut per sentence by bisection.

A stage that reads every sentence of an article takes each sentence's matches from the article's lists,
made once, instead of from a view of the sentence: the same matches (a view keeps those lying wholly inside
it), in the article's token indices and offsets, with no tokens or matches copied per sentence.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Callable

from pipeline.extraction.document import Document, TextView, token_stretch
from pipeline.extraction.matcher import Match, PhraseMatcher, prefer_longest_match
from pipeline.extraction.textnorm import NormalisedText, Token


class ArticleMatches:
    """Family name -> its matches in a text (overlapping ones included, in token order), each family's made on
    first use, and the token range of a stretch of the text."""

    def __init__(self, norm: NormalisedText, tokens: list[Token], find_all: Callable[[str], list[Match]],
                 offset: int = 0, names: tuple[str, ...] = ()):
        self.norm = norm
        self.tokens = tokens
        self.offset = offset
        """Article offset of the text (not 0 for a stretch read on its own)."""
        self.token_starts = [t.start for t in tokens]
        self.token_ends = [t.end for t in tokens]
        self.names = names
        """The families' names."""
        self._find_all = find_all
        self._families: dict[str, tuple[list[Match], list[int]]] = {}

    @classmethod
    def of_document(cls, doc: Document, families: dict[str, PhraseMatcher]) -> ArticleMatches:
        # the document's match table, not the document: kept in doc.derived, this makes no reference cycle
        matches, index = doc.matches, doc.index
        return cls(doc.norm, doc.tokens, lambda name: matches[index.family(families[name])], 0, tuple(families))

    @classmethod
    def of_view(cls, view: TextView, families: dict[str, PhraseMatcher]) -> ArticleMatches:
        return cls(view.norm, view.tokens, lambda name: view.find_all(families[name]), view.start, tuple(families))

    def family(self, name: str) -> tuple[list[Match], list[int]]:
        """The family's matches in token order and their first tokens."""
        found = self._families.get(name)
        if found is None:
            matches = self._find_all(name)
            found = self._families[name] = (matches, [m.token_start for m in matches])
        return found

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """Tokens [first, last) of the original-text stretch [start, end), or None when its edges cut a word
        (such a stretch is read on its own, as Document.view does)."""
        stretch = token_stretch(self.norm.offsets, self.token_starts, self.token_ends, start, end)
        return stretch[:2] if stretch else None

    def every(self, name: str, first: int, last: int) -> list[Match]:
        """The family's matches lying wholly within tokens [first, last), overlapping ones included."""
        matches, starts = self.family(name)
        lo = bisect_left(starts, first)
        if lo == len(starts) or starts[lo] >= last:
            return []
        return [m for m in matches[lo:bisect_left(starts, last, lo)] if m.token_end <= last]

    def settled(self, name: str, first: int, last: int) -> list[Match]:
        """The family's matches within tokens [first, last) with overlaps settled, as TextView.find gives them."""
        inside = self.every(name, first, last)
        return prefer_longest_match(inside) if len(inside) > 1 else inside
