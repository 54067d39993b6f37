"""Per-article results on disk, in a data format that cannot run code and cannot be swapped silently.

The entries live in one SQLite database (a file per entry cost the kernel more time to create than the
rest of an article's bookkeeping). Each entry is filed under a 64-bit hash of the article's cache key and
holds a header line naming the format, the whole key and the SHA-256 of the payload, then the payload: the article's output rows and
duplicate-merging keys as JSON (orjson: a tenth of the standard
library's time for these rows). An entry whose key, checksum or shape does not match is deleted and the
article is extracted again; a database that is not one (damaged, a link, a FIFO, a folder, unreadable, of
another schema) is set aside and started afresh, or the run goes on without a cache; nothing a damaged cache
holds stops a run. The checksum catches damage, not forgery: whoever can write the cache can also write the
outputs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
import stat
from pathlib import Path
from typing import NamedTuple

import orjson

from pipeline import schema
from pipeline.records import Article

CACHE_FORMAT = "article-cache/2"
LEGACY_ENTRY = b'{"format": "article-cache/1"'
"""How an entry of the former cache began: one JSON file per article, in folders named by two hex digits."""
DATABASE_NAME = "articles.sqlite"
TABLE = "CREATE TABLE entries (id INTEGER PRIMARY KEY, entry BLOB NOT NULL)"
"""The database's only object: anything else in the file means it is not this cache's. An entry's row id is
a hash of its key (`row_id`): SQLite's own look-up, with no index to keep, writes these entries in two thirds of
the time and reads them in a third of the time of a table keyed by the text (whose B-tree holds the entries)."""
MAX_ENTRY_BYTES = 256 * 1024 * 1024
"""An entry larger than this is damage, not a result: it is not read."""
PAGE_BYTES = 16384
"""Database pages of this size hold an entry (about 20 kB) in two or three pages instead of six."""
BUSY_SECONDS = 120
"""How long a worker waits for another one's write to the database before it gives up on the cache."""


class CachedArticle(NamedTuple):
    """What a run needs of one extracted article, in the plain values the outputs hold."""

    published: str
    """The publication date (given or inferred), ISO, or empty."""
    date_source: str
    date_evidence: list
    rows: list
    """events.csv rows, values in store.EVENT_COLUMNS order, before duplicates are merged."""
    reports: list
    """dedup.report_keys of those rows."""


_ARTICLE_FIELDS = tuple(f.name for f in dataclasses.fields(Article))
_CELL_TYPES = {schema.TEXT: frozenset({str}), schema.DATE: frozenset({str}), schema.BOOL: frozenset({bool}),
               schema.INT: frozenset({int, type(None)}), schema.FLOAT: frozenset({float, int, type(None)})}
_COLUMN_TYPES = tuple(_CELL_TYPES[c.type] for c in schema.EVENT_COLUMNS)


def _check_rows(rows) -> None:
    if type(rows) is not list or any(type(r) is not list or len(r) != len(_COLUMN_TYPES) for r in rows):
        raise ValueError("rows are not rows of the events table")
    for allowed, column in zip(_COLUMN_TYPES, zip(*rows)):
        if not set(map(type, column)) <= allowed:
            raise ValueError("a cell is not of its column's type")


def _is(value, *types) -> bool:
    return type(value) in types


def _check_reports(reports, n_rows: int) -> None:
    """The shape of dedup.report_keys, and every row in exactly one report."""
    seen = []
    if not _is(reports, list):
        raise ValueError("reports are not a list")
    for report in reports:
        if not (_is(report, list) and len(report) == 4 and _is(report[0], list) and len(report[0]) == 7):
            raise ValueError("a report is not of the merger's shape")
        head, precise, broad, members = report
        event_type, start, end, figures, victims, cumulative, article_id = head
        if not (_is(precise, list) and _is(broad, list) and _is(event_type, str) and _is(start, int, type(None))
                and _is(end, int, type(None)) and _is(victims, str) and _is(cumulative, bool) and _is(article_id, str) and _is(figures, list)
                and all(_is(f, list) and len(f) == 4 and _is(f[0], str) and _is(f[1], int)
                        and _is(f[2], int, type(None)) and _is(f[3], bool) for f in figures)
                and all(_is(p, str) for p in (*precise, *broad)) and _is(members, list)
                and all(_is(m, list) and len(m) == 4 and _is(m[0], int) and _is(m[1], str) and _is(m[2], int)
                        and _is(m[3], float, int) for m in members)):
            raise ValueError("a report is not of the merger's shape")
        seen += [m[0] for m in members]
    if sorted(seen) != list(range(n_rows)):
        raise ValueError("reports do not cover the rows once each")


def decode_entry(payload: bytes) -> CachedArticle:
    """The entry a payload holds; ValueError (or any error) when it is not one."""
    data = orjson.loads(payload)
    if type(data) is not dict or list(data) != list(CachedArticle._fields):
        raise ValueError("fields do not match")
    entry = CachedArticle(**data)
    if not (_is(entry.published, str) and _is(entry.date_source, str) and _is(entry.date_evidence, list)
            and all(_is(e, str) for e in entry.date_evidence)):
        raise ValueError("article fields are not text")
    _check_rows(entry.rows)
    _check_reports(entry.reports, len(entry.rows))
    return entry


