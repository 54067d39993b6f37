"""The events table and the place vocabulary, defined once: the writer (store.py), the dashboard side
(query.py), the evaluation and the README all read them from here. Standard library only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

PLACE_KINDS = ("neighbourhood", "landmark", "town", "village", "camp", "district", "city", "region", "out_of_area")
"""Kinds of gazetteer places (the `kind` column of places.csv, `place_kind` of events.csv)."""
WIDE_KINDS = ("city", "region")
"""Kinds wider than any place "the area" of a later sentence can mean; their point stands for a whole area."""
BROAD_KINDS = WIDE_KINDS + ("district",)
"""Kinds that locate an event only coarsely: never evidence that two reports are one event, left out of place scores."""
COARSE_KINDS = BROAD_KINDS + ("out_of_area",)
"""Kinds that are no precise location of an event (a named place is preferred over them)."""
RIVER_BANKS = ("left", "right")
"""The two banks of a campaign's river, by its flow; their compass sides are campaign data (campaign.yaml)."""
PLACE_BANKS = RIVER_BANKS + ("both", "outside", "")
"""Bank values of places.csv: a river bank, `both` (the city as a whole, a bridge), `outside` the city, or none."""
PLACE_SOURCES = ("clause", "sentence", "previous_sentence", "city", "none")
"""Where an event's place was found: its own clause, its sentence, the sentence before, the campaign city."""
FIGURE_KINDS = ("killed", "wounded", "casualties", "displaced")
"""Figure columns: `casualties` is killed-or-wounded not split by the source."""

TEXT, INT, FLOAT, BOOL, DATE = "text", "int", "float", "bool", "date"


def harm_types(taxonomy: Mapping[str, Mapping]) -> frozenset[str]:
    """Event types that kill and wound: those flagged `harm: true` in data/lexicon/event_types.yaml."""
    return frozenset(t for t, spec in taxonomy.items() if (spec or {}).get("harm"))


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    """text, int (nullable), float, bool, or date (ISO YYYY-MM-DD text, empty when unknown)."""
    description: str


