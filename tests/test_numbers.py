"""Reading numbers out of Arabic text: digits, number words, scales, vague words, spans."""

from pathlib import Path

import pytest

from pipeline.errors import DataFileError
from pipeline.extraction.numbers import find_numbers, load_number_lexicon, tokens_ending_in_digits
from pipeline.extraction.textnorm import normalise, tokenize

LEXICON_DIR = Path(__file__).resolve().parents[1] / "data" / "lexicon" / "ar"


def numbers_in(text):
    return find_numbers(normalise(text), load_number_lexicon(LEXICON_DIR))


@pytest.mark.parametrize("text, value", [
    ("قتل 23 مدنيا", 23),
    ("مقتل ١٧ مدنياً", 17),
    ("نحو 435 ألف شخص", 435000),
    ("أكثر من 400 ألف شخص", 400000),
    ("1,500 شخص", 1500),
    ("1.5 مليون نازح", 1500000),
    ("ثلاث عائلات", 3),
    ("ثلاثة مراكز", 3),
    ("ثمانية جنود", 8),
    ("ثماني نساء", 8),
    ("عشرة أشخاص", 10),
    ("ثلاثة عشر قتيلا", 13),
    ("أحد عشر جنديا", 11),
    ("أربع وعشرين ساعة", 24),
    ("أربعة و عشرون", 24),
    ("الساعات الأربع والعشرين الماضية", 24),
    ("مئة شخص", 100),
    ("مائة شخص", 100),
    ("مئتين", 200),
    ("ثلاث مئة وخمسون", 350),
    ("خمسمائة عائلة", 500),
    ("ثلاثة آلاف وخمسمئة", 3500),
    ("مئة وخمسون ألفا", 150000),
    ("ألف شخص", 1000),
    ("ألفين", 2000),
    ("إثنين", 2),
    ("اثنتين", 2),
    ("الجسور الخمسة", 5),
])
def test_number_value_is_read(text, value):
    found = numbers_in(text)
    assert [m.value for m in found] == [value]
    assert not found[0].vague and found[0].low == found[0].high == value


@pytest.mark.parametrize("text, low, high", [
    ("مقتل وإصابة العشرات من المدنيين", 20, 99),
    ("عشرات المواطنين", 20, 99),
    ("مئات المدنيين", 200, 999),
    ("وهي بالآلاف", 2000, 9999),
    ("مئات آلاف من الأشخاص", 200000, 999999),
    ("عشرات الآلاف", 20000, 99999),
    ("قتل عدد من عناصر التنظيم", 3, 10),
    ("عدد كبير من", 10, None),
])
def test_vague_word_is_a_range(text, low, high):
    found = numbers_in(text)
    assert [(m.vague, m.low, m.high) for m in found] == [(True, low, high)]


def test_vowelled_dual_noun_counts_as_two():
    assert [m.value for m in numbers_in("اعتقلوا مقاتلَين للتنظيم")] == [2]


def test_vowelled_dual_noun_with_number_word_is_counted_once():
    assert [m.value for m in numbers_in("قتلوا أيضاً مقاتلَين إثنين لداعش")] == [2]


def test_short_vowelled_word_ending_like_a_dual_is_not_a_number():
    assert numbers_in("ما بَين المدينتين") == []


def test_every_vowelled_dual_of_a_text_counts_and_other_vowelled_words_do_not():
    found = numbers_in("بَعد أن اعتقلوا مقاتلَين، أُصيب جنديَين")
    assert [(m.value, m.span.text) for m in found] == [(2, "مقاتلَين"), (2, "جنديَين")]


def test_a_stretch_reads_its_tokens_only_and_no_percent_sign_past_its_end():
    norm = normalise("قتل 5\n% من السكان و30 آخرون")
    tokens = tokenize(norm)
    found = find_numbers(norm, load_number_lexicon(LEXICON_DIR), tokens, first=0, last=2, end=norm.text.index("\n"))
    assert [(m.value, m.span.text) for m in found] == [(5, "5")]
    assert numbers_in("قتل 5\n% من السكان") == []


def test_the_tokens_ending_in_digits_are_those_a_number_of_digits_can_end_at():
    norm = normalise("قتل 1,200 و17 من ال22 ومن الموصل400 اليوم")
    tokens = tokenize(norm)
    assert [tokens[k].text for k in tokens_ending_in_digits(norm, tokens)] == ["1", "200", "و17", "ال22", "400"]
    assert [tokens[k].text for k in tokens_ending_in_digits(norm, tokens, 2, 5)] == ["200", "و17"]


def test_a_stretch_reads_the_same_numbers_with_the_whole_text_s_digit_tokens():
    norm = normalise("قتل 5 مدنيين\nوأصيب 1,200 و17 آخرون")
    tokens = tokenize(norm)
    lexicon = load_number_lexicon(LEXICON_DIR)
    shared = find_numbers(norm, lexicon, tokens, first=3, last=len(tokens),
                          digit_tokens=tokens_ending_in_digits(norm, tokens))
    assert shared == find_numbers(norm, lexicon, tokens, first=3, last=len(tokens))
    assert [m.value for m in shared] == [1200, 17]


@pytest.mark.parametrize("text", ["30 في المئة من المنازل", "25% من السكان", "نسبة 40 بالمئة"])
def test_percentages_are_not_numbers(text):
    assert numbers_in(text) == []


def test_separate_numbers_are_not_joined():
    assert [m.value for m in numbers_in("خلال أول خمس أو عشر دقائق")] == [5, 10]


def test_digits_after_a_conjunction_are_read_without_it():
    found = numbers_in("الهرمات و17 تموز")
    assert [(m.value, m.span.text) for m in found] == [(17, "17")]


def test_letters_glued_to_digits_are_not_a_number():
    assert numbers_in("طائرات A10") == []


def test_weekday_sunday_is_not_the_number_one():
    assert numbers_in("يوم الأحد") == []


@pytest.mark.parametrize("text", [
    "أكد أن نحو 435 ألف شخص نزحوا",
    "قتلوا أيضاً مقاتلَين إثنين لداعش",
    "خلال الساعات الأربع والعشرين الماضية",
    "مقتل ١٧ مدنياً، وإصابة العشرات",
])
def test_spans_are_the_original_characters(text):
    for mention in numbers_in(text):
        assert text[mention.span.start:mention.span.end] == mention.span.text


def test_lexicon_without_required_section_names_the_file(tmp_path):
    (tmp_path / "clitics.yaml").write_text((LEXICON_DIR / "clitics.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "numbers.yaml").write_text("words: {ثلاثة: 3}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="numbers.yaml"):
        load_number_lexicon(tmp_path)
