"""Temporal expressions, publication-date inference and event-date resolution (pipeline/extraction/dates.py)."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from pipeline.campaign import campaign_names, load_campaign
from pipeline.config import DATA_DIR
from pipeline.extraction.dates import (
    PublicationDate,
    find_temporal_expressions,
    infer_publication_date,
    load_date_lexicon,
    resolve_event_date,
)
from pipeline.errors import DataFileError
from pipeline.records import DatePrecision, Span

ROOT = Path(__file__).resolve().parents[1]
CAMPAIGN_DIR = ROOT / "data" / "campaigns" / "mosul"
CORPUS = CAMPAIGN_DIR / "corpus"

D = dt.date.fromisoformat
DAY, WEEK, MONTH, RANGE = DatePrecision.DAY, DatePrecision.WEEK, DatePrecision.MONTH, DatePrecision.RANGE


@pytest.fixture(scope="module")
def lexicon():
    return load_date_lexicon(load_campaign(CAMPAIGN_DIR))


def only(text, lexicon, published):
    found = find_temporal_expressions(text, lexicon, published=published)
    assert len(found) == 1, [(e.kind, e.span.text) for e in found]
    return found[0]


# text, publication date, surface, kind, start, end, precision, cumulative
EXPRESSIONS = [
    # weekdays: the most recent such day on or before publication (2017-05-09 is a Tuesday)
    ("شهدت المنطقة قتالا شرسا الثلاثاء", "2017-05-09", "الثلاثاء", "weekday", "2017-05-09", "2017-05-09", DAY, False),
    ("وقال الضابط الخميس إن القوات تقدمت", "2017-05-09", "الخميس", "weekday", "2017-05-04", "2017-05-04", DAY, False),
    ("تقدمت القوات يوم الجمعة", "2017-05-09", "يوم الجمعة", "weekday", "2017-05-05", "2017-05-05", DAY, False),
    ("أكد صباح الأحد انطلاق الهجوم", "2017-05-09", "صباح الأحد", "weekday", "2017-05-07", "2017-05-07", DAY, False),
    ("فر المدنيون والسبت", "2017-05-09", "السبت", "weekday", "2017-05-06", "2017-05-06", DAY, False),
    ("قصفت الطائرات الحي الخميس الماضي", "2016-12-29", "الخميس الماضي", "weekday", "2016-12-22", "2016-12-22", DAY, False),
    # publication day and the days before it
    ("وحتى فجر اليوم كان يسمع أنين", "2016-11-20", "فجر اليوم", "today", "2016-11-20", "2016-11-20", DAY, False),
    ("قتل ثلاثة مدنيين صباح اليوم", "2016-11-20", "صباح اليوم", "today", "2016-11-20", "2016-11-20", DAY, False),
    ("قتل ثلاثة مدنيين أمس", "2016-11-20", "أمس", "yesterday", "2016-11-19", "2016-11-19", DAY, False),
    ("قصف الحي بالأمس", "2016-11-20", "الأمس", "yesterday", "2016-11-19", "2016-11-19", DAY, False),
    ("انفجرت سيارة مساء أمس", "2016-11-20", "مساء أمس", "yesterday", "2016-11-19", "2016-11-19", DAY, False),
    ("اقتحمت القوات الحي أول أمس", "2016-11-20", "أول أمس", "day_before_yesterday", "2016-11-18", "2016-11-18", DAY, False),
    ("اقتحمت القوات الحي أمس الأول", "2016-11-20", "أمس الأول", "day_before_yesterday", "2016-11-18", "2016-11-18", DAY, False),
    ("دارت اشتباكات الليلة الماضية", "2016-11-20", "الليلة الماضية", "last_night", "2016-11-19", "2016-11-19", DAY, False),
    # counted periods up to publication
    ("سقطوا خلال الساعات الأربع والعشرين الماضية", "2016-11-20", "الساعات الأربع والعشرين الماضية", "past_hours",
     "2016-11-19", "2016-11-20", RANGE, True),
    ("قتل 12 خلال الساعات الـ24 الماضية", "2016-11-20", "الساعات الـ24 الماضية", "past_hours", "2016-11-19", "2016-11-20", RANGE, True),
    ("قتل 12 خلال الـ24 ساعة الماضية", "2016-11-20", "الـ24 ساعة الماضية", "past_hours", "2016-11-19", "2016-11-20", RANGE, True),
    ("قتلوا في الهرمات خلال الأيام الخمسة الماضية", "2017-05-09", "الأيام الخمسة الماضية", "past_days",
     "2017-05-04", "2017-05-09", RANGE, True),
    ("نزحت مئات الأسر خلال اليومين الماضيين", "2017-05-09", "اليومين الماضيين", "past_days", "2017-05-07", "2017-05-09", RANGE, True),
    ("انسحبت أعداد من عناصر داعش في الأيام الماضية", "2016-12-29", "الأيام الماضية", "past_days",
     "2016-12-23", "2016-12-29", WEEK, True),
    ("فتح جبهة جديدة الأسبوع الماضي", "2017-05-09", "الأسبوع الماضي", "last_week", "2017-05-02", "2017-05-08", WEEK, False),
    ("فتح جبهة جديدة الأسبوع المنصرم", "2017-05-09", "الأسبوع المنصرم", "last_week", "2017-05-02", "2017-05-08", WEEK, False),
    ("نزح الآلاف الشهر الماضي", "2017-04-01", "الشهر الماضي", "last_month", "2017-03-01", "2017-03-31", MONTH, False),
    ("قتلوا قبل ثلاثة أيام", "2017-05-09", "قبل ثلاثة أيام", "ago", "2017-05-06", "2017-05-06", DAY, False),
    ("قتلوا قبل يومين", "2017-05-09", "قبل يومين", "ago", "2017-05-07", "2017-05-07", DAY, False),
    ("أعادت انتشارها قبل أسبوعين", "2017-05-09", "قبل أسبوعين", "ago", "2017-04-22", "2017-04-28", WEEK, False),
    ("قتل ثلاثة مدنيين قبل أيام", "2017-05-09", "قبل أيام", "some_days_ago", "2017-05-02", "2017-05-08", WEEK, False),
    ("يشهد قتالاً منذ أكثر من شهرين", "2016-12-29", "منذ أكثر من شهرين", "since", "2016-10-29", "2016-12-29", RANGE, True),
    # explicit dates, both month systems, paired or alone, Arabic-Indic digits, year rollover
    ("يعود تاريخه إلى 29 آذار/ مارس الماضي", "2017-04-01", "29 آذار/ مارس الماضي", "explicit_date",
     "2017-03-29", "2017-03-29", DAY, False),
    ("قضى عشرات المدنيين في 17 آذار/ مارس", "2017-04-01", "17 آذار/ مارس", "explicit_date", "2017-03-17", "2017-03-17", DAY, False),
    ("قتل مدنيون في ٢٩ آذار", "2017-04-01", "٢٩ آذار", "explicit_date", "2017-03-29", "2017-03-29", DAY, False),
    ("قتل مدنيون في 29 مارس", "2017-04-01", "29 مارس", "explicit_date", "2017-03-29", "2017-03-29", DAY, False),
    ("وصلت القوات في 3 أيار/ مايو", "2017-04-01", "3 أيار/ مايو", "explicit_date", "2016-05-03", "2016-05-03", DAY, False),
    ("بدأ الهجوم في 19 فبراير شباط", "2017-04-01", "19 فبراير شباط", "explicit_date", "2017-02-19", "2017-02-19", DAY, False),
    ("بدأت المعركة في 17 تشرين الأول/أكتوبر 2016", "2017-04-01", "17 تشرين الأول/أكتوبر 2016", "explicit_date",
     "2016-10-17", "2016-10-17", DAY, False),
    ("سقطت المدينة في 10 حزيران 2014", "2017-04-01", "10 حزيران 2014", "explicit_date", "2014-06-10", "2014-06-10", DAY, False),
    ("قتل مدنيون في 5 كانون الثاني (يناير)", "2017-04-01", "5 كانون الثاني (يناير", "explicit_date",
     "2017-01-05", "2017-01-05", DAY, False),
    ("صدر البيان بتاريخ 29/3/2017", "2017-04-01", "29/3/2017", "explicit_date", "2017-03-29", "2017-03-29", DAY, False),
    ("بدأت العمليات في تشرين الأول/ أكتوبر الماضي", "2017-04-01", "تشرين الأول/ أكتوبر الماضي", "month",
     "2016-10-01", "2016-10-31", MONTH, False),
    ("تقدمت القوات في شباط/ فبراير", "2017-04-01", "شباط/ فبراير", "month", "2017-02-01", "2017-02-28", MONTH, False),
    ("تقدمت القوات خلال شهر آذار", "2017-03-20", "شهر آذار", "month", "2017-03-01", "2017-03-20", MONTH, False),
    # since a milestone or since the offensive that began in a month
    ("نزحوا منذ بداية العمليات في غرب الموصل في شباط/ فبراير", "2017-04-01",
     "منذ بداية العمليات في غرب الموصل في شباط/ فبراير", "since", "2017-02-19", "2017-04-01", RANGE, True),
    ("نزحوا من القطاع الغربي منذ بدأت القوات العراقية الهجوم في فبراير شباط", "2017-05-09",
     "منذ بدأت القوات العراقية الهجوم في فبراير شباط", "since", "2017-02-19", "2017-05-09", RANGE, True),
    ("نزحوا منذ انطلاق عمليات استعادة السيطرة على المدينة في تشرين الأول/ أكتوبر الماضي", "2017-04-01",
     "منذ انطلاق عمليات استعادة السيطرة على المدينة في تشرين الأول/ أكتوبر الماضي", "since",
     "2016-10-17", "2017-04-01", RANGE, True),
    ("نزح مليون شخص منذ انطلاق عمليات تحرير الموصل", "2017-04-01", "منذ انطلاق عمليات تحرير الموصل", "since",
     "2016-10-17", "2017-04-01", RANGE, True),
    # campaign-relative
    ("في اليوم الثاني من عمليات تحرير الموصل واصلت القوات تقدمها", "2016-10-18", "اليوم الثاني من عمليات تحرير الموصل",
     "campaign_day", "2016-10-18", "2016-10-18", DAY, False),
    ("في اليوم الخامس لمعركة الموصل", "2016-10-25", "اليوم الخامس لمعركة الموصل", "campaign_day",
     "2016-10-21", "2016-10-21", DAY, False),
    ("مع بدء عمليات المرحلة الثانية", "2016-12-30", "بدء عمليات المرحلة الثانية", "campaign", "2016-12-29", "2016-12-29", DAY, False),
    ("وبعد مضي سبعة أشهر على انطلاق حملة الموصل", "2017-06-30", "بعد مضي سبعة أشهر على انطلاق حملة الموصل", "elapsed",
     "2017-05-03", "2017-05-31", MONTH, False),
]


@pytest.mark.parametrize("text, published, surface, kind, start, end, precision, cumulative", EXPRESSIONS)
def test_expression_resolves_to_its_window(lexicon, text, published, surface, kind, start, end, precision, cumulative):
    found = only(text, lexicon, D(published))
    assert (found.span.text, found.kind) == (surface, kind)
    assert text[found.span.start:found.span.end] == found.span.text
    window = found.window
    assert (window.start, window.end, window.precision, window.cumulative) == (D(start), D(end), precision, cumulative)
    assert window.text == surface and window.span == found.span


@pytest.mark.parametrize("text", [
    "وخرجت مئات الأسر من الهرمات و17 تموز وغيرها من الأحياء",
    "تقدمت القوات في حي 17 تموز",
    "ستشتد المعارك هناك خلال الساعات المقبلة",
    "سيعقد الاجتماع الأسبوع المقبل",
    "سيصل الوزير الخميس المقبل",
    "وفي اليوم التالي انسحبت القوات",
    "فتح الباب أمام المدنيين",
    "مارس التنظيم ضغوطا على السكان",
    "قائد عمليات تحرير نينوى",
    "لامس الصاروخ الأرض",
    "قال إن القوات ستتقدم في اليوم الثاني",
])
def test_words_that_only_look_like_dates_are_not_dates(lexicon, text):
    assert find_temporal_expressions(text, lexicon, published=D("2017-05-09")) == []


def test_dates_never_fall_after_publication(lexicon):
    assert find_temporal_expressions("يبدأ الهجوم في 20 نيسان 2017", lexicon, published=D("2017-04-01")) == []
    month = only("تقدمت القوات خلال شهر آذار", lexicon, D("2017-03-20"))
    assert month.window.end == D("2017-03-20")


def test_without_publication_date_only_dates_with_a_year_and_campaign_phrases_resolve(lexicon):
    text = "قتل مدنيون أمس والخميس وفي 29 آذار، وفي 17 آذار 2017، وفي اليوم الثاني من عمليات تحرير الموصل"
    found = find_temporal_expressions(text, lexicon, published=None)
    assert [(e.kind, e.window.start) for e in found] == [("explicit_date", D("2017-03-29")),
                                                         ("explicit_date", D("2017-03-17")),
                                                         ("campaign_day", D("2016-10-18"))]


def test_year_less_date_without_publication_falls_inside_the_campaign(lexicon):
    found = only("وقع الانفجار في 17 آذار", lexicon, None)
    assert found.window.start == D("2017-03-17")


def test_since_window_ends_at_the_date_that_governs_its_sentence(lexicon):
    text = "وكان المفوض قد قال في 28 آذار/ مارس إن 307 مدنيين قتلوا منذ بداية العمليات في غرب الموصل في شباط/ فبراير."
    since = [e for e in find_temporal_expressions(text, lexicon, published=D("2017-04-01")) if e.kind == "since"]
    assert (since[0].window.start, since[0].window.end) == (D("2017-02-19"), D("2017-03-28"))


def test_date_after_a_verb_of_saying_is_marked_reported(lexicon):
    found = only("أعلنت وزارة الدفاع السبت أن طائرات قتلت المسؤول", lexicon, D("2017-04-01"))
    assert found.reported


def test_start_and_end_restrict_expressions_to_a_stretch_of_the_text(lexicon):
    text = "قتل مدنيون أمس. وتقدمت القوات الخميس."
    found = find_temporal_expressions(text, lexicon, published=D("2017-05-09"), start=text.index("وتقدمت"))
    assert [e.span.text for e in found] == ["الخميس"]


# --------------------------------------------------------------------------- event dates


def span_of(text: str, part: str) -> Span:
    start = text.index(part)
    return Span(start, start + len(part), part)


def resolve(text, lexicon, clause, sentence=None, lead=None, published=D("2017-05-09"), **kw):
    sentence = span_of(text, sentence) if sentence else Span(0, len(text), text)
    return resolve_event_date(text, lexicon, published=published, clause=span_of(text, clause), sentence=sentence,
                              paragraph_lead=span_of(text, lead) if lead else None, **kw)


def test_event_takes_the_expression_of_its_own_clause(lexicon):
    text = "قصفت الطائرات الحي أمس، وتقدمت القوات في الهرمات الثلاثاء"
    window = resolve(text, lexicon, "وتقدمت القوات في الهرمات الثلاثاء")
    assert (window.start, window.text) == (D("2017-05-09"), "الثلاثاء")


def test_event_takes_an_expression_that_opens_its_sentence(lexicon):
    text = "وقال الضابط الخميس، إن القوات حررت حي القدس"
    window = resolve(text, lexicon, "إن القوات حررت حي القدس")
    assert window.start == D("2017-05-04")


def test_expression_of_a_later_clause_does_not_date_the_event(lexicon):
    text = "وأضاف أن القوات تتقدم في حي الانتصار، في حين أعادت الشرطة انتشارها قبل أسبوعين"
    window = resolve(text, lexicon, "وأضاف أن القوات تتقدم في حي الانتصار")
    assert (window.start, window.precision, window.text) == (D("2017-05-09"), DAY, "published")


def test_statement_date_after_the_clause_dates_the_event(lexicon):
    text = "قتل خمسة مدنيين في قصف على حي الزهراء، بحسب ما أعلنت مصادر طبية أمس"
    window = resolve(text, lexicon, "قتل خمسة مدنيين في قصف على حي الزهراء")
    assert window.start == D("2017-05-08")


def test_since_window_is_preferred_over_the_date_of_the_statement(lexicon):
    text = "وكان المفوض قد قال في 28 آذار/ مارس إن 307 مدنيين قتلوا منذ بداية العمليات في غرب الموصل في شباط/ فبراير."
    window = resolve(text, lexicon, text, published=D("2017-04-01"))
    assert (window.start, window.end, window.cumulative) == (D("2017-02-19"), D("2017-03-28"), True)


def test_event_not_cumulative_ignores_a_since_window(lexicon):
    text = "وخرجت مئات الأسر من الهرمات لتنضم إلى 435 ألف شخص نزحوا منذ بدأت القوات الهجوم في فبراير شباط"
    window = resolve(text, lexicon, text, cumulative=False)
    assert (window.start, window.text) == (D("2017-05-09"), "published")


def test_event_falls_back_to_the_paragraph_lead_sentence(lexicon):
    text = "أعلن القائد الخميس تحرير الحي. ودمرت القوات ثماني عجلات مفخخة."
    window = resolve(text, lexicon, "ودمرت القوات ثماني عجلات مفخخة", sentence="ودمرت القوات ثماني عجلات مفخخة.",
                     lead="أعلن القائد الخميس تحرير الحي.")
    assert window.start == D("2017-05-04")


def test_event_with_no_expression_takes_the_publication_day(lexicon):
    window = resolve("وشنت طائرات حربية ضربات جوية", lexicon, "وشنت طائرات حربية ضربات جوية")
    assert (window.start, window.end, window.precision, window.text) == (D("2017-05-09"), D("2017-05-09"), DAY, "published")


def test_recent_fighting_with_no_day_takes_the_week_up_to_publication(lexicon):
    window = resolve("وتدور معارك عنيفة في الحي", lexicon, "وتدور معارك عنيفة في الحي", recent_fighting=True)
    assert (window.start, window.end, window.precision) == (D("2017-05-03"), D("2017-05-09"), WEEK)


def test_event_in_an_undated_article_is_unknown(lexicon):
    window = resolve("قتل 23 مدنياً أمس", lexicon, "قتل 23 مدنياً أمس", published=None)
    assert (window.start, window.end, window.precision) == (None, None, DatePrecision.UNKNOWN)


# --------------------------------------------------------------------------- publication date


def seed(prefix: str) -> str:
    return next(CORPUS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize("prefix, expected", [("001", "2016-10-18"), ("002", "2017-04-01"), ("003", "2016-12-29")])
def test_seed_publication_date_is_inferred_to_the_day(lexicon, prefix, expected):
    inferred = infer_publication_date(seed(prefix), lexicon)
    assert inferred.date == D(expected) and inferred.evidence


def test_seed_with_a_tuesday_seven_months_in_is_dated_within_a_week(lexicon):
    inferred = infer_publication_date(seed("004"), lexicon)
    assert abs((inferred.date - D("2017-05-09")).days) <= 7
    assert inferred.precision == WEEK and inferred.date.weekday() == 1


def test_seed_with_no_evidence_stays_undated(lexicon):
    assert infer_publication_date(seed("000"), lexicon) == PublicationDate(None, DatePrecision.UNKNOWN, ())


def test_weekday_alone_does_not_date_a_report(lexicon):
    assert infer_publication_date("قتل خمسة مدنيين الخميس في قصف على الحي", lexicon).date is None


def test_weekdays_after_the_latest_date_named_fix_the_day(lexicon):
    text = "أفرجت القيادة الجمعة عن فيديو يعود تاريخه إلى 29 آذار/ مارس. وفر مئات المدنيين السبت."
    assert infer_publication_date(text, lexicon).date == D("2017-04-01")


def test_milestone_told_with_its_weekday_dates_the_report(lexicon):
    text = "أكد القائد صباح الخميس انطلاق المرحلة الثانية من معركة الموصل"
    inferred = infer_publication_date(text, lexicon)
    assert (inferred.date, inferred.precision) == (D("2016-12-29"), DAY)


def test_milestone_plus_elapsed_months_and_weekday_gives_that_weekday_near_the_point(lexicon):
    text = "تناثرت الجثث الثلاثاء. وبعد مضي سبعة أشهر على انطلاق حملة الموصل تقول القوات إنها في المرحلة الأخيرة"
    inferred = infer_publication_date(text, lexicon)
    assert inferred.date == D("2017-05-16") and inferred.precision == WEEK


def test_milestone_told_without_a_recent_day_does_not_pin_a_weekday(lexicon):
    text = "نزح مئات الآلاف منذ انطلاق عمليات تحرير الموصل. وقتل خمسة مدنيين الخميس."
    assert infer_publication_date(text, lexicon).date is None


def test_a_date_named_alone_is_only_a_lower_bound_and_dates_no_report(lexicon):
    assert infer_publication_date("قتل 30 مدنيا في 17 آذار/ مارس في الموصل الجديدة", lexicon).date is None


@pytest.mark.parametrize("text, expected", [
    ("بغداد 14 آذار 2017 / أعلنت القوات تحرير حي جديد", "2017-03-14"),
    ("الموصل / الأربعاء 15 . 3 . 2017 — أعلنت القوات تحرير حي جديد", "2017-03-15"),
    ("أعلن الجيش، اليوم الأحد 12 آذار، تحرير حي جديد في الموصل.", "2017-03-12"),
])
def test_an_explicit_dateline_dates_the_report(lexicon, text, expected):
    assert infer_publication_date(text, lexicon).date == D(expected)


def test_a_dateline_whose_weekday_does_not_fit_the_date_is_no_dateline(lexicon):
    assert infer_publication_date("أعلن الجيش، اليوم الأحد 13 آذار، تحرير حي جديد في الموصل.", lexicon).date is None


def test_a_weekday_said_to_be_yesterday_places_the_report_the_day_after(lexicon):
    text = "وقال المصدر إن القوات التي دخلت الحي في 6 آذار 2017 حررته أمس الأربعاء."
    assert infer_publication_date(text, lexicon).date == D("2017-03-09")  # 6 March 2017 was a Monday


def test_a_recap_of_the_campaign_start_anchors_no_weekday(lexicon):
    text = "تقدمت القوات الثلاثاء في حي جديد. وكانت العمليات قد انطلقت في 17 تشرين الأول/ أكتوبر."
    assert infer_publication_date(text, lexicon).date is None


def test_a_past_qualified_date_anchors_no_weekday(lexicon):
    text = "قال الجيش الخميس إن القوات التي بدأت الهجوم في 3 آذار الماضي تقدمت."
    assert infer_publication_date(text, lexicon).date is None


def test_a_milestone_place_after_a_capture_word_dates_the_report_with_its_weekday(lexicon):
    text = "استعادت القوات العراقية الجمعة جامعة الموصل بعد معارك عنيفة."
    assert infer_publication_date(text, lexicon).date == D("2017-01-13")  # a Friday


def test_a_weekday_of_an_earlier_event_does_not_push_the_report_past_a_recent_milestone(lexicon):
    text = "قصفت الطائرات مواقع للتنظيم الأربعاء. واستعادت القوات صباح الخميس مطار الموصل."
    assert infer_publication_date(text, lexicon).date == D("2017-02-23")


def test_a_milestone_told_as_yesterday_puts_the_report_the_day_after(lexicon):
    text = "استعادت القوات العراقية أمس جامعة الموصل بعد معارك عنيفة."
    assert infer_publication_date(text, lexicon).date == D("2017-01-14")


def test_a_milestone_far_before_the_weekday_named_dates_no_report(lexicon):
    text = "وقال الضابط الاثنين إن القوات التي حررت جامعة الموصل تتقدم نحو النهر."
    assert infer_publication_date(text, lexicon).date is None


def test_days_counted_from_the_campaign_start_date_the_report(lexicon):
    text = "قتل مئات المسلحين منذ بدء الهجوم على مدينة الموصل قبل عشرة أيام، بحسب مسؤول."
    assert infer_publication_date(text, lexicon).date == D("2016-10-27")


def test_an_operation_that_has_lasted_n_days_dates_the_report_with_its_weekday(lexicon):
    text = "أعلنت القيادة اليوم السبت تقدما جديدا ضمن عمليات تحرير نينوى التي بلغت 258 يوما."
    assert infer_publication_date(text, lexicon).date == D("2017-07-01")


def test_a_date_before_the_campaign_gives_no_publication_date(lexicon):
    text = "أعلن الجيش، اليوم الأحد 5 حزيران 2016، أن القوات تستعد."
    assert infer_publication_date(text, lexicon).date is None


# --------------------------------------------------------------------------- data


def test_mosul_calendar_has_a_row_for_every_milestone():
    rows = list(csv.DictReader(open(CAMPAIGN_DIR / "calendar.csv", encoding="utf-8")))
    assert [r["date"] for r in rows] == ["2016-10-17", "2016-10-29", "2016-11-01", "2016-11-07", "2016-11-13",
                                         "2016-12-29", "2017-01-13", "2017-01-24", "2017-02-19", "2017-02-23",
                                         "2017-03-07", "2017-03-17", "2017-05-04", "2017-06-18", "2017-06-21", "2017-06-29",
                                         "2017-07-10"]


@pytest.mark.parametrize("name", campaign_names(DATA_DIR))
def test_every_campaign_milestone_is_sourced_and_labelled(name):
    campaign = load_campaign(DATA_DIR / "campaigns" / name)
    assert campaign.milestones
    assert all(m.source.startswith("http") and m.label_ar and m.label_en for m in campaign.milestones)


def test_phrase_naming_an_unknown_milestone_is_a_data_error(tmp_path):
    campaign = tmp_path / "campaign"
    shutil.copytree(CAMPAIGN_DIR, campaign, ignore=shutil.ignore_patterns("corpus"))
    phrases = yaml.safe_load((campaign / "calendar_phrases.yaml").read_text(encoding="utf-8"))
    phrases["milestones"]["no_such_milestone"] = ["انطلاق شيء ما"]
    (campaign / "calendar_phrases.yaml").write_text(yaml.safe_dump(phrases, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError, match="no_such_milestone"):
        load_campaign(campaign)


def test_calendar_row_without_a_source_is_a_data_error(tmp_path):
    campaign = tmp_path / "campaign"
    shutil.copytree(CAMPAIGN_DIR, campaign, ignore=shutil.ignore_patterns("corpus"))
    rows = (campaign / "calendar.csv").read_text(encoding="utf-8").splitlines()
    rows.append("extra_milestone,2017-07-20,Something,شيء,")
    (campaign / "calendar.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="row 19"):
        load_campaign(campaign)


def test_since_a_month_resolves_without_publication_date_inside_the_campaign(lexicon):
    found = only("نزحوا منذ انطلاق العمليات في تشرين الأول/ أكتوبر", lexicon, None)
    assert (found.window.start, found.window.end) == (D("2016-10-17"), None)


# --------------------------------------------------------------------------- forms of real reporting


@pytest.mark.parametrize("text, published, surface, start, end, precision", [
    ("الموصل 2017.03.05 – قصفت الطائرات الحي", "2017-03-06", "2017.03.05", "2017-03-05", "2017-03-05", DAY),
    ("وقع الهجوم في 5.3.2017 فجرا", "2017-03-06", "5.3.2017", "2017-03-05", "2017-03-05", DAY),
    ("بغداد / الأحد 19 . 2 . 2017 — بدأت القوات", "2017-02-20", "19 . 2 . 2017", "2017-02-19", "2017-02-19", DAY),
    ("اشتدت المعارك بين 28 و29 آذار في الحي", "2017-04-02", "بين 28 و29 آذار", "2017-03-28", "2017-03-29", RANGE),
    ("تقدمت القوات يومي 3-4 أيار", "2017-05-09", "3-4 أيار", "2017-05-03", "2017-05-04", RANGE),
    ("بدأ الهجوم فجر الخامس والعشرين من نيسان", "2017-04-28", "الخامس والعشرين من نيسان", "2017-04-25",
     "2017-04-25", DAY),
    ("انتهت المهمة في التاسع من مايو", "2017-05-10", "التاسع من مايو", "2017-05-09", "2017-05-09", DAY),
])
def test_dotted_ranged_and_ordinal_dates(lexicon, text, published, surface, start, end, precision):
    found = [e for e in find_temporal_expressions(text, lexicon, published=D(published)) if e.kind != "weekday"]
    assert [(e.span.text, e.window.start, e.window.end, e.window.precision) for e in found] == [
        (surface, D(start), D(end), precision)]


def test_a_dotted_date_is_never_read_as_a_number():
    from pipeline.extraction.casualties import extract_figures, load_casualty_lexicon
    assert extract_figures("الموصل 12.3.2017 — قتل مدنيون", load_casualty_lexicon(DATA_DIR / "lexicon" / "ar")) == []


def test_the_next_day_counts_from_the_day_named_before_it(lexicon):
    text = "سيطر الجنود الأربعاء على المستشفى لكنهم انسحبوا في اليوم التالي بعد هجمات"
    found = find_temporal_expressions(text, lexicon, published=D("2017-01-10"))
    assert [(e.kind, e.window.start) for e in found] == [("weekday", D("2017-01-04")), ("next_day", D("2017-01-05"))]


def test_a_lead_that_names_the_day_before_publication_as_today_anchors_relative_days(lexicon):
    text = "قالت مصادر طبية، اليوم الخميس، إن القصف أمس أوقع ضحايا. وأضافت أن القوات تقدمت."
    yesterday = [e for e in find_temporal_expressions(text, lexicon, published=D("2017-03-10")) if e.kind == "yesterday"]
    assert yesterday[0].window.start == D("2017-03-08")  # the Thursday report's yesterday, on a Friday page


def test_a_weekday_set_off_after_a_verb_of_saying_in_the_lead_is_the_report_day(lexicon):
    text = "أفاد مصدر أمني، الأحد، بأن هجوما وقع الليلة الماضية في الحي."
    night = [e for e in find_temporal_expressions(text, lexicon, published=D("2017-04-17")) if e.kind == "last_night"]
    assert night[0].window.start == D("2017-04-15")


def test_a_trailing_adverbial_after_a_comma_dates_its_own_clause(lexicon):
    text = "وسيطرت القوات على حي الصناعة، في وقت سابق، صباح أمس الخميس، بحسب بيان"
    window = resolve(text, lexicon, "وسيطرت القوات على حي الصناعة", published=D("2017-01-13"))
    assert (window.start, window.text) == (D("2017-01-12"), "صباح أمس")


def test_a_weekday_between_commas_after_the_verb_dates_it(lexicon):
    text = "وأضاف أن العشرات أعدموا بعد الغروب، الاثنين، مشيرا إلى أن بينهم أطفالا"
    window = resolve(text, lexicon, "وأضاف أن العشرات أعدموا بعد الغروب", published=D("2017-01-13"))
    assert window.start == D("2017-01-09")


def test_the_leads_day_carries_to_the_paragraphs_that_detail_it(lexicon):
    text = ("أعلنت القوات، أمس الأحد، استعادة حيين في الجانب الأيسر.\n"
            "وقال قائد ميداني إن القطعات حررت حي الأندلس وحي البريد.")
    detail = "وقال قائد ميداني إن القطعات حررت حي الأندلس وحي البريد."
    window = resolve(text, lexicon, detail, sentence=detail, published=D("2017-01-09"))
    assert window.start == D("2017-01-08")


def test_the_leads_day_is_preferred_over_a_month_mention(lexicon):
    text = ("أعلنت القوات، أمس الأحد، استعادة حيين في الجانب الأيسر.\n"
            "وقال قائد إن القطعات التي دخلت المدينة في كانون الأول حررت حي البريد.")
    detail = text.split("\n")[1]
    window = resolve(text, lexicon, detail, sentence=detail, published=D("2017-01-09"))
    assert window.start == D("2017-01-08")


def test_the_leads_day_stops_at_a_new_topic(lexicon):
    text = ("أعلنت القوات، أمس الأحد، استعادة حيين في الجانب الأيسر.\n"
            "من جهة أخرى، قصفت طائرات مواقع للتنظيم قرب تلعفر.")
    other = text.split("\n")[1]
    window = resolve(text, lexicon, other, sentence=other, published=D("2017-01-09"))
    assert (window.start, window.text) == (D("2017-01-09"), "published")


def test_a_date_before_the_campaign_is_background_and_dates_no_event(lexicon):
    text = "وتدور المعارك قرب الجامع الذي أعلن منه التنظيم دولته في يوليو 2014."
    window = resolve(text, lexicon, text, published=D("2017-04-01"))
    assert (window.start, window.text) == (D("2017-04-01"), "published")
