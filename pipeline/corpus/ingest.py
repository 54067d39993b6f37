"""Articles from a folder or a JSONL file, with one report row for every input, readable or not."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import errno
import hashlib
import io
import json
import os
import re
import stat
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.errors import ConfigError
from pipeline.records import Article, InputReport
from pipeline.extraction.textnorm import has_arabic

ARTICLE_SUFFIXES = (".txt", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")
IMPLICIT_MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ("id", "published", "outlet", "url", "title")


class Status:
    """The `status` column of articles.csv."""

    OK = "ok"
    EMPTY = "empty"
    UNREADABLE = "unreadable"
    DUPLICATE = "duplicate"
    MISSING = "missing"
    FAILED = "failed"
    """Read, but extraction raised: no events from it, its text kept."""


class Reason:
    """Stable `reason` codes of articles.csv; scripts may rely on them."""

    NOT_IN_MANIFEST = "not_in_manifest"
    MANIFEST_BAD_DATE = "manifest_bad_date"
    INVALID_BYTES_REPLACED = "invalid_bytes_replaced"
    EMPTY_FILE = "empty_file"
    BINARY_FILE = "binary_file"
    UNDECODABLE = "undecodable"
    NO_ARABIC_TEXT = "no_arabic_text"
    TOO_LARGE = "too_large"
    READ_ERROR = "read_error"
    BAD_JSONL_LINE = "bad_jsonl_line"
    UNSUPPORTED_FILE_TYPE = "unsupported_file_type"
    DUPLICATE_CONTENT = "duplicate_content"
    DUPLICATE_ID = "duplicate_id"
    MANIFEST_ROW_WITHOUT_FILE = "manifest_row_without_file"
    EXTRACTION_ERROR = "extraction_error"
    MIXED_ENCODING = "mixed_encoding"
    IMPLAUSIBLE_DATE = "implausible_date"
    NOT_A_REGULAR_FILE = "not_a_regular_file"


ALL_REASONS = tuple(value for name, value in vars(Reason).items() if name.isupper())

_BINARY_SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"%PDF", "a PDF document"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive (such as .docx or .epub)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.doc)"),
)
_CONTROL_BYTES = bytes([*range(0, 9), 11, *range(14, 32), 127])
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SKIPPED_HTML = frozenset({"script", "style", "noscript", "template"})
_BLOCK_HTML = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table thead tbody tfoot caption article section header"
    " footer main nav aside blockquote pre hr figure figcaption dl dt dd address form fieldset details"
    " summary".split()
)
_SAVE_AS_UTF8 = "save the article as a UTF-8 .txt or .html file"
PLAUSIBLE_ANYWHERE = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))
"""Publication dates outside this are never plausible; a campaign narrows it (see run.published_window)."""
MAX_MANIFEST_BYTES = 1 << 30
_SKIPPED_HTML_EXTRA = frozenset({"svg", "math", "iframe", "object"})
"""Elements whose content is not article text: drawings (an svg's <title> is not the page's), fallbacks."""


@dataclass(frozen=True)
class ManifestRow:
    """Metadata the user gave for one article id."""

    article_id: str
    source: str
    """manifest path:line, for messages."""
    published: dt.date | None
    bad_date: str
    """The published value when it is not a YYYY-MM-DD date, else empty."""
    outlet: str = ""
    url: str = ""
    title: str = ""


@dataclass(frozen=True)
class Decoded:
    """Text recovered from an input's bytes."""

    text: str
    encoding: str
    notes: tuple[tuple[str, str], ...] = ()
    """(reason, message) pairs: bytes replaced, encodings mixed."""


@dataclass(frozen=True)
class Candidate:
    """A readable input, before the manifest and duplicate checks."""

    article_id: str
    source_path: str
    text: str
    encoding: str
    notes: tuple[tuple[str, str], ...] = ()
    """(reason, message) pairs for problems that do not stop the article."""
    published: dt.date | None = None
    outlet: str = ""
    url: str = ""
    title: str = ""


def read_corpus(
    articles: Path, manifest: Path | None, *, max_file_bytes: int,
    published_window: tuple[dt.date, dt.date] | None = None,
) -> tuple[list[Article], list[InputReport]]:
    """Read every article under `articles`; each input yields an Article and a report row, or only a row saying why not."""
    docs, reports = [], []
    for report, article in iter_corpus(articles, manifest, max_file_bytes=max_file_bytes,
                                       published_window=published_window):
        reports.append(report)
        if article is not None:
            docs.append(article)
    return docs, reports


