"""Casualty and displacement figures in a sentence: a number becomes a figure only when a cue governs it."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, cast

from pipeline.extraction.article_matches import ArticleMatches
from pipeline.extraction.document import Document, document_for
from pipeline.errors import DataFileError
from pipeline.extraction.matcher import BoundedMemo, Clitics, Match, PhraseMatcher, hit_length
from pipeline.extraction.numbers import NumberLexicon, NumberMention, digit_tokens_of, find_numbers, load_number_lexicon
from pipeline.extraction import positions
from pipeline.records import Figure, Span
from pipeline.resources import load_clitics, load_yaml
from pipeline.extraction.textnorm import NormalisedText, normalise_phrase

BETWEEN_NUMBERS_MEMO_LIMIT = 10_000
"""Distinct texts between two numbers a CasualtyLexicon keeps normalised; past it the memo starts again."""
_VOWEL_MARK = re.compile("[\u064B-\u0652\u0670]")
_FAMILIES = ("cue", "people", "singular_people", "dual_people", "not_people", "label", "subset", "qualifier",
             "qualifier_after", "range_opener", "victims", "others", "cumulative", "period_opener", "period_past",
             "clause_opener", "one_noun", "adjective_after", "quantifier", "determiner", "total_verb", "total_filler",
             "copula", "aside", "composition", "family", "projection", "may", "perfect", "dual_verb")
"""Kinds of phrase; each family has its own matcher so that overlaps are settled within a family only."""


@dataclass(frozen=True)
class Windows:
    """How many words a cue reaches (casualties.yaml `windows`)."""

    verb_before_number: int
    number_before_verb: int
    victims_after: int
    singular_object: int
    period: int
    qualifier_after: int
    total_subject: int


@dataclass(frozen=True)
class CasualtyLexicon:
    numbers: NumberLexicon
    matchers: dict[str, PhraseMatcher]
    """Family name -> PhraseMatcher whose payloads are (role, value) pairs."""
    windows: Windows
    clause_mark: re.Pattern
    """Any of the characters that end a clause (casualties.yaml `clause_marks`)."""
    range_joiners: tuple[str, ...]
    years: tuple[int, int]
    """Digits in this range without a people noun are years."""
    partitives: tuple[str, ...]
    """Words between a number and its noun ("5 من عناصر")."""
    one_person_kinds: tuple[str, ...]
    """Kinds a verb cue with a singular person noun counts as one ("قتل قناص طفلاً")."""
    displacement_needs_people: bool
    displacement_not_victims: tuple[str, ...]
    """Groups whose movements are not displacement (troops withdrawing)."""
    deferring_nouns: frozenset[str]
    """Victim nouns (ضحية) that let a killing or wounding verb of their clause say what happened."""
    imperfect_prefixes: tuple[str, ...]
    """First letters of an imperfect verb: "قد" before one makes a forecast."""
    compound_others: tuple[str, str]
    """(kind of "N others", kind of the person before) after a killed-and-wounded verb."""
    weak_cues: frozenset[str]
    """Displacement words that yield to any other cue of the same number ("استقبل المركز 100 مصاب")."""
    clitics: Clitics
    _between_numbers: BoundedMemo = field(
        default_factory=lambda: BoundedMemo(normalise_phrase, BETWEEN_NUMBERS_MEMO_LIMIT),
        init=False, compare=False, hash=False, repr=False)
    """Text between two numbers -> its normalised words (see between_numbers)."""

    def between_numbers(self, text: str) -> str:
        """The normalised words of the text between two numbers ("و", "إلى", "-"), remembered for the run:
        the same few joiners come back in every article."""
        return self._between_numbers[text]


@lru_cache(maxsize=None)
def load_casualty_lexicon(lexicon_dir: Path) -> CasualtyLexicon:
    """Compile casualties.yaml (and numbers.yaml) into one matcher per phrase family."""
    path = lexicon_dir / "casualties.yaml"
    data = load_yaml(path)
    phrases: dict[str, list[tuple[str, tuple[str, str]]]] = {family: [] for family in _FAMILIES}
    try:
        for kind, forms in data["cues"].items():
            for role in ("verbs", "nouns", "one_person"):
                phrases["cue"] += [(p, (role, kind)) for p in forms[role]]
        for family in ("people", "singular_people", "dual_people", "not_people", "others", "cumulative",
                       "period_opener", "period_past", "clause_opener"):
            key = {"period_opener": "period_openers", "clause_opener": "clause_openers"}.get(family, family)
            phrases[family] += [(p, (family, "")) for p in data[key]]
        phrases["label"] += [(p, ("label", "")) for p in data["label_words"]]
        phrases["subset"] += [(p, ("subset", "")) for p in data["subset_words"]]
        phrases["range_opener"] += [(p, ("range_opener", "")) for p in data["range_openers"]]
        for name, forms in data["qualifiers"].items():
            family = "qualifier_after" if name.endswith("_after") else "qualifier"
            phrases[family] += [(p, (family, name.removesuffix("_after"))) for p in forms]
        for group, forms in data["victims"].items():
            phrases["victims"] += [(p, ("victims", group)) for p in forms]
        windows = Windows(**{k: int(v) for k, v in data["windows"].items()})
        clause_marks = [str(mark) for mark in data["clause_marks"]]
        if not all(len(mark) == 1 for mark in clause_marks):
            raise ValueError(f"clause_marks: each mark is one character, got {clause_marks!r}")
        clause_mark = re.compile("|".join(map(re.escape, clause_marks)) or "(?!)")
        range_joiners = tuple(normalise_phrase(str(j)) for j in data["range_joiners"])
        partitives = tuple(normalise_phrase(p) for p in data["partitives"])
        years = (int(data["years"][0]), int(data["years"][1]))
        one_person_kinds = tuple(data["one_person_kinds"])
        needs_people = bool(data["displacement"]["needs_people"])
        not_victims = tuple(data["displacement"]["not_victims"])
        for kind, forms in data["dual_verbs"].items():
            phrases["dual_verb"] += [(p, ("dual_verb", kind)) for p in forms]
        for kind, forms in data["one_person_nouns"].items():
            phrases["one_noun"] += [(p, ("one_noun", kind)) for p in forms]
        for family, key in (("adjective_after", "adjective_after"), ("quantifier", "quantifiers"),
                            ("determiner", "determiners"), ("total_verb", "total_verbs"),
                            ("total_filler", "total_fillers"), ("copula", "copulas"), ("aside", "aside_openers"),
                            ("composition", "composition_openers"), ("family", "family_nouns")):
            phrases[family] += [(p, (family, "")) for p in data[key]]
        projection = data["projection"]
        phrases["projection"] += [(p, ("projection", "")) for p in projection["markers"]]
        phrases["may"] += [(p, ("may", "")) for p in projection["may"]]
        phrases["perfect"] += [(p, ("perfect", "")) for p in projection["perfect_forms"]]
        imperfect = tuple(normalise_phrase(p) for p in projection["imperfect_prefixes"])
        deferring = frozenset(normalise_phrase(p) for p in data["deferring_nouns"])
        compound = (str(data["compound_others"]["others"]), str(data["compound_others"]["before"]))
        weak = frozenset(normalise_phrase(p) for p in data["weak_cues"])
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise DataFileError(path, f"missing or malformed section: {err!r}") from err
    for family, entries in phrases.items():
        for phrase, _ in entries:
            if not isinstance(phrase, str) or not phrase.strip():
                raise DataFileError(path, f"{family}: phrase must be non-empty text, got {phrase!r}")
    clitics = load_clitics(lexicon_dir)
    matchers = {family: PhraseMatcher(entries, clitics) for family, entries in phrases.items()}
    return CasualtyLexicon(load_number_lexicon(lexicon_dir), matchers, windows, clause_mark, range_joiners, years,
                           partitives, one_person_kinds, needs_people, not_victims, deferring, imperfect, compound,
                           weak, clitics)


class _Quantity(NamedTuple):
    """A number (or range) with its qualifiers, as token indices of the sentence (a named tuple: internal, and
    made for every number of a sentence that may hold figures)."""

    low: int
    high: int | None
    vague: bool
    approximate: bool
    first: int
    """First token of the number words."""
    last: int
    """One past the last token of the number words."""
    span_first: int
    span_last: int
    """Token range including the qualifiers."""
    start: int
    end: int
    """Sentence offsets of the same stretch, without attached prefixes."""


class _Governor(NamedTuple):
    """The cue that says what happened to a number's people, and the rule that linked them."""

    cue: Match
    kind: str
    rule: str


