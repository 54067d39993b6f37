"""Small builders of pipeline records for tests of the later stages."""

import datetime as dt

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
