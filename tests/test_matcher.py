

def test_a_bounded_memo_computes_each_key_once_and_starts_again_when_full():
    from pipeline.extraction.matcher import BoundedMemo

    calls = []
    memo = BoundedMemo(lambda word: calls.append(word) or word[::-1], limit=2)
    assert [memo["اب"], memo["اب"], memo["جد"]] == ["با", "با", "دج"] and calls == ["اب", "جد"]
    assert memo["هو"] == "وه" and list(memo) == ["هو"]
