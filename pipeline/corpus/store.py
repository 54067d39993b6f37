"""Output files, written atomically (temp file then rename) and deterministically."""

from __future__ import annotations

import json
import marshal
import operator
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

import pandas as pd

from pipeline import schema
from pipeline.records import Article, Event, InputReport, PlaceMention
from pipeline.corpus.dedup import ClosedCluster, closed_columns
from pipeline.corpus.output_set import SPILL_NAME
from pipeline.corpus.safe_csv import SafeWriter, csv_line, csv_lines
from pipeline.files import atomic_write

EVENT_COLUMNS = list(schema.names())
INT_COLUMNS = list(schema.names(schema.INT))
BOOL_COLUMNS = list(schema.names(schema.BOOL))
FLOAT_COLUMNS = list(schema.names(schema.FLOAT))
ARTICLE_COLUMNS = ["article_id", "source_path", "status", "reason", "message", "published", "date_source",
                   "n_events", "chars", "sha256", "encoding"]
CLUSTER_COLUMNS = ("cluster_id", "cluster_primary", "cluster_size")
"""The columns duplicate merging fills in once every article is in: the table's second to fourth."""
_REPORT_VALUES = operator.attrgetter(*ARTICLE_COLUMNS)


def _span_json(span) -> str:
    """`[start, end]` as JSON writes it (offsets are ints): a format string, at a tenth of json.dumps's cost."""
    return f"[{span.start:d}, {span.end:d}]" if span is not None else ""


_NO_FIGURES = (None,) * (2 * len(schema.FIGURE_KINDS)) + ("", False, "", "", "", "")
_FIGURE_COLUMN = {kind: i for i, kind in enumerate(schema.FIGURE_KINDS)}
_KIND_JSON = {kind: json.dumps(kind) for kind in schema.FIGURE_KINDS}
"""Each figure kind as a JSON string, for figure_spans (`[[start, end, kind], ...]` as json.dumps writes it)."""
_NO_GAZETTEER_PLACE = ("", "", "", "")
_NO_PLACE = ("", *_NO_GAZETTEER_PLACE, "", "", "", None, None, None, "")


def _figure_values(event: Event) -> tuple:
    """Figures of one event by kind, in the columns' units, with the words and rules they come from: the values
    of killed_low .. displaced_high, displaced_unit, vague, vague_figures, figure_text, figure_spans, figure_rules.

    Figures of one kind add up only when the text joins them with "and" and they count the same group
    in the same unit ("قتل 4 مدنيين و6 آخرين"); otherwise (parts of a total, civilians and fighters,
    families and persons) the first stays and the others remain in figure_text. Stated numbers come
    before vague words: a row's
    numbers come from vague words (and `vague` is true) only when it has no stated figure; the vague
    figures are always named in `vague_figures`.
    """
    figures = event.figures
    if not figures:
        return _NO_FIGURES
    stated = [f for f in figures if not f.vague]
    by_kind: dict[str, list] = {}
    for fig in stated or figures:
        by_kind.setdefault(fig.kind, []).append(fig)
    bounds: list = [None] * (2 * len(schema.FIGURE_KINDS))
    for kind, figs in by_kind.items():
        first = figs[0]
        same = [first] + [f for f in figs[1:] if f.rule == "coordinated" and (f.victims, f.unit) == (first.victims, first.unit)]
        at = 2 * _FIGURE_COLUMN[kind]
        bounds[at] = sum(f.low for f in same)
        bounds[at + 1] = None if any(f.high is None for f in same) else sum(f.high for f in same)
    displaced = by_kind.get("displaced")
    return (*bounds, displaced[0].unit if displaced else "", not stated,
            "; ".join(f"{f.kind} {f.low}-{f.high if f.high is not None else ''} «{f.span.text}»" for f in figures if f.vague),
            " | ".join(f.span.text for f in figures),
            "[" + ", ".join(f"[{f.span.start:d}, {f.span.end:d}, {_KIND_JSON[f.kind]}]" for f in figures) + "]",
            " | ".join(f"{f.kind}:{f.rule}" for f in figures if f.rule))


def _bank(bank: str) -> str:
    return bank if bank in schema.RIVER_BANKS else ""


