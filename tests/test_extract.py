"""End-to-end extraction of short reports: forms the bundled articles lack."""

import datetime as dt

import pytest

from pipeline.extraction.extract import extract_article, load_resources
from pipeline.records import Article

PUBLISHED = dt.date(2017, 3, 14)  # a Tuesday


@pytest.fixture(scope="module")
def resources(settings):
    return load_resources(settings)


def events_of(text, resources, published=PUBLISHED):
    article = Article("t", text, "t.txt", "0" * 64, published=published, date_source="manifest")
    return list(extract_article(article, resources).events)


def only(events):
    assert len({e.cluster_id for e in events}) == 1, [(e.event_type, e.trigger.span.text) for e in events]
    return events[0]


def figures(event):
    return {(f.kind, f.low, f.high) for f in event.figures}


def test_wounded_only_report_gives_wounded_and_no_deaths(resources):
    e = only(events_of("أصيب 12 مدنياً بجروح جراء سقوط قذائف هاون على حي الزهور في الساحل الأيسر من الموصل أمس.", resources))
    assert e.event_type == "shelling" and figures(e) == {("wounded", 12, 12)}
    assert e.place.place.place_id.startswith("zuhur") and e.place.bank == "left"
    assert e.date.event_date == dt.date(2017, 3, 13)


def test_security_force_deaths_in_a_car_bomb(resources):
    e = only(events_of("قتل ثلاثة جنود عراقيين في هجوم انتحاري بسيارة مفخخة على حاجز في حي اليرموك.", resources))
    assert e.event_type == "vbied_ied" and figures(e) == {("killed", 3, 3)} and e.victims == "security_forces"
    assert e.place.bank == "right"


def test_an_officer_joined_to_counted_soldiers_adds_one_to_the_toll(resources):
    e = only(events_of("استشهد ضابط و3 جنود بانفجار سيارة مفخخة في حي اليرموك.", resources))
    assert figures(e) == {("killed", 3, 3), ("killed", 1, 1)}
    assert {f.rule for f in e.figures} == {"verb_before_number", "coordinated"}


def test_execution_is_abuse_of_civilians(resources):
    e = only(events_of("أعدم تنظيم داعش 15 شخصاً في حي الزنجيلي بتهمة التعاون مع القوات العراقية.", resources))
    assert e.event_type == "abuse" and figures(e) == {("killed", 15, 15)} and e.victims == "civilians"


def test_sniper_killing_a_child_on_a_named_weekday(resources):
    e = only(events_of("قتل قناص من داعش طفلاً في حي المأمون يوم الأحد.", resources))
    assert e.event_type == "sniper" and figures(e) == {("killed", 1, 1)} and e.victims == "civilians"
    assert e.date.event_date == dt.date(2017, 3, 12) and e.place.bank == "right"


def test_arabic_indic_digits_in_an_airstrike_toll(resources):
    e = only(events_of("مقتل ١٧ مدنياً في غارة جوية على حي الموصل الجديدة.", resources))
    assert e.event_type == "airstrike" and figures(e) == {("killed", 17, 17)}
    assert e.place.place.place_id == "jadida"


def test_a_plan_is_not_an_event(resources):
    assert events_of("ستبدأ القوات اقتحام حي الشفاء خلال الأيام المقبلة.", resources) == []


def test_an_event_in_several_places_gives_one_row_per_place_in_one_cluster(resources):
    events = events_of("اقتحمت القوات أحياء السلام وفلسطين والشيماء.", resources)
    assert [e.place.place.place_id for e in events] == ["salam", "filastin", "shayma"]
    assert len({e.cluster_id for e in events}) == 1


def test_the_area_in_the_next_sentence_is_the_place_just_named(resources):
    events = events_of("وقال مراسل إن حي الهرمات شهد قتالا شرسا. وانفجرت سيارة مفخخة في المنطقة.", resources)
    bomb = next(e for e in events if e.event_type == "vbied_ied")
    assert bomb.place.place.place_id == "haramat"


def test_a_toll_that_no_event_word_governs_is_civilian_harm(resources):
    e = only(events_of("وقال طبيب إن 23 مدنياً قتلوا وأصيب 40 آخرون في حي الشفاء.", resources))
    assert e.event_type == "civilian_harm" and figures(e) == {("killed", 23, 23), ("wounded", 40, 40)}


def test_undated_article_events_have_no_date(resources):
    e = only(events_of("اندلعت اشتباكات عنيفة في حي التنك.", resources, published=None))
    assert e.date.start is None and e.date.precision.value == "unknown"


def test_an_article_with_an_empty_manifest_date_is_dated_from_its_dateline(tmp_path):
    from pipeline.cli import main
    import csv
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "d1.txt").write_text("بغداد 14 آذار 2017 / أعلنت القوات تحرير حي الطيران في الموصل.", encoding="utf-8")
    (tmp_path / "in" / "d2.txt").write_text("أعلنت القوات تحرير حي الطيران في الموصل.", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("id,published,outlet,url,title\nd1,,,,\nd2,,,,\n", encoding="utf-8")
    main(["run", "--articles", str(tmp_path / "in"), "--manifest", str(tmp_path / "manifest.csv"),
          "--out", str(tmp_path / "out"), "--quiet", "--no-cache"])
    with open(tmp_path / "out" / "articles.csv", encoding="utf-8") as fh:
        rows = {r["article_id"]: r for r in csv.DictReader(fh)}
    assert (rows["d1"]["published"], rows["d1"]["date_source"]) == ("2017-03-14", "inferred")
    assert rows["d2"]["published"] == ""
