"""Casualty and displacement figures in a sentence: a number becomes a figure only when a cue governs it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.document import Document, TextView, document_for
from pipeline.errors import DataFileError
from pipeline.matcher import Match, PhraseMatcher
from pipeline.numbers import NumberLexicon, NumberMention, find_numbers, load_number_lexicon
from pipeline.records import Figure, Span
from pipeline.resources import load_clitics, load_yaml
from pipeline.textnorm import NormalisedText, normalise_phrase

_VOWEL_MARK = re.compile("[\u064B-\u0652\u0670]")
_FAMILIES = ("cue", "people", "singular_people", "dual_people", "not_people", "label", "subset", "qualifier",
             "qualifier_after", "range_opener", "victims", "others", "cumulative", "period_opener", "period_past",
             "clause_opener")
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


@dataclass(frozen=True)
class CasualtyLexicon:
    numbers: NumberLexicon
    matchers: dict[str, PhraseMatcher]
    """Family name -> PhraseMatcher whose payloads are (role, value) pairs."""
    windows: Windows
    clause_marks: tuple[str, ...]
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
        clause_marks = tuple(data["clause_marks"])
        range_joiners = tuple(normalise_phrase(str(j)) for j in data["range_joiners"])
        partitives = tuple(normalise_phrase(p) for p in data["partitives"])
        years = (int(data["years"][0]), int(data["years"][1]))
        one_person_kinds = tuple(data["one_person_kinds"])
        needs_people = bool(data["displacement"]["needs_people"])
        not_victims = tuple(data["displacement"]["not_victims"])
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise DataFileError(path, f"missing or malformed section: {err!r}") from err
    for family, entries in phrases.items():
        for phrase, _ in entries:
            if not isinstance(phrase, str) or not phrase.strip():
                raise DataFileError(path, f"{family}: phrase must be non-empty text, got {phrase!r}")
    clitics = load_clitics(lexicon_dir)
    matchers = {family: PhraseMatcher(entries, clitics) for family, entries in phrases.items()}
    return CasualtyLexicon(load_number_lexicon(lexicon_dir), matchers, windows, clause_marks, range_joiners,
                           years, partitives, one_person_kinds, needs_people, not_victims)


@dataclass(frozen=True)
class _Quantity:
    """A number (or range) with its qualifiers, as token indices of the sentence."""

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


class _Sentence:
    """One sentence's tokens, clause numbers and phrase matches, indexed by token."""

    def __init__(self, view: TextView, lexicon: CasualtyLexicon):
        self.offset = view.start
        self.view = view
        self.norm: NormalisedText = view.norm
        self.tokens = view.tokens
        self.lexicon = lexicon
        self.matches = {f: view.find(m) for f, m in lexicon.matchers.items()}
        self.starting = {f: {x.token_start: x for x in ms} for f, ms in self.matches.items()}
        self.clause = self._clauses()

    def _clauses(self) -> list[int]:
        """Clause number of each token: punctuation and clause-opening words start a new clause."""
        clause, numbers = 0, []
        openers = {m.token_start for m in self.matches["clause_opener"]}
        for i, tok in enumerate(self.tokens):
            gap = self.norm.text[self.tokens[i - 1].end:tok.start] if i else ""
            if i and (i in openers or any(mark in gap for mark in self.lexicon.clause_marks)):
                clause += 1
            numbers.append(clause)
        return numbers

    def token_range(self, span: Span) -> tuple[int, int]:
        """Token indices [first, last) covering an original-text span of the sentence."""
        inside = [i for i, t in enumerate(self.tokens)
                  if self.norm.offsets[t.start] < span.end and self.norm.offsets[t.end - 1] >= span.start]
        return inside[0], inside[-1] + 1

    def at(self, family: str, index: int) -> Match | None:
        return self.starting[family].get(index)

    def ending_at(self, family: str, index: int) -> Match | None:
        return next((m for m in self.matches[family] if m.token_end == index), None)

    def within(self, family: str, first: int, last: int) -> list[Match]:
        return [m for m in self.matches[family] if first <= m.token_start < last]

    def span(self, start: int, end: int) -> Span:
        """Article span of the sentence stretch [start, end), with the vowel marks of its last letter."""
        original = self.norm.original
        while end < len(original) and _VOWEL_MARK.match(original[end]):
            end += 1
        return Span(self.offset + start, self.offset + end, original[start:end])

    def same_clause(self, a: int, b: int) -> bool:
        return self.clause[a] == self.clause[b]