def _place_values(p: PlaceMention | None) -> tuple:
    """place_text, place_id, place_ar, place_en, place_kind, place_role, relation, bank, lat, lon, geo_precision,
    place_span (place_source, between place_role and relation in the table, is the event's)."""
    if p is None:
        return _NO_PLACE
    span, place = p.span, p.place
    gazetteer = _NO_GAZETTEER_PLACE if place is None else (place.place_id, place.name_ar, place.name_en, place.kind)
    return (span.text, *gazetteer, p.role, p.relation, _bank(p.bank), p.lat, p.lon, p.geo_precision,
            _span_json(span) if span.end > span.start else "")


def event_values(e: Event, article: Article | None = None) -> tuple:
    """One events.csv row as its values in EVENT_COLUMNS order: what workers send back, the cache and the spill hold.

    A tuple made at once (a row of named cells cost a dictionary per event and a look-up per cell)."""
    date = e.date
    start, end, day = date.start, date.end, date.event_date
    place_text, place_id, place_ar, place_en, place_kind, place_role, relation, bank, lat, lon, geo_precision, \
        place_span = _place_values(e.place)
    killed_low, killed_high, wounded_low, wounded_high, casualties_low, casualties_high, displaced_low, \
        displaced_high, displaced_unit, vague, vague_figures, figure_text, figure_spans, figure_rules = _figure_values(e)
    return (
        e.event_id, e.cluster_id, e.cluster_primary, e.cluster_size, e.article_id, e.outlet, e.published,
        article.url if article else "", article.title if article else "",
        e.sentence_index, e.quote, e.quote_start, e.quote_end,
        e.event_type, e.acled_event_type, e.acled_sub_event_type, "; ".join(e.actors),
        day.isoformat() if day else "", start.isoformat() if start else "", end.isoformat() if end else "",
        date.precision.value, date.text, _span_json(date.span),
        place_text, place_id, place_ar, place_en, place_kind, place_role, e.place_source, relation, bank, lat, lon,
        geo_precision, place_span, e.trigger.span.text, _span_json(e.trigger.span),
        killed_low, killed_high, wounded_low, wounded_high, casualties_low, casualties_high, displaced_low,
        displaced_high, displaced_unit, vague, vague_figures, e.victims, e.cumulative, figure_text, figure_spans,
        figure_rules, e.confidence, start is None,
    )


def event_row(e: Event, article: Article | None = None) -> dict:
    """One events.csv row, by column name."""
    return dict(zip(EVENT_COLUMNS, event_values(e, article), strict=True))


def events_frame(events: list[Event], articles: dict[str, Article]) -> pd.DataFrame:
    return rows_frame([event_values(e, articles.get(e.article_id)) for e in events])


def rows_frame(rows: Sequence[Sequence]) -> pd.DataFrame:
    """events.csv rows (values in EVENT_COLUMNS order) as a typed frame (nullable integers, floats, booleans, text)."""
    return columns_frame(list(zip(*rows)) if rows else [()] * len(EVENT_COLUMNS))


def columns_frame(columns: Sequence[Sequence]) -> pd.DataFrame:
    """The same from the table's columns (a frame of row records costs pandas a look-up per cell)."""
    df = pd.DataFrame({name: list(values) for name, values in zip(EVENT_COLUMNS, columns)}, columns=EVENT_COLUMNS)
    for col in INT_COLUMNS:
        df[col] = pd.array(df[col], dtype="Int64")
    for col in FLOAT_COLUMNS:
        df[col] = df[col].astype("float64")
    for col in BOOL_COLUMNS:
        df[col] = df[col].astype(bool)
    for col in set(EVENT_COLUMNS) - set(INT_COLUMNS) - set(FLOAT_COLUMNS) - set(BOOL_COLUMNS):
        df[col] = df[col].fillna("").astype(str)
    return df


@lru_cache(maxsize=1)
def _events_schema():
    """The Arrow schema of events.parquet, pandas metadata included: the frame's, whatever its rows."""
    import pyarrow as pa

    return pa.Table.from_pandas(rows_frame([]), preserve_index=False).schema


