"""Control over time: per neighbourhood area, when it was first reported retaken (with the quote and outlet as
evidence), when forces were first reported advancing there, conflicting reports, each area's status on a day, and
how the first-retaken dates compare with the calendar's milestones.

It exists apart from the other aggregations because it reads the reports' wording (control_words.yaml), not only
their counts, and because the map's control mode and its check against the calendar share it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
import yaml

from pipeline.resources import YAML_LOADER

CONFLICT_DAYS = 7
"""Two reports of the same place retaken more than this many days apart are shown as conflicting."""
FIGHTING_TYPES = ("clash", "shelling", "airstrike", "vbied_ied", "sniper")
ARABIC_MARKS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ـ": None} | {chr(c): None for c in range(0x064B, 0x0653)})


def load_control_words(lexicon_dir: Path) -> tuple[str, ...]:
    """The stems of control_words.yaml that make an advance report a report of a place retaken."""
    try:
        data = yaml.load((lexicon_dir / "control_words.yaml").read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}
    except OSError:
        return ()
    return tuple(str(w).translate(ARABIC_MARKS) for w in data.get("retaken") or ())


def reports_retaken(triggers: pd.Series, words: Iterable[str]) -> np.ndarray:
    """Whether each trigger (with an attached و or ف dropped) begins with a retaken stem."""
    words = tuple(words)
    plain = triggers.astype(str).str.translate(ARABIC_MARKS).str.replace(r"^[وف](?=..)", "", regex=True)
    return plain.str.startswith(words).to_numpy(bool) if words else np.zeros(len(triggers), dtype=bool)


CONTROL_COLUMNS = ["area_id", "first_retaken", "evidence_quote", "evidence_outlet", "evidence_article",
                   "evidence_event", "reports", "conflict", "report_dates", "first_advance", "fighting_after"]


def control_table(events: pd.DataFrame, words: Iterable[str]) -> pd.DataFrame:
    """Per neighbourhood area (or place outside the city) with an advance report: the first date it is reported
    retaken (NaT when never), with the quote and outlet as evidence, the first date of any advance report, and
    conflicts: retaken reports more than CONFLICT_DAYS apart, or fighting reported there after that.

    Only dated events located to a point count; an area-level advance ("east Mosul") says nothing of a neighbourhood.
    """
    read = ["_undated", "_precision", "_cell", "place_id", "event_type", "trigger_text", "_when", "event_id", "quote",
            "outlet", "article_id"]
    rows = events[read]  # the columns read, so the 100k-row filters below copy 11 columns, not every one
    dated = rows[~rows["_undated"] & rows["_precision"].isin(("point", "estimate", "offset"))]
    area = dated["_cell"].where(dated["_cell"] != "", dated["place_id"])
    dated = dated.assign(area_id=area)
    advance = dated[dated["event_type"] == "advance"]
    if advance.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in CONTROL_COLUMNS})
    retaken = advance[reports_retaken(advance["trigger_text"], words)].sort_values(["_when", "event_id"])
    first = retaken.drop_duplicates("area_id").set_index("area_id")
    per_article = retaken.drop_duplicates(["area_id", "article_id"])
    table = pd.DataFrame({"first_advance": advance.groupby("area_id")["_when"].min()})
    table = table.join(pd.DataFrame({
        "first_retaken": first["_when"], "evidence_quote": first["quote"], "evidence_outlet": first["outlet"],
        "evidence_article": first["article_id"], "evidence_event": first["event_id"],
        "reports": per_article.groupby("area_id").size()}))
    when = per_article.groupby("area_id")["_when"]
    spread = (when.max() - when.min()).dt.days.astype(float)
    table["report_dates"] = per_article.groupby("area_id").apply(
        lambda g: "; ".join(f"{w:%Y-%m-%d} ({o or a})" for w, o, a in zip(g["_when"], g["outlet"], g["article_id"])),
        include_groups=False) if len(per_article) else ""
    fights = dated[dated["event_type"].isin(FIGHTING_TYPES)][["area_id", "_when"]]
    later = fights.join(table["first_retaken"], on="area_id")
    later = later[later["_when"] > later["first_retaken"] + pd.Timedelta(days=CONFLICT_DAYS)]
    table["fighting_after"] = later.groupby("area_id").size().reindex(table.index).fillna(0).astype(int)
    table["conflict"] = (spread.reindex(table.index).fillna(0) > CONFLICT_DAYS) | (table["fighting_after"] > 0)
    table["reports"] = table["reports"].fillna(0).astype(int)
    for column in ("evidence_quote", "evidence_outlet", "evidence_article", "evidence_event", "report_dates"):
        table[column] = table[column].fillna("")
    table = table.rename_axis("area_id").reset_index()[CONTROL_COLUMNS]
    return table.sort_values(["first_retaken", "first_advance", "area_id"]).reset_index(drop=True)


def control_at(table: pd.DataFrame, day: date) -> pd.Series:
    """Status of each area on a day: "retaken" once reported retaken, "contested" once forces are reported
    advancing there, otherwise "none" (no report yet: not a claim about who held it)."""
    moment = pd.Timestamp(day)
    status = np.where(table["first_retaken"] <= moment, "retaken",
                      np.where(table["first_advance"] <= moment, "contested", "none"))
    return pd.Series(status, index=table["area_id"].to_numpy())


def milestone_check(table: pd.DataFrame, areas: pd.DataFrame, milestones: pd.DataFrame,
                    bank_milestones: Mapping[str, str], start_milestones: Mapping[str, str] | None = None
                    ) -> pd.DataFrame:
    """Per bank: its milestone (bank declared retaken) and how the first-retaken dates of its neighbourhoods
    compare: reported retaken by then, only after it, never; and before forces had entered the bank (suspect)."""
    by_id = {row.milestone_id: row.date for row in milestones.itertuples()}
    rows = []
    for bank, milestone in bank_milestones.items():
        when, start = by_id.get(milestone), by_id.get((start_milestones or {}).get(bank))
        ids = set(areas.loc[areas["bank"] == bank, "place_id"])
        mine = table[table["area_id"].isin(ids) & table["first_retaken"].notna()]
        late = mine[mine["first_retaken"] > when] if when is not None else mine.iloc[0:0]
        early = mine[mine["first_retaken"] < start] if start is not None else mine.iloc[0:0]
        rows.append({"bank": bank, "milestone": milestone, "date": when, "areas": len(ids),
                     "retaken_by_milestone": int((mine["first_retaken"] <= when).sum()) if when is not None else 0,
                     "retaken_after": len(late), "never_reported": len(ids) - len(mine),
                     "start": start, "retaken_before_start": len(early),
                     "after": "; ".join(f"{a} {d:%Y-%m-%d}" for a, d in zip(late["area_id"], late["first_retaken"])),
                     "before": "; ".join(f"{a} {d:%Y-%m-%d}" for a, d in zip(early["area_id"], early["first_retaken"]))})
    return pd.DataFrame(rows)