def _quantities(s: _Sentence) -> list[_Quantity]:
    """Numbers that may count people, with their qualifiers: subsets and labels are left out; ranges are joined."""
    mentions = [(m, *s.token_range(m.span))
                for m in find_numbers(s.norm, s.lexicon.numbers, s.tokens, words=s.view.find(s.lexicon.numbers.matcher))]
    taken = {i for _, a, b in mentions for i in range(a, b)}
    for dual in s.matches["dual_people"]:
        if dual.token_start not in taken:
            mentions.append((NumberMention(2, dual.span, False, 2, 2, dual.phrase), dual.token_start, dual.token_end))
    mentions.sort(key=lambda x: x[1])
    found: list[_Quantity] = []
    k = 0
    while k < len(mentions):
        mention, first, last = mentions[k]
        k += 1
        if s.ending_at("subset", first) or s.ending_at("label", first) or _is_adjective_one(mention) \
                or _is_year(s, mention):
            continue
        low, high, span_first, span_last = mention.low, mention.high, first, last
        start, end = mention.span.start, mention.span.end
        approximate = False
        opener = s.ending_at("range_opener", first)
        if k < len(mentions) and not mention.vague and not mentions[k][0].vague:
            joiner = normalise_phrase(s.norm.original[mention.span.end:mentions[k][0].span.start])
            if joiner in s.lexicon.range_joiners and (opener is not None or joiner != s.lexicon.range_joiners[0]):
                high, last, span_last = mentions[k][0].value, mentions[k][2], mentions[k][2]
                end = mentions[k][0].span.end
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
        for after in s.within("qualifier_after", last, last + s.lexicon.windows.qualifier_after):
            if not s.same_clause(first, after.token_start):
                continue
            if after.payload[1] == "at_least":
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
    return not (head < len(s.tokens) and (s.at("people", head) or s.at("cue", head)))


def _head(s: _Sentence, q: _Quantity) -> int:
    """Token of the counted noun: the word after the number, past a partitive ("5 من عناصر")."""
    head = q.last
    if head < len(s.tokens) and s.tokens[head].text in s.lexicon.partitives and s.same_clause(q.first, head):
        head += 1
    return head


def _counts_people(s: _Sentence, q: _Quantity) -> bool:
    head = _head(s, q)
    inside = s.within("dual_people", q.first, q.last)
    return bool(inside) or (head < len(s.tokens) and s.same_clause(q.first, head)
                            and (s.at("people", head) is not None or s.at("cue", head) is not None
                                 and s.at("cue", head).payload[0] == "nouns"))


def _not_people(s: _Sentence, q: _Quantity) -> bool:
    head = q.last
    return head < len(s.tokens) and s.same_clause(q.first, head) and s.at("not_people", head) is not None


def _governing_cue(s: _Sentence, q: _Quantity, others: list[_Quantity]) -> Match | None:
    """The cue that says what happened to the counted people, or None when no cue reaches the number."""
    w = s.lexicon.windows
    for index in range(q.first, min(_head(s, q) + 1, len(s.tokens))):
        cue = s.at("cue", index)
        if cue is not None and cue.payload[0] == "nouns" and s.same_clause(q.first, index):
            return cue
    candidates = []
    blocked = {i for o in others if o is not q for i in range(o.span_first, o.span_last)}
    for cue in s.matches["cue"]:
        if cue.payload[0] == "nouns" and cue.token_start >= q.last:
            continue
        if cue.token_end <= q.span_first:
            between = range(cue.token_end, q.span_first)
            if len(between) > w.verb_before_number:
                continue
        elif cue.token_start >= q.last:
            between = range(q.last, cue.token_start)
            if len(between) > w.number_before_verb or not _counts_people(s, q):
                continue
        else:
            continue
        if not s.same_clause(cue.token_start, q.first) or blocked & set(between):
            continue
        candidates.append((len(between), cue))
    return min(candidates, key=lambda c: c[0])[1] if candidates else None


def _victims(s: _Sentence, first: int, last: int, previous: str, head: int | None = None) -> str:
    """Victim group of a figure: the counted noun's own group, else the group named in tokens [first, last).

    "Others" (آخرون) inherit the group of the figure before; people words alone mean civilians.
    """
    own = {m.payload[1] for m in s.matches["victims"] if m.token_start == head} - {"people"}
    if len(own) == 1:
        return own.pop()
    groups = {m.payload[1] for m in s.matches["victims"] if first <= m.token_start < last}
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
    while end < min(limit, len(s.tokens)) and s.same_clause(index, end):
        end += 1
    return end


def _is_cumulative(s: _Sentence) -> bool:
    """A period expression anywhere in the sentence makes its figures totals over that period."""
    if s.matches["cumulative"]:
        return True
    return any(s.within("period_past", o.token_end, o.token_end + s.lexicon.windows.period)
               for o in s.matches["period_opener"])