_NUMBER_WORDS = "number_words"
"""Key of the number words among the families of a sentence's matches."""
_NO_MATCHES: dict[str, tuple] = dict.fromkeys((_NUMBER_WORDS, *_FAMILIES), ())
_FIGURE_OPENERS = ("cue", "dual_verb", "one_noun")
"""Families every figure rule starts from: a sentence without their words holds no figure."""


class _Article(ArticleMatches):
    """What the sentences of one text share, worked out once for all of them: where each casualty and
    number-word family matches, and where the words that open a figure are."""

    def __init__(self, doc: Document, families: dict[str, PhraseMatcher], offset: int = 0):
        super().__init__(doc, families, offset)
        self.digit_tokens = digit_tokens_of(doc)
        """The text's tokens that end in a digit."""
        self._present: list[tuple[str, list[int]]] | None = None
        self.openers = sorted((hit[0], hit[0] + hit_length(hit)) for family in _FIGURE_OPENERS for hit in self.hits(family)[0])
        """Token ranges of the words of the figure-opening families, in text order."""

    def may_hold_figures(self, first: int, last: int) -> bool:
        """Whether a word of a figure-opening family lies inside tokens [first, last)."""
        k = bisect_left(self.openers, (first,))
        while k < len(self.openers) and self.openers[k][0] < last:
            if self.openers[k][1] <= last:
                return True
            k += 1
        return False



    @property
    def present(self) -> list[tuple[str, list[int]]]:
        """The families with a word in the text and the first tokens of their words (worked out when a first
        sentence may hold figures)."""
        if self._present is None:
            self._present = [(family, starts) for family in self.names for starts in [self.hits(family)[1]] if starts]
        return self._present

    def matches_within(self, first: int, last: int) -> dict[str, list[Match] | tuple]:
        """Family -> its matches inside tokens [first, last), overlaps settled (as TextView.find gives them); the
        matches of a family with a word there are made when a rule first reads them (most sentences need a few)."""
        found = _Within(self, first, last)
        found.update(_NO_MATCHES)
        for family, starts in self.present:
            lo = positions.bisect_left(starts, first)
            if lo < len(starts) and starts[lo] < last:
                del found[family]
        return found


class _Within(dict):
    """A sentence's matches by family (see _Article.matches_within)."""

    def __init__(self, article: _Article, first: int, last: int):
        super().__init__()
        self.article, self.first, self.last = article, first, last

    def __missing__(self, family: str) -> list[Match]:
        found = self[family] = self.article.settled(family, self.first, self.last)
        return found


