"""Quotes and articles as HTML: every piece of article text escaped, extraction spans highlighted."""

import pytest

from pipeline.view import reader
from pipeline.view.reader import Highlight

TEXT = "قصفت طائرات التحالف حي الزهراء يوم الخميس مما أسفر عن مقتل 12 مدنيا."


def test_highlight_wraps_the_span_in_a_mark_of_its_kind():
    start = TEXT.index("حي الزهراء")
    shown = reader.highlight_html(TEXT, [Highlight(start, start + 10, "place")])
    assert '<mark class="hl-place" style="background:#fde68a;">حي الزهراء</mark>' in shown


def test_text_around_and_inside_highlights_is_escaped():
    text = "<script>x</script> حي <b>"
    shown = reader.highlight_html(text, [Highlight(0, 8, "place")])
    assert "<script>" not in shown and "<b>" not in shown and "&lt;script&gt;</mark>x&lt;/script&gt;" in shown


def test_overlapping_highlights_never_nest_or_cross_tags():
    shown = reader.highlight_html("abcdef", [Highlight(0, 4, "place"), Highlight(2, 6, "figure")])
    assert shown.count("<mark") == shown.count("</mark>") == 3 and "<mark" not in shown.split("</mark>")[0][6:]


def test_spans_outside_the_text_are_ignored():
    assert reader.highlight_html("abc", [Highlight(2, 9, "date")]) == "abc"


@pytest.mark.parametrize("text, span", [("[3, 7]", (3, 7)), ("", None), ("[7, 3]", None), ("oops", None),
                                        ("[1]", None)])
def test_span_text_parses_to_offsets_or_none(text, span):
    assert reader.parse_span(text) == span


def test_figure_spans_skip_malformed_entries():
    assert reader.parse_figure_spans('[[1, 3, "killed"], ["x"], 5]') == [Highlight(1, 3, "figure")]


def test_quote_spans_are_shifted_from_article_offsets_into_the_quote():
    article = "مقدمة. " + TEXT
    offset = article.index(TEXT)
    place = article.index("حي الزهراء")
    row = {"quote": TEXT, "quote_start": offset, "place_span": f"[{place}, {place + 10}]", "date_span": "",
           "trigger_span": f"[{offset}, {offset + 4}]", "figure_spans": "[]"}
    shown = reader.quote_html(row)
    assert ">حي الزهراء</mark>" in shown and ">قصفت</mark>" in shown and shown.startswith('<div dir="rtl"')


def test_quote_without_offsets_is_shown_escaped_without_highlights():
    shown = reader.quote_html({"quote": "<i>نص</i>", "quote_start": float("nan")})
    assert "&lt;i&gt;نص" in shown and "<mark" not in shown


def test_article_highlights_the_extractions_of_all_its_events():
    place, day, figure = (TEXT.index(w) for w in ("حي الزهراء", "الخميس", "12"))
    rows = [{"place_span": f"[{place}, {place + 10}]"},
            {"date_span": f"[{day}, {day + 6}]", "figure_spans": f'[[{figure}, {figure + 2}, "killed"]]'}]
    shown = reader.article_html(TEXT, rows)
    assert ">حي الزهراء</mark>" in shown and ">الخميس</mark>" in shown and ">12</mark>" in shown


def test_source_links_only_http_urls_and_escapes_every_field():
    labels = {"outlet": "Outlet", "url": "Link"}
    hostile = reader.source_html({"outlet": "<b>x</b>", "url": "javascript:alert(1)"}, labels)
    assert "&lt;b&gt;x" in hostile and "javascript" not in hostile
    plain = reader.source_html({"url": 'https://example.org/?a="1"'}, labels)
    assert 'href="https://example.org/?a=&quot;1&quot;"' in plain


def test_the_chosen_events_spans_stand_out_from_the_articles_other_extractions():
    place, day = TEXT.index("حي الزهراء"), TEXT.index("الخميس")
    chosen = {"place_span": f"[{place}, {place + 10}]"}
    other = {"date_span": f"[{day}, {day + 6}]"}
    shown = reader.article_html(TEXT, [chosen, other], focus=chosen)
    assert 'class="hl-place hl-focus"' in shown and "outline:" in shown.split("hl-focus")[1].split(">")[0]
    assert 'class="hl-date hl-other"' in shown and ">الخميس</mark>" in shown
