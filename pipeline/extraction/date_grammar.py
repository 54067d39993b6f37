"""The date-expression grammar: one small set of rules over phrase matches and numbers that finds every date
expression of an article (weekdays, أمس, "the past five days", dates, months, milestones, "the second day of the
operations"), unresolved, without overlaps, in text order.

It exists apart from resolution (date_expressions.py) because both the event dates and the publication-date
inference read the same parsed mentions, each anchoring them in its own way.
"""

from __future__ import annotations

import calendar
import re
from functools import lru_cache
from typing import Callable, NamedTuple

from pipeline.extraction.date_lexicon import DateLexicon, RelativeRule, Unit
from pipeline.extraction.document import Document, document_for
from pipeline.extraction.matcher import Clitics, Hit, Match, hit_length, matches_of
from pipeline.extraction.numbers import digit_tokens_of, find_numbers
from pipeline.extraction.positions import bisect_left, bisect_right
from pipeline.extraction.textnorm import NormalisedText, Token
from pipeline.records import Span

CLAUSE_STOP = re.compile(r"[،,.;؛!?؟\n]")
SENTENCE_STOP = re.compile(r"\.(?!\s?\d)|(?<![\d\s])\.|[!?؟\n]")
"""A full stop (not a dot between digits: "1.5 كيلومتر", "19 . 12 . 2016"), a question or exclamation
mark, a line break."""
_DATE_JOINERS = set(" /-()\u200f\u200e")
_YEAR = re.compile(r"(19|20)\d\d")
_NUMERIC_DATES = (
    (re.compile(r"(\d(?<![\d.]\d)\d?) ?([/.\-]) ?(\d{1,2}) ?\2 ?(\d{4})(?![\d.])"), (4, 3, 1)),
    (re.compile(r"(\d(?<![\d.]\d)\d{3}) ?([/.\-]) ?(\d{1,2}) ?\2 ?(\d{1,2})(?![\d.])"), (1, 3, 4)),
)
"""Numeric dates: day-month-year and year-month-day, by slashes, dots or dashes ("5.3.2017", "19 . 12 . 2016"),
not right after a digit or a dot. Each pattern begins with a digit (the check on the character before it comes
after it), so that the search skips from digit to digit instead of trying every position of the text."""
_DIGITS_JOINED = re.compile(r"\d ?[/.\-] ?\d")
"""Two digits joined by a slash, dot or dash: every numeric date holds them."""


class Mention(NamedTuple):
    """A parsed expression before it is resolved against a publication date (a named tuple: the grammar makes
    and remakes dozens per article, and they never leave the date machinery)."""

    kind: str
    span: Span
    tokens: tuple[int, int]
    weekday: int | None = None
    day: int | None = None
    month: int | None = None
    year: int | None = None
    past: bool = False
    rule: RelativeRule | None = None
    amount: int | None = None
    unit: Unit | None = None
    milestone: str | None = None
    reported: bool = False
    statement: bool = False
    """A weekday that dates a statement of the lead ("ذكر مصدر، السبت، أن")."""


def _category(hit: tuple) -> str:
    """The date lexicon's category of a Hit's phrase (its payload's first value), read as the string it is; the hit
    is taken as a plain tuple, as matcher.hit_length takes it."""
    return hit[2][6][0]


