"""Duplicates: the same real-world event told twice, in one article or in several, shares a cluster.

Two reports are the same event when their precise places mostly coincide, their types are compatible,
their date windows overlap and their figures agree. Reports placed only at city level are compared
within one article (two reports of "clashes in Mosul" are no evidence of one event). Nothing is dropped: every
report stays a row, and one row per cluster is marked primary so totals count the cluster once.
"""

from __future__ import annotations

from dataclasses import replace

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


def types_compatible(a: Event, b: Event, harm_types: frozenset[str]) -> bool:
    """Same type, or a civilian-harm toll and a harmful type (the `harm:` flag of event_types.yaml) with figures."""
    if a.event_type == b.event_type:
        return True
    # a toll of civilian harm told once with its cause and once without
    return ("civilian_harm" in (a.event_type, b.event_type) and {a.event_type, b.event_type} <= harm_types
            and bool(a.figures) and bool(b.figures))


def victims_compatible(a: Event, b: Event) -> bool:
    return a.victims == b.victims or "unknown" in (a.victims, b.victims) or "mixed" in (a.victims, b.victims)


SHORT_TOTAL_DAYS = 2
"""A running total over at most this many days ("in the past 24 hours") may be the same toll as a day's report."""


def totals_compatible(a: Event, b: Event) -> bool:
    """A total over a long period is never the same event as one incident inside it."""
    if a.cumulative == b.cumulative:
        return True
    total = a if a.cumulative else b
    if total.date.start is None or total.date.end is None:
        return True
    return (total.date.end - total.date.start).days <= SHORT_TOTAL_DAYS


def dates_overlap(a: Event, b: Event) -> bool:
    if None in (a.date.start, a.date.end, b.date.start, b.date.end):
        return True
    return a.date.start <= b.date.end and b.date.start <= a.date.end


def _place_key(e: Event) -> str:
    return e.place.place.place_id if e.place is not None and e.place.place is not None else ""


def _precise(e: Event) -> bool:
    return bool(_place_key(e)) and e.place.place.kind not in BROAD_KINDS and e.place.geo_precision <= 2


class _Report:
    """One reported event: the rows that share an initial cluster_id (one row per place)."""

    def __init__(self, rows: list[Event]):
        self.rows = rows
        self.head = rows[0]
        self.precise = frozenset(_place_key(e) for e in rows if _precise(e))
        self.broad = frozenset(_place_key(e) for e in rows if _place_key(e) and not _precise(e))


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


def merge_duplicate_events(events: list[Event], harm_types: frozenset[str]) -> list[Event]:
    """Give duplicates one cluster_id (the smallest event_id in it) and mark one primary row per cluster.

    The rows of one event at several places arrive sharing their cluster_id. The primary row is the
    report with the largest figures, then the highest confidence: totals take its figures once.
    `harm_types` are the event types flagged `harm: true` in event_types.yaml (EventLexicon.harm_types).
    """
    groups: dict[str, list[Event]] = {}
    for e in events:
        groups.setdefault(e.cluster_id, []).append(e)
    reports = [_Report(rows) for rows in groups.values()]
    # leader clustering: a report joins the first earlier cluster whose first report it matches, so a chain
    # of partial overlaps never grows into one big cluster, and the work grows with the clusters per place
    cluster_of: dict[int, int] = {}
    by_key: dict[str, list[int]] = {}
    for i, r in enumerate(reports):
        keys = sorted(r.precise) if r.precise else [f"{r.head.article_id}|{k}" for k in sorted(r.broad)]
        seen: set[int] = set()
        for key in keys:
            for leader in by_key.get(key, ()):
                if leader not in seen:
                    seen.add(leader)
                    if same_event(reports[leader], r, harm_types):
                        cluster_of[i] = leader
                        break
            if i in cluster_of:
                break
        if i not in cluster_of:
            cluster_of[i] = i
            for key in keys:
                by_key.setdefault(key, []).append(i)

    clusters: dict[int, list[Event]] = {}
    for i, r in enumerate(reports):
        clusters.setdefault(cluster_of[i], []).extend(r.rows)
    out = []
    for members in clusters.values():
        cluster_id = min(e.event_id for e in members)
        primary = max(members, key=lambda e: (_figure_weight(e), e.confidence, -int(e.event_id, 16))).event_id
        for e in members:
            out.append(replace(e, cluster_id=cluster_id, cluster_primary=e.event_id == primary, cluster_size=len(members)))
    order = {e.event_id: i for i, e in enumerate(events)}
    return sorted(out, key=lambda e: order[e.event_id])
