"""Scores of a run against a gold annotation (one event per JSONL line), by the project's published rules,
and the list of every error behind them.

place_p/place_r/place_f1: distinct (article, place) pairs, matched by normalised Arabic or English name,
city- and district-level places left out. geo_r: gold places found by a row that has coordinates.
date_acc: gold events with a date window, found by a place of theirs or by a predicted quote containing
theirs, with a predicted date inside the window (one day of slack); date_hard_acc: the same without slack
over windows that exclude the publication day. type_acc: gold (article, place, type) found with that type
there. bank_acc: found city places on the gold bank. fig_r/fig_p: (article, kind, low) triples of killed,
wounded, killed-or-wounded and displaced, vague rows left out. event_p/event_r/event_f1: distinct
(article, place, type) triples below city level. spurious_out_of_area: rows with coordinates outside the
campaign's scoring box. With a manifest, every article it lists counts, so rows predicted in an article whose gold
has no event lower precision.

This module reads only CSV and JSON: it imports none of the extraction stages.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pipeline.schema import COARSE_KINDS, RIVER_BANKS

_DIACRITICS = re.compile("[\u064B-\u0652\u0670\u0640]")
_PLACE_WORDS = re.compile(r"^(حي|احياء|منطقة|قرية|قريتي|بلدة|ناحية|قضاء|مدينة|مخيم|محور)\s+")
_EN_STOPWORDS = re.compile(r"\b(al|el|an|ar|as|ash|at|az|hay|hayy|district|neighbourhood|neighborhood|village|town|camp)\b")
BROAD_KINDS = {"city", "district"}
"""Gold place kinds left out of the place scores (the gold's own vocabulary: a region is scored)."""
UNSCORED_ROW_KINDS = set(COARSE_KINDS)
FIGURE_COLUMNS = {"killed": "killed_low", "wounded": "wounded_low", "killed_or_wounded": "casualties_low",
                  "displaced": "displaced_low"}
_SENTENCE_END = re.compile(r"(?<!\d)\.(?!\d)|[!?؟\n]")


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
        """The area of a pipeline.campaign.Campaign (its scoring_box and its city's names)."""
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


def _scored_row_keys(row: dict, area: ScoringArea) -> set[str]:
    """The row's place keys when the row counts as a place prediction, else the empty set."""
    keys = _row_keys(row)
    if not keys or keys & area.city_keys or row.get("place_kind") in UNSCORED_ROW_KINDS:
        return set()
    return keys


def _in_window(row: dict, lo: dt.date, hi: dt.date) -> bool:
    start = _day(row.get("event_date")) or _day(row.get("date_start"))
    end = _day(row.get("event_date")) or _day(row.get("date_end")) or start
    return start is not None and lo <= start and end <= hi


def _is_vague(row: dict) -> bool:
    return (row.get("vague") or "").lower() in ("true", "1")


def _mapped(row: dict) -> bool:
    return _number(row.get("lat")) is not None and _number(row.get("lon")) is not None


@dataclass
class _Bucket:
    """Distinct items (by overlapping key sets) with the rows or gold events they came from."""

    keys: set[str]
    sources: list


def _add(buckets: list[_Bucket], keys: set[str], source) -> None:
    for b in buckets:
        if keys & b.keys:
            b.sources.append(source)
            return
    buckets.append(_Bucket(keys, [source]))


class _Match:
    """The matching the metrics count, kept so that the errors behind them can be listed."""

    def __init__(self, rows: list[dict], gold: list[dict], published: dict[str, str], articles: set[str],
                 area: ScoringArea):
        self.rows, self.gold, self.published, self.area = rows, gold, published, area
        self.by_article: dict[str, list[dict]] = defaultdict(list)
        for r in rows:
            self.by_article[r.get("article_id", "")].append(r)
        self.articles = {g["article"] for g in gold} | set(articles)
        self.gold_places: dict[str, list[_Bucket]] = defaultdict(list)
        self.gold_events: dict[tuple[str, str], list[_Bucket]] = defaultdict(list)
        for g in gold:
            for p in g["places"]:
                keys = _gold_keys(p)
                if not _is_broad(keys, p.get("kind"), area):
                    _add(self.gold_places[g["article"]], keys, g)
                    if keys:
                        _add(self.gold_events[(g["article"], g["event_type"])], keys, g)
        self.pred_places: dict[str, list[_Bucket]] = defaultdict(list)
        self.pred_events: dict[tuple[str, str], list[_Bucket]] = defaultdict(list)
        for a in self.articles:
            for r in self.by_article.get(a, []):
                keys = _scored_row_keys(r, area)
                if keys:
                    _add(self.pred_places[a], keys, r)
                    _add(self.pred_events[(a, r.get("event_type"))], keys, r)

    def place_found(self, article: str, keys: set[str], need_coordinates: bool = False) -> bool:
        return any(keys & _row_keys(r) and (_mapped(r) or not need_coordinates) for r in self.by_article.get(article, []))

    def date_hits(self, g: dict) -> list[dict]:
        keys = [k for k in map(_gold_keys, g["places"]) if not k & self.area.city_keys]
        return [r for r in self.by_article.get(g["article"], [])
                if g["quote"] in (r.get("quote") or "") or any(k & _row_keys(r) for k in keys)]

    def is_hard(self, g: dict) -> bool:
        pub = self.published.get(g["article"], "")
        return bool(pub) and not (g["date_min"] <= pub <= g["date_max"])

    def gold_figures(self) -> dict[tuple, list[dict]]:
        out: dict[tuple, list[dict]] = defaultdict(list)
        for g in self.gold:
            for kind in FIGURE_COLUMNS:
                if g.get(kind) and g[kind][0] is not None:
                    out[(g["article"], kind, float(g[kind][0]))].append(g)
        return out

    def predicted_figures(self) -> dict[tuple, list[dict]]:
        out: dict[tuple, list[dict]] = defaultdict(list)
        for a in self.articles:
            for r in self.by_article.get(a, []):
                if _is_vague(r):
                    continue
                for kind, col in FIGURE_COLUMNS.items():
                    if v := _number(r.get(col)):
                        out[(a, kind, v)].append(r)
        return out


def score(rows: list[dict], gold: list[dict], published: dict[str, str], articles: set[str] = frozenset(), *,
          area: ScoringArea) -> dict:
    """Every metric of the module docstring, from event rows and gold events in one campaign's area;
    `articles` are the manifest's ids."""
    m = _Match(rows, gold, published, articles, area)
    n_gold = sum(len(v) for v in m.gold_places.values())
    n_pred = sum(len(v) for v in m.pred_places.values())
    found = sum(1 for a, bs in m.gold_places.items() for b in bs if m.place_found(a, b.keys))
    mapped = sum(1 for a, bs in m.gold_places.items() for b in bs if m.place_found(a, b.keys, need_coordinates=True))
    right = sum(1 for a, bs in m.pred_places.items() for b in bs if any(b.keys & g.keys for g in m.gold_places.get(a, [])))
    precision = right / n_pred if n_pred else 0.0
    recall = found / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    date_ok = date_n = hard_ok = hard_n = 0
    for g in gold:
        if not g.get("date_min"):
            continue
        gmin, gmax = dt.date.fromisoformat(g["date_min"]), dt.date.fromisoformat(g["date_max"])
        hits = m.date_hits(g)
        date_n += 1
        date_ok += any(_in_window(r, gmin - dt.timedelta(days=1), gmax + dt.timedelta(days=1)) for r in hits)
        if m.is_hard(g):
            hard_n += 1
            hard_ok += any(_in_window(r, gmin, gmax) for r in hits)

    type_ok = type_n = bank_ok = bank_n = 0
    for g in gold:
        for p in g["places"]:
            keys = _gold_keys(p)
            if _is_broad(keys, p.get("kind"), area):
                continue
            hits = [r for r in m.by_article.get(g["article"], []) if keys & _row_keys(r)]
            type_n += 1
            type_ok += any(r.get("event_type") == g["event_type"] for r in hits)
            if p.get("bank") in RIVER_BANKS and hits:
                bank_n += 1
                bank_ok += any(r.get("bank") == p["bank"] for r in hits)

    n_gev = sum(len(v) for v in m.gold_events.values())
    n_pev = sum(len(v) for v in m.pred_events.values())
    ev_found = sum(1 for k, bs in m.gold_events.items() for b in bs if any(b.keys & o.keys for o in m.pred_events.get(k, [])))
    ev_right = sum(1 for k, bs in m.pred_events.items() for b in bs if any(b.keys & o.keys for o in m.gold_events.get(k, [])))
    ev_r = ev_found / n_gev if n_gev else 0.0
    ev_p = ev_right / n_pev if n_pev else 0.0
    ev_f = 2 * ev_p * ev_r / (ev_p + ev_r) if ev_p + ev_r else 0.0

    gold_figs, pred_figs = set(m.gold_figures()), set(m.predicted_figures())
    lo_lat, lo_lon, hi_lat, hi_lon = area.box
    outside = sum(1 for r in rows if (lat := _number(r.get("lat"))) is not None and (lon := _number(r.get("lon"))) is not None
                  and not (lo_lat <= lat <= hi_lat and lo_lon <= lon <= hi_lon))

    def ratio(a: int, b: int) -> float:
        return round(a / b, 3) if b else 0.0

    return dict(place_p=round(precision, 3), place_r=round(recall, 3), place_f1=round(f1, 3),
                geo_r=ratio(mapped, n_gold), date_acc=ratio(date_ok, date_n), date_hard_acc=ratio(hard_ok, hard_n),
                type_acc=ratio(type_ok, type_n), bank_acc=ratio(bank_ok, bank_n),
                fig_r=ratio(len(gold_figs & pred_figs), len(gold_figs)),
                fig_p=ratio(len(gold_figs & pred_figs), len(pred_figs)),
                event_p=round(ev_p, 3), event_r=round(ev_r, 3), event_f1=round(ev_f, 3),
                spurious_out_of_area=outside, n_rows=len(rows), n_gold_places=n_gold, n_gold_figs=len(gold_figs),
                n_hard_dates=hard_n)


# ---------------------------------------------------------------- errors


@dataclass(frozen=True)
class Finding:
    """One error behind a metric: a gold item the run missed, or a predicted item the gold lacks."""

    metric: str
    """place, geo, event, figure or date."""
    kind: str
    """missed, spurious, unmapped or wrong."""
    article: str
    item: str
    """What is missed or spurious, in the words of the gold or the row."""
    sentence: str
    """The gold quote (widened to its sentence when the article text is at hand) or the row's quote."""
    reason: str
    """What the extraction did there: the rule, trigger, figure or date words of the rows concerned."""


def _row_reason(r: dict) -> str:
    """The extraction's own account of a row: type and trigger, place and how it was chosen, figures, date."""
    parts = [f"{r.get('event_type', '')} by «{r.get('trigger_text', '')}»"]
    if r.get("rule"):
        parts.append(f"rule {r['rule']}")
    if r.get("place_text"):
        how = "/".join(x for x in (r.get("place_role"), r.get("place_source"), r.get("place_kind")) if x)
        parts.append(f"place «{r['place_text']}» ({how})")
    if r.get("figure_text"):
        figs = ", ".join(f"{k}={r[c]}" for k, c in FIGURE_COLUMNS.items() if _number(r.get(c)))
        parts.append(f"figures «{r['figure_text']}» [{figs}{' vague' if _is_vague(r) else ''}]")
    if r.get("figure_rules"):
        parts.append(f"figure rules {r['figure_rules']}")
    date = r.get("event_date") or "–".join(x for x in (r.get("date_start"), r.get("date_end")) if x) or "undated"
    parts.append(f"date {date} {r.get('date_precision', '')} from «{r.get('date_text', '')}»")
    return "; ".join(parts)


def _sentence_of(quote: str, text: str | None) -> str:
    """The sentence of the article that holds the quote; the quote itself when the article is not at hand."""
    if not text or not quote or (at := text.find(quote)) < 0:
        return quote
    starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, at)]
    start = starts[-1] if starts else 0
    end_match = _SENTENCE_END.search(text, at + len(quote))
    return text[start:end_match.end() if end_match else len(text)].strip()


