import pytest

from pipeline.extraction.events import find_actors, find_triggers, load_event_lexicon


@pytest.fixture(scope="module")
def lexicon(campaign):
    return load_event_lexicon(campaign)


def types_in(text, lexicon):
    return [t.event_type for t, _ in find_triggers(text, lexicon)]


@pytest.mark.parametrize("text, expected", [
    ("شنت طائرات التحالف غارات على الحي", "airstrike"),
    ("وقصف جوي عنيف استهدف السوق", "airstrike"),
    ("سقطت قذائف هاون على المنازل", "shelling"),
    ("اندلعت اشتباكات عنيفة في الحي", "clash"),
    ("تمكنت القوات من اقتحام البلدة", "advance"),
    ("أحكمت القوات سيطرتها على القرية", "advance"),
    ("انفجرت سيارة مفخخة قرب السوق", "vbied_ied"),
    ("قتل طفل برصاص قناص", "sniper"),
    ("موجة نزوح جديدة من الحي", "displacement"),
    ("ما زالت عائلات تحت الأنقاض", "civilian_harm"),
    ("يستخدم التنظيم المدنيين دروعا بشرية", "abuse"),
    ("أعدم التنظيم خمسة شبان", "abuse"),
])
def test_trigger_words_give_their_event_type(text, expected, lexicon):
    assert expected in types_in(text, lexicon)


def test_trigger_span_points_at_the_word_in_the_original_text(lexicon):
    text = "وتمكّنت القوات من انتزاع الحي"
    (trigger, strength), = find_triggers(text, lexicon)
    assert text[trigger.span.start:trigger.span.end] == trigger.span.text == "انتزاع"
    assert strength == "strong"


@pytest.mark.parametrize("text", [
    "في اليوم الثاني من عمليات تحرير الموصل",
    "اقرأ: ردود افعال عالمية حول معركة تحرير الموصل",
    "في آخر الأحياء التي لا تزال تحت سيطرة التنظيم",
    "القوات العراقية مدعومة بطيران التحالف",
])
def test_campaign_names_states_and_support_are_not_events(text, lexicon):
    assert types_in(text, lexicon) == []


@pytest.mark.parametrize("text", [
    "حيث ستشتد المعارك هناك خلال الساعات المقبلة",
    "من المتوقع أن تتقدم قوات الشرطة في منطقة قريبة",
    "ستكون بمثابة التطويق من دون اقتحام بعضها",
    "لم تساند القوات بدعم جوي",
])
def test_plans_forecasts_and_denials_are_not_events(text, lexicon):
    assert types_in(text, lexicon) == []


def test_attached_pronouns_do_not_hide_a_trigger(lexicon):
    assert types_in("واصلت القوات تقدمها", lexicon) == ["advance"]


def test_actors_resolve_to_canonical_names_and_units_win_over_generic_forces(lexicon):
    text = "قطعات الشرطة الاتحادية وجهاز مكافحة الإرهاب وقوات البيشمركة وطيران التحالف الدولي ضد داعش"
    assert [a.actor for a in find_actors(text, lexicon)] == [
        "Federal Police", "Counter-Terrorism Service", "Peshmerga", "International coalition", "ISIS"]


def test_the_army_and_its_divisions_are_told_apart_from_forces_in_general(lexicon):
    text = "قطعات الفرقة المدرعة التاسعة والقوات الأمنية وحرس نينوى"
    assert [a.actor for a in find_actors(text, lexicon)] == ["Iraqi Army", "Iraqi forces", "Nineveh Guard"]