def _families(lexicon: CasualtyLexicon) -> dict[str, PhraseMatcher]:
    return {_NUMBER_WORDS: lexicon.numbers.matcher, **lexicon.matchers}


class _Sentence:
    """One sentence: its tokens [first, last) of the text, their clause numbers and the sentence's phrase matches.

    Token indices and offsets are those of the whole text, so that no sentence copies the text's tokens or
    matches; the rules never look past the sentence's own tokens.
    """

    def __init__(self, article: _Article, first: int, last: int, end: int, lexicon: CasualtyLexicon):
        self.article = article
        self.norm: NormalisedText = article.norm
        self.tokens = article.tokens
        self.first, self.last = first, last
        self.end = end
        """Offset where the sentence ends in the text."""
        self.norm_end = positions.bisect_left(self.norm.offsets, end)
        self.lexicon = lexicon
        self.matches = article.matches_within(first, last)
        self._starting: dict[str, dict[int, Match]] = {}
        self.clause, self.parenthesised, clause_firsts = self._clauses()
        self.asides = {c for c, i in enumerate(clause_firsts)
                       if self.at("aside", i) is not None or c in self.parenthesised}
        """Clauses that are asides: opened by an aside word ("بينهم ضابط") or a parenthesis."""

    def _clauses(self) -> tuple[list[int], set[int], list[int]]:
        """Clause number of each token, from 0 (punctuation and clause-opening words start a new clause), the
        clauses that open with a parenthesis, and the first token of each clause."""
        openers = [m.token_start for m in self.matches["clause_opener"] if m.token_start > self.first]
        firsts = [self.first, *sorted(set(self._after_clause_marks()).union(openers))]
        numbers: list[int] = []
        for number, (a, b) in enumerate(zip(firsts, [*firsts[1:], self.last])):
            numbers += [number] * (b - a)
        text, tokens = self.norm.text, self.tokens
        parenthesised = {number for number, i in enumerate(firsts)
                         if number and "(" in text[tokens[i - 1].end:tokens[i].start]}
        return numbers, parenthesised, firsts

    def _after_clause_marks(self) -> list[int]:
        """Tokens after the first whose gap before them holds a clause mark, a separator inside a number
        ("1,200") excepted, in order."""
        tokens, starts = self.tokens, self.article.token_starts
        found: list[int] = []
        if self.last - self.first < 2:
            return found
        marks = self.lexicon.clause_mark.finditer(self.norm.text, tokens[self.first].end, tokens[self.last - 1].start)
        for mark in marks:
            i = positions.bisect_right(starts, mark.start(), self.first, self.last)
            if tokens[i - 1].end > mark.start() or (found and found[-1] == i):
                continue
            if tokens[i].start - tokens[i - 1].end == 1 and tokens[i].text.isdigit() \
                    and tokens[i - 1].text[-1:].isdigit():
                continue
            found.append(i)
        return found

    def clause_of(self, index: int) -> int:
        return self.clause[index - self.first]

    def token_range(self, span: Span) -> tuple[int, int]:
        """Token indices [first, last) covering an original-text span of the sentence."""
        offsets = self.norm.offsets
        first = bisect_left(self.tokens, span.start, self.first, self.last, key=lambda t: offsets[t.end - 1])
        last = bisect_left(self.tokens, span.end, first, self.last, key=lambda t: offsets[t.start])
        return first, last

    def at(self, family: str, index: int) -> Match | None:
        starting = self._starting.get(family)
        if starting is None:
            starting = self._starting[family] = {x.token_start: x for x in self.matches[family]}
        return starting.get(index)

    def ending_at(self, family: str, index: int) -> Match | None:
        for m in self.matches[family]:
            if m.token_end == index:
                return m
        return None

    def within(self, family: str, first: int, last: int) -> list[Match]:
        return [m for m in self.matches[family] if first <= m.token_start < last]

    def span(self, start: int, end: int) -> Span:
        """Article span of the stretch [start, end) of the text, with the vowel marks of its last letter."""
        original = self.norm.original
        while end < self.end and _VOWEL_MARK.match(original[end]):
            end += 1
        return Span(self.article.offset + start, self.article.offset + end, original[start:end])

    def same_clause(self, a: int, b: int) -> bool:
        return self.clause[a - self.first] == self.clause[b - self.first]

    def reaches(self, a: int, b: int) -> bool:
        """Whether tokens a < b are in one clause, or only asides lie between their clauses."""
        ca, cb = self.clause_of(a), self.clause_of(b)
        return ca == cb or (cb - ca >= 2 and all(c in self.asides for c in range(ca + 1, cb)) and cb not in self.asides)

    def outside_asides(self, first: int, last: int, limit: int | None = None) -> range | list[int]:
        """Tokens of [first, last) that are not in an aside clause (the first `limit` of them when given)."""
        found = []
        for i in range(first, last):
            if self.clause_of(i) not in self.asides:
                found.append(i)
                if limit is not None and len(found) >= limit:
                    break
        return found

    def is_adjective(self, person: Match) -> bool:
        """A person word right after a word it describes ("بتفجير انتحاري") or a quantifier ("كل شخص");
        a word joined by "and" is never an adjective ("في التنظيم وسائقه")."""
        index = person.token_start
        if person.prefix.startswith(self.lexicon.numbers.and_prefixes[0]):
            return False
        return index > self.first and (self.ending_at("adjective_after", index) is not None
                                       or self.ending_at("quantifier", index) is not None)


