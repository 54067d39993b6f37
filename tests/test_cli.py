import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import EXIT_USAGE, build_parser, main
from pipeline.corpus.store import ARTICLE_COLUMNS, EVENT_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_EVENT_COLUMNS = [
    "event_id", "cluster_id", "article_id", "outlet", "published", "sentence_index", "quote", "event_type",
    "acled_event_type", "acled_sub_event_type", "actors", "event_date", "date_start", "date_end", "date_precision",
    "date_text", "place_text", "place_id", "place_ar", "place_en", "place_kind", "bank", "lat", "lon", "geo_precision",
    "killed_low", "killed_high", "wounded_low", "wounded_high", "casualties_low", "casualties_high", "displaced_low",
    "displaced_high", "vague", "victims", "cumulative", "confidence"]
SUBCOMMANDS = ["run", "evaluate", "check-data"]


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory, seed_corpus):
    out = tmp_path_factory.mktemp("run")
    assert main(["run", "--articles", str(seed_corpus), "--out", str(out), "--quiet", "--no-progress"]) == 0
    return out


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_answers_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_python_dash_m_pipeline_help_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "pipeline", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and all(c in done.stdout for c in SUBCOMMANDS)


def test_a_missing_articles_path_is_a_usage_error(tmp_path, capsys):
    assert main(["run", "--articles", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == EXIT_USAGE
    assert "does not exist" in capsys.readouterr().err


def test_an_unknown_option_is_a_usage_error():
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--no-such-option"])
    assert exit_info.value.code == 2


def test_run_writes_the_contract_files_with_every_contract_column(seed_run):
    for name in ("events.csv", "events.parquet", "articles.csv", "run.json"):
        assert (seed_run / name).is_file()
    with open(seed_run / "events.csv", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == EVENT_COLUMNS and set(CONTRACT_EVENT_COLUMNS) <= set(header)
    assert list(pd.read_parquet(seed_run / "events.parquet").columns) == EVENT_COLUMNS
    with open(seed_run / "articles.csv", encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == ARTICLE_COLUMNS


def test_every_event_row_keeps_its_quote_verbatim_from_the_article(seed_run, seed_corpus):
    events = pd.read_csv(seed_run / "events.csv", dtype=str, keep_default_na=False)
    assert len(events) > 0
    texts = {json.loads(line)["article_id"]: json.loads(line)["text"]
             for line in (seed_run / "article_texts.jsonl").read_text(encoding="utf-8").splitlines()}
    for row in events.itertuples():
        assert row.quote and texts[row.article_id][int(row.quote_start):int(row.quote_end)] == row.quote


def test_run_json_counts_articles_and_events_and_names_data_versions(seed_run):
    info = json.loads((seed_run / "run.json").read_text(encoding="utf-8"))
    assert info["counts"]["articles_by_status"] == {"ok": 5}
    assert info["counts"]["event_rows"] == len(pd.read_csv(seed_run / "events.csv"))
    assert any(k.endswith("places.csv") for k in info["versions"]["data"])
    assert info["timings"]["total_s"] > 0


def test_two_runs_on_the_same_input_write_the_same_bytes(tmp_path, seed_corpus):
    outs = []
    for name in ("one", "two"):
        out = tmp_path / name
        main(["run", "--articles", str(seed_corpus), "--out", str(out), "--quiet", "--no-cache"])
        outs.append(out)
    for name in ("events.csv", "events.parquet", "articles.csv", "article_texts.jsonl"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    strip = lambda p: {k: v for k, v in json.loads((p / "run.json").read_text()).items() if k != "timings"}
    assert strip(outs[0]) == strip(outs[1])


def test_a_rerun_on_an_unchanged_corpus_takes_every_article_from_the_cache(tmp_path, seed_corpus, capsys):
    out = tmp_path / "out"
    main(["run", "--articles", str(seed_corpus), "--out", str(out), "--quiet"])
    first = (out / "events.csv").read_bytes()
    main(["run", "--articles", str(seed_corpus), "--out", str(out)])
    assert "5 articles came from the cache" in capsys.readouterr().out
    assert (out / "events.csv").read_bytes() == first


def test_the_closing_summary_gives_statuses_event_types_and_time(tmp_path, seed_corpus, capsys):
    main(["run", "--articles", str(seed_corpus), "--out", str(tmp_path), "--no-cache"])
    summary = capsys.readouterr().out
    assert re.search(r"Read 5 inputs \(5 ok\); wrote \d+ event rows in \d+ distinct events \(.*advance", summary)
    assert re.search(r"\d+\.\d s", summary)


def test_readme_documents_both_commands_and_every_subcommand():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/start.sh" in readme and "bash scripts/test.sh" in readme
    for command in SUBCOMMANDS:
        assert f"python -m pipeline {command}" in readme
    for action in build_parser()._subparsers._group_actions[0].choices.values():
        for option in action._option_string_actions:
            if option.startswith("--") and option != "--help":
                assert option in readme, option


def test_readme_scripts_exist_and_ci_runs_the_test_script():
    for script in ("scripts/setup.sh", "scripts/test.sh", "scripts/start.sh", ".ci/run"):
        assert (ROOT / script).is_file()
    assert "scripts/test.sh" in (ROOT / ".ci/run").read_text()


GOOD = "اقتحمت القوات العراقية حي الزهور في الساحل الأيسر من الموصل اليوم بعد اشتباكات عنيفة مع عناصر داعش."


def test_a_folder_of_bad_inputs_is_fully_accounted_for_and_good_files_still_give_events(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "good_cp1256.txt").write_bytes(GOOD.replace("الزهور", "المثنى").encode("cp1256"))
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (corpus / "english.txt").write_text("This report has no Arabic text at all, only English words.", encoding="utf-8")
    (corpus / "good_again.txt").write_text(GOOD, encoding="utf-8")  # after good.txt in name order
    (corpus / "big.txt").write_text(GOOD * 200, encoding="utf-8")
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04 not an article")
    (corpus / "manifest.csv").write_text("id,published,outlet,url,title\ngood,2016-12-01,X,,\n"
                                         "good_cp1256,01/12/2016,Y,,\nghost,2016-12-02,Z,,\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--articles", str(corpus), "--out", str(out), "--quiet", "--max-file-bytes", "5000"]) == 0
    rows = {r["article_id"]: r for r in csv.DictReader(open(out / "articles.csv", encoding="utf-8"))}
    assert {k: (v["status"], v["reason"]) for k, v in rows.items()} == {
        "big": ("unreadable", "too_large"),
        "good_again": ("duplicate", "duplicate_content"),
        "empty": ("empty", "empty_file"),
        "english": ("unreadable", "no_arabic_text"),
        "ghost": ("missing", "manifest_row_without_file"),
        "good": ("ok", ""),
        "good_cp1256": ("ok", "manifest_bad_date"),
        "image": ("unreadable", "binary_file"),
        "notes": ("unreadable", "unsupported_file_type"),
    }
    assert all(r["message"] for r in rows.values() if r["reason"])
    assert int(rows["good"]["n_events"]) > 0 and int(rows["good_cp1256"]["n_events"]) > 0
    assert rows["good_cp1256"]["encoding"] == "cp1256"
    events = pd.read_csv(out / "events.csv", dtype=str, keep_default_na=False)
    assert set(events.article_id) == {"good", "good_cp1256"}
    assert "zuhur" in set(events.place_id)


def test_a_run_of_another_corpus_without_out_writes_a_folder_named_after_it_not_the_bundled_output(tmp_path):
    from pipeline.cli import default_out_for
    from pipeline.config import Settings

    settings = Settings()
    assert default_out_for(settings.default_corpus, settings) == settings.default_out
    assert default_out_for(tmp_path / "my_articles", settings) == settings.default_out.parent / "my_articles"
    assert default_out_for(tmp_path / settings.campaign, settings) != settings.default_out


def test_output_files_are_readable_by_others(tmp_path):
    from pipeline.corpus.store import atomic_write

    atomic_write(tmp_path / "x.csv", lambda tmp: tmp.write_text("a", encoding="utf-8"))
    assert (tmp_path / "x.csv").stat().st_mode & 0o777 == 0o644