def iter_corpus(
    articles: Path, manifest: Path | None, *, max_file_bytes: int,
    published_window: tuple[dt.date, dt.date] | None = None,
) -> Iterator[tuple[InputReport, Article | None]]:
    """Each input in order, as its report row and its Article when it is readable; then unused manifest rows.

    The paths and the manifest are checked before the first item (ConfigError), so a run stops before any work.
    """
    articles = Path(articles)
    if not articles.exists():
        raise ConfigError(f"articles path {articles} does not exist: give a folder of .txt/.html files or a .jsonl file")
    if articles.is_dir():
        manifest_path = manifest if manifest is not None else _implicit_manifest(articles)
        inputs = _folder_inputs(articles, manifest_path, max_file_bytes)
    elif articles.suffix.lower() == ".jsonl":
        manifest_path = manifest
        if not _is_regular(articles):
            raise ConfigError(f"articles file {articles} is not a regular file (a device, FIFO or broken link):"
                              " give a .jsonl file")
        inputs = _jsonl_inputs(articles, max_file_bytes)
    else:
        raise ConfigError(
            f"articles path {articles} is neither a folder nor a .jsonl file: give the folder that holds the article files"
        )
    rows = load_manifest(Path(manifest_path)) if manifest_path is not None else None
    return _admit(inputs, rows, published_window or PLAUSIBLE_ANYWHERE)


def _implicit_manifest(folder: Path) -> Path | None:
    candidate = folder / IMPLICIT_MANIFEST
    return candidate if candidate.is_file() else None


def load_manifest(path: Path) -> dict[str, ManifestRow]:
    """Parse the manifest CSV; a manifest that cannot be used at all raises ConfigError."""
    if not _is_regular(path):
        raise ConfigError(f"manifest {path} cannot be read: it is missing or not a regular file (a folder, device, FIFO"
                          " or broken link); give a CSV file")
    try:
        raw = _read_capped(path, MAX_MANIFEST_BYTES)
    except OSError as err:
        raise ConfigError(f"manifest {path} cannot be read: {err.strerror or err}") from err
    if raw is None:
        raise ConfigError(f"manifest {path} is larger than {MAX_MANIFEST_BYTES} bytes: split the corpus")
    if b"\x00" in raw:
        raise ConfigError(f"manifest {path} is not a CSV text file (it holds NUL bytes): give a UTF-8 CSV")
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ConfigError(f"manifest {path} is not UTF-8 (byte {err.start}): save it as UTF-8 CSV") from err
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    rows: dict[str, ManifestRow] = {}
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        if "id" not in header:
            raise ConfigError(
                f"manifest {path} has no 'id' column (header: {','.join(header) or 'empty'}): "
                f"its first line must name the columns {','.join(MANIFEST_COLUMNS)}"
            )
        start = reader.line_num + 1
        for cells in reader:
            _manifest_line(path, start, header, cells, rows)
            start = reader.line_num + 1
    except csv.Error as err:
        raise ConfigError(f"manifest {path}, line {start}: not valid CSV ({err}); check the quotes on that"
                          " line (a value with a comma or a quote must be quoted, a quote inside doubled)") from err
    return rows


def _manifest_line(path: Path, line: int, header: list[str], cells: list[str], rows: dict[str, ManifestRow]) -> None:
    values = dict(zip(header, (cell.strip() for cell in cells)))
    if not any(values.values()):
        return
    if any("\n" in v or "\r" in v for v in values.values()):
        raise ConfigError(f"manifest {path}, line {line}: a value runs over several lines, usually a quote that is"
                          " not closed; close the quote (or remove the line break inside the value)")
    article_id = values.get("id", "")
    if not article_id:
        raise ConfigError(f"manifest {path}, line {line}: the id is empty; give the article's file name without extension")
    if article_id in rows:
        raise ConfigError(f"manifest {path}, line {line}: id {article_id!r} already appears at {rows[article_id].source}")
    published, bad_date = _parse_date(values.get("published", ""))
    rows[article_id] = ManifestRow(
        article_id, f"{path}:{line}", published, bad_date,
        values.get("outlet", ""), values.get("url", ""), values.get("title", ""),
    )