class PreparedText:
    """A text prepared for the date grammar: tokens, where its date words start, numbers by token.

    A date word is made a Match only when a rule asks for its category at its token: most of an article's date
    words are ones that only continue a date ("من", "على") and are never asked for.
    """

    def __init__(self, norm: NormalisedText, tokens: list[Token], columns: tuple[list[str], list[int], list[int]],
                 hits: list[Hit], number_at: dict[int, tuple[int, int]], clitics: Clitics, capture_reach: int = 0):
        self.norm = norm
        self.tokens = tokens
        self.words, self.starts, self.ends = columns
        self.hits_at: dict[int, list[Hit]] = {}
        """Token index -> the date words starting there (the lexicon's hits); the keys are in text order."""
        self.triggers_at: dict[int, set[str]] = {i: {NUMBER} for i in number_at}
        """Token index -> the categories starting there that trigger a rule of the grammar (NUMBER for a number)."""
        for hit in hits:
            i, category = hit[0], _category(hit)
            self.hits_at.setdefault(i, []).append(hit)
            if category in _ANY_TRIGGER:  # not a word such as "في", which only continues a date
                self.triggers_at.setdefault(i, set()).add(category)
        self.number_at = number_at
        """Token index -> the number starting there: (value, index of the token after it)."""
        self.clitics = clitics
        self.capture_reach = capture_reach
        """Words allowed between a capture word and the milestone place it names."""
        self._longest: dict[tuple[int, str], Match | None] = {}

    def match(self, i: int, category: str) -> Match | None:
        """The longest match of a category starting at token i (the first of equals)."""
        here = self.hits_at.get(i)
        if here is None:
            return None
        key = (i, category)
        found = self._longest.get(key, _UNSEEN)
        if found is _UNSEEN:
            longest: Hit | None = None
            for hit in here:
                if _category(hit) == category and (longest is None or hit_length(hit) > hit_length(longest)):
                    longest = hit
            found = self._longest[key] = None if longest is None else self._match(longest)
        return found  # type: ignore[return-value]  # a Match or None once the sentinel is replaced

    def starting(self, categories: tuple[str, ...]) -> list[int]:
        """The tokens where a date word of one of the categories starts, in text order (a rule that reads the
        whole article then tries only those, not every date word)."""
        return [i for i, here in self.hits_at.items() if any(_category(hit) in categories for hit in here)]

    def ending_at(self, category: str, i: int, reach: int) -> Match | None:
        """The first word of the category that ends right before token i, starting at most `reach` tokens before."""
        for k in range(max(0, i - reach), i):
            for hit in self.hits_at.get(k, ()):
                if _category(hit) == category and k + hit_length(hit) == i:
                    return self._match(hit)
        return None

    def _match(self, hit: Hit) -> Match:
        return matches_of([hit], self.norm, self.words, self.starts, self.ends)[0]

    def gap(self, i: int, j: int) -> str:
        """Normalised text between the end of token i and the start of token j."""
        return self.norm.text[self.ends[i]:self.starts[j]]

    def tight(self, i: int, j: int) -> bool:
        """Tokens i and j are written together as parts of one date ("29 آذار/ مارس")."""
        return j < len(self.tokens) and set(self.gap(i, j)) <= _DATE_JOINERS

    def plain(self, i: int, j: int) -> bool:
        return j < len(self.tokens) and self.gap(i, j).strip() == ""

    def ends_before(self, category: str, i: int) -> bool:
        """A match of the category ends right before token i."""
        return self.ending_at(category, i, 4) is not None

    def span(self, first: int, end: int, skip: int = 0) -> Span:
        """Original-text span of tokens [first, end), leaving out `skip` attached letters of the first."""
        start, stop = self.norm.to_original(self.starts[first] + skip, self.ends[end - 1])
        return Span(start, stop, self.norm.original[start:stop])

    def number(self, i: int) -> tuple[int, int] | None:
        """(value, next token) of a number at token i; "ال24" reads as 24."""
        return self.number_at.get(i)

    def count(self, i: int, stop: int) -> tuple[int, int] | None:
        """A number written in one or more parts before token `stop` ("الأربع والعشرين" = 24)."""
        total, k = 0, i
        while k < stop:
            part = self.number(k)
            if part is None:
                return None
            total, k = total + part[0], part[1]
        return (total, k) if k > i else None


_UNSEEN = object()


def prepare(analysed: Document, lexicon: DateLexicon) -> PreparedText:
    """The article prepared for the date grammar (once per article: the grammar and the publication date read it)."""
    return analysed.derived(("dates.prepare", id(lexicon)), lambda: _prepare_once(analysed, lexicon))


