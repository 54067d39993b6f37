"""The date words of one language and the calendar of one campaign, compiled into one DateLexicon.

It exists apart from the grammar so that the data (data/lexicon/<lang>/dates.yaml, the campaign's calendar.csv and
calendar_phrases.yaml) is read and validated in one place, with a clear message for a malformed entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.campaign import Campaign
from pipeline.errors import DataFileError
from pipeline.extraction.matcher import PhraseMatcher
from pipeline.extraction.numbers import NumberLexicon, load_number_lexicon
from pipeline.extraction.textnorm import normalise
from pipeline.records import DatePrecision
from pipeline.resources import load_clitics, load_yaml


@dataclass(frozen=True)
class RelativeRule:
    """A fixed expression counted back from the publication day (dates.yaml `relative`)."""

    name: str
    days: tuple[int, int] | None
    """Days before publication (from, to); 0 is the publication day."""
    month: int | None
    """Calendar month relative to the publication month (-1 = the month before)."""
    precision: DatePrecision
    cumulative: bool


@dataclass(frozen=True)
class Unit:
    """A unit of counted periods (hours, days, weeks, months)."""

    name: str
    days: int = 0
    hours: int = 0
    months: int = 0


@dataclass(frozen=True, eq=False)
class DateLexicon:
    """Date words of one language and the calendar of one campaign, compiled into one phrase matcher."""

    matcher: PhraseMatcher
    numbers: NumberLexicon
    milestones: dict[str, dt.date]
    offensive_starts: tuple[str, ...]
    ambiguous_months: frozenset[str]
    campaign_window: tuple[dt.date, dt.date] | None
    since_reach: int
    report_reach: int
    trailing_asides: tuple[str, ...] = ()
    """Words allowed between a clause and an adverbial date that follows it ("في وقت سابق")."""
    recalled_milestones: tuple[str, ...] = ()
    """Milestones whose day reports recall as background: their date anchors no publication date."""
    capture_reach: int = 0
    report_day_words: tuple[str, ...] = ()
    """Words that make a weekday or date of the lead the report's own day ("اليوم السبت"), normalised."""
    day_month_links: frozenset[str] = frozenset()
    """Words between an ordinal day and its month ("الخامس من نيسان"), normalised."""