def _figure(s: _Sentence, kind: str, low: int, high: int | None, parts: list[Span], *, vague=False,
            approximate=False, victims="unknown", cumulative=False) -> Figure:
    """A figure whose span runs from the first to the last of its parts (number, cue, noun)."""
    span = s.span(min(p.start for p in parts), max(p.end for p in parts))
    return Figure(kind, low, high, span, vague, approximate, victims, cumulative)


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


def _numbered_figures(s: _Sentence, quantities: list[_Quantity], cumulative: bool) -> tuple[list[Figure], set[int]]:
    """Figures of the numbers a cue governs, directly or through "and" after a governed number."""
    figures: list[Figure] = []
    used_cues: set[int] = set()
    previous: tuple[_Quantity, Match, str] | None = None
    for q in quantities:
        if _not_people(s, q):
            continue
        cue = _governing_cue(s, q, quantities)
        parts = [Span(q.start, q.end, "")]
        if cue is None and previous is not None and _coordinated(s, previous[0], q):
            cue = previous[1]
        elif cue is None:
            continue
        else:
            parts.append(cue.span)
        kind = cue.payload[1]
        following = [o.span_first for o in quantities if o.span_first >= q.last]
        reach = max(q.last, cue.token_end) + s.lexicon.windows.victims_after + 1
        window_end = _clause_end(s, q.first, min(following + [reach]))
        if cue.token_start >= q.last:
            window_end = max(window_end, cue.token_start)
        victims = _victims(s, q.first, window_end, previous[2] if previous else "unknown", _head(s, q))
        if kind == "displaced" and not _may_be_displaced(s, q, cue, victims):
            continue
        used_cues.add(cue.token_start)
        parts += [m.span for m in s.within("people", _head(s, q), _head(s, q) + 1)]
        figures.append(_figure(s, kind, q.low, q.high, parts, vague=q.vague, approximate=q.approximate,
                               victims=victims, cumulative=cumulative))
        previous = (q, cue, victims)
    return figures, used_cues


def _one_person_figures(s: _Sentence, quantities: list[_Quantity], used_cues: set[int],
                        cumulative: bool) -> list[Figure]:
    """Killings and woundings of one person: "لقي حتفه", or a verb cue with a singular person noun after it."""
    figures = []
    numbered = {i for q in quantities for i in range(q.span_first, q.span_last)}
    w = s.lexicon.windows
    for cue in s.matches["cue"]:
        role, kind = cue.payload
        if cue.token_start in used_cues or kind not in s.lexicon.one_person_kinds or role == "nouns":
            continue
        end = _clause_end(s, cue.token_start, cue.token_end + w.singular_object)
        end = min([end] + [i for i in numbered if i >= cue.token_end])  # a counted group after it is another figure
        if end <= cue.token_end and role != "one_person":
            continue
        persons = s.within("singular_people", cue.token_end, end)
        if role != "one_person" and not persons:
            continue
        # with two person nouns ("قتل قناص من داعش طفلاً") the first is the killer, the last the victim
        last = persons[-1].token_end if persons else cue.token_end
        head = persons[-1].token_start if persons else None
        victims = _victims(s, cue.token_end, _clause_end(s, cue.token_start, last + w.victims_after + 1), "unknown",
                           head=head)
        parts = [cue.span] + [p.span for p in persons[-1:]]
        figures.append(_figure(s, kind, 1, 1, parts, victims=victims, cumulative=cumulative))
    return figures


def extract_figures(text: str, lexicon: CasualtyLexicon, *, start: int = 0, end: int | None = None,
                    doc: Document | None = None) -> list[Figure]:
    """Casualty and displacement figures in text[start:end] (one sentence), in text order, article offsets.

    Bounds: "at least N" / "more than N" give low N and high None (more than 400 thousand is read as
    at least 400 thousand); "about N" gives low = high = N, approximate; "between X and Y" gives X..Y;
    "fewer than N" gives 1..N. Vague words keep the range of numbers.yaml and vague=True.
    """
    end = len(text) if end is None else end
    doc = doc or document_for(text, lexicon.numbers.matcher, *lexicon.matchers.values())
    s = _Sentence(doc.view(start, end), lexicon)
    if not s.tokens:
        return []
    quantities = _quantities(s)
    cumulative = _is_cumulative(s)
    figures, used = _numbered_figures(s, quantities, cumulative)
    figures += _one_person_figures(s, quantities, used, cumulative)
    return sorted(figures, key=lambda f: f.span.start)
