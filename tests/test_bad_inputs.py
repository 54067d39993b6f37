"""One test per kind of bad input found by a careful tester: the run finishes, accounts for it, loses nothing."""

import csv
import io
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import EXIT_USAGE, main
from pipeline.corpus.fingerprint import inputs_fingerprint

STRIKE = "قصفت طائرات التحالف حي الزهراء في الموصل يوم الأحد مما أسفر عن مقتل 5 مدنيين وإصابة 7 آخرين."
OTHER = STRIKE.replace("5", "8")
STRIKE_CP1256_PART = "واستهدفت غارة أخرى حي المثنى في الموصل فقتلت 3 مدنيين."


def run(corpus, out, *extra):
    return main(["run", "--articles", str(corpus), "--out", str(out), "--quiet", "--no-progress", "--workers", "1",
                 *extra])


def articles(out) -> dict[str, dict]:
    with open(out / "articles.csv", encoding="utf-8", newline="") as fh:
        return {row["source_path"].rsplit("/", 1)[-1]: row for row in csv.DictReader(fh)}


def events(out) -> pd.DataFrame:
    return pd.read_parquet(out / "events.parquet")


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "in"
    path.mkdir()
    (path / "good.txt").write_text(STRIKE, encoding="utf-8")
    return path


def test_a_dotted_dateline_and_dotted_figures_run_through(folder, tmp_path):
    (folder / "dots.txt").write_text("الموصل 2016.10.23 - " + STRIKE + " ونزح 1.200.000 شخص منذ 12.3.2017 والإصدار 2.4.0.",
                                     encoding="utf-8")
    assert run(folder, tmp_path / "out") == 0
    assert articles(tmp_path / "out")["dots.txt"]["status"] == "ok"


def test_a_dotted_i_before_an_event_word_keeps_every_span_on_its_words(folder, tmp_path):
    (folder / "incirlik.txt").write_text("أقلعت طائرات من قاعدة İncirlik İİ ثم " + STRIKE, encoding="utf-8")
    assert run(folder, tmp_path / "out") == 0
    text = json.loads((tmp_path / "out" / "article_texts.jsonl").read_text("utf-8").splitlines()[1])["text"]
    rows = events(tmp_path / "out")
    rows = rows[rows.article_id == "incirlik"]
    assert len(rows) > 0
    for _, row in rows.iterrows():
        assert text[row.quote_start:row.quote_end] == row.quote
        start, end = json.loads(row.trigger_span)
        assert text[start:end] == row.trigger_text


def test_the_input_fingerprint_survives_sub_folders_unreadable_entries_and_special_files(folder, tmp_path):
    (folder / "manifest.csv").mkdir()
    (folder / "sub").mkdir()
    (folder / "sub" / "x.txt").write_text("x")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    os.mkfifo(folder / "pipe.txt")
    assert inputs_fingerprint(folder, None)
    assert run(folder, tmp_path / "out") == 0


