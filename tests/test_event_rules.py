"""How event words are read: inflections from lemmas, words that change or cancel an event, and one
happening kept as one event. Fixtures are short sentences written for these tests."""

import datetime as dt

import pytest

from pipeline.extraction.events import find_triggers, load_event_lexicon
from pipeline.extraction.extract import extract_article, load_resources
from pipeline.extraction.inflect import load_inflection_rules, noun_forms, verb_forms
from pipeline.records import Article

PUBLISHED = dt.date(2017, 3, 14)


@pytest.fixture(scope="module")
def lexicon(campaign):
    return load_event_lexicon(campaign)


@pytest.fixture(scope="module")
def rules(lexicon_dir):
    return load_inflection_rules(lexicon_dir)


@pytest.fixture(scope="module")
def resources(settings):
    return load_resources(settings)


def types_in(text, lexicon):
    return sorted({t.event_type for t, _ in find_triggers(text, lexicon)})


def events_of(text, resources, published=PUBLISHED):
    article = Article("t", text, "t.txt", "0" * 64, published=published, date_source="manifest")
    return list(extract_article(article, resources).events)


def clusters(events):
    return {(e.cluster_id, e.event_type) for e in events}


# --- inflections generated from lemmas

def test_a_verb_lemma_gives_its_persons_and_tenses(rules):
    forms = verb_forms("حاصر", rules)
    assert {"حاصرت", "حاصروا", "يحاصر", "تحاصر", "يحاصرون"} <= set(forms)


def test_a_defective_verb_drops_its_final_letter(rules):
    assert {"أخلت", "أخلوا", "يخلي", "تخلي", "يخلون"} <= set(verb_forms("أخلى", rules))


def test_a_hollow_verb_takes_the_imperfect_given_with_it(rules):
    assert {"استعادت", "يستعيد", "تستعيدان"} <= set(verb_forms("استعاد/يستعيد", rules))


def test_nouns_get_accusative_dual_and_plural_endings(rules):
    assert {"قصفا", "هجومين"} <= set(noun_forms("قصف", rules) + noun_forms("هجوم", rules))
    assert {"غارتين", "غارات"} <= set(noun_forms("غارة", rules))


@pytest.mark.parametrize("text, expected", [
    ("وما زالت قطعات الجيش تحاصر المستشفى", "other"),
    ("أخلت فرق الدفاع المدني السكان من الشارع", "displacement"),
    ("وحرّروها بعد ساعات", "advance"),
    ("والجنود يقتحمون البيوت واحدا تلو الآخر", "advance"),
    ("قتل ثلاثة جنود قنصاً عند الجسر", "sniper"),
    ("وقد صدّت القطعات هجوماً على مواقعها", "clash"),
    ("واقتادوهم إلى جهة مجهولة", "abuse"),
    ("عثرت فرق البحث على مقبرة جماعية قرب البلدة", "abuse"),
    ("أسفر القصف الجوي عن أضرار كبيرة", "airstrike"),
])
def test_inflected_and_definite_forms_are_event_words(text, expected, lexicon):
    assert expected in types_in(text, lexicon)


def test_a_generated_form_that_is_also_a_common_word_is_left_out(lexicon):
    assert types_in("وصلت الأرتال فجر اليوم إلى مشارف القرية", lexicon) == []


# --- words that change the type

@pytest.mark.parametrize("text", [
    "قصفت طائرات التحالف مخزنا للأسلحة",
    "وقال البيان إن مقاتلات حربية، هاجمت رتلا للتنظيم",
    "أصيب طفلان بقنبلة ألقتها طائرة على السوق",
])
def test_fire_or_attack_with_an_aircraft_beside_it_is_an_airstrike(text, lexicon):
    assert types_in(text, lexicon) == ["airstrike"]


def test_a_drone_shot_down_is_no_airstrike(lexicon):
    assert types_in("أسقطت القوات طائرة مسيّرة كانت تحمل قنبلة فوق الحي", lexicon) == ["other"]


@pytest.mark.parametrize("text", [
    "فككت الفرق الهندسية عبوات ناسفة زرعها التنظيم",
    "ودمرت القطعات ثلاث عجلات مفخخة قبل وصولها",
])
def test_bombs_destroyed_or_defused_are_other(text, lexicon):
    assert types_in(text, lexicon) == ["other"]


