"""Bisection over the sorted int columns of an analysed article: token starts and ends, hit positions, offset maps.

Compiled with the extraction, each step is a native comparison of two ints, where the standard library's bisect
makes a generic call and a generic item look-up and comparison per step (a few hundred bisections per article,
most in `document.token_stretch`: its instructions fell to less than half). Compiled code indexes a column
natively only when it knows the column's type: the columns are lists (offset maps included). The results are
those of bisect.bisect_left and bisect.bisect_right.
"""

from __future__ import annotations


def bisect_left(values: list[int], x: int, lo: int = 0, hi: int | None = None) -> int:
    """The first position in values[lo:hi] whose value is not below x (hi: the end when None)."""
    end: int = len(values) if hi is None else hi
    while lo < end:
        mid = (lo + end) // 2
        if values[mid] < x:
            lo = mid + 1
        else:
            end = mid
    return lo


def bisect_right(values: list[int], x: int, lo: int = 0, hi: int | None = None) -> int:
    """The first position in values[lo:hi] whose value is above x (hi: the end when None)."""
    end: int = len(values) if hi is None else hi
    while lo < end:
        mid = (lo + end) // 2
        if x < values[mid]:
            end = mid
        else:
            lo = mid + 1
    return lo