def test_the_fingerprint_does_not_read_a_file_above_the_size_limit(folder):
    big = folder / "big.txt"
    big.write_bytes(b"a" * 5000)
    stamp = big.stat()
    before = inputs_fingerprint(folder, None, max_file_bytes=1000)
    big.write_bytes(b"b" * 5000)
    os.utime(big, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert inputs_fingerprint(folder, None, max_file_bytes=1000) == before
    (folder / "good.txt").write_text(STRIKE + " ", encoding="utf-8")
    assert inputs_fingerprint(folder, None, max_file_bytes=1000) != before


def test_special_files_are_reported_and_never_opened(folder, tmp_path):
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    os.mkfifo(folder / "x.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    assert run(folder, tmp_path / "out") == 0
    rows = articles(tmp_path / "out")
    assert rows["loop.txt"]["reason"] == "read_error" and "loop" in rows["loop.txt"]["message"]
    assert rows["x.txt"]["reason"] == "not_a_regular_file" and "FIFO" in rows["x.txt"]["message"]
    assert rows["zero.txt"]["reason"] == "not_a_regular_file" and "character device" in rows["zero.txt"]["message"]
    assert rows["gone.txt"]["reason"] == "read_error"
    assert rows["good.txt"]["status"] == "ok"


def test_a_jsonl_corpus_that_is_not_a_regular_file_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "c.jsonl").symlink_to("/dev/zero")
    assert run(tmp_path / "c.jsonl", tmp_path / "out") == EXIT_USAGE
    assert "not a regular file" in capsys.readouterr().err


@pytest.mark.parametrize("line", [
    b'{"id": "s", "text": "\\ud800 ' + STRIKE.encode() + b'"}',
    b"[" * 200000 + b"]" * 200000,
    b'{"id": ' + b"7" * 5000 + b', "text": "x"}',
    b'{"id": "' + b"i" * 5000 + b'", "text": "x"}',
    b'{"id": {"a": 1}, "text": "x"}',
    b'{"id": "t", "text": "' + STRIKE.encode() + b'", "title": "\\udfff"}',
])
def test_a_pathological_jsonl_line_is_a_bad_line_and_the_others_are_read(line, tmp_path):
    corpus = tmp_path / "c.jsonl"
    good = json.dumps({"id": "good", "text": STRIKE}, ensure_ascii=False).encode()
    corpus.write_bytes(good + b"\n" + line + b"\n" + good.replace(b'"good"', b'"good2"') + b" \n")
    assert run(corpus, tmp_path / "out") == 0
    rows = list(csv.DictReader(open(tmp_path / "out" / "articles.csv", encoding="utf-8", newline="")))
    assert [r["reason"] for r in rows] == ["", "bad_jsonl_line", "duplicate_content"]


def test_an_over_long_jsonl_line_is_skipped_in_bounded_reads(tmp_path):
    corpus = tmp_path / "c.jsonl"
    good = json.dumps({"id": "good", "text": STRIKE}, ensure_ascii=False).encode()
    corpus.write_bytes(b'{"id": "big", "text": "' + b"a" * 50000 + b'"}\n' + good + b"\n")
    assert run(corpus, tmp_path / "out", "--max-file-bytes", "1000") == 0
    rows = list(csv.DictReader(open(tmp_path / "out" / "articles.csv", encoding="utf-8", newline="")))
    assert [r["reason"] for r in rows] == ["too_large", ""]
    assert rows[0]["source_path"].endswith(":1") and rows[1]["source_path"].endswith(":2")


def test_a_file_name_that_is_not_utf8_is_read_and_written(folder, tmp_path):
    os.rename(folder / "good.txt", os.path.join(os.fsencode(folder), b"caf\xe9.txt"))
    assert run(folder, tmp_path / "out") == 0
    rows = articles(tmp_path / "out")
    assert rows["caf\ufffd.txt"]["status"] == "ok" and rows["caf\ufffd.txt"]["article_id"] == "caf\ufffd"
    assert len(events(tmp_path / "out")) > 0


def test_formula_cells_are_neutralised_in_every_csv_and_raw_in_parquet(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "=cmd.txt").write_text(STRIKE, encoding="utf-8")
    (folder / "manifest.csv").write_text(
        'id,published,outlet,url,title\n=cmd,2017-01-08,"+SUM(A1)","@x","-2+3"\n', encoding="utf-8")
    assert run(folder, tmp_path / "out") == 0
    for name in ("events.csv", "articles.csv"):
        text = (tmp_path / "out" / name).read_text("utf-8")
        for cell in (c for row in csv.reader(io.StringIO(text, newline="")) for c in row):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
    frame = events(tmp_path / "out")
    assert set(frame.outlet) == {"+SUM(A1)"} and set(frame.article_id) == {"=cmd"}


def test_a_carriage_return_inside_a_value_keeps_the_row_count(tmp_path):
    corpus = tmp_path / "c.jsonl"
    lines = [json.dumps({"id": f"a{i}", "text": STRIKE.replace("5", str(i + 2)), "title": "one\rtwo\r\nthree",
                         "outlet": "x\ry"}, ensure_ascii=False) for i in range(3)]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run(corpus, tmp_path / "out") == 0
    by_pandas = pd.read_csv(tmp_path / "out" / "events.csv", dtype=str, keep_default_na=False)
    assert len(by_pandas) == len(events(tmp_path / "out")) and set(by_pandas.title) == {"one\rtwo\r\nthree"}


def test_a_mostly_utf8_file_with_many_bad_bytes_stays_utf8_and_says_so(folder, tmp_path):
    raw = bytearray(STRIKE.encode("utf-8") * 3)
    for k in range(7, len(raw), 40):
        raw[k] = 0xFF
    (folder / "damaged.txt").write_bytes(bytes(raw))
    assert run(folder, tmp_path / "out") == 0
    row = articles(tmp_path / "out")["damaged.txt"]
    assert row["status"] == "ok" and row["reason"] == "invalid_bytes_replaced" and row["encoding"] == "utf-8"


def test_a_file_half_utf8_half_cp1256_is_decoded_part_by_part_and_reported(folder, tmp_path):
    (folder / "mixed.txt").write_bytes(STRIKE.encode("utf-8") + b"\n" + STRIKE_CP1256_PART.encode("cp1256"))
    assert run(folder, tmp_path / "out") == 0
    row = articles(tmp_path / "out")["mixed.txt"]
    assert row["reason"] == "mixed_encoding" and row["encoding"] == "utf-8+cp1256"
    text = json.loads((tmp_path / "out" / "article_texts.jsonl").read_text("utf-8").splitlines()[1])["text"]
    assert text == STRIKE + "\n" + STRIKE_CP1256_PART


def test_a_pure_cp1256_file_is_still_cp1256(folder, tmp_path):
    (folder / "legacy.txt").write_bytes((STRIKE + "\n" + STRIKE_CP1256_PART).encode("cp1256"))
    assert run(folder, tmp_path / "out") == 0
    row = articles(tmp_path / "out")["legacy.txt"]
    assert row["encoding"] == "cp1256" and row["reason"] == ""


@pytest.mark.parametrize("published", ["0001-01-01", "1990-05-01", "2030-01-01", "2107-03-03", "9999-12-31"])
def test_an_implausible_publication_date_is_reported_and_ignored(published, folder, tmp_path):
    (folder / "manifest.csv").write_text(f"id,published\ngood,{published}\n", encoding="utf-8")
    assert run(folder, tmp_path / "out") == 0
    row = articles(tmp_path / "out")["good.txt"]
    assert row["reason"] == "implausible_date" and published in row["message"]
    assert row["date_source"] != "manifest" and row["published"] != published


@pytest.mark.parametrize("manifest, line", [
    ("id,published,outlet,url,title\ngood,2017-01-08,X,u," + "t" * 140000 + "\n", 2),
    ('id,published,outlet\ngood,2017-01-08,"X\nother,2017-01-09,Y\n', 2),
    ('id,published\ngood,2017-01-08\nother,"2017-01-09\n', 3),
])
def test_a_manifest_problem_is_a_usage_error_naming_the_line(manifest, line, folder, tmp_path, capsys):
    (folder / "manifest.csv").write_text(manifest, encoding="utf-8")
    assert run(folder, tmp_path / "out") == EXIT_USAGE
    assert f"line {line}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("html, hidden", [
    ("<p>{strike}</p><!-- محرر: لا تنشر هذا الجزء قصف حي الوحدة", "الوحدة"),
    ("<p>{strike}</p><svg><title>رسم حي الوحدة</title></svg>", "الوحدة"),
    ("<p>{strike}</p><iframe src='x'>متصفحك لا يعرض حي الوحدة</iframe>", "الوحدة"),
])
def test_html_comments_drawings_and_fallbacks_are_not_article_text(html, hidden, folder, tmp_path):
    (folder / "page.html").write_text("<html><head><title>عنوان الصفحة</title></head><body>"
                                      + html.format(strike=OTHER) + "</body></html>", encoding="utf-8")
    assert run(folder, tmp_path / "out") == 0
    record = json.loads((tmp_path / "out" / "article_texts.jsonl").read_text("utf-8").splitlines()[1])
    assert hidden not in record["text"] and OTHER in record["text"] and record["title"] == "عنوان الصفحة"