def _prepare_once(analysed: Document, lexicon: DateLexicon) -> PreparedText:
    view = analysed.view()
    norm, tokens, words = analysed.norm, analysed.tokens, analysed.token_columns[0]
    token_at = analysed.token_at
    article = lexicon.matcher.clitics.article
    number_at: dict[int, tuple[int, int]] = {}
    digits = digit_tokens_of(analysed)
    for i in digits:  # only a word ending in a digit can be one of digits
        number = _digits(words[i], article, i)
        if number is not None:
            number_at[i] = number
    for mention in find_numbers(norm, lexicon.numbers, tokens, words=view.find(lexicon.numbers.matcher),
                                digit_tokens=digits):
        if mention.vague or token_at(mention.span.start) is None:
            continue
        first, last = token_at(mention.span.start), token_at(mention.span.end - 1)
        if last is not None:
            number_at[first] = (mention.value, last + 1)  # type: ignore[index]  # first is a token (checked above)
    hits = analysed.matches.hits[analysed.index.family(lexicon.matcher)]
    return PreparedText(norm, tokens, analysed.token_columns, hits, number_at, lexicon.matcher.clitics,
                        lexicon.capture_reach)


def _digits(word: str, article: str, i: int) -> tuple[int, int] | None:
    """(value, next token) of a token of digits at token i, the article allowed before them ("ال24")."""
    digits = word[len(article):] if word.startswith(article) else word
    return (int(digits), i + 1) if digits.isdigit() else None


def _qualifier(doc: PreparedText, k: int) -> tuple[str | None, int]:
    """A past or future qualifier at token k: ("past" | "future" | None, next token)."""
    for category in ("past", "future"):
        m = doc.match(k, category)
        if m is not None and m.prefix == "" and doc.plain(k - 1, k):
            return category, m.token_end
    return None, k


def _month_at(doc: PreparedText, j: int) -> tuple[int, int, bool, Match] | None:
    """(month, next token, paired, first match) for a month name, or a pair of names, at token j."""
    m = doc.match(j, "month")
    if m is None:
        return None
    k, paired = m.token_end, False
    second = doc.match(k, "month") if k < len(doc.tokens) else None
    if second is not None and second.payload[1] == m.payload[1] and second.prefix == "" and doc.tight(k - 1, k):
        k, paired = second.token_end, True
    return m.payload[1], k, paired, m


def _year_at(doc: PreparedText, k: int) -> tuple[int | None, int]:
    """A year after a month ("آذار 2017", "آذار من عام 2017"): (year, next token)."""
    j = k
    word = doc.match(j, "year_word") if j < len(doc.tokens) else None
    if word is not None and doc.plain(j - 1, j):
        j = word.token_end
    if j < len(doc.tokens) and doc.tight(j - 1, j) and _YEAR.fullmatch(doc.tokens[j].text):
        return int(doc.tokens[j].text), j + 1
    return None, k


