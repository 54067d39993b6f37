"""Duplicates: the same real-world event told twice, in one article or in several, shares a cluster.

Two events are the same when they are at the same place, of compatible types, in overlapping date
windows, with compatible figures. Across articles only precisely placed events are compared (two
reports of "clashes in Mosul" on one day are not evidence of one event). Nothing is dropped: every
report stays a row, and one row per cluster is marked primary so totals count the cluster once.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.records import Event, Figure

HARM_TYPES = {"civilian_harm", "airstrike", "shelling", "vbied_ied", "clash", "sniper"}
BROAD_KINDS = {"city", "district", "region"}


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


def types_compatible(a: Event, b: Event) -> bool:
    if a.event_type == b.event_type:
        return True
    # a toll of civilian harm told once with its cause and once without
    return ("civilian_harm" in (a.event_type, b.event_type) and {a.event_type, b.event_type} <= HARM_TYPES
            and bool(a.figures) and bool(b.figures))


def dates_overlap(a: Event, b: Event) -> bool:
    if None in (a.date.start, a.date.end, b.date.start, b.date.end):
        return True
    return a.date.start <= b.date.end and b.date.start <= a.date.end


def _place_key(e: Event) -> str:
    return e.place.place.place_id if e.place is not None and e.place.place is not None else ""


def same_event(a: Event, b: Event) -> bool:
    """The rule for two reports of one event."""
    key = _place_key(a)
    if not key or key != _place_key(b):
        return False
    if a.article_id != b.article_id and (a.place.place.kind in BROAD_KINDS or a.place.geo_precision > 2):
        return False
    if a.article_id == b.article_id and a.place.place.kind in BROAD_KINDS and not (a.figures and b.figures):
        return False
    return types_compatible(a, b) and dates_overlap(a, b) and figures_compatible(a.figures, b.figures)


def _figure_weight(e: Event) -> int:
    return sum(f.low for f in e.figures if not f.vague)


def merge_duplicate_events(events: list[Event]) -> list[Event]:
    """Give duplicates one cluster_id (the smallest event_id in it) and mark one primary row per cluster.

    The rows of one event at several places start in one cluster (they share their cluster_id on input).
    The primary row is the report with the largest figures, then the highest confidence: totals take
    its figures once and never add the others.
    """
    parent = {e.event_id: e.event_id for e in events}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: str, y: str):
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    first_of_group: dict[str, str] = {}
    for e in events:
        union(e.event_id, first_of_group.setdefault(e.cluster_id, e.event_id))
    by_place: dict[str, list[Event]] = {}
    for e in events:
        if _place_key(e):
            by_place.setdefault(_place_key(e), []).append(e)
    for group in by_place.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if find(a.event_id) != find(b.event_id) and same_event(a, b):
                    union(a.event_id, b.event_id)
    # figure-only duplicates in one article with no precise place ("23 killed" after "60 killed and wounded")
    unplaced: dict[str, list[Event]] = {}
    for e in events:
        if e.figures and (not _place_key(e) or e.place.place.kind in BROAD_KINDS):
            unplaced.setdefault(e.article_id, []).append(e)
    for group in unplaced.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if (find(a.event_id) != find(b.event_id) and _place_key(a) == _place_key(b)
                        and types_compatible(a, b) and dates_overlap(a, b) and figures_compatible(a.figures, b.figures)):
                    union(a.event_id, b.event_id)

    clusters: dict[str, list[Event]] = {}
    for e in events:
        clusters.setdefault(find(e.event_id), []).append(e)
    out = []
    for root, members in clusters.items():
        primary = max(members, key=lambda e: (_figure_weight(e), e.confidence, -int(e.event_id, 16))).event_id
        for e in members:
            out.append(replace(e, cluster_id=root, extra={**e.extra, "cluster_primary": e.event_id == primary,
                                                           "cluster_size": len(members)}))
    order = {e.event_id: i for i, e in enumerate(events)}
    return sorted(out, key=lambda e: order[e.event_id])