def test_a_building_blown_up_is_other_not_a_bombing(lexicon):
    assert types_in("نسف مسلحو التنظيم مبنى البلدية قبل انسحابهم", lexicon) == ["other"]


@pytest.mark.parametrize("text", [
    "حاولت القوات اقتحام الحي من جهة الشمال",
    "وفشلت القطعات في اقتحام السوق القديم",
])
def test_an_attempted_or_failed_advance_is_a_clash(text, lexicon):
    assert types_in(text, lexicon) == ["clash"]


# --- words that cancel the event

@pytest.mark.parametrize("text", [
    "تسعى القوات إلى طرد مسلحي التنظيم من الأحياء الغربية",
    "وتهدف العملية إلى تحرير ما تبقى من القرى",
    "دمر المسلحون الجسر لمنع استخدامه في شن غارات جوية",
    "وبهذا التقدم باتت الأحياء الباقية معزولة",
    "فرّ عناصر داعش من القرية نحو الصحراء",
    "وهي حرب كر وفر منذ أسابيع",
])
def test_intent_purpose_back_references_and_fighters_fleeing_are_no_events(text, lexicon):
    assert types_in(text, lexicon) in ([], ["other"])
    assert "advance" not in types_in(text, lexicon) and "displacement" not in types_in(text, lexicon)


def test_an_advance_word_with_the_purpose_prefix_is_not_a_second_advance(lexicon):
    found = [t.span.text for t, _ in find_triggers("تقدمت القطعات لتحرير الحي", lexicon)]
    assert found == ["تقدمت"]


def test_an_offensive_launched_for_a_purpose_is_an_advance(lexicon):
    assert types_in("أطلقت القوات عملية واسعة لاستعادة القرية", lexicon) == ["advance"]


def test_a_demonstrative_before_a_verb_does_not_cancel_it(lexicon):
    assert types_in("وبعد ذلك اقتحمت القوات البلدة", lexicon) == ["advance"]


def test_civilians_fleeing_is_displacement(lexicon):
    assert types_in("فرّ مئات المدنيين من القرية", lexicon) == ["displacement"]


# --- one happening, one event

def test_a_strike_with_its_toll_its_wounded_and_its_rubble_is_one_airstrike(resources):
    events = events_of("قتل تسعة مدنيين في غارة جوية على حي الزهور، ونقل الجرحى إلى المستشفى، "
                       "وما زالت جثث تحت الأنقاض.", resources)
    assert {t for _, t in clusters(events)} == {"airstrike"} and len(clusters(events)) == 1


def test_a_generic_attack_word_joins_the_shelling_its_sentence_names(resources):
    events = events_of("وقع الهجوم مساء أمس في حي الزهور حين أطلق التنظيم قذائف هاون على المنازل.", resources)
    assert {t for _, t in clusters(events)} == {"shelling"}


def test_a_toll_in_the_next_sentence_belongs_to_the_strike(resources):
    events = events_of("استهدفت غارة جوية سوقا في حي الزهور. وقال طبيب إن سبعة مدنيين قتلوا.", resources)
    (event,) = events
    assert event.event_type == "airstrike" and {(f.kind, f.low) for f in event.figures} == {("killed", 7)}


def test_a_toll_with_a_place_of_its_own_stays_its_own_event(resources):
    events = events_of("استهدفت غارة جوية سوقا في حي الزهور. وقتل خمسة مدنيين في حي سومر.", resources)
    assert len(clusters(events)) == 2


def test_fighting_recalled_weeks_before_the_report_is_no_event(resources):
    assert events_of("وكانت القوات قد حررت حي الزهور في 10 كانون الثاني الماضي.", resources) == []


def test_an_old_date_in_a_relative_clause_does_not_make_the_event_a_recap(resources):
    events = events_of("تدور معارك عنيفة اليوم قرب الجامع الذي خطب فيه زعيم التنظيم في تموز 2014.", resources)
    assert {t for _, t in clusters(events)} == {"clash"}


def test_a_battle_launched_by_the_forces_is_an_advance(resources):
    events = events_of("بدأت القوات صباح اليوم هجوما يستهدف حي الزهور", resources)
    assert {t for _, t in clusters(events)} == {"advance"}


def test_an_attack_launched_by_the_fighters_stays_a_clash(lexicon):
    assert types_in("شن تنظيم داعش هجوما على مواقع الجيش", lexicon) == ["clash"]


