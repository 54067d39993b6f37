"""Dates in Arabic war reports: temporal expressions, publication-date inference, event-date windows.

Every date is a window with a precision, anchored on the publication date (weekdays, أمس, "the past five
days") or on the campaign calendar (milestones, "the second day of the operations"). The words are data
(data/lexicon/<lang>/dates.yaml, data/campaigns/<campaign>/calendar.csv and calendar_phrases.yaml);
this module holds one small grammar over phrase matches.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from pipeline.campaign import Campaign
from pipeline.extraction.document import Document, document_for
from pipeline.errors import DataFileError
from pipeline.extraction.matcher import Clitics, Match, PhraseMatcher
from pipeline.extraction.numbers import NumberLexicon, find_numbers, load_number_lexicon
from pipeline.records import DatePrecision, DateWindow, Span
from pipeline.resources import load_clitics, load_yaml
from pipeline.extraction.textnorm import NormalisedText, Token, normalise, tokenize

_CLAUSE_STOP = re.compile(r"[،,.;؛!?؟\n]")
_SENTENCE_STOP = re.compile(r"\.(?!\s?\d)|(?<![\d\s])\.|[!?؟\n]")
"""A full stop (not a dot between digits: "1.5 كيلومتر", "19 . 12 . 2016"), a question or exclamation
mark, a line break."""
_DATE_JOINERS = set(" /-()\u200f\u200e")
_YEAR = re.compile(r"(19|20)\d\d")
_TODAY = "اليوم"
_DATELINE_TOKENS = 8
_MILESTONE_REPORT_DAYS = 2
"""A milestone told with the report's weekday dates the report only when that weekday is this close after it."""
"""A date among the first words of an article is its dateline ("بغداد 10 مايو 2017 /")."""
"""A weekday written after it ("اليوم السبت") names the report's own day."""
_NUMERIC_DATES = (
    (re.compile(r"(?<![\d.])(\d{1,2}) ?([/.\-]) ?(\d{1,2}) ?\2 ?(\d{4})(?![\d.])"), (4, 3, 1)),
    (re.compile(r"(?<![\d.])(\d{4}) ?([/.\-]) ?(\d{1,2}) ?\2 ?(\d{1,2})(?![\d.])"), (1, 3, 4)),
)
"""Numeric dates: day-month-year and year-month-day, by slashes, dots or dashes ("5.3.2017", "19 . 12 . 2016")."""


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class RelativeRule:
    """A fixed expression counted back from the publication day (dates.yaml `relative`)."""

    name: str
    days: tuple[int, int] | None
    """Days before publication (from, to); 0 is the publication day."""
    month: int | None
    """Calendar month relative to the publication month (-1 = the month before)."""
    precision: DatePrecision
    cumulative: bool


@dataclass(frozen=True)
class Unit:
    """A unit of counted periods (hours, days, weeks, months)."""

    name: str
    days: int = 0
    hours: int = 0
    months: int = 0


@dataclass(frozen=True, eq=False)
class DateLexicon:
    """Date words of one language and the calendar of one campaign, compiled into one phrase matcher."""

    matcher: PhraseMatcher
    numbers: NumberLexicon
    milestones: dict[str, dt.date]
    offensive_starts: tuple[str, ...]
    ambiguous_months: frozenset[str]
    campaign_window: tuple[dt.date, dt.date] | None
    since_reach: int
    report_reach: int
    trailing_asides: tuple[str, ...] = ()
    """Words allowed between a clause and an adverbial date that follows it ("في وقت سابق")."""
    recalled_milestones: tuple[str, ...] = ()
    """Milestones whose day reports recall as background: their date anchors no publication date."""
    capture_reach: int = 0


