"""The phrase matcher's own helpers: the bounded memo and the choice among overlapping matches."""

from hypothesis import given
from hypothesis import strategies as st

from pipeline.extraction.matcher import BoundedMemo, Match, prefer_longest_match
from pipeline.records import Span


def test_a_bounded_memo_computes_each_key_once_and_starts_again_when_full():
    calls = []
    memo = BoundedMemo(lambda word: calls.append(word) or word[::-1], limit=2)
    assert [memo["اب"], memo["اب"], memo["جد"]] == ["با", "با", "دج"] and calls == ["اب", "جد"]
    assert memo["هو"] == "وه" and list(memo) == ["هو"]


def _longest_first_over_all(matches: list[Match]) -> list[Match]:
    """The choice as defined: longest in tokens first, then longest in text, then earliest; kept if no token of
    it is taken yet; returned in text order."""
    taken: set[int] = set()
    chosen = []
    for m in sorted(matches, key=lambda m: (m.token_start - m.token_end, m.norm_start - m.norm_end, m.token_start)):
        if taken.isdisjoint(range(m.token_start, m.token_end)):
            taken.update(range(m.token_start, m.token_end))
            chosen.append(m)
    return sorted(chosen, key=lambda m: m.token_start)


_MATCHES = st.lists(st.tuples(st.integers(0, 15), st.integers(1, 4), st.integers(0, 2)), max_size=14).map(
    lambda specs: [Match(Span(0, 0, ""), start * 3, (start + words) * 3 + extra, start, start + words, f"p{k}", "", k)
                   for k, (start, words, extra) in enumerate(specs)])


@given(_MATCHES)
def test_overlapping_matches_in_token_order_are_settled_as_the_longest_first_choice_over_all_of_them(matches):
    in_order = sorted(matches, key=lambda m: m.token_start)
    assert prefer_longest_match(in_order) == _longest_first_over_all(in_order)


@given(_MATCHES)
def test_matches_out_of_token_order_are_settled_the_same_way(matches):
    assert prefer_longest_match(matches) == _longest_first_over_all(matches)
