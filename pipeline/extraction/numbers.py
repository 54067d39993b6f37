"""Numbers written in Arabic text (digits, number words, scales, vague quantities), with original spans."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple, Sequence

from pipeline.errors import DataFileError
from pipeline.extraction.document import Document
from pipeline.extraction.matcher import Match, PhraseMatcher
from pipeline.records import Span
from pipeline.resources import load_clitics, load_yaml
from pipeline.extraction.textnorm import NormalisedText, Token, normalise_phrase, tokenize

_DIGITS = re.compile(r"(?P<prefix>\D*)(?P<digits>\d+)")
_DIGIT_RUN = re.compile("[0-9][0-9]*")
"""A run of digits, written to begin with a single character class: the search then skips from digit to digit
(a pattern that begins with a repeat is tried at every position of the text, three times the cost)."""
_THOUSANDS_SEPARATORS = (",", "\u066C")
_DECIMAL_POINTS = (".", "\u066B")
_DUAL_VOWEL = "\u064E"
"""Fatha: a stretch without it holds no vocalised dual."""
_VOCALISED_DUAL = re.compile(f"[\u0621-\u064A]{{3}}{_DUAL_VOWEL}[\u064A\u0649]\u0646$")
"""A noun of three letters or more ending in fatha + yeh + noon is a dual (مقاتلَين = two fighters; not بَين)."""
_token_end = attrgetter("end")


class NumberMention(NamedTuple):
    """A number found in a text (a named tuple: the dates and the figures of every article read dozens).

    `value` is the number (the low bound for a vague word); `low`/`high` are its range, equal for an
    exact number, `high` None when the word has no upper bound ("عدد كبير من").
    """

    value: int
    span: Span
    vague: bool
    low: int
    high: int | None
    words: str
    """The normalised words the number was read from."""
    scale: int = 1
    """The scale word that ends the number (1000 for "15 ألف"), 1 without one."""


@dataclass(frozen=True)
class NumberWord:
    """What a number word means; a word may both scale a number and stand alone as a vague one (آلاف)."""

    value: int | None = None
    scale: int | None = None
    hundred: bool = False
    vague: tuple[int, int | None] | None = None
    percent: bool = False


@dataclass(frozen=True)
class NumberLexicon:
    matcher: PhraseMatcher
    percent_signs: tuple[str, ...]
    clitic_prefixes: frozenset[str]
    """Letters that may be glued to the front of digits (و17 تموز)."""
    and_prefixes: tuple[str, ...]
    """How "and" joins number words, alone or glued to the next one (وعشرين، والعشرين)."""


@lru_cache(maxsize=None)
def load_number_lexicon(lexicon_dir: Path) -> NumberLexicon:
    """Compile numbers.yaml into one phrase matcher whose payloads are NumberWord."""
    path = lexicon_dir / "numbers.yaml"
    data = load_yaml(path)
    entries: dict[str, dict] = {}

    def add(phrase, **meaning):
        if not isinstance(phrase, str) or not phrase.strip():
            raise DataFileError(path, f"number phrase must be non-empty text, got {phrase!r}")
        entries.setdefault(normalise_phrase(phrase), {}).update(meaning)

    try:
        for phrase, value in data["words"].items():
            add(phrase, value=int(value))
        for phrase, value in data["scales"].items():
            add(phrase, scale=int(value))
        for phrase in data["hundreds"]:
            add(phrase, hundred=True)
        for phrase, (low, high) in data["vague"].items():
            add(phrase, vague=(int(low), None if high is None else int(high)))
        for phrase in data.get("percent", []):
            add(phrase, percent=True)
        percent_signs = tuple(data.get("percent_signs", []))
        and_prefixes = tuple(normalise_phrase(p) for p in data["and"])
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise DataFileError(path, f"expected words, scales, hundreds, vague, and: {err}") from err
    clitics = load_clitics(lexicon_dir)
    prefixes = {""} | {c + p for c in ("",) + clitics.conjunctions for p in ("",) + clitics.prepositions}
    matcher = PhraseMatcher(((p, NumberWord(**m)) for p, m in entries.items()), clitics)
    return NumberLexicon(matcher, percent_signs, frozenset(prefixes), and_prefixes)


class _Atom(NamedTuple):
    """One number word or digit run, in normalised offsets (a named tuple: internal, one per number word)."""

    start: int
    end: int
    prefix: str
    word: NumberWord
    text: str
    digits: bool = False


_DIGITS_WORD = NumberWord()
"""What a run of digits means beyond its digits: nothing (no scale, not vague)."""


def _atoms(norm: NormalisedText, tokens: list[Token], lexicon: NumberLexicon, words: Sequence[Match],
           first: int, last: int, digit_tokens: list[int] | None) -> list[_Atom]:
    """Digit runs and number words of tokens[first:last] in text order (thousands separators and decimals joined).

    Only the tokens a number word starts at and those ending in a digit are looked at: no other can begin a number.
    """
    by_start: dict[int, Match] = {m.token_start: m for m in words}
    if digit_tokens is None:
        ending = tokens_ending_in_digits(norm, tokens, first, last)
    else:
        ending = digit_tokens[bisect_left(digit_tokens, first):bisect_left(digit_tokens, last)]
    candidates = sorted(set(ending).union(k for k in by_start if first <= k < last))
    atoms: list[_Atom] = []
    i = first
    for k in candidates:
        if k < i:
            continue
        i, tok = k, tokens[k]
        match = by_start.get(i)
        if match is not None:
            atoms.append(_Atom(match.norm_start, match.norm_end, match.prefix, match.payload, match.phrase))
            i = match.token_end
            continue
        digits = _DIGITS.fullmatch(tok.text)
        if digits and digits["prefix"] in lexicon.clitic_prefixes:
            start, end = tok.start + len(digits["prefix"]), tok.end
            groups, separators = [digits["digits"]], []
            while i + 1 < last and tokens[i + 1].text.isdigit():
                gap, nxt = norm.text[end:tokens[i + 1].start], tokens[i + 1]
                if gap not in _THOUSANDS_SEPARATORS + _DECIMAL_POINTS:
                    break
                groups.append(nxt.text)
                separators.append(gap)
                end, i = nxt.end, i + 1
            text = _digit_run(groups, separators)
            if text is not None:
                atoms.append(_Atom(start, end, digits["prefix"], _DIGITS_WORD, text, digits=True))
        i += 1
    return atoms


def tokens_ending_in_digits(norm: NormalisedText, tokens: list[Token], first: int = 0,
                            last: int | None = None) -> list[int]:
    """Tokens of tokens[first:last] that end in a digit, in order: those at whose end a run of digits of the text
    ends (a token holds every digit that follows one of its own)."""
    last = len(tokens) if last is None else last
    found: list[int] = []
    if first == last:
        return found
    k = first
    for run in _DIGIT_RUN.finditer(norm.text, tokens[first].start, tokens[last - 1].end):
        k = bisect_left(tokens, run.end(), k, last, key=_token_end)
        if tokens[k].end == run.end():
            found.append(k)
    return found


def digit_tokens_of(doc: Document) -> list[int]:
    """The article's tokens that end in a digit, worked out once for the stages that read its numbers (the dates
    and the figures): only such a token can hold digits."""
    return doc.derived("tokens ending in digits", lambda: tokens_ending_in_digits(doc.norm, doc.tokens))


def _digit_run(groups: list[str], separators: list[str]) -> str | None:
    """Digit groups joined by separators as the digits of one number, or None when they are no number.

    Three-digit groups after commas or after two or more dots are thousands (1,200 or 1.200.000); one
    dot is a decimal point (2.5); other dotted runs are dates (12.3.2017, 2017.03.05), left to date_grammar.py.
    """
    if not separators:
        return groups[0]
    thousands = all(len(g) == 3 for g in groups[1:])
    dots = sum(sep in _DECIMAL_POINTS for sep in separators)
    if dots == 0:
        return "".join(groups) if thousands else None
    if dots == len(separators) and dots >= 2:
        return "".join(groups) if thousands else None
    if len(separators) == 1:
        return groups[0] + "." + groups[1]
    return None


def _joins(norm: NormalisedText, lexicon: NumberLexicon, prev: _Atom, nxt: _Atom) -> str | None:
    """How nxt continues the number ending with prev: "and" (و), "adjacent", or None when it does not."""
    gap = norm.text[prev.end:nxt.start - len(nxt.prefix)]
    if gap.strip() == "" and nxt.prefix == "":
        return "adjacent"
    glued_and = gap.strip() == "" and nxt.prefix in lexicon.and_prefixes
    if glued_and or (gap.strip() in lexicon.and_prefixes and nxt.prefix == ""):
        return "and"
    return None


def _value(atoms: list[_Atom]) -> float:
    """Add up a run of number words: units, tens and hundreds add; a scale multiplies what came before."""
    total, current = 0.0, 0.0
    for k, atom in enumerate(atoms):
        word = atom.word
        if atom.digits:
            current += float(atom.text)
        elif word.scale is not None and k > 0:
            total += (current or 1) * word.scale
            current = 0.0
        elif word.scale is not None:
            current += word.scale
        elif word.hundred and 0 < current < 10 and atom.prefix == "":
            current *= 100
        else:
            current += word.value or 0
    return total + current


def _continues(norm: NormalisedText, lexicon: NumberLexicon, run: list[_Atom], nxt: _Atom) -> bool:
    """Whether nxt belongs to the number read so far (digits take only a scale after them)."""
    if nxt.word.percent or (nxt.word.vague and nxt.word.scale is None):
        return False
    join = _joins(norm, lexicon, run[-1], nxt)
    if join is None:
        return False
    if run[-1].digits or nxt.digits:
        return join == "adjacent" and run[-1].digits and nxt.word.scale is not None
    if run[-1].word.vague and run[-1].word.scale is None:
        return False
    if nxt.word.scale is not None:
        return join == "adjacent"
    if join == "and":
        return True
    last = run[-1].word.value or 0
    return 0 < last < 10 and (nxt.word.hundred or nxt.word.value == 10)


def _is_percentage(norm: NormalisedText, lexicon: NumberLexicon, run_end: int, nxt: _Atom | None, end: int) -> bool:
    """A percent sign or "في المئة" right after the number (and before the end of the text read)."""
    after = norm.text[run_end:min(run_end + 2, end)].lstrip()
    if any(after.startswith(sign) for sign in lexicon.percent_signs):
        return True
    return nxt is not None and nxt.word.percent and norm.text[run_end:nxt.start - len(nxt.prefix)].strip() == ""


def _mention(norm: NormalisedText, run: list[_Atom], value: float,
             vague: tuple[int, int | None] | None) -> NumberMention:
    start, end = norm.to_original(run[0].start, run[-1].end)
    words = norm.text[run[0].start:run[-1].end]
    if vague is not None:
        return NumberMention(vague[0], Span(start, end, norm.original[start:end]), True, vague[0], vague[1], words)
    number = int(value)
    scale = run[-1].word.scale if len(run) > 1 and run[-1].word.scale else 1
    return NumberMention(number, Span(start, end, norm.original[start:end]), False, number, number, words, scale)


def _vocalised_duals(norm: NormalisedText, tokens: list[Token], taken: set[int], first: int,
                     last: int) -> list[NumberMention]:
    """Dual nouns written with their vowel (مقاتلَين) count as 2 unless a number word follows them.

    Only the tokens of tokens[first:last] whose original letters hold the vowel are looked at.
    """
    found: list[NumberMention] = []
    if first == last:
        return found
    original, offsets = norm.original, norm.offsets
    stretch_end = offsets[tokens[last - 1].end - 1] + 1
    k = first
    vowel = original.find(_DUAL_VOWEL, offsets[tokens[first].start], stretch_end)
    while vowel != -1:
        k = bisect_left(tokens, vowel, k, last, key=lambda t: offsets[t.end - 1])  # first token not ending before it
        start, end = norm.to_original(tokens[k].start, tokens[k].end)
        if start > vowel:  # the vowel stands between words
            vowel = original.find(_DUAL_VOWEL, start, stretch_end)
            continue
        if _VOCALISED_DUAL.search(original[start:end]) and not (k + 1 < last and tokens[k + 1].start in taken):
            found.append(NumberMention(2, Span(start, end, original[start:end]), False, 2, 2, tokens[k].text))
        vowel = original.find(_DUAL_VOWEL, end, stretch_end)
    return found


def find_numbers(norm: NormalisedText, lexicon: NumberLexicon, tokens: list[Token] | None = None, *,
                 words: Sequence[Match] | None = None, first: int = 0, last: int | None = None,
                 end: int | None = None, digit_tokens: list[int] | None = None) -> list[NumberMention]:
    """Every number in the text, in text order, with spans in the original text.

    Percentages and decimals that are not followed by a scale ("2.5") are left out: they never count
    people or days. `words` are the number-word matches of an analysed document (TextView.find);
    without them the text is matched here. Only tokens[first:last] are read, and nothing of the
    normalised text from offset `end` on: a sentence of an analysed article reads as it would alone.
    `digit_tokens`, the text's tokens that end in a digit (see digit_tokens_of), are found here when not given.
    """
    tokens = tokenize(norm) if tokens is None else tokens
    last = len(tokens) if last is None else last
    end = len(norm.text) if end is None else end
    words = lexicon.matcher.find(norm, tokens) if words is None else words
    atoms = _atoms(norm, tokens, lexicon, words, first, last, digit_tokens)
    found: list[NumberMention] = []
    taken: set[int] = set()  # normalised start of every number read, its attached prefix included
    k = 0
    while k < len(atoms):
        run = [atoms[k]]
        if atoms[k].word.percent:
            k += 1
            continue
        while k + len(run) < len(atoms) and _continues(norm, lexicon, run, atoms[k + len(run)]):
            run.append(atoms[k + len(run)])
        k += len(run)
        nxt = atoms[k] if k < len(atoms) else None
        taken.add(run[0].start - len(run[0].prefix))
        if _is_percentage(norm, lexicon, run[-1].end, nxt, end):
            continue
        vague = run[0].word.vague if len(run) == 1 else None
        value = _value(run)
        if vague is None and value != int(value):
            continue
        found.append(_mention(norm, run, value, vague))
    found += _vocalised_duals(norm, tokens, taken, first, last)
    return sorted(found, key=lambda m: m.span.start)
