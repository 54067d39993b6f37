"""Arabic normalisation for matching, with a map from every normalised character back to the original.

Matching runs on the normalised copy (alef and hamza forms folded, teh marbuta to heh, alef maksura to
yeh, diacritics and tatweel removed, Arabic-Indic digits to ASCII); every span is reported in the
original text, so quotes and highlights are always the article's own characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
)

_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")
_TOKEN = re.compile(r"[A-Za-z\u0621-\u063A\u0641-\u064A\u0671-\u06D3]*[0-9]+|[A-Za-z\u0621-\u063A\u0641-\u064A\u0671-\u06D3]+")
"""Words and digit runs; digits glued to the word after them are a token of their own (450عائلة)."""


@lru_cache(maxsize=1)
def _char_table() -> dict[int, str]:
    """Per-character replacements built from camel-tools' normalisers, applied once per code point."""
    table: dict[int, str] = {}
    for cp in list(range(0x0600, 0x0700)) + [0x200C, 0x200D, 0x200E, 0x200F, 0xFEFF, 0x00A0]:
        ch = chr(cp)
        out = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(ch))))
        if ch == "\u0640":  # tatweel
            out = ""
        if out != ch:
            table[cp] = out
    for i, digit in enumerate("٠١٢٣٤٥٦٧٨٩"):
        table[ord(digit)] = str(i)
    for i, digit in enumerate("۰۱۲۳۴۵۶۷۸۹"):
        table[ord(digit)] = str(i)
    for cp in (0x200C, 0x200D, 0x200E, 0x200F, 0xFEFF):
        table[cp] = ""
    table[0x00A0] = " "
    table[ord("\u060C")] = "،"  # keep the Arabic comma as is (explicit: punctuation is not folded)
    return table


@dataclass(frozen=True)
class NormalisedText:
    """A normalised copy of a text and, for each of its characters, the offset in the original."""

    original: str
    text: str
    offsets: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) range of the normalised text to the original text."""
        if start >= len(self.offsets):
            return len(self.original), len(self.original)
        o_start = self.offsets[start]
        o_end = self.offsets[end - 1] + 1 if end > start else o_start
        return o_start, o_end


@lru_cache(maxsize=4096)
def normalise(text: str) -> NormalisedText:
    """Normalise Arabic text for matching, keeping an offset map to the original.

    Memoised: every stage normalises the same sentences.
    """
    table = _char_table()
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        rep = table.get(ord(ch), ch)
        if len(rep) == 1:
            out.append(rep.lower())
            offsets.append(i)
        elif rep:
            for c in rep:
                out.append(c)
                offsets.append(i)
    return NormalisedText(text, "".join(out), tuple(offsets))


def normalise_phrase(phrase: str) -> str:
    """Normalise a lexicon entry the same way as text, with whitespace folded."""
    return " ".join(normalise(phrase).text.split())


@dataclass(frozen=True)
class Token:
    """A word of the normalised text: letters and digits, with its normalised offsets."""

    text: str
    start: int
    end: int


def tokenize(norm: NormalisedText) -> list[Token]:
    """Split normalised text into word tokens (runs of letters and digits)."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(norm.text)]


def has_arabic(text: str, minimum: int = 20) -> bool:
    """True when the text holds at least `minimum` Arabic letters."""
    count = 0
    for _ in _ARABIC_LETTER.finditer(text):
        count += 1
        if count >= minimum:
            return True
    return False
