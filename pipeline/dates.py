"""Dates in Arabic war reports: temporal expressions, publication-date inference, event-date windows.

Every date is a window with a precision, anchored on the publication date (weekdays, أمس, "the past five
days") or on the campaign calendar (milestones, "the second day of the operations"). The words are data
(data/lexicon/<lang>/dates.yaml, data/campaigns/<campaign>/calendar.csv and calendar_phrases.yaml);
this module holds one small grammar over phrase matches.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from pipeline.campaign import Campaign
from pipeline.document import Document, document_for
from pipeline.errors import DataFileError
from pipeline.matcher import Clitics, Match, PhraseMatcher
from pipeline.numbers import NumberLexicon, find_numbers, load_number_lexicon
from pipeline.records import DatePrecision, DateWindow, Span
from pipeline.resources import load_clitics, load_yaml
from pipeline.textnorm import NormalisedText, Token, normalise

_CLAUSE_STOP = re.compile(r"[،,.;؛!?؟\n]")
_SENTENCE_STOP = re.compile(r"[.!?؟\n]")
_DATE_JOINERS = set(" /-()\u200f\u200e")
_YEAR = re.compile(r"(19|20)\d\d")
_NUMERIC_DATES = (
    (re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?!\d)"), (3, 2, 1)),
    (re.compile(r"(?<!\d)(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?!\d)"), (1, 2, 3)),
)


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
              "report_verbs": "report_verb", "month_context": "month_context"}
    for key, category in simple.items():
        entries += [(p, (category, None)) for p in _phrases(path, data[key], key)]
    return entries


def _calendar_entries(data, milestones: dict[str, dt.date]) -> list[tuple[str, tuple]]:
    """(phrase, (category, milestone_id)) pairs of the campaign's calendar_phrases.yaml (validated with the campaign)."""
    return [(p, (category, milestone_id)) for category, key in (("milestone", "milestones"), ("operation", "operations"))
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
    return DateLexicon(PhraseMatcher(entries, clitics), load_number_lexicon(lexicon_dir), milestones, starts,
                       ambiguous, campaign.window, *reach)


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
    token_at = {}
    for k, tok in enumerate(tokens):
        start, end = norm.to_original(tok.start, tok.end)
        for offset in range(start, end):
            token_at[offset] = k
    numbers = {}
    for mention in find_numbers(norm, lexicon.numbers, tokens, words=view.find(lexicon.numbers.matcher)):
        if mention.vague or mention.span.start not in token_at:
            continue
        first, last = token_at[mention.span.start], token_at.get(mention.span.end - 1)
        if last is not None:
            numbers[first] = (mention.value, last + 1)
    return _Doc(norm, tokens, matches, numbers, lexicon.matcher.clitics, longest)


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
    if tok.text.isdigit():
        if len(tok.text) > 2 or not 1 <= int(tok.text) <= 31 or doc.ends_before("name_head", i):
            return None
        found = _month_at(doc, i + 1) if doc.tight(i, i + 1) else None
        if found is None or found[3].prefix:
            return None
        day, first, skip = int(tok.text), i, 0
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
    return _Mention("explicit_date" if day else "month", doc.span(first, k, skip), (first, k),
                    day=day, month=month, year=year, past=qualifier == "past")


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
        return None
    return _Mention("campaign", doc.span(i, m.token_end, len(m.prefix)), (i, m.token_end), milestone=m.payload[1])


def _blocker(doc: _Doc, i: int) -> _Mention | None:
    m = doc.match(i, "blocker")
    return None if m is None else _Mention("blocked", doc.span(i, m.token_end, len(m.prefix)), (i, m.token_end))


def _numeric_dates(doc: _Doc) -> list[_Mention]:
    """"29/3/2017" and "2017-03-29"."""
    found = []
    for pattern, (y, m, d) in _NUMERIC_DATES:
        for hit in pattern.finditer(doc.norm.text):
            start, end = doc.norm.to_original(hit.start(), hit.end())
            first = next(k for k, t in enumerate(doc.tokens) if t.end > hit.start())
            last = next((k for k, t in enumerate(doc.tokens) if t.start >= hit.end()), len(doc.tokens))
            found.append(_Mention("explicit_date", Span(start, end, doc.norm.original[start:end]), (first, last),
                                  day=int(hit.group(d)), month=int(hit.group(m)), year=int(hit.group(y))))
    return found


_GRAMMAR = (_blocker, _weekday, _relative, _past_period, _ago_or_since_count, _elapsed, _campaign_day, _milestone)


def _reported(doc: _Doc, mention: _Mention, lexicon: DateLexicon) -> bool:
    """A verb of saying stands a few words before the mention, in the same clause."""
    first = mention.tokens[0]
    for k in range(max(0, first - lexicon.report_reach), first):
        if doc.match(k, "report_verb") is not None and not any(
                _CLAUSE_STOP.search(doc.gap(j, j + 1)) for j in range(k, first)):
            return True
    return False


def _scan(analysed: Document, lexicon: DateLexicon) -> tuple[_Mention, ...]:
    """Every date expression of an article, unresolved, without overlaps (the longest wins), in text order."""
    return analysed.derived(("dates.scan", id(lexicon)), lambda: _scan_once(analysed, lexicon))


def _scan_once(analysed: Document, lexicon: DateLexicon) -> tuple[_Mention, ...]:
    doc = _prepare(analysed, lexicon)
    candidates = _numeric_dates(doc)
    for i in range(len(doc.tokens)):
        candidates += [m for m in (rule(doc, i) for rule in _GRAMMAR) if m is not None]
        candidates += [m for m in (_calendar_date(doc, i, lexicon), _since_anchor(doc, i, lexicon)) if m is not None]
    chosen: list[_Mention] = []
    for m in sorted(candidates, key=lambda m: (-(m.span.end - m.span.start), m.span.start)):
        if all(m.span.end <= c.span.start or m.span.start >= c.span.end for c in chosen):
            chosen.append(m)
    return tuple(replace(m, reported=_reported(doc, m, lexicon))
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


def find_temporal_expressions(text: str, lexicon: DateLexicon, *, published: dt.date | None, start: int = 0,
                              end: int | None = None, doc: Document | None = None) -> list[TemporalExpression]:
    """Date expressions of text[start:end], each resolved against the publication date.

    Without a publication date only dates with a year and campaign phrases resolve; the rest are left out.
    Windows never reach past publication. `doc` is the article analysed once (see pipeline.document).
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
    for m in _scan(analysed, lexicon):
        until = _until(text, m, resolved) if m.kind == "since" else None
        window = _raw_window(m, published, lexicon, until)
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


def _governing(expressions: list[TemporalExpression], scope: Span, clause: Span,
               cumulative: bool | None) -> TemporalExpression | None:
    """The expression of a scope that dates the clause: not a statement's day if another is there, then nearest.

    Outside the clause, an expression after it belongs to a later predicate ("..., after they took X two
    weeks ago") unless it dates the statement that reports the clause ("..., sources said on Thursday").
    """
    candidates = [e for e in expressions if _inside(e.span, scope)
                  and (e.span.start < clause.end or e.reported or _inside(e.span, clause))]
    if cumulative is False:
        candidates = [e for e in candidates if not e.window.cumulative]
    elif cumulative and any(e.window.cumulative for e in candidates):
        candidates = [e for e in candidates if e.window.cumulative]
    if not candidates:
        return None
    return min(candidates, key=lambda e: (e.reported, _distance(e.span, clause), -e.span.start))


def resolve_event_date(text: str, lexicon: DateLexicon, *, published: dt.date | None, clause: Span, sentence: Span,
                       paragraph_lead: Span | None, recent_fighting: bool = False,
                       cumulative: bool | None = None, doc: Document | None = None) -> DateWindow:
    """The window of an event told in `clause`.

    The expression of the same clause governs first, then one of the same sentence, then one of the
    paragraph's lead sentence; else the publication day (or the week up to it for recent fighting told
    with no day); else unknown. `cumulative` True prefers since-windows, False leaves them out.
    """
    expressions = [e for e in find_temporal_expressions(text, lexicon, published=published, doc=doc)
                   if e.window.start is not None]
    for scope in (clause, sentence, paragraph_lead):
        if scope is None:
            continue
        chosen = _governing(expressions, scope, clause, cumulative)
        if chosen is not None:
            return chosen.window
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


def _lower_bounds(text: str, mentions: tuple[_Mention, ...], lexicon: DateLexicon) -> list[_Bound]:
    """Days the report cannot precede: dates it names, and milestones it ties to the recent past.

    A milestone counts only when its sentence also names a weekday or a recent day ("opened a new front
    last week"): a milestone told alone may be months old.
    """
    bounds = []
    for m in mentions:
        if m.kind == "explicit_date":
            window = _calendar_window(m, None, lexicon.campaign_window)
            if window is not None:
                bounds.append(_Bound(window[0], True, f"names {window[0].isoformat()} ({m.span.text})"))
        elif m.kind == "campaign":
            day = lexicon.milestones[m.milestone]
            mates = [o for o in mentions if (o.kind == "weekday" and not o.past) or o.rule is not None]
            mates = [o for o in mates if _same_sentence(text, min(o.span.end, m.span.end), max(o.span.start, m.span.start))]
            if mates:
                firm = any(o.weekday == day.weekday() for o in mates)
                bounds.append(_Bound(day, firm, f"tells of {m.milestone} ({day.isoformat()}) as recent: {m.span.text}"))
    return bounds


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
    """The publication date from the text alone, or None when nothing in it supports one.

    Evidence, strongest first: a day counted in the campaign ("the second day of the operations"); the
    weekdays the report names, each taken as the first such day on or after the latest date it names
    (or a milestone it ties to the recent past); a point counted from a milestone ("seven months after
    the campaign began"), on the named weekday nearest it; the latest date named inside the campaign window.
    """
    mentions = _scan(doc or _document(text, lexicon), lexicon)
    lo, hi = lexicon.campaign_window or (dt.date.min, dt.date.max)
    anchor = next((m for m in mentions if m.kind == "campaign_day"), None)
    if anchor is not None:
        day = lexicon.milestones[anchor.milestone] + dt.timedelta(days=anchor.amount - 1)
        return PublicationDate(day, DatePrecision.DAY, (f"day {anchor.amount} of {anchor.milestone}: {anchor.span.text}",))
    targets = _targets(mentions, lexicon)
    weekdays = sorted({m.weekday for m in mentions if m.kind == "weekday" and not m.past})
    names = ", ".join(calendar.day_name[w] for w in weekdays)
    latest = max((b for b in _lower_bounds(text, mentions, lexicon) if b.day <= hi),
                 key=lambda b: (b.day, b.firm), default=None)
    if weekdays and latest is not None:
        day = max(_first_on_or_after(latest.day, w) for w in weekdays)
        if day <= hi and all(t.start <= day <= t.end for t in targets):
            return PublicationDate(day, DatePrecision.DAY if latest.firm else DatePrecision.WEEK,
                                   (latest.evidence, f"names {names}: the first such day(s) on or after it"))
    if targets:
        target = targets[0]
        evidence = (f"counted from a milestone: {target.words} ({target.start}..{target.end})",)
        span = [target.start + dt.timedelta(days=k) for k in range((target.end - target.start).days + 1)]
        named = [d for d in span if d.weekday() in weekdays]
        if named:
            day = min(named, key=lambda d: abs((d - target.point).days))
            return PublicationDate(day, DatePrecision.WEEK, (*evidence, f"names {names}: the such day nearest"))
        return PublicationDate(target.point, target.precision, evidence)
    if latest is not None and latest.firm and lo <= latest.day <= hi and not weekdays:
        return PublicationDate(latest.day, DatePrecision.WEEK, (latest.evidence, "on or after the latest date named"))
    return PublicationDate(None, DatePrecision.UNKNOWN, ())