def _quantities(s: _Sentence, notes: dict[str, str] | None = None) -> list[_Quantity]:
    """Numbers that may count people, with their qualifiers: subsets and labels are left out; ranges are joined.
    `notes`, when given, receives why each number left out was left out."""
    mentions = [(m, *s.token_range(m.span))
                for m in find_numbers(s.norm, s.lexicon.numbers, s.tokens, words=s.matches[_NUMBER_WORDS],
                                      first=s.first, last=s.last, end=s.norm_end, digit_tokens=s.article.digit_tokens)]
    taken = {i for _, a, b in mentions for i in range(a, b)}
    for dual in s.matches["dual_people"]:
        if dual.token_start in taken:
            continue
        last = dual.token_end
        after = next((m for m in mentions if m[1] == last and m[0].value == 2 and not m[0].vague), None)
        if after is not None:  # "طفلين اثنين": the dual and its number are one count
            mentions.remove(after)
            last = after[2]
        mentions.append((NumberMention(2, dual.span, False, 2, 2, dual.phrase), dual.token_start, last))
    mentions.sort(key=lambda x: x[1])
    found: list[_Quantity] = []
    k = 0
    while k < len(mentions):
        mention, first, last = mentions[k]
        k += 1
        reason = ("a part of a figure given (subset word before it)" if s.ending_at("subset", first) else
                  "a label (unit or street number)" if s.ending_at("label", first) else
                  "'one' as an adjective" if _is_adjective_one(mention) else
                  "a year" if _is_year(s, mention) else None)
        if reason is not None:
            if notes is not None:
                notes[mention.span.text] = reason
            continue
        low, high, span_first, span_last = mention.low, mention.high, first, last
        start, end = mention.span.start, mention.span.end
        approximate = False
        opener = s.ending_at("range_opener", first)
        if k < len(mentions) and not mention.vague and not mentions[k][0].vague:
            upper = mentions[k][0]
            joiner = s.lexicon.between_numbers(s.norm.original[mention.span.end:upper.span.start])
            if joiner in s.lexicon.range_joiners and (opener is not None or joiner != s.lexicon.range_joiners[0]):
                if mention.scale == 1 < upper.scale and mention.value * upper.scale <= upper.value:
                    low = mention.value * upper.scale  # "بين 12 إلى 15 ألف": the scale serves both
                high, last, span_last = upper.value, mentions[k][2], mentions[k][2]
                end = upper.span.end
                if opener is not None:
                    span_first, start = opener.token_start, opener.span.start
                k += 1
        qualifier = s.ending_at("qualifier", span_first)
        if qualifier is not None:
            span_first, start = qualifier.token_start, qualifier.span.start
            name = qualifier.payload[1]
            if name == "at_least":
                high = None
            elif name == "at_most":
                low, high = 1, mention.value
            else:
                approximate = True
        for following in s.within("qualifier_after", last, last + s.lexicon.windows.qualifier_after):
            if not s.same_clause(first, following.token_start):
                continue
            if following.payload[1] == "at_least":
                high = None
            else:
                approximate = True
        found.append(_Quantity(low, high, mention.vague, approximate, first, last, span_first, span_last, start, end))
    return found


def _is_adjective_one(mention: NumberMention) -> bool:
    """واحد/واحدة after a noun means "one" as an adjective ("يوم واحد", "عائلة واحدة"), not a count."""
    return mention.value == 1 and not mention.vague and not mention.words[:1].isdigit()


def _is_year(s: _Sentence, mention: NumberMention) -> bool:
    """Four digits in the years range are a year ("منذ 2014"), unless people are counted ("2000 شخص")."""
    first, last = s.lexicon.years
    if not (mention.words.isdigit() and first <= mention.value <= last):
        return False
    head = s.token_range(mention.span)[1]
    return not (head < s.last and (s.at("people", head) or s.at("cue", head)))


def _partitive(s: _Sentence, q: _Quantity) -> bool:
    head = q.last
    return head < s.last and s.tokens[head].text in s.lexicon.partitives and s.same_clause(q.first, head)


def _head(s: _Sentence, q: _Quantity) -> int:
    """Token of the counted noun: the word after the number, past a partitive and a demonstrative
    ("5 من عناصر", "150 من هؤلاء الضحايا")."""
    head = q.last
    if _partitive(s, q):
        head += 1
        determiner = s.at("determiner", head)
        if determiner is not None:
            head = determiner.token_end
    return head


def _is_definite_part(s: _Sentence, q: _Quantity) -> bool:
    """"61 من القتلى": a part of victims already counted, which a noun alone does not make a new figure."""
    if not _partitive(s, q):
        return False
    head = _head(s, q)
    cue = s.at("cue", head)
    return head != q.last + 1 or (cue is not None and s.lexicon.clitics.article in cue.prefix)


def _counts_people(s: _Sentence, q: _Quantity) -> bool:
    head = _head(s, q)
    inside = s.within("dual_people", q.first, q.last)
    return bool(inside) or (head < s.last and s.same_clause(q.first, head)
                            and (s.at("people", head) is not None or s.at("cue", head) is not None
                                 and s.at("cue", head).payload[0] == "nouns"))  # type: ignore[union-attr]


def _counts_families(s: _Sentence, q: _Quantity) -> bool:
    head = _head(s, q)
    return head < s.last and s.same_clause(q.first, head) and s.at("family", head) is not None