def _parse_date(value: str) -> tuple[dt.date | None, str]:
    """A YYYY-MM-DD value as a date; anything else non-empty comes back as the bad value."""
    if not value:
        return None, ""
    if _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value), ""
        except ValueError:
            pass
    return None, value


def _folder_inputs(folder: Path, manifest: Path | None, max_file_bytes: int) -> Iterator[Candidate | InputReport]:
    """Top-level entries of the folder in name order; sub-folders are reported, not entered."""
    manifest_key = _identity(Path(manifest)) if manifest is not None else None
    try:
        names = sorted(os.listdir(folder))
    except OSError as err:
        raise ConfigError(f"articles folder {folder} cannot be listed: {err.strerror or err}") from err
    for name in names:
        path = folder / name
        if manifest_key is not None and _identity(path) == manifest_key:
            continue
        yield _guarded(_folder_entry, path, max_file_bytes, article_id=_shown(path.stem), source=_shown(str(path)))


def _guarded(read, *args, article_id: str, source: str) -> Candidate | InputReport | None:
    """Whatever reading one input raises becomes its report row: one input never stops the run."""
    try:
        return read(*args)
    except Exception as err:  # noqa: BLE001
        return InputReport(article_id, source, Status.UNREADABLE, Reason.READ_ERROR,
                           f"reading it failed with {type(err).__name__}: {str(err)[:200]}; not read; please report it")


def _identity(path: Path) -> tuple[int, int] | None:
    """Device and inode of what a path leads to, None when it leads nowhere (broken link, loop)."""
    try:
        info = path.stat()
        return info.st_dev, info.st_ino
    except (OSError, ValueError):
        return None


def _shown(text: str) -> str:
    """A file name as text: bytes that are not UTF-8 become U+FFFD, so every output can hold it."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _folder_entry(path: Path, max_file_bytes: int) -> Candidate | InputReport:
    article_id, shown = _shown(path.stem), _shown(str(path))
    try:
        info = path.stat()
    except (OSError, ValueError) as err:
        problem = "a symbolic link loop" if getattr(err, "errno", None) == errno.ELOOP else "a broken link or unreadable entry"
        return InputReport(article_id, shown, Status.UNREADABLE, Reason.READ_ERROR,
                           f"{_shown(path.name)} is {problem} ({getattr(err, 'strerror', None) or err}): not read; fix or"
                           " remove it")
    if stat.S_ISDIR(info.st_mode) or path.suffix.lower() not in ARTICLE_SUFFIXES:
        kind = "a folder (only the top level is read)" if stat.S_ISDIR(info.st_mode) else "not an article file (.txt, .html, .htm)"
        return InputReport(article_id, shown, Status.UNREADABLE, Reason.UNSUPPORTED_FILE_TYPE,
                           f"{_shown(path.name)} is {kind}: not read. Move its articles to the top level as .txt or"
                           " .html files, or move it out of the folder")
    if not stat.S_ISREG(info.st_mode):
        return InputReport(article_id, shown, Status.UNREADABLE, Reason.NOT_A_REGULAR_FILE,
                           f"{_shown(path.name)} is {_special_kind(info.st_mode)}, not a regular file: not read; save the"
                           " article as a regular file")
    return _read_file(path, article_id, shown, info.st_size, max_file_bytes)


def _special_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "a special file"


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(Path(path).stat().st_mode)
    except (OSError, ValueError):
        return False


def _read_capped(path: Path, cap: int) -> bytes | None:
    """At most cap bytes of a file, or None when it holds more; never blocks on a FIFO swapped in after the check."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        raw = fh.read(cap + 1)
    return None if len(raw) > cap else raw


def _too_large(article_id: str, shown: str, size: int | str, max_file_bytes: int) -> InputReport:
    return InputReport(article_id, shown, Status.UNREADABLE, Reason.TOO_LARGE,
                       f"{size} bytes, above the limit of {max_file_bytes} bytes: not read. Split the file, or raise"
                       " the limit with --max-file-bytes (Settings.max_file_bytes)")