def _calendar_date(doc: PreparedText, i: int, lexicon: DateLexicon) -> Mention | None:
    """"29 آذار/ مارس [2017] [الماضي]" or "[شهر] شباط/ فبراير [الماضي]" starting at token i."""
    tok = doc.tokens[i]
    ordinal = doc.match(i, "ordinal")
    day_end = None
    if tok.text.isdigit():
        if len(tok.text) > 2 or not 1 <= int(tok.text) <= 31:
            return None
        j = i + 1
        second = _range_end(doc, i)
        if second is not None:
            day_end, j = second
        found = _month_at(doc, j) if doc.tight(j - 1, j) else None
        if found is None or found[3].prefix or doc.ends_before("name_head", i):
            return None
        day, first, skip = int(tok.text), i, 0
        if day_end is not None and not day < day_end <= 31:
            return None
    elif ordinal is not None and ordinal.token_end < len(doc.tokens):
        # "الخامس والعشرين من نيسان", "التاسع من مايو"
        j = ordinal.token_end
        if doc.tokens[j].text in lexicon.day_month_links and doc.plain(j - 1, j):
            j += 1
        found = _month_at(doc, j) if j < len(doc.tokens) and doc.plain(j - 1, j) else None
        if found is None or found[3].prefix or j == ordinal.token_end:
            return None
        day, first, skip = ordinal.payload[1], i, len(ordinal.prefix)
    else:
        lead = doc.match(i, "month_word")
        j = lead.token_end if lead is not None else i
        if j >= len(doc.tokens) or (lead is not None and not doc.plain(i, j)):
            return None
        found = _month_at(doc, j)
        if found is None or (i > 0 and any(c.isdigit() for c in doc.tokens[i - 1].text) and doc.plain(i - 1, i)):
            return None
        day, first = None, i
        skip = len((lead or found[3]).prefix)
    month, k, paired, first_match = found
    year, k = _year_at(doc, k)
    qualifier, k = _qualifier(doc, k)
    if qualifier == "future":
        return None
    if day is None and first_match.phrase in lexicon.ambiguous_months and not (
            paired or year or qualifier or doc.match(i, "month_word") or doc.ends_before("month_context", i)):
        return None
    if day_end is not None:
        opener = doc.ending_at("range_open", i, 2)
        if opener is not None:
            first, skip = opener.token_start, len(opener.prefix)
        return Mention("date_range", doc.span(first, k, skip), (first, k), day=day, month=month, year=year,
                        amount=day_end, past=qualifier == "past")
    return Mention("explicit_date" if day else "month", doc.span(first, k, skip), (first, k),
                    day=day, month=month, year=year, past=qualifier == "past")


def _range_end(doc: PreparedText, i: int) -> tuple[int, int] | None:
    """The second day of "28 و29", "28-29", "28 إلى 29" after the day at token i: (day, next token)."""
    j = i + 1
    if j >= len(doc.tokens):
        return None
    word = doc.tokens[j].text
    joiner = doc.match(j, "range_join")
    if joiner is not None and joiner.token_end < len(doc.tokens) and doc.plain(i, j):
        nxt = doc.tokens[joiner.token_end].text
        if nxt.isdigit() and len(nxt) <= 2:
            return int(nxt), joiner.token_end + 1
    bare = doc.clitics.without_conjunction(word)
    if bare != word and bare.isdigit() and len(word) <= 3:
        return int(bare), j + 1
    if word.isdigit() and len(word) <= 2 and doc.gap(i, j).strip() in ("-", "–"):
        return int(word), j + 1
    return None


def _weekday(doc: PreparedText, i: int) -> Mention | None:
    m = doc.match(i, "weekday")
    if m is None:
        return None
    qualifier, k = _qualifier(doc, m.token_end)
    if qualifier == "future":
        return None
    return Mention("weekday", doc.span(i, k, len(m.prefix)), (i, k), weekday=m.payload[1], past=qualifier == "past")


def _relative(doc: PreparedText, i: int) -> Mention | None:
    m = doc.match(i, "relative")
    if m is None or (m.token_end < len(doc.tokens) and doc.match(m.token_end, "ordinal") is not None):
        return None
    if m.prefix[-1:] in doc.clitics.prepositions and not m.phrase.startswith(doc.clitics.article):
        return None  # a preposition attaches to a word with the article: "بالأمس", never "لامس" (touched)
    rule = m.payload[1]
    return Mention(rule.name, doc.span(i, m.token_end, len(m.prefix)), (i, m.token_end), rule=rule)


def amount_at(doc: PreparedText, i: int) -> tuple[int, Unit, int] | None:
    """A counted period at token i: "ثلاثة أيام", "يومين", "أسبوع", "24 ساعة" -> (amount, unit, next token)."""
    unit = doc.match(i, "unit")
    if unit is not None:
        form = unit.payload[2]
        if form == "plural":
            return None
        return (2 if form == "dual" else 1), unit.payload[1], unit.token_end
    for stop in range(i + 1, min(i + 4, len(doc.tokens))):
        unit = doc.match(stop, "unit")
        if unit is not None and unit.payload[2] != "dual":
            counted = doc.count(i, stop)
            return (counted[0], unit.payload[1], unit.token_end) if counted else None
    return None


