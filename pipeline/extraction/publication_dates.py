"""Publication dates inferred from the text alone: the report's own dateline, a day counted in the campaign, the
weekdays it names after the latest date it tells as news, or a point counted from a milestone; else undated.

It exists apart from event dates because it weighs evidence across the whole article (and never outside the
campaign window), where an event date reads one clause.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from pipeline.extraction.date_expressions import calendar_window, same_sentence, shift, window_around
from pipeline.extraction.date_grammar import (CLAUSE_STOP, SENTENCE_STOP, Mention, PreparedText, amount_at,
                                              date_document, prepare, scan, valid_date)
from pipeline.extraction.date_lexicon import DateLexicon
from pipeline.extraction.document import Document
from pipeline.extraction.textnorm import normalise
from pipeline.records import DatePrecision

_DATELINE_TOKENS = 8
"""A date among the first words of an article is its dateline ("بغداد 10 مايو 2017 /")."""
_MILESTONE_REPORT_DAYS = 2
"""A milestone told with the report's weekday dates the report only when that weekday is this close after it."""


@dataclass(frozen=True)
class PublicationDate:
    """A publication date inferred from the text, and how."""

    date: dt.date | None
    precision: DatePrecision
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class _Bound:
    """The report is on or after `day`; `firm` when the day is named to the day near a weekday or as a date."""

    day: dt.date
    firm: bool
    evidence: str
    milestone: bool = False
    days_after: int | None = None
    """For a milestone told as today, yesterday or the day before: how many days after it the report is."""


def _lower_bounds(text: str, mentions: tuple[Mention, ...], lexicon: DateLexicon) -> list[_Bound]:
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
            window = calendar_window(m, None, lexicon.campaign_window)
            before = mentions[k - 1] if k else None
            own_weekday = window is not None and before is not None and before.kind == "weekday" \
                and before.weekday == window[0].weekday() and not text[before.span.end:m.span.start].strip(" ،,()-")
            if window is not None and window[0] >= lo and (window[0] not in recaps or own_weekday):
                bounds.append(_Bound(window[0], True, f"names {window[0].isoformat()} ({m.span.text})"))
        elif m.kind == "campaign":
            day = lexicon.milestones[m.milestone]
            mates = [o for o in mentions if (o.kind == "weekday" and not o.past) or o.rule is not None]
            mates = [o for o in mates if same_sentence(text, min(o.span.end, m.span.end), max(o.span.start, m.span.start))]
            if mates:
                firm = any(o.weekday == day.weekday() for o in mates)
                single = {o.rule.days[0] for o in mates if o.rule is not None and o.rule.days is not None
                          and o.rule.days[0] == o.rule.days[1]}
                bounds.append(_Bound(day, firm, f"tells of {m.milestone} ({day.isoformat()}) as recent: {m.span.text}",
                                     milestone=True, days_after=single.pop() if len(single) == 1 else None))
    return bounds


def _dateline(text: str, mentions: tuple[Mention, ...], lexicon: DateLexicon) -> PublicationDate | None:
    """A date the report gives for itself: in its first words ("بغداد 10 مايو 2017 /"), or in its lead
    after "اليوم" or with its own weekday ("السيمر / الاثنين 19 . 12 . 2016 —", "اليوم الجمعة 12 أيار")."""
    lead_end = SENTENCE_STOP.search(text)
    lead_end = lead_end.start() if lead_end else len(text)
    lo, hi = lexicon.campaign_window or (dt.date.min, dt.date.max)
    for k, m in enumerate(mentions):
        if m.kind != "explicit_date" or m.span.end > lead_end or m.past:
            continue
        before = mentions[k - 1] if k else None
        weekday = before.weekday if before is not None and before.kind == "weekday" and \
            not text[before.span.end:m.span.start].strip(" ،,()-") else None
        today = normalise(text[max(0, m.span.start - 12):m.span.start]).text.rstrip(" ،,(").endswith(lexicon.report_day_words)
        years = [m.year] if m.year else [y for y in range(lo.year, hi.year + 1)]
        days = [dt.date(y, m.month, m.day) for y in years if valid_date(y, m.month, m.day)]
        days = [d for d in days if lo <= d <= hi and (weekday is None or d.weekday() == weekday)]
        if weekday is not None and not days:
            return PublicationDate(None, DatePrecision.UNKNOWN, (f"dateline {m.span.text} does not fall on its weekday",))
        if len(days) != 1 or not (m.tokens[0] < _DATELINE_TOKENS or weekday is not None or today):
            continue
        if m.year is None and weekday is None:
            continue
        return PublicationDate(days[0], DatePrecision.DAY, (f"dateline: {m.span.text}",))
    return None


def _report_weekdays(text: str, mentions: tuple[Mention, ...]) -> list[tuple[int, Mention]]:
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


def _milestone_counts(text: str, doc: PreparedText, mentions: tuple[Mention, ...], lexicon: DateLexicon) -> list[_Target]:
    """Days counted from a milestone in one clause: "بدء الهجوم على الموصل قبل عشرة أيام" (that many days
    after it), "عمليات تحرير نينوى التي بلغت 258 يوماً" (the 258th day)."""
    targets = []
    for m in mentions:
        if m.kind not in ("campaign", "ago"):
            continue
        if m.kind == "ago" and m.unit is not None and m.unit.days == 1 and not m.unit.months:
            named = [o for o in mentions if o.kind in ("campaign", "since") and o.milestone and o.month is None
                     and o.span.end <= m.span.start and not CLAUSE_STOP.search(text[o.span.end:m.span.start])]
            if named:
                point = lexicon.milestones[named[-1].milestone] + dt.timedelta(days=m.amount)
                targets.append(_Target(point, point, point, DatePrecision.DAY, f"{named[-1].span.text} … {m.span.text}"))
    for k in doc.starting(("operation", "milestone")):
        operation = doc.match(k, "operation") or doc.match(k, "milestone")
        for j in range(operation.token_end, min(operation.token_end + lexicon.since_reach, len(doc.tokens))):
            if CLAUSE_STOP.search(doc.gap(j - 1, j)):
                break
            if doc.match(j, "day_count_verb") is None:
                continue
            counted = amount_at(doc, doc.match(j, "day_count_verb").token_end)
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


def _targets(mentions: tuple[Mention, ...], lexicon: DateLexicon) -> list[_Target]:
    targets = []
    for m in mentions:
        if m.kind == "elapsed":
            point = shift(lexicon.milestones[m.milestone], m.unit, m.amount)
            targets.append(_Target(point, *window_around(point, m.unit), m.span.text))
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
    analysed = doc or date_document(text, lexicon)
    mentions = scan(analysed, lexicon)
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
    for count in _milestone_counts(text, prepare(analysed, lexicon), mentions, lexicon):
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
