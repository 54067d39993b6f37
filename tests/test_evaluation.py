"""The yardstick: the evaluation command's rules, and the seed scores they give."""

import json

import pytest

from pipeline.cli import main
from pipeline.evaluate import ScoringArea, evaluate_run, find_errors, name_key_ar, name_key_en, score

GOLD = "tests/gold/seeds.jsonl"
AREA = ScoringArea((35.5, 42.0, 37.0, 44.0), frozenset({name_key_ar("الموصل"), name_key_en("Mosul")}))
"""A scoring area like the Mosul campaign's, for the rule tests."""
BARS = {"place_f1": 0.9, "place_p": 0.9, "place_r": 0.9, "date_acc": 0.9, "type_acc": 0.85, "bank_acc": 0.9,
        "fig_r": 0.9, "fig_p": 0.9}


@pytest.fixture(scope="module")
def seed_scores(tmp_path_factory, seed_corpus, settings):
    out = tmp_path_factory.mktemp("eval")
    main(["run", "--articles", str(seed_corpus), "--out", str(out), "--quiet", "--no-cache"])
    return evaluate_run(out / "events.csv", __import__("pathlib").Path(GOLD), area=ScoringArea.of(settings.load_campaign()))


@pytest.mark.parametrize("metric", sorted(BARS))
def test_seed_scores_stay_above_the_bar(seed_scores, metric):
    assert seed_scores[metric] >= BARS[metric], seed_scores


def test_no_seed_row_is_placed_outside_the_campaign_box(seed_scores):
    assert seed_scores["spurious_out_of_area"] == 0


def test_dates_not_on_the_publication_day_are_resolved(seed_scores):
    assert seed_scores["n_hard_dates"] == 4 and seed_scores["date_hard_acc"] >= 0.75


def test_arabic_names_match_without_place_words_article_or_hamza():
    assert name_key_ar("حي الكرامة") == name_key_ar("الكرامة") == name_key_ar("كرامه")
    assert name_key_ar("أحياء السلام") == name_key_ar("السلام")


def gold_event(**kw):
    base = {"article": "a", "event_type": "advance", "places": [{"ar": "حي الكرامة", "en": "al-Karama", "kind": "neighbourhood",
            "bank": "left"}], "quote": "اقتحام حي الكرامة", "date_min": "2017-01-02", "date_max": "2017-01-02",
            "killed": [5, 5], "wounded": None, "killed_or_wounded": None, "displaced": None}
    return {**base, **kw}


def row(**kw):
    base = {"article_id": "a", "place_ar": "الكرامة", "place_text": "حي الكرامة", "place_en": "al-Karama",
            "place_kind": "neighbourhood", "event_type": "advance", "bank": "left", "event_date": "2017-01-02",
            "quote": "x", "killed_low": "5", "vague": "False"}
    return {**base, **kw}


def test_a_perfect_row_scores_one_everywhere():
    s = score([row()], [gold_event()], {"a": "2017-01-03"}, area=AREA)
    assert (s["place_f1"], s["date_acc"], s["date_hard_acc"], s["type_acc"], s["bank_acc"], s["fig_r"], s["fig_p"]) == (1, 1, 1, 1, 1, 1, 1)


def test_an_extra_place_lowers_precision_not_recall():
    s = score([row(), row(place_ar="الزهور", place_text="حي الزهور", place_en="al-Zuhur")], [gold_event()], {}, area=AREA)
    assert (s["place_p"], s["place_r"]) == (0.5, 1.0)


def test_city_level_rows_are_not_counted_as_places():
    s = score([row(place_ar="الموصل", place_text="الموصل", place_en="Mosul", place_kind="city"), row()], [gold_event()], {}, area=AREA)
    assert s["place_p"] == 1.0


def test_vague_figures_are_not_counted_as_figures():
    s = score([row(killed_low="30", vague="True"), row()], [gold_event()], {}, area=AREA)
    assert s["fig_p"] == 1.0


def test_date_one_day_off_passes_with_slack_but_not_strictly():
    s = score([row(event_date="2017-01-01")], [gold_event()], {"a": "2017-01-05"}, area=AREA)
    assert (s["date_acc"], s["date_hard_acc"]) == (1.0, 0.0)