def test_abducting_an_officer_is_other_not_abuse_of_civilians(lexicon):
    assert types_in("اختطف التنظيم ضابطا وثلاثة جنود قرب الجسر", lexicon) == ["other"]


def test_abducting_civilians_is_abuse(lexicon):
    assert types_in("اختطف التنظيم عشرات المدنيين من القرية", lexicon) == ["abuse"]


def test_attempts_to_take_a_place_are_a_clash_even_with_the_purpose_prefix(lexicon):
    assert types_in("وتتواصل محاولات القوات للسيطرة على الحي", lexicon) == ["clash"]


def test_a_definite_noun_and_adjective_phrase_keeps_its_type(lexicon):
    assert types_in("جرحوا إثر القصف العشوائي على منازلهم", lexicon) == ["shelling"]


def test_an_attack_with_its_own_toll_is_not_absorbed_by_an_advance(resources):
    events = events_of("تقدمت القوات في حي الزهور، وقتل 12 مسلحا من التنظيم في هجوم للقوات في حي سومر.", resources)
    assert {t for _, t in clusters(events)} == {"advance", "clash"}


def test_a_demolition_takes_the_charges_that_brought_the_building_down(resources):
    events = events_of("فجّر التنظيم براميل متفجرة داخل جسر الحرية مما أدى إلى تدمير الجسر بالكامل.", resources)
    assert {t for _, t in clusters(events)} == {"other"}


def test_leaving_a_place_is_displacement(lexicon):
    assert types_in("واضطرت مئات العائلات إلى الخروج من القرية", lexicon) == ["displacement"]


def test_a_failed_storming_with_its_subject_between_is_a_clash(lexicon):
    assert types_in("وفشلت القوات الأمنية العراقية في اقتحامه", lexicon) == ["clash"]


def test_an_event_in_another_province_is_left_out(resources):
    events = events_of("وفي سياق آخر، قتل خمسة جنود باشتباكات وقعت جنوب تكريت.", resources)
    assert events == []


def test_tactics_described_are_no_event(lexicon):
    assert types_in("مقاتلو التنظيم يعتمدون على المفخخات والانتحاريين في المعارك", lexicon) == []


def test_history_with_an_old_year_is_no_event(resources):
    assert events_of("وكان التنظيم قد نسف المعالم الأثرية في حي الزهور عام 2015.", resources) == []


def test_a_civilian_toll_of_an_execution_is_part_of_it(resources):
    events = events_of("أعدم التنظيم 20 مدنيا في حي الزهور وما زالت جثث الضحايا في الشارع.", resources)
    assert {t for _, t in clusters(events)} == {"abuse"}


def test_the_launch_of_a_named_offensive_is_an_advance(lexicon):
    assert types_in("أعلن ضابط اليوم عن بدء معركة تحرير قضاء تلكيف", lexicon) == ["advance"]


def test_the_name_of_an_offensive_alone_is_no_event(lexicon):
    assert types_in("وقال المتحدث باسم قيادة القوات إن عمليات تحرير المدينة مستمرة", lexicon) == []


def test_the_place_troops_set_out_from_is_not_where_they_advanced(resources):
    events = events_of("اقتحمت القوات حي سومر انطلاقا من حي الزهور.", resources)
    assert {e.place.place.place_id for e in events if e.place and e.place.place} == {"sumer"}


def test_people_fleeing_a_place_are_displaced_from_it(resources):
    events = events_of("فرّ مئات المدنيين من حي الزهور باتجاه المخيمات.", resources)
    assert any(e.event_type == "displacement" and e.place.place.place_id.startswith("zuhur") for e in events)


def test_the_bombardment_mentioned_again_in_the_next_sentence_is_a_follow_up(resources):
    events = events_of("قصفت طائرات التحالف سوقا في حي الزهور. وأضاف أن القصف أسفر عن مقتل ستة مدنيين.", resources)
    assert {t for _, t in clusters(events)} == {"airstrike"}


def test_deploying_snipers_is_no_sniper_attack(lexicon):
    assert types_in("ما زال التنظيم ينشر قناصة في المباني العالية", lexicon) == []


def test_a_reason_clause_is_no_event(lexicon):
    assert "advance" not in types_in("يصعب تحديد الحصيلة لأننا ما زلنا نطهر المنطقة", lexicon)


def test_a_present_tense_fighting_verb_after_a_relative_pronoun_describes_an_actor(lexicon):
    assert types_in("وتشارك فصائل عدة أبرزها الحركة التي تقاتل منذ سنوات", lexicon) == []