def row_id(key: str) -> int:
    """The row an entry is filed under: a 64-bit hash of its key, as SQLite's signed row id. Two keys sharing
    it (one chance in 2**64 per pair) take turns in the row: the header tells them apart."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


class ArticleCache:
    """Results keyed by every field of the article (its text by hash) and by the code and data versions.

    The database is opened when first needed and closed by `close` (after each batch); entries put are
    written together there, in one short transaction, so parallel workers seldom wait on each other.
    """

    def __init__(self, folder: Path, version_key: str):
        self.folder = Path(folder)
        self.version_key = version_key
        self._db: sqlite3.Connection | None = None
        self._unusable = False
        self._pending: list[tuple[str, bytes]] = []

    @property
    def path(self) -> Path:
        return self.folder / DATABASE_NAME

    def key(self, article: Article) -> str:
        fields = {name: getattr(article, name) for name in _ARTICLE_FIELDS}
        fields["text"] = article.sha256 or hashlib.sha256(article.text.encode("utf-8")).hexdigest()
        if article.published is not None:
            fields["published"] = article.published.isoformat()
        payload = json.dumps([CACHE_FORMAT, self.version_key, fields], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def get(self, key: str) -> CachedArticle | None:
        """The cached entry, or None when there is none or it is damaged (then it is deleted)."""
        db = self._open()
        if db is None:
            return None
        try:
            found = db.execute("SELECT CASE WHEN length(entry) <= ? THEN entry END FROM entries WHERE id = ?",
                               (MAX_ENTRY_BYTES, row_id(key))).fetchone()
        except sqlite3.Error as err:
            self._failed(err)
            return None
        if found is None:
            return None
        try:
            header, _, payload = found[0].partition(b"\n")
            if orjson.loads(header) != {"format": CACHE_FORMAT, "key": key, "sha256": hashlib.sha256(payload).hexdigest()}:
                raise ValueError("header does not match")
            return decode_entry(payload)
        except Exception:  # noqa: BLE001 - any damage means: recompute
            self._delete(key)
            return None

    def put(self, key: str, entry: CachedArticle) -> bool:
        """Keep an entry, written at `close`; False when this format cannot hold it (it is recomputed next time)."""
        try:
            payload = orjson.dumps(entry._asdict())
        except (TypeError, ValueError, RecursionError):
            return False
        header = orjson.dumps({"format": CACHE_FORMAT, "key": key, "sha256": hashlib.sha256(payload).hexdigest()})
        self._pending.append((row_id(key), header + b"\n" + payload))
        return True

    def close(self) -> None:
        """Write the entries put, and let the database go (a run never holds it between batches)."""
        pending, self._pending = self._pending, []
        db = self._open() if pending else self._db
        if db is not None:
            try:
                with db:
                    db.executemany("INSERT OR REPLACE INTO entries (id, entry) VALUES (?, ?)", pending)
            except sqlite3.Error:
                pass  # the run goes on without these entries; they are recomputed next time
            db.close()
        self._db, self._unusable = None, False

    def _open(self) -> sqlite3.Connection | None:
        """The database, created when missing; a file that is not this cache's is set aside once."""
        if self._db is None and not self._unusable:
            for _ in range(2):
                try:
                    self._db = self._connect()
                    break
                except (OSError, sqlite3.Error, ValueError) as err:
                    if self._failed(err):
                        break
            else:
                self._unusable = True
        return self._db

    def _connect(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            if not stat.S_ISREG(os.lstat(self.path).st_mode):
                raise ValueError("not a regular file")
        except FileNotFoundError:
            pass
        db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        try:
            db.execute("PRAGMA trusted_schema = OFF")
            found = db.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
            if not found:
                db.execute(f"PRAGMA page_size = {PAGE_BYTES}")
                db.execute(TABLE.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"))
                found = db.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
                self._remove_legacy_entries()
            if found != [("table", "entries", TABLE)]:
                raise ValueError("the database is not this cache's")
            # A cache needs no durability: its rollback journal stays in memory and nothing waits for the disk.
            # A database a crash left damaged fails a query and is set aside; an entry it garbled fails its checksum.
            db.execute("PRAGMA journal_mode = MEMORY")
            db.execute("PRAGMA synchronous = OFF")
            return db
        except BaseException:
            db.close()
            raise

    def _remove_legacy_entries(self) -> None:
        """Delete the former cache's entry files (never read again) when the database is first made: only files
        named like its entries whose first bytes are its header, and then their folders if that emptied them."""
        for folder in self.folder.glob("[0-9a-f][0-9a-f]"):
            if not folder.is_dir() or folder.is_symlink():
                continue
            for entry in folder.glob("*.json"):
                try:
                    with entry.open("rb") as handle:
                        legacy = handle.read(len(LEGACY_ENTRY)) == LEGACY_ENTRY
                    if legacy and entry.stem.startswith(folder.name) and not entry.is_symlink():
                        entry.unlink()
                except OSError:
                    pass
            try:
                folder.rmdir()
            except OSError:
                pass  # not empty: something else lives there

    def _delete(self, key: str) -> None:
        try:
            with self._db:
                self._db.execute("DELETE FROM entries WHERE id = ?", (row_id(key),))
        except sqlite3.Error as err:
            self._failed(err)

    def _failed(self, err: Exception) -> bool:
        """After an error: True when another process only held the database too long (then this batch goes
        on without the cache); otherwise the database is set aside."""
        if getattr(err, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            if self._db is not None:
                self._db.close()
            self._db, self._unusable = None, True
            return True
        self._set_aside()
        return False

    def _set_aside(self) -> None:
        """Remove a database that cannot be used (never a folder: the run then goes on without a cache)."""
        if self._db is not None:
            self._db.close()
            self._db = None
        for path in (self.path, self.path.with_name(DATABASE_NAME + "-journal")):
            try:
                if not (path.is_dir() and not path.is_symlink()):
                    path.unlink(missing_ok=True)
            except OSError:
                pass
