"""Output files, written atomically (temp file then rename) and deterministically."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Callable

import pandas as pd

from pipeline import schema
from pipeline.records import Article, Event, InputReport
from pipeline.safe_csv import csv_text

EVENT_COLUMNS = list(schema.names())
INT_COLUMNS = list(schema.names(schema.INT))
BOOL_COLUMNS = list(schema.names(schema.BOOL))
FLOAT_COLUMNS = list(schema.names(schema.FLOAT))
ARTICLE_COLUMNS = ["article_id", "source_path", "status", "reason", "message", "published", "date_source",
                   "n_events", "chars", "sha256", "encoding"]
FIGURE_KIND_COLUMN = {kind: kind for kind in schema.FIGURE_KINDS}


def _span_json(span) -> str:
    return json.dumps([span.start, span.end]) if span is not None else ""


def _figure_columns(event: Event) -> dict:
    """Figures of one event by kind; several figures of one kind add up (they count distinct groups)."""
    lows: dict[str, int] = {}
    highs: dict[str, int | None] = {}
    for fig in event.figures:
        col = FIGURE_KIND_COLUMN[fig.kind]
        lows[col] = lows.get(col, 0) + fig.low
        before = highs.get(col, 0)
        highs[col] = None if fig.high is None or before is None else before + fig.high
    out: dict = {f"{col}_{end}": None for col in FIGURE_KIND_COLUMN.values() for end in ("low", "high")}
    out.update({f"{col}_low": low for col, low in lows.items()})
    out.update({f"{col}_high": high for col, high in highs.items()})
    return out


def _bank(bank: str) -> str:
    return bank if bank in schema.RIVER_BANKS else ""


def event_row(e: Event, article: Article | None = None) -> dict:
    """One events.csv row."""
    p = e.place
    place = p.place if p is not None else None
    date = e.date
    row = {
        "event_id": e.event_id, "cluster_id": e.cluster_id,
        "cluster_primary": e.cluster_primary, "cluster_size": e.cluster_size,
        "article_id": e.article_id, "outlet": e.outlet, "published": e.published,
        "url": article.url if article else "", "title": article.title if article else "",
        "sentence_index": e.sentence_index, "quote": e.quote,
        "quote_start": e.quote_start, "quote_end": e.quote_end,
        "event_type": e.event_type, "acled_event_type": e.acled_event_type, "acled_sub_event_type": e.acled_sub_event_type,
        "actors": "; ".join(e.actors),
        "event_date": date.event_date.isoformat() if date.event_date else "",
        "date_start": date.start.isoformat() if date.start else "", "date_end": date.end.isoformat() if date.end else "",
        "date_precision": date.precision.value, "date_text": date.text, "date_span": _span_json(date.span),
        "place_text": p.span.text if p else "", "place_id": place.place_id if place else "",
        "place_ar": place.name_ar if place else "", "place_en": place.name_en if place else "",
        "place_kind": place.kind if place else "", "place_role": p.role if p else "",
        "place_source": e.place_source, "relation": p.relation if p else "",
        "bank": _bank(p.bank) if p else "",
        "lat": p.lat if p else None, "lon": p.lon if p else None, "geo_precision": p.geo_precision if p else None,
        "place_span": _span_json(p.span) if p and p.span.end > p.span.start else "",
        "trigger_text": e.trigger.span.text, "trigger_span": _span_json(e.trigger.span),
        "vague": any(f.vague for f in e.figures), "victims": e.victims, "cumulative": e.cumulative,
        "figure_text": " | ".join(f.span.text for f in e.figures),
        "figure_spans": json.dumps([[f.span.start, f.span.end, f.kind] for f in e.figures]) if e.figures else "",
        "confidence": e.confidence, "undated": date.start is None,
    }
    row.update(_figure_columns(e))
    return row


def events_frame(events: list[Event], articles: dict[str, Article]) -> pd.DataFrame:
    df = pd.DataFrame([event_row(e, articles.get(e.article_id)) for e in events], columns=EVENT_COLUMNS)
    for col in INT_COLUMNS:
        df[col] = pd.array(df[col], dtype="Int64")
    for col in FLOAT_COLUMNS:
        df[col] = df[col].astype("float64")
    for col in BOOL_COLUMNS:
        df[col] = df[col].astype(bool)
    for col in set(EVENT_COLUMNS) - set(INT_COLUMNS) - set(FLOAT_COLUMNS) - set(BOOL_COLUMNS):
        df[col] = df[col].fillna("").astype(str)
    return df


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_text(text: str) -> Callable[[Path], None]:
    return lambda tmp: tmp.write_text(text, encoding="utf-8", newline="")


def _csv_text(rows: list[dict], columns: list[str]) -> str:
    return csv_text(rows, columns)


def write_outputs(out_dir: Path, events: pd.DataFrame, reports: list[InputReport], articles: list[Article]) -> None:
    """Write events.csv, events.parquet, articles.csv and article_texts.jsonl into out_dir."""
    out_dir = Path(out_dir)
    event_rows = events.astype(object).where(events.notna(), None).to_dict("records")
    atomic_write(out_dir / "events.csv", _write_text(_csv_text(event_rows, EVENT_COLUMNS)))
    atomic_write(out_dir / "events.parquet", lambda tmp: events.to_parquet(tmp, index=False))
    atomic_write(out_dir / "articles.csv", _write_text(_csv_text([asdict(r) for r in reports], ARTICLE_COLUMNS)))
    texts = "".join(json.dumps({"article_id": a.article_id, "text": a.text, "outlet": a.outlet, "url": a.url,
                                "title": a.title, "published": a.published.isoformat() if a.published else "",
                                "date_source": a.date_source}, ensure_ascii=False) + "\n" for a in articles)
    atomic_write(out_dir / "article_texts.jsonl", _write_text(texts))


def write_run_info(out_dir: Path, run_info: dict) -> None:
    """run.json, written last: its presence with a matching fingerprint means the run is complete."""
    atomic_write(Path(out_dir) / "run.json",
                 _write_text(json.dumps(run_info, ensure_ascii=False, indent=2, sort_keys=True) + "\n"))
