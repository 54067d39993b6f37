"""The events table and the place vocabulary, defined once: the writer (store.py), the dashboard side
(query.py), the evaluation and the README all read them from here. Standard library only."""

from __future__ import annotations

from dataclasses import dataclass

PLACE_KINDS = ("neighbourhood", "landmark", "town", "village", "camp", "district", "city", "region", "out_of_area")
"""Kinds of gazetteer places (the `kind` column of places.csv, `place_kind` of events.csv)."""
BROAD_KINDS = ("city", "district", "region")
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


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    """text, int (nullable), float, bool, or date (ISO YYYY-MM-DD text, empty when unknown)."""
    description: str


EVENT_COLUMNS: tuple[Column, ...] = (
    Column("event_id", TEXT, "Stable id of the row (hash of article, sentence, trigger and place)."),
    Column("cluster_id", TEXT, "Rows telling the same real-world event share it (the smallest event_id of the cluster)."),
    Column("cluster_primary", BOOL, "True for the one row per cluster that totals count."),
    Column("cluster_size", INT, "Rows in the cluster."),
    Column("article_id", TEXT, "The article the row comes from."),
    Column("outlet", TEXT, "The article's outlet."),
    Column("published", DATE, "The article's publication date (given or inferred)."),
    Column("url", TEXT, "The article's address, from the manifest."),
    Column("title", TEXT, "The article's title, from the manifest."),
    Column("sentence_index", INT, "Position of the source sentence in the article."),
    Column("quote", TEXT, "The source sentence."),
    Column("quote_start", INT, "Offset of the quote in the article text."),
    Column("quote_end", INT, "Offset one past the quote's end."),
    Column("event_type", TEXT, "The project's event type (data/lexicon/event_types.yaml)."),
    Column("acled_event_type", TEXT, "ACLED event type of event_type."),
    Column("acled_sub_event_type", TEXT, "ACLED sub-event type of event_type."),
    Column("actors", TEXT, "Canonical actor names, separated by '; '."),
    Column("event_date", DATE, "The day, when the date is known to the day."),
    Column("date_start", DATE, "First day of the date window."),
    Column("date_end", DATE, "Last day of the date window."),
    Column("date_precision", TEXT, "day, week, month, range or unknown."),
    Column("date_text", TEXT, "The words the date comes from, or `published`."),
    Column("date_span", TEXT, "[start, end] offsets of date_text in the article, JSON."),
    Column("place_text", TEXT, "The place as written."),
    Column("place_id", TEXT, "Gazetteer id of the place (empty when unresolved)."),
    Column("place_ar", TEXT, "Arabic name of the place."),
    Column("place_en", TEXT, "English name of the place."),
    Column("place_kind", TEXT, "One of " + ", ".join(PLACE_KINDS) + "."),
    Column("place_role", TEXT, "location, origin, destination, reference or out_of_area."),
    Column("place_source", TEXT, "Where the place was found: " + ", ".join(PLACE_SOURCES) + "."),
    Column("relation", TEXT, "Direction of a relative place (south, north-west), empty for the place itself."),
    Column("bank", TEXT, "River bank of the place: left, right, or empty (its compass side is in campaign.yaml)."),
    Column("lat", FLOAT, "Latitude (WGS84)."),
    Column("lon", FLOAT, "Longitude (WGS84)."),
    Column("geo_precision", INT, "1 the place itself, 2 near or part of it or an estimate, 3 a city or region."),
    Column("place_span", TEXT, "[start, end] offsets of place_text in the article, JSON."),
    Column("trigger_text", TEXT, "The word the event type comes from."),
    Column("trigger_span", TEXT, "[start, end] offsets of trigger_text in the article, JSON."),
    Column("killed_low", INT, "Killed, lower bound."),
    Column("killed_high", INT, "Killed, upper bound (empty when open-ended)."),
    Column("wounded_low", INT, "Wounded, lower bound."),
    Column("wounded_high", INT, "Wounded, upper bound."),
    Column("casualties_low", INT, "Killed or wounded, not split by the source, lower bound."),
    Column("casualties_high", INT, "Killed or wounded, upper bound."),
    Column("displaced_low", INT, "Displaced, lower bound."),
    Column("displaced_high", INT, "Displaced, upper bound."),
    Column("vague", BOOL, "True when a figure comes from a word such as عشرات rather than a number."),
    Column("victims", TEXT, "civilians, isis, security_forces, mixed or unknown."),
    Column("cumulative", BOOL, "True for a running total over a period, never added to daily figures."),
    Column("figure_text", TEXT, "The figures as written, separated by ' | '."),
    Column("figure_spans", TEXT, "[[start, end, kind], ...] of the figures in the article, JSON."),
    Column("confidence", FLOAT, "0-1: how sure the extraction is of this row."),
    Column("undated", BOOL, "True when no date window is known."),
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
