"""Scores of a run against a gold annotation (one event per JSONL line), by the project's published rules.

place_p/place_r/place_f1: distinct (article, place) pairs, matched by normalised Arabic or English name,
city- and district-level places left out. date_acc: gold events with a date window, found by a place of
theirs or by a predicted quote containing theirs, with a predicted date inside the window (one day of
slack); date_hard_acc: the same without slack over windows that exclude the publication day. type_acc:
gold (article, place, type) found with that type there. bank_acc: found city places on the gold bank.
fig_r/fig_p: (article, kind, low) triples of killed, wounded, killed-or-wounded and displaced, vague rows
left out. spurious_out_of_area: rows with coordinates outside the campaign's scoring box.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pipeline.schema import COARSE_KINDS, RIVER_BANKS

_DIACRITICS = re.compile("[\u064B-\u0652\u0670\u0640]")
_PLACE_WORDS = re.compile(r"^(حي|احياء|منطقة|قرية|قريتي|بلدة|ناحية|قضاء|مدينة|مخيم|محور)\s+")
_EN_STOPWORDS = re.compile(r"\b(al|el|an|ar|as|ash|at|az|hay|hayy|district|neighbourhood|neighborhood|village|town|camp)\b")
BROAD_KINDS = {"city", "district"}
"""Gold place kinds left out of the place scores (the gold's own vocabulary: a region is scored)."""
FIGURE_COLUMNS = {"killed": "killed_low", "wounded": "wounded_low", "killed_or_wounded": "casualties_low",
                  "displaced": "displaced_low"}


def name_key_ar(name: str | None) -> str:
    """Arabic name without diacritics, hamza forms, place words and the article on long words."""
    s = _DIACRITICS.sub("", name or "").strip()
    s = re.sub("[إأآٱ]", "ا", s).replace("ة", "ه").replace("ى", "ي")
    s = _PLACE_WORDS.sub("", s)
    return " ".join(re.sub("^(و|ف|ب|ل)?ال", "", w) if len(w) > 4 else w for w in s.split())


def name_key_en(name: str | None) -> str:
    s = re.sub(r"\(.*?\)", "", (name or "").lower())
    return re.sub(r"[^a-z0-9]+", "", _EN_STOPWORDS.sub(" ", s))


def _gold_keys(place: dict) -> set[str]:
    return {k for k in (name_key_ar(place.get("ar")), name_key_en(place.get("en"))) if k}


def _row_keys(row: dict) -> set[str]:
    return {k for k in (name_key_ar(row.get("place_ar")), name_key_ar(row.get("place_text")),
                        name_key_en(row.get("place_en"))) if k}


@dataclass(frozen=True)
class ScoringArea:
    """What the scores need of a campaign: its box and the name keys of its city."""

    box: tuple[float, float, float, float]
    """(min_lat, min_lon, max_lat, max_lon): rows with coordinates outside are spurious_out_of_area."""
    city_keys: frozenset[str]
    """Name keys of the campaign city: city-level places are left out of the place scores."""

    @classmethod
    def of(cls, campaign) -> ScoringArea:
        city = campaign.city
        return cls(campaign.scoring_box, frozenset(k for k in (name_key_ar(city.name_ar), name_key_en(city.name_en)) if k))


def _number(value) -> float | None:
    try:
        return None if value in (None, "", "nan", "NaN") else float(value)
    except ValueError:
        return None


def _day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value not in (None, "", "nan", "NaT") else None
    except ValueError:
        return None


def _is_broad(keys: set[str], kind: str | None, area: ScoringArea) -> bool:
    return bool(keys & area.city_keys) or kind in BROAD_KINDS


def _add_distinct(bucket: list[set[str]], keys: set[str]) -> None:
    if not any(keys & other for other in bucket):
        bucket.append(keys)


def _in_window(row: dict, lo: dt.date, hi: dt.date) -> bool:
    start = _day(row.get("event_date")) or _day(row.get("date_start"))
    end = _day(row.get("event_date")) or _day(row.get("date_end")) or start
    return start is not None and lo <= start and end <= hi


def score(rows: list[dict], gold: list[dict], published: dict[str, str], area: ScoringArea) -> dict:
    """Every metric of the module docstring, from event rows and gold events, in one campaign's area."""
    by_article: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_article[r.get("article_id", "")].append(r)
    gold_articles = {g["article"] for g in gold}

    gold_places: dict[str, list[set[str]]] = defaultdict(list)
    for g in gold:
        for p in g["places"]:
            keys = _gold_keys(p)
            if not _is_broad(keys, p.get("kind"), area):
                _add_distinct(gold_places[g["article"]], keys)
    predicted: dict[str, list[set[str]]] = defaultdict(list)
    for a in gold_articles:
        for r in by_article.get(a, []):
            keys = _row_keys(r)
            if keys and not keys & area.city_keys and r.get("place_kind") not in COARSE_KINDS:
                _add_distinct(predicted[a], keys)
    n_gold = sum(len(v) for v in gold_places.values())
    n_pred = sum(len(v) for v in predicted.values())
    found = sum(1 for a, places in gold_places.items() for keys in places
                if any(keys & _row_keys(r) for r in by_article.get(a, [])))
    right = sum(1 for a, places in predicted.items() for keys in places
                if any(keys & g for g in gold_places.get(a, [])))
    precision = right / n_pred if n_pred else 0.0
    recall = found / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    date_ok = date_n = hard_ok = hard_n = 0
    for g in gold:
        if not g.get("date_min"):
            continue
        gmin, gmax = dt.date.fromisoformat(g["date_min"]), dt.date.fromisoformat(g["date_max"])
        keys = [k for k in map(_gold_keys, g["places"]) if not k & area.city_keys]
        hits = [r for r in by_article.get(g["article"], [])
                if g["quote"] in (r.get("quote") or "") or any(k & _row_keys(r) for k in keys)]
        date_n += 1
        date_ok += any(_in_window(r, gmin - dt.timedelta(days=1), gmax + dt.timedelta(days=1)) for r in hits)
        pub = published.get(g["article"], "")
        if pub and not (g["date_min"] <= pub <= g["date_max"]):
            hard_n += 1
            hard_ok += any(_in_window(r, gmin, gmax) for r in hits)

    type_ok = type_n = bank_ok = bank_n = 0
    for g in gold:
        for p in g["places"]:
            keys = _gold_keys(p)
            if _is_broad(keys, p.get("kind"), area):
                continue
            hits = [r for r in by_article.get(g["article"], []) if keys & _row_keys(r)]
            type_n += 1
            type_ok += any(r.get("event_type") == g["event_type"] for r in hits)
            if p.get("bank") in RIVER_BANKS and hits:
                bank_n += 1
                bank_ok += any(r.get("bank") == p["bank"] for r in hits)

    gold_figs = {(g["article"], kind, float(g[kind][0])) for g in gold for kind in FIGURE_COLUMNS
                 if g.get(kind) and g[kind][0] is not None}
    pred_figs = {(a, kind, v) for a in gold_articles for r in by_article.get(a, [])
                 if (r.get("vague") or "").lower() not in ("true", "1")
                 for kind, col in FIGURE_COLUMNS.items() if (v := _number(r.get(col)))}
    lo_lat, lo_lon, hi_lat, hi_lon = area.box
    outside = sum(1 for r in rows if (lat := _number(r.get("lat"))) is not None and (lon := _number(r.get("lon"))) is not None
                  and not (lo_lat <= lat <= hi_lat and lo_lon <= lon <= hi_lon))

    def ratio(a: int, b: int) -> float:
        return round(a / b, 3) if b else 0.0

    return dict(place_p=round(precision, 3), place_r=round(recall, 3), place_f1=round(f1, 3),
                date_acc=ratio(date_ok, date_n), date_hard_acc=ratio(hard_ok, hard_n), type_acc=ratio(type_ok, type_n),
                bank_acc=ratio(bank_ok, bank_n), fig_r=ratio(len(gold_figs & pred_figs), len(gold_figs)),
                fig_p=ratio(len(gold_figs & pred_figs), len(pred_figs)), spurious_out_of_area=outside,
                n_rows=len(rows), n_gold_places=n_gold, n_gold_figs=len(gold_figs), n_hard_dates=hard_n)


def _manifest_dates(manifest: Path | None) -> dict[str, str]:
    if manifest is None or not manifest.is_file():
        return {}
    with open(manifest, encoding="utf-8-sig", newline="") as fh:
        return {r["id"]: r.get("published", "") or "" for r in csv.DictReader(fh)}


def evaluate_run(events_csv: Path, gold_path: Path, manifest: Path | None = None, *, area: ScoringArea) -> dict:
    """Score a run's events.csv in a campaign's area; the manifest defaults to the one the run itself used."""
    with open(events_csv, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(gold_path, encoding="utf-8") as fh:
        gold = [json.loads(line) for line in fh if line.strip()]
    if manifest is None:
        try:
            used = json.loads((events_csv.parent / "run.json").read_text(encoding="utf-8"))["inputs"]["manifest"]
            manifest = Path(used) if used else None
        except (OSError, ValueError, KeyError):
            manifest = None
    return score(rows, gold, _manifest_dates(manifest), area)


def format_scores(scores: dict) -> str:
    return " ".join(f"{k}={v}" for k, v in scores.items())
