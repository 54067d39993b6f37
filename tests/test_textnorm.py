"""Normalisation: the folding table, the offset map, and the whole-text way agreeing with the per-character way."""

import re

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from pipeline.extraction.textnorm import (FOLDING_FILE, NormalisedText, _folding, _normalise_per_character,
                                          normalise, tokenize, tokenize_columns)


def test_folding_table_agrees_with_camel_tools_normalisers():
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import normalize_alef_ar, normalize_alef_maksura_ar, normalize_teh_marbuta_ar

    table = _folding().table
    for cp in range(0x0600, 0x0700):
        ch = chr(cp)
        expected = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(ch))))
        if ch == "\u0640":  # tatweel is removed as well
            expected = ""
        if "\u0660" <= ch <= "\u0669" or "\u06f0" <= ch <= "\u06f9":
            expected = str(int(ch))
        assert table.get(cp, ch) == expected, hex(cp)


def test_diacritics_and_tatweel_are_removed_and_offsets_point_back():
    norm = normalise("المـوصِلُ")
    assert norm.text == "الموصل"
    assert [norm.original[o] for o in norm.offsets] == list("الموصل")


def test_hamza_forms_teh_marbuta_and_alef_maksura_fold():
    assert normalise("أمس إلى آخر مدينة").text == "امس الي اخر مدينه"


def test_arabic_indic_digits_become_ascii_at_the_same_offsets():
    norm = normalise("قتل ١٢ و۳")
    assert norm.text == "قتل 12 و3"
    assert norm.offsets == list(range(len("قتل ١٢ و۳")))


def test_invisible_marks_are_removed_and_a_span_maps_to_the_original():
    text = "حي\u200f الزهور"
    norm = normalise(text)
    start = norm.text.index("الزهور")
    assert norm.to_original(start, start + len("الزهور")) == (text.index("الزهور"), len(text))


@pytest.mark.parametrize("text", [
    "قصفت الطائرات حيَّ الزهور ـــ أمس، وقتل ٣ مدنيين.",
    "Mosul ISIS المَوصل\u00a0Σ",
    "İstanbul ΑΣ",
    "",
    "ــــ",
])
def test_whole_text_way_equals_per_character_way(text):
    fast, slow = normalise(text), _normalise_per_character(text, _folding().table)
    assert (fast.text, fast.offsets) == (slow.text, slow.offsets)


def test_tokens_are_runs_of_letters_and_digits_in_normalised_offsets():
    norm = normalise("قتل 5، وجرح")
    assert [(t.text, norm.text[t.start:t.end]) for t in tokenize(norm)] == [("قتل", "قتل"), ("5", "5"), ("وجرح", "وجرح")]


def test_up_to_three_letters_stay_with_the_digits_after_them_and_a_longer_word_is_its_own_token():
    norm = normalise("و17 ال22 بال24 الموصل400 450عائلة")
    assert [t.text for t in tokenize(norm)] == ["و17", "ال22", "بال24", "الموصل", "400", "450", "عائله"]


def test_a_text_longer_than_the_shared_offset_map_is_normalised_the_same_way():
    text = "قتَل ٣ مدنيين، " * 5000
    fast, slow = normalise(text), _normalise_per_character(text, _folding().table)
    assert (fast.text, fast.offsets) == (slow.text, slow.offsets)


def test_token_columns_hold_each_token_word_start_and_end():
    tokens, words, starts, ends, _ = tokenize_columns(normalise("قتل 5، وجرح ال22"))
    assert tokens == tokenize(normalise("قتل 5، وجرح ال22"))
    assert list(zip(words, starts, ends)) == [tuple(t) for t in tokens]


def test_gaps_are_the_text_before_each_token_and_after_the_last():
    norm = normalise(" «قتل» 5، وجرح")
    _, _, starts, ends, gaps = tokenize_columns(norm)
    assert gaps == [" «", "» ", "، ", ""]
    assert gaps[1:-1] == [norm.text[a:b] for a, b in zip(ends, starts[1:])]


def test_latin_words_keep_up_to_three_letters_with_their_digits_like_arabic_ones():
    assert [t.text for t in tokenize(normalise("isis2017 al22 4km"))] == ["isis", "2017", "al22", "4", "km"]


def test_characters_outside_the_word_letters_separate_tokens():
    assert [t.text for t in tokenize(normalise("حي_الزهور-الثاني é"))] == ["حي", "الزهور", "الثاني"]


_LETTERS = "".join(f"{re.escape(a)}-{re.escape(b)}"
                   for a, b in yaml.safe_load(FOLDING_FILE.read_text(encoding="utf-8"))["word_letters"])
_AS_A_PATTERN = re.compile(rf"[{_LETTERS}]++(?![0-9])|[{_LETTERS}]{{0,3}}[0-9]+|[{_LETTERS}]+")
"""The token rule as a regular expression over the data file's letters: a word, or up to three letters with the
digits after them."""


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab12 ،.-_" "\u0627\u0644\u0645\u0648\u0640\u064b\u0661é", max_size=16))
def test_tokens_are_what_the_rule_as_a_pattern_finds(text):
    norm = NormalisedText(text, text, list(range(len(text))))
    tokens, _, _, _, gaps = tokenize_columns(norm)
    assert [(t.text, t.start, t.end) for t in tokens] == [(m.group(), m.start(), m.end())
                                                         for m in _AS_A_PATTERN.finditer(text)]
    assert "".join(g + t.text for g, t in zip(gaps, tokens)) + gaps[-1] == text
