"""Per-article results on disk, in a data format that cannot run code and cannot be swapped silently.

Each entry is one JSON file: a header line naming the key it was written for and the SHA-256 of the
payload, then the payload (the ArticleResult as plain data). An entry whose key, checksum or shape does not
match is deleted and the article is extracted again; nothing a damaged cache holds stops a run. The
checksum catches damage, not forgery: whoever can write the cache can also write the outputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import replace
from pathlib import Path

from pipeline.corpus.codec import from_data, to_data
from pipeline.extraction.extract import ArticleResult
from pipeline.records import Article

CACHE_FORMAT = "article-cache/1"
MAX_ENTRY_BYTES = 256 * 1024 * 1024
"""An entry larger than this is damage, not a result: it is not read."""


class ArticleCache:
    """Results keyed by every field of the article (its text by hash) and by the code and data versions."""

    def __init__(self, folder: Path, version_key: str):
        self.folder = Path(folder)
        self.version_key = version_key

    def key(self, article: Article) -> str:
        fields = to_data(article)
        fields["text"] = article.sha256 if article.sha256 else hashlib.sha256(article.text.encode("utf-8")).hexdigest()
        payload = json.dumps([CACHE_FORMAT, self.version_key, fields], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, article: Article) -> ArticleResult | None:
        """The cached result, or None when there is none or the entry is damaged (then it is deleted)."""
        key = self.key(article)
        path = self._path(key)
        try:
            raw = _read_regular(path)
        except FileNotFoundError:
            return None
        except OSError:
            self._drop(path)
            return None
        try:
            header, _, payload = raw.partition(b"\n")
            head = json.loads(header)
            if head != {"format": CACHE_FORMAT, "key": key, "sha256": hashlib.sha256(payload).hexdigest()}:
                raise ValueError("header does not match")
            result = from_data(ArticleResult, json.loads(payload))
            if (result.article.article_id, result.article.sha256) != (article.article_id, article.sha256):
                raise ValueError("entry is for another article")
            return replace(result, article=replace(result.article, text=article.text))
        except Exception:  # noqa: BLE001 - any damage means: recompute
            self._drop(path)
            return None

    def put(self, article: Article, result: ArticleResult) -> bool:
        """Store a result; False when the cache cannot be written (the run goes on without it)."""
        key = self.key(article)
        path = self._path(key)
        try:
            data = to_data(result)
        except (TypeError, ValueError, RecursionError):
            return False  # a record this format cannot hold is recomputed next time, not stored wrongly
        data["article"]["text"] = ""  # the input holds it; the entry need not
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
        header = json.dumps({"format": CACHE_FORMAT, "key": key, "sha256": hashlib.sha256(payload).hexdigest()},
                            sort_keys=True).encode("utf-8")
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_symlink() or (path.exists() and not path.is_file()):
                self._drop(path)
            tmp.write_bytes(header + b"\n" + payload)
            os.replace(tmp, path)
            return True
        except OSError:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
            return False

    def _drop(self, path: Path) -> None:
        try:
            if path.is_dir() and not path.is_symlink():
                return
            path.unlink(missing_ok=True)
        except OSError:
            pass


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file, without following a link or blocking on a FIFO; capped."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
            raise OSError("not a regular file of a plausible size")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(MAX_ENTRY_BYTES + 1)
    finally:
        os.close(fd)
