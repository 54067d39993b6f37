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
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Iterable, Mapping, Sequence

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters a spreadsheet may read as the start of a formula."""
_FORMULA_FIRST = frozenset(FORMULA_STARTS)
PREFIX = "'"
LINE_END = "\r\n"


def neutralise(value):
    """The value as a CSV cell may safely hold it: strings that could start a formula get a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
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


_MAY_NEED_A_CELL_CHANGED = re.compile(r',"?(?:[=+\-@\t\r]|nan(?:[,\n]|$))')
"""In a comma and lines of raw cells (without their line ends) joined by a newline and a comma, where one may
start with a formula character or be a NaN (both changed by `_cell`). Its leading comma lets the search skip
from comma to comma."""


def csv_lines(rows: Sequence[Sequence]) -> list[str]:
    """Each row of plain values (str, int, float, bool, None) as its safe CSV line, ending with LINE_END.

    The rows are written as they are and only the lines where a cell may need neutralising (or a NaN emptying)
    are written again cell by cell: the same text, without a Python step for every cell. They are written with
    no line end, which the writer would otherwise look up for every character of every cell (to quote a cell
    holding one of its characters): a line with a CR or an LF in a cell is written again with it. The lines are
    searched at once, and one by one only when the search finds something (one search costs a fifth of one per
    line)."""
    lines: list[str] = []
    csv.writer(SimpleNamespace(write=lines.append), lineterminator="").writerows(rows)
    joined = "," + "\n,".join(lines)
    if joined.count("\n") == len(lines) - 1 and "\r" not in joined and not _MAY_NEED_A_CELL_CHANGED.search(joined):
        return [line + LINE_END for line in lines]
    for i, line in enumerate(lines):
        if "\n" in line or "\r" in line or _MAY_NEED_A_CELL_CHANGED.search("," + line):
            lines[i] = csv_line(rows[i])
        else:
            lines[i] = line + LINE_END
    return lines


def csv_line(row: Sequence) -> str:
    """One row of plain values as its safe CSV line, each cell neutralised."""
    lines: list[str] = []
    csv.writer(SimpleNamespace(write=lines.append), lineterminator=LINE_END).writerow(
        [(PREFIX + v if v[:1] in _FORMULA_FIRST else v) if isinstance(v, str) else ("" if v != v else v) for v in row])
    return lines[0]


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
