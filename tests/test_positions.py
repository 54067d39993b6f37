import bisect

from hypothesis import given, strategies as st

from pipeline.extraction.positions import bisect_left, bisect_right

_COLUMNS = st.lists(st.integers(-5, 40), max_size=30).map(sorted)


@given(_COLUMNS, st.integers(-10, 50), st.integers(0, 35), st.integers(0, 35))
def test_bisecting_a_column_finds_what_the_standard_library_finds(column, x, lo, hi):
    lo, hi = min(lo, len(column)), min(hi, len(column))
    assert bisect_left(column, x) == bisect.bisect_left(column, x)
    assert bisect_right(column, x) == bisect.bisect_right(column, x)
    assert bisect_left(column, x, lo, hi) == bisect.bisect_left(column, x, lo, max(lo, hi))
    assert bisect_right(column, x, lo, hi) == bisect.bisect_right(column, x, lo, max(lo, hi))

