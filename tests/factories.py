"""Synthetic pipeline outputs and campaign folders for the dashboard's tests and benchmark."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd
import yaml

from pipeline.view.query import EVENT_COLUMNS

ARTICLE_TEXT = ("قصفت طائرات التحالف حي الزهراء في الموصل يوم الخميس مما أسفر عن مقتل 12 مدنيا. "
                "واندلعت اشتباكات في حي الطيران.")

PLACES = [  # place_id, name_ar, name_en, kind, bank, lat, lon
    ("zahra", "حي الزهراء", "al-Zahra", "neighbourhood", "left", 36.372, 43.178),
    ("tayaran", "حي الطيران", "al-Tayaran", "neighbourhood", "right", 36.318, 43.117),
    ("old_city", "المدينة القديمة", "Old City", "neighbourhood", "right", 36.341, 43.130),
    ("gogjali", "كوكجلي", "Gogjali", "neighbourhood", "left", 36.356, 43.226),
    ("hammam_al_alil", "حمام العليل", "Hammam al-Alil", "town", "", 36.160, 43.260),
]

DEFAULTS = {
    "cluster_primary": "true", "cluster_size": "1", "outlet": "Outlet A", "published": "2016-11-03",
    "url": "https://example.org/a", "title": "عنوان", "sentence_index": "0",
    "quote": ARTICLE_TEXT[:80], "quote_start": "0", "quote_end": "80", "event_type": "airstrike",
    "acled_event_type": "Explosions/Remote violence", "acled_sub_event_type": "Air/drone strike",
    "actors": "International coalition", "event_date": "2016-11-03", "date_start": "2016-11-03",
    "date_end": "2016-11-03", "date_precision": "day", "date_text": "الخميس", "date_span": "[48, 53]",
    "place_text": "حي الزهراء", "place_id": "zahra", "place_ar": "حي الزهراء", "place_en": "al-Zahra",
    "place_kind": "neighbourhood", "place_role": "location", "relation": "", "bank": "left",
    "lat": "36.372", "lon": "43.178", "geo_precision": "1", "place_span": "[24, 34]",
    "trigger_text": "قصفت", "trigger_span": "[0, 4]", "killed_low": "", "killed_high": "", "wounded_low": "",
    "wounded_high": "", "casualties_low": "", "casualties_high": "", "displaced_low": "", "displaced_high": "",
    "vague": "false", "victims": "civilians", "cumulative": "false", "figure_text": "",
    "figure_spans": "[]", "confidence": "0.8", "undated": "false",
}


def event_row(event_id: str, **overrides) -> dict[str, str]:
    """One events.csv row with every column; article, cluster and place default to sensible values."""
    row = {col: "" for col in EVENT_COLUMNS} | DEFAULTS
    row |= {"event_id": event_id, "cluster_id": event_id, "article_id": "a1"}
    place = overrides.pop("place", None)
    if place:
        pid, ar, en, kind, bank, lat, lon = next(p for p in PLACES if p[0] == place)
        row |= {"place_id": pid, "place_ar": ar, "place_en": en, "place_text": ar, "place_kind": kind,
                "bank": bank, "lat": str(lat), "lon": str(lon)}
    return row | {k: str(v) for k, v in overrides.items()}


def write_output(out_dir: Path, rows: list[dict], texts: dict[str, str] | None = None,
                 parquet: bool = True) -> Path:
    """An output folder like the pipeline's: events.csv/.parquet, articles.csv, article_texts.jsonl, run.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame(rows, columns=list(EVENT_COLUMNS), dtype=str)
    frame.to_csv(out_dir / "events.csv", index=False)
    if parquet:
        frame.to_parquet(out_dir / "events.parquet", index=False)
    article_ids = sorted({r["article_id"] for r in rows} | set(texts or {})) or ["a1"]
    pd.DataFrame({"article_id": article_ids, "source_path": [f"{a}.txt" for a in article_ids], "status": "ok",
                  "reason": "", "message": "", "published": "2016-11-03", "date_source": "manifest",
                  "n_events": 1, "chars": len(ARTICLE_TEXT), "sha256": "0", "encoding": "utf-8"}
                 ).to_csv(out_dir / "articles.csv", index=False)
    texts = texts if texts is not None else {a: ARTICLE_TEXT for a in article_ids}
    lines = [json.dumps({"article_id": a, "text": t, "outlet": "Outlet A", "url": "https://example.org/a",
                         "title": "عنوان", "published": "2016-11-03"}, ensure_ascii=False) for a, t in texts.items()]
    (out_dir / "article_texts.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out_dir / "run.json").write_text(json.dumps({"fingerprint": "test", "counts": {"events": len(rows)},
                                                  "timings": {}, "versions": {}}), encoding="utf-8")
    return out_dir