def _read_file(path: Path, article_id: str, shown: str, size: int, max_file_bytes: int) -> Candidate | InputReport:
    if size > max_file_bytes:
        return _too_large(article_id, shown, size, max_file_bytes)
    try:
        raw = _read_capped(path, max_file_bytes)
    except OSError as err:
        return InputReport(article_id, shown, Status.UNREADABLE, Reason.READ_ERROR,
                           f"cannot be read ({err.strerror or err}): check that the file exists and is readable")
    if raw is None:
        return _too_large(article_id, shown, f"more than {max_file_bytes}", max_file_bytes)
    decoded = decode_article_bytes(raw)
    if isinstance(decoded, InputReport):
        return replace(decoded, article_id=article_id, source_path=shown)
    text, title = fold_newlines(decoded.text), ""
    if path.suffix.lower() in HTML_SUFFIXES:
        text, title = html_to_text(text)
    return _check_text(Candidate(article_id, shown, text, decoded.encoding, decoded.notes, title=title))


def _jsonl_inputs(path: Path, max_file_bytes: int) -> Iterator[Candidate | InputReport]:
    """One input per non-blank line; blank lines are skipped; a line is never read past the size limit."""
    try:
        handle = open(path, "rb")
    except OSError as err:
        raise ConfigError(f"articles file {path} cannot be read: {err.strerror or err}") from err
    with handle:
        number = 0
        while True:
            raw = handle.readline(max_file_bytes + 1)
            if not raw:
                return
            number += 1
            if len(raw) > max_file_bytes and not raw.endswith(b"\n"):
                size = len(raw) + _skip_line(handle)
                yield InputReport("", f"{_shown(str(path))}:{number}", Status.UNREADABLE, Reason.TOO_LARGE,
                                  f"line is {size} bytes, above the limit of {max_file_bytes} bytes: not read. Split the"
                                  " article, or raise the limit with --max-file-bytes (Settings.max_file_bytes)")
                continue
            entry = _guarded(_jsonl_entry, raw, number, path, max_file_bytes, article_id="",
                             source=f"{_shown(str(path))}:{number}")
            if entry is not None:
                yield entry


def _skip_line(handle) -> int:
    """Read past the rest of an over-long line in bounded blocks; how many bytes it had."""
    skipped = 0
    while True:
        block = handle.readline(1 << 20)
        skipped += len(block)
        if not block or block.endswith(b"\n"):
            return skipped


def _jsonl_entry(raw: bytes, number: int, path: Path, max_file_bytes: int) -> Candidate | InputReport | None:
    if number == 1:
        raw = raw.removeprefix(codecs.BOM_UTF8)
    if not raw.strip():
        return None
    source = f"{_shown(str(path))}:{number}"
    if len(raw.rstrip(b"\r\n")) > max_file_bytes:
        return InputReport("", source, Status.UNREADABLE, Reason.TOO_LARGE,
                           f"line is {len(raw)} bytes, above the limit of {max_file_bytes} bytes: not read. Split the"
                           " article, or raise the limit with --max-file-bytes (Settings.max_file_bytes)")
    return _jsonl_line(raw, source)


def _has_surrogates(value: str) -> bool:
    try:
        value.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def _jsonl_line(raw: bytes, source: str) -> Candidate | InputReport:
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return _bad_line(source, "", "the line is not UTF-8: save the JSONL file as UTF-8")
    except json.JSONDecodeError as err:
        return _bad_line(source, "", f"not valid JSON ({err.msg} at column {err.colno}): fix or remove the line")
    except RecursionError:
        return _bad_line(source, "", "the JSON is nested too deeply to read: write one flat {\"id\": ..., \"text\": ...}"
                                     " object a line")
    except ValueError as err:
        return _bad_line(source, "", f"not usable JSON ({str(err)[:120]}): fix or remove the line")
    if not isinstance(record, dict):
        return _bad_line(source, "", "the line is not a JSON object: write one {\"id\": ..., \"text\": ...} object a line")
    raw_id = record.get("id")
    article_id = ""
    if isinstance(raw_id, str) or (isinstance(raw_id, int) and not isinstance(raw_id, bool) and abs(raw_id) < 10**40):
        article_id = str(raw_id).strip()
    if not article_id or len(article_id) > 1000:
        return _bad_line(source, "", "no usable \"id\" (a non-empty string of at most 1000 characters, or a number of at"
                                     " most 40 digits): add one")
    text = record.get("text")
    if not isinstance(text, str):
        return _bad_line(source, _shown_id(article_id), "no \"text\" string: add the article text as \"text\"")
    fields = {name: _field(record, name) for name in ("published", "outlet", "url", "title")}
    if any(_has_surrogates(v) for v in (article_id, text, *fields.values())):
        return _bad_line(source, _shown_id(article_id), "a value holds an unpaired surrogate escape (such as \\ud800),"
                                                        " which is no character: fix the export that wrote the line")
    published, bad_date = _parse_date(fields["published"])
    notes = ((Reason.MANIFEST_BAD_DATE, _bad_date_message(bad_date, f"{source}, field \"published\"")),) if bad_date else ()
    candidate = Candidate(
        article_id, source, fold_newlines(text), "utf-8", notes, published,
        fields["outlet"], fields["url"], fields["title"],
    )
    return _check_text(candidate)


