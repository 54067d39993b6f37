"""The per-article cache: a data format, each entry checked against its key and checksum, damage never fatal."""

import json
import os
import pickle
from pathlib import Path

import pytest

from pipeline.corpus.cache import ArticleCache
from pipeline.cli import main

OUTPUTS = ("events.csv", "events.parquet", "articles.csv", "article_texts.jsonl")


def run(corpus, out, *extra):
    assert main(["run", "--articles", str(corpus), "--out", str(out), "--quiet", "--no-progress", *extra]) == 0
    return json.loads((out / "run.json").read_text("utf-8"))


def entries(out):
    return sorted(p for p in (out / ".cache").rglob("*.json") if p.parent.name != "geocoder")


@pytest.fixture(scope="module")
def cached_run(tmp_path_factory, seed_corpus):
    out = tmp_path_factory.mktemp("cached") / "out"
    run(seed_corpus, out)
    return out, {name: (out / name).read_bytes() for name in OUTPUTS}


def test_entries_are_json_with_key_and_checksum_never_pickle(cached_run):
    out, _ = cached_run
    assert entries(out) and not list((out / ".cache").rglob("*.pkl"))
    for path in entries(out):
        header = json.loads(path.read_bytes().partition(b"\n")[0])
        assert set(header) == {"format", "key", "sha256"} and header["key"] == path.stem


def test_a_cached_run_writes_the_same_bytes_as_a_fresh_one(cached_run, seed_corpus):
    out, fresh = cached_run
    info = run(seed_corpus, out)
    assert info["counts"]["cached_articles"] == 5
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == fresh


def _damage(kind: str, path: Path, other: Path):
    raw = path.read_bytes()
    header, _, payload = raw.partition(b"\n")
    if kind == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "garbage":
        path.write_bytes(os.urandom(300))
    elif kind == "not_utf8":
        path.write_bytes(b"\xff\xfe\xfa" + raw)
    elif kind == "edited_payload":
        path.write_bytes(header + b"\n" + payload.replace(b'"killed"', b'"wounded"', 1) + b" ")
    elif kind == "old_format":
        head = json.loads(header)
        head["format"] = "article-cache/0"
        path.write_bytes(json.dumps(head).encode() + b"\n" + payload)
    elif kind == "swapped":
        path.write_bytes(other.read_bytes())
    elif kind == "wrong_shape":
        new = b'{"article": 1}'
        head = json.loads(header)
        head["sha256"] = __import__("hashlib").sha256(new).hexdigest()
        path.write_bytes(json.dumps(head).encode() + b"\n" + new)
    elif kind == "deep_nesting":
        new = b"[" * 100000 + b"]" * 100000
        head = json.loads(header)
        head["sha256"] = __import__("hashlib").sha256(new).hexdigest()
        path.write_bytes(json.dumps(head).encode() + b"\n" + new)
    elif kind == "pickle_payload":
        path.write_bytes(pickle.dumps(os.system))
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
    elif kind == "header_only":
        path.write_bytes(header)


DAMAGE = ["truncated", "empty", "garbage", "not_utf8", "edited_payload", "old_format", "swapped",
          "wrong_shape", "deep_nesting", "pickle_payload", "directory", "symlink_to_dev_zero", "symlink_loop", "fifo",
          "unreadable", "header_only"]


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_entry_is_recomputed_and_the_output_is_unchanged(kind, cached_run, seed_corpus, tmp_path):
    source, fresh = cached_run
    out = tmp_path / "out"
    run(seed_corpus, out)
    paths = entries(out)
    target = next(p for p in paths if json.loads(p.read_bytes().partition(b"\n")[2])["events"])
    other = next(p for p in paths if p != target)
    _damage(kind, target, other)
    if kind == "unreadable" and os.geteuid() == 0:
        pytest.skip("permissions do not stop root")
    info = run(seed_corpus, out)
    assert info["counts"]["cached_articles"] == 4
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == fresh


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
    for path in entries(out):
        path.write_bytes(b"damaged")
    info = run(seed_corpus, out, "--no-cache")
    assert info["counts"]["cached_articles"] == 0
    assert all(json.loads(p.read_bytes().partition(b"\n")[0])["key"] == p.stem for p in entries(out))


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
    from pipeline.extraction.extract import ArticleResult
    from pipeline.records import Article

    cache = ArticleCache(tmp_path, "v")
    article = Article("a", "نص", "a.txt", "0" * 64)
    assert cache.put(article, ArticleResult(article, (), (object(),))) is False
    assert cache.get(article) is None
