"""Duplicates: the same real-world event told twice, in one article or in several, shares a cluster.

Two reports are the same event when their precise places mostly coincide, their types are compatible,
their date windows overlap and their figures agree. Reports placed only at city level are compared
within one article (two reports of "clashes in Mosul" are no evidence of one event). Nothing is dropped: every
report stays a row, and one row per cluster is marked primary so totals count the cluster once.
"""

from __future__ import annotations

import heapq
from dataclasses import replace
from typing import Iterable, NamedTuple

from pipeline.records import Event, Figure
from pipeline.schema import BROAD_KINDS


def _range(figures: tuple[Figure, ...], kinds: set[str]) -> tuple[int, float] | None:
    chosen = [f for f in figures if f.kind in kinds and not f.vague]
    if not chosen:
        return None
    return sum(f.low for f in chosen), sum(float("inf") if f.high is None else f.high for f in chosen)


def _overlap(a: tuple[int, float], b: tuple[int, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def figures_compatible(a: tuple[Figure, ...], b: tuple[Figure, ...]) -> bool:
    """Ranges of each kind overlap; an unsplit killed-or-wounded toll is compared with killed + wounded."""
    for kind in ("killed", "wounded", "displaced", "casualties"):
        ra, rb = _range(a, {kind}), _range(b, {kind})
        if ra and rb and not _overlap(ra, rb):
            return False
    if ("casualties" in {f.kind for f in a}) != ("casualties" in {f.kind for f in b}):
        harm = {"killed", "wounded", "casualties"}
        ra, rb = _range(a, harm), _range(b, harm)
        if ra and rb and not _overlap(ra, rb):
            return False
    return True


def types_compatible(a: _Head, b: _Head, harm_types: frozenset[str]) -> bool:
    """Same type, or a civilian-harm toll and a harmful type (the `harm:` flag of event_types.yaml) with figures."""
    if a.event_type == b.event_type:
        return True
    # a toll of civilian harm told once with its cause and once without
    return ("civilian_harm" in (a.event_type, b.event_type) and {a.event_type, b.event_type} <= harm_types
            and bool(a.figures) and bool(b.figures))


def victims_compatible(a: _Head, b: _Head) -> bool:
    return a.victims == b.victims or "unknown" in (a.victims, b.victims) or "mixed" in (a.victims, b.victims)


SHORT_TOTAL_DAYS = 2
"""A running total over at most this many days ("in the past 24 hours") may be the same toll as a day's report."""


def totals_compatible(a: _Head, b: _Head) -> bool:
    """A total over a long period is never the same event as one incident inside it (dates as day numbers)."""
    if a.cumulative == b.cumulative:
        return True
    total = a if a.cumulative else b
    if total.date.start is None or total.date.end is None:
        return True
    return total.date.end - total.date.start <= SHORT_TOTAL_DAYS


def dates_overlap(a: _Head, b: _Head) -> bool:
    a_start, a_end, b_start, b_end = a.date.start, a.date.end, b.date.start, b.date.end
    if a_start is None or a_end is None or b_start is None or b_end is None:
        return True
    return a_start <= b_end and b_start <= a_end


def _place_of(e: Event) -> tuple[str, bool]:
    """The gazetteer id of the event's place (empty when none), and whether the place is precise: neither
    broad nor an estimate wider than an offset."""
    mention = e.place
    if mention is None or mention.place is None:
        return "", False
    return mention.place.place_id, mention.place.kind not in BROAD_KINDS and mention.geo_precision <= 2


class _When(NamedTuple):
    start: int | None
    end: int | None
    """Day numbers."""


class _Fig(NamedTuple):
    kind: str
    low: int
    high: int | None
    vague: bool


class _Head(NamedTuple):
    """What the rule compares of a report's first row: a few values, not the whole event."""

    event_type: str
    date: _When
    figures: tuple
    victims: str
    cumulative: bool
    article_id: str


_NONE: frozenset[str] = frozenset()
"""One shared empty set: most reports have no broad places (or no precise ones)."""


def _day(day) -> int | None:
    return day.toordinal() if day is not None else None


def report_keys(events: list[Event] | tuple[Event, ...]) -> list[list]:
    """What the merger needs of one article's rows, as plain data a worker sends back and the cache keeps.

    Rows sharing an initial cluster_id are one report (one event at several places). Per report: the
    values the rule compares of its first row (dates as day numbers), its precise and its broad places, and
    per row its position, event_id, figure weight and confidence (which choose the cluster's primary row).
    """
    groups: dict[str, list[int]] = {}
    for i, e in enumerate(events):
        groups.setdefault(e.cluster_id, []).append(i)
    keys = []
    for rows in groups.values():
        e = events[rows[0]]
        head = [e.event_type, _day(e.date.start), _day(e.date.end),
                [[f.kind, f.low, f.high, f.vague] for f in e.figures], e.victims, e.cumulative, e.article_id]
        places = [_place_of(events[i]) for i in rows]
        precise = sorted({key for key, exact in places if key and exact})
        broad = sorted({key for key, exact in places if key and not exact})
        keys.append([head, precise, broad,
                     [[i, events[i].event_id, _figure_weight(events[i]), events[i].confidence] for i in rows]])
    return keys


class _Report:
    """One reported event, compacted: what the rule compares, and its places."""

    __slots__ = ("head", "precise", "broad")

    def __init__(self, head: list, precise: list[str], broad: list[str]):
        event_type, start, end, figures, victims, cumulative, article_id = head
        make = tuple.__new__  # the named tuples made without their Python constructors: a run makes millions
        self.head = make(_Head, (event_type, make(_When, (start, end)), tuple([make(_Fig, tuple(f)) for f in figures]),
                                 victims, cumulative, article_id))
        self.precise = frozenset(precise) or _NONE
        self.broad = frozenset(broad) or _NONE


def same_event(a: _Report, b: _Report, harm_types: frozenset[str]) -> bool:
    """The rule for two reports of one event.

    Precise places must mostly coincide (one set inside the other, or half of the union shared); reports
    placed only at city or district level are compared within one article, and only when both carry figures.
    """
    x, y = a.head, b.head
    if not (types_compatible(x, y, harm_types) and dates_overlap(x, y) and figures_compatible(x.figures, y.figures)
            and victims_compatible(x, y) and totals_compatible(x, y)):
        return False
    if a.precise and b.precise:
        shared = len(a.precise & b.precise)
        return shared > 0 and (a.precise <= b.precise or b.precise <= a.precise
                               or shared / len(a.precise | b.precise) >= 0.5)
    if a.precise or b.precise:
        return False
    return x.article_id == y.article_id and bool(x.figures) and bool(y.figures) and a.broad == b.broad


def _figure_weight(e: Event) -> int:
    return sum(f.low for f in e.figures if not f.vague)


class _Cluster:
    __slots__ = ("cluster_id", "size", "best", "primary")

    def __init__(self) -> None:
        self.cluster_id, self.size, self.primary = "", 0, ""
        self.best: tuple[int, float, int] | None = None

    def add(self, event_id: str, weight: int, confidence: float) -> None:
        self.cluster_id = min(self.cluster_id, event_id) if self.cluster_id else event_id
        self.size += 1
        key = (weight, confidence, -int(event_id, 16))
        if self.best is None or key > self.best:
            self.best, self.primary = key, event_id

    def final(self) -> ClosedCluster:
        return tuple.__new__(ClosedCluster, (self.cluster_id, self.primary, self.size))


class ClosedCluster(NamedTuple):
    """A cluster that can grow no more: what each of its rows is given."""

    cluster_id: str
    primary: str
    size: int

    def columns(self, event_id: str) -> tuple[str, bool, int]:
        """cluster_id, primary flag and cluster size of the row with this event_id."""
        return closed_columns(self, event_id)


def closed_columns(closed: tuple, event_id: str) -> tuple[str, bool, int]:
    """ClosedCluster.columns of a closed cluster or of the plain tuple of its values (as the spill keeps it)."""
    return closed[0], closed[1] == event_id, closed[2]


BLOCK_DAYS = 32
"""The leaders at a place are also filed by the spans of this many days their date window meets, so that a
report is compared with the leaders of its own weeks rather than with every earlier one at its place."""
WIDE_SPANS = 12
"""A window meeting more spans than this (a total over a year), an open or a missing one is compared always."""


def _spans(start: int | None, end: int | None) -> range | None:
    """The spans a date window (day numbers) meets, or None when it is to be compared with every leader."""
    if start is None or end is None or start > end:
        return None
    first, last = start // BLOCK_DAYS, end // BLOCK_DAYS
    return range(first, last + 1) if last - first < WIDE_SPANS else None


class _Block:
    """The leaders at one place, in the order they were made, and by the spans of their date windows."""

    __slots__ = ("leaders", "always", "by_span")

    def __init__(self) -> None:
        self.leaders: list[int] = []
        self.always: list[int] = []
        self.by_span: dict[int, list[int]] = {}

    def add(self, leader: int, date: _When) -> None:
        self.leaders.append(leader)
        spans = _spans(date.start, date.end)
        if spans is None:
            self.always.append(leader)
        else:
            for span in spans:
                self.by_span.setdefault(span, []).append(leader)

    def candidates(self, date: _When) -> Iterable[int]:
        """The leaders whose date window may overlap this one, in the order they were made (some repeated):
        the others fail `dates_overlap`, so leaving them out changes no match."""
        spans = _spans(date.start, date.end)
        if spans is None:
            return self.leaders
        lists = [self.by_span[s] for s in spans if s in self.by_span]
        if self.always:
            lists.append(self.always)
        return lists[0] if len(lists) == 1 else heapq.merge(*lists)


class DuplicateMerger:
    """Leader clustering fed one report at a time, holding a few values per cluster rather than the events.

    A report joins the first earlier cluster whose first report it matches, so a chain of partial overlaps
    never grows into one big cluster. Candidates come from blocks: the leaders at each precise place whose
    dates may overlap, and for reports placed only at city level the leaders of the same article, dropped
    when the article ends.
    `harm_types` are the event types flagged `harm: true` in event_types.yaml (EventLexicon.harm_types).
    """

    def __init__(self, harm_types: frozenset[str]):
        self._harm_types = harm_types
        self._leaders: dict[int, _Report] = {}
        self._by_key: dict[str, _Block] = {}
        self._article_keys: list[str] = []
        self._article_clusters: list[int] = []
        self._clusters: dict[int, _Cluster] = {}
        self._sets: dict[frozenset, frozenset] = {}
        self._n = 0
        self._n_closed = 0

    def add_events(self, events: list[Event] | tuple[Event, ...]) -> list[int]:
        """Rows in output order; returns each row's cluster number, for `cluster_of` once every row has been added."""
        return self.add_reports(report_keys(events), len(events))

    def add_reports(self, keys: list[list], n_rows: int) -> list[int]:
        """The same from one article's `report_keys` (as a worker or the cache hands them over)."""
        leader_of = [0] * n_rows
        for head, precise, broad, members in keys:
            leader = self._assign(_Report(head, precise, broad))
            cluster = self._clusters[leader]
            for row, event_id, weight, confidence in members:
                cluster.add(event_id, weight, confidence)
                leader_of[row] = leader
        return leader_of

    def _assign(self, r: _Report) -> int:
        i = self._n
        self._n += 1
        keys = sorted(r.precise) if r.precise else [f"{r.head.article_id}|{k}" for k in sorted(r.broad)]
        seen: set[int] = set()
        for key in keys:
            block = self._by_key.get(key)
            for candidate in block.candidates(r.head.date) if block is not None else ():
                if candidate not in seen:
                    seen.add(candidate)
                    if same_event(self._leaders[candidate], r, self._harm_types):
                        return candidate
        r.precise = self._sets.setdefault(r.precise, r.precise)  # a few place sets recur across many clusters
        r.broad = self._sets.setdefault(r.broad, r.broad)
        if keys:  # a report with no place is found by no later one: it leads nothing
            self._leaders[i] = r
        self._clusters[i] = _Cluster()
        for key in keys:
            block = self._by_key.get(key)
            if block is None:
                block = self._by_key[key] = _Block()
            block.add(i, r.head.date)
        if not r.precise:
            self._article_keys += keys
            self._article_clusters.append(i)
        return i

    def end_article(self) -> dict[int, ClosedCluster]:
        """Clusters of reports placed only at city level, or nowhere, can take nothing of a later article:
        they are let go here, and their final values returned for the article's rows (so the merger holds
        values only for the clusters at precise places, which any later article may join)."""
        for key in self._article_keys:
            self._by_key.pop(key, None)
        closed = {}
        for i in self._article_clusters:
            self._leaders.pop(i, None)
            closed[i] = self._clusters.pop(i).final()
        self._n_closed += len(closed)
        self._article_keys, self._article_clusters = [], []
        return closed

    @property
    def n_clusters(self) -> int:
        return len(self._clusters) + self._n_closed

    def cluster_of(self, cluster: int, event_id: str) -> tuple[str, bool, int]:
        """cluster_id, primary flag and cluster size of a row, from the cluster number add_events gave it."""
        found = self._clusters[cluster]
        return found.cluster_id, found.primary == event_id, found.size


def merge_duplicate_events(events: list[Event], harm_types: frozenset[str]) -> list[Event]:
    """Give duplicates one cluster_id (the smallest event_id in it) and mark one primary row per cluster.

    The rows of one event at several places arrive sharing their cluster_id. The primary row is the
    report with the largest figures, then the highest confidence: totals take its figures once.
    """
    merger = DuplicateMerger(harm_types)
    clusters = merger.add_events(events)
    out = []
    for cluster, e in zip(clusters, events):
        cluster_id, primary, size = merger.cluster_of(cluster, e.event_id)
        out.append(replace(e, cluster_id=cluster_id, cluster_primary=primary, cluster_size=size))
    return out