def _shown_id(article_id: str) -> str:
    return article_id.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(article_id) else article_id


def _field(record: dict, name: str) -> str:
    value = record.get(name)
    if value is None or isinstance(value, (dict, list)):
        return ""
    try:
        return str(value).strip()
    except ValueError:  # an integer too long to write out
        return ""


def _bad_line(source: str, article_id: str, problem: str) -> InputReport:
    return InputReport(article_id, source, Status.UNREADABLE, Reason.BAD_JSONL_LINE, problem)


def _reject(article_id: str, path: Path, status: str, reason: str, message: str) -> InputReport:
    return InputReport(article_id, str(path), status, reason, message)


def decode_article_bytes(raw: bytes) -> Decoded | InputReport:
    """Decode as UTF-8 (BOM or not), else Windows-1256 when that gives Arabic, else UTF-16 with BOM.

    A rejection comes back as an InputReport without id or path, for the caller to fill in.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(raw.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            return _unreadable(Reason.UNDECODABLE, f"starts like UTF-16 but is not valid UTF-16: {_SAVE_AS_UTF8}")
    if not raw.strip():
        return InputReport("", "", Status.EMPTY, Reason.EMPTY_FILE, _empty_message())
    binary_kind = _binary_kind(raw)
    if binary_kind:
        return _unreadable(Reason.BINARY_FILE, f"looks like {binary_kind}, not text: not read; {_SAVE_AS_UTF8}")
    encoding = "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return Decoded(raw.decode(encoding), encoding)
    except UnicodeDecodeError:
        pass
    escaped = raw.decode(encoding, errors="surrogateescape")
    bad = sum(map(len, _ESCAPED.findall(escaped)))
    utf8_chars = sum(1 for c in escaped if c > "\x7f" and not "\udc80" <= c <= "\udcff")
    if utf8_chars * 100 >= bad:
        if _legacy_runs(escaped, encoding):
            text = _ESCAPED.sub(lambda m: m.group().encode("utf-8", "surrogateescape").decode("cp1256"), escaped)
            return Decoded(text, f"{encoding}+cp1256", (_mixed_note(bad),))
        lenient = raw.decode(encoding, errors="replace")
        replaced = lenient.count("\ufffd") - raw.count("\ufffd".encode())
        return Decoded(lenient, encoding, (_replaced_note(replaced),))
    legacy = raw.decode("cp1256")
    if _mostly_arabic(legacy):
        return Decoded(legacy, "cp1256")
    return _unreadable(Reason.UNDECODABLE, f"neither UTF-8, nor Windows-1256 Arabic, nor UTF-16 with BOM: {_SAVE_AS_UTF8}")


_ESCAPED = re.compile("[\udc80-\udcff]+")
"""Bytes that were not UTF-8, kept as escapes by the surrogateescape handler."""
_LEGACY_STRETCH = re.compile("[\udc80-\udcff]+(?:[\\s0-9.,:;!?()\"'-]+[\udc80-\udcff]+)*")
"""Bytes that are not UTF-8, with only ASCII spaces, digits and punctuation between them: words in another encoding."""


def _legacy_runs(escaped: str, encoding: str) -> bool:
    """True when the bytes that are not UTF-8 mostly come in stretches that read as Windows-1256 Arabic,
    rather than scattered among UTF-8 letters as damage does."""
    total = sum(map(len, _ESCAPED.findall(escaped)))
    stretches = [m.group() for m in _LEGACY_STRETCH.finditer(escaped)]
    long = [st for st in stretches if sum(map(len, _ESCAPED.findall(st))) >= 12]
    in_runs = sum(sum(map(len, _ESCAPED.findall(st))) for st in long)
    legacy = "".join(_ESCAPED.sub(lambda m: m.group().encode(encoding, "surrogateescape").decode("cp1256"), st)
                     for st in long)
    return in_runs * 10 >= total * 8 and _mostly_arabic(legacy)


def _unreadable(reason: str, message: str) -> InputReport:
    return InputReport("", "", Status.UNREADABLE, reason, message)


def _binary_kind(raw: bytes) -> str:
    """What the bytes look like when they are not text, or empty when they may be text."""
    for signature, kind in _BINARY_SIGNATURES:
        if raw.startswith(signature):
            return kind
    if b"\x00" in raw:
        return "binary data (it holds NUL bytes; a UTF-16 file without BOM looks like this too)"
    sample = raw[:65536]
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if control * 10 > len(sample):
        return "binary data (mostly control bytes)"
    return ""


def _mostly_arabic(text: str) -> bool:
    """True when Arabic letters make up at least half the letters (Latin text misread as cp1256 does not)."""
    letters = sum(ch.isalpha() for ch in text)
    return has_arabic(text, minimum=max(20, letters // 2))


def fold_newlines(text: str) -> str:
    """Drop a leading BOM and turn CRLF and CR into LF; nothing else changes."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


