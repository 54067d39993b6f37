"""One article never stops a run: extraction errors become `failed` rows, and their causes are fixed."""

import csv
import json

import pytest

import pipeline.corpus.work
from pipeline.cli import main
from pipeline.extraction.numbers import find_numbers, load_number_lexicon
from pipeline.extraction.textnorm import normalise

STRIKE = "قصفت طائرات التحالف حي الزهراء في الموصل يوم الأحد مما أسفر عن مقتل 5 مدنيين وإصابة 7 آخرين."


def read_articles(out):
    with open(out / "articles.csv", encoding="utf-8", newline="") as fh:
        return {row["article_id"]: row for row in csv.DictReader(fh)}


def write_corpus(folder, **texts):
    folder.mkdir()
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path):
    return write_corpus(tmp_path / "in", good=STRIKE, bad="غارة جوية على حي المثنى في الموصل قتلت 3 مدنيين.")


def test_an_article_whose_extraction_raises_is_failed_and_the_run_goes_on(corpus, tmp_path, monkeypatch, capsys):
    real = pipeline.corpus.work.extract_article

    def flaky(article, resources):
        if article.article_id == "bad":
            raise ZeroDivisionError("boom")
        return real(article, resources)

    monkeypatch.setattr(pipeline.corpus.work, "extract_article", flaky)
    out = tmp_path / "out"
    assert main(["run", "--articles", str(corpus), "--out", str(out), "--no-progress"]) == 0
    rows = read_articles(out)
    assert rows["bad"]["status"] == "failed" and rows["bad"]["reason"] == "extraction_error"
    assert "ZeroDivisionError at tests/test_fault_isolation.py" in rows["bad"]["message"]
    assert "boom" in rows["bad"]["message"]
    assert rows["good"]["status"] == "ok" and int(rows["good"]["n_events"]) > 0
    texts = {json.loads(line)["article_id"] for line in (out / "article_texts.jsonl").read_text("utf-8").splitlines()}
    assert texts == {"good", "bad"}
    assert "1 article(s) failed in extraction" in capsys.readouterr().out


def test_a_failed_article_is_not_cached_and_is_retried_next_run(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out"
    monkeypatch.setattr(pipeline.corpus.work, "extract_article", lambda a, r: 1 / 0)
    assert main(["run", "--articles", str(corpus), "--out", str(out), "--quiet", "--no-progress"]) == 0
    monkeypatch.undo()
    assert main(["run", "--articles", str(corpus), "--out", str(out), "--quiet", "--no-progress"]) == 0
    assert {r["status"] for r in read_articles(out).values()} == {"ok"}


@pytest.mark.parametrize("dotted", ["12.3.2017", "1.200.000", "2016.10.23", "2.4.0", "1.2.3.4.5", "23.10.2016م"])
def test_dotted_numbers_and_dates_never_raise(dotted, lexicon_dir):
    find_numbers(normalise(f"قتل {dotted} شخصا"), load_number_lexicon(lexicon_dir))


def test_grouped_digits_with_points_are_a_thousands_number(lexicon_dir):
    values = [m.value for m in find_numbers(normalise("نزوح 1.200.000 شخص"), load_number_lexicon(lexicon_dir))]
    assert values == [1200000]


@pytest.mark.parametrize("dotted", ["12.3.2017", "2016.10.23"])
def test_a_dotted_date_is_not_a_count(dotted, lexicon_dir):
    assert find_numbers(normalise(f"في {dotted} قتل"), load_number_lexicon(lexicon_dir)) == []


def test_a_dotted_dateline_is_read_as_the_date(tmp_path):
    corpus = write_corpus(tmp_path / "in", a="الموصل 2016.10.23\n" + STRIKE)
    out = tmp_path / "out"
    assert main(["run", "--articles", str(corpus), "--out", str(out), "--quiet", "--no-progress"]) == 0
    row = read_articles(out)["a"]
    assert row["status"] == "ok" and row["published"] == "2016-10-23"


@pytest.mark.parametrize("text", ["İncirlik غارة", "İİ غارة", "aİbİc غارة"])
def test_the_normaliser_records_one_offset_per_output_character(text):
    norm = normalise(text)
    assert len(norm.offsets) == len(norm.text)
    start = norm.text.index(normalise("غارة").text)
    a, b = norm.to_original(start, start + 4)
    assert text[a:b] == "غارة"


def test_an_article_whose_rows_cannot_be_written_is_failed_and_the_run_goes_on(corpus, tmp_path, monkeypatch):
    real = pipeline.corpus.work.event_values

    def unwritable(event, article):
        if article.article_id == "bad":
            raise KeyError("no column for this figure kind")
        return real(event, article)

    monkeypatch.setattr(pipeline.corpus.work, "event_values", unwritable)
    out = tmp_path / "out"
    assert main(["run", "--articles", str(corpus), "--out", str(out), "--quiet", "--no-progress"]) == 0
    rows = read_articles(out)
    assert rows["bad"]["status"] == "failed" and "KeyError" in rows["bad"]["message"]
    assert rows["good"]["status"] == "ok" and int(rows["good"]["n_events"]) > 0
