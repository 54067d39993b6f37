"""Arabic normalisation for matching, with a map from every normalised character back to the original.

Matching runs on the normalised copy (alef and hamza forms folded, teh marbuta to heh, alef maksura to
yeh, diacritics and tatweel removed, Arabic-Indic digits to ASCII); every span is reported in the
original text, so quotes and highlights are always the article's own characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from typing import Final, NamedTuple

import yaml

from pipeline.config import DATA_DIR

FOLDING_FILE = DATA_DIR / "lexicon" / "ar" / "normalisation.yaml"

_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")
_LETTER: Final = 1
_DIGIT: Final = 2
"""A character's class for the tokeniser (0: neither)."""


@dataclass(frozen=True)
class _Folding:
    table: dict[int, str]
    """Code point -> replacement ("" removes the character)."""
    removed: str
    """The characters the table removes."""
    replacements: tuple[tuple[str, str], ...] | None
    """The table as (character, replacement) pairs for str.replace, which scans a text many times faster than
    str.translate looks up each of its characters; None when a replacement is itself replaced (the order of
    the replacements would then matter, and str.translate is used)."""
    token_classes: bytes
    """Code point -> _LETTER (a word_letters range), _DIGIT (0-9) or 0; code points past its end are 0."""


@lru_cache(maxsize=1)
def _folding() -> _Folding:
    """The folding table of normalisation.yaml, read once."""
    with open(FOLDING_FILE, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    table = {ord(a): b for a, b in data["fold"].items()}
    table.update({ord(ch): "" for ch in data["remove"]})
    for digits in data["digits"]:
        table.update({ord(ch): str(i) for i, ch in enumerate(digits)})
    table.update({ord(ch): " " for ch in data["spaces"]})
    if any(len(rep) > 1 for rep in table.values()):
        raise ValueError(f"{FOLDING_FILE}: a character may fold to at most one character")
    removed = "".join(chr(cp) for cp, rep in table.items() if not rep)
    replacements = tuple((chr(cp), rep) for cp, rep in table.items())
    chained = any(rep and ord(rep) in table for rep in table.values())
    return _Folding(table, removed, None if chained else replacements,
                    _token_classes([(ord(a), ord(b)) for a, b in data["word_letters"]]))


def _token_classes(letter_ranges: list[tuple[int, int]]) -> bytes:
    table = bytearray(max([ord("9"), *(hi for _, hi in letter_ranges)]) + 1)
    for lo, hi in letter_ranges:
        table[lo:hi + 1] = bytes([_LETTER]) * (hi + 1 - lo)
    table[ord("0"):ord("9") + 1] = bytes([_DIGIT]) * 10
    return bytes(table)


_SHARED_OFFSETS = list(range(1 << 16))
"""Offset maps are cut from this one list of ints, so that normalising a text makes no int per character (a text
longer than it makes its own)."""


@dataclass(frozen=True)
class NormalisedText:
    """A normalised copy of a text and, for each of its characters, the offset in the original."""

    original: str
    text: str
    offsets: list[int]
    """A list, so that compiled code bisects it natively (pipeline.extraction.positions)."""

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) range of the normalised text to the original text."""
        if start >= len(self.offsets):
            return len(self.original), len(self.original)
        o_start = self.offsets[start]
        o_end = self.offsets[end - 1] + 1 if end > start else o_start
        return o_start, o_end


def normalise(text: str) -> NormalisedText:
    """Normalise Arabic text for matching, keeping an offset map to the original.

    Folds and removes characters by the table of normalisation.yaml and lower-cases Latin letters. The
    whole text is translated at once; a text whose lower-casing is not one character for one (rare
    letters such as "İ", or a final Greek sigma) takes the per-character way.
    """
    folding = _folding()
    lowered = _folded_at_once(text, folding)
    if lowered is None:
        return _normalise_per_character(text, folding.table)
    ints = _SHARED_OFFSETS if len(text) <= len(_SHARED_OFFSETS) else list(range(len(text)))
    if len(lowered) == len(text):
        return NormalisedText(text, lowered, ints[:len(text)])
    offsets: list[int] = []
    pos = 0
    for cut in _removed_at(text, folding.removed):
        offsets.extend(ints[pos:cut])
        pos = cut + 1
    offsets.extend(ints[pos:len(text)])
    return NormalisedText(text, lowered, offsets)


def _removed_at(text: str, removed: str) -> list[int]:
    """Where the text holds a character the folding removes, in order: one str.find scan per such character
    (a fast search for one character) rather than a pattern tried at every character."""
    found: list[int] = []
    for ch in removed:
        i = text.find(ch)
        while i >= 0:
            found.append(i)
            i = text.find(ch, i + 1)
    found.sort()
    return found


def _folded_at_once(text: str, folding: _Folding) -> str | None:
    """The whole text folded and lower-cased, or None when it must take the per-character way."""
    if folding.replacements is None:
        folded = text.translate(folding.table)
    else:
        folded = text
        for character, replacement in folding.replacements:
            folded = folded.replace(character, replacement)
    lowered = folded.lower()
    if len(lowered) != len(folded) or "\u03a3" in folded:
        return None
    return lowered


def _normalise_per_character(text: str, table: dict[int, str]) -> NormalisedText:
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        rep = table.get(ord(ch), ch).lower()  # one offset per output character: "İ".lower() is two
        out.append(rep)
        offsets.extend([i] * len(rep))
    return NormalisedText(text, "".join(out), offsets)


def normalise_phrase(phrase: str) -> str:
    """Normalise a lexicon entry the same way as text, with whitespace folded (no offset map is made)."""
    folding = _folding()
    lowered = _folded_at_once(phrase, folding)
    if lowered is None:
        lowered = _normalise_per_character(phrase, folding.table).text
    return " ".join(lowered.split())


class Token(NamedTuple):
    """A word of the normalised text: letters and digits, with its normalised offsets.

    A named tuple rather than a dataclass: an article has hundreds, and they are made in the hot loop.
    """

    text: str
    start: int
    end: int


def tokenize(norm: NormalisedText) -> list[Token]:
    """Split normalised text into word tokens (runs of letters and digits)."""
    return tokenize_columns(norm)[0]


def tokenize_columns(norm: NormalisedText) -> tuple[list[Token], list[str], list[int], list[int], list[str]]:
    """The tokens, and their words, starts and ends as three columns (for look-ups, bisection and slicing), and the
    gaps: gaps[i] is the normalised text before token i, gaps[-1] the text after the last.

    A token is a run of letters or a run of digits; up to three letters stay with the digits after them (و17،
    ال22، بال24), and a longer word glued to digits on either side is a token of its own (450عائلة، الموصل400).
    One pass over the characters (compiled, it reads each code point without making a string of it); each Token
    is made by tuple.__new__, without its Python constructor (an article has hundreds).
    """
    text, classes = norm.text, _folding().token_classes
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    gaps: list[str] = []
    n = len(text)
    i = gap_start = 0
    while i < n:
        kind = code_point_value(text, i, classes)
        if kind == 0:
            i += 1
            continue
        j = i + 1
        while j < n and code_point_value(text, j, classes) == kind:
            j += 1
        if kind == _LETTER and j - i <= 3 and j < n and code_point_value(text, j, classes) == _DIGIT:
            j += 1
            while j < n and code_point_value(text, j, classes) == _DIGIT:
                j += 1
        gaps.append(text[gap_start:i])
        words.append(text[i:j])
        starts.append(i)
        ends.append(j)
        i = gap_start = j
    gaps.append(text[gap_start:])
    return list(map(tuple.__new__, repeat(Token), zip(words, starts, ends))), words, starts, ends, gaps


def code_point_value(text: str, i: int, table: bytes) -> int:
    """table[code point of text[i]], 0 past the table's end: a character looked up without making a string of it
    (compiled), as the tokeniser and the sentence splitter read their character tables."""
    code = ord(text[i])
    return table[code] if code < len(table) else 0


def has_arabic(text: str, minimum: int = 20) -> bool:
    """True when the text holds at least `minimum` Arabic letters."""
    count = 0
    for _ in _ARABIC_LETTER.finditer(text):
        count += 1
        if count >= minimum:
            return True
    return False
