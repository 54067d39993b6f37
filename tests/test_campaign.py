"""A campaign is a folder: loading and validating it, the overlay over the language, the bank model, the
out-of-area list, and the commands that take --campaign."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from builders import MOSUL_LIKE, campaign_folder
from pipeline import schema
from pipeline.campaign import campaign_names, campaign_problems, load_campaign, merge_lexicon
from pipeline.checks import check_campaign
from pipeline.cli import main
from pipeline.config import DATA_DIR, Settings
from pipeline.errors import DataFileError
from pipeline.extraction.events import find_actors, load_event_lexicon
from pipeline.extraction.places import load_place_resolver

SHIPPED = campaign_names(DATA_DIR)

# A city on the north (left) bank of a river flowing east, as Raqqa on the Euphrates.
NORTH_BANK_CITY = {**MOSUL_LIKE, "name": "Battle of Riverside", "name_ar": "معركة الضفة", "city_id": "raqqa", "bbox": [35.5, 38.5, 36.5, 39.5],
                   "map": {"center": [35.95, 39.01], "zoom": 12},
                   "river": {"name_en": "Euphrates", "name_ar": "نهر الفرات"},
                   "banks": {"left": {"side": "north", "en": "North bank", "ar": "الضفة الشمالية"},
                             "right": {"side": "south", "en": "South bank", "ar": "الضفة الجنوبية"}},
                   "out_of_area": {"exclude": ["raqqa"]},
                   "phases": [{"id": "whole", "from": "window", "to": "window", "en": "All of it", "ar": "كلها"}]}
NORTH_BANK_PLACES = """place_id,name_ar,name_en,kind,bank,parent_id,lat,lon,precision,source,license,note
raqqa,الرقة,Raqqa,city,left,,35.95,39.01,3,test,CC0,
raqqa_south,الضفة الجنوبية للرقة,Raqqa south bank,district,right,raqqa,35.93,39.02,3,test,CC0,
mishlab,المشلب,al-Mishlab,neighbourhood,left,raqqa,35.955,39.05,1,test,CC0,
"""
SOUTH_FLOWING = """place_id,name_ar,name_en,kind,bank,parent_id,lat,lon,precision,source,license,note
mosul,الموصل,Mosul,city,both,,36.34,43.13,3,test,CC0,
"""


@pytest.fixture(scope="module")
def north_bank(tmp_path_factory):
    return load_campaign(campaign_folder(tmp_path_factory.mktemp("raqqa_like"), NORTH_BANK_PLACES, **NORTH_BANK_CITY))


@pytest.fixture(scope="module")
def south_flowing(tmp_path_factory):
    return load_campaign(campaign_folder(tmp_path_factory.mktemp("mosul_like"), SOUTH_FLOWING))


# ---------------------------------------------------------------- the shipped campaigns


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_campaign_passes_check_data(name):
    assert check_campaign(Settings(campaign=name, cache=False)) == []


@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_campaign_maps_its_own_city(name):
    campaign = load_campaign(DATA_DIR / "campaigns" / name)
    assert campaign.city_id not in {o.place.place_id for o in campaign.out_of_area}
    assert campaign.city.lat is not None and campaign.contains(campaign.city.lat, campaign.city.lon)


def _values(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _values(value)
    elif isinstance(node, list):
        for value in node:
            yield from _values(value)
    elif node is not None:
        yield str(node)


@pytest.mark.parametrize("name", SHIPPED)
def test_language_files_name_no_campaign_city(name):
    campaign = load_campaign(DATA_DIR / "campaigns" / name)
    city_names = {campaign.city.name_ar} | {a.alias_ar for a in campaign.aliases if a.place_id == campaign.city_id}
    words = [w for path in sorted(campaign.lexicon_dir.glob("*.yaml"))
             for w in _values(yaml.safe_load(path.read_text(encoding="utf-8")))]
    assert [w for w in words if any(n in w for n in city_names)] == []


def test_the_default_campaign_is_named_in_data():
    assert Settings().campaign == (DATA_DIR / "campaigns" / "DEFAULT").read_text(encoding="utf-8").strip()
    assert Settings().campaign in SHIPPED


# ---------------------------------------------------------------- the overlay


def test_overlay_merges_mappings_key_by_key_and_extends_lists_without_repeats():
    base = {"actors": {"Police": ["الشرطة"], "Army": ["الجيش"]}, "window": 3, "not_events": ["أ", "ب"]}
    overlay = {"actors": {"Police": ["شرطة المحافظة", "الشرطة"], "Militia": ["الفصيل"]}, "window": 5,
               "not_events": ["ب", "ج"]}
    assert merge_lexicon(base, overlay) == {
        "actors": {"Police": ["الشرطة", "شرطة المحافظة"], "Army": ["الجيش"], "Militia": ["الفصيل"]},
        "window": 5, "not_events": ["أ", "ب", "ج"]}
    assert base["actors"]["Police"] == ["الشرطة"]


def test_a_campaign_without_overlay_reads_the_language_file_as_it_is(north_bank):
    assert north_bank.lexicon_file("actors.yaml") == yaml.safe_load(
        (north_bank.lexicon_dir / "actors.yaml").read_text(encoding="utf-8"))


def test_local_actor_names_come_from_the_campaign_overlay(tmp_path, north_bank):
    folder = campaign_folder(tmp_path / "local", NORTH_BANK_PLACES, **NORTH_BANK_CITY)
    (folder / "lexicon").mkdir()
    (folder / "lexicon" / "actors.yaml").write_text("Local police: [شرطة المدينة الجديدة]\n", encoding="utf-8")
    text = "انتشرت شرطة المدينة الجديدة في حي المشلب"
    assert [a.actor for a in find_actors(text, load_event_lexicon(load_campaign(folder)))] == ["Local police"]
    assert find_actors(text, load_event_lexicon(north_bank)) == []


def test_an_overlay_of_no_language_file_is_reported(tmp_path):
    folder = campaign_folder(tmp_path / "c", SOUTH_FLOWING)
    (folder / "lexicon").mkdir()
    (folder / "lexicon" / "actorz.yaml").write_text("X: [س]\n", encoding="utf-8")
    assert any("overlays no language file" in p for p in campaign_problems(folder))


# ---------------------------------------------------------------- the bank model


def test_a_sector_lies_on_the_bank_whose_side_it_faces(south_flowing, north_bank):
    bearings = {"north": 0, "north-east": 45, "east": 90, "south": 180, "south-west": 225, "west": 270}
    assert {d: south_flowing.sector_bank(b) for d, b in bearings.items()} == {
        "north": "", "north-east": "left", "east": "left", "south": "", "south-west": "right", "west": "right"}
    assert {d: north_bank.sector_bank(b) for d, b in bearings.items()} == {
        "north": "left", "north-east": "left", "east": "left", "south": "right", "south-west": "right", "west": "left"}


def _mentions(campaign, text):
    return [m for m in load_place_resolver(campaign).find_mentions(text) if m.place is not None]


def test_west_of_a_north_bank_city_stays_on_the_north_bank(north_bank):
    [m] = _mentions(north_bank, "قصف مدفعي على غرب الرقة")
    assert (m.relation, m.bank) == ("west", "left")


def test_south_of_a_north_bank_city_is_across_the_river(north_bank):
    [m] = _mentions(north_bank, "اشتباكات جنوب الرقة")
    assert (m.relation, m.bank) == ("south", "right")


def test_a_compass_bank_phrase_names_the_bank_on_that_side(north_bank):
    [m] = _mentions(north_bank, "تقدمت القوات على الضفة الجنوبية")
    assert m.place.place_id == "raqqa_south" and m.bank == "right"


def test_a_compass_phrase_of_no_bank_side_is_no_bank_phrase(north_bank):
    assert all(m.place.kind != "district" for m in _mentions(north_bank, "تقدمت القوات في الجانب الغربي"))


def test_banks_must_lie_on_opposite_sides(tmp_path):
    banks = {"left": {"side": "north", "en": "N"}, "right": {"side": "east", "en": "E"}}
    assert any("opposite sides" in p for p in campaign_problems(campaign_folder(tmp_path, SOUTH_FLOWING, banks=banks)))


def test_a_river_bank_in_places_needs_banks_in_campaign_yaml(tmp_path):
    places = SOUTH_FLOWING + "hay,حي,Hay,neighbourhood,left,mosul,36.35,43.2,1,test,CC0,\n"
    problems = campaign_problems(campaign_folder(tmp_path, places, river=None, banks=None))
    assert any("names no river banks" in p for p in problems)


# ---------------------------------------------------------------- out-of-area names


def test_a_campaign_removes_its_own_city_from_the_world_list(north_bank, south_flowing):
    assert "raqqa" not in {o.place.place_id for o in north_bank.out_of_area}
    assert "raqqa" in {o.place.place_id for o in south_flowing.out_of_area}
    assert "mosul" in {o.place.place_id for o in north_bank.out_of_area}


def test_a_city_left_on_the_world_list_cannot_be_loaded(tmp_path):
    folder = campaign_folder(tmp_path, NORTH_BANK_PLACES, **{**NORTH_BANK_CITY, "out_of_area": None})
    with pytest.raises(DataFileError, match="exclude it"):
        load_campaign(folder)


def test_local_out_of_area_names_join_the_world_list(tmp_path):
    folder = campaign_folder(tmp_path, SOUTH_FLOWING)
    (folder / "out_of_area.csv").write_text("id,name_ar,name_en,kind\nfar_town,البلدة البعيدة,Far Town,city\n",
                                            encoding="utf-8")
    assert "far_town" in {o.place.place_id for o in load_campaign(folder).out_of_area}


# ---------------------------------------------------------------- validation


def test_a_campaign_yaml_without_its_keys_names_them(tmp_path):
    problems = campaign_problems(campaign_folder(tmp_path, SOUTH_FLOWING, language=None, window=None))
    assert any("missing keys ['language', 'window']" in p for p in problems)


def test_documentation_rules_are_reported_but_the_campaign_still_loads(tmp_path):
    places = SOUTH_FLOWING.replace(",3,test,CC0,", ",3,,CC0,")
    folder = campaign_folder(tmp_path, places, phases=[{"id": "p", "from": "window", "to": "nowhere", "en": "P"}],
                             map={"center": [36.3, 43.1], "zoom": 11, "layers": [{"file": "layers/none.geojson"}]})
    problems = campaign_problems(folder)
    assert any("empty source" in p for p in problems) and any("'nowhere'" in p for p in problems)
    assert any("none.geojson" in p for p in problems)
    assert load_campaign(folder).phases[0].phase_id == "p"


def test_ordinals_in_calendar_phrases_are_reported_as_language_data(tmp_path):
    folder = campaign_folder(tmp_path, SOUTH_FLOWING)
    (folder / "calendar_phrases.yaml").write_text("milestones: {}\nordinals: {1: [الأول]}\n", encoding="utf-8")
    assert any("language data" in p for p in campaign_problems(folder))


# ---------------------------------------------------------------- the events table


def test_writer_and_dashboard_read_one_events_table():
    from pipeline.view import tables
    from pipeline.corpus import store

    assert store.EVENT_COLUMNS == list(tables.EVENT_COLUMNS) == list(schema.names())
    assert set(tables.NUMBER_COLUMNS) == set(store.INT_COLUMNS + store.FLOAT_COLUMNS)


def test_the_readme_shows_the_events_table_of_the_schema():
    readme = (DATA_DIR.parent / "README.md").read_text(encoding="utf-8")
    assert schema.markdown_table() in readme


def test_every_event_column_is_described():
    assert all(c.description and c.type in ("text", "int", "float", "bool", "date") for c in schema.EVENT_COLUMNS)
    assert len(set(schema.names())) == len(schema.EVENT_COLUMNS)


# ---------------------------------------------------------------- the commands


@pytest.fixture
def data_dir(tmp_path):
    """A data folder with the bundled language data and one small campaign on a north bank."""
    root = tmp_path / "data"
    shutil.copytree(DATA_DIR / "lexicon", root / "lexicon")
    folder = campaign_folder(root / "campaigns" / "riverside", NORTH_BANK_PLACES, **NORTH_BANK_CITY)
    (folder / "corpus").mkdir()
    (folder / "corpus" / "a1.txt").write_text("قصفت طائرات التحالف حي المشلب في الرقة أمس.", encoding="utf-8")
    (folder / "corpus" / "manifest.csv").write_text("id,published,outlet,url,title\na1,2017-06-20,Outlet,,\n",
                                                    encoding="utf-8")
    return root


def test_run_takes_the_campaign_and_its_corpus_from_the_options(data_dir, tmp_path):
    out = tmp_path / "out"
    assert main(["run", "--campaign", "riverside", "--data-dir", str(data_dir), "--out", str(out), "--quiet"]) == 0
    rows = (out / "events.csv").read_text(encoding="utf-8")
    assert "mishlab" in rows and ",left," in rows


def test_check_data_validates_every_campaign_by_default(data_dir, capsys):
    campaign_folder(data_dir / "campaigns" / "broken", SOUTH_FLOWING, bbox=[1, 2])
    assert main(["check-data", "--data-dir", str(data_dir)]) == 1
    out = capsys.readouterr().out
    assert "riverside: all data files are valid." in out and "broken: 1 problem(s) found" in out


def test_an_unknown_campaign_is_a_usage_error_naming_the_known_ones(data_dir, capsys):
    assert main(["check-data", "--campaign", "atlantis", "--data-dir", str(data_dir)]) == 2
    assert "campaigns: riverside" in capsys.readouterr().err


def test_without_a_default_file_the_only_campaign_is_the_default(data_dir):
    assert Settings(data_dir=data_dir).campaign == "riverside"


def test_the_dashboard_opens_on_the_campaign_given_by_name(data_dir, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    out = tmp_path / "out"
    main(["run", "--campaign", "riverside", "--data-dir", str(data_dir), "--out", str(out), "--quiet"])
    monkeypatch.delenv("EVENT_MAP_CAMPAIGN_DIR", raising=False)
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--campaign", "riverside", "--data-dir", str(data_dir),
                                      "--events", str(out)])
    app = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "dashboard.py"), default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    assert app.title[0].value.startswith("Battle of Riverside")
    layout = json.loads(app.get_by_key("map").proto.spec)["layout"]
    assert layout["map"]["center"] == {"lat": 35.95, "lon": 39.01}
    assert "All of it" in app.selectbox(key="phase.en").options
    assert any(option.startswith("North bank") for option in app.multiselect(key="places.en").options)
