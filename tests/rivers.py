"""The river line of a campaign folder, and which side of it a point lies on (for the bank checks)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import yaml


def river_segments(campaign_dir: Path) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The segments of the river layer named by campaign.yaml, each running downstream."""
    campaign = yaml.safe_load((campaign_dir / "campaign.yaml").read_text(encoding="utf-8"))
    layer = json.loads((campaign_dir / campaign["river"]["layer"]).read_text(encoding="utf-8"))
    segments = []
    for feature in layer["features"]:
        coords = feature["geometry"]["coordinates"]
        segments += list(zip(coords, coords[1:]))
    return segments


def side_of_river(lat: float, lon: float, segments) -> tuple[float, str]:
    """(km to the nearest river segment, side facing downstream)."""
    best = (math.inf, "")
    for (x0, y0), (x1, y1) in segments:
        dx, dy = x1 - x0, y1 - y0
        t = max(0.0, min(1.0, ((lon - x0) * dx + (lat - y0) * dy) / (dx * dx + dy * dy)))
        km = math.hypot((lon - x0 - t * dx) * 111.32 * math.cos(math.radians(lat)), (lat - y0 - t * dy) * 110.57)
        if km < best[0]:
            best = (km, "left" if dx * (lat - y0) - dy * (lon - x0) > 0 else "right")
    return best