def _phrases(path: Path, value, what: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
        raise DataFileError(path, f"{what}: expected a list of phrases, got {value!r}")
    return value


def _lexicon_entries(path: Path, data: dict, article: str) -> list[tuple[str, tuple]]:
    """(phrase, (category, value)) pairs of dates.yaml."""
    entries: list[tuple[str, tuple]] = []
    leads = _phrases(path, data["times_of_day"], "times_of_day") + _phrases(path, data["day_word"], "day_word")
    day_words = _phrases(path, data["day_word"], "day_word")
    for index, names in data["weekdays"].items():
        if int(index) not in range(7):
            raise DataFileError(path, f"weekdays: index {index} is not 0..6 (Monday = 0)")
        for name in _phrases(path, names, f"weekdays {index}"):
            forms = [name] + [f"{lead} {name}" for lead in leads] + [f"{lead} {day} {name}" for lead in leads for day in day_words]
            entries += [(form, ("weekday", int(index))) for form in forms]
    for number, names in data["months"].items():
        if int(number) not in range(1, 13):
            raise DataFileError(path, f"months: {number} is not 1..12")
        entries += [(name, ("month", int(number))) for name in _phrases(path, names, f"months {number}")]
    for name, rule in data["relative"].items():
        try:
            days = tuple(int(d) for d in rule["days"]) if "days" in rule else None
            month = int(rule["month"]) if "month" in rule else None
            payload = RelativeRule(name, days, month, DatePrecision(rule["precision"]), bool(rule.get("cumulative", False)))
        except (KeyError, TypeError, ValueError) as err:
            raise DataFileError(path, f"relative {name}: expected days or month, and a precision: {err}") from err
        if (days is None) == (month is None):
            raise DataFileError(path, f"relative {name}: give exactly one of days, month")
        entries += [(p, ("relative", payload)) for p in _phrases(path, rule["phrases"], f"relative {name}")]
    for name, spec in data["units"].items():
        unit = Unit(name, int(spec.get("days", 0)), int(spec.get("hours", 0)), int(spec.get("months", 0)))
        for form in ("singular", "dual", "plural"):
            for word in _phrases(path, spec[form], f"units {name} {form}"):
                entries += [(word, ("unit", unit, form)), (article + word, ("unit", unit, form))]
    simple = {"month_word": "month_word", "year_word": "year_word", "name_heads": "name_head",
              "past_qualifiers": "past", "future_qualifiers": "future", "blockers": "blocker",
              "past_markers": "past_marker", "ago_words": "ago", "since_words": "since",
              "approximators": "approx", "elapsed_words": "elapsed", "elapsed_links": "elapsed_link",
              "report_verbs": "report_verb", "month_context": "month_context", "next_day": "next_day",
              "day_range_openers": "range_open", "day_range_joiners": "range_join", "topic_shifts": "topic_shift",
              "day_count_verbs": "day_count_verb", "capture_words": "capture"}
    for key, category in simple.items():
        entries += [(p, (category, None)) for p in _phrases(path, data[key], key)]
    return entries


def _calendar_entries(data, milestones: dict[str, dt.date]) -> list[tuple[str, tuple]]:
    """(phrase, (category, milestone_id)) pairs of the campaign's calendar_phrases.yaml (validated with the campaign)."""
    return [(p, (category, milestone_id)) for category, key in (("milestone", "milestones"), ("operation", "operations"),
                                                               ("captured_place", "captured_places"))
            for milestone_id, phrases in (data.get(key) or {}).items() if milestone_id in milestones for p in phrases]


def _day_count_entries(path: Path, data: dict) -> list[tuple[str, tuple]]:
    """Ordinals and day words of "اليوم الثاني من ..." (dates.yaml: language data)."""
    entries = []
    for number, words in data["ordinals"].items():
        entries += [(w, ("ordinal", int(number))) for w in _phrases(path, words, f"ordinals {number}")]
    entries += [(w, ("day_of_operation", None)) for w in _phrases(path, data["day_of_operation"], "day_of_operation")]
    entries += [(w, ("day_of_link", None)) for w in _phrases(path, data["day_of_links"], "day_of_links")]
    return entries


@lru_cache(maxsize=None)
def load_date_lexicon(campaign: Campaign) -> DateLexicon:
    """Compile the language's dates.yaml with the campaign's calendar, calendar phrases and window into a DateLexicon."""
    lexicon_dir = campaign.lexicon_dir
    words_path = lexicon_dir / "dates.yaml"
    words = load_yaml(words_path)
    clitics = load_clitics(lexicon_dir)
    milestones = campaign.milestone_dates()
    try:
        entries = _lexicon_entries(words_path, words, clitics.article) + _day_count_entries(words_path, words)
        reach = int(words["since_reach"]), int(words["report_reach"])
        ambiguous = frozenset(normalise(w).text for w in _phrases(words_path, words["ambiguous_months"], "ambiguous_months"))
        report_day = tuple(normalise(w).text for w in _phrases(words_path, words["report_day_words"], "report_day_words"))
        links = frozenset(normalise(w).text for w in _phrases(words_path, words["day_month_links"], "day_month_links"))
    except (KeyError, TypeError, AttributeError, ValueError) as err:
        raise DataFileError(words_path, f"missing or malformed entry: {err}") from err
    entries += _calendar_entries(campaign.calendar_phrases, milestones)
    starts = tuple(campaign.calendar_phrases.get("offensive_starts") or ())
    recalled = tuple(campaign.calendar_phrases.get("recalled_milestones") or ())
    asides = tuple(_phrases(words_path, words["trailing_asides"], "trailing_asides"))
    return DateLexicon(PhraseMatcher(entries, clitics), load_number_lexicon(lexicon_dir), milestones, starts,
                       ambiguous, campaign.window, *reach, asides, recalled, int(words["capture_reach"]), report_day,
                       links)
