import json

import pandas as pd
import pytest

from pipeline.corpus.dedup import ClosedCluster
from pipeline.corpus.store import (CLUSTER_COLUMNS, EVENT_COLUMNS, OutputWriter, atomic_write, columns_frame, encode_rows,
                                   event_row, event_values, events_frame, events_table)

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


def test_two_figures_of_one_kind_joined_by_and_add_up():
    row = event_row(event("a" * 16, figures=[figure("killed", 3, 3), figure("killed", 4, 6, rule="coordinated")]))
    assert (row["killed_low"], row["killed_high"]) == (7, 9)


def test_figures_of_different_groups_are_not_summed():
    fighters = figure("killed", 6, 6, victims="isis", rule="coordinated")
    row = event_row(event("a" * 16, figures=[figure("killed", 4, 4), fighters]))
    assert (row["killed_low"], row["killed_high"]) == (4, 4)


def test_parts_of_a_total_are_not_summed():
    row = event_row(event("a" * 16, figures=[figure("displaced", 100, 100), figure("displaced", 40, 40)]))
    assert row["displaced_low"] == 100


def test_a_vague_figure_leaves_the_stated_one_countable():
    row = event_row(event("a" * 16, figures=[figure("killed", 24, 24), figure("wounded", 20, 99, vague=True)]))
    assert (row["killed_low"], row["wounded_low"], row["vague"]) == (24, None, False)
    assert row["vague_figures"].startswith("wounded 20-99")


def test_a_row_of_vague_figures_only_keeps_their_ranges_and_is_flagged():
    row = event_row(event("a" * 16, figures=[figure("wounded", 20, 99, vague=True)]))
    assert (row["wounded_low"], row["wounded_high"], row["vague"]) == (20, 99, True)


def test_households_keep_their_unit():
    row = event_row(event("a" * 16, figures=[figure("displaced", 450, 450, unit="families")]))
    assert (row["displaced_low"], row["displaced_unit"]) == (450, "families")


def test_each_figure_names_the_rule_that_read_it():
    row = event_row(event("a" * 16, figures=[figure(rule="verb_before_number")]))
    assert row["figure_rules"] == "killed:verb_before_number"


def test_spans_are_written_as_json_offsets():
    row = event_row(event("a" * 16))
    assert json.loads(row["place_span"]) == [10, 16]


def test_frame_types_are_stable_for_parquet():
    df = events_frame([event("a" * 16, figures=[figure()]), event("b" * 16)], {})
    assert df["killed_low"].dtype == pd.Int64Dtype() and df["lat"].dtype == "float64" and df["vague"].dtype == bool


def test_the_cluster_columns_follow_the_event_id():
    assert EVENT_COLUMNS[:4] == ["event_id", *CLUSTER_COLUMNS]


def test_the_arrow_table_built_by_columns_is_the_table_of_the_typed_frame():
    import pyarrow as pa

    rows = [event_values(event("a" * 16, figures=[figure()])), event_values(event("b" * 16))]
    rows[1] = rows[1][:5] + (None,) + rows[1][6:]  # a missing text cell (outlet)
    columns = list(zip(*rows))
    assert events_table(columns).equals(pa.Table.from_pandas(columns_frame(columns), preserve_index=False),
                                        check_metadata=True)


def test_a_column_arrow_would_read_differently_goes_through_the_frame():
    import pyarrow as pa

    row = event_values(event("a" * 16))
    columns = [(v,) for v in row[:5]] + [(17,)] + [(v,) for v in row[6:]]  # a number in a text column (outlet)
    assert events_table(columns).column("outlet").to_pylist() == ["17"]
    assert events_table(columns).equals(pa.Table.from_pandas(columns_frame(columns), preserve_index=False))


def test_parquet_row_groups_hold_the_group_size_whatever_the_articles_and_batches_sizes(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from pipeline.corpus import store

    monkeypatch.setattr(store, "ROWS_PER_GROUP", 3)
    writer = OutputWriter(tmp_path)
    ids = [f"{i:016x}" for i in range(8)]
    for batch in ([ids[:2], ids[2:7]], [ids[7:]]):
        rows = []
        for article in batch:
            rows += [event_values(event(i)) for i in article]
            writer.add_article(b"{}\n", [0] * len(article), {0: ClosedCluster(article[0], article[-1], len(article))})
        writer.add_rows(encode_rows(rows))
    writer.finish(lambda cluster, event_id: ("", False, 0))
    parquet = pq.ParquetFile(tmp_path / "events.parquet")
    assert [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)] == [3, 3, 2]
    frame = pd.read_csv(tmp_path / "events.csv", dtype=str)
    table = parquet.read()
    assert frame["event_id"].tolist() == ids == table.column("event_id").to_pylist()
    assert frame["cluster_id"].tolist() == [ids[0]] * 2 + [ids[2]] * 5 + [ids[7]] == table.column("cluster_id").to_pylist()
    assert frame["cluster_primary"].tolist() == ["False", "True", "False", "False", "False", "False", "True", "True"]
    assert table.column("cluster_size").to_pylist() == [2, 2, 5, 5, 5, 5, 5, 1]


def test_a_row_group_that_cannot_be_written_fails_the_events_files_with_its_error(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from pipeline.corpus import store

    monkeypatch.setattr(store, "ROWS_PER_GROUP", 2)
    written = []

    def write_table(self, table, *args, **kwargs):
        written.append(table.num_rows)
        if len(written) == 2:
            raise OSError("disk full")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", write_table)
    writer = OutputWriter(tmp_path)
    ids = [f"{i:016x}" for i in range(7)]
    writer.add_article(b"{}\n", [0] * len(ids), {0: ClosedCluster(ids[0], ids[0], len(ids))})
    writer.add_rows(encode_rows([event_values(event(i)) for i in ids]))
    with pytest.raises(OSError, match="disk full"):
        writer.finish(lambda cluster, event_id: ("", False, 0))