CAMPAIGN_YAML = {
    "name": "Battle of Mosul", "name_ar": "معركة الموصل", "language": "ar", "window": ["2016-10-17", "2017-07-31"],
    "city_id": "mosul", "bbox": [35.5, 42.0, 37.0, 44.0], "map": {"center": [36.345, 43.14], "zoom": 11.5},
    "river": {"name_en": "Tigris", "name_ar": "نهر دجلة", "layer": "layers/tigris.geojson"},
    "banks": {"left": {"side": "east", "en": "East bank", "ar": "الساحل الأيسر"},
              "right": {"side": "west", "en": "West bank", "ar": "الساحل الأيمن"}},
    "out_of_area": {"exclude": ["mosul", "nineveh"]},
    "phases": [{"id": "whole", "from": "window", "to": "window", "en": "Whole campaign", "ar": "الحملة كاملة"},
               {"id": "east_bank", "from": "offensive_start", "to": "east_bank_retaken", "en": "East bank",
                "ar": "الساحل الأيسر"},
               {"id": "west_bank", "from": "west_offensive", "to": "victory", "en": "West bank", "ar": "الساحل الأيمن"},
               {"id": "absent", "from": "nowhere", "to": "victory", "en": "Absent", "ar": "غائب"}],
}
"""A campaign like Mosul's; the "absent" phase names a milestone the calendar lacks."""


def write_campaign(campaign_dir: Path, calendar: bool = True, layers: bool = True) -> Path:
    """A campaign folder (data/campaigns/README.md) holding PLACES, and optionally its calendar and two map layers."""
    (campaign_dir / "layers").mkdir(parents=True, exist_ok=True)
    spec = dict(CAMPAIGN_YAML)
    if layers:
        spec["map"] = {**spec["map"], "layers": [{"file": "layers/city_outline.geojson", "kind": "city",
                                                  "en": "City outline", "ar": "حدود المدينة"}],
                       "labels": [{"kind": "bank", "lat": 36.39, "lon": 43.21, "en": "East bank", "ar": "الساحل الأيسر"}],
                       "control_milestones": {"left": "east_bank_retaken", "right": "victory"},
                       "acled": {"country": "Iraq", "admin1": "Ninewa", "city_admin2": "Mosul"}}
    else:
        spec["river"] = {k: v for k, v in spec["river"].items() if k != "layer"}
    (campaign_dir / "campaign.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    rows = [(p, ar, en, kind, bank, "mosul", lat, lon, 1, "test", "CC0", "") for p, ar, en, kind, bank, lat, lon in PLACES]
    rows.append(("mosul", "الموصل", "Mosul", "city", "both", "", 36.34, 43.13, 3, "test", "CC0", ""))
    pd.DataFrame(rows, columns=["place_id", "name_ar", "name_en", "kind", "bank", "parent_id", "lat", "lon",
                                "precision", "source", "license", "note"]).to_csv(campaign_dir / "places.csv", index=False)
    (campaign_dir / "aliases.csv").write_text("place_id,alias_ar,needs_context\n", encoding="utf-8")
    (campaign_dir / "calendar.csv").write_text("milestone_id,date,label_en,label_ar,source\n", encoding="utf-8")
    if calendar:
        pd.DataFrame([("offensive_start", "2016-10-17", "Offensive launched", "انطلاق العمليات", "s"),
                      ("east_bank_retaken", "2017-01-24", "East bank retaken", "تحرير الساحل الأيسر", "s"),
                      ("west_offensive", "2017-02-19", "West-bank offensive", "انطلاق عمليات الساحل الأيمن", "s"),
                      ("victory", "2017-07-10", "Victory declared", "إعلان النصر", "s")],
                     columns=["milestone_id", "date", "label_en", "label_ar", "source"]
                     ).to_csv(campaign_dir / "calendar.csv", index=False)
    if layers:
        line = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
            "name": "Tigris", "source": "test", "license": "CC0"}, "geometry": {
            "type": "LineString", "coordinates": [[43.10, 36.42], [43.14, 36.34], [43.16, 36.28]]}}]}
        ring = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
            "name": "Mosul", "source": "test", "license": "CC0"}, "geometry": {
            "type": "Polygon", "coordinates": [[[43.05, 36.28], [43.25, 36.28], [43.25, 36.42],
                                                [43.05, 36.42], [43.05, 36.28]]]}}]}
        (campaign_dir / "layers" / "tigris.geojson").write_text(json.dumps(line), encoding="utf-8")
        (campaign_dir / "layers" / "city_outline.geojson").write_text(json.dumps(ring), encoding="utf-8")
    return campaign_dir