def test_firing_at_people_being_executed_is_part_of_the_execution(resources):
    events = events_of("أعدم مسلحو التنظيم 12 شابا في حي الزهور بإطلاق النار عليهم.", resources)
    assert {t for _, t in clusters(events)} == {"abuse"}


def test_a_second_toll_of_the_bombardment_keeps_the_strikes_type(resources):
    events = events_of('قتل عشرة مدنيين في غارة جوية على حي الزهور. وأضاف أن "القصف أسفر عن مقتل خمسة آخرين".',
                       resources)
    assert {t for _, t in clusters(events)} == {"airstrike"}
    assert {f.low for e in events for f in e.figures if f.kind == "killed"} == {10, 5}


def test_the_battle_mentioned_again_without_a_place_adds_no_event(resources):
    events = events_of("حررت القوات قرية الخزنة صباح اليوم. وتشهد المعركة مشاركة فصائل عدة.", resources)
    assert {t for _, t in clusters(events)} == {"advance"}


def test_a_battle_named_before_its_launch_verb_is_an_advance(lexicon):
    assert types_in("وأن معركة المطار انطلقت فجر اليوم من المرتفعات الجنوبية", lexicon) == ["advance"]


@pytest.mark.parametrize("text, expected", [
    ("وفجّره الانتحاري قرب الحاجز", "vbied_ied"),
    ("نفذت القطعات عملية تمشيط واسعة في البساتين", "clash"),
    ("وأخذوا معهم عشرات العائلات إلى داخل المدينة", "abuse"),
    ("اقتادوا الشبان بقوة السلاح إلى مقر التنظيم", "abuse"),
])
def test_paraphrases_of_bombings_sweeps_and_hostages(text, expected, lexicon):
    assert expected in types_in(text, lexicon)


def test_a_war_of_decades_ago_is_no_event(lexicon):
    assert types_in("ودمرت المدينة خلال حرب الثمانينيات", lexicon) in ([], ["other"])
    assert "clash" not in types_in("ودمرت المدينة خلال حرب الثمانينيات", lexicon)


def test_a_rising_trend_of_people_fleeing_is_no_displacement(lexicon):
    assert "displacement" not in types_in("ومع تواصل القتال ترتفع أعداد الهاربين من الأحياء", lexicon)


def test_an_event_after_a_list_of_quarters_does_not_take_them_all(resources):
    events = events_of("اقتحمت القوات أحياء السلام وفلسطين والشيماء. وقال ضابط إن طائرات التحالف شنت غارات مكثفة.",
                       resources)
    strikes = [e for e in events if e.event_type == "airstrike"]
    assert strikes and not any(e.place and e.place.place and e.place.place.place_id in {"salam", "filastin", "shayma"}
                               for e in strikes)


def test_an_event_after_a_single_named_place_takes_it(resources):
    events = events_of("اقتحمت القوات حي الزهور. وقال ضابط إن طائرات التحالف شنت غارات مكثفة.", resources)
    strikes = [e for e in events if e.event_type == "airstrike"]
    ids = {e.place.place.place_id for e in strikes if e.place and e.place.place}
    assert ids and all(i.startswith("zuhur") for i in ids)


def test_a_definite_noun_and_adjective_is_new_information_not_a_back_reference(resources):
    events = events_of("قُتل طبيب برصاص قناص في حي الزهور. وكان يسعف جرحى أصيبوا إثر القصف العشوائي على منازلهم.",
                       resources)
    assert {t for _, t in clusters(events)} >= {"sniper", "shelling"}


def test_an_attack_described_as_expected_is_no_event(lexicon):
    assert types_in("وهو نوع من الهجمات المتوقع أن يشنها التنظيم", lexicon) == []
    assert types_in("استعدادا للهجوم المرتقب على المدينة", lexicon) == []


def test_a_battle_launched_from_a_place_is_an_advance_whoever_is_named_before(lexicon):
    assert types_in("وما زال المطار تحت سيطرة التنظيم وأن معركة المطار انطلقت من المرتفعات", lexicon) == ["advance"]


def test_a_place_described_by_the_fighting_it_goes_through_is_no_new_clash(lexicon):
    assert types_in("قرب المدينة القديمة التي تشهد حرب شوارع منذ أسبوعين", lexicon) == []