def _past_period(doc: PreparedText, i: int) -> Mention | None:
    """"الأيام الخمسة الماضية", "اليومين الماضيين", "الـ24 ساعة الماضية": N units up to publication."""
    unit = doc.match(i, "unit")
    if unit is not None and unit.payload[2] in ("plural", "dual"):
        k = unit.token_end
        stop = next((s for s in range(k, min(k + 5, len(doc.tokens))) if doc.match(s, "past_marker")), None)
        if stop is None:
            return None
        counted = (2, stop) if unit.payload[2] == "dual" and stop == k else doc.count(k, stop)
        if counted is None:
            return None
        amount, found_unit, first, skip = counted[0], unit.payload[1], i, len(unit.prefix)
    else:
        period = amount_at(doc, i) if doc.number(i) else None
        if period is None or doc.match(period[2], "past_marker") is None:
            return None
        amount, found_unit, stop, first, skip = period[0], period[1], period[2], i, 0
    marker = doc.match(stop, "past_marker")
    end = marker.token_end  # type: ignore[union-attr]  # a past marker is at stop in both branches
    return Mention(f"past_{found_unit.name}s", doc.span(first, end, skip), (first, end), amount=amount, unit=found_unit)


def _counted_from(doc: PreparedText, i: int, category: str) -> tuple[Match, int, Unit, int] | None:
    """A word of the category, an optional approximator, and a counted period."""
    word = doc.match(i, category)
    if word is None or word.token_end >= len(doc.tokens):
        return None
    k = word.token_end
    approx = doc.match(k, "approx")
    if approx is not None:
        k = approx.token_end
    period = amount_at(doc, k) if k < len(doc.tokens) else None
    if period is None:
        return None
    return word, period[0], period[1], period[2]


def _ago_or_since_count(doc: PreparedText, i: int) -> Mention | None:
    """"قبل ثلاثة أيام" (a point back) or "منذ أكثر من شهرين" (a window up to publication)."""
    for category, kind in (("ago", "ago"), ("since", "since")):
        found = _counted_from(doc, i, category)
        if found is not None:
            word, amount, unit, end = found
            return Mention(kind, doc.span(i, end, len(word.prefix)), (i, end), amount=amount, unit=unit)
    return None


def _milestone_at(doc: PreparedText, k: int) -> Match | None:
    """A milestone phrase or an operation name at token k (either names the milestone)."""
    found = [m for m in (doc.match(k, "milestone"), doc.match(k, "operation")) if m is not None]
    return max(found, key=lambda m: m.token_end, default=None)


def _elapsed(doc: PreparedText, i: int) -> Mention | None:
    """"بعد مضي سبعة أشهر على انطلاق حملة الموصل": a point that long after a milestone."""
    found = _counted_from(doc, i, "elapsed")
    if found is None or found[3] >= len(doc.tokens):
        return None
    word, amount, unit, k = found
    link = doc.match(k, "elapsed_link")
    if link is None or link.token_end >= len(doc.tokens):
        return None
    target = _milestone_at(doc, link.token_end)
    if target is None:
        return None
    end = target.token_end
    return Mention("elapsed", doc.span(i, end, len(word.prefix)), (i, end), amount=amount, unit=unit,
                    milestone=target.payload[1])


def _campaign_day(doc: PreparedText, i: int) -> Mention | None:
    """"اليوم الثاني من عمليات تحرير الموصل": the n-th day counted from a milestone."""
    word = doc.match(i, "day_of_operation")
    if word is None or word.token_end >= len(doc.tokens):
        return None
    k = word.token_end
    ordinal = doc.match(k, "ordinal")
    if ordinal is not None:
        n, k = ordinal.payload[1], ordinal.token_end
    elif (number := doc.number(k)) is not None:
        n, k = number
    else:
        return None
    link = doc.match(k, "day_of_link") if k < len(doc.tokens) else None
    if link is not None:
        k = link.token_end
    target = _milestone_at(doc, k) if k < len(doc.tokens) else None
    if target is None or (link is None and target.prefix[-1:] not in doc.clitics.prepositions):
        return None
    end = target.token_end
    return Mention("campaign_day", doc.span(i, end, len(word.prefix)), (i, end), amount=n, milestone=target.payload[1])