def _not_people(s: _Sentence, q: _Quantity) -> bool:
    """The noun after the number counts things ("30 غارة"); one behind a preposition is not its noun
    ("أصيب 23 بقذائف")."""
    head = q.last
    if head >= s.last or not s.same_clause(q.first, head):
        return False
    match = s.at("not_people", head)
    return match is not None and not any(p in match.prefix for p in s.lexicon.clitics.prepositions)


def _noun_cue_after(s: _Sentence, q: _Quantity) -> tuple[Match, str] | None:
    """A casualty noun that is the number's own: its counted noun ("60 قتيلاً"), right after the people
    noun ("60 شخصاً ما بين قتيل ومصاب"), or after a copula ("839 ألفاً ما زالوا مشردين")."""
    head = _head(s, q)
    for index in range(q.first, min(head + 1, s.last)):
        cue = s.at("cue", index)
        if cue is not None and cue.payload[0] == "nouns" and s.same_clause(q.first, index):
            if index == head and _is_definite_part(s, q):
                return None
            return cue, "noun_after_number"
    if head < s.last and s.at("people", head) is not None:
        cue = s.at("cue", head + 1) if head + 1 < s.last else None
        if cue is not None and cue.payload[0] == "nouns" and s.same_clause(q.first, head + 1):
            return cue, "noun_after_people"
    copula = s.at("copula", q.last) or (s.at("copula", head + 1) if head < s.last else None)
    if copula is not None and copula.token_end < s.last:
        cue = s.at("cue", copula.token_end)
        if cue is not None and cue.payload[0] == "nouns" and s.same_clause(q.first, cue.token_start):
            return cue, "noun_after_copula"
    return None


def _total_predicate(s: _Sentence, q: _Quantity, others: list[_Quantity]) -> Match | None:
    """"عدد النازحين ... يبلغ N": the casualty noun before a total verb that the number completes."""
    index = q.span_first - 1
    while index >= s.first and s.ending_at("total_filler", index + 1) is not None:
        index = s.ending_at("total_filler", index + 1).token_start - 1  # type: ignore[union-attr]
    verb = s.ending_at("total_verb", index + 1) if index >= s.first else None
    if verb is None:
        # "بلغ عدد النازحين [...] 50": the verb and its noun open the sentence, the number ends it
        for total in s.matches["total_verb"]:
            filler = s.at("total_filler", total.token_end)
            cue = s.at("cue", filler.token_end if filler is not None else total.token_end)
            if cue is not None and cue.token_end <= q.span_first and not any(
                    cue.token_end <= o.span_first < q.span_first for o in others):
                return cue
        return None
    reach = s.lexicon.windows.total_subject
    for cue in sorted(s.matches["cue"], key=lambda c: -c.token_start):
        if cue.token_end <= verb.token_start and verb.token_start - cue.token_end <= reach \
                and not s.lexicon.clause_mark.search(
                    s.norm.text, s.tokens[cue.token_start].start, s.tokens[verb.token_start].start):
            return cue
    return None


def _parenthesised_cue(s: _Sentence, q: _Quantity) -> Match | None:
    """A people count in parentheses ("المشردين (103212 شخصا) فروا") takes the nearest cue of its sentence."""
    if s.clause_of(q.first) not in s.parenthesised or not _counts_people(s, q):
        return None
    cues = [c for c in s.matches["cue"] if not (q.span_first <= c.token_start < _head(s, q) + 1)]
    before = [c for c in cues if c.token_end <= q.span_first]
    if before:
        return max(before, key=lambda c: c.token_start)
    after = [c for c in cues if c.token_start >= q.last]
    return min(after, key=lambda c: c.token_start) if after else None


def _verb_cue(s: _Sentence, q: _Quantity, others: list[_Quantity], *, kinds: tuple[str, ...] | None = None) -> Match | None:
    """The nearest verb cue before the number (within a few words) or after its noun (across asides)."""
    w = s.lexicon.windows
    candidates = []
    between: range | list[int]
    blocked = {i for o in others if o is not q for i in range(o.span_first, o.span_last)}
    for cue in s.matches["cue"]:
        if kinds is not None and (cue.payload[1] not in kinds or cue.payload[0] == "nouns"):
            continue
        if cue.payload[0] == "nouns" and cue.token_start >= q.last:
            continue
        if cue.token_end <= q.span_first:
            between = range(cue.token_end, q.span_first)
            if len(between) > w.verb_before_number or not s.same_clause(cue.token_start, q.first):
                continue
        elif cue.token_start >= q.last:
            between = s.outside_asides(q.last, cue.token_start, limit=w.number_before_verb + 1)
            if len(between) > w.number_before_verb or not _counts_people(s, q) \
                    or not s.reaches(q.first, cue.token_start):
                continue
        else:
            continue
        if blocked & set(between):
            continue
        weak = cue.payload[1] == "displaced" and cue.phrase in s.lexicon.weak_cues
        candidates.append((weak, len(between), cue))
    return min(candidates, key=lambda c: (c[0], c[1]))[2] if candidates else None


def _governor(s: _Sentence, q: _Quantity, others: list[_Quantity]) -> _Governor | None:
    """What the counted people suffered, or None when no cue reaches the number."""
    own = _noun_cue_after(s, q)
    cue: Match | None
    if own is not None:
        cue, rule = own
    elif (cue := _total_predicate(s, q, others)) is not None:
        rule = "total_predicate"
    elif (cue := _verb_cue(s, q, others)) is not None:
        rule = "verb_before_number" if cue.token_end <= q.span_first else "verb_after_number"
    elif (cue := _parenthesised_cue(s, q)) is not None:
        rule = "parenthesised_count"
    else:
        return None
    if cue.phrase in s.lexicon.deferring_nouns or (_is_definite_part(s, q) and cue.payload[0] == "nouns"):
        verb = _verb_cue(s, q, others, kinds=("killed", "wounded"))
        if verb is not None:
            return _Governor(verb, verb.payload[1], rule + "+victims_deferring_to_verb")
    return _Governor(cue, cue.payload[1], rule)


