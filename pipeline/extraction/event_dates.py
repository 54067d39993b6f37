"""Event dates: the window of an event told in a clause, from the date expressions around it (the clause's own,
then its sentence's, then its paragraph lead's), else the publication day, else unknown.

It exists apart from resolution (date_expressions.py) because choosing which expression governs a clause is a
question of the sentence's structure, not of the calendar.
"""

from __future__ import annotations

import datetime as dt
import re

from pipeline.extraction.date_expressions import TemporalExpression, find_temporal_expressions
from pipeline.extraction.date_grammar import SENTENCE_STOP
from pipeline.extraction.date_lexicon import DateLexicon
from pipeline.extraction.document import Document
from pipeline.extraction.textnorm import normalise, tokenize
from pipeline.records import DatePrecision, DateWindow, Span


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
        first_end = SENTENCE_STOP.search(text, start)
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
