"""Articles the lexicons were not written from: scores on hand-annotated reports in the styles of the
outlets that covered Mosul (wire agencies, Iraqi channels, Kurdish media, command statements, local
pages), and the traps those reports hold.

The fixtures (tests/fixtures/generalisation/*.txt, manifest.csv) were written for this test and
annotated by hand in gold.jsonl, in the format of tests/gold/seeds.jsonl.
"""

import csv
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.config import Settings
from pipeline.evaluate import ScoringArea, evaluate_run

FIXTURES = Path(__file__).parent / "fixtures" / "generalisation"

# Measured values minus a small margin (measured: place_p 0.935, place_r 1.0, place_f1 0.966,
# date_acc 1.0, date_hard_acc 1.0, type_acc 1.0, bank_acc 1.0, fig_r 0.868, fig_p 0.971).
FLOORS = {"place_p": 0.88, "place_r": 0.95, "place_f1": 0.92, "date_acc": 0.95, "date_hard_acc": 0.9,
          "type_acc": 0.95, "bank_acc": 0.95, "fig_r": 0.82, "fig_p": 0.92}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generalisation")
    main(["run", "--articles", str(FIXTURES), "--out", str(out), "--quiet", "--no-cache"])
    return out


@pytest.fixture(scope="module")
def scores(run_dir) -> dict:
    return evaluate_run(run_dir / "events.csv", FIXTURES / "gold.jsonl", FIXTURES / "manifest.csv",
                        area=ScoringArea.of(Settings().load_campaign()))


@pytest.fixture(scope="module")
def rows(run_dir) -> list[dict]:
    with open(run_dir / "events.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def rows_of(rows: list[dict], article: str, sentence: int | None = None) -> list[dict]:
    return [r for r in rows if r["article_id"] == article and (sentence is None or int(r["sentence_index"]) == sentence)]


def place_ids(rows: list[dict]) -> set[str]:
    return {r["place_id"] for r in rows}


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_unseen_article_scores_stay_above_the_floor(scores, metric):
    assert scores[metric] >= FLOORS[metric], scores


def test_no_unseen_article_row_is_placed_outside_the_campaign_box(scores):
    assert scores["spurious_out_of_area"] == 0


def test_jerusalem_named_as_a_city_is_not_the_al_quds_neighbourhood(rows):
    assert "quds" not in place_ids(rows_of(rows, "g08_local_oldcity") + rows_of(rows, "g14_mada_mamoun"))


def test_baghdad_green_zone_is_not_the_al_khadraa_neighbourhood(rows):
    assert "khadraa" not in place_ids(rows_of(rows, "g13_shafaq_mushairifa"))


def test_salam_meaning_peace_is_no_place(rows):
    assert "salam" not in place_ids(rows_of(rows, "g05_jazeera_executions"))


def test_neighbourhoods_an_advance_heads_towards_are_not_event_places(rows):
    assert not place_ids(rows_of(rows, "g03_sumaria_wadi_hajar")) & {"dandan", "mansour"}


def test_halted_advance_is_no_event(rows):
    assert "jawsaq" not in place_ids(rows_of(rows, "g14_mada_mamoun"))


def test_planned_assault_is_no_event(rows):
    assert "ras_kor" not in place_ids(rows_of(rows, "g08_local_oldcity"))


def test_troops_taking_part_are_not_a_casualty_figure(rows):
    assert not any(r["killed_low"] or r["wounded_low"] or r["casualties_low"]
                   for r in rows_of(rows, "g02_afp_zahraa", sentence=2))


def test_dead_among_a_toll_already_given_are_no_new_figure(rows):
    assert not any(r["killed_low"] for r in rows_of(rows, "g09_reuters_katyusha", sentence=1))


def test_dual_of_neighbourhood_word_opens_a_list(rows):
    displaced = {r["place_id"] for r in rows_of(rows, "g10_sumaria_tanak", sentence=2)}
    assert displaced == {"thawra", "najjar"}


def test_dual_martyr_noun_counts_two_dead_of_the_security_forces(rows):
    first = rows_of(rows, "g13_shafaq_mushairifa", sentence=0)
    assert any(r["killed_low"] == "2" and r["victims"] == "security_forces" for r in first)


def test_construct_dual_hundred_counts_two_hundred_households(rows):
    assert any(r["displaced_low"] == "200" for r in rows_of(rows, "g13_shafaq_mushairifa", sentence=2))


def test_present_tense_headline_reports_an_advance(rows):
    headline = rows_of(rows, "g07_joc_university", sentence=0)
    assert any(r["event_type"] == "advance" and r["place_id"] == "mosul_university" for r in headline)


def test_village_word_picks_the_village_over_the_city_neighbourhood_of_the_same_name(rows):
    attack = rows_of(rows, "g11_k24_bashiqa", sentence=2)
    assert place_ids(attack) == {"fadiliya_village"}


def test_members_of_a_force_with_a_pronoun_are_security_forces(rows):
    assert all(r["victims"] == "security_forces" for r in rows_of(rows, "g07_joc_university", sentence=3))
