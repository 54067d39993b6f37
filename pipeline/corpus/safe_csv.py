"""CSV that a spreadsheet cannot turn into a formula and every reader splits into the same rows.

Article text is untrusted: a cell beginning with = + - @, a tab or a carriage return may be run as a
formula by Excel or LibreOffice. Such cells get a leading apostrophe (the OWASP advice), which the
spreadsheet shows as text. Rows end with CRLF (RFC 4180), so the csv module quotes every cell that holds
a CR or an LF and pandas and the csv module read back the same rows. Parquet keeps the raw values.

Standard library and pandas only: the dashboard imports it for its downloads.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Final, Iterable, Mapping, Sequence

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters a spreadsheet may read as the start of a formula."""
_FORMULA_CODES: Final = frozenset(map(ord, FORMULA_STARTS))
PREFIX = "'"
LINE_END = "\r\n"


def neutralise(value):
    """The value as a CSV cell may safely hold it: strings that could start a formula get a leading apostrophe."""
    if isinstance(value, str) and value and ord(value[0]) in _FORMULA_CODES:  # one look-up, not one test per start
        return PREFIX + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text cell neutralised; numbers, booleans and missing values untouched."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise, na_action="ignore")
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def _cell(value):
    if type(value) is str:  # most cells: no test for missing values
        return neutralise(value)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return neutralise(value)


class SafeWriter:
    """Writes rows of named cells (mappings) or lists, neutralised, with a header first."""

    def __init__(self, stream, columns: list[str]):
        self.columns = list(columns)
        self._stream = stream
        self._writer = csv.writer(stream, lineterminator=LINE_END)
        self._writer.writerow([neutralise(c) for c in self.columns])

    def write(self, row: Mapping | list) -> None:
        cells = map(row.get, self.columns) if isinstance(row, Mapping) else row
        self._writer.writerow(list(map(_cell, cells)))

    def write_rows(self, rows: Sequence[Sequence]) -> None:
        """Rows of plain values (str, int, float, bool, None) in column order: the bytes of `write`, faster."""
        self._stream.write("".join(csv_lines(rows)))

    def write_all(self, rows: Iterable[Mapping | list]) -> None:
        for row in rows:
            self.write(row)


def csv_lines(rows: Sequence[Sequence]) -> list[str]:
    """Each row of plain values (str, int, float, bool, None) as its safe CSV line, ending with LINE_END."""
    numbers: dict[float, str] = {}
    return [_line(row, numbers) for row in rows]


def csv_line(row: Sequence) -> str:
    """One row of plain values as its safe CSV line: what the csv module writes (minimal quoting, quotes doubled,
    CRLF) once each cell is neutralised and a NaN emptied.

    Written cell by cell here rather than by csv.writer, which tests every character of every cell against its
    delimiter, quote and line-end characters, twice: compiled (scripts/compile.sh), a text cell costs a look at its
    first character and two searches, and a line two more for line breaks (rare: then every cell is looked at
    again for them).
    """
    return _line(row, {})


def _line(row: Sequence, numbers: dict[float, str]) -> str:
    """csv_line; `numbers`: float -> its text, kept over the rows of one call (most floats of the events table
    recur, a place's coordinates and a rule's confidence, and writing one out costs a few thousand instructions)."""
    cells = [_csv_cell(value, False, numbers) for value in row]
    line = ",".join(cells)
    if "\n" in line or "\r" in line:
        line = ",".join([_csv_cell(value, True, numbers) for value in row])
    elif line == "" and len(row) == 1:
        line = '""'  # as the csv module writes a row of one empty cell: not a blank line
    return line + LINE_END


def _csv_cell(value, breaks: bool, numbers: dict[float, str]) -> str:
    """A cell as the line holds it; `breaks`: a cell holding a line break is quoted too (else only for a quote or a
    comma: _line looks for line breaks in the whole line at once)."""
    if isinstance(value, str):
        text: str = neutralise(value)
    elif value is None or value != value:  # None, or a NaN
        return ""
    elif isinstance(value, float):
        if value == 0.0:
            return repr(value)  # 0.0 and -0.0 are one key of a dict, not one text
        found = numbers.get(value)
        if found is None:
            found = numbers[value] = repr(value)
        return found
    else:
        return str(value)
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or (breaks and ("\n" in text or "\r" in text)):
        return '"' + text + '"'
    return text


def csv_text(rows: Iterable[Mapping | list], columns: list[str]) -> str:
    """The whole CSV as a string."""
    buf = io.StringIO(newline="")
    SafeWriter(buf, columns).write_all(rows)
    return buf.getvalue()


def frame_csv_bytes(df: pd.DataFrame) -> bytes:
    """A data frame as safe UTF-8 CSV bytes (for downloads), without the index."""
    rows = df.astype(object).where(df.notna(), None).itertuples(index=False, name=None)
    return csv_text((list(r) for r in rows), [str(c) for c in df.columns]).encode("utf-8")


def write_csv(path: Path, rows: Iterable[Mapping | list], columns: list[str]) -> None:
    """Write a safe CSV file (UTF-8, CRLF rows)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        SafeWriter(fh, columns).write_all(rows)
