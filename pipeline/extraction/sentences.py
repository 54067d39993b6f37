"""Sentences and clauses of Arabic news copy: newlines, run-ons such as "., ", quotes, repeated captions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from pipeline.errors import DataFileError
from pipeline.extraction.positions import bisect_left
from pipeline.records import Sentence, Span
from pipeline.resources import load_yaml
from pipeline.extraction.textnorm import NormalisedText, code_point_value, normalise_phrase


_LINE = re.compile(r"[^\n]+")
_WORD_CHARACTER = re.compile(r"\w")

_ENDS: Final = 1
_SPACE: Final = 2
"""Flags of a character: a sentence end mark, whitespace."""
_FLAGGED_ABOVE: Final = 0x3000
"""The last whitespace code point: the flag table reaches at least this far."""


@dataclass(frozen=True)
class SentenceRules:
    sentence_ends: str
    """Marks that end a sentence (possibly doubled, possibly followed by a comma) before a space or a line end."""
    commas: str
    """A comma right after a sentence end belongs to it (a ".," run-on); none begins a sentence."""
    flags: bytes
    """Code point -> its _ENDS and _SPACE flags (0 for a code point past the table)."""
    clause_marks: tuple[tuple[str, int], ...]
    """Clause punctuation: each mark and the rank of its kind (marks alike but for their first character are one
    kind); where two could split at one place, the kind listed first does."""
    opener_conjunction: str
    clause_openers: tuple[str, ...]
    """Words that open a clause at the space before them (the conjunction and spaces allowed between the two)."""
    heading_max_words: int
    max_chars: int = 2000
    """A longer run without a sentence end is cut at its last comma or space before this many characters."""


@lru_cache(maxsize=None)
def load_sentence_rules(lexicon_dir: Path) -> SentenceRules:
    path = lexicon_dir / "sentences.yaml"
    data = load_yaml(path)
    ends, commas = "".join(data["sentence_end"]), "".join(data["commas"])
    kinds: dict[str, int] = {}
    marks = tuple((mark, kinds.setdefault(mark[1:], len(kinds))) for mark in data["clause_punctuation"])
    conjunction, openers = str(data["opener_conjunction"]), tuple(map(str, data["clause_openers"]))
    if not all(mark for mark, _ in marks) or any(not word or word != word.strip() for word in (conjunction, *openers)):
        raise DataFileError(path, "clause punctuation must not be empty, and the clause openers and their conjunction"
                                  " must be words without spaces at their edges")
    return SentenceRules(ends, commas, _flag_table(ends), marks, conjunction, openers,
                         int(data.get("heading_max_words", 14)), int(data.get("sentence_max_chars", 2000)))


def _flag_table(ends: str) -> bytes:
    table = bytearray(max(_FLAGGED_ABOVE, *map(ord, ends)) + 1)
    for cp in range(len(table)):
        if chr(cp).isspace():
            table[cp] = _SPACE
    for ch in ends:
        table[ord(ch)] |= _ENDS
    return bytes(table)


def sentence_ends(line: str, rules: SentenceRules) -> list[int]:
    """Where the sentences of a line end: after a run of end marks before a space or the end of the line, or
    after a comma following the run (spaces allowed before it) before a space or the end of the line."""
    found: list[int] = []
    flags = rules.flags
    n, i = len(line), 0
    while i < n:
        if not code_point_value(line, i, flags) & _ENDS:
            i += 1
            continue
        j = i + 1
        while j < n and code_point_value(line, j, flags) & _ENDS:
            j += 1
        k = j
        while k < n and code_point_value(line, k, flags) & _SPACE:
            k += 1
        if k < n and line[k] in rules.commas and (k + 1 == n or code_point_value(line, k + 1, flags) & _SPACE):
            found.append(k + 1)
            i = k + 1
        else:
            if j == n or code_point_value(line, j, flags) & _SPACE:
                found.append(j)
            i = j
    return found


def _pieces(line: str, a: int, b: int, limit: int, commas: str):
    """[a, b) in stretches of at most `limit` characters, cut after a comma, else at a space, else anywhere:
    a line with no sentence end (a pasted table, a run-on) costs time in proportion to its length."""
    while b - a > limit:
        window = line[a:a + limit]
        cut = max(map(window.rfind, commas), default=-1)
        cut = cut + 1 if cut > 0 else window.rfind(" ")
        cut = cut if cut > 0 else limit
        yield a, a + cut
        a += cut
        while a < b and line[a].isspace():
            a += 1
    yield a, b


def _clause_splits(text: str, marks: tuple[tuple[str, int], ...], openers: tuple[str, ...],
                   rules: SentenceRules) -> list[tuple[int, int]]:
    """Where a sentence's clauses split, [start, end) each, in text order: a punctuation mark, or the space before
    an opener (the conjunction and spaces allowed between them) followed by a space or the sentence's end.

    The rule as a pattern tried at each character from left to right: at a place the first kind of split that
    applies there (marks in their order, then openers), then on from its end. The candidates are found by one
    fast search (str.find) for each mark and opener the article holds, not by trying every space of the sentence.
    """
    found: list[tuple[int, int, int]] = []
    for mark, rank in marks:
        i = text.find(mark)
        while i >= 0:
            found.append((i, rank, i + len(mark)))
            i = text.find(mark, i + 1)
    opener_rank, conjunction, n = len(rules.clause_marks), rules.opener_conjunction, len(text)
    for word in openers:
        q = text.find(word)
        while q >= 0:
            if q + len(word) == n or text[q + len(word)].isspace():
                if q > 0 and text[q - 1].isspace():
                    found.append((q - 1, opener_rank, q))
                k = q
                while k > 0 and text[k - 1].isspace():
                    k -= 1
                c = k - len(conjunction)
                if c > 0 and text.startswith(conjunction, c) and text[c - 1].isspace():
                    found.append((c - 1, opener_rank, c))
            q = text.find(word, q + 1)
    found.sort()
    splits: list[tuple[int, int]] = []
    end = 0
    for start, _, stop in found:
        if start >= end:
            splits.append((start, stop))
            end = stop
    return splits


def _clauses(text: str, start: int, marks: tuple[tuple[str, int], ...], openers: tuple[str, ...],
             rules: SentenceRules) -> tuple[Span, ...]:
    """The stretches between clause splits, without their edge spaces (every split takes a character: the
    stretches are what lies between one split's end and the next one's start)."""
    out, pos = [], 0
    for split_start, split_end in [*_clause_splits(text, marks, openers, rules), (len(text), len(text))]:
        piece = text[pos:split_start]
        clause = piece.strip()
        if clause:
            a = start + pos + len(piece) - len(piece.lstrip())
            out.append(tuple.__new__(Span, (a, a + len(clause), clause)))  # without the named tuple's constructor
        pos = split_end
    return tuple(out)


def split_sentences(text: str, rules: SentenceRules, norm: NormalisedText | None = None) -> list[Sentence]:
    """Split an article into sentences (with clauses); a line repeated verbatim (a caption shown twice) is kept once.

    `norm`, the article's normalised text when it is at hand, gives each line's normalised form by slicing
    (the same as normalising the line again: normalisation goes character by character).
    """
    sentences: list[Sentence] = []
    seen_lines: set[str] = set()
    marks = tuple(m for m in rules.clause_marks if m[0] in text)  # what is not in the article is in no sentence
    openers = tuple(word for word in rules.clause_openers if word in text)
    paragraph = -1
    for line in _LINE.finditer(text):
        line_text = line.group()
        if norm is None:
            key = normalise_phrase(line_text)
        else:
            offsets = norm.offsets
            key = " ".join(norm.text[bisect_left(offsets, line.start()):bisect_left(offsets, line.end())].split())
        if not key:
            continue
        if key in seen_lines:
            continue
        seen_lines.add(key)
        paragraph += 1
        pos = 0
        for end in [*sentence_ends(line_text, rules), len(line_text)]:
            a, b = pos, end
            while a < b and (line_text[a].isspace() or line_text[a] in rules.commas):
                a += 1
            while b > a and line_text[b - 1].isspace():
                b -= 1
            for a, b in _pieces(line_text, a, b, rules.max_chars, rules.commas):
                while b > a and line_text[b - 1].isspace():
                    b -= 1
                if b > a and _WORD_CHARACTER.search(line_text, a, b):
                    start = line.start() + a
                    sentences.append(Sentence(len(sentences), paragraph, start, start + b - a, line_text[a:b],
                                              _clauses(line_text[a:b], start, marks, openers, rules)))
            pos = end
    return sentences


def is_heading(sentence: Sentence, text: str, rules: SentenceRules) -> bool:
    """A short line with no sentence-ending mark: a title, crosshead or caption."""
    line_start = text.rfind("\n", 0, sentence.start) + 1
    line_end = text.find("\n", sentence.end)
    line = text[line_start:len(text) if line_end < 0 else line_end].strip()
    limit = rules.heading_max_words  # a line of more words is split no further than one past the limit
    return not sentence_ends(line[-2:] + " ", rules) and len(line.split(None, limit)) <= limit
