"""Every campaign folder passes the same data checks, and the Raqqa folder maps Raqqa: its own places, the
north (left) bank of the Euphrates, its calendar, and a small corpus with a gold file written for it."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from rivers import river_segments, side_of_river
from pipeline.config import Settings
from pipeline.extraction.date_lexicon import load_date_lexicon
from pipeline.campaign import load_campaign
from pipeline.evaluate import ScoringArea, evaluate_run
from pipeline.gazetteer import validate_campaign
from pipeline.corpus.run import run_pipeline
from pipeline.extraction.textnorm import normalise_phrase

PROJECT = Path(__file__).resolve().parents[1]
CAMPAIGNS = sorted(p for p in (PROJECT / "data" / "campaigns").iterdir() if (p / "places.csv").exists())
RAQQA = PROJECT / "data" / "campaigns" / "raqqa"
LEXICON = PROJECT / "data" / "lexicon" / "ar"
GOLD = PROJECT / "tests" / "gold" / "raqqa.jsonl"


def _places_named(campaign: Path, spelling: str):
    gaz = load_campaign(campaign)
    wanted = normalise_phrase(spelling)
    return list({a.place_id: gaz.places[a.place_id] for a in gaz.aliases if normalise_phrase(a.alias_ar) == wanted}.values())


def _aliases(spelling: str):
    wanted = normalise_phrase(spelling)
    return [a for a in load_campaign(RAQQA).aliases if normalise_phrase(a.alias_ar) == wanted]


def _gold() -> list[dict]:
    with open(GOLD, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


# ---------- checks every campaign folder passes


@pytest.mark.parametrize("campaign", CAMPAIGNS, ids=lambda p: p.name)
def test_campaign_folder_has_no_problems(campaign):
    assert validate_campaign(campaign) == []


@pytest.mark.parametrize("campaign", CAMPAIGNS, ids=lambda p: p.name)
def test_every_place_names_its_source_and_estimates_say_so(campaign):
    with open(campaign / "places.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert all(r["source"] and r["license"] for r in rows)
    assert all((r["precision"] == "2") == r["source"].startswith("estimate:") for r in rows)


@pytest.mark.parametrize("campaign", CAMPAIGNS, ids=lambda p: p.name)
def test_campaign_city_is_a_city_row(campaign):
    gaz = load_campaign(campaign)
    assert gaz.places[gaz.city_id].kind == "city"


@pytest.mark.parametrize("layer", sorted((RAQQA / "layers").glob("*.geojson")), ids=lambda p: p.name)
def test_raqqa_layers_carry_name_source_and_license(layer):
    data = json.loads(layer.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and data["features"]
    for feature in data["features"]:
        assert all(feature["properties"].get(k) for k in ("name", "source", "license"))


@pytest.mark.parametrize("campaign", CAMPAIGNS, ids=lambda p: p.name)
def test_calendar_rows_have_a_date_and_a_source_and_the_phrases_load(campaign):
    with open(campaign / "calendar.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["source"].strip() for r in rows)
    assert all(dt.date.fromisoformat(r["date"]) for r in rows)
    lexicon = load_date_lexicon(load_campaign(campaign))
    assert set(lexicon.milestones) == {r["milestone_id"] for r in rows}


# ---------- Raqqa: places


def test_raqqa_has_at_least_forty_places_and_its_own_city():
    gaz = load_campaign(RAQQA)
    assert len(gaz.places) >= 40
    assert gaz.city_id == "raqqa" and gaz.places["raqqa"].bank == "left"


def test_every_raqqa_neighbourhood_is_on_the_north_left_bank():
    gaz = load_campaign(RAQQA)
    neighbourhoods = [p for p in gaz.places.values() if p.kind == "neighbourhood"]
    assert len(neighbourhoods) >= 20
    assert {p.bank for p in neighbourhoods} == {"left"}


def test_raqqa_bank_points_lie_on_their_side_of_the_euphrates():
    segments = river_segments(RAQQA)
    wrong = [p.place_id for p in load_campaign(RAQQA).places.values()
             if p.bank in ("left", "right") and side_of_river(p.lat, p.lon, segments)[1] != p.bank]
    assert wrong == []


@pytest.mark.parametrize("place_id", ["kasrat_afnan", "kasrat_faraj", "ratla", "mansoura", "tabqa"])
def test_south_bank_places_lie_right_of_the_downstream_line(place_id):
    place = load_campaign(RAQQA).places[place_id]
    assert side_of_river(place.lat, place.lon, river_segments(RAQQA))[1] == "right"


def test_the_downstream_line_runs_east_past_raqqa():
    near = [((x0 + x1) / 2, x1 - x0) for (x0, y0), (x1, y1) in river_segments(RAQQA) if 38.9 < x0 < 39.1]
    assert near and all(dx > 0 for _, dx in near)


@pytest.mark.parametrize("spelling", ["البدو", "الروضة", "الصناعة", "المنطقة الصناعية", "الكرامة", "الطبقة", "الثورة",
                                      "المنصور", "المنصورة", "الرشيد", "المهدي", "النهضة", "الفردوس", "اليرموك",
                                      "القادسية", "حطين", "الرومانية", "الدرعية", "البريد", "المرور", "النعيم",
                                      "سلوك", "السبخة"])
def test_raqqa_names_that_are_ordinary_words_need_context(spelling):
    matching = _aliases(spelling)
    assert matching and all(a.needs_context for a in matching)


@pytest.mark.parametrize("spelling", ["المشلب", "حي البدو", "السباهية", "نزلة شحادة", "دوار النعيم", "المشفى الوطني",
                                      "الملعب البلدي", "سد الفرات", "عين عيسى", "تل أبيض", "كسرة عفنان", "مدينة الطبقة",
                                      "المدينة القديمة", "باب بغداد", "حمرة ناصر"])
def test_raqqa_unambiguous_names_need_no_context(spelling):
    matching = _aliases(spelling)
    assert matching and not any(a.needs_context for a in matching)


@pytest.mark.parametrize("spelling, place_id", [("البلدة القديمة", "old_city"), ("الرافقة", "old_city"),
                                                ("المستشفى الوطني", "national_hospital"), ("الملعب الأسود", "stadium"),
                                                ("سد الطبقة", "tabqa_dam"), ("جسر الرشيد", "new_bridge"),
                                                ("كسرة عفان", "kasrat_afnan"), ("حمرة بويتية", "hamrat_buwaytiya"),
                                                ("حارة البدو", "badu"), ("تل الأبيض", "tell_abyad")])
def test_raqqa_other_names_and_spellings_resolve_to_the_same_place(spelling, place_id):
    assert [p.place_id for p in _places_named(RAQQA, spelling)] == [place_id]


# ---------- Raqqa: calendar


@pytest.mark.parametrize("milestone_id, first, last", [("offensive_start", "2017-06-06", "2017-06-06"),
                                                      ("wall_breached", "2017-07-01", "2017-07-10"),
                                                      ("victory", "2017-10-17", "2017-10-17")])
def test_raqqa_calendar_holds_the_battle_milestones(milestone_id, first, last):
    day = load_date_lexicon(load_campaign(RAQQA)).milestones[milestone_id]
    assert dt.date.fromisoformat(first) <= day <= dt.date.fromisoformat(last)


def test_raqqa_window_runs_from_the_start_of_the_battle_past_its_end():
    window = load_date_lexicon(load_campaign(RAQQA)).campaign_window
    assert window[0] == dt.date(2017, 6, 6) and window[1] >= dt.date(2017, 10, 17)


# ---------- Raqqa: corpus and gold


def _corpus_ids() -> set[str]:
    with open(RAQQA / "corpus" / "manifest.csv", encoding="utf-8", newline="") as fh:
        return {r["id"] for r in csv.DictReader(fh)}


def test_raqqa_corpus_manifest_lists_every_article():
    assert _corpus_ids() == {p.stem for p in (RAQQA / "corpus").glob("*.txt")}
    assert 5 <= len(_corpus_ids()) <= 8


def test_gold_quotes_are_exact_substrings_of_their_articles():
    texts = {i: (RAQQA / "corpus" / f"{i}.txt").read_text(encoding="utf-8") for i in _corpus_ids()}
    assert all(e["quote"] in texts[e["article"]] for e in _gold())


@pytest.mark.parametrize("gold", [p for e in _gold() for p in e["places"]
                                  if p["kind"] in ("neighbourhood", "town", "village", "landmark")],
                         ids=lambda p: p["en"])
def test_every_raqqa_gold_place_has_an_alias_on_its_bank(gold):
    places = _places_named(RAQQA, gold["ar"]) or _places_named(RAQQA, gold["ar"].split(" ", 1)[-1])
    assert places, f"no alias for {gold['ar']}"
    assert gold["bank"] in {p.bank for p in places}


@pytest.fixture(scope="module")
def raqqa_run_dir(tmp_path_factory) -> Path:
    corpus = RAQQA / "corpus"
    out = tmp_path_factory.mktemp("raqqa-run")
    run_pipeline(corpus, corpus / "manifest.csv", out, Settings(campaign="raqqa", cache=False, progress=False))
    return out


@pytest.fixture(scope="module")
def raqqa_run(raqqa_run_dir) -> list[dict]:
    with open(raqqa_run_dir / "events.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_raqqa_run_places_events_in_raqqa_neighbourhoods_on_the_left_bank(raqqa_run):
    found = {r["place_id"] for r in raqqa_run if r["place_kind"] == "neighbourhood"}
    assert {"mishlab", "sabahiya", "badu", "nazlat_shehada", "qadisiya"} <= found
    assert {r["bank"] for r in raqqa_run if r["place_kind"] == "neighbourhood"} == {"left"}


def test_raqqa_run_keeps_every_mapped_event_inside_the_campaign_box(raqqa_run):
    box = yaml.safe_load((RAQQA / "campaign.yaml").read_text(encoding="utf-8"))["bbox"]
    mapped = [(float(r["lat"]), float(r["lon"])) for r in raqqa_run if r["lat"]]
    assert mapped and all(box[0] <= lat <= box[2] and box[1] <= lon <= box[3] for lat, lon in mapped)


def test_raqqa_run_dates_the_undated_article_from_the_day_of_the_battle(raqqa_run):
    days = {r["event_date"] for r in raqqa_run if r["article_id"] == "r05_day_sixty" and r["place_id"] == "badu"}
    assert days == {"2017-08-04"}


# Measured on the seven reports when they were written: place_f1 0.949, date_acc 0.963, type_acc 0.900,
# fig_r 1.000, event_r 0.900. The floors keep the second campaign working as the code changes.
@pytest.mark.parametrize("metric, floor", [("place_f1", 0.85), ("date_acc", 0.85), ("type_acc", 0.8),
                                           ("fig_r", 0.9), ("event_r", 0.8)])
def test_raqqa_run_scores_against_its_gold_stay_above_the_floor(raqqa_run_dir, metric, floor):
    scores = evaluate_run(raqqa_run_dir / "events.csv", GOLD, RAQQA / "corpus" / "manifest.csv",
                          area=ScoringArea.of(load_campaign(RAQQA)))
    assert scores[metric] >= floor, scores