def _phrases(path: Path, value, what: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
        raise DataFileError(path, f"{what}: expected a list of phrases, got {value!r}")
    return value


def _lexicon_entries(path: Path, data: dict, article: str) -> list[tuple[str, tuple]]:
    """(phrase, (category, value)) pairs of dates.yaml."""
    entries: list[tuple[str, tuple]] = []
    leads = _phrases(path, data["times_of_day"], "times_of_day") + _phrases(path, data["day_word"], "day_word")
    day_words = _phrases(path, data["day_word"], "day_word")
    for index, names in data["weekdays"].items():
        if int(index) not in range(7):
            raise DataFileError(path, f"weekdays: index {index} is not 0..6 (Monday = 0)")
        for name in _phrases(path, names, f"weekdays {index}"):
            forms = [name] + [f"{lead} {name}" for lead in leads] + [f"{lead} {day} {name}" for lead in leads for day in day_words]
            entries += [(form, ("weekday", int(index))) for form in forms]
    for number, names in data["months"].items():
        if int(number) not in range(1, 13):
            raise DataFileError(path, f"months: {number} is not 1..12")
        entries += [(name, ("month", int(number))) for name in _phrases(path, names, f"months {number}")]
    for name, rule in data["relative"].items():
        try:
            days = tuple(int(d) for d in rule["days"]) if "days" in rule else None
            month = int(rule["month"]) if "month" in rule else None
            payload = RelativeRule(name, days, month, DatePrecision(rule["precision"]), bool(rule.get("cumulative", False)))
        except (KeyError, TypeError, ValueError) as err:
            raise DataFileError(path, f"relative {name}: expected days or month, and a precision: {err}") from err
        if (days is None) == (month is None):
            raise DataFileError(path, f"relative {name}: give exactly one of days, month")
        entries += [(p, ("relative", payload)) for p in _phrases(path, rule["phrases"], f"relative {name}")]
    for name, spec in data["units"].items():
        unit = Unit(name, int(spec.get("days", 0)), int(spec.get("hours", 0)), int(spec.get("months", 0)))
        for form in ("singular", "dual", "plural"):
            for word in _phrases(path, spec[form], f"units {name} {form}"):
                entries += [(word, ("unit", unit, form)), (article + word, ("unit", unit, form))]
    simple = {"month_word": "month_word", "year_word": "year_word", "name_heads": "name_head",
              "past_qualifiers": "past", "future_qualifiers": "future", "blockers": "blocker",
              "past_markers": "past_marker", "ago_words": "ago", "since_words": "since",
              "approximators": "approx", "elapsed_words": "elapsed", "elapsed_links": "elapsed_link",
              "report_verbs": "report_verb", "month_context": "month_context", "next_day": "next_day",
              "day_range_openers": "range_open", "day_range_joiners": "range_join", "topic_shifts": "topic_shift",
              "day_count_verbs": "day_count_verb", "capture_words": "capture"}
    for key, category in simple.items():
        entries += [(p, (category, None)) for p in _phrases(path, data[key], key)]
    return entries


def _calendar_entries(data, milestones: dict[str, dt.date]) -> list[tuple[str, tuple]]:
    """(phrase, (category, milestone_id)) pairs of the campaign's calendar_phrases.yaml (validated with the campaign)."""
    return [(p, (category, milestone_id)) for category, key in (("milestone", "milestones"), ("operation", "operations"),
                                                               ("captured_place", "captured_places"))
            for milestone_id, phrases in (data.get(key) or {}).items() if milestone_id in milestones for p in phrases]


def _day_count_entries(path: Path, data: dict) -> list[tuple[str, tuple]]:
    """Ordinals and day words of "اليوم الثاني من ..." (dates.yaml: language data)."""
    entries = []
    for number, words in data["ordinals"].items():
        entries += [(w, ("ordinal", int(number))) for w in _phrases(path, words, f"ordinals {number}")]
    entries += [(w, ("day_of_operation", None)) for w in _phrases(path, data["day_of_operation"], "day_of_operation")]
    entries += [(w, ("day_of_link", None)) for w in _phrases(path, data["day_of_links"], "day_of_links")]
    return entries


@lru_cache(maxsize=None)
def load_date_lexicon(campaign: Campaign) -> DateLexicon:
    """Compile the language's dates.yaml with the campaign's calendar, calendar phrases and window into a DateLexicon."""
    lexicon_dir = campaign.lexicon_dir
    words_path = lexicon_dir / "dates.yaml"
    words = load_yaml(words_path)
    clitics = load_clitics(lexicon_dir)
    milestones = campaign.milestone_dates()
    try:
        entries = _lexicon_entries(words_path, words, clitics.article) + _day_count_entries(words_path, words)
        reach = int(words["since_reach"]), int(words["report_reach"])
        ambiguous = frozenset(normalise(w).text for w in _phrases(words_path, words["ambiguous_months"], "ambiguous_months"))
    except (KeyError, TypeError, AttributeError, ValueError) as err:
        raise DataFileError(words_path, f"missing or malformed entry: {err}") from err
    entries += _calendar_entries(campaign.calendar_phrases, milestones)
    starts = tuple(campaign.calendar_phrases.get("offensive_starts") or ())
    recalled = tuple(campaign.calendar_phrases.get("recalled_milestones") or ())
    asides = tuple(_phrases(words_path, words["trailing_asides"], "trailing_asides"))
    return DateLexicon(PhraseMatcher(entries, clitics), load_number_lexicon(lexicon_dir), milestones, starts,
                       ambiguous, campaign.window, *reach, asides, recalled, int(words["capture_reach"]))


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class TemporalExpression:
    """A date expression of an article with the window it resolves to."""

    span: Span
    """Article offsets: text[span.start:span.end] == span.text."""
    window: DateWindow
    kind: str
    """weekday, today, yesterday, day_before_yesterday, last_night, past_hours, past_days, past_weeks,
    past_months, last_week, this_week, last_month, this_month, explicit_date, month, campaign,
    campaign_day, elapsed, ago, since."""
    reported: bool = False
    """True when the date follows a verb of saying: the day of a statement, not necessarily of the event."""


@dataclass(frozen=True)
class PublicationDate:
    """A publication date inferred from the text, and how."""

    date: dt.date | None
    precision: DatePrecision
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class _Mention:
    """A parsed expression before it is resolved against a publication date."""

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


# --------------------------------------------------------------------------- scanning


@dataclass(frozen=True)
class _Doc:
    """A text prepared for the date grammar: tokens, phrase matches by first token, numbers by token."""

    norm: NormalisedText
    tokens: list[Token]
    matches: dict[int, list[Match]]
    numbers: dict[int, tuple[int, int]]
    """Token index -> (value, index of the token after the number)."""
    clitics: Clitics
    longest: dict[tuple[int, str], Match]
    """(token index, category) -> the longest match of the category starting there (the first of equals)."""
    capture_reach: int = 0
    """Words allowed between a capture word and the milestone place it names."""

    def match(self, i: int, category: str) -> Match | None:
        """The longest match of a category starting at token i."""
        return self.longest.get((i, category))

    def gap(self, i: int, j: int) -> str:
        """Normalised text between the end of token i and the start of token j."""
        return self.norm.text[self.tokens[i].end:self.tokens[j].start]

    def tight(self, i: int, j: int) -> bool:
        """Tokens i and j are written together as parts of one date ("29 آذار/ مارس")."""
        return j < len(self.tokens) and set(self.gap(i, j)) <= _DATE_JOINERS

    def plain(self, i: int, j: int) -> bool:
        return j < len(self.tokens) and self.gap(i, j).strip() == ""

    def ends_before(self, category: str, i: int) -> bool:
        """A match of the category ends right before token i."""
        return any(m.payload[0] == category and m.token_end == i
                   for k in range(max(0, i - 4), i) for m in self.matches.get(k, ()))

    def span(self, first: int, end: int, skip: int = 0) -> Span:
        """Original-text span of tokens [first, end), leaving out `skip` attached letters of the first."""
        start, stop = self.norm.to_original(self.tokens[first].start + skip, self.tokens[end - 1].end)
        return Span(start, stop, self.norm.original[start:stop])

    def number(self, i: int) -> tuple[int, int] | None:
        """(value, next token) of a number at token i; "ال24" reads as 24."""
        if i >= len(self.tokens):
            return None
        if i in self.numbers:
            return self.numbers[i]
        word = self.tokens[i].text
        digits = word[len(self.clitics.article):] if word.startswith(self.clitics.article) else word
        return (int(digits), i + 1) if digits.isdigit() else None

    def count(self, i: int, stop: int) -> tuple[int, int] | None:
        """A number written in one or more parts before token `stop` ("الأربع والعشرين" = 24)."""
        total, k = 0, i
        while k < stop:
            part = self.number(k)
            if part is None:
                return None
            total, k = total + part[0], part[1]
        return (total, k) if k > i else None


def _prepare(analysed: Document, lexicon: DateLexicon) -> _Doc:
    view = analysed.view()
    norm, tokens = view.norm, view.tokens
    matches: dict[int, list[Match]] = {}
    longest: dict[tuple[int, str], Match] = {}
    for m in view.find_all(lexicon.matcher):
        matches.setdefault(m.token_start, []).append(m)
        key = (m.token_start, m.payload[0])
        if key not in longest or m.token_end > longest[key].token_end:
            longest[key] = m
    original_starts = [norm.offsets[tok.start] for tok in tokens]
    original_ends = [norm.offsets[tok.end - 1] + 1 for tok in tokens]

    def token_at(offset: int) -> int | None:
        """The token whose original characters include the offset."""
        k = bisect.bisect_right(original_starts, offset) - 1
        return k if k >= 0 and offset < original_ends[k] else None

    numbers = {}
    for mention in find_numbers(norm, lexicon.numbers, tokens, words=view.find(lexicon.numbers.matcher)):
        if mention.vague or token_at(mention.span.start) is None:
            continue
        first, last = token_at(mention.span.start), token_at(mention.span.end - 1)
        if last is not None:
            numbers[first] = (mention.value, last + 1)
    return _Doc(norm, tokens, matches, numbers, lexicon.matcher.clitics, longest, lexicon.capture_reach)


def _qualifier(doc: _Doc, k: int) -> tuple[str | None, int]:
    """A past or future qualifier at token k: ("past" | "future" | None, next token)."""
    for category in ("past", "future"):
        m = doc.match(k, category)
        if m is not None and m.prefix == "" and doc.plain(k - 1, k):
            return category, m.token_end
    return None, k


def _month_at(doc: _Doc, j: int) -> tuple[int, int, bool, Match] | None:
    """(month, next token, paired, first match) for a month name, or a pair of names, at token j."""
    m = doc.match(j, "month")
    if m is None:
        return None
    k, paired = m.token_end, False
    second = doc.match(k, "month") if k < len(doc.tokens) else None
    if second is not None and second.payload[1] == m.payload[1] and second.prefix == "" and doc.tight(k - 1, k):
        k, paired = second.token_end, True
    return m.payload[1], k, paired, m


def _year_at(doc: _Doc, k: int) -> tuple[int | None, int]:
    """A year after a month ("آذار 2017", "آذار من عام 2017"): (year, next token)."""
    j = k
    word = doc.match(j, "year_word") if j < len(doc.tokens) else None
    if word is not None and doc.plain(j - 1, j):
        j = word.token_end
    if j < len(doc.tokens) and doc.tight(j - 1, j) and _YEAR.fullmatch(doc.tokens[j].text):
        return int(doc.tokens[j].text), j + 1
    return None, k


def _calendar_date(doc: _Doc, i: int, lexicon: DateLexicon) -> _Mention | None:
    """"29 آذار/ مارس [2017] [الماضي]" or "[شهر] شباط/ فبراير [الماضي]" starting at token i."""
    tok = doc.tokens[i]
    ordinal = doc.match(i, "ordinal")
    day_end = None
    if tok.text.isdigit():
        if len(tok.text) > 2 or not 1 <= int(tok.text) <= 31 or doc.ends_before("name_head", i):
            return None
        j = i + 1
        second = _range_end(doc, i)
        if second is not None:
            day_end, j = second
        found = _month_at(doc, j) if doc.tight(j - 1, j) else None
        if found is None or found[3].prefix:
            return None
        day, first, skip = int(tok.text), i, 0
        if day_end is not None and not day < day_end <= 31:
            return None
    elif ordinal is not None and ordinal.token_end < len(doc.tokens):
        # "الخامس والعشرين من نيسان", "التاسع من مايو"
        j = ordinal.token_end
        if doc.tokens[j].text == "من" and doc.plain(j - 1, j):
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
        opener = next((m for k0 in range(max(0, i - 2), i) for m in doc.matches.get(k0, ())
                       if m.payload[0] == "range_open" and m.token_end == i), None)
        if opener is not None:
            first, skip = opener.token_start, len(opener.prefix)
        return _Mention("date_range", doc.span(first, k, skip), (first, k), day=day, month=month, year=year,
                        amount=day_end, past=qualifier == "past")
    return _Mention("explicit_date" if day else "month", doc.span(first, k, skip), (first, k),
                    day=day, month=month, year=year, past=qualifier == "past")


def _range_end(doc: _Doc, i: int) -> tuple[int, int] | None:
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
    if word[:1] in ("و",) and word[1:].isdigit() and len(word) <= 3:
        return int(word[1:]), j + 1
    if word.isdigit() and len(word) <= 2 and doc.gap(i, j).strip() in ("-", "–"):
        return int(word), j + 1
    return None


def _weekday(doc: _Doc, i: int) -> _Mention | None:
    m = doc.match(i, "weekday")
    if m is None:
        return None
    qualifier, k = _qualifier(doc, m.token_end)
    if qualifier == "future":
        return None
    return _Mention("weekday", doc.span(i, k, len(m.prefix)), (i, k), weekday=m.payload[1], past=qualifier == "past")


def _relative(doc: _Doc, i: int) -> _Mention | None:
    m = doc.match(i, "relative")
    if m is None or (m.token_end < len(doc.tokens) and doc.match(m.token_end, "ordinal") is not None):
        return None
    if m.prefix[-1:] in doc.clitics.prepositions and not m.phrase.startswith(doc.clitics.article):
        return None  # a preposition attaches to a word with the article: "بالأمس", never "لامس" (touched)
    rule = m.payload[1]
    return _Mention(rule.name, doc.span(i, m.token_end, len(m.prefix)), (i, m.token_end), rule=rule)


def _amount(doc: _Doc, i: int) -> tuple[int, Unit, int] | None:
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


def _past_period(doc: _Doc, i: int) -> _Mention | None:
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
        period = _amount(doc, i) if doc.number(i) else None
        if period is None or doc.match(period[2], "past_marker") is None:
            return None
        amount, found_unit, stop, first, skip = period[0], period[1], period[2], i, 0
    marker = doc.match(stop, "past_marker")
    end = marker.token_end
    return _Mention(f"past_{found_unit.name}s", doc.span(first, end, skip), (first, end), amount=amount, unit=found_unit)


def _counted_from(doc: _Doc, i: int, category: str) -> tuple[Match, int, Unit, int] | None:
    """A word of the category, an optional approximator, and a counted period."""
    word = doc.match(i, category)
    if word is None or word.token_end >= len(doc.tokens):
        return None
    k = word.token_end
    approx = doc.match(k, "approx")
    if approx is not None:
        k = approx.token_end
    period = _amount(doc, k) if k < len(doc.tokens) else None
    if period is None:
        return None
    return word, period[0], period[1], period[2]


def _ago_or_since_count(doc: _Doc, i: int) -> _Mention | None:
    """"قبل ثلاثة أيام" (a point back) or "منذ أكثر من شهرين" (a window up to publication)."""
    for category, kind in (("ago", "ago"), ("since", "since")):
        found = _counted_from(doc, i, category)
        if found is not None:
            word, amount, unit, end = found
            return _Mention(kind, doc.span(i, end, len(word.prefix)), (i, end), amount=amount, unit=unit)
    return None


def _milestone_at(doc: _Doc, k: int) -> Match | None:
    """A milestone phrase or an operation name at token k (either names the milestone)."""
    found = [m for m in (doc.match(k, "milestone"), doc.match(k, "operation")) if m is not None]
    return max(found, key=lambda m: m.token_end, default=None)


def _elapsed(doc: _Doc, i: int) -> _Mention | None:
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
    return _Mention("elapsed", doc.span(i, end, len(word.prefix)), (i, end), amount=amount, unit=unit,
                    milestone=target.payload[1])


def _campaign_day(doc: _Doc, i: int) -> _Mention | None:
    """"اليوم الثاني من عمليات تحرير الموصل": the n-th day counted from a milestone."""
    word = doc.match(i, "day_of_operation")
    if word is None or word.token_end >= len(doc.tokens):
        return None
    k = word.token_end
    ordinal = doc.match(k, "ordinal")
    if ordinal is not None:
        n, k = ordinal.payload[1], ordinal.token_end
    elif doc.number(k):
        n, k = doc.number(k)
    else:
        return None
    link = doc.match(k, "day_of_link") if k < len(doc.tokens) else None
    if link is not None:
        k = link.token_end
    target = _milestone_at(doc, k) if k < len(doc.tokens) else None
    if target is None or (link is None and target.prefix[-1:] not in doc.clitics.prepositions):
        return None
    end = target.token_end
    return _Mention("campaign_day", doc.span(i, end, len(word.prefix)), (i, end), amount=n, milestone=target.payload[1])


def _since_anchor(doc: _Doc, i: int, lexicon: DateLexicon) -> _Mention | None:
    """"منذ انطلاق ..." / "منذ بدأت القوات الهجوم في فبراير شباط": from a milestone or a month to publication."""
    word = doc.match(i, "since")
    if word is None:
        return None
    milestone, date = None, None
    for k in range(word.token_end, min(word.token_end + lexicon.since_reach, len(doc.tokens))):
        if _CLAUSE_STOP.search(doc.gap(k - 1, k)):
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
    end = date.tokens[1] if date is not None else milestone.token_end
    return _Mention("since", doc.span(i, end, len(word.prefix)), (i, end),
                    milestone=milestone.payload[1] if milestone is not None else None,
                    day=date.day if date else None, month=date.month if date else None,
                    year=date.year if date else None, past=date.past if date else False)


def _milestone(doc: _Doc, i: int) -> _Mention | None:
    m = doc.match(i, "milestone")
    if m is None:
        return _captured(doc, i)
    return _Mention("campaign", doc.span(i, m.token_end, len(m.prefix)), (i, m.token_end), milestone=m.payload[1])


def _captured(doc: _Doc, i: int) -> _Mention | None:
    """A milestone place after a capture word of its clause ("حررت القوات الخميس جامعة الموصل"): the
    mention is the place's name, so that a weekday between stays its own expression."""
    place = doc.match(i, "captured_place")
    if place is None:
        return None
    for k in range(i - 1, max(-1, i - 1 - doc.capture_reach), -1):
        if _CLAUSE_STOP.search(doc.gap(k, k + 1)):
            return None
        word = doc.match(k, "capture")
        if word is not None and word.token_end <= i:
            return _Mention("campaign", doc.span(i, place.token_end, len(place.prefix)), (i, place.token_end),
                            milestone=place.payload[1])
    return None


def _next_day(doc: _Doc, i: int) -> _Mention | None:
    m = doc.match(i, "next_day")
    return None if m is None else _Mention("next_day", doc.span(i, m.token_end, len(m.prefix)), (i, m.token_end))


def _blocker(doc: _Doc, i: int) -> _Mention | None:
    m = doc.match(i, "blocker")
    return None if m is None else _Mention("blocked", doc.span(i, m.token_end, len(m.prefix)), (i, m.token_end))


def _numeric_dates(doc: _Doc) -> list[_Mention]:
    """"29/3/2017" and "2017-03-29"."""
    found = []
    for pattern, (y, m, d) in _NUMERIC_DATES:
        for hit in pattern.finditer(doc.norm.text):
            if not _valid(int(hit.group(y)), int(hit.group(m)), int(hit.group(d))):
                continue
            start, end = doc.norm.to_original(hit.start(), hit.end())
            first = next(k for k, t in enumerate(doc.tokens) if t.end > hit.start())
            last = next((k for k, t in enumerate(doc.tokens) if t.start >= hit.end()), len(doc.tokens))
            found.append(_Mention("explicit_date", Span(start, end, doc.norm.original[start:end]), (first, last),
                                  day=int(hit.group(d)), month=int(hit.group(m)), year=int(hit.group(y))))
    return found


_GRAMMAR = (_blocker, _next_day, _weekday, _relative, _past_period, _ago_or_since_count, _elapsed, _campaign_day,
            _milestone)


def _reported(doc: _Doc, mention: _Mention, lexicon: DateLexicon, stops: re.Pattern = _CLAUSE_STOP) -> bool:
    """A verb of saying stands a few words before the mention, in the same clause (or, with
    stops=_SENTENCE_STOP, set off by commas: "ذكر مصدر أمني، السبت، أن")."""
    first = mention.tokens[0]
    for k in range(max(0, first - lexicon.report_reach), first):
        if doc.match(k, "report_verb") is not None and not any(
                stops.search(doc.gap(j, j + 1)) for j in range(k, first)):
            return True
    return False


def _scan(analysed: Document, lexicon: DateLexicon) -> tuple[_Mention, ...]:
    """Every date expression of an article, unresolved, without overlaps (the longest wins), in text order."""
    return analysed.derived(("dates.scan", id(lexicon)), lambda: _scan_once(analysed, lexicon))


def _scan_once(analysed: Document, lexicon: DateLexicon) -> tuple[_Mention, ...]:
    doc = _prepare(analysed, lexicon)
    candidates = _numeric_dates(doc)
    for i in range(len(doc.tokens)):
        if i not in doc.matches and doc.number(i) is None:
            continue  # every rule starts at a word of the date lexicon or at a number
        candidates += [m for m in (rule(doc, i) for rule in _GRAMMAR) if m is not None]
        candidates += [m for m in (_calendar_date(doc, i, lexicon), _since_anchor(doc, i, lexicon)) if m is not None]
    chosen: list[_Mention] = []
    for m in sorted(candidates, key=lambda m: (-(m.span.end - m.span.start), m.span.start)):
        if all(m.span.end <= c.span.start or m.span.start >= c.span.end for c in chosen):
            chosen.append(m)
    return tuple(replace(m, reported=_reported(doc, m, lexicon),
                         statement=m.kind == "weekday" and _reported(doc, m, lexicon, _SENTENCE_STOP))
                 for m in sorted(chosen, key=lambda m: m.span.start) if m.kind != "blocked")


# --------------------------------------------------------------------------- resolution


def _shift(day: dt.date, unit: Unit, amount: int) -> dt.date:
    """`amount` units after `day` (negative: before); hours count as whole days."""
    if unit.months:
        months = day.month - 1 + unit.months * amount
        year, month = day.year + months // 12, months % 12 + 1
        return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    days = unit.days * amount
    if unit.hours:
        whole_days = -(-unit.hours * abs(amount) // 24)
        days += whole_days if amount >= 0 else -whole_days
    return day + dt.timedelta(days=days)


def _around(point: dt.date, unit: Unit) -> tuple[dt.date, dt.date, DatePrecision]:
    """The window a counted point stands for: a day for days, +-3 days for weeks, +-2 weeks for months."""
    if unit.months:
        return point - dt.timedelta(days=14), point + dt.timedelta(days=14), DatePrecision.MONTH
    if unit.days >= 7:
        return point - dt.timedelta(days=3), point + dt.timedelta(days=3), DatePrecision.WEEK
    return point, point, DatePrecision.DAY


def _month_window(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _calendar_year(m: _Mention, published: dt.date | None, campaign: tuple[dt.date, dt.date] | None) -> int | None:
    """The year of a date or month written without one: on or before publication, else inside the campaign."""
    if m.year:
        return m.year
    day = m.day or 1
    if published is not None:
        year = published.year
        if (m.month, day) > (published.month, published.day) or (m.past and m.day is None and m.month == published.month):
            year -= 1
        return year
    if campaign is not None:
        years = [y for y in range(campaign[0].year, campaign[1].year + 1)
                 if _valid(y, m.month, day) and _meets_campaign(y, m, campaign)]
        return years[0] if len(years) == 1 else None
    return None


def _meets_campaign(year: int, m: _Mention, campaign: tuple[dt.date, dt.date]) -> bool:
    """The day (or the month) in that year falls (or overlaps) inside the campaign window."""
    start, end = _month_window(year, m.month) if m.day is None else (dt.date(year, m.month, m.day),) * 2
    return start <= campaign[1] and campaign[0] <= end


def _valid(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _calendar_window(m: _Mention, published, campaign) -> tuple[dt.date, dt.date, DatePrecision] | None:
    """The window of an explicit date or a month."""
    year = _calendar_year(m, published, campaign)
    if year is None or not _valid(year, m.month, m.day or 1):
        return None
    if m.day:
        day = dt.date(year, m.month, m.day)
        return day, day, DatePrecision.DAY
    return *_month_window(year, m.month), DatePrecision.MONTH


def _since_start(m: _Mention, published, lexicon: DateLexicon) -> dt.date | None:
    """Where a since-window begins: its milestone, the offensive that began in its month, or the date."""
    if m.milestone is not None and m.month is None:
        return lexicon.milestones[m.milestone]
    window = _calendar_window(m, published, lexicon.campaign_window)
    if window is None:
        return lexicon.milestones.get(m.milestone) if m.milestone else None
    start, end, precision = window
    if precision == DatePrecision.DAY:
        return start
    if m.milestone is not None and start <= lexicon.milestones[m.milestone] <= end:
        return lexicon.milestones[m.milestone]
    starts = [lexicon.milestones[s] for s in lexicon.offensive_starts if start <= lexicon.milestones[s] <= end]
    return max(starts) if starts else start


def _raw_window(m: _Mention, published: dt.date | None, lexicon: DateLexicon,
                until: dt.date | None) -> tuple[dt.date | None, dt.date | None, DatePrecision, bool] | None:
    """(start, end, precision, cumulative) of a mention, before clipping; None when it cannot be resolved."""
    if m.kind in ("explicit_date", "month"):
        window = _calendar_window(m, published, lexicon.campaign_window)
        return None if window is None else (*window, False)
    if m.kind == "date_range":
        window = _calendar_window(replace(m, day=m.amount), published, lexicon.campaign_window)
        if window is None:
            return None
        last = window[0]
        return last.replace(day=m.day), last, DatePrecision.RANGE, False
    if m.kind == "next_day":
        return None  # resolved from the day before it, in find_temporal_expressions
    if m.kind == "campaign":
        day = lexicon.milestones[m.milestone]
        return day, day, DatePrecision.DAY, False
    if m.kind == "campaign_day":
        day = lexicon.milestones[m.milestone] + dt.timedelta(days=m.amount - 1)
        return day, day, DatePrecision.DAY, False
    if m.kind == "elapsed":
        return (*_around(_shift(lexicon.milestones[m.milestone], m.unit, m.amount), m.unit), False)
    if m.kind == "since" and m.unit is None:
        start = _since_start(m, published, lexicon)
        return None if start is None else (start, until or published, DatePrecision.RANGE, True)
    if published is None:
        return None
    if m.kind == "weekday":
        back = (published.weekday() - m.weekday) % 7 or (7 if m.past else 0)
        day = published - dt.timedelta(days=back)
        return day, day, DatePrecision.DAY, False
    if m.rule is not None and m.rule.days is not None:
        return (published - dt.timedelta(days=m.rule.days[0]), published - dt.timedelta(days=m.rule.days[1]),
                m.rule.precision, m.rule.cumulative)
    if m.rule is not None:
        months = published.month - 1 + m.rule.month
        return (*_month_window(published.year + months // 12, months % 12 + 1), m.rule.precision, m.rule.cumulative)
    if m.kind == "ago":
        return (*_around(_shift(published, m.unit, -m.amount), m.unit), False)
    return _shift(published, m.unit, -m.amount), published, DatePrecision.RANGE, True


def _same_sentence(text: str, start: int, end: int) -> bool:
    return not _SENTENCE_STOP.search(text[start:end])


def _until(text: str, m: _Mention, resolved: list[tuple[_Mention, DateWindow]]) -> dt.date | None:
    """The day a since-window ends: a day named earlier in its sentence ("قال في 28 آذار إن ... منذ ...")."""
    before = [w for other, w in resolved if other.span.end <= m.span.start and w.event_date is not None
              and _same_sentence(text, other.span.end, m.span.start)]
    return before[-1].event_date if before else None


def _expression(m: _Mention, window: tuple, published: dt.date | None) -> TemporalExpression | None:
    start, end, precision, cumulative = window
    if published is not None and start is not None:
        if start > published:
            return None
        end = min(end, published) if end is not None else published
    return TemporalExpression(m.span, DateWindow(start, end, precision, m.span.text, m.span, cumulative), m.kind,
                              m.reported)


def _report_day(text: str, mentions: tuple[_Mention, ...], published: dt.date | None) -> dt.date | None:
    """The day the report was written: the publication day, unless its lead names the day before as its
    own ("اليوم السبت" or "ذكر مصدر، السبت، أن" on a page dated Sunday); relative days count from it."""
    if published is None:
        return None
    lead_end = _SENTENCE_STOP.search(text)
    lead_end = lead_end.start() if lead_end else len(text)
    in_lead = [m for m in mentions if m.span.end <= lead_end]
    for k, m in enumerate(in_lead):
        if m.kind != "weekday" or m.past:
            continue
        if k > 0 and in_lead[k - 1].kind != "today" and not text[in_lead[k - 1].span.end:m.span.start].strip():
            continue  # "أمس الأحد" names the day before, not the report's
        written = text[max(0, m.span.start - 2):m.span.start] + m.span.text  # the article stripped from "اليوم"
        today = normalise(written).text.startswith(_TODAY) or normalise(m.span.text).text.startswith(_TODAY) or (
            k > 0 and in_lead[k - 1].kind == "today" and not text[in_lead[k - 1].span.end:m.span.start].strip(" ،,"))
        if (today or m.statement) and (published.weekday() - m.weekday) % 7 == 1:
            return published - dt.timedelta(days=1)
    return published


def find_temporal_expressions(text: str, lexicon: DateLexicon, *, published: dt.date | None, start: int = 0,
                              end: int | None = None, doc: Document | None = None) -> list[TemporalExpression]:
    """Date expressions of text[start:end], each resolved against the publication date.

    Without a publication date only dates with a year and campaign phrases resolve; the rest are left out.
    Windows never reach past publication. `doc` is the article analysed once (see pipeline.extraction.document).
    """
    doc = doc or _document(text, lexicon)
    every = doc.derived(("dates.resolved", id(lexicon), published), lambda: _resolve_all(text, doc, lexicon, published))
    return [e for e in every if e.span.start >= start and (end is None or e.span.end <= end)]


def _document(text: str, lexicon: DateLexicon) -> Document:
    return document_for(text, lexicon.matcher, lexicon.numbers.matcher)


def _resolve_all(text: str, analysed: Document, lexicon: DateLexicon,
                 published: dt.date | None) -> list[TemporalExpression]:
    resolved: list[tuple[_Mention, DateWindow]] = []
    found: list[TemporalExpression] = []
    mentions = _scan(analysed, lexicon)
    reference = _report_day(text, mentions, published)
    for m in mentions:
        until = _until(text, m, resolved) if m.kind == "since" else None
        if m.kind == "next_day":
            before = _until(text, m, resolved)
            window = None if before is None else (before + dt.timedelta(days=1),) * 2 + (DatePrecision.DAY, False)
        else:
            window = _raw_window(m, reference, lexicon, until)
        expression = _expression(m, window, published) if window is not None else None
        if expression is None:
            continue
        resolved.append((m, expression.window))
        found.append(expression)
    return found


# --------------------------------------------------------------------------- event dates


def _distance(span: Span, target: Span) -> int:
    if span.end <= target.start:
        return target.start - span.end
    if span.start >= target.end:
        return span.start - target.end
    return 0


def _inside(span: Span, scope: Span) -> bool:
    return scope.start <= span.start and span.end <= scope.end


_TRAILING_GAP = re.compile(r"^[\s،,\-–]*$")


def _trailing(text: str, clause: Span, e: TemporalExpression, asides: tuple[str, ...],
              expressions: list[TemporalExpression]) -> bool:
    """An adverbial set off by commas right after the clause ("قتلوا بعد الغروب، الخميس، مشيراً"): it dates it.
    Expressions written together ("صباح أمس الخميس") make one adverbial."""
    gap = text[clause.end:e.span.start]
    for aside in asides:
        gap = gap.replace(aside, "")
    end = e.span.end
    for other in sorted(expressions, key=lambda o: o.span.start):
        if other.span.start >= end and not text[end:other.span.start].strip():
            end = other.span.end
    after = text[end:end + 2].lstrip(" ")
    set_off = any(c in gap + text[max(clause.start, clause.end - 2):clause.end] for c in "،,")
    return bool(_TRAILING_GAP.match(gap)) and set_off and (after == "" or after[0] in "،,.;؛:!?؟\n")


def _governing(text: str, expressions: list[TemporalExpression], scope: Span, clause: Span,
               cumulative: bool | None, asides: tuple[str, ...] = ()) -> TemporalExpression | None:
    """The expression of a scope that dates the clause: not a statement's day if another is there, then nearest.

    Outside the clause, an expression after it belongs to a later predicate ("..., after they took X two
    weeks ago") unless it dates the statement that reports the clause ("..., sources said on Thursday") or
    is an adverbial of its own right after it ("..., في وقت سابق، صباح أمس الخميس").
    """
    candidates = [e for e in expressions if _inside(e.span, scope)
                  and (e.span.start < clause.end or e.reported or _inside(e.span, clause)
                       or _trailing(text, clause, e, asides, expressions))]
    if cumulative is False:
        candidates = [e for e in candidates if not e.window.cumulative]
    elif cumulative and any(e.window.cumulative for e in candidates):
        candidates = [e for e in candidates if e.window.cumulative]
    if not candidates:
        return None
    return min(candidates, key=lambda e: (e.reported, _distance(e.span, clause), -e.span.start))


def _lead_day(text: str, lexicon: DateLexicon, expressions: list[TemporalExpression],
              sentence: Span) -> TemporalExpression | None:
    """The day of the article's lead, when it carries to the later paragraph holding `sentence`.

    The lead is the first paragraph; its event day is its first expression pinned to a day. It carries
    over the paragraphs that detail it and stops at a paragraph that opens another story (a topic shift
    word) or that names a day of its own in its first sentence.
    """
    lead_end = text.find("\n")
    if lead_end < 0 or sentence.start <= lead_end:
        return None
    day = next((e for e in expressions if e.span.end <= lead_end and e.window.precision == DatePrecision.DAY
                and not e.window.cumulative), None)
    if day is None:
        return None
    starts = [m.end() for m in re.finditer(r"\n\s*", text[:sentence.start]) if m.end() > lead_end]
    for start in starts:
        if start > sentence.start:
            break
        if _opens_with_topic_shift(text[start:start + 60], lexicon):
            return None
        first_end = _SENTENCE_STOP.search(text, start)
        first_end = first_end.start() if first_end else len(text)
        if start < sentence.start and any(start <= e.span.start < first_end and e.window.precision == DatePrecision.DAY
                                          for e in expressions):
            return None
    return day


def _opens_with_topic_shift(opening: str, lexicon: DateLexicon) -> bool:
    norm = normalise(opening)
    tokens = tokenize(norm)
    return any(m.payload[0] == "topic_shift" and m.token_start == 0 for m in lexicon.matcher.find_all(norm, tokens))


def resolve_event_date(text: str, lexicon: DateLexicon, *, published: dt.date | None, clause: Span, sentence: Span,
                       paragraph_lead: Span | None, recent_fighting: bool = False,
                       cumulative: bool | None = None, doc: Document | None = None) -> DateWindow:
    """The window of an event told in `clause`.

    The expression of the same clause governs first, then one of the same sentence, then one of the
    paragraph's lead sentence; else the publication day (or the week up to it for recent fighting told
    with no day); else unknown. `cumulative` True prefers since-windows, False leaves them out.
    """
    background_before = lexicon.campaign_window[0] if lexicon.campaign_window else dt.date.min
    expressions = [e for e in find_temporal_expressions(text, lexicon, published=published, doc=doc)
                   if e.window.start is not None and (e.window.end or e.window.start) >= background_before]
    lead = _lead_day(text, lexicon, expressions, sentence)
    for scope in (clause, sentence, paragraph_lead):
        if scope is None:
            continue
        chosen = _governing(text, expressions, scope, clause, cumulative, lexicon.trailing_asides)
        if chosen is None:
            continue
        broad = chosen.window.cumulative or chosen.window.precision in (DatePrecision.MONTH, DatePrecision.RANGE)
        if lead is not None and broad and cumulative is not True and not _inside(lead.span, sentence):
            return lead.window  # the lead's event day over a since-window or a month mention
        return chosen.window
    if lead is not None:
        return lead.window
    if published is None:
        return DateWindow(None, None, DatePrecision.UNKNOWN)
    if recent_fighting:
        return DateWindow(published - dt.timedelta(days=6), published, DatePrecision.WEEK, "published")
    return DateWindow(published, published, DatePrecision.DAY, "published")


# --------------------------------------------------------------------------- publication date


@dataclass(frozen=True)
class _Bound:
    """The report is on or after `day`; `firm` when the day is named to the day near a weekday or as a date."""

    day: dt.date
    firm: bool
    evidence: str
    milestone: bool = False
    days_after: int | None = None
    """For a milestone told as today, yesterday or the day before: how many days after it the report is."""


def _lower_bounds(text: str, mentions: tuple[_Mention, ...], lexicon: DateLexicon) -> list[_Bound]:
    """Days the report cannot precede and follows closely: dates it names as news, and milestones it ties
    to the recent past.

    Left out, because the report may be long after them: dates qualified as past ("في 23 أكتوبر الماضي"),
    the day of a milestone told as a date (a recap: "بدأت العمليات في 17 تشرين الأول"), and dates before
    the campaign. A milestone counts only when its sentence also names a weekday or a recent day ("opened
    a new front last week"): a milestone told alone may be months old.
    """
    bounds = []
    lo = lexicon.campaign_window[0] if lexicon.campaign_window else dt.date.min
    recaps = {lexicon.milestones[m] for m in lexicon.recalled_milestones}
    for k, m in enumerate(mentions):
        if m.kind == "explicit_date" and not m.past:
            window = _calendar_window(m, None, lexicon.campaign_window)
            before = mentions[k - 1] if k else None
            own_weekday = window is not None and before is not None and before.kind == "weekday" \
                and before.weekday == window[0].weekday() and not text[before.span.end:m.span.start].strip(" ،,()-")
            if window is not None and window[0] >= lo and (window[0] not in recaps or own_weekday):
                bounds.append(_Bound(window[0], True, f"names {window[0].isoformat()} ({m.span.text})"))
        elif m.kind == "campaign":
            day = lexicon.milestones[m.milestone]
            mates = [o for o in mentions if (o.kind == "weekday" and not o.past) or o.rule is not None]
            mates = [o for o in mates if _same_sentence(text, min(o.span.end, m.span.end), max(o.span.start, m.span.start))]
            if mates:
                firm = any(o.weekday == day.weekday() for o in mates)
                single = {o.rule.days[0] for o in mates if o.rule is not None and o.rule.days is not None
                          and o.rule.days[0] == o.rule.days[1]}
                bounds.append(_Bound(day, firm, f"tells of {m.milestone} ({day.isoformat()}) as recent: {m.span.text}",
                                     milestone=True, days_after=single.pop() if len(single) == 1 else None))
    return bounds


def _dateline(text: str, mentions: tuple[_Mention, ...], lexicon: DateLexicon) -> PublicationDate | None:
    """A date the report gives for itself: in its first words ("بغداد 10 مايو 2017 /"), or in its lead
    after "اليوم" or with its own weekday ("السيمر / الاثنين 19 . 12 . 2016 —", "اليوم الجمعة 12 أيار")."""
    lead_end = _SENTENCE_STOP.search(text)
    lead_end = lead_end.start() if lead_end else len(text)
    lo, hi = lexicon.campaign_window or (dt.date.min, dt.date.max)
    for k, m in enumerate(mentions):
        if m.kind != "explicit_date" or m.span.end > lead_end or m.past:
            continue
        before = mentions[k - 1] if k else None
        weekday = before.weekday if before is not None and before.kind == "weekday" and \
            not text[before.span.end:m.span.start].strip(" ،,()-") else None
        today = normalise(text[max(0, m.span.start - 12):m.span.start]).text.rstrip(" ،,(").endswith(_TODAY)
        years = [m.year] if m.year else [y for y in range(lo.year, hi.year + 1)]
        days = [dt.date(y, m.month, m.day) for y in years if _valid(y, m.month, m.day)]
        days = [d for d in days if lo <= d <= hi and (weekday is None or d.weekday() == weekday)]
        if weekday is not None and not days:
            return PublicationDate(None, DatePrecision.UNKNOWN, (f"dateline {m.span.text} does not fall on its weekday",))
        if len(days) != 1 or not (m.tokens[0] < _DATELINE_TOKENS or weekday is not None or today):
            continue
        if m.year is None and weekday is None:
            continue
        return PublicationDate(days[0], DatePrecision.DAY, (f"dateline: {m.span.text}",))
    return None


def _report_weekdays(text: str, mentions: tuple[_Mention, ...]) -> list[tuple[int, _Mention]]:
    """The weekdays the report can fall on: each weekday it names (not "الماضي"), and the day after a
    weekday said to be yesterday ("أمس الاثنين" puts the report on Tuesday)."""
    out = []
    for k, m in enumerate(mentions):
        if m.kind != "weekday" or m.past:
            continue
        before = mentions[k - 1] if k else None
        back = 0
        if before is not None and before.rule is not None and before.rule.days is not None \
                and before.rule.days[0] == before.rule.days[1] and not text[before.span.end:m.span.start].strip():
            back = before.rule.days[0]
        out.append(((m.weekday + back) % 7, m))
    return out


def _milestone_counts(text: str, doc: _Doc, mentions: tuple[_Mention, ...], lexicon: DateLexicon) -> list[_Target]:
    """Days counted from a milestone in one clause: "بدء الهجوم على الموصل قبل عشرة أيام" (that many days
    after it), "عمليات تحرير نينوى التي بلغت 258 يوماً" (the 258th day)."""
    targets = []
    for m in mentions:
        if m.kind not in ("campaign", "ago"):
            continue
        if m.kind == "ago" and m.unit is not None and m.unit.days == 1 and not m.unit.months:
            named = [o for o in mentions if o.kind in ("campaign", "since") and o.milestone and o.month is None
                     and o.span.end <= m.span.start and not _CLAUSE_STOP.search(text[o.span.end:m.span.start])]
            if named:
                point = lexicon.milestones[named[-1].milestone] + dt.timedelta(days=m.amount)
                targets.append(_Target(point, point, point, DatePrecision.DAY, f"{named[-1].span.text} … {m.span.text}"))
    for k in range(len(doc.tokens)):
        operation = doc.match(k, "operation") or doc.match(k, "milestone")
        if operation is None:
            continue
        for j in range(operation.token_end, min(operation.token_end + lexicon.since_reach, len(doc.tokens))):
            if _CLAUSE_STOP.search(doc.gap(j - 1, j)):
                break
            if doc.match(j, "day_count_verb") is None:
                continue
            counted = _amount(doc, doc.match(j, "day_count_verb").token_end)
            if counted is not None and counted[1].days == 1 and not counted[1].months and counted[0] > 2:
                point = lexicon.milestones[operation.payload[1]] + dt.timedelta(days=counted[0] - 1)
                words = doc.span(k, counted[2]).text
                targets.append(_Target(point, point - dt.timedelta(days=1), point + dt.timedelta(days=1),
                                       DatePrecision.DAY, words))
            break
    return targets


def _first_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


@dataclass(frozen=True)
class _Target:
    """A point counted from a milestone ("seven months after the campaign began") and its tolerance."""

    point: dt.date
    start: dt.date
    end: dt.date
    precision: DatePrecision
    words: str


def _targets(mentions: tuple[_Mention, ...], lexicon: DateLexicon) -> list[_Target]:
    targets = []
    for m in mentions:
        if m.kind == "elapsed":
            point = _shift(lexicon.milestones[m.milestone], m.unit, m.amount)
            targets.append(_Target(point, *_around(point, m.unit), m.span.text))
    return targets


def infer_publication_date(text: str, lexicon: DateLexicon, *, doc: Document | None = None) -> PublicationDate:
    """The publication date from the text alone, or None when nothing in it pins the day.

    Evidence, strongest first: the report's own dateline; a day counted in the campaign ("the second day
    of the operations", "258 days of operations", "began ten days ago"), snapped to a weekday named near
    it; the weekdays the report falls on (a weekday said to be yesterday puts it the day after), each the
    first such day on or after the latest date it names as news (or a milestone it tells of as recent);
    a point counted from a milestone ("seven months after the campaign began") on the named weekday
    nearest it. Never outside the campaign window; a lower bound alone, a background date or a recap of
    a milestone's day gives no date: the article stays undated.
    """
    analysed = doc or _document(text, lexicon)
    mentions = _scan(analysed, lexicon)
    lo, hi = lexicon.campaign_window or (dt.date.min, dt.date.max)
    inside = lambda d: lo <= d <= hi  # noqa: E731
    dateline = _dateline(text, mentions, lexicon)
    if dateline is not None:
        return dateline  # its date, or none when it contradicts itself
    anchor = next((m for m in mentions if m.kind == "campaign_day"), None)
    if anchor is not None:
        day = lexicon.milestones[anchor.milestone] + dt.timedelta(days=anchor.amount - 1)
        if inside(day):
            return PublicationDate(day, DatePrecision.DAY, (f"day {anchor.amount} of {anchor.milestone}: {anchor.span.text}",))
    report_days = _report_weekdays(text, mentions)
    weekdays = sorted({w for w, _ in report_days})
    names = ", ".join(calendar.day_name[w] for w in weekdays)
    for count in _milestone_counts(text, _prepare(analysed, lexicon), mentions, lexicon):
        span = [count.start + dt.timedelta(days=k) for k in range((count.end - count.start).days + 1)]
        named = [d for d in span if d.weekday() in weekdays] if weekdays else [count.point]
        if len(named) == 1 and inside(named[0]):
            return PublicationDate(named[0], DatePrecision.DAY, (f"counted from a milestone: {count.words}",)
                                   + ((f"names {names}",) if weekdays else ()))
    targets = _targets(mentions, lexicon)
    latest = max((b for b in _lower_bounds(text, mentions, lexicon) if b.day <= hi),
                 key=lambda b: (b.day, b.firm), default=None)
    if weekdays and latest is not None:
        days = [_first_on_or_after(latest.day, w) for w in weekdays]
        if latest.milestone:  # told as recent: only a weekday within days of it is the report's
            days = [d for d in days if (d - latest.day).days <= _MILESTONE_REPORT_DAYS]
        day = max(days, default=None)
        if day is not None and inside(day) and all(t.start <= day <= t.end for t in targets):
            return PublicationDate(day, DatePrecision.DAY if latest.firm else DatePrecision.WEEK,
                                   (latest.evidence, f"names {names}: the first such day(s) on or after it"))
    if not weekdays and latest is not None and latest.milestone and latest.days_after is not None:
        day = latest.day + dt.timedelta(days=latest.days_after)
        if inside(day):
            return PublicationDate(day, DatePrecision.DAY, (latest.evidence, f"told {latest.days_after} day(s) before the report"))
    if targets and weekdays:
        target = targets[0]
        evidence = (f"counted from a milestone: {target.words} ({target.start}..{target.end})",)
        span = [target.start + dt.timedelta(days=k) for k in range((target.end - target.start).days + 1)]
        named = [d for d in span if d.weekday() in weekdays and inside(d)]
        if named:
            day = min(named, key=lambda d: abs((d - target.point).days))
            return PublicationDate(day, DatePrecision.WEEK, (*evidence, f"names {names}: the such day nearest"))
    return PublicationDate(None, DatePrecision.UNKNOWN, ())
