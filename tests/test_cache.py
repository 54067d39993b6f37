"""The per-article cache: a data format, each entry checked against its key and checksum, damage never fatal."""

import hashlib
import json
import os
import pickle
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from pipeline.corpus.cache import DATABASE_NAME, ArticleCache, CachedArticle, row_id
from pipeline.cli import main

OUTPUTS = ("events.csv", "events.parquet", "articles.csv", "article_texts.jsonl")


def run(corpus, out, *extra):
    assert main(["run", "--articles", str(corpus), "--out", str(out), "--quiet", "--no-progress", *extra]) == 0
    return json.loads((out / "run.json").read_text("utf-8"))


def database(out) -> Path:
    return out / ".cache" / DATABASE_NAME


def entries(out) -> dict[str, bytes]:
    """The entries by the key their header names."""
    with closing(sqlite3.connect(database(out))) as db:
        rows = db.execute("SELECT id, entry FROM entries ORDER BY id").fetchall()
    found = {json.loads(entry.partition(b"\n")[0])["key"]: entry for _, entry in rows}
    assert [row_id(key) for key in found] == [i for i, _ in rows]
    return found


def set_entry(out, key: str, value) -> None:
    with closing(sqlite3.connect(database(out))) as db, db:
        db.execute("UPDATE entries SET entry = ? WHERE id = ?", (value, row_id(key)))


@pytest.fixture(scope="module")
def cached_run(tmp_path_factory, seed_corpus):
    out = tmp_path_factory.mktemp("cached") / "out"
    run(seed_corpus, out)
    return out, {name: (out / name).read_bytes() for name in OUTPUTS}


def test_entries_are_json_with_key_and_checksum_never_pickle(cached_run):
    out, _ = cached_run
    assert len(entries(out)) == 5 and not list((out / ".cache").rglob("*.pkl"))
    for key, entry in entries(out).items():
        header, _, payload = entry.partition(b"\n")
        head = json.loads(header)
        assert set(head) == {"format", "key", "sha256"} and head["key"] == key
        assert set(json.loads(payload)) == {"published", "date_source", "date_evidence", "rows", "reports"}


def test_the_database_holds_nothing_but_the_entries_table(cached_run):
    out, _ = cached_run
    with closing(sqlite3.connect(database(out))) as db:
        assert db.execute("SELECT type, name FROM sqlite_master").fetchall() == [("table", "entries")]


def test_a_cached_run_writes_the_same_bytes_as_a_fresh_one(cached_run, seed_corpus):
    out, fresh = cached_run
    info = run(seed_corpus, out)
    assert info["counts"]["cached_articles"] == 5
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == fresh


def _resigned(header: bytes, payload: bytes) -> bytes:
    head = json.loads(header)
    head["sha256"] = hashlib.sha256(payload).hexdigest()
    return json.dumps(head).encode() + b"\n" + payload


