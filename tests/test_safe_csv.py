"""Every CSV the project writes: no cell a spreadsheet runs as a formula, the same rows for every reader."""

import csv
import io

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.corpus.safe_csv import SafeWriter, csv_lines, csv_text, frame_csv_bytes, neutralise, neutralise_frame


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_that_could_start_a_formula_gets_a_leading_apostrophe(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["غارة جوية", "a=b", "", "'quoted", 5, -3, 2.5, True, None])
def test_other_values_pass_unchanged(value):
    assert neutralise(value) == value


def test_a_frame_is_neutralised_in_text_columns_only():
    df = pd.DataFrame({"outlet": ["=cmd", "ok"], "killed": [-1, 2]})
    out = neutralise_frame(df)
    assert out["outlet"].tolist() == ["'=cmd", "ok"] and out["killed"].tolist() == [-1, 2]
    assert df["outlet"].tolist() == ["=cmd", "ok"]


def test_a_carriage_return_inside_a_value_is_quoted_and_keeps_the_row_count():
    text = csv_text([{"a": "one\rtwo", "b": "x"}, {"a": "three\nfour", "b": "y"}], ["a", "b"])
    assert len(list(csv.reader(io.StringIO(text, newline="")))) == 3
    assert len(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)) == 2


def test_download_bytes_are_neutralised_and_omit_the_index():
    body = frame_csv_bytes(pd.DataFrame({"title": ["@x"], "n": [1]})).decode("utf-8")
    assert body == "title,n\r\n'@x,1\r\n"


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(cells, cells), min_size=1, max_size=8))
def test_pandas_and_the_csv_module_read_back_the_same_neutralised_cells(rows):
    text = csv_text([list(r) for r in rows], ["a", "b"])
    expected = [[neutralise(x) for x in r] for r in rows]
    by_csv = list(csv.reader(io.StringIO(text, newline="")))[1:]
    by_pandas = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False)
    assert by_csv == expected
    assert by_pandas.values.tolist() == expected


PLAIN_CELLS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_infinity=False),
                        st.text(alphabet="=+-@\t\r\n,\"' nazموصل0123", max_size=8))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(PLAIN_CELLS, min_size=3, max_size=3), max_size=6))
def test_rows_of_plain_values_are_written_as_cell_by_cell_writing_writes_them(rows):
    one_by_one, at_once = io.StringIO(newline=""), io.StringIO(newline="")
    reference = SafeWriter(one_by_one, ["a", "b", "c"])
    for row in rows:
        reference.write(row)
    SafeWriter(at_once, ["a", "b", "c"]).write_rows(rows)
    assert at_once.getvalue() == one_by_one.getvalue()


def test_a_line_of_plain_values_is_neutralised_and_a_nan_left_empty():
    assert csv_lines([["=1+1", float("nan"), -3, "a,b"]]) == ["'=1+1,,-3,\"a,b\"\r\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.one_of(PLAIN_CELLS, cells), min_size=1, max_size=4), max_size=6))
def test_rows_of_any_width_and_text_are_written_as_the_csv_module_writes_them(rows):
    one_by_one, at_once = io.StringIO(newline=""), io.StringIO(newline="")
    reference = SafeWriter(one_by_one, ["a"])
    for row in rows:
        reference.write(row)
    SafeWriter(at_once, ["a"]).write_rows(rows)
    assert at_once.getvalue() == one_by_one.getvalue()


def test_a_row_of_one_empty_cell_is_written_as_an_empty_quoted_cell_not_a_blank_line():
    assert csv_lines([[""], [None], [float("nan")]]) == ['""\r\n'] * 3


def test_zero_and_negative_zero_keep_their_own_text_in_one_table():
    assert csv_lines([[0.0, -0.0], [-0.0, 0.0]]) == ["0.0,-0.0\r\n", "-0.0,0.0\r\n"]