def sample_rows() -> list[dict]:
    """A small corpus: a 3-place event, a toll reported twice, a week-dated clash, an undated and a cumulative one."""
    return [
        event_row("e1", place="zahra", killed_low=12, killed_high=12, figure_spans="[[70, 72, \"killed\"]]"),
        event_row("e2", cluster_id="c2", place="tayaran", event_type="clash", actors="ISIS; Iraqi army",
                  victims="security_forces", killed_low=3, killed_high=5, wounded_low=10, wounded_high="",
                  event_date="2017-03-01", date_start="2017-03-01", date_end="2017-03-01",
                  published="2017-03-02", article_id="a2", outlet="Outlet B", confidence=0.6, cluster_size=2),
        event_row("e3", cluster_id="c2", cluster_primary="false", place="tayaran", event_type="clash",
                  actors="ISIS; Iraqi army", victims="security_forces", killed_low=4, killed_high=4,
                  event_date="2017-03-01", date_start="2017-03-01", date_end="2017-03-01",
                  published="2017-03-03", article_id="a3", outlet="Outlet C", cluster_size=2),
        event_row("e4", cluster_id="c4", place="old_city", event_type="shelling", actors="ISIS",
                  event_date="", date_start="2017-06-19", date_end="2017-06-25", date_precision="week",
                  published="2017-06-26", killed_low=7, killed_high=20, article_id="a4", outlet="Outlet B"),
        event_row("e5", cluster_id="c4", cluster_primary="false", place="gogjali", event_type="shelling",
                  actors="ISIS", event_date="", date_start="2017-06-19", date_end="2017-06-25",
                  date_precision="week", published="2017-06-26", killed_low=7, killed_high=20, article_id="a4",
                  outlet="Outlet B"),
        event_row("e6", place="hammam_al_alil", event_type="displacement", displaced_low=3000,
                  displaced_high=5000, victims="civilians", published="", event_date="", date_start="",
                  date_end="", date_precision="unknown", undated="true", article_id="a5", outlet="Outlet C"),
        event_row("e7", place="old_city", event_type="civilian_harm", cumulative="true", killed_low=307,
                  killed_high="", published="2017-04-01", event_date="", date_start="2017-02-19",
                  date_end="2017-04-01", date_precision="range", article_id="a2", outlet="Outlet B",
                  confidence=0.4),
    ]


def synthetic_events(n: int, seed: int = 7) -> pd.DataFrame:
    """n random rows with the real columns (for the benchmark): about 1 in 5 events repeated in a cluster."""
    rng = random.Random(seed)
    types = ["airstrike", "shelling", "clash", "advance", "vbied_ied", "sniper", "displacement", "civilian_harm"]
    rows = []
    for i in range(n):
        place = PLACES[rng.randrange(len(PLACES))]
        day = pd.Timestamp("2016-10-17") + pd.Timedelta(days=rng.randrange(267))
        killed = rng.choice([None, None, 1, 3, 12])
        cluster = f"c{i - 1}" if i and rng.random() < 0.2 else f"c{i}"
        rows.append({"event_id": f"e{i}", "cluster_id": cluster, "cluster_primary": cluster == f"c{i}",
                     "article_id": f"a{i // 4}", "outlet": f"Outlet {i % 7}", "published": day.date().isoformat(),
                     "event_type": rng.choice(types), "actors": rng.choice(["ISIS", "Iraqi army; ISIS",
                                                                            "International coalition"]),
                     "event_date": day.date().isoformat(), "date_start": day.date().isoformat(),
                     "date_end": day.date().isoformat(), "date_precision": "day", "place_id": place[0],
                     "place_ar": place[1], "place_en": place[2], "place_kind": place[3], "bank": place[4],
                     "lat": place[5] + rng.uniform(-0.005, 0.005), "lon": place[6] + rng.uniform(-0.005, 0.005),
                     "killed_low": killed, "killed_high": killed, "victims": rng.choice(["civilians", "isis"]),
                     "cumulative": rng.random() < 0.02, "undated": False, "confidence": rng.random(),
                     "quote": ARTICLE_TEXT[:80], "quote_start": 0, "quote_end": 80})
    return pd.DataFrame(rows)
