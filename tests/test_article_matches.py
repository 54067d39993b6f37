import pytest

from pipeline.extraction.article_matches import ArticleMatches
from pipeline.extraction.document import document_for
from pipeline.extraction.events import find_actors, find_triggers, load_event_lexicon
from pipeline.records import Span

ARTICLE = ("شنت طائرات التحالف غارات على الحي القديم. وقالت مصادر إن القوات العراقية تقدمت نحو السوق.\n"
           "ولم تسجل اشتباكات في المنطقة، والقوات تسعى.\nقصفت الطائرات مواقع التنظيم.")


@pytest.fixture(scope="module")
def lexicon(campaign):
    return load_event_lexicon(campaign)


@pytest.fixture(scope="module")
def doc(lexicon):
    return document_for(ARTICLE, *lexicon.families.values())


def _moved(matches, start: int):
    """Matches of a view in article offsets, as the article's lists give them."""
    return [(Span(m.span.start + start, m.span.end + start, m.span.text), m.phrase, m.prefix, m.payload)
            for m in matches]


def _plain(matches):
    return [(m.span, m.phrase, m.prefix, m.payload) for m in matches]


@pytest.mark.parametrize("family", ["triggers", "modality", "actors"])
def test_a_sentences_matches_are_those_of_its_view_in_article_offsets(family, lexicon, doc):
    article = ArticleMatches(doc, lexicon.families)
    stretches = [(0, ARTICLE.index(".") + 1), (ARTICLE.index("وقالت"), ARTICLE.index("\n")),
                 (ARTICLE.index("ولم"), ARTICLE.rindex("\n"))]
    found = []
    for start, end in stretches:
        first, last = article.token_range(start, end)
        view = doc.view(start, end)
        assert _plain(article.settled(family, first, last)) == _moved(view.find(lexicon.families[family]), start)
        assert _plain(article.every(family, first, last)) == _moved(view.find_all(lexicon.families[family]), start)
        found += article.every(family, first, last)
    assert found  # the fixture holds words of every family


def test_a_stretch_whose_edges_cut_a_word_has_no_token_range_and_is_read_on_its_own(lexicon, doc):
    start = ARTICLE.index("طائرات") + 2  # inside the word
    end = ARTICLE.index(".")
    article = ArticleMatches(doc, lexicon.families)
    assert article.token_range(start, end) is None
    alone = ArticleMatches.of_stretch(doc, lexicon.families, start, end)
    assert alone.offset == start
    assert _plain(alone.settled("triggers", 0, len(alone.tokens))) == _plain(
        doc.view(start, end).find(lexicon.triggers))


def test_triggers_and_actors_of_a_sentence_are_the_same_read_in_the_article_or_alone(lexicon, doc):
    start, end = ARTICLE.index("وقالت"), ARTICLE.index("\n")
    sentence = ARTICLE[start:end]

    def moved(spans):
        return [Span(sp.start + start, sp.end + start, sp.text) for sp in spans]

    in_article = find_triggers(ARTICLE, lexicon, start, end, doc=doc)
    alone = find_triggers(sentence, lexicon)
    assert in_article and [(t.event_type, s) for t, s in in_article] == [(t.event_type, s) for t, s in alone]
    assert [t.span for t, _ in in_article] == moved(t.span for t, _ in alone)
    actors = find_actors(ARTICLE, lexicon, start, end, doc=doc)
    assert actors and [a.span for a in actors] == moved(a.span for a in find_actors(sentence, lexicon))


def test_a_marker_at_the_end_of_a_sentence_does_not_reach_into_the_next(lexicon, doc):
    # "تسعى" (seek to) drops the event words of the few words after it, but only in its own sentence
    start = ARTICLE.rindex("\n") + 1
    assert [t.event_type for t, _ in find_triggers(ARTICLE, lexicon, start, len(ARTICLE), doc=doc)] == [
        t.event_type for t, _ in find_triggers(ARTICLE[start:], lexicon)] != []
    assert find_triggers("والقوات تسعى قصفت الطائرات مواقع التنظيم.", lexicon) == []