def events_table(columns: Sequence[Sequence]):
    """The table's columns as the Arrow table events.parquet holds, the table `columns_frame` makes.

    Built column by column (missing text as empty, missing booleans false, as the frame has them); through
    the frame only when a column holds a value Arrow would not take as its type."""
    import pyarrow as pa
    import pyarrow.compute as pc

    schema = _events_schema()
    try:
        arrays = []
        for field, values in zip(schema, columns):
            array = pa.array(values, type=field.type, from_pandas=True)
            if array.null_count and field.type in (pa.large_string(), pa.bool_()):
                array = pc.fill_null(array, "" if field.type == pa.large_string() else False)
            arrays.append(array)
        return pa.Table.from_arrays(arrays, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
        return pa.Table.from_pandas(columns_frame(columns), preserve_index=False)


SPILL_MARSHAL_VERSION = 4
"""The marshal format of spill records, named so that a record made by a worker of another Python reads the same."""


def encode_rows(rows: Sequence[Sequence]) -> bytes:
    """A batch's events.csv rows (values in EVENT_COLUMNS order) as the spill keeps them, encoded where the
    articles were extracted, so that writing the events files only puts the merged clusters in: one marshalled
    record of the event ids, each row's CSV line after its cluster columns (the files' UTF-8 bytes: the main process
    neither decodes nor encodes the text), and the rows as a serialised Arrow record batch of events.parquet's
    schema (empty when there are none). The main process writes it into the spill as it comes."""
    if not rows:
        return marshal.dumps(([], [], b""), SPILL_MARSHAL_VERSION)
    table = events_table(list(zip(*rows))).cast(_events_schema()).combine_chunks()
    tails = [line.encode("utf-8") for line in csv_lines([row[4:] for row in rows])]
    return marshal.dumps(([row[0] for row in rows], tails, table.to_batches()[0].serialize().to_pybytes()),
                         SPILL_MARSHAL_VERSION)


def _write_text(text: str) -> Callable[[Path], None]:
    return lambda tmp: tmp.write_text(text, encoding="utf-8", newline="")


def text_line(article: Article, published: str, date_source: str, date_evidence: Sequence[str]) -> bytes:
    """One article_texts.jsonl line, UTF-8: the text every span refers to, its metadata and how its date was found
    (`published`, ISO or empty, and `date_source` as extraction settled them)."""
    record = {"article_id": article.article_id, "text": article.text, "outlet": article.outlet, "url": article.url,
              "title": article.title, "published": published, "date_source": date_source,
              "date_evidence": list(date_evidence)}
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


WRITE_BUFFER = 1 << 20
"""Bytes buffered before the article texts and the spill are written: an article's text line is about the size
of the default buffer, which made a system call of nearly every line."""
ROWS_PER_GROUP = 5_000
"""Events per Parquet row group and per chunk held while the events files are written."""


class OutputWriter:
    """Writes a run's files into a folder as the articles arrive, so memory does not grow with the corpus.

    articles.csv and article_texts.jsonl are appended in input order; event rows wait in a spill file
    until duplicates are merged, then events.csv and events.parquet are written from it in chunks.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._articles_fh = open(self.folder / "articles.csv", "w", encoding="utf-8", newline="")
        self._articles = SafeWriter(self._articles_fh, ARTICLE_COLUMNS)
        self._texts = open(self.folder / "article_texts.jsonl", "wb", buffering=WRITE_BUFFER)
        self._spill = open(self.folder / SPILL_NAME, "wb", buffering=WRITE_BUFFER)
        self.n_rows = 0
        self._refs: list = []

    def add_report(self, report: InputReport) -> None:
        self._articles.write_rows([_REPORT_VALUES(report)])

    def add_article(self, text_line: bytes, clusters: list[int], closed: Mapping[int, ClosedCluster]) -> None:
        """The article's text line, and the cluster number the merger gave each of its rows (`closed`: the clusters
        already final, whose values the rows keep at once); its rows come with its batch's (`add_rows`)."""
        self._texts.write(text_line)
        self._refs += [tuple(closed[c]) if c in closed else c for c in clusters]

    def add_rows(self, rows: bytes) -> None:
        """The rows of the articles added since the last batch, in their order (`encode_rows`), and their clusters,
        as one spill record."""
        refs = marshal.dumps(self._refs, SPILL_MARSHAL_VERSION)
        self._spill.write(b"".join((len(refs).to_bytes(8, "little"), refs, len(rows).to_bytes(8, "little"), rows)))
        self.n_rows += len(self._refs)
        self._refs = []

    def finish(self, cluster_of: Callable[[int, str], tuple[str, bool, int]]) -> None:
        """Write events.csv and events.parquet with each row's merged cluster, then drop the spill.

        A row's CSV line is its event_id and cluster values (hex digits, a boolean and a count, which CSV
        writes as they are) in front of the text made with the row; a row group is its batches' columns with
        the cluster columns put in. Row groups are encoded in a thread of their own (Arrow lets the interpreter
        go meanwhile) while the next lines are written: one at a time and in order, so that memory holds at most
        two groups."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        for fh in (self._articles_fh, self._texts, self._spill):
            fh.close()
        spill = self.folder / SPILL_NAME
        schema = _events_schema()
        parquet = pq.ParquetWriter(self.folder / "events.parquet", schema)

        def write_group(batches: list, clusters: list[tuple]) -> None:
            if batches:
                table = pa.Table.from_batches(batches, schema).combine_chunks()
            else:
                table = events_table([()] * len(EVENT_COLUMNS))
            for i, values in enumerate(zip(*clusters) if clusters else [(), (), ()], start=1):
                table = table.set_column(i, schema.field(i), pa.array(values, type=schema.field(i).type))
            parquet.write_table(table)

        previous = None  # the row group being written: its result() raises here what writing it raised

        def write_next(batches: list, clusters: list[tuple]) -> None:
            nonlocal previous
            if previous is not None:
                previous.result()
            previous = groups.submit(write_group, batches, clusters)

        with open(spill, "rb") as rows_in, open(self.folder / "events.csv", "wb") as csv_out, \
                ThreadPoolExecutor(max_workers=1) as groups:
            csv_out.write(csv_line(EVENT_COLUMNS).encode("utf-8"))
            batches: list = []
            clusters: list[tuple] = []
            written = False
            for refs, event_ids, tails, table in _spilled_batches(rows_in):
                lines = []
                for ref, event_id, tail in zip(refs, event_ids, tails):
                    cluster = cluster_of(ref, event_id) if type(ref) is int else closed_columns(ref, event_id)
                    lines += f"{event_id},{cluster[0]},{cluster[1]},{cluster[2]},".encode(), tail
                    clusters.append(cluster)
                csv_out.write(b"".join(lines))
                if table:
                    batches.append(pa.ipc.read_record_batch(pa.py_buffer(table), schema))
                while len(clusters) >= ROWS_PER_GROUP:
                    pending = pa.Table.from_batches(batches, schema)
                    write_next(pending.slice(0, ROWS_PER_GROUP).to_batches(), clusters[:ROWS_PER_GROUP])
                    batches, clusters = pending.slice(ROWS_PER_GROUP).to_batches(), clusters[ROWS_PER_GROUP:]
                    written = True
            if clusters or not written:
                write_next(batches, clusters)
            previous.result()
        parquet.close()
        spill.unlink()


def _spilled_batches(stream) -> Iterator[tuple[list, list, list, bytes]]:
    """The spill file's records, one per batch in the order written: (cluster number or final cluster per row,
    then the rows' `encode_rows`: event ids, CSV tails, Arrow batch).

    The spill is this run's own scratch file (marshal: three times faster than JSON; each part after its
    length, as marshal.load reads a large record from a file slowly); it never outlives the run and nothing
    else reads it."""
    while size := stream.read(8):
        refs = marshal.loads(stream.read(int.from_bytes(size, "little")))
        yield (refs, *marshal.loads(stream.read(int.from_bytes(stream.read(8), "little"))))


def write_run_info(out_dir: Path, run_info: dict) -> None:
    """run.json, written last: its presence with a matching fingerprint means the run is complete."""
    atomic_write(Path(out_dir) / "run.json",
                 _write_text(json.dumps(run_info, ensure_ascii=False, indent=2, sort_keys=True) + "\n"))
