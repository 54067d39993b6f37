"""Some phrase families' matches in an analysed article, cut per sentence by bisection.

A stage that reads every sentence of an article takes each sentence's matches from the article's hits
instead of from a view of the sentence: the same matches (a view keeps those lying wholly inside it), in the
article's token indices and offsets, made only for the sentences a stage reads, with no tokens copied.
"""

from __future__ import annotations

from pipeline.extraction.document import Document, analyse, token_stretch
from pipeline.extraction.matcher import Hit, Match, PhraseMatcher, matches_of, prefer_longest_match


class ArticleMatches:
    """Family name -> its matches in an analysed text, by token range, and the token range of a stretch of it."""

    def __init__(self, doc: Document, families: dict[str, PhraseMatcher], offset: int = 0):
        self.norm = doc.norm
        self.tokens = doc.tokens
        self.offset = offset
        """Article offset of the text (not 0 for a stretch read on its own)."""
        self.columns = doc.token_columns
        """The tokens' words, normalised starts and ends."""
        _, self.token_starts, self.token_ends = self.columns
        self.names = tuple(families)
        """The families' names."""
        # the document's matches, not the document: kept in doc.derived, this makes no reference cycle
        self._matches = doc.matches
        self._family = {name: doc.index.family(matcher) for name, matcher in families.items()}
        """Each family's name in the document's index."""
        self._settled: dict[tuple[str, int, int], list[Match]] = {}

    @classmethod
    def of_stretch(cls, doc: Document, families: dict[str, PhraseMatcher], start: int, end: int) -> ArticleMatches:
        """The stretch doc.text[start:end] read on its own (as Document.view reads a stretch whose edges cut a word)."""
        return cls(analyse(doc.text[start:end], doc.index), families, start)

    def hits(self, name: str) -> tuple[list[Hit], list[int]]:
        """The family's hits in token order and their first tokens."""
        family = self._family[name]
        return self._matches.hits[family], self._matches.first_tokens(family)

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """Tokens [first, last) of the original-text stretch [start, end), or None when its edges cut a word
        (such a stretch is read on its own: of_stretch)."""
        stretch = token_stretch(self.norm.offsets, self.token_starts, self.token_ends, start, end)
        return stretch[:2] if stretch else None

    def every(self, name: str, first: int, last: int) -> list[Match]:
        """The family's matches lying wholly within tokens [first, last), overlapping ones included."""
        inside = self._matches.hits_within(self._family[name], first, last)
        if not inside:
            return []
        words, starts, ends = self.columns  # passed one by one: a call with *columns is a generic call
        return matches_of(inside, self.norm, words, starts, ends)

    def settled(self, name: str, first: int, last: int) -> list[Match]:
        """The family's matches within tokens [first, last) with overlaps settled, as TextView.find gives them
        (made once: stages read a sentence's actors twice)."""
        key = (name, first, last)
        found = self._settled.get(key)
        if found is None:
            inside = self.every(name, first, last)
            found = self._settled[key] = prefer_longest_match(inside) if len(inside) > 1 else inside
        return found