def test_evaluate_command_prints_every_metric(tmp_path, capsys, seed_corpus):
    main(["run", "--articles", str(seed_corpus), "--out", str(tmp_path), "--quiet"])
    capsys.readouterr()
    assert main(["evaluate", "--gold", GOLD, "--events", str(tmp_path), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert set(BARS) | {"date_hard_acc", "spurious_out_of_area"} <= set(printed)


def test_a_row_without_coordinates_finds_the_place_but_not_on_the_map():
    s = score([row(lat="", lon="")], [gold_event()], {}, area=AREA)
    assert (s["place_r"], s["geo_r"]) == (1.0, 0.0)
    assert score([row(lat="36.3", lon="43.2")], [gold_event()], {}, area=AREA)["geo_r"] == 1.0


def test_an_event_counts_only_with_its_type_at_its_place():
    s = score([row(), row(event_type="clash")], [gold_event()], {}, area=AREA)
    assert (s["event_p"], s["event_r"]) == (0.5, 1.0)


def test_rows_in_a_manifest_article_without_gold_events_lower_precision():
    rows = [row(), row(article_id="quiet", killed_low="3")]
    without = score(rows, [gold_event()], {}, area=AREA)
    with_manifest = score(rows, [gold_event()], {"a": "", "quiet": ""}, {"a", "quiet"}, area=AREA)
    assert (without["place_p"], without["event_p"], without["fig_p"]) == (1.0, 1.0, 1.0)
    assert (with_manifest["place_p"], with_manifest["event_p"], with_manifest["fig_p"]) == (0.5, 0.5, 0.5)


def test_errors_name_each_missed_and_spurious_item_with_the_rows_reason():
    rows = [row(event_type="clash", trigger_text="اشتباكات", killed_low="4", figure_text="مقتل 4")]
    findings = find_errors(rows, [gold_event()], {"a": "2017-01-03"}, area=AREA)
    kinds = {(f.metric, f.kind, f.item) for f in findings}
    assert ("event", "missed", "advance at حي الكرامة") in kinds
    assert ("event", "spurious", "clash at حي الكرامة") in kinds
    assert ("figure", "missed", "killed 5") in kinds and ("figure", "spurious", "killed 4") in kinds
    spurious = next(f for f in findings if f.kind == "spurious" and f.metric == "figure")
    assert "«اشتباكات»" in spurious.reason and "gold has killed 5" in spurious.reason


def test_errors_list_a_date_outside_the_gold_window_with_the_words_it_came_from():
    findings = find_errors([row(event_date="2016-12-20", date_text="الثلاثاء")], [gold_event()], {"a": "2017-01-03"}, area=AREA)
    wrong = [f for f in findings if f.metric == "date"]
    assert len(wrong) == 1 and "«الثلاثاء»" in wrong[0].reason and "(hard)" in wrong[0].item


def test_errors_widen_the_gold_quote_to_its_sentence_when_the_text_is_given():
    text = "مقدمة. قالت القيادة إن القوات بدأت اقتحام حي الكرامة فجرا. خاتمة."
    findings = find_errors([], [gold_event()], {}, texts={"a": text}, area=AREA)
    assert any(f.sentence == "قالت القيادة إن القوات بدأت اقتحام حي الكرامة فجرا." for f in findings)


def test_evaluate_command_lists_errors(tmp_path, capsys, seed_corpus):
    main(["run", "--articles", str(seed_corpus), "--out", str(tmp_path), "--quiet"])
    capsys.readouterr()
    assert main(["evaluate", "--gold", GOLD, "--events", str(tmp_path), "--errors"]) == 0
    printed = capsys.readouterr().out
    assert "place_p=" in printed and "event spurious" in printed and "    run: " in printed


def test_errors_explain_the_numbers_of_a_missed_figures_sentence():
    findings = find_errors([], [gold_event()], {}, explain=lambda sentence: f"«5» looked at in {sentence}", area=AREA)
    missed = next(f for f in findings if f.metric == "figure")
    assert "numbers: «5» looked at in اقتحام حي الكرامة" in missed.reason