def _damaged_entry(kind: str, raw: bytes, other: bytes):
    header, _, payload = raw.partition(b"\n")
    data = json.loads(payload)
    if kind == "truncated":
        return raw[: len(raw) // 2]
    if kind == "empty":
        return b""
    if kind == "garbage":
        return os.urandom(300)
    if kind == "not_utf8":
        return b"\xff\xfe\xfa" + raw
    if kind == "edited_payload":
        return header + b"\n" + payload.replace(b'"killed"', b'"wounded"', 1) + b" "
    if kind == "old_format":
        head = json.loads(header)
        head["format"] = "article-cache/1"
        return json.dumps(head).encode() + b"\n" + payload
    if kind == "swapped":
        return other
    if kind == "wrong_shape":
        return _resigned(header, b'{"article": 1}')
    if kind == "cell_of_the_wrong_type":
        data["rows"][0][0] = 7
        return _resigned(header, json.dumps(data).encode())
    if kind == "row_missing_from_its_reports":
        data["reports"][0][3].pop()
        return _resigned(header, json.dumps(data).encode())
    if kind == "places_as_text":
        data["reports"][0][1] = "".join(data["reports"][0][1]) or "x"
        return _resigned(header, json.dumps(data).encode())
    if kind == "deep_nesting":
        return _resigned(header, b"[" * 100000 + b"]" * 100000)
    if kind == "pickle_payload":
        return pickle.dumps(os.system)
    if kind == "header_only":
        return header
    if kind == "text_not_bytes":
        return raw.decode("utf-8")


ENTRY_DAMAGE = ["truncated", "empty", "garbage", "not_utf8", "edited_payload", "old_format", "swapped",
                "wrong_shape", "cell_of_the_wrong_type", "row_missing_from_its_reports", "places_as_text", "deep_nesting",
                "pickle_payload", "header_only", "text_not_bytes"]


@pytest.mark.parametrize("kind", ENTRY_DAMAGE)
def test_a_damaged_entry_is_recomputed_and_the_output_is_unchanged(kind, cached_run, seed_corpus, tmp_path):
    source, fresh = cached_run
    out = tmp_path / "out"
    run(seed_corpus, out)
    stored = entries(out)
    target = next(k for k, v in stored.items() if json.loads(v.partition(b"\n")[2])["rows"])
    other = next(v for k, v in stored.items() if k != target)
    set_entry(out, target, _damaged_entry(kind, stored[target], other))
    info = run(seed_corpus, out)
    assert info["counts"]["cached_articles"] == 4
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == fresh
    assert entries(out)[target] == stored[target]


def _damage_database(kind: str, path: Path) -> None:
    if kind == "truncated":
        path.write_bytes(path.read_bytes()[:1500])
    elif kind == "garbage":
        path.write_bytes(os.urandom(5000))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "foreign_schema":
        path.unlink()
        with closing(sqlite3.connect(path)) as db, db:
            db.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, entry BLOB NOT NULL) WITHOUT ROWID")
            db.execute("CREATE VIEW other AS SELECT 1")
    elif kind == "directory":
        path.unlink()
        path.mkdir()
    elif kind == "symlink_to_dev_zero":
        path.unlink()
        path.symlink_to("/dev/zero")
    elif kind == "symlink_loop":
        path.unlink()
        path.symlink_to(path)
    elif kind == "fifo":
        path.unlink()
        os.mkfifo(path)
    elif kind == "unreadable":
        path.chmod(0)


DATABASE_DAMAGE = ["truncated", "garbage", "empty", "foreign_schema", "directory", "symlink_to_dev_zero",
                   "symlink_loop", "fifo", "unreadable"]


@pytest.mark.parametrize("kind", DATABASE_DAMAGE)
def test_a_damaged_database_does_not_stop_the_run_or_change_the_output(kind, cached_run, seed_corpus, tmp_path):
    source, fresh = cached_run
    out = tmp_path / "out"
    run(seed_corpus, out)
    if kind == "unreadable" and os.geteuid() == 0:
        pytest.skip("permissions do not stop root")
    _damage_database(kind, database(out))
    run(seed_corpus, out)
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == fresh


@pytest.mark.parametrize("kind", ["garbage", "foreign_schema", "symlink_to_dev_zero", "fifo"])
def test_a_database_that_is_not_the_caches_is_replaced_by_a_fresh_one(kind, seed_corpus, tmp_path):
    out = tmp_path / "out"
    run(seed_corpus, out)
    _damage_database(kind, database(out))
    assert run(seed_corpus, out)["counts"]["cached_articles"] == 0
    assert database(out).is_file() and not database(out).is_symlink()
    assert run(seed_corpus, out)["counts"]["cached_articles"] == 5


def test_a_pickle_file_in_the_cache_is_never_loaded(seed_corpus, tmp_path):
    out = tmp_path / "out"
    marker = tmp_path / "ran"
    (out / ".cache").mkdir(parents=True)

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    for name in ("x.pkl", "00.pkl"):
        (out / ".cache" / name).write_bytes(pickle.dumps(Payload()))
    run(seed_corpus, out)
    run(seed_corpus, out)
    assert not marker.exists()


def test_a_cache_folder_that_is_a_file_does_not_stop_the_run(seed_corpus, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".cache").write_text("not a folder")
    info = run(seed_corpus, out)
    assert info["counts"]["event_rows"] > 0


