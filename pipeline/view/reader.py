"""Escaped HTML of quotes and articles with their extractions highlighted.

Article text is untrusted: every piece of it goes through html.escape before any markup is added around it.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Iterable, Mapping
from urllib.parse import urlparse

SPAN_COLUMNS = {"place": "place_span", "date": "date_span", "trigger": "trigger_span"}
MARK_STYLES = {
    "place": "background:#fde68a;",
    "date": "background:#bfdbfe;",
    "figure": "background:#fecaca;",
    "trigger": "background:#d9f99d;",
}
FADED_STYLES = {
    "place": "background:#fef9e7;",
    "date": "background:#eef5fe;",
    "figure": "background:#fdf0f0;",
    "trigger": "background:#f4fce6;",
}
"""The article's other extractions, faint beside the chosen event's."""
FOCUS_STYLE = "outline:2px solid #0f172a;border-radius:2px;font-weight:600;"
MARK_ORDER = ("figure", "place", "date", "trigger")
"""When highlights overlap, the earlier kind in this order colours the shared characters."""


@dataclass(frozen=True)
class Highlight:
    start: int
    end: int
    kind: str


def _as_span(values) -> tuple[int, int] | None:
    try:
        start, end = int(values[0]), int(values[1])
    except (TypeError, ValueError, IndexError, KeyError):
        return None
    return (start, end) if end > start >= 0 else None


def parse_span(text: str) -> tuple[int, int] | None:
    """"[s, e]" -> (s, e); None for empty or malformed text."""
    try:
        return _as_span(json.loads(text)) if text else None
    except ValueError:
        return None


def parse_figure_spans(text: str) -> list[Highlight]:
    """'[[s, e, "killed"], ...]' -> figure highlights; malformed entries are skipped."""
    try:
        entries = json.loads(text) if text else []
    except ValueError:
        return []
    spans = (_as_span(entry) for entry in entries) if isinstance(entries, list) else ()
    return [Highlight(*span, "figure") for span in spans if span]


def event_highlights(row: Mapping) -> list[Highlight]:
    """The article-offset spans of one event: place, date, trigger and figures."""
    found = [Highlight(*span, kind) for kind, column in SPAN_COLUMNS.items()
             if (span := parse_span(str(row.get(column) or "")))]
    return found + parse_figure_spans(str(row.get("figure_spans") or ""))


def _escape(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "<br>")


def highlight_html(text: str, highlights: Iterable[Highlight], focus: Iterable[Highlight] | None = None) -> str:
    """Escaped text with each highlighted stretch wrapped in <mark>; overlaps never nest or break tags.

    With `focus`, those highlights stand out (full colour, outlined) and the others are drawn faint.
    """
    focused = [h for h in (focus or ()) if 0 <= h.start < h.end <= len(text)]
    spans = [h for h in highlights if 0 <= h.start < h.end <= len(text)] + focused
    cuts = sorted({0, len(text)} | {h.start for h in spans} | {h.end for h in spans})
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        kinds = {h.kind for h in spans if h.start <= start and end <= h.end}
        piece = _escape(text[start:end])
        kind = next((k for k in MARK_ORDER if k in kinds), None)
        if not kind:
            pieces.append(piece)
        elif focus is None:
            pieces.append(f'<mark class="hl-{kind}" style="{MARK_STYLES[kind]}">{piece}</mark>')
        elif any(h.start <= start and end <= h.end for h in focused):
            pieces.append(f'<mark class="hl-{kind} hl-focus" style="{MARK_STYLES[kind]}{FOCUS_STYLE}">{piece}</mark>')
        else:
            pieces.append(f'<mark class="hl-{kind} hl-other" style="{FADED_STYLES[kind]}">{piece}</mark>')
    return "".join(pieces)


def _rtl(body: str) -> str:
    return f'<div dir="rtl" lang="ar" style="text-align:right;line-height:1.9;font-size:1.05rem;">{body}</div>'


def quote_html(row: Mapping) -> str:
    """The event's sentence, right to left, with its own spans shifted from article offsets into the quote."""
    quote = str(row.get("quote") or "")
    offset = row.get("quote_start")
    try:
        offset = int(offset)
    except (TypeError, ValueError):
        return _rtl(_escape(quote))
    shifted = [Highlight(h.start - offset, h.end - offset, h.kind) for h in event_highlights(row)]
    return _rtl(highlight_html(quote, shifted))


def article_html(text: str, rows: Iterable[Mapping], focus: Mapping | None = None) -> str:
    """The whole article, right to left, with the extractions of all its events highlighted (the `focus` event's
    standing out from the others)."""
    highlights = [h for row in rows for h in event_highlights(row)]
    return _rtl(highlight_html(text, highlights, event_highlights(focus) if focus is not None else None))


def legend_html(labels: Mapping[str, str]) -> str:
    """One coloured sample per highlight kind, labelled (labels are interface text, escaped anyway)."""
    return " ".join(f'<mark style="{MARK_STYLES[k]}">{html.escape(labels.get(k, k))}</mark>' for k in MARK_ORDER)


SOURCE_FIELDS = ("article_id", "outlet", "published", "date_source", "title", "source_path", "url")


def source_html(record: Mapping, field_labels: Mapping[str, str]) -> str:
    """Source details (outlet, publication date and how it was known, title, file, link), escaped; http(s) links only."""
    items = []
    for key in SOURCE_FIELDS[:-1]:
        value = str(record.get(key) or "")
        if value:
            items.append(f"<b>{html.escape(field_labels.get(key, key))}</b>: <bdi>{html.escape(value)}</bdi>")
    url = str(record.get("url") or "")
    if urlparse(url).scheme in ("http", "https"):
        link = html.escape(url, quote=True)
        items.append(f'<b>{html.escape(field_labels.get("url", "url"))}</b>: '
                     f'<a href="{link}" target="_blank" rel="noopener noreferrer">{link}</a>')
    return "<div>" + " · ".join(items) + "</div>"