def _is_projection(s: _Sentence, q: _Quantity, cue: Match) -> bool:
    """A forecast: a projection word before the number or its cue in their clause, or "قد" before an
    imperfect verb there ("قد يصل عدد النازحين إلى"), never "قد" before a past verb ("قد قتل")."""
    first = min(q.span_first, cue.token_start)
    clause_start = first
    while clause_start > s.first and s.same_clause(clause_start - 1, first):
        clause_start -= 1
    if s.within("projection", clause_start, first + 1):
        return True
    for may in s.within("may", clause_start, max(q.span_first, cue.token_start)):
        nxt = may.token_end
        if nxt < s.last and s.at("perfect", nxt) is None \
                and s.tokens[nxt].text.startswith(s.lexicon.imperfect_prefixes):
            return True
    return False


def _victims(s: _Sentence, first: int, last: int, previous: str, head: int | None = None) -> str:
    """Victim group of a figure: the counted noun's own group, else the group named in tokens [first, last).

    "Others" (آخرون) inherit the group of the figure before; people words alone mean civilians; a
    person word that describes a thing ("بتفجير انتحاري") names no victims.
    """
    matches = [m for m in s.matches["victims"] if not s.is_adjective(m)]
    own = {m.payload[1] for m in matches if m.token_start == head} - {"people"}
    if len(own) == 1:
        return own.pop()
    groups = {m.payload[1] for m in matches if first <= m.token_start < last}
    named = groups - {"people"}
    if len(named) > 1:
        return "mixed"
    if named:
        return named.pop()
    if s.within("others", first, last) and previous != "unknown":
        return previous
    return "civilians" if groups else "unknown"


def _clause_end(s: _Sentence, index: int, limit: int) -> int:
    end = index
    while end < min(limit, s.last) and s.same_clause(index, end):
        end += 1
    return end


def _is_cumulative(s: _Sentence) -> bool:
    """A period expression anywhere in the sentence makes its figures totals over that period."""
    if s.matches["cumulative"]:
        return True
    return any(s.within("period_past", o.token_end, o.token_end + s.lexicon.windows.period)
               for o in s.matches["period_opener"])


def _figure(s: _Sentence, kind: str, low: int, high: int | None, parts: list[Span], *, vague=False,
            approximate=False, victims="unknown", cumulative=False, unit="people", rule="") -> Figure:
    """A figure whose span runs from the first to the last of its parts (number, cue, noun)."""
    span = s.span(min(p.start for p in parts), max(p.end for p in parts))
    return Figure(kind, low, high, span, vague, approximate, victims, cumulative, unit, rule)


def _coordinated(s: _Sentence, previous: _Quantity, q: _Quantity) -> bool:
    """Whether q is joined by "and" to the noun phrase of the number before it ("قتل 4 مدنيين و6 من مسلحي داعش")."""
    and_word = s.lexicon.numbers.and_prefixes[0]
    gap = range(_head(s, previous) + 1, q.span_first)
    joined = s.tokens[q.span_first].text.startswith(and_word) or (gap and s.tokens[gap[-1]].text == and_word)
    return bool(joined) and len(gap) <= 1 and s.same_clause(previous.first, q.first)


def _may_be_displaced(s: _Sentence, q: _Quantity, cue: Match, victims: str) -> bool:
    """Displacement counts people or households, and not fighters: "خرجت 3 عجلات" is no displacement."""
    if victims in s.lexicon.displacement_not_victims:
        return False
    return not s.lexicon.displacement_needs_people or cue.payload[0] == "nouns" or _counts_people(s, q)


def _composition(s: _Sentence, q: _Quantity, quantities: list[_Quantity]) -> _Quantity | None:
    """The people a household count is made of: "5 عائلات، مكونة من 38 فرداً"."""
    head = _head(s, q)
    opener = next((m for m in s.matches["composition"] if head < m.token_start <= head + 2), None)
    if opener is None:
        return None
    return next((o for o in quantities if o.span_first == opener.token_end and _counts_people(s, o)), None)


