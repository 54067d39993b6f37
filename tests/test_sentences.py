import re
import sys

import pytest
from hypothesis import given, settings, strategies as st

from pipeline.extraction.sentences import is_heading, load_sentence_rules, sentence_ends, split_sentences
from pipeline.extraction.textnorm import normalise


@pytest.fixture(scope="module")
def rules(lexicon_dir):
    return load_sentence_rules(lexicon_dir)


def test_sentences_split_at_full_stops_and_keep_offsets(rules):
    text = "قصفت الطائرات الحي. ونزح السكان! هل انتهى القتال؟ لا"
    sentences = split_sentences(text, rules)
    assert [s.text for s in sentences] == ["قصفت الطائرات الحي.", "ونزح السكان!", "هل انتهى القتال؟", "لا"]
    assert all(text[s.start:s.end] == s.text for s in sentences)


def test_full_stop_comma_run_ons_end_a_sentence(rules):
    text = "حررت القوات حي القدس., وأضاف أن الشرطة تقدمت.,  , وقال ضابط إن القتال مستمر"
    assert [s.text for s in split_sentences(text, rules)] == [
        "حررت القوات حي القدس.,", "وأضاف أن الشرطة تقدمت.,", "وقال ضابط إن القتال مستمر"]


def test_each_line_is_its_own_paragraph(rules):
    sentences = split_sentences("السطر الأول.\r\nالسطر الثاني.\n\nالسطر الثالث", rules)
    assert [s.paragraph for s in sentences] == [0, 1, 2]


def test_a_caption_repeated_verbatim_is_kept_once(rules):
    text = "داعش يستخدم مدنيين دروعا بشرية\nداعش يستخدم مدنيين دروعا بشرية\nنص الخبر."
    assert [s.text for s in split_sentences(text, rules)] == ["داعش يستخدم مدنيين دروعا بشرية", "نص الخبر."]


def test_a_caption_repeated_with_other_vowel_marks_is_kept_once_whether_or_not_the_article_is_normalised(rules):
    text = "صورة من المـوصِل\nقصفت الطائرات الحي.\nصورة من الموصل"
    assert [s.text for s in split_sentences(text, rules)] == ["صورة من المـوصِل", "قصفت الطائرات الحي."]
    assert split_sentences(text, rules, normalise(text)) == split_sentences(text, rules)


def test_clauses_split_at_commas_and_clause_openers(rules):
    text = "تقدم الجيش نحو القرية، حيث ستشتد المعارك بينما فرت العائلات"
    clauses = split_sentences(text, rules)[0].clauses
    assert [c.text for c in clauses] == ["تقدم الجيش نحو القرية", "حيث ستشتد المعارك", "بينما فرت العائلات"]
    assert all(text[c.start:c.end] == c.text for c in clauses)


def test_a_short_line_without_a_full_stop_is_a_heading(rules):
    text = "فرار المئات\nوقالت مصادر إن مئات المدنيين فروا من المدينة أمس بعد أن استعادت القوات حيا جديدا."
    first, second = split_sentences(text, rules)
    assert is_heading(first, text, rules) and not is_heading(second, text, rules)


def test_a_line_without_a_full_stop_is_a_heading_up_to_the_most_words_a_heading_has(rules):
    longest = " ".join(["كلمة"] * rules.heading_max_words)
    for text, heading in [(longest, True), (longest + "  كلمة", False), ("  " + longest + "\t", True)]:
        assert is_heading(split_sentences(text, rules)[0], text, rules) is heading


def test_a_clause_opener_after_and_or_a_dash_starts_a_clause_and_a_word_that_only_begins_like_one_does_not(rules):
    text = "قصفت الطائرات الحي وحيث فرت العائلات - وسط المعارك حيثما كانت"
    clauses = split_sentences(text, rules)[0].clauses
    assert [c.text for c in clauses] == ["قصفت الطائرات الحي", "وحيث فرت العائلات", "وسط المعارك حيثما كانت"]


@pytest.mark.parametrize("space", [" ", "\t", "\u00a0", "\u2009", "\u202f", "\u3000"])
def test_a_clause_opener_after_any_kind_of_space_starts_a_clause(rules, space):
    text = f"تقدم الجيش نحو القرية{space}حيث ستشتد المعارك{space}ووسط{space}الحي"
    clauses = split_sentences(text, rules)[0].clauses
    assert [c.text for c in clauses] == ["تقدم الجيش نحو القرية", "حيث ستشتد المعارك", f"ووسط{space}الحي"]


def test_a_comma_after_a_sentence_end_belongs_to_it_only_before_a_space(rules):
    assert sentence_ends("قتل 3. ,وجرح", rules) == [6]
    assert sentence_ends("قتل 3. , وجرح", rules) == [8]
    assert sentence_ends("3.5 كلم..! هنا", rules) == [10]


def test_no_character_past_the_flag_table_is_a_space_or_a_mark(rules):
    past = range(len(rules.flags), sys.maxunicode + 1)
    assert not any(chr(cp).isspace() or chr(cp) in rules.sentence_ends for cp in past)


_PIECES = st.sampled_from([" ", "  ", "\t", "\u00a0", ".", ".,", "!", "؟", "…", "،", ",", "-", "قتل", "3"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=10).map("".join))
def test_sentence_ends_are_what_the_rule_as_a_pattern_finds(rules, line):
    pattern = re.compile(rf"[{re.escape(rules.sentence_ends)}]+(?:\s*[{re.escape(rules.commas)}])?(?=\s|$)")
    assert sentence_ends(line, rules) == [m.end() for m in pattern.finditer(line)]



def _clause_pattern(rules):
    """The clause rule of sentences.yaml as one pattern tried at each character: the reference for the splitter."""
    kinds: dict[int, tuple[str, set[str]]] = {}
    for mark, rank in rules.clause_marks:
        kinds.setdefault(rank, (mark[1:], set()))[1].add(re.escape(mark[0]))
    marks = "".join(f"(?<=[{''.join(sorted(chars))}]){re.escape(rest)}|" for rest, chars in kinds.values())
    firsts = "".join(re.escape(mark[0]) for mark, _ in rules.clause_marks)
    openers = "|".join(map(re.escape, rules.clause_openers))
    return re.compile(rf"[{firsts}\s](?:{marks}(?<=\s)(?=(?:{re.escape(rules.opener_conjunction)}\s*)?"
                      rf"(?:{openers})(?:\s|$)))")


_CLAUSE_PIECES = st.sampled_from([" ", "  ", "\t", "\u00a0", "\u3000", "،", ",", "؛", ";", " - ", " – ", "-", "–",
                                  "و", "حيث", "بينما", "في حين", "مشيرا", "مشيراً", "وسط", "متوسط", "قتل", "3"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_CLAUSE_PIECES, max_size=14).map("".join))
def test_clause_splits_are_where_the_rule_as_a_pattern_matches(rules, text):
    from pipeline.extraction.sentences import _clause_splits

    expected = [m.span() for m in _clause_pattern(rules).finditer(text)]
    assert _clause_splits(text, rules.clause_marks, rules.clause_openers, rules) == expected


def test_a_clause_opener_with_a_space_at_its_edge_is_a_data_error(lexicon_dir, tmp_path):
    from pipeline.errors import DataFileError

    text = (lexicon_dir / "sentences.yaml").read_text(encoding="utf-8")
    (tmp_path / "sentences.yaml").write_text(text.replace("  - حيث\n", "  - \"حيث \"\n"), encoding="utf-8")
    with pytest.raises(DataFileError, match="clause openers"):
        load_sentence_rules(tmp_path)
