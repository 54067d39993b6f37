"""Event dates: the window of an event told in a clause, from the date expressions around it (the clause's own,
then its sentence's, then its paragraph lead's), else the publication day, else unknown.

It exists apart from resolution (date_expressions.py) because choosing which expression governs a clause is a
question of the sentence's structure, not of the calendar.
"""

from __future__ import annotations

import datetime as dt
import re

from pipeline.extraction.date_expressions import TemporalExpression, find_temporal_expressions
from pipeline.extraction.date_grammar import SENTENCE_STOP, date_document
from pipeline.extraction.date_lexicon import DateLexicon
from pipeline.extraction.document import Document
from pipeline.extraction.positions import bisect_left, bisect_right
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


def _governing(text: str, inside: list[TemporalExpression], expressions: list[TemporalExpression], clause: Span,
               cumulative: bool | None, asides: tuple[str, ...] = ()) -> TemporalExpression | None:
    """The expression of a scope (`inside` it, of all the `expressions`) that dates the clause: not a statement's
    day if another is there, then nearest.

    Outside the clause, an expression after it belongs to a later predicate ("..., after they took X two
    weeks ago") unless it dates the statement that reports the clause ("..., sources said on Thursday") or
    is an adverbial of its own right after it ("..., في وقت سابق، صباح أمس الخميس").
    """
    candidates = [e for e in inside if e.span.start < clause.end or e.reported or _inside(e.span, clause)
                  or _trailing(text, clause, e, asides, expressions)]
    if cumulative is False:
        candidates = [e for e in candidates if not e.window.cumulative]
    elif cumulative and any(e.window.cumulative for e in candidates):
        candidates = [e for e in candidates if e.window.cumulative]
    if not candidates:
        return None
    return min(candidates, key=lambda e: (e.reported, _distance(e.span, clause), -e.span.start))


class _ArticleDates:
    """An article's dated expressions and its paragraph breaks, read once for all the clauses it dates.

    It keeps no reference to the document that keeps it (no cycle: the article is freed once done with).
    """

    def __init__(self, text: str, lexicon: DateLexicon, published: dt.date | None, doc: Document):
        background_before = lexicon.campaign_window[0] if lexicon.campaign_window else dt.date.min
        self.expressions = [e for e in find_temporal_expressions(text, lexicon, published=published, doc=doc)
                            if e.window.start is not None and (e.window.end or e.window.start) >= background_before]
        self._starts = [e.span.start for e in self.expressions]
        self.text, self.lexicon = text, lexicon
        self.lead_end = text.find("\n")
        self.lead = next((e for e in self.expressions if e.span.end <= self.lead_end
                          and e.window.precision == DatePrecision.DAY and not e.window.cumulative), None)
        self.breaks = [(m.start(), m.end()) for m in re.finditer(r"\n\s*", text)]
        """(line break, start of the text after it) of each paragraph break."""
        self._newlines = [newline for newline, _ in self.breaks]
        self._read = 0
        """How many breaks _stops_among has read."""
        self._first_stop: int | None = None
        """The first of them that stops the lead."""
        self._topic_shift_at: dict[int, bool] = {}
        self._day_named_at: dict[int, bool] = {}

    def inside(self, scope: Span) -> list[TemporalExpression]:
        """The expressions lying wholly inside the scope, in text order (they do not overlap: a slice of them)."""
        lo, hi = bisect_left(self._starts, scope.start), bisect_right(self._starts, scope.end)
        return [e for e in self.expressions[lo:hi] if e.span.end <= scope.end]

    def lead_day(self, doc: Document, sentence: Span) -> TemporalExpression | None:
        """The day of the article's lead, when it carries to the later paragraph holding `sentence`.

        The lead is the first paragraph; its event day is its first expression pinned to a day. It carries
        over the paragraphs that detail it and stops at a paragraph that opens another story (a topic shift
        word) or that names a day of its own in its first sentence.
        """
        if self.lead_end < 0 or sentence.start <= self.lead_end or self.lead is None:
            return None
        k = bisect_left(self._newlines, sentence.start)  # the breaks before the sentence
        if k == 0:
            return self.lead
        if self._stops_among(doc, k - 1):
            return None
        start = min(self.breaks[k - 1][1], sentence.start)  # the sentence's own paragraph is read up to it
        if start > self.lead_end and (self._opens_with_topic_shift(doc, start)
                                      or (start < sentence.start and self._names_a_day(start))):
            return None
        return self.lead

    def _stops_among(self, doc: Document, n: int) -> bool:
        """Whether one of the first n paragraph breaks after the lead opens a paragraph that stops it (read
        whole: each of them ends before the next break). They are read in order, once for all sentences."""
        while self._first_stop is None and self._read < n:
            after = self.breaks[self._read][1]
            if after > self.lead_end and (self._opens_with_topic_shift(doc, after) or self._names_a_day(after)):
                self._first_stop = self._read
            self._read += 1
        return self._first_stop is not None and self._first_stop < n

    def _opens_with_topic_shift(self, doc: Document, start: int) -> bool:
        if start not in self._topic_shift_at:
            view = doc.view(start, start + 60)
            self._topic_shift_at[start] = any(m.payload[0] == "topic_shift" and m.token_start == 0
                                              for m in view.find_all(self.lexicon.matcher))
        return self._topic_shift_at[start]

    def _names_a_day(self, start: int) -> bool:
        """The first sentence of the paragraph starting there names a day."""
        if start not in self._day_named_at:
            stop = SENTENCE_STOP.search(self.text, start)
            first_end = stop.start() if stop else len(self.text)
            self._day_named_at[start] = any(start <= e.span.start < first_end
                                            and e.window.precision == DatePrecision.DAY for e in self.expressions)
        return self._day_named_at[start]


def resolve_event_date(text: str, lexicon: DateLexicon, *, published: dt.date | None, clause: Span, sentence: Span,
                       paragraph_lead: Span | None, recent_fighting: bool = False,
                       cumulative: bool | None = None, doc: Document | None = None) -> DateWindow:
    """The window of an event told in `clause`.

    The expression of the same clause governs first, then one of the same sentence, then one of the
    paragraph's lead sentence; else the publication day (or the week up to it for recent fighting told
    with no day); else unknown. `cumulative` True prefers since-windows, False leaves them out.
    """
    doc = doc or date_document(text, lexicon)
    dates = doc.derived(("event dates", id(lexicon), published), lambda: _ArticleDates(text, lexicon, published, doc))
    lead = dates.lead_day(doc, sentence)
    for scope in (clause, sentence, paragraph_lead):
        if scope is None:
            continue
        inside = dates.inside(scope)
        if not inside:
            continue
        chosen = _governing(text, inside, dates.expressions, clause, cumulative, lexicon.trailing_asides)
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