def _numbered_figures(s: _Sentence, quantities: list[_Quantity], cumulative: bool,
                      notes: dict[str, str] | None = None) -> tuple[list[Figure], set[int]]:
    """Figures of the numbers a cue governs, directly or through "and" after a governed number.
    `notes`, when given, receives what became of each number (the rule that read it, or why none did)."""
    figures: list[Figure] = []
    used_cues: set[int] = set()
    consumed: set[int] = set()
    previous: tuple[_Quantity, _Governor, str] | None = None

    def note(q: _Quantity, why: str) -> None:
        if notes is not None:
            notes[s.norm.original[q.start:q.end]] = why

    for q in quantities:
        if q.first in consumed:
            continue
        if _not_people(s, q):
            note(q, f"counts things («{s.at('not_people', q.last).span.text}»)")  # type: ignore[union-attr]
            continue
        governor = _governor(s, q, quantities)
        parts = [Span(q.start, q.end, "")]
        if governor is None and previous is not None and _coordinated(s, previous[0], q):
            governor = _Governor(previous[1].cue, previous[1].kind, "coordinated")
        elif governor is None:
            note(q, "no casualty or displacement word reaches it")
            continue
        else:
            parts.append(governor.cue.span)
        cue, kind = governor.cue, governor.kind
        if _is_projection(s, q, cue):
            note(q, f"a forecast («{cue.span.text}»)")
            continue
        counted, unit = q, "people"
        if _counts_families(s, q):
            made_of = _composition(s, q, quantities)
            if made_of is not None:
                counted = made_of
                consumed.add(made_of.first)
                parts.append(Span(made_of.start, made_of.end, ""))
            elif kind == "displaced":
                unit = "families"
            else:
                note(q, "a toll of households, no count of people")
                continue
        others_head = s.at("others", _head(s, q)) or s.at("others", q.first)  # "4 آخرون", "آخران"
        if kind == "casualties" and cue.payload[0] == "verbs" and others_head is not None and cue.token_end <= q.first:
            kind = s.lexicon.compound_others[0]
        following = [o.span_first for o in quantities if o.span_first >= q.last]
        reach = max(q.last, cue.token_end) + s.lexicon.windows.victims_after + 1
        window_end = _clause_end(s, q.first, min(following + [reach]))
        if cue.token_start >= q.last:
            window_end = max(window_end, cue.token_start)
        victims = _victims(s, q.first, window_end, previous[2] if previous else "unknown", _head(s, q))
        if kind == "displaced" and not _may_be_displaced(s, q, cue, victims):
            note(q, f"fighters or things moving, no displacement («{cue.span.text}»)")
            continue
        note(q, f"{kind} by {governor.rule} («{cue.span.text}»)")
        used_cues.add(cue.token_start)
        parts += [m.span for m in s.within("people", _head(s, q), _head(s, q) + 1)]
        figures.append(_figure(s, kind, counted.low, counted.high, parts, vague=counted.vague,
                               approximate=counted.approximate, victims=victims, cumulative=cumulative, unit=unit,
                               rule=governor.rule))
        previous = (q, governor, victims)
    return figures, used_cues


def _joined_to_counted(s: _Sentence, cue: Match, quantities: list[_Quantity]) -> list[Match]:
    """Singular person nouns joined by "and" to a number the cue counts, before it ("قتل ضابط و3 جنود") or
    after its noun ("قتل 3 جنود وضابط"): each is one more victim of the cue."""
    and_word = s.lexicon.numbers.and_prefixes[0]
    joined = []
    for q in quantities:
        if q.first < cue.token_end or _not_people(s, q) or not s.same_clause(cue.token_start, q.first):
            continue
        before = s.ending_at("singular_people", q.span_first)
        if (before is not None and before.token_start >= cue.token_end and not s.is_adjective(before)
                and s.tokens[q.span_first].text.startswith(and_word)):
            joined.append(before)
        after = s.at("singular_people", _head(s, q) + 1)
        if after is not None and after.prefix.startswith(and_word):
            joined.append(after)
    return joined


def _one_person_figures(s: _Sentence, quantities: list[_Quantity], used_cues: set[int],
                        cumulative: bool) -> list[Figure]:
    """Killings and woundings of one person: "لقي حتفه", a verb cue with a singular person noun after it,
    a singular casualty noun without a number ("سقط قتيلاً"), or the person before a killed-and-wounded
    verb whose "N others" are the wounded ("قتل مدني وأصيب 4 آخرون")."""
    figures = []
    numbered = {i for q in quantities for i in range(q.span_first, q.span_last)}
    w = s.lexicon.windows
    and_word = s.lexicon.numbers.and_prefixes[0]
    for cue in s.matches["cue"]:
        role, kind = cue.payload
        if kind == "casualties" and role == "verbs" and cue.token_start in used_cues:
            person = s.ending_at("singular_people", cue.token_start)
            if person is not None and not s.is_adjective(person):
                victims = _victims(s, person.token_start, person.token_end, "unknown", head=person.token_start)
                figures.append(_figure(s, s.lexicon.compound_others[1], 1, 1, [person.span, cue.span],
                                       victims=victims, cumulative=cumulative, rule="person_before_compound_verb"))
            continue
        if cue.token_start in used_cues and kind in s.lexicon.one_person_kinds and role != "nouns":
            for person in _joined_to_counted(s, cue, quantities):
                victims = _victims(s, person.token_start, person.token_end, "unknown", head=person.token_start)
                figures.append(_figure(s, kind, 1, 1, [cue.span, person.span], victims=victims,
                                       cumulative=cumulative, rule="coordinated"))
            continue
        if cue.token_start in used_cues or kind not in s.lexicon.one_person_kinds or role == "nouns":
            continue
        end = _clause_end(s, cue.token_start, cue.token_end + w.singular_object)
        end = min([end] + [i for i in numbered if i >= cue.token_end])  # a counted group after it is another figure
        if end <= cue.token_end and role != "one_person":
            continue
        persons = [p for p in s.within("singular_people", cue.token_end, end) if not s.is_adjective(p)]
        if role != "one_person" and not persons:
            continue
        clause_end = _clause_end(s, cue.token_start, s.last)
        clause_end = min([clause_end] + [c.token_start for c in s.matches["cue"] if c.token_start >= cue.token_end])
        persons += [p for p in s.within("singular_people", end, clause_end)
                    if p.prefix.startswith(and_word) and not s.is_adjective(p)]
        # with two person nouns ("قتل قناص من داعش طفلاً") the first is the killer, the last the victim;
        # persons joined by "and" ("مقتل المسؤول ومعاونه") are victims together
        joined = [p for p in persons[1:] if p.prefix.startswith(and_word)]
        victims_named = [persons[0]] + joined if joined else persons[-1:]
        last = persons[-1].token_end if persons else cue.token_end
        head = victims_named[0].token_start if persons else None
        victims = _victims(s, cue.token_end, _clause_end(s, cue.token_start, last + w.victims_after + 1), "unknown",
                           head=head)
        parts = [cue.span] + [p.span for p in victims_named]
        count = max(1, len(victims_named) if persons else 1)
        figures.append(_figure(s, kind, count, count, parts, victims=victims, cumulative=cumulative,
                               rule="one_person" if role == "one_person" else "verb_with_singular_person"))
    counting = {i for q in quantities if not _not_people(s, q) for i in range(q.span_first, q.span_last)}
    for verb in s.matches["dual_verb"]:
        if verb.token_start in used_cues or any(verb.token_start - w.number_before_verb <= i < verb.token_start
                                                and s.same_clause(i, verb.token_start) for i in counting):
            continue
        victims = _victims(s, max(s.first, verb.token_start - w.singular_object), verb.token_start, "unknown")
        figures.append(_figure(s, verb.payload[1], 2, 2, [verb.span], victims=victims, cumulative=cumulative,
                               rule="dual_verb"))
    for noun in s.matches["one_noun"]:
        cue = s.at("cue", noun.token_start)
        if cue is not None and (cue.token_end != noun.token_end or cue.token_start in used_cues):
            continue
        if any(noun.token_start - 3 <= i < noun.token_start and s.same_clause(i, noun.token_start) for i in numbered):
            continue
        victims = _victims(s, max(s.first, noun.token_start - w.singular_object), noun.token_end, "unknown")
        figures.append(_figure(s, noun.payload[1], 1, 1, [noun.span], victims=victims, cumulative=cumulative,
                               rule="singular_casualty_noun"))
    return figures