def _since_anchor(doc: PreparedText, i: int, lexicon: DateLexicon) -> Mention | None:
    """"منذ انطلاق ..." / "منذ بدأت القوات الهجوم في فبراير شباط": from a milestone or a month to publication."""
    word = doc.match(i, "since")
    if word is None:
        return None
    milestone, date = None, None
    for k in range(word.token_end, min(word.token_end + lexicon.since_reach, len(doc.tokens))):
        if CLAUSE_STOP.search(doc.gap(k - 1, k)):
            break
        if milestone is None:
            found = doc.match(k, "milestone")
            if found is not None:
                milestone = found
                continue
        date = _calendar_date(doc, k, lexicon)
        if date is not None:
            break
        if milestone is not None and k > milestone.token_end + 2:
            break
    if milestone is None and date is None:
        return None
    end = date.tokens[1] if date is not None else milestone.token_end  # type: ignore[union-attr]  # one is found
    return Mention("since", doc.span(i, end, len(word.prefix)), (i, end),
                    milestone=milestone.payload[1] if milestone is not None else None,
                    day=date.day if date else None, month=date.month if date else None,
                    year=date.year if date else None, past=date.past if date else False)


def _milestone(doc: PreparedText, i: int) -> Mention | None:
    m = doc.match(i, "milestone")
    if m is None:
        return _captured(doc, i)
    return Mention("campaign", doc.span(i, m.token_end, len(m.prefix)), (i, m.token_end), milestone=m.payload[1])


def _captured(doc: PreparedText, i: int) -> Mention | None:
    """A milestone place after a capture word of its clause ("حررت القوات الخميس جامعة الموصل"): the
    mention is the place's name, so that a weekday between stays its own expression."""
    place = doc.match(i, "captured_place")
    if place is None:
        return None
    for k in range(i - 1, max(-1, i - 1 - doc.capture_reach), -1):
        if CLAUSE_STOP.search(doc.gap(k, k + 1)):
            return None
        word = doc.match(k, "capture")
        if word is not None and word.token_end <= i:
            return Mention("campaign", doc.span(i, place.token_end, len(place.prefix)), (i, place.token_end),
                            milestone=place.payload[1])
    return None


def _next_day(doc: PreparedText, i: int) -> Mention | None:
    m = doc.match(i, "next_day")
    return None if m is None else Mention("next_day", doc.span(i, m.token_end, len(m.prefix)), (i, m.token_end))


def _blocker(doc: PreparedText, i: int) -> Mention | None:
    m = doc.match(i, "blocker")
    return None if m is None else Mention("blocked", doc.span(i, m.token_end, len(m.prefix)), (i, m.token_end))


def _numeric_dates(doc: PreparedText) -> list[Mention]:
    """"29/3/2017" and "2017-03-29"."""
    found: list[Mention] = []
    if not _DIGITS_JOINED.search(doc.norm.text):
        return found  # one search for what both patterns need, instead of both
    for pattern, (y, m, d) in _NUMERIC_DATES:
        for hit in pattern.finditer(doc.norm.text):
            if not valid_date(int(hit.group(y)), int(hit.group(m)), int(hit.group(d))):
                continue
            start, end = doc.norm.to_original(hit.start(), hit.end())
            first, last = bisect_right(doc.ends, hit.start()), bisect_left(doc.starts, hit.end())
            found.append(Mention("explicit_date", Span(start, end, doc.norm.original[start:end]), (first, last),
                                  day=int(hit.group(d)), month=int(hit.group(m)), year=int(hit.group(y))))
    return found


