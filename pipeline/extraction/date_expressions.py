"""Date expressions resolved: each parsed mention turned into a window with a precision, anchored on the
report's day (weekdays, أمس, "the past five days") or on the campaign calendar (milestones, counted days), never
reaching past publication.

It exists apart from the grammar (date_grammar.py), which only finds the mentions, and from the choice of which
expression dates an event (event_dates.py).
"""

from __future__ import annotations

import calendar
import datetime as dt
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from pipeline.extraction.date_grammar import SENTENCE_STOP, Mention, date_document, scan, valid_date
from pipeline.extraction.date_lexicon import DateLexicon, Unit
from pipeline.extraction.document import Document
from pipeline.extraction.textnorm import normalise
from pipeline.records import DatePrecision, DateWindow, Span


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


def shift(day: dt.date, unit: Unit, amount: int) -> dt.date:
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


def window_around(point: dt.date, unit: Unit) -> tuple[dt.date, dt.date, DatePrecision]:
    """The window a counted point stands for: a day for days, +-3 days for weeks, +-2 weeks for months."""
    if unit.months:
        return point - dt.timedelta(days=14), point + dt.timedelta(days=14), DatePrecision.MONTH
    if unit.days >= 7:
        return point - dt.timedelta(days=3), point + dt.timedelta(days=3), DatePrecision.WEEK
    return point, point, DatePrecision.DAY


def _month_window(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _calendar_year(m: Mention, published: dt.date | None, campaign: tuple[dt.date, dt.date] | None) -> int | None:
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
                 if valid_date(y, m.month, day) and _meets_campaign(y, m, campaign)]
        return years[0] if len(years) == 1 else None
    return None


def _meets_campaign(year: int, m: Mention, campaign: tuple[dt.date, dt.date]) -> bool:
    """The day (or the month) in that year falls (or overlaps) inside the campaign window."""
    start, end = _month_window(year, m.month) if m.day is None else (dt.date(year, m.month, m.day),) * 2
    return start <= campaign[1] and campaign[0] <= end


def calendar_window(m: Mention, published, campaign) -> tuple[dt.date, dt.date, DatePrecision] | None:
    """The window of an explicit date or a month."""
    year = _calendar_year(m, published, campaign)
    if year is None or not valid_date(year, m.month, m.day or 1):
        return None
    if m.day:
        day = dt.date(year, m.month, m.day)
        return day, day, DatePrecision.DAY
    return *_month_window(year, m.month), DatePrecision.MONTH


def _since_start(m: Mention, published, lexicon: DateLexicon) -> dt.date | None:
    """Where a since-window begins: its milestone, the offensive that began in its month, or the date."""
    if m.milestone is not None and m.month is None:
        return lexicon.milestones[m.milestone]
    window = calendar_window(m, published, lexicon.campaign_window)
    if window is None:
        return lexicon.milestones.get(m.milestone) if m.milestone else None
    start, end, precision = window
    if precision == DatePrecision.DAY:
        return start
    if m.milestone is not None and start <= lexicon.milestones[m.milestone] <= end:
        return lexicon.milestones[m.milestone]
    starts = [lexicon.milestones[s] for s in lexicon.offensive_starts if start <= lexicon.milestones[s] <= end]
    return max(starts) if starts else start


def _raw_window(m: Mention, published: dt.date | None, lexicon: DateLexicon,
                until: dt.date | None) -> tuple[dt.date | None, dt.date | None, DatePrecision, bool] | None:
    """(start, end, precision, cumulative) of a mention, before clipping; None when it cannot be resolved."""
    if m.kind in ("explicit_date", "month"):
        window = calendar_window(m, published, lexicon.campaign_window)
        return None if window is None else (*window, False)
    if m.kind == "date_range":
        window = calendar_window(m._replace(day=m.amount), published, lexicon.campaign_window)
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
        return (*window_around(shift(lexicon.milestones[m.milestone], m.unit, m.amount), m.unit), False)
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
        return (*window_around(shift(published, m.unit, -m.amount), m.unit), False)
    return shift(published, m.unit, -m.amount), published, DatePrecision.RANGE, True


def same_sentence(text: str, start: int, end: int) -> bool:
    return not SENTENCE_STOP.search(text[start:end])


def _until(text: str, m: Mention, resolved: list[tuple[Mention, DateWindow]]) -> dt.date | None:
    """The day a since-window ends: a day named earlier in its sentence ("قال في 28 آذار إن ... منذ ...")."""
    for other, w in reversed(resolved):  # the last one that qualifies: the others need not be read
        if other.span.end <= m.span.start and w.event_date is not None and same_sentence(text, other.span.end,
                                                                                          m.span.start):
            return w.event_date
    return None


def _expression(m: Mention, window: tuple, published: dt.date | None) -> TemporalExpression | None:
    start, end, precision, cumulative = window
    if published is not None and start is not None:
        if start > published:
            return None
        end = min(end, published) if end is not None else published
    return TemporalExpression(m.span, DateWindow(start, end, precision, m.span.text, m.span, cumulative), m.kind,
                              m.reported)


def _report_day(text: str, mentions: tuple[Mention, ...], published: dt.date | None,
                today_words: tuple[str, ...]) -> dt.date | None:
    """The day the report was written: the publication day, unless its lead names the day before as its
    own ("اليوم السبت" or "ذكر مصدر، السبت، أن" on a page dated Sunday); relative days count from it."""
    if published is None:
        return None
    lead_end = SENTENCE_STOP.search(text)
    lead_end = lead_end.start() if lead_end else len(text)
    in_lead = [m for m in mentions if m.span.end <= lead_end]
    for k, m in enumerate(in_lead):
        if m.kind != "weekday" or m.past:
            continue
        if k > 0 and in_lead[k - 1].kind != "today" and not text[in_lead[k - 1].span.end:m.span.start].strip():
            continue  # "أمس الأحد" names the day before, not the report's
        written = text[max(0, m.span.start - 2):m.span.start] + m.span.text  # the article stripped from "اليوم"
        today = normalise(written).text.startswith(today_words) or normalise(m.span.text).text.startswith(today_words) or (
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
    doc = doc or date_document(text, lexicon)
    every, starts = doc.derived(("dates.resolved", id(lexicon), published),
                                lambda: _in_text_order(_resolve_all(text, doc, lexicon, published)))
    lo = bisect_left(starts, start)
    if end is None:
        return every[lo:]
    return [e for e in every[lo:bisect_right(starts, end)] if e.span.end <= end]


def _in_text_order(expressions: list[TemporalExpression]) -> tuple[list[TemporalExpression], list[int]]:
    """The article's expressions (in text order) and where each starts, for a stretch to take its own by bisection."""
    return expressions, [e.span.start for e in expressions]


def _resolve_all(text: str, analysed: Document, lexicon: DateLexicon,
                 published: dt.date | None) -> list[TemporalExpression]:
    resolved: list[tuple[Mention, DateWindow]] = []
    found: list[TemporalExpression] = []
    mentions = scan(analysed, lexicon)
    reference = _report_day(text, mentions, published, lexicon.report_day_words)
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
