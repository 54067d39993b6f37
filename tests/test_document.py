"""The analysed article: one pass gives every family what its own matcher gives; views read like the stretch alone."""

import pytest

from pipeline.extraction.document import analyse
from pipeline.extraction.matcher import Clitics, PhraseIndex, PhraseMatcher, word_forms
from pipeline.resources import load_clitics
from pipeline.extraction.sentences import load_sentence_rules
from pipeline.extraction.textnorm import normalise, tokenize

TEXT = ("قصفت الطائرات حي الزهور في الموصل، وقتل 3 مدنيين.\n"
        "وقال مصدر إن القوات تقدمت في حيي الزهور والبكر بعد اشتباكات عنيفة؛ وللمدنيين ملاجئ.")


@pytest.fixture(scope="module")
def clitics(lexicon_dir) -> Clitics:
    return load_clitics(lexicon_dir)


@pytest.fixture(scope="module")
def families(clitics):
    places = PhraseMatcher([("حي", "word"), ("حي الزهور", "name"), ("الزهور", "name"), ("الموصل", "city"),
                            ("البكر", "name"), ("مدني", "people")], clitics)
    verbs = PhraseMatcher([("قتل", "killed"), ("قصف", "strike"), ("تقدم", "advance"), ("اشتباك", "clash")],
                          clitics, suffixes=True)
    people = PhraseMatcher([("مدنيين", "civilians"), ("المدنيين", "civilians"), ("القوات", "forces")], clitics)
    return {"places": places, "verbs": verbs, "people": people}


@pytest.fixture(scope="module")
def doc(families, lexicon_dir):
    return analyse(TEXT, PhraseIndex(families), load_sentence_rules(lexicon_dir))


def test_one_pass_finds_for_each_family_exactly_what_its_own_matcher_finds(doc, families):
    norm = normalise(TEXT)
    for name, matcher in families.items():
        assert doc.matches[name] == matcher.find_all(norm, tokenize(norm))


def test_a_sentence_view_reads_as_the_sentence_analysed_on_its_own(doc, families):
    for s in doc.sentences:
        view, alone = doc.view(s.start, s.end), normalise(TEXT[s.start:s.end])
        assert (view.norm.text, view.norm.offsets) == (alone.text, alone.offsets)
        assert view.tokens == tokenize(alone)
        for matcher in families.values():
            assert view.find_all(matcher) == matcher.find_all(alone, tokenize(alone))
            assert view.find(matcher) == matcher.find(alone, tokenize(alone))


def test_a_view_whose_edge_cuts_a_word_still_reads_as_the_stretch_alone(doc, families):
    start, end = TEXT.index("الزهور") + 2, TEXT.index("مدنيين") + 3
    alone = normalise(TEXT[start:end])
    assert doc.view(start, end).tokens == tokenize(alone)
    assert doc.view(start, end).find_all(families["places"]) == families["places"].find_all(alone)


def test_the_document_holds_the_sentences_and_their_clauses(doc):
    assert [s.text[:4] for s in doc.sentences] == ["قصفت", "وقال"]
    assert len(doc.sentences[1].clauses) >= 2


def test_a_token_reading_without_its_clitics_is_offered(doc):
    i = next(k for k, t in enumerate(doc.tokens) if t.text == "وللمدنيين")
    assert ("مدنيين", 3) in doc.forms(i)


def test_prefix_readings_lead_the_readings_with_suffixes(clitics):
    for word in ("وبالمدنيين", "قصفتها", "فللقوات", "اشتباكاتهم"):
        plain = word_forms(word, clitics)
        assert word_forms(word, clitics, suffixes=True)[:len(plain)] == plain


def test_a_stage_computes_its_result_once_per_document(doc):
    calls = []
    for _ in range(3):
        doc.derived("stage", lambda: calls.append(1) or len(calls))
    assert calls == [1]


def test_families_with_different_clitics_cannot_share_an_index(clitics, families):
    other = PhraseMatcher([("حي", "word")], Clitics(("و",), (), "ال", ""))
    with pytest.raises(ValueError):
        PhraseIndex({"places": families["places"], "other": other})


def test_the_token_at_an_article_offset_is_found_across_removed_vowel_marks(clitics):
    text = "قتَل 3 مدنيين"
    doc = analyse(text, PhraseIndex({}))
    assert [doc.token_at(k) for k in range(len(text) + 1)] == [0, 0, 0, 0, None, 1, None] + [2] * 6 + [None]


def test_the_longest_of_overlapping_matches_wins_and_the_others_are_kept_in_text_order(families):
    found = families["places"].find(normalise("قصفت الطائرات حي الزهور ثم حي البكر"))
    assert [(m.phrase, m.token_start) for m in found] == [("حي الزهور", 2), ("حي", 5), ("البكر", 6)]


def test_matches_that_do_not_overlap_are_all_kept_in_text_order(families):
    found = families["places"].find(normalise("قرب البكر والزهور"))
    assert [(m.phrase, m.prefix) for m in found] == [("البكر", ""), ("الزهور", "و")]


def test_a_stem_left_by_a_stripped_suffix_is_also_read_with_the_ending_the_language_data_gives(clitics):
    forms = [stem for stem, _ in word_forms("سيطرتها", clitics, suffixes=True)]
    assert "سيطرت" in forms and "سيطره" in forms
    bare = Clitics(clitics.conjunctions, clitics.prepositions, clitics.article, clitics.lam_article,
                   clitics.min_stem, clitics.suffixes)
    assert "سيطره" not in [stem for stem, _ in word_forms("سيطرتها", bare, suffixes=True)]