NUMBER = "number"
"""The trigger of the rules that may start at a number."""
_GRAMMAR = (
    (_blocker, {"blocker"}), (_next_day, {"next_day"}), (_weekday, {"weekday"}), (_relative, {"relative"}),
    (_past_period, {"unit", NUMBER}), (_ago_or_since_count, {"ago", "since"}), (_elapsed, {"elapsed"}),
    (_campaign_day, {"day_of_operation"}), (_milestone, {"milestone", "captured_place"}),
)
"""The rules of the grammar with the categories one of which must start at their first token (each finds nothing
without one): the scan runs at each token only the rules it can trigger."""
_CALENDAR_DATE_TRIGGERS = {"ordinal", "month_word", "month", NUMBER}
_SINCE_ANCHOR_TRIGGERS = {"since"}
_ANY_TRIGGER = frozenset().union(*(needed for _, needed in _GRAMMAR), _CALENDAR_DATE_TRIGGERS, _SINCE_ANCHOR_TRIGGERS)


def _reported(doc: PreparedText, mention: Mention, lexicon: DateLexicon, stops: re.Pattern = CLAUSE_STOP) -> bool:
    """A verb of saying stands a few words before the mention, in the same clause (or, with
    stops=SENTENCE_STOP, set off by commas: "ذكر مصدر أمني، السبت، أن")."""
    first = mention.tokens[0]
    for k in range(max(0, first - lexicon.report_reach), first):
        if doc.match(k, "report_verb") is not None and not any(
                stops.search(doc.gap(j, j + 1)) for j in range(k, first)):
            return True
    return False


def scan(analysed: Document, lexicon: DateLexicon) -> tuple[Mention, ...]:
    """Every date expression of an article, unresolved, without overlaps (the longest wins), in text order."""
    return analysed.derived(("dates.scan", id(lexicon)), lambda: _scan_once(analysed, lexicon))


def _scan_once(analysed: Document, lexicon: DateLexicon) -> tuple[Mention, ...]:
    doc = prepare(analysed, lexicon)
    candidates = _numeric_dates(doc)
    for i in sorted(doc.triggers_at):  # every rule starts at a date word of its categories or at a number
        rules, calendar_date, since_anchor = _rules_at(frozenset(doc.triggers_at[i]))
        found = [rule(doc, i) for rule in rules]
        if calendar_date:
            found.append(_calendar_date(doc, i, lexicon))
        if since_anchor:
            found.append(_since_anchor(doc, i, lexicon))
        candidates += [m for m in found if m is not None]
    chosen: list[Mention] = []
    for m in sorted(candidates, key=lambda m: (-(m.span.end - m.span.start), m.span.start)):
        if all(m.span.end <= c.span.start or m.span.start >= c.span.end for c in chosen):
            chosen.append(m)
    kept: list[Mention] = []
    for m in sorted(chosen, key=lambda m: m.span.start):
        if m.kind == "blocked":
            continue
        reported = _reported(doc, m, lexicon)
        statement = m.kind == "weekday" and _reported(doc, m, lexicon, SENTENCE_STOP)
        kept.append(m._replace(reported=reported, statement=statement) if reported or statement else m)
    return tuple(kept)


@lru_cache(maxsize=None)
def _rules_at(triggers: frozenset[str]) -> tuple[tuple[Callable[[PreparedText, int], Mention | None], ...], bool, bool]:
    """The rules to run at a token where words of these categories (or a number) start: the grammar's rules that
    one of them triggers, in order, and whether the calendar-date and the since-anchor rules run."""
    return (tuple(rule for rule, needed in _GRAMMAR if not triggers.isdisjoint(needed)),
            not triggers.isdisjoint(_CALENDAR_DATE_TRIGGERS), not triggers.isdisjoint(_SINCE_ANCHOR_TRIGGERS))


def valid_date(year: int, month: int, day: int) -> bool:
    """The day exists in that month of that year."""
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def date_document(text: str, lexicon: DateLexicon) -> Document:
    """An article analysed for the date words and numbers alone (when the caller passes no Document)."""
    return document_for(text, lexicon.matcher, lexicon.numbers.matcher)
