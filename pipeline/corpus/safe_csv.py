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
        self._writer = csv.writer(stream, lineterminator=LINE_END)
        self._writer.writerow([neutralise(c) for c in self.columns])

    def write(self, row: Mapping | list) -> None:
        cells = map(row.get, self.columns) if isinstance(row, Mapping) else row
        self._writer.writerow(list(map(_cell, cells)))

    def write_rows(self, rows: Iterable[Sequence]) -> None:
        """Rows of plain values (str, int, float, bool, None) in column order: the bytes of `write`, a loop less."""
        self._writer.writerows(_plain_cells(rows))

    def write_all(self, rows: Iterable[Mapping | list]) -> None:
        for row in rows:
            self.write(row)


def _plain_cells(rows: Iterable[Sequence]) -> list[list]:
    """Rows of plain values with their cells as `_cell` makes them, in one comprehension."""
    return [[(PREFIX + v if v[:1] in _FORMULA_FIRST else v) if isinstance(v, str) else ("" if v != v else v)
             for v in row] for row in rows]


def csv_lines(rows: Iterable[Sequence]) -> list[str]:
    """Each row of plain values as its safe CSV line, ending with LINE_END (the text `write_rows` writes)."""
    lines: list[str] = []
    csv.writer(SimpleNamespace(write=lines.append), lineterminator=LINE_END).writerows(_plain_cells(rows))
    return lines


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
