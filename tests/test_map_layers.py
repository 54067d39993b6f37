"""Map layers: banks cut along the river, approximate neighbourhood areas that never cross it, and the bundled
campaign's river line, bridges and labels checked against its gazetteer."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon, box

from factories import write_campaign
from pipeline.campaign import load_campaign
from pipeline.view import maplayers
from pipeline.view import tables

MOSUL = Path(__file__).resolve().parents[1] / "data" / "campaigns" / "mosul"
SQUARE = Polygon([(0, 0), (4, 0), (4, 4), (0, 4)])
RIVER = LineString([(1, 5), (2, 2), (3, -1)])


def places(rows):
    return pd.DataFrame(rows, columns=["place_id", "name_ar", "name_en", "kind", "bank", "lat", "lon"])


def test_the_outline_is_cut_along_the_river_with_the_eastern_piece_as_the_left_bank():
    banks = maplayers.bank_polygons(SQUARE, RIVER)
    assert banks["left"].centroid.x > banks["right"].centroid.x
    assert banks["left"].area + banks["right"].area == pytest.approx(SQUARE.area)


def test_a_campaign_can_put_its_left_bank_on_the_north_side():
    banks = maplayers.bank_polygons(SQUARE, LineString([(-1, 2), (5, 2.5)]), {"left": "north", "right": "south"})
    assert banks["left"].centroid.y > banks["right"].centroid.y


def test_each_area_lies_within_its_own_bank():
    banks = maplayers.bank_polygons(SQUARE, RIVER)
    cells = maplayers.neighbourhood_cells(places([
        ("a", "", "A", "neighbourhood", "left", 1.0, 3.5), ("b", "", "B", "neighbourhood", "left", 3.0, 3.0),
        ("c", "", "C", "neighbourhood", "right", 2.0, 0.5), ("d", "", "D", "neighbourhood", "right", 3.5, 1.0)]), banks)
    assert sorted(cells["place_id"]) == ["a", "b", "c", "d"]
    for cell in cells.itertuples():
        assert banks[cell.bank].buffer(1e-9).contains(cell.geometry)


def test_places_sharing_a_placeholder_point_get_no_area():
    banks = maplayers.bank_polygons(SQUARE, RIVER)
    rows = places([("a", "", "A", "neighbourhood", "left", 1.0, 3.5), ("b", "", "B", "neighbourhood", "left", 1.0, 3.5),
                   ("c", "", "C", "neighbourhood", "left", 3.0, 3.0)])
    assert maplayers.placeholder_places(rows) == {"a", "b"}
    assert list(maplayers.neighbourhood_cells(rows, banks)["place_id"]) == ["c"]


def test_points_are_assigned_to_the_area_holding_them(tmp_path):
    campaign = load_campaign(write_campaign(tmp_path / "camp"))
    layers = maplayers.load_map_layers(campaign, tables.places_frame(campaign))
    found = maplayers.cell_of_points(layers.cells, np.array([36.372, 36.318, np.nan, 30.0]),
                                     np.array([43.178, 43.117, 43.1, 43.1]))
    assert list(found) == ["zahra", "tayaran", "", ""]


def test_events_sharing_a_point_are_all_assigned_its_area(tmp_path):
    campaign = load_campaign(write_campaign(tmp_path / "camp"))
    layers = maplayers.load_map_layers(campaign, tables.places_frame(campaign))
    found = maplayers.cell_of_points(layers.cells, np.array([36.318, 36.372, 36.318, np.nan, 36.318]),
                                     np.array([43.117, 43.178, 43.117, 43.117, 43.117]))
    assert list(found) == ["tayaran", "zahra", "tayaran", "", "tayaran"]


def test_a_point_on_the_edge_two_areas_share_goes_to_the_later_area():
    cells = pd.DataFrame({"place_id": ["west", "east"],
                          "geometry": [box(43.0, 36.0, 43.1, 36.1), box(43.1, 36.0, 43.2, 36.1)]})
    found = maplayers.cell_of_points(cells, np.array([36.05, 36.05, 36.05]), np.array([43.05, 43.1, 43.15]))
    assert list(found) == ["west", "east", "east"]


def test_a_campaign_without_layers_gives_no_areas(tmp_path):
    campaign = load_campaign(write_campaign(tmp_path / "camp", layers=False))
    layers = maplayers.load_map_layers(campaign, tables.places_frame(campaign))
    assert layers.cells.empty and layers.river is None and layers.bridges.empty


@pytest.fixture(scope="module")
def mosul():
    campaign = load_campaign(MOSUL)
    gazetteer = tables.places_frame(campaign)
    return gazetteer, maplayers.load_map_layers(campaign, gazetteer)


def test_every_city_place_of_the_gazetteer_lies_on_its_own_side_of_the_river(mosul):
    gazetteer, layers = mosul
    river = maplayers._union(layers.river)
    river = max(river.geoms, key=lambda g: g.length) if river.geom_type == "MultiLineString" else river
    banks = maplayers.bank_polygons(maplayers._union(layers.city_outline), river, {"left": "east", "right": "west"})
    city = gazetteer[gazetteer["bank"].isin(["left", "right"]) & gazetteer["lat"].notna()]
    wrong = [p.place_id for p in city.itertuples()
             if any(banks[b].contains(Point(p.lon, p.lat)) for b in banks if b != p.bank)]
    assert wrong == []


def test_the_bridges_are_drawn_on_the_river_and_say_where_their_point_comes_from(mosul):
    _, layers = mosul
    river = maplayers._union(layers.river)
    assert len(layers.bridges) == 5 and all(layers.bridges["source"] != "")
    assert all(river.distance(Point(b.lon, b.lat)) < 1e-6 for b in layers.bridges.itertuples())


def test_the_bundled_map_has_labels_an_old_city_outline_and_areas_on_both_banks(mosul):
    _, layers = mosul
    assert {label["kind"] for label in layers.labels} == {"bank", "river", "area"}
    assert all(label["ar"] and label["en"] for label in layers.labels)
    assert layers.old_city and set(layers.cells["bank"]) == {"left", "right"}
    assert layers.control_milestones == {"left": "east_bank_retaken", "right": "victory"}


def test_another_campaign_folder_gives_its_own_river_and_areas():
    raqqa = MOSUL.parent / "raqqa"
    if not (raqqa / "campaign.yaml").exists():
        pytest.skip("no second campaign folder")
    campaign = load_campaign(raqqa)
    layers = maplayers.load_map_layers(campaign, tables.places_frame(campaign))
    assert layers.river is not None and layers.city_outline is not None