def test_no_cache_rewrites_every_entry(seed_corpus, tmp_path):
    out = tmp_path / "out"
    run(seed_corpus, out)
    for key in entries(out):
        set_entry(out, key, b"damaged")
    info = run(seed_corpus, out, "--no-cache")
    assert info["counts"]["cached_articles"] == 0
    assert all(json.loads(entry.partition(b"\n")[0])["key"] == key for key, entry in entries(out).items())


def test_the_key_covers_url_title_outlet_and_date_from_the_manifest(settings):
    from pipeline.records import Article

    cache = ArticleCache(Path("/nonexistent"), "v")
    base = Article("a", "نص", "a.txt", "0" * 64)
    keys = {cache.key(base)}
    for field, value in [("url", "http://x"), ("title", "t"), ("outlet", "o"), ("date_source", "manifest"),
                         ("encoding", "cp1256"), ("article_id", "b"), ("sha256", "1" * 64)]:
        keys.add(cache.key(__import__("dataclasses").replace(base, **{field: value})))
    assert len(keys) == 8


def test_a_corrected_manifest_title_reaches_the_output_of_a_cached_run(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text("قصفت طائرات التحالف حي الزهراء في الموصل يوم الأحد مما أسفر عن مقتل 5 مدنيين.", "utf-8")
    (corpus / "manifest.csv").write_text("id,published,outlet,url,title\na,2017-01-08,X,http://old,Old\n", "utf-8")
    out = tmp_path / "out"
    run(corpus, out)
    (corpus / "manifest.csv").write_text("id,published,outlet,url,title\na,2017-01-08,X,http://new,New\n", "utf-8")
    run(corpus, out)
    text = (out / "events.csv").read_text("utf-8")
    assert "http://new" in text and "http://old" not in text


def test_a_result_the_format_cannot_hold_is_not_stored_and_the_run_goes_on(tmp_path):
    cache = ArticleCache(tmp_path, "v")
    assert cache.put("k", CachedArticle("", "unknown", [object()], [], [])) is False
    cache.close()
    assert cache.get("k") is None


def test_entries_put_are_readable_once_the_cache_is_closed(tmp_path):
    entry = CachedArticle("2017-01-08", "manifest", ["dateline"], [], [])
    writer = ArticleCache(tmp_path, "v")
    writer.put("k", entry)
    writer.close()
    assert ArticleCache(tmp_path, "v").get("k") == entry


def test_a_database_another_process_holds_too_long_is_skipped_not_set_aside(tmp_path, monkeypatch):
    from pipeline.corpus import cache as cache_module

    entry = CachedArticle("2017-01-08", "manifest", [], [], [])
    writer = ArticleCache(tmp_path, "v")
    writer.put("k", entry)
    writer.close()
    monkeypatch.setattr(cache_module, "BUSY_SECONDS", 0.1)
    with closing(sqlite3.connect(tmp_path / DATABASE_NAME, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        reader = ArticleCache(tmp_path, "v")
        assert reader.get("k") is None
        reader.close()
        holder.execute("COMMIT")
    assert ArticleCache(tmp_path, "v").get("k") == entry


def test_the_former_caches_entry_files_are_removed_when_the_database_is_made(tmp_path):
    key = "ab" + "0" * 62
    legacy = tmp_path / "ab" / f"{key}.json"
    legacy.parent.mkdir()
    legacy.write_bytes(b'{"format": "article-cache/1", "key": "' + key.encode() + b'", "sha256": "x"}\n[]')
    ArticleCache(tmp_path, "v").get("k")
    assert not legacy.parent.exists() and (tmp_path / DATABASE_NAME).is_file()


def test_files_beside_the_cache_that_are_not_former_entries_are_left_alone(tmp_path):
    (tmp_path / "geocoder").mkdir()
    kept = [tmp_path / "geocoder" / "ab12.json", tmp_path / "ab" / "notes.json", tmp_path / "cd" / "cd34.json"]
    for path, text in zip(kept, ['{"query": "x", "answers": []}', '{"format": "article-cache/1"}', '{"mine": 1}']):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    ArticleCache(tmp_path, "v").get("k")
    assert all(path.exists() for path in kept)
