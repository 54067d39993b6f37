"""Small builders of pipeline records for tests of the later stages."""

import datetime as dt
from pathlib import Path

import yaml

from pipeline.records import DatePrecision, DateWindow, Event, Figure, Place, PlaceMention, Span, Trigger


def place(place_id="salam", kind="neighbourhood", bank="left", lat=36.33, lon=43.2, name_ar="السلام", name_en="al-Salam"):
    return Place(place_id, name_ar, name_en, kind, bank, "mosul", lat, lon, 1, "test", "CC0")


def mention(p=None, start=10, precision=1):
    p = p or place()
    return PlaceMention(Span(start, start + len(p.name_ar), p.name_ar), p, p.lat, p.lon, precision, p.bank)


def figure(kind="killed", low=5, high=5, victims="civilians", vague=False, cumulative=False, unit="people", rule=""):
    return Figure(kind, low, high, Span(0, 3, "٥ قتلى"), vague=vague, victims=victims, cumulative=cumulative,
                  unit=unit, rule=rule)


def day(iso):
    d = dt.date.fromisoformat(iso)
    return DateWindow(d, d, DatePrecision.DAY, "published")


def event(event_id, *, article="a1", event_type="advance", where=None, when=None, figures=(), group=None,
          confidence=0.7, sentence=0):
    return Event(event_id=event_id, cluster_id=group or event_id, article_id=article, outlet="", published="2016-12-29",
                 sentence_index=sentence, quote="نص", event_type=event_type, acled_event_type="", acled_sub_event_type="",
                 actors=(), date=when or day("2016-12-29"), place=where if where is not None else mention(),
                 figures=tuple(figures), trigger=Trigger(event_type, Span(0, 2, "نص")), confidence=confidence)


MOSUL_LIKE = {"name": "Test campaign", "name_ar": "حملة اختبار", "language": "ar", "window": ["2016-10-17", "2017-07-31"],
              "city_id": "mosul", "bbox": [35.5, 42.0, 37.0, 44.0], "map": {"center": [36.345, 43.14], "zoom": 11},
              "river": {"name_en": "Tigris", "name_ar": "دجلة"},
              "banks": {"left": {"side": "east", "en": "East bank", "ar": "الساحل الأيسر"},
                        "right": {"side": "west", "en": "West bank", "ar": "الساحل الأيمن"}},
              "out_of_area": {"exclude": ["mosul", "nineveh"]}}
"""campaign.yaml of a small test campaign on a river flowing south (left bank east), as at Mosul."""


def campaign_folder(folder: Path, places_csv: str, aliases_csv: str = "place_id,alias_ar,needs_context\n",
                    calendar_csv: str = "milestone_id,date,label_en,label_ar,source\n", **meta) -> Path:
    """A campaign folder with these gazetteer files; `meta` overrides keys of MOSUL_LIKE (None removes one)."""
    folder.mkdir(parents=True, exist_ok=True)
    spec = {k: v for k, v in {**MOSUL_LIKE, **meta}.items() if v is not None}
    (folder / "campaign.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    for name, text in (("places.csv", places_csv), ("aliases.csv", aliases_csv), ("calendar.csv", calendar_csv)):
        (folder / name).write_text(text, encoding="utf-8")
    return folder