EVENT_COLUMNS: tuple[Column, ...] = (
    Column("event_id", TEXT, "Stable id of the row: a hash of the article's content, the sentence, the event word and the place."),
    Column("cluster_id", TEXT, "Rows of one real-world event (the places of one report, and the same event told again in "
                               "the same or another article) share it: the smallest event_id of the cluster."),
    Column("cluster_primary", BOOL, "Exactly one row per cluster is primary; totals take its figures once."),
    Column("cluster_size", INT, "Rows in the cluster."),
    Column("article_id", TEXT, "The source article: file stem or the `id` of a JSONL line."),
    Column("outlet", TEXT, "The article's outlet (manifest or JSONL)."),
    Column("published", DATE, "The article's publication date (given, or inferred from its text)."),
    Column("url", TEXT, "The article's address (manifest or JSONL)."),
    Column("title", TEXT, "The article's title (manifest or JSONL)."),
    Column("sentence_index", INT, "Position of the source sentence in the article (0-based)."),
    Column("quote", TEXT, "The source sentence, verbatim."),
    Column("quote_start", INT, "Offset of the quote in the article text."),
    Column("quote_end", INT, "Offset one past the quote's end."),
    Column("event_type", TEXT, "The project's event type (data/lexicon/event_types.yaml; see *Event types*)."),
    Column("acled_event_type", TEXT, "The ACLED event type of event_type."),
    Column("acled_sub_event_type", TEXT, "The ACLED sub-event type of event_type."),
    Column("actors", TEXT, "`; `-separated canonical actor names named in the event's clause (else its sentence)."),
    Column("event_date", DATE, "The day, only when the date window is one day."),
    Column("date_start", DATE, "First day of the date window (see *Dates*)."),
    Column("date_end", DATE, "Last day of the date window; empty for an open window (since a date)."),
    Column("date_precision", TEXT, "`day`, `week`, `month`, `range` or `unknown`."),
    Column("date_text", TEXT, "The words the date comes from, or `published`."),
    Column("date_span", TEXT, "`[start, end]` offsets of date_text in the article."),
    Column("place_text", TEXT, "The place as written."),
    Column("place_id", TEXT, "The campaign gazetteer's id of the place; empty for a toponym the gazetteer lacks."),
    Column("place_ar", TEXT, "The gazetteer's Arabic name of the place."),
    Column("place_en", TEXT, "The gazetteer's English name of the place."),
    Column("place_kind", TEXT, "One of " + ", ".join(f"`{k}`" for k in PLACE_KINDS) + "."),
    Column("place_role", TEXT, "`location`, or `origin` of a flight."),
    Column("place_source", TEXT, "Where the place came from: the event's own `clause`, its `sentence`, the "
                                 "`previous_sentence` (\"in the area\") or the campaign `city` as a last resort."),
    Column("relation", TEXT, "A direction for a relative place (`south`, `north-west`); empty for the place itself."),
    Column("bank", TEXT, "`left` or `right` bank of the campaign's river, looking downstream (each bank's compass "
                         "side and name are in campaign.yaml); empty outside the city or when undecidable."),
    Column("lat", FLOAT, "Latitude, WGS84."),
    Column("lon", FLOAT, "Longitude, WGS84."),
    Column("geo_precision", INT, "1 a sourced point of the place; 2 an estimate, an offset (\"south of …\") or a "
                                 "geocoded name; 3 only the city or a sector of it; 0 with empty coordinates for an "
                                 "unresolved toponym."),
    Column("place_span", TEXT, "`[start, end]` offsets of place_text in the article."),
    Column("trigger_text", TEXT, "The event word (or the figure, for a toll no event word governs)."),
    Column("trigger_span", TEXT, "`[start, end]` offsets of trigger_text in the article."),
    Column("killed_low", INT, "Killed, lower bound."),
    Column("killed_high", INT, "Killed, upper bound; empty with a set low when open-ended (\"at least 307\")."),
    Column("wounded_low", INT, "Wounded, lower bound."),
    Column("wounded_high", INT, "Wounded, upper bound."),
    Column("casualties_low", INT, "Killed **or** wounded when the text does not split them "
                                  "(\"60 قتيلاً وجريحاً\"), lower bound."),
    Column("casualties_high", INT, "Killed or wounded, upper bound."),
    Column("displaced_low", INT, "Displaced, lower bound."),
    Column("displaced_high", INT, "Displaced, upper bound."),
    Column("displaced_unit", TEXT, "What displaced_low/high count: `people`, or `families` when the text counts "
                                   "households only."),
    Column("vague", BOOL, "True when every figure of the row comes from words (عشرات) rather than numbers."),
    Column("vague_figures", TEXT, "Each vague figure of the row with its range and words."),
    Column("victims", TEXT, "`civilians`, `isis`, `security_forces`, `mixed` or `unknown`."),
    Column("cumulative", BOOL, "A total over a period, never summed with daily events."),
    Column("figure_text", TEXT, "The words of each figure, separated by ` | `."),
    Column("figure_spans", TEXT, "`[[start, end, kind], …]` of the figures in the article."),
    Column("figure_rules", TEXT, "The rule that read each figure (`verb_before_number`, `noun_after_number`, "
                                 "`total_predicate`, …), as `kind:rule`."),
    Column("confidence", FLOAT, "0..1: how much of the event rests on explicit words of its own sentence "
                                "(see *Confidence*)."),
    Column("undated", BOOL, "The event has no date (the article has none and the text gives none)."),
)


def names(column_type: str | None = None) -> tuple[str, ...]:
    """Event column names in table order, optionally only those of one type."""
    return tuple(c.name for c in EVENT_COLUMNS if column_type is None or c.type == column_type)


def markdown_table() -> str:
    """The events table as a Markdown table, for the README."""
    lines = ["| column | type | meaning |", "|---|---|---|"]
    escaped = {c.name: c.description.replace("|", "\\|") for c in EVENT_COLUMNS}
    lines += [f"| `{c.name}` | {c.type} | {escaped[c.name]} |" for c in EVENT_COLUMNS]
    return "\n".join(lines)