def test_a_folder_of_every_bad_input_kind_finishes_and_accounts_for_each(folder, tmp_path):
    (folder / "dots.txt").write_text("الموصل 2016.10.23 - " + STRIKE.replace("5", "9"), encoding="utf-8")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    os.mkfifo(folder / "fifo.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(64))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "big.txt").write_bytes("ا".encode() * 3000)
    (folder / "mixed.txt").write_bytes(STRIKE.replace("5", "4").encode("utf-8") + b"\n"
                                       + STRIKE_CP1256_PART.encode("cp1256"))
    (folder / "copy.txt").write_text(STRIKE, encoding="utf-8")
    (folder / "sub").mkdir()
    os.rename(folder / "copy.txt", os.path.join(os.fsencode(folder), b"zcopy\xff.txt"))
    (folder / "manifest.csv").write_text("id,published\ngood,0001-01-01\nghost,2017-01-01\n", encoding="utf-8")
    assert run(folder, tmp_path / "out", "--max-file-bytes", "5000") == 0
    rows = articles(tmp_path / "out")
    names = {_shown(n) for n in os.listdir(folder)} - {"manifest.csv"}
    assert names <= set(rows) and "manifest.csv:3" in rows
    assert len(rows) == len(names) + 1
    assert {rows[n]["status"] for n in ("good.txt", "dots.txt", "mixed.txt")} == {"ok"}
    assert set(events(tmp_path / "out").article_id) == {"good", "dots", "mixed"}


def _shown(name: str) -> str:
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def test_an_input_whose_reading_raises_is_reported_and_the_others_are_read(folder, tmp_path, monkeypatch):
    import pipeline.corpus.ingest

    real = pipeline.corpus.ingest.html_to_text

    def fragile(html):
        if "boom" in html:
            raise AssertionError("parser confused")
        return real(html)

    monkeypatch.setattr(pipeline.corpus.ingest, "html_to_text", fragile)
    (folder / "page.html").write_text("<p>boom " + OTHER + "</p>", encoding="utf-8")
    assert run(folder, tmp_path / "out") == 0
    rows = articles(tmp_path / "out")
    assert rows["page.html"]["reason"] == "read_error" and "AssertionError" in rows["page.html"]["message"]
    assert rows["good.txt"]["status"] == "ok"


def test_a_very_long_line_without_sentence_ends_is_cut_into_bounded_sentences(lexicon_dir):
    from pipeline.extraction.sentences import load_sentence_rules, split_sentences

    rules = load_sentence_rules(lexicon_dir)
    text = ("قصفت الطائرات حي الزهراء، " * 2000).strip()
    sentences = split_sentences(text, rules)
    assert all(len(s.text) <= rules.max_chars for s in sentences) and len(sentences) > 10
    assert all(text[s.start:s.end] == s.text for s in sentences)
    assert "".join(s.text for s in sentences).replace(" ", "") == text.replace(" ", "")
