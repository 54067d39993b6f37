"""What the dashboard reads: its options, the campaign and the run's tables, cached once per server process.

The page (dashboard.py) and its launcher (serve.py) share this module, so the launcher can read the output the
page will show before the server listens (`warm`): the cached tables are Streamlit resources keyed by this
module's functions and their arguments, and the page's first run then finds them instead of reading 100k rows
while its first visitor waits.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from pipeline.campaign import load_campaign
from pipeline.config import DATA_DIR, Settings
from pipeline.corpus.output_set import OUTPUT_FILES
from pipeline.view import aggregates, filtering, maplayers, retaking, tables

EVENTS_ENV = "EVENT_MAP_EVENTS_DIR"
CAMPAIGN_ENV = "EVENT_MAP_CAMPAIGN_DIR"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="dashboard.py", allow_abbrev=False)
    parser.add_argument("--events", type=Path, help="an output folder of `python -m pipeline run` (no rebuild)")
    parser.add_argument("--campaign", metavar="NAME",
                        help="campaign folder under DATA_DIR/campaigns/ (default: the one DATA_DIR/campaigns/DEFAULT names)")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="folder holding lexicon/ and campaigns/")
    return parser.parse_known_args(argv)[0]


@dataclass(frozen=True)
class PageSources:
    """Where the page reads from: the options given on the command line or in the environment."""

    settings: Settings
    campaign_dir: Path
    events_dir: Path | None
    """The folder named by --events (or the environment); None for the bundled corpus's own output."""

    @property
    def out_dir(self) -> Path:
        return self.events_dir or self.settings.default_out


def page_sources(argv: list[str]) -> PageSources:
    """The page's sources from its options (a ConfigError names an unknown campaign)."""
    args = parse_args(argv)
    settings = Settings(data_dir=args.data_dir, campaign=args.campaign, cache=False)
    explicit = args.events or (Path(os.environ[EVENTS_ENV]) if os.environ.get(EVENTS_ENV) else None)
    return PageSources(settings, Path(os.environ.get(CAMPAIGN_ENV) or settings.campaign_dir), explicit)


def has_events(folder: Path) -> bool:
    return (folder / "events.parquet").is_file() or (folder / "events.csv").is_file()


def output_stamp(out_dir: Path) -> tuple:
    """Modification times of the output files: a rebuilt output invalidates the cache."""
    return tuple((out_dir / n).stat().st_mtime_ns if (out_dir / n).exists() else 0 for n in OUTPUT_FILES)


@st.cache_resource(show_spinner=False)
def load_campaign_data(campaign_dir: str, data_dir: str):
    """The Campaign, with its calendar, gazetteer and map layers as the views need them."""
    campaign = load_campaign(Path(campaign_dir), Path(data_dir))
    places = tables.places_frame(campaign)
    return campaign, tables.milestones_frame(campaign), places, maplayers.load_map_layers(campaign, places)


@st.cache_resource(show_spinner=False, max_entries=4)
def load_output(out_dir: str, stamp: tuple, campaign_dir: str, data_dir: str):
    """The run's tables, events joined to the gazetteer and the neighbourhood areas, the control table and what
    the filter widgets offer (read once per output, not on every rerun).

    Cached as a resource (shared, not copied per rerun: copying 100k rows cost more than filtering them);
    nothing downstream modifies these tables in place."""
    folder = Path(out_dir)
    campaign, _milestones, places, layers = load_campaign_data(campaign_dir, data_dir)
    events = tables.with_places(tables.load_events(folder), places, maplayers.placeholder_places(places), layers.cells)
    control = retaking.control_table(events, retaking.load_control_words(campaign.lexicon_dir))
    choices = {"places": aggregates.place_options(events, places),
               "event_types": filtering.value_options(events, "event_type"), "actors": filtering.actor_options(events),
               "victims": filtering.value_options(events, "victims"), "outlets": filtering.value_options(events, "outlet")}
    return events, tables.load_articles(folder), tables.load_article_texts(folder), control, choices


def page_tables(sources: PageSources):
    """The output's tables as the page shows them (through the caches)."""
    campaign_dir, data_dir = str(sources.campaign_dir), str(sources.settings.data_dir)
    return load_output(str(sources.out_dir), output_stamp(sources.out_dir), campaign_dir, data_dir)


def warm(argv: list[str]) -> bool:
    """Read the campaign and the output the page will show into the caches; True when done. Nothing is built
    and nothing is reported: an output that is missing or unreadable is left to the page, which says why."""
    try:
        sources = page_sources(argv)
        load_campaign_data(str(sources.campaign_dir), str(sources.settings.data_dir))
        if not has_events(sources.out_dir):
            return False
        page_tables(sources)
    except Exception:  # noqa: BLE001 (the page runs the same reads, uncached after a failure, and shows the error)
        return False
    return True
