"""The output folder as one set: written in a fresh folder beside it, swapped in at once, under a lock.

A reader of `--out` sees the previous complete set or the new complete set, never a mix; files of the user's
own in the folder (a log, notes) are carried over to the new set untouched; a killed run
leaves the previous set intact, and its leftovers are removed by the next run; two runs on one folder
cannot interleave (the second stops with a clear message).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import uuid
from pathlib import Path

from pipeline.errors import ConfigError

OUTPUT_FILES = ("events.csv", "events.parquet", "articles.csv", "article_texts.jsonl", "run.json")
CACHE_NAME = ".cache"
SPILL_NAME = ".events.rows.marshal"
"""Event rows of a run in progress, waiting for duplicates to be merged; gone before the set is swapped in."""
FILE_MODE, DIR_MODE = 0o644, 0o755


def check_out_dir(out_dir: Path, inputs: list[Path]) -> Path:
    """The absolute output folder, or ConfigError (exit 2) when it cannot or must not be written."""
    if not str(out_dir).strip():
        raise ConfigError("--out is empty: give the folder to write the outputs into")
    out = Path(os.path.abspath(out_dir))
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out_dir} is a file, not a folder: give a new or an output folder")
    for given in inputs:
        src = Path(os.path.abspath(given))
        if out == src or src in out.parents:
            raise ConfigError(f"--out {out_dir} is inside the input {given}: write the outputs elsewhere")
        if out in src.parents:
            raise ConfigError(f"the input {given} is inside --out {out_dir}: the outputs replace that folder")
    return out


def _listed_files(out: Path) -> list[str]:
    """The file names a previous run's run.json says belong to its set."""
    try:
        import json

        files = json.loads((out / "run.json").read_text(encoding="utf-8")).get("files", [])
        return [f for f in files if isinstance(f, str)]
    except (OSError, ValueError, AttributeError):
        return []


def _foreign_entries(folder: Path) -> list[Path]:
    """What a folder holds besides a pipeline output set: the user's own files, kept across the swap."""
    ours = {*OUTPUT_FILES, CACHE_NAME, SPILL_NAME, *_listed_files(folder)}
    return [p for p in folder.iterdir() if p.name not in ours]


def _move_foreign(src: Path, dst: Path) -> None:
    """Move the user's own entries of src into dst (a rename: a file still being written stays open)."""
    for path in _foreign_entries(src):
        if not os.path.lexists(dst / path.name):
            os.rename(path, dst / path.name)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths with one rename (Linux renameat2 RENAME_EXCHANGE); False when the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


class OutputSet:
    """Holds the lock on an output folder and the fresh folder the run writes into."""

    def __init__(self, out_dir: Path):
        self.out = Path(os.path.abspath(out_dir))
        self.parent = self.out.parent
        self._prefix = f".{self.out.name}."
        self.staging = self.parent / f"{self._prefix}new-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._lock_fd: int | None = None

    def __enter__(self) -> "OutputSet":
        lock = self.parent / f"{self._prefix}lock"
        while True:
            try:
                self.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(lock, os.O_RDWR | os.O_CREAT, FILE_MODE)
            except OSError as err:
                raise ConfigError(f"--out {self.out} cannot be written ({err.strerror or err}): give a writable folder") from err
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as err:
                os.close(fd)
                if err.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise ConfigError(f"another run is writing {self.out}: wait for it to finish, or give another --out") from err
                raise ConfigError(f"--out {self.out} cannot be locked ({err.strerror or err})") from err
            try:
                if os.stat(lock).st_ino == os.fstat(fd).st_ino:
                    break  # the lock file is still the one in the folder (a finishing run removes it)
            except FileNotFoundError:
                pass
            os.close(fd)
        self._lock_path = lock
        self._lock_fd = fd
        try:
            self._remove_leftovers()
            self.staging.mkdir(mode=DIR_MODE)
        except OSError as err:
            self._release()
            raise ConfigError(f"--out {self.out} cannot be written ({err.strerror or err}): give a writable folder") from err
        return self

    def _remove_leftovers(self) -> None:
        """Folders of killed runs; a previous set caught between two renames is put back first."""
        olds = sorted(self.parent.glob(f"{self._prefix}old-*"))
        if olds and not self.out.exists():
            os.rename(olds.pop(), self.out)
        for path in (*olds, *self.parent.glob(f"{self._prefix}new-*")):
            if self.out.is_dir():
                _move_foreign(path, self.out)  # the user's files, if a run was killed while carrying them over
            shutil.rmtree(path, ignore_errors=True)

    def commit(self, move_cache: bool = True) -> None:
        """Swap the complete new set in; the previous set (and its cache, moved over) goes."""
        for path in self.staging.iterdir():
            if path.is_file():
                path.chmod(FILE_MODE)
        self.staging.chmod(DIR_MODE)
        cache = self.out / CACHE_NAME
        if move_cache and cache.is_dir() and not cache.is_symlink():
            os.rename(cache, self.staging / CACHE_NAME)
        if self.out.is_dir():
            _move_foreign(self.out, self.staging)
        if self.out.exists() and _exchange(self.staging, self.out):
            old = self.staging
        else:
            old = self.parent / f"{self._prefix}old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            if self.out.exists():
                os.rename(self.out, old)
            os.rename(self.staging, self.out)
        if old.is_dir():
            _move_foreign(old, self.out)  # anything written there between the two moves
        shutil.rmtree(old, ignore_errors=True)

    def _release(self) -> None:
        if self._lock_fd is not None:
            try:
                self._lock_path.unlink()
            except OSError:
                pass
            os.close(self._lock_fd)
            self._lock_fd = None

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        self._release()