def extract_figures(text: str, lexicon: CasualtyLexicon, *, start: int = 0, end: int | None = None,
                    doc: Document | None = None) -> list[Figure]:
    """Casualty and displacement figures in text[start:end] (one sentence), in text order, article offsets.

    Bounds: "at least N" / "more than N" give low N and high None (more than 400 thousand is read as
    at least 400 thousand); "about N" gives low = high = N, approximate; "between X and Y" gives X..Y;
    "fewer than N" gives 1..N. Vague words keep the range of numbers.yaml and vague=True. Households
    are counted as `families` for displacement and are no toll; forecasts are no figures.
    """
    article, first, last, end = _locate(text, lexicon, start, end, doc)
    if first == last:
        return []
    if not article.may_hold_figures(first, last):
        return []
    s = _Sentence(article, first, last, end, lexicon)
    quantities = _quantities(s)
    cumulative = _is_cumulative(s)
    figures, used = _numbered_figures(s, quantities, cumulative)
    figures += _one_person_figures(s, quantities, used, cumulative)
    return sorted(figures, key=lambda f: f.span.start)


def explain_numbers(text: str, lexicon: CasualtyLexicon) -> dict[str, str]:
    """Each number of one sentence and what the figure rules made of it: the rule that read it as a figure,
    or why none did (for diagnosis: `evaluate --errors`)."""
    article, first, last, end = _locate(text, lexicon, 0, len(text), None)
    notes: dict[str, str] = {}
    if first < last:
        s = _Sentence(article, first, last, end, lexicon)
        _numbered_figures(s, _quantities(s, notes), _is_cumulative(s), notes)
    return notes


def _locate(text: str, lexicon: CasualtyLexicon, start: int, end: int | None,
            doc: Document | None) -> tuple[_Article, int, int, int]:
    """The analysis shared by the text's sentences, and the tokens [first, last) and end of text[start:end] in it.

    The analysis is made once per document; a stretch whose edges cut a word is analysed on its own.
    """
    end = len(text) if end is None else end
    doc = doc or document_for(text, lexicon.numbers.matcher, *lexicon.matchers.values())
    article = doc.derived(("casualties", id(lexicon)), lambda: _Article(doc, _families(lexicon)))
    tokens = article.token_range(start, end)
    if tokens is None:
        stretch = cast(_Article, _Article.of_stretch(doc, _families(lexicon), start, end))
        return stretch, 0, len(stretch.tokens), len(stretch.norm.original)
    return article, *tokens, end


def summary_figures(lead: list[Figure], details: list[Figure]) -> set[Figure]:
    """Figures of an article's lead that sum up, or round, the detailed figures told after it.

    "27 killed" in the lead, then "15 killed" and "12 killed" in two strikes, is one toll told twice: the
    lead total is no figure of its own. So is "about fifty killed or wounded" before "15 killed" and "33
    wounded", and "about 900" before "between 800 and 900". A lead figure that no detail sums up stays.
    """
    out = set()
    for fig in lead:
        if fig.vague or fig.kind == "displaced":
            continue
        kinds = ("killed", "wounded") if fig.kind == "casualties" else (fig.kind,)
        parts = [d for d in details if d.kind in kinds and not d.vague and not d.cumulative == (not fig.cumulative)]
        total = sum(d.low for d in parts)
        tolerance = fig.low // 10 if fig.approximate else 0
        summed = len(parts) >= 2 and abs(total - fig.low) <= tolerance
        rounded = any(d.kind == fig.kind and d.high is not None and d.low < d.high and d.low <= fig.low <= d.high
                      for d in parts)
        if summed or rounded:
            out.add(fig)
    return out
