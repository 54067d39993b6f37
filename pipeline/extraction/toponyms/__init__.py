"""Optional extras, off by default: statistical toponym proposals and an online geocoder."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlparse

from pipeline.records import PlaceMention, Span


@dataclass(frozen=True)
class PlaceExtras:
    """The extras a run switched on."""

    ner_model: str | None = None
    geocoder: object | None = None
    """Anything with `resolve(name) -> GeocodedPlace | None` (a NominatimResolver in a real run)."""

    def __bool__(self) -> bool:
        return bool(self.ner_model or self.geocoder)


def load_place_extras(*, ner_model: Path | None, geocoder_url: str | None, user_agent: str, cache_dir: Path,
                      bbox: tuple[float, float, float, float]) -> PlaceExtras:
    geocoder = None
    if geocoder_url:
        from pipeline.extraction.toponyms.geocode import NominatimResolver

        url = urlparse(geocoder_url)
        geocoder = NominatimResolver(user_agent, domain=url.netloc + url.path.rstrip("/"), scheme=url.scheme,
                                     cache_dir=cache_dir, viewbox=bbox)
    return PlaceExtras(str(ner_model) if ner_model else None, geocoder)


def enrich_mentions(text: str, start: int, end: int, mentions: list[PlaceMention], extras: PlaceExtras) -> list[PlaceMention]:
    """Add the model's toponyms the gazetteer missed, and geocode the names it could not resolve."""
    mentions = list(mentions)
    if extras.ner_model:
        from pipeline.extraction.toponyms.camel_ner import propose_toponyms

        taken = [(m.span.start, m.span.end) for m in mentions]
        for found in propose_toponyms(text[start:end], extras.ner_model):
            span = Span(found.start + start, found.end + start, found.text)
            if not any(a < span.end and span.start < b for a, b in taken):
                mentions.append(PlaceMention(span, None, None, None, 0, note="proposed by NER; unresolved"))
    if extras.geocoder is not None:
        for i, m in enumerate(mentions):
            if m.place is None and m.role in ("location", "origin") and m.lat is None:
                hit = extras.geocoder.resolve(m.span.text)
                if hit is not None:
                    mentions[i] = replace(m, lat=hit.lat, lon=hit.lon, geo_precision=2,
                                          note=f"geocoded: {hit.display_name}")
    return sorted(mentions, key=lambda m: m.span.start)
