"""An opt-in online geocoder for names the gazetteer lacks: Nominatim, rate-limited, cached, bounded to the campaign."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.point import Point

from pipeline.errors import ConfigError
from pipeline.files import atomic_write

@dataclass(frozen=True)
class GeocodedPlace:
    """One answer of the geocoder, with its raw record kept."""

    query: str
    lat: float
    lon: float
    display_name: str
    raw: dict


class NominatimResolver:
    """Looks names up on a Nominatim server, at most one request per `min_delay_seconds`.

    Answers are cached on disk (one JSON file per query), so a name is asked for once; only answers
    inside `viewbox` are returned, so a namesake abroad never reaches the map. An unreadable cache entry (cut
    short, edited by hand) is asked again and rewritten; entries are written whole (a temporary file of the
    writer's own, then renamed), so worker processes asking for the same name never see half a file.
    """

    def __init__(self, user_agent: str, *, domain: str = "nominatim.openstreetmap.org", scheme: str = "https",
                 cache_dir: Path, min_delay_seconds: float = 1, viewbox: tuple[float, float, float, float],
                 bounded: bool = True, timeout: float = 10):
        if not user_agent:
            raise ConfigError("Nominatim needs a user_agent that names the application")
        if len(viewbox) != 4 or viewbox[0] >= viewbox[2] or viewbox[1] >= viewbox[3]:
            raise ConfigError(f"viewbox must be (min_lat, min_lon, max_lat, max_lon), got {viewbox!r}")
        self.viewbox = tuple(float(v) for v in viewbox)
        self.bounded = bounded
        self.cache_dir = Path(cache_dir)
        self._nominatim = Nominatim(user_agent=user_agent, domain=domain, scheme=scheme, timeout=timeout)
        self._geocode = RateLimiter(self._nominatim.geocode, min_delay_seconds=min_delay_seconds,
                                    swallow_exceptions=False)

    def resolve(self, query: str) -> GeocodedPlace | None:
        """The first answer for `query` inside the viewbox, or None."""
        for raw in self._answers(query):
            try:
                place = GeocodedPlace(query, float(raw["lat"]), float(raw["lon"]), str(raw.get("display_name", "")), raw)
            except (KeyError, TypeError, ValueError):
                continue  # an answer without a usable coordinate
            if self.contains(place.lat, place.lon):
                return place
        return None

    def contains(self, lat: float, lon: float) -> bool:
        lo_lat, lo_lon, hi_lat, hi_lon = self.viewbox
        return lo_lat <= lat <= hi_lat and lo_lon <= lon <= hi_lon

    def _answers(self, query: str) -> list[dict]:
        path = self.cache_dir / f"{hashlib.sha256(query.encode('utf-8')).hexdigest()[:32]}.json"
        cached = _cached_answers(path)
        if cached is not None:
            return cached
        lo_lat, lo_lon, hi_lat, hi_lon = self.viewbox
        found = self._geocode(query, exactly_one=False, viewbox=[Point(lo_lat, lo_lon), Point(hi_lat, hi_lon)],
                              bounded=self.bounded) or []
        answers = [location.raw for location in found]
        entry = json.dumps({"query": query, "answers": answers}, ensure_ascii=False)
        atomic_write(path, lambda tmp: tmp.write_text(entry, encoding="utf-8"))
        return answers


def _cached_answers(path: Path) -> list[dict] | None:
    """The answers a cache entry holds, or None when there is none or it cannot be read as one."""
    try:
        answers = json.loads(path.read_text(encoding="utf-8"))["answers"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
        return None
    return answers
