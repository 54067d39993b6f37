"""Sentences and clauses of Arabic news copy: newlines, run-ons such as "., ", quotes, repeated captions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Final

from pipeline.extraction.positions import offset_left
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
_SPACES: Final = re.escape("".join(ch for ch in map(chr, range(_FLAGGED_ABOVE + 1)) if ch.isspace()))
"""Every whitespace character (what `\\s` matches in a text pattern), escaped for a character class."""


@dataclass(frozen=True)
class SentenceRules:
    sentence_ends: str
    """Marks that end a sentence (possibly doubled, possibly followed by a comma) before a space or a line end."""
    commas: str
    """A comma right after a sentence end belongs to it (a ".," run-on); none begins a sentence."""
    flags: bytes
    """Code point -> its _ENDS and _SPACE flags (0 for a code point past the table)."""
    clause_split: re.Pattern
    heading_max_words: int
    max_chars: int = 2000
    """A longer run without a sentence end is cut at its last comma or space before this many characters."""


@lru_cache(maxsize=None)
def load_sentence_rules(lexicon_dir: Path) -> SentenceRules:
    data = load_yaml(lexicon_dir / "sentences.yaml")
    ends, commas = "".join(data["sentence_end"]), "".join(data["commas"])
    clause_split = re.compile(_clause_split(data["clause_punctuation"], data["opener_conjunction"],
                                            data["clause_openers"]))
    return SentenceRules(ends, commas, _flag_table(ends), clause_split, int(data.get("heading_max_words", 14)),
                         int(data.get("sentence_max_chars", 2000)))


def _clause_split(punctuation: list[str], conjunction: str, openers: list[str]) -> str:
    """A clause ends at a punctuation mark, or at the space before an opener word (the conjunction allowed before it).

    Every match begins with a punctuation mark's first character or a space (the rest of the mark, or the
    opener, is checked after it), so that the search skips from one such character to the next instead of
    trying every position of the sentence. The space taken before an opener is trimmed from the clauses.
    Marks with the same rest are one branch and openers are grouped by their first letter: most spaces
    are followed by no mark and no opener, and they are rejected after a few comparisons. Whitespace is
    the set `\\s` stands for, spelled out (`_SPACES`): the engine then tests a character against a table,
    not with a call per character (the search took half the time).
    """
    firsts = "".join(sorted({re.escape(p[0]) for p in punctuation}))
    by_rest: dict[str, set[str]] = {}
    for p in punctuation:
        by_rest.setdefault(p[1:], set()).add(re.escape(p[0]))
    marks = "".join(f"(?<=[{''.join(sorted(chars))}]){re.escape(rest)}|" for rest, chars in by_rest.items())
    space = f"[{_SPACES}]"
    return (rf"[{firsts}{_SPACES}](?:{marks}(?<={space})"
            rf"(?=(?:{re.escape(conjunction)}{space}*)?{_by_first_letter(openers)}(?:{space}|$)))")


def _by_first_letter(words: list[str]) -> str:
    """The words as one alternation grouped by first letter, longest first: (?:ب(?:ينما|عد أن)|...)."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "(?:" + "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items()) + ")"


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


def _clauses(text: str, start: int, rules: SentenceRules) -> tuple[Span, ...]:
    """The stretches between clause splits, without their edge spaces (every split takes a character: the
    stretches are what lies between one split's end and the next one's start)."""
    out, pos = [], 0
    for m in chain(rules.clause_split.finditer(text), (None,)):
        piece = text[pos:m.start() if m else len(text)]
        clause = piece.strip()
        if clause:
            a = start + pos + len(piece) - len(piece.lstrip())
            out.append(tuple.__new__(Span, (a, a + len(clause), clause)))  # without the named tuple's constructor
        if m:
            pos = m.end()
    return tuple(out)


def split_sentences(text: str, rules: SentenceRules, norm: NormalisedText | None = None) -> list[Sentence]:
    """Split an article into sentences (with clauses); a line repeated verbatim (a caption shown twice) is kept once.

    `norm`, the article's normalised text when it is at hand, gives each line's normalised form by slicing
    (the same as normalising the line again: normalisation goes character by character).
    """
    sentences: list[Sentence] = []
    seen_lines: set[str] = set()
    paragraph = -1
    for line in _LINE.finditer(text):
        line_text = line.group()
        if norm is None:
            key = normalise_phrase(line_text)
        else:
            offsets = norm.offsets
            key = " ".join(norm.text[offset_left(offsets, line.start()):offset_left(offsets, line.end())].split())
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
                                              _clauses(line_text[a:b], start, rules)))
            pos = end
    return sentences


def is_heading(sentence: Sentence, text: str, rules: SentenceRules) -> bool:
    """A short line with no sentence-ending mark: a title, crosshead or caption."""
    line_start = text.rfind("\n", 0, sentence.start) + 1
    line_end = text.find("\n", sentence.end)
    line = text[line_start:len(text) if line_end < 0 else line_end].strip()
    limit = rules.heading_max_words  # a line of more words is split no further than one past the limit
    return not sentence_ends(line[-2:] + " ", rules) and len(line.split(None, limit)) <= limit