class _HtmlText(HTMLParser):
    """Collects visible text, with a line break at every block element, and the <title> apart."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.skip_depth = 0
        self.in_title = False
        self.title_done = False
        """Only the first <title> outside drawings names the page."""

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_HTML or tag in _SKIPPED_HTML_EXTRA:
            self.skip_depth += 1
        elif tag == "title" and not self.title_done:
            self.in_title = True
        elif tag in _BLOCK_HTML:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED_HTML or tag in _SKIPPED_HTML_EXTRA:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag == "title" and self.in_title:
            self.in_title, self.title_done = False, True
        elif tag in _BLOCK_HTML:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag not in _SKIPPED_HTML and tag not in _SKIPPED_HTML_EXTRA:  # <svg/> opens nothing
            self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self.skip_depth:
            return
        (self.title_parts if self.in_title else self.parts).append(data)


def _without_unclosed_comment(html: str) -> str:
    """Everything after a `<!--` that is never closed is a comment, as browsers read it, not text."""
    pos = 0
    while (start := html.find("<!--", pos)) >= 0:
        end = html.find("-->", start + 4)
        if end < 0:
            return html[:start]
        pos = end + 3
    return html


def html_to_text(html: str) -> tuple[str, str]:
    """Visible text of an HTML page, one block a line with spaces folded, and its <title>."""
    parser = _HtmlText()
    parser.feed(_without_unclosed_comment(html))
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line), " ".join("".join(parser.title_parts).split())


def _check_text(candidate: Candidate) -> Candidate | InputReport:
    """Reject text that is blank or holds too little Arabic to be an article."""
    if not candidate.text.strip():
        return InputReport(candidate.article_id, candidate.source_path, Status.EMPTY, Reason.EMPTY_FILE,
                           _empty_message(), encoding=candidate.encoding)
    if not has_arabic(candidate.text):
        return InputReport(candidate.article_id, candidate.source_path, Status.UNREADABLE, Reason.NO_ARABIC_TEXT,
                           f"decoded as {candidate.encoding} but holds fewer than 20 Arabic letters: not an Arabic"
                           " article, or saved in an encoding not recognised; check the file, " + _SAVE_AS_UTF8,
                           chars=len(candidate.text), encoding=candidate.encoding)
    return candidate


def _empty_message() -> str:
    return "no text (empty or only whitespace): add the article text or remove the input"


def _mixed_note(count: int) -> tuple[str, str]:
    return (Reason.MIXED_ENCODING,
            f"the file mixes encodings: {count} bytes that are not UTF-8 read as Windows-1256 Arabic, the rest as UTF-8;"
            " check the text and re-save the file as UTF-8")


def _replaced_note(count: int) -> tuple[str, str]:
    return (Reason.INVALID_BYTES_REPLACED,
            f"{count} invalid UTF-8 byte sequence(s) replaced with U+FFFD: the file may be truncated or damaged;"
            " read the rest, check the source and re-save it as UTF-8")


def _bad_date_message(value: str, where: str) -> str:
    return (f"{where}: published {value!r} is not a date in the form YYYY-MM-DD (e.g. 2017-03-29); it was ignored and"
            " the date will be inferred from the text. Fix the value to set it")


def _admit(
    inputs: Iterable[Candidate | InputReport], manifest: dict[str, ManifestRow] | None,
    window: tuple[dt.date, dt.date] = PLAUSIBLE_ANYWHERE,
) -> Iterator[tuple[InputReport, Article | None]]:
    """Apply the manifest and the duplicate checks, in input order, then report manifest rows left unused."""
    first_by_id: dict[str, str] = {}
    first_by_hash: dict[bytes, str] = {}
    used_rows: set[str] = set()
    for item in inputs:
        if isinstance(item, InputReport):
            yield item, None
            continue
        digest = hashlib.sha256(item.text.encode("utf-8")).hexdigest()
        facts = dict(chars=len(item.text), sha256=digest, encoding=item.encoding)
        row = _manifest_row(manifest, item)
        if row is not None:
            used_rows.add(row.article_id)
        if item.article_id in first_by_id:
            yield InputReport(item.article_id, item.source_path, Status.DUPLICATE, Reason.DUPLICATE_ID,
                              f"id {item.article_id!r} already read from {first_by_id[item.article_id]}: not"
                              " read again; rename one of them if both are articles", **facts), None
            continue
        key = bytes.fromhex(digest)
        if key in first_by_hash:
            yield InputReport(item.article_id, item.source_path, Status.DUPLICATE, Reason.DUPLICATE_CONTENT,
                              f"same text as article {first_by_hash[key]!r}: counted once, under that id", **facts), None
            continue
        first_by_id[item.article_id] = item.source_path
        first_by_hash[key] = item.article_id
        article, notes = _with_metadata(item, digest, row, manifest is not None, window)
        reason, message = notes[0] if notes else ("", "")
        yield InputReport(
            article.article_id, article.source_path, Status.OK, reason, "; ".join(m for _, m in notes),
            published=article.published.isoformat() if article.published else "",
            date_source=article.date_source, **facts,
        ), article
    for row in (manifest or {}).values():
        if row.article_id not in used_rows:
            yield InputReport(row.article_id, row.source, Status.MISSING, Reason.MANIFEST_ROW_WITHOUT_FILE,
                              f"the manifest names {row.article_id!r} but no input has that id: check the"
                              " file name (the id is the name without extension) or remove the row"), None


def _manifest_row(manifest: dict[str, ManifestRow] | None, item: Candidate) -> ManifestRow | None:
    """The row for an article, by id or, for files, by full file name (a common way to fill the id column)."""
    if not manifest:
        return None
    return manifest.get(item.article_id) or manifest.get(Path(item.source_path).name)


def _with_metadata(
    item: Candidate, digest: str, row: ManifestRow | None, has_manifest: bool,
    window: tuple[dt.date, dt.date] = PLAUSIBLE_ANYWHERE,
) -> tuple[Article, tuple[tuple[str, str], ...]]:
    """The Article with manifest values first, then the input's own; notes in order of importance."""
    notes = list(item.notes)
    if row is not None and row.bad_date:
        notes.append((Reason.MANIFEST_BAD_DATE, _bad_date_message(row.bad_date, f"manifest {row.source}")))
    if row is None and has_manifest:
        notes.append((Reason.NOT_IN_MANIFEST, "no manifest row: publication date will be inferred from the text"
                      f" (add a row with id {item.article_id!r} to set it)"))
    published = (row.published if row else None) or item.published
    if published is not None and not window[0] <= published <= window[1]:
        notes.append((Reason.IMPLAUSIBLE_DATE,
                      f"published {published.isoformat()} is outside the plausible window {window[0].isoformat()} to"
                      f" {window[1].isoformat()} (the campaign's, with a margin): ignored, the date will be inferred"
                      " from the text; fix the value"))
        published = None
    article = Article(
        article_id=item.article_id,
        text=item.text,
        source_path=item.source_path,
        sha256=digest,
        published=published,
        date_source="manifest" if published else "unknown",
        outlet=(row.outlet if row else "") or item.outlet,
        url=(row.url if row else "") or item.url,
        title=(row.title if row else "") or item.title,
        encoding=item.encoding,
    )
    return article, tuple(notes)
