import json

import pandas as pd
import pytest

from pipeline.store import EVENT_COLUMNS, atomic_write, event_row, events_frame

from builders import event, figure


def test_a_failure_mid_write_leaves_the_previous_file_intact(tmp_path):
    target = tmp_path / "events.csv"
    target.write_text("previous run", encoding="utf-8")

    def crash(tmp):
        tmp.write_text("half a fi", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, crash)
    assert target.read_text(encoding="utf-8") == "previous run"
    assert [p.name for p in tmp_path.iterdir()] == ["events.csv"]


def test_event_row_has_every_contract_column():
    row = event_row(event("a" * 16))
    assert set(EVENT_COLUMNS) <= set(row)


def test_open_ended_figure_keeps_its_low_and_leaves_the_high_empty():
    row = event_row(event("a" * 16, figures=[figure("killed", 307, None)]))
    assert (row["killed_low"], row["killed_high"]) == (307, None)


def test_two_figures_of_one_kind_add_up():
    row = event_row(event("a" * 16, figures=[figure("killed", 3, 3), figure("killed", 4, 6)]))
    assert (row["killed_low"], row["killed_high"]) == (7, 9)


def test_spans_are_written_as_json_offsets():
    row = event_row(event("a" * 16))
    assert json.loads(row["place_span"]) == [10, 16]


def test_frame_types_are_stable_for_parquet():
    df = events_frame([event("a" * 16, figures=[figure()]), event("b" * 16)], {})
    assert df["killed_low"].dtype == pd.Int64Dtype() and df["lat"].dtype == "float64" and df["vague"].dtype == bool
