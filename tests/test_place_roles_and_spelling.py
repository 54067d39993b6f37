"""Place roles that are not the event's place, place-word grammar of real reporting, spelling variants.

Fixtures are short sentences written for these tests, over the tiny gazetteer of test_places.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import campaign_folder
from pipeline.campaign import load_campaign
from pipeline.extraction.places import SpellingRules, load_place_resolver, spelling_variants
from tests.test_places import local_rows, resolver, rows  # noqa: F401  (the module fixture and helpers)

ROOT = Path(__file__).resolve().parents[1]


def mentions(resolver, text):  # noqa: F811
    return [m for m in resolver.find_mentions(text) if not (m.place and m.place.place_id == "mosul")]


# ---------------------------------------------------------------- roles


def test_a_locator_written_with_an_attached_lam_only_locates_the_village(resolver):  # noqa: F811
    assert local_rows(resolver, "سيطرت القوات على قرية الحود التابعة لناحية الشورة") == [
        ("الحود", "hud", "", "location"), ("الشورة", "shura", "", "reference")]


def test_a_place_named_as_near_is_a_proximity_reference_beside_the_event_place(resolver):  # noqa: F811
    assert local_rows(resolver, "انفجرت عبوة على مقربة من حي الهرمات بينما تدور اشتباكات في حي سومر") == [
        ("الهرمات", "haramat", "right", "proximity"), ("سومر", "sumer", "left", "location")]


def test_a_place_named_as_near_is_the_event_place_when_the_sentence_has_no_other(resolver):  # noqa: F811
    [m] = mentions(resolver, "سقطت قذيفة هاون قرب قرية الحود")
    assert (m.place.place_id, m.role, m.geo_precision) == ("hud", "location", 2)
    assert "near" in m.note


@pytest.mark.parametrize("text", ["باتت القوات على بعد 500 متر من حي الكرامة",
                                  "اقتربت القطعات من حي الكرامة بعد ظهر اليوم"])
def test_a_distance_or_an_approach_makes_the_place_only_a_reference(resolver, text):  # noqa: F811
    assert [r[3] for r in local_rows(resolver, text)] == ["reference"]


def test_a_place_named_as_an_exception_is_excluded(resolver):  # noqa: F811
    found = local_rows(resolver, "سيطرت القوات على الساحل الأيسر باستثناء حي القدس")
    assert ("القدس", "quds", "left", "excluded") in found


def test_the_facility_where_a_source_spoke_is_not_the_event_place(resolver):  # noqa: F811
    assert local_rows(resolver, "قال طبيب في مستشفى السلام إن الجرحى نقلوا من حي سومر") == [
        ("مستشفى السلام", "salam_hospital", "left", "source"), ("سومر", "sumer", "left", "origin")]


def test_a_camp_where_people_now_live_is_their_residence(resolver):  # noqa: F811
    assert local_rows(resolver, "قال نازحون يقيمون في مخيم الخازر إن القصف لم يتوقف") == [
        ("الخازر", "khazir_camp", "", "residence")]


def test_the_target_of_fire_is_the_event_place(resolver):  # noqa: F811
    [m] = mentions(resolver, "أطلق التنظيم قذائف هاون باتجاه حي الكرامة")
    assert (m.place.place_id, m.role, m.note) == ("karama", "location", "target of fire")


def test_a_place_people_withdraw_towards_stays_a_destination(resolver):  # noqa: F811
    assert [r[3] for r in local_rows(resolver, "انسحب المسلحون باتجاه حي الكرامة")] == ["destination"]


def test_where_a_force_set_out_from_is_a_departure_but_flight_keeps_its_origin(resolver):  # noqa: F811
    assert local_rows(resolver, "انطلقت القطعات من قرية الحود باتجاه اللزاكة") == [
        ("الحود", "hud", "", "departure"), ("اللزاكة", "lazzaqa", "", "destination")]
    assert [r[3] for r in local_rows(resolver, "فرت عشرات العائلات من حي الهرمات")] == ["origin"]


def test_a_share_of_a_place_taken_is_the_place_itself(resolver):  # noqa: F811
    assert [r[3] for r in local_rows(resolver, "استعادت القوات 70% من حي الكرامة")] == ["location"]


def test_a_place_being_described_is_a_reference(resolver):  # noqa: F811
    assert [r[3] for r in local_rows(resolver, "ويقع حي الهرمات غرب المدينة")][:1] == ["reference"]


def test_the_ends_of_a_road_are_references(resolver):  # noqa: F811
    assert [r[3] for r in local_rows(resolver, "قطع المسلحون الطريق الرابط بين القيارة والشورة")] == [
        "reference", "reference"]


def test_a_direction_from_a_larger_place_a_few_words_on_only_locates_the_village(resolver):  # noqa: F811
    assert local_rows(resolver, "حررت القوات قرية الحود على ضفة النهر جنوب ناحية الشورة") == [
        ("الحود", "hud", "", "location"), ("الشورة", "shura", "", "reference")]


def test_a_direction_after_a_place_word_with_no_name_locates_unnamed_places(resolver):  # noqa: F811
    assert [r[3] for r in local_rows(resolver, "حررت القوات تسع قرى شمال ناحية الشورة")] == ["reference"]


def test_an_unknown_building_inside_a_known_quarter_leaves_the_quarter_as_the_place(resolver):  # noqa: F811
    assert rows(resolver, 'فجر انتحاري نفسه داخل مطعم "البيت الحلبي" في حي سومر') == [
        ("البيت الحلبي", None, "", "reference"), ("سومر", "sumer", "left", "location")]


# ---------------------------------------------------------------- place-word grammar


def test_a_dual_keeps_an_unknown_second_name(resolver):  # noqa: F811
    assert rows(resolver, "حررت القوات حيي سومر والزيتون") == [
        ("سومر", "sumer", "left", "location"), ("الزيتون", None, "", "location")]


def test_later_unknown_items_of_a_list_of_quarters_are_kept_unresolved(resolver):  # noqa: F811
    assert rows(resolver, "دخلت القوات أحياء سومر والزيتون والربيع أمس") == [
        ("سومر", "sumer", "left", "location"), ("الزيتون", None, "", "location"), ("الربيع", None, "", "location")]


def test_a_list_closed_by_its_quote_takes_no_verb_as_a_further_item(resolver):  # noqa: F811
    found = rows(resolver, 'سقطت صواريخ على أحياء "سومر والهرمات"، أسفرت عن إصابات')
    assert [r[0] for r in found] == ["سومر", "الهرمات"]


@pytest.mark.parametrize("text, surface", [("سيطرت القوات على تلة الزعتر", "تلة الزعتر"),
                                           ("تقدمت القطعات نحو هضبة الخرائب", "هضبة الخرائب")])
def test_landform_heads_are_part_of_the_unknown_name(resolver, text, surface):  # noqa: F811
    [m] = mentions(resolver, text)
    assert (m.span.text, m.place, m.note) == (surface, None, "unresolved")


def test_an_unknown_definite_name_after_area_is_a_place_but_an_adjective_is_not(resolver):  # noqa: F811
    assert [(r[0], r[1]) for r in rows(resolver, "اشتباكات في منطقة القبيبات")] == [("القبيبات", None)]
    assert rows(resolver, "حوصر المسلحون في منطقة آخذة في الانكماش") == []


def test_a_name_ending_in_a_direction_word_keeps_it(resolver):  # noqa: F811
    [unknown] = mentions(resolver, "تحرير قرية أبو جربوعة الجنوبية")
    assert (unknown.span.text, unknown.place) == ("أبو جربوعة الجنوبية", None)
    [known] = mentions(resolver, "قصف حي الهرمات الشمالية")
    assert (known.span.text, known.place.place_id, known.relation, known.geo_precision) == (
        "الهرمات الشمالية", "haramat", "north", 2)


def test_a_slash_between_place_word_and_list_opens_the_list(resolver):  # noqa: F811
    assert [r[1] for r in local_rows(resolver, "استعادت القوات أحياء/ السلام والوحدة")] == ["salam", "wahda"]


def test_a_list_after_a_colon_belongs_to_the_plural_place_word_before_it(resolver):  # noqa: F811
    found = [r[1] for r in local_rows(resolver, "اشتباكات في الأحياء الشرقية للموصل: سومر والشيماء")]
    assert found[-2:] == ["sumer", "shayma"]


def test_a_number_after_a_quarter_word_is_a_name(resolver):  # noqa: F811
    assert [(r[0], r[1]) for r in rows(resolver, "سقط صاروخ بين حي 90 وحي سومر")] == [("90", None), ("سومر", "sumer")]


def test_a_foreign_name_after_a_quarter_word_is_a_quarter(resolver):  # noqa: F811
    assert rows(resolver, "قصف التنظيم حي الجزائر بالصواريخ") == [("الجزائر", None, "", "location")]


def test_a_place_in_brackets_after_a_place_only_locates_it(resolver):  # noqa: F811
    assert local_rows(resolver, "قتال في حي السلام (شرق الموصل) منذ الصباح") == [
        ("السلام", "salam", "left", "location"), ("شرق الموصل", "mosul_east", "left", "reference")]


def test_a_mahalla_in_a_larger_area_is_located_by_it(resolver):  # noqa: F811
    assert rows(resolver, "قصفت الطائرات محلة الزيتون في منطقة الموصل الجديدة") == [
        ("الزيتون", None, "", "location"), ("الموصل الجديدة", "jadida", "right", "reference")]


@pytest.mark.parametrize("text, place_id, bank", [
    ("دخلت القوات أحياء القيروان وسومر", "qayrawan_quarter", "left"),
    ("تحرير بلدة القيروان", "qairawan_town", ""),
    ("سيطرت القوات على القيروان وقرية الحود", "qairawan_town", ""),
])
def test_a_name_of_a_quarter_and_a_town_is_decided_by_its_place_word_or_its_neighbours(resolver, text, place_id, bank):  # noqa: F811
    m = next(m for m in mentions(resolver, text) if m.span.text.endswith("القيروان"))
    assert (m.place.place_id, m.bank) == (place_id, bank)


def test_a_name_of_a_quarter_and_a_town_with_no_evidence_is_named_but_not_mapped(resolver):  # noqa: F811
    [m] = mentions(resolver, "سيطرت القوات على القيروان")
    assert (m.place, m.lat, m.lon) == (None, None, None)
    assert m.note.startswith("ambiguous")


# ---------------------------------------------------------------- spelling variants


@pytest.mark.parametrize("text, place_id", [
    ("تقدمت القوات في حي دميز", "domiz"),  # a long vowel left out
    ("اشتباكات في منطقة السرجخان", "sarjkhana"),  # the final letter left out
    ("دخلت القوات بلدة گوگجلي", "gogjali"),  # ك written گ
    ("سيطرت القوات على مسجد النوري", "nuri"),  # the construct form without the article
    ("تحرير قرية البيجوانية السفلى", "bajwaniya_sufla"),  # a vowel added: close spelling after a place word
])
def test_spelling_variants_resolve_to_the_gazetteer_place(resolver, text, place_id):  # noqa: F811
    assert [m.place.place_id for m in mentions(resolver, text) if m.place] == [place_id]


def test_a_spelling_variant_without_a_place_word_is_not_a_place(resolver):  # noqa: F811
    assert mentions(resolver, "وقال دميز إن الوضع هادئ") == []


def test_a_close_spelling_with_two_candidates_is_left_unresolved(tmp_path):
    folder = campaign_folder(tmp_path / "campaign",
                             "place_id,name_ar,name_en,kind,bank,parent_id,lat,lon,precision,source,license,note\n"
                             "mosul,الموصل,Mosul,city,both,,36.34,43.13,3,test,,\n"
                             "a,السلامية,al-Salamiya,village,outside,,36.1,43.3,1,test,,\n"
                             "b,السلامانية,al-Salamaniya,village,outside,,36.2,43.3,1,test,,\n")
    two = load_place_resolver(load_campaign(folder))
    [m] = two.find_mentions("تحرير قرية السلاميانة")
    assert m.place is None


def test_spelling_variants_make_one_change_and_skip_short_words():
    rules = SpellingRules(drop_letters=("ا", "ي", "و"), final_drop=("ه",), letter_swaps=(("ك", "گ"),),
                          construct=True, min_letters=4)
    variants = spelling_variants("الفاروق", rules, "ال")
    assert "الفروق" in variants and "الفاروق" not in variants
    assert spelling_variants("عدن", rules, "ال") == set()
    assert "جامع النوري" in spelling_variants("الجامع النوري", rules, "ال")


def test_after_a_comma_fi_and_a_place_word_locate_the_place_before(resolver):  # noqa: F811
    assert local_rows(resolver, "نزحت العائلات نحو قرية حسن شام، في منطقة الخازر") == [
        ("حسن شام", "hasan_sham", "", "destination"), ("الخازر", "khazir_camp", "", "reference")]


def test_a_dash_joins_the_two_ends_of_a_road(resolver):  # noqa: F811
    assert [r[3] for r in local_rows(resolver, "أقيم ساتر على الطريق الرابط القيارة - الشورة")] == ["reference", "reference"]


def test_a_mosque_named_after_a_quarter_is_not_the_quarter(resolver):  # noqa: F811
    assert local_rows(resolver, "قصف جامع الكرامة الكبير") == []


def test_a_place_a_quarter_contains_is_described_not_an_event_place(resolver):  # noqa: F811
    assert [r[3] for r in local_rows(resolver, "قتال في حي الكرامة الذي يضم حي سومر")] == ["location", "reference"]


def test_the_places_a_road_runs_between_are_references(resolver):  # noqa: F811
    assert [r[3] for r in local_rows(resolver, "قطعت القوات طريق المسلحين بين قرية الحود وناحية الشورة")] == [
        "reference", "reference"]


def test_a_clause_after_a_comma_and_wa_is_not_a_further_unknown_item(resolver):  # noqa: F811
    assert [r[0] for r in rows(resolver, "تقدمت القوات في أحياء سومر والزيتون، وسيطروا على المباني")] == ["سومر", "الزيتون"]


def test_an_adjective_after_a_village_word_is_no_name(resolver):  # noqa: F811
    assert rows(resolver, "وهي قرية مسيحية تبعد عشرة كيلومترات عن القضاء") == []


def test_a_colon_list_may_open_with_a_name_the_gazetteer_lacks(resolver):  # noqa: F811
    found = rows(resolver, "سيطرت القوات على تسع قرى، أبرزها: الخفاجية، والحود")
    assert [(r[0], r[1]) for r in found] == [("الخفاجية", None), ("الحود", "hud")]


def test_a_distance_and_a_direction_from_a_place_only_locate_something_else(resolver):  # noqa: F811
    assert [r[3] for r in local_rows(resolver, "يقع الموقع الأثري (5 كم جنوب ناحية الشورة) وسط الصحراء")] == ["reference"]


def test_a_withdrawal_from_a_place_keeps_it_as_an_origin(resolver):  # noqa: F811
    assert [r[3] for r in local_rows(resolver, "اضطرت القوات إلى الانسحاب من حي الكرامة")] == ["origin"]


def test_a_place_naming_an_axis_is_a_reference(resolver):  # noqa: F811
    assert [r[3] for r in local_rows(resolver, "تقدمت قطعات المحور الجنوبي حمام العليل نحو المدينة")][:2] == [
        "location", "reference"]


def test_where_victims_came_from_is_their_home_not_the_event_place(resolver):  # noqa: F811
    assert [r[3] for r in local_rows(resolver, "أعدم التنظيم عشرين رجلا، وقال مصدر إن القتلى هم من سكان قرية الحود")] == ["home"]
    assert [r[3] for r in local_rows(resolver, "فر المئات من سكان حي الكرامة")] == ["location"]  # no victims: still the event's


def test_a_part_of_a_place_taken_in_an_advance_is_the_place_itself(resolver):  # noqa: F811
    assert [r[3] for r in local_rows(resolver, "تقدمت القطعات وحررت أجزاء من حي الكرامة")] == ["location"]


def test_a_force_on_the_perimeter_of_a_place_has_not_taken_it(resolver):  # noqa: F811
    assert [r[3] for r in local_rows(resolver, "وأصبحت القطعات على محيط حيي سومر والشيماء")] == ["reference", "reference"]


def test_a_place_forces_are_close_to_taking_is_only_approached(resolver):  # noqa: F811
    assert [r[3] for r in local_rows(resolver, "القوات تقترب من السيطرة على المسجد النوري")] == ["reference"]