def _gold_place_names(g: dict) -> str:
    return " + ".join(p.get("ar") or p.get("en") or "" for p in g["places"]) or "(no place)"


def _sentence_rows(m: _Match, g: dict) -> list[dict]:
    return [r for r in m.by_article.get(g["article"], []) if g["quote"] in (r.get("quote") or "")
            or (r.get("quote") and r["quote"] in g["quote"])]


def _account(rows: list[dict], none: str) -> str:
    return " | ".join(_row_reason(r) for r in rows[:4]) + (f" | … {len(rows) - 4} more" if len(rows) > 4 else "") if rows else none


def find_errors(rows: list[dict], gold: list[dict], published: dict[str, str], articles: set[str] = frozenset(),
                texts: dict[str, str] | None = None, explain: Callable[[str], str] | None = None, *,
                area: ScoringArea) -> list[Finding]:
    """Every missed and spurious place, event, figure and date, with what the extraction did there.

    `explain`, when given, tells what the figure rules made of each number of a missed figure's sentence.
    """
    m = _Match(rows, gold, published, articles, area)
    texts = texts or {}
    out: list[Finding] = []

    def sentence(g: dict) -> str:
        return _sentence_of(g["quote"], texts.get(g["article"]))

    for a, buckets in sorted(m.gold_places.items()):
        for b in buckets:
            g = b.sources[0]
            hits = [r for r in m.by_article.get(a, []) if b.keys & _row_keys(r)]
            if not hits:
                out.append(Finding("place", "missed", a, _gold_place_names(g), sentence(g),
                                   _account(_sentence_rows(m, g), "no row from this sentence")))
            elif not any(_mapped(r) for r in hits):
                out.append(Finding("geo", "unmapped", a, _gold_place_names(g), sentence(g),
                                   _account(hits, "")))
    for a, buckets in sorted(m.pred_places.items()):
        for b in buckets:
            if not any(b.keys & g.keys for g in m.gold_places.get(a, [])):
                r = b.sources[0]
                out.append(Finding("place", "spurious", a, r.get("place_text") or r.get("place_ar", ""),
                                   r.get("quote", ""), _account(b.sources, "")))

    for (a, etype), buckets in sorted(m.gold_events.items()):
        for b in buckets:
            if not any(b.keys & o.keys for o in m.pred_events.get((a, etype), [])):
                g = b.sources[0]
                at_place = [r for r in m.by_article.get(a, []) if b.keys & _row_keys(r)]
                reason = ("place found as " + ", ".join(sorted({r.get('event_type', '') for r in at_place})) + ": "
                          + _account(at_place, "")) if at_place else _account(_sentence_rows(m, g), "no row from this sentence")
                out.append(Finding("event", "missed", a, f"{etype} at {_gold_place_names(g)}", sentence(g), reason))
    for (a, etype), buckets in sorted(m.pred_events.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        for b in buckets:
            if not any(b.keys & o.keys for o in m.gold_events.get((a, etype), [])):
                r = b.sources[0]
                gold_here = sorted({k[1] for k, bs in m.gold_events.items() if k[0] == a
                                    for o in bs if o.keys & b.keys})
                note = f"gold has {', '.join(gold_here)} here" if gold_here else "gold has no event here"
                out.append(Finding("event", "spurious", a, f"{etype} at {r.get('place_text', '')}", r.get("quote", ""),
                                   note + ": " + _account(b.sources, "")))

    gold_figs, pred_figs = m.gold_figures(), m.predicted_figures()
    for key in sorted(set(gold_figs) - set(pred_figs)):
        a, kind, low = key
        g = gold_figs[key][0]
        same_kind = sorted({v for (pa, pk, v) in pred_figs if pa == a and pk == kind})
        reason = _account(_sentence_rows(m, g), "no row from this sentence")
        if same_kind:
            reason = f"run has {kind} {', '.join(f'{v:g}' for v in same_kind)} in this article; " + reason
        if explain is not None:
            reason += f" | numbers: {explain(sentence(g)) or 'none read'}"
        out.append(Finding("figure", "missed", a, f"{kind} {low:g}", sentence(g), reason))
    for key in sorted(set(pred_figs) - set(gold_figs)):
        a, kind, low = key
        same_kind = sorted({v for (ga, gk, v) in gold_figs if ga == a and gk == kind})
        note = f"gold has {kind} {', '.join(f'{v:g}' for v in same_kind)}" if same_kind else f"gold has no {kind} figure"
        r = pred_figs[key][0]
        out.append(Finding("figure", "spurious", a, f"{kind} {low:g}", r.get("quote", ""),
                           note + ": " + _account(pred_figs[key], "")))

    for g in gold:
        if not g.get("date_min"):
            continue
        gmin, gmax = dt.date.fromisoformat(g["date_min"]), dt.date.fromisoformat(g["date_max"])
        hits = m.date_hits(g)
        if not hits:
            continue  # an event not found at all is listed under places and events
        slack = any(_in_window(r, gmin - dt.timedelta(days=1), gmax + dt.timedelta(days=1)) for r in hits)
        strict = any(_in_window(r, gmin, gmax) for r in hits)
        if slack and (strict or not m.is_hard(g)):
            continue
        window = g["date_min"] if g["date_min"] == g["date_max"] else f"{g['date_min']}–{g['date_max']}"
        label = f"gold {window} {g.get('date_precision', '')}" + (" (hard)" if m.is_hard(g) else "")
        out.append(Finding("date", "wrong", g["article"], label, sentence(g), _account(hits, "")))
    return out


def summarise_errors(findings: list[Finding]) -> str:
    counts = Counter((f.metric, f.kind) for f in findings)
    return "\n".join(f"{n:4d} {metric} {kind}" for (metric, kind), n in counts.most_common())


def format_errors(findings: list[Finding]) -> str:
    """One block per finding, grouped by metric and kind, counts first."""
    lines = [summarise_errors(findings), ""]
    for f in sorted(findings, key=lambda f: (f.metric, f.kind, f.article)):
        lines += [f"[{f.metric} {f.kind}] {f.article}: {f.item}", f"    sentence: {f.sentence}", f"    run: {f.reason}"]
    return "\n".join(lines)


# ---------------------------------------------------------------- files


def read_manifest(manifest: Path | None) -> dict[str, str]:
    """Article id -> publication date as written ('' when unknown)."""
    if manifest is None or not manifest.is_file():
        return {}
    with open(manifest, encoding="utf-8-sig", newline="") as fh:
        return {r["id"]: r.get("published", "") or "" for r in csv.DictReader(fh)}


def run_input(events_csv: Path, name: str) -> Path | None:
    """The `articles` or `manifest` path the run that wrote events_csv was given (from its run.json)."""
    try:
        used = json.loads((events_csv.parent / "run.json").read_text(encoding="utf-8"))["inputs"][name]
        return Path(used) if used else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _load(events_csv: Path, gold_path: Path, manifest: Path | None):
    with open(events_csv, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(gold_path, encoding="utf-8") as fh:
        gold = [json.loads(line) for line in fh if line.strip()]
    dates = read_manifest(manifest if manifest is not None else run_input(events_csv, "manifest"))
    return rows, gold, dates


def evaluate_run(events_csv: Path, gold_path: Path, manifest: Path | None = None, *, area: ScoringArea) -> dict:
    """Score a run's events.csv in a campaign's area; the manifest defaults to the one the run itself used."""
    rows, gold, dates = _load(events_csv, gold_path, manifest)
    return score(rows, gold, dates, set(dates), area=area)


def read_texts(articles: Path | None) -> dict[str, str]:
    """Article id -> text, from a folder of .txt files (for widening quotes to sentences)."""
    if articles is None or not articles.is_dir():
        return {}
    return {p.stem: p.read_text(encoding="utf-8", errors="replace") for p in sorted(articles.glob("*.txt"))}


def errors_of_run(events_csv: Path, gold_path: Path, manifest: Path | None = None,
                  articles: Path | None = None, explain: Callable[[str], str] | None = None, *,
                  area: ScoringArea) -> list[Finding]:
    rows, gold, dates = _load(events_csv, gold_path, manifest)
    return find_errors(rows, gold, dates, set(dates), read_texts(articles), explain, area=area)


def format_scores(scores: dict) -> str:
    return " ".join(f"{k}={v}" for k, v in scores.items())
