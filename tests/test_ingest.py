"""Ingestion: every input gives a report row, bad inputs never stop good ones."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest

from pipeline.campaign import campaign_names
from pipeline.config import DATA_DIR
from pipeline.errors import ConfigError
from pipeline.corpus.ingest import ALL_REASONS, Reason, Status, read_corpus

PROJECT = Path(__file__).resolve().parents[1]
SEED_CORPUS = PROJECT / "data" / "campaigns" / "mosul" / "corpus"

GOOD = "أعلنت القوات العراقية السبت تحرير حي الصحة في الجانب الغربي من مدينة الموصل بعد معارك عنيفة مع تنظيم داعش."
OTHER = "قصفت طائرات التحالف الدولي مواقع التنظيم في حي الزنجيلي غرب الموصل وقتل عدد من المسلحين في الغارة الجوية."
LIMIT = 2_000


def read(articles: Path, manifest: Path | None = None, max_file_bytes: int = LIMIT):
    return read_corpus(articles, manifest, max_file_bytes=max_file_bytes)


def report_for(reports, article_id):
    matches = [r for r in reports if r.article_id == article_id]
    assert len(matches) == 1, f"expected one row for {article_id!r}, got {matches}"
    return matches[0]


def article_for(articles, article_id):
    matches = [a for a in articles if a.article_id == article_id]
    assert len(matches) == 1, f"expected one article {article_id!r}, got {[a.article_id for a in articles]}"
    return matches[0]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    return corpus


BAD_FILES = [
    ("empty.txt", b"", Status.EMPTY, Reason.EMPTY_FILE),
    ("blank.txt", b"  \r\n\t\n  ", Status.EMPTY, Reason.EMPTY_FILE),
    ("bom_only.txt", codecs.BOM_UTF8 + b"\n", Status.EMPTY, Reason.EMPTY_FILE),
    ("scripts_only.html", b"<html><script>var x = 1;</script><style>p{}</style></html>", Status.EMPTY, Reason.EMPTY_FILE),
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), Status.UNREADABLE, Reason.BINARY_FILE),
    ("report.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>", Status.UNREADABLE, Reason.BINARY_FILE),
    ("nul.txt", GOOD.encode("utf-8") + b"\x00\x00\x00", Status.UNREADABLE, Reason.BINARY_FILE),
    ("controls.txt", bytes(range(1, 9)) * 40, Status.UNREADABLE, Reason.BINARY_FILE),
    ("latin1.txt", "Le café était très animé près de la rivière.".encode("latin-1"), Status.UNREADABLE,
     Reason.UNDECODABLE),
    ("english.txt", b"Iraqi forces advanced into western Mosul on Saturday.", Status.UNREADABLE, Reason.NO_ARABIC_TEXT),
    ("short_arabic.txt", "الموصل".encode("utf-8"), Status.UNREADABLE, Reason.NO_ARABIC_TEXT),
    ("huge.txt", (GOOD + "\n").encode("utf-8") * 20, Status.UNREADABLE, Reason.TOO_LARGE),
    ("photo.jpg", b"\xff\xd8\xff\xe0 not an article", Status.UNREADABLE, Reason.UNSUPPORTED_FILE_TYPE),
    (".DS_Store", b"\x00\x00\x00\x01Bud1", Status.UNREADABLE, Reason.UNSUPPORTED_FILE_TYPE),
    ("README", b"notes about the corpus", Status.UNREADABLE, Reason.UNSUPPORTED_FILE_TYPE),
]


@pytest.mark.parametrize("name, content, status, reason", BAD_FILES, ids=[row[0] for row in BAD_FILES])
def test_bad_file_is_reported_with_its_reason_and_good_file_is_still_read(folder, name, content, status, reason):
    (folder / name).write_bytes(content)
    articles, reports = read(folder)
    bad = report_for(reports, Path(name).stem)
    assert (bad.status, bad.reason) == (status, reason)
    assert bad.source_path == str(folder / name)
    assert bad.message
    assert [a.article_id for a in articles] == ["good"]
    assert report_for(reports, "good").status == Status.OK


def test_too_large_message_names_the_limit_and_the_flag(folder):
    (folder / "huge.txt").write_text(GOOD * 30, encoding="utf-8")
    _, reports = read(folder)
    message = report_for(reports, "huge").message
    assert str(LIMIT) in message and "--max-file-bytes" in message


def test_sub_folder_is_reported_not_entered(folder):
    (folder / "more").mkdir()
    (folder / "more" / "inner.txt").write_text(OTHER, encoding="utf-8")
    articles, reports = read(folder)
    assert report_for(reports, "more").reason == Reason.UNSUPPORTED_FILE_TYPE
    assert [a.article_id for a in articles] == ["good"]


def test_unreadable_article_file_is_reported_as_read_error(folder):
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    articles, reports = read(folder)
    assert report_for(reports, "gone").reason == Reason.READ_ERROR
    assert [a.article_id for a in articles] == ["good"]


def test_same_text_under_two_names_is_a_duplicate_naming_the_first(folder):
    (folder / "copy.txt").write_text(GOOD, encoding="utf-8")
    articles, reports = read(folder)
    duplicate = report_for(reports, "good")
    first = report_for(reports, "copy")
    assert first.status == Status.OK
    assert (duplicate.status, duplicate.reason) == (Status.DUPLICATE, Reason.DUPLICATE_CONTENT)
    assert "'copy'" in duplicate.message
    assert [a.article_id for a in articles] == ["copy"]


def test_duplicate_content_is_detected_across_encodings_and_newlines(folder):
    (folder / "windows.txt").write_bytes((GOOD + "\r\n").encode("cp1256"))
    (folder / "unix.txt").write_bytes((GOOD + "\n").encode("utf-8"))
    _, reports = read(folder)
    assert report_for(reports, "windows").reason == Reason.DUPLICATE_CONTENT


def test_same_id_with_two_extensions_keeps_the_first_in_name_order(folder):
    (folder / "a.html").write_text(f"<p>{OTHER}</p>", encoding="utf-8")
    (folder / "a.txt").write_text(OTHER + " وأضاف المصدر.", encoding="utf-8")
    articles, reports = read(folder)
    rows = [r for r in reports if r.article_id == "a"]
    assert [(r.status, r.reason) for r in rows] == [(Status.OK, ""), (Status.DUPLICATE, Reason.DUPLICATE_ID)]
    assert article_for(articles, "a").source_path.endswith("a.html")
    assert article_for(articles, "good").text == GOOD


def test_unreadable_file_does_not_claim_its_id(folder):
    (folder / "a.html").write_bytes(b"")
    (folder / "a.txt").write_text(OTHER, encoding="utf-8")
    articles, _ = read(folder)
    assert article_for(articles, "a").text == OTHER


def test_utf8_bom_is_dropped_and_recorded(folder):
    (folder / "bom.txt").write_bytes(codecs.BOM_UTF8 + OTHER.encode("utf-8"))
    articles, reports = read(folder)
    article = article_for(articles, "bom")
    assert article.text == OTHER
    assert article.encoding == report_for(reports, "bom").encoding == "utf-8-sig"


def test_windows_1256_bytes_are_decoded_to_arabic(folder):
    (folder / "legacy.txt").write_bytes(OTHER.encode("cp1256"))
    articles, reports = read(folder)
    assert article_for(articles, "legacy").text == OTHER
    assert article_for(articles, "legacy").encoding == report_for(reports, "legacy").encoding == "cp1256"


def test_utf16_with_bom_is_decoded(folder):
    (folder / "wide.txt").write_bytes(OTHER.encode("utf-16"))
    articles, _ = read(folder)
    assert article_for(articles, "wide").text == OTHER
    assert article_for(articles, "wide").encoding == "utf-16"


def test_truncated_utf8_is_read_with_replacement_and_reported(folder):
    (folder / "cut.txt").write_bytes(OTHER.encode("utf-8") + "ال".encode("utf-8")[:-1])
    articles, reports = read(folder)
    report = report_for(reports, "cut")
    assert (report.status, report.reason) == (Status.OK, Reason.INVALID_BYTES_REPLACED)
    assert article_for(articles, "cut").text.startswith(OTHER)


def test_html_drops_scripts_styles_and_unescapes_entities(folder):
    page = (
        "<html><head><title>تحرير حي الصحة</title><style>p { color: red }</style>"
        "<script>if (a < b) { alert('x'); }</script></head><body>"
        "<noscript>فعّل جافاسكربت</noscript><h1>الموصل &amp; نينوى</h1>"
        f"<p>{OTHER}&nbsp;&#1605;</p><template><p>قالب</p></template></body></html>"
    )
    (folder / "page.html").write_text(page, encoding="utf-8")
    articles, _ = read(folder)
    article = article_for(articles, "page")
    assert article.text == f"الموصل & نينوى\n{OTHER} م"
    assert article.title == "تحرير حي الصحة"


def test_html_block_elements_become_line_breaks(folder):
    (folder / "blocks.htm").write_text(f"<div>{GOOD}<br>{OTHER}</div><ul><li>أولا</li><li>ثانيا</li></ul>",
                                       encoding="utf-8")
    (folder / "good.txt").unlink()
    articles, _ = read(folder)
    assert article_for(articles, "blocks").text.split("\n") == [GOOD, OTHER, "أولا", "ثانيا"]


def test_manifest_title_wins_over_html_title(folder):
    (folder / "page.html").write_text(f"<title>عنوان الصفحة</title><p>{OTHER}</p>", encoding="utf-8")
    (folder / "manifest.csv").write_text("id,published,outlet,url,title\npage,,,,عنوان البيان\n", encoding="utf-8")
    articles, _ = read(folder)
    assert article_for(articles, "page").title == "عنوان البيان"


def test_crlf_and_cr_fold_to_lf_and_nothing_else_changes(folder):
    (folder / "win.txt").write_bytes(f"{GOOD}  \r\n\r\n{OTHER}\r".encode("utf-8"))
    (folder / "mac.txt").write_bytes(f"{OTHER}\r{GOOD}\t".encode("utf-8"))
    articles, _ = read(folder)
    assert article_for(articles, "win").text == f"{GOOD}  \n\n{OTHER}\n"
    assert article_for(articles, "mac").text == f"{OTHER}\n{GOOD}\t"


def test_arabic_indic_digits_are_kept(folder):
    text = f"{OTHER} قتل ٣٠٧ مدنيين في ٢٩ آذار ۲۰۱۷."
    (folder / "digits.txt").write_text(text, encoding="utf-8")
    articles, _ = read(folder)
    assert article_for(articles, "digits").text == text


def test_ok_report_carries_length_hash_date_and_encoding(folder):
    articles, reports = read(folder)
    report = report_for(reports, "good")
    digest = hashlib.sha256(GOOD.encode("utf-8")).hexdigest()
    assert (report.chars, report.sha256, report.published, report.date_source, report.encoding) == (
        len(GOOD), digest, "", "unknown", "utf-8")
    assert article_for(articles, "good").sha256 == digest


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_lines_become_articles_with_their_metadata(tmp_path):
    path = write_jsonl(tmp_path / "feed.jsonl", [
        json.dumps({"id": "a1", "text": GOOD, "published": "2017-03-29", "outlet": "Al Sumaria", "url": "http://x/1",
                    "title": "عنوان"}, ensure_ascii=False),
        json.dumps({"id": 2, "text": OTHER + "\r\n"}, ensure_ascii=False),
    ])
    articles, reports = read(path)
    first, second = articles
    assert (first.article_id, first.published, first.date_source, first.outlet, first.url, first.title) == (
        "a1", dt.date(2017, 3, 29), "manifest", "Al Sumaria", "http://x/1", "عنوان")
    assert (second.article_id, second.text, second.published, second.date_source) == ("2", OTHER + "\n", None, "unknown")
    assert [r.source_path for r in reports] == [f"{path}:1", f"{path}:2"]


@pytest.mark.parametrize("line", [
    '{"id": "x", "text": "غير مكتمل',
    '["x", "نص"]',
    json.dumps({"text": GOOD}, ensure_ascii=False),
    json.dumps({"id": "", "text": GOOD}, ensure_ascii=False),
    json.dumps({"id": "x"}),
    json.dumps({"id": "x", "text": ["list"]}),
], ids=["broken_json", "not_an_object", "no_id", "empty_id", "no_text", "text_not_string"])
def test_bad_jsonl_line_is_reported_by_line_and_other_lines_are_read(tmp_path, line):
    path = write_jsonl(tmp_path / "feed.jsonl", [
        json.dumps({"id": "a1", "text": GOOD}, ensure_ascii=False), line,
        json.dumps({"id": "a3", "text": OTHER}, ensure_ascii=False),
    ])
    articles, reports = read(path)
    bad = [r for r in reports if r.status != Status.OK]
    assert [(r.source_path, r.reason) for r in bad] == [(f"{path}:2", Reason.BAD_JSONL_LINE)]
    assert [a.article_id for a in articles] == ["a1", "a3"]


def test_jsonl_blank_lines_are_skipped_and_empty_text_is_reported(tmp_path):
    path = write_jsonl(tmp_path / "feed.jsonl", [
        json.dumps({"id": "a1", "text": GOOD}, ensure_ascii=False), "", json.dumps({"id": "a2", "text": "  "}),
    ])
    articles, reports = read(path)
    assert [(r.source_path, r.reason) for r in reports] == [(f"{path}:1", ""), (f"{path}:3", Reason.EMPTY_FILE)]
    assert len(articles) == 1


def test_jsonl_line_above_the_size_limit_is_too_large(tmp_path):
    path = write_jsonl(tmp_path / "feed.jsonl", [
        json.dumps({"id": "big", "text": GOOD * 30}, ensure_ascii=False),
        json.dumps({"id": "a2", "text": GOOD}, ensure_ascii=False),
    ])
    articles, reports = read(path)
    assert reports[0].reason == Reason.TOO_LARGE
    assert [a.article_id for a in articles] == ["a2"]


def test_jsonl_bad_published_value_is_reported_and_dropped(tmp_path):
    path = write_jsonl(tmp_path / "feed.jsonl", [
        json.dumps({"id": "a1", "text": GOOD, "published": "29/03/2017"}, ensure_ascii=False)])
    articles, reports = read(path)
    assert (reports[0].status, reports[0].reason) == (Status.OK, Reason.MANIFEST_BAD_DATE)
    assert articles[0].published is None


def write_manifest(path: Path, rows: str, bom: bool = False) -> Path:
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + rows.encode("utf-8"))
    return path


def test_manifest_gives_date_outlet_and_url(folder, tmp_path):
    manifest = write_manifest(tmp_path / "meta.csv",
                              "id,published,outlet,url,title,date_evidence\ngood,2017-03-29,Rudaw,http://r/1,,'Wednesday'\n")
    articles, reports = read(folder, manifest)
    article = article_for(articles, "good")
    assert (article.published, article.date_source, article.outlet, article.url) == (
        dt.date(2017, 3, 29), "manifest", "Rudaw", "http://r/1")
    assert (report_for(reports, "good").published, report_for(reports, "good").date_source) == ("2017-03-29", "manifest")


def test_manifest_with_bom_and_padded_header_is_read(folder, tmp_path):
    manifest = write_manifest(tmp_path / "meta.csv", "ID , Published\r\ngood, 2016-10-17 \r\n", bom=True)
    articles, _ = read(folder, manifest)
    assert article_for(articles, "good").published == dt.date(2016, 10, 17)


def test_manifest_bad_date_keeps_article_ok_and_names_the_value(folder, tmp_path):
    manifest = write_manifest(tmp_path / "meta.csv", "id,published\ngood,2017-02-30\n")
    articles, reports = read(folder, manifest)
    report = report_for(reports, "good")
    assert (report.status, report.reason, report.published) == (Status.OK, Reason.MANIFEST_BAD_DATE, "")
    assert "2017-02-30" in report.message and "YYYY-MM-DD" in report.message
    assert article_for(articles, "good").published is None


def test_manifest_row_without_file_is_reported_missing(folder, tmp_path):
    manifest = write_manifest(tmp_path / "meta.csv", "id,published\ngood,2017-01-01\nlost,2017-01-02\n")
    articles, reports = read(folder, manifest)
    lost = report_for(reports, "lost")
    assert (lost.status, lost.reason, lost.source_path) == (
        Status.MISSING, Reason.MANIFEST_ROW_WITHOUT_FILE, f"{manifest}:3")
    assert [a.article_id for a in articles] == ["good"]


def test_file_missing_from_manifest_is_ok_with_a_note(folder, tmp_path):
    (folder / "extra.txt").write_text(OTHER, encoding="utf-8")
    manifest = write_manifest(tmp_path / "meta.csv", "id,published\ngood,2017-01-01\n")
    articles, reports = read(folder, manifest)
    extra = report_for(reports, "extra")
    assert (extra.status, extra.reason) == (Status.OK, Reason.NOT_IN_MANIFEST)
    assert "inferred from the text" in extra.message
    assert report_for(reports, "good").reason == ""


def test_no_manifest_means_no_not_in_manifest_note(folder):
    _, reports = read(folder)
    assert report_for(reports, "good").reason == ""


def test_manifest_id_may_be_the_file_name(folder, tmp_path):
    manifest = write_manifest(tmp_path / "meta.csv", "id,published\ngood.txt,2017-01-01\n")
    articles, reports = read(folder, manifest)
    assert article_for(articles, "good").published == dt.date(2017, 1, 1)
    assert all(r.status == Status.OK for r in reports)


def test_manifest_csv_inside_the_folder_is_used_and_not_reported(folder):
    write_manifest(folder / "manifest.csv", "id,published,outlet\ngood,2017-05-09,AFP\n")
    articles, reports = read(folder)
    assert article_for(articles, "good").outlet == "AFP"
    assert [r.article_id for r in reports] == ["good"]


def test_explicit_manifest_replaces_the_one_in_the_folder(folder, tmp_path):
    write_manifest(folder / "manifest.csv", "id,published\ngood,2017-05-09\n")
    manifest = write_manifest(tmp_path / "meta.csv", "id,published\ngood,2017-05-10\n")
    articles, reports = read(folder, manifest)
    assert article_for(articles, "good").published == dt.date(2017, 5, 10)
    assert report_for(reports, "manifest").reason == Reason.UNSUPPORTED_FILE_TYPE


def test_manifest_duplicate_row_of_a_duplicate_file_is_not_missing(folder):
    (folder / "copy.txt").write_text(GOOD, encoding="utf-8")
    write_manifest(folder / "manifest.csv", "id,published\ncopy,2017-05-09\ngood,2017-05-09\n")
    _, reports = read(folder)
    assert not [r for r in reports if r.status == Status.MISSING]


@pytest.mark.parametrize("content, problem", [
    ("article,date\ngood,2017-01-01\n".encode("utf-8"), "no 'id' column"),
    (b"", "no 'id' column"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "NUL bytes"),
    ("id,published\ngood,x\n".encode("utf-16-le"), "NUL bytes"),
    ("id,outlet\ngood,العربية\n".encode("cp1256"), "not UTF-8"),
    ("id,published\ngood,2017-01-01\ngood,2017-01-02\n".encode("utf-8"), "already appears"),
    ("id,published\n,2017-01-01\n".encode("utf-8"), "the id is empty"),
], ids=["no_id_column", "empty", "binary", "utf16_without_bom", "cp1256", "repeated_id", "empty_id"])
def test_unusable_manifest_raises_config_error(folder, tmp_path, content, problem):
    manifest = tmp_path / "meta.csv"
    manifest.write_bytes(content)
    with pytest.raises(ConfigError, match=re.escape(problem)):
        read(folder, manifest)


def test_missing_manifest_file_raises_config_error(folder, tmp_path):
    with pytest.raises(ConfigError, match="cannot be read"):
        read(folder, tmp_path / "absent.csv")


def test_missing_articles_path_raises_config_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        read(tmp_path / "absent")


def test_single_text_file_as_articles_path_raises_config_error(folder):
    with pytest.raises(ConfigError, match="neither a folder nor a .jsonl file"):
        read(folder / "good.txt")


def test_same_input_read_twice_gives_equal_results(folder):
    (folder / "b.html").write_text(f"<p>{OTHER}</p>", encoding="utf-8")
    (folder / "a.txt").write_bytes(b"")
    write_manifest(folder / "manifest.csv", "id,published\nb,2017-01-01\nz,2017-01-02\n")
    assert read(folder) == read(folder)


def test_rows_follow_file_name_order_then_unused_manifest_rows(folder):
    for name in ("zeta.txt", "alpha.txt", "mid.txt"):
        (folder / name).write_text(f"{OTHER} {name}", encoding="utf-8")
    write_manifest(folder / "manifest.csv", "id,published\nlost,\n")
    _, reports = read(folder)
    assert [r.article_id for r in reports] == ["alpha", "good", "mid", "zeta", "lost"]


def test_bundled_seed_corpus_reads_five_articles_with_manifest_dates():
    articles, reports = read(SEED_CORPUS, max_file_bytes=2_000_000)
    assert len(articles) == 5 and [r.status for r in reports] == [Status.OK] * 5
    dated = {a.article_id: a.published for a in articles if a.published}
    assert dated == {
        "001_df3582c052f954e8": dt.date(2016, 10, 18),
        "002_c0df1516230a6e23": dt.date(2017, 4, 1),
        "003_da85cc435e4eabdf": dt.date(2016, 12, 29),
        "004_cc77c13454a4ccd6": dt.date(2017, 5, 9),
    }
    undated = article_for(articles, "000_d1f03b88b6bb7377")
    assert (undated.date_source, undated.outlet) == ("unknown", "Al-Araby Al-Jadeed")
    for article in articles:
        assert article.text == (SEED_CORPUS / f"{article.article_id}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("corpus", [DATA_DIR / "campaigns" / n / "corpus" for n in campaign_names(DATA_DIR)
                                    if (DATA_DIR / "campaigns" / n / "corpus").is_dir()],
                         ids=lambda corpus: corpus.parent.name)
def test_every_bundled_corpus_reads_without_bad_input(corpus):
    articles, reports = read(corpus, max_file_bytes=2_000_000)
    assert articles and [r.status for r in reports] == [Status.OK] * len(articles)
    assert all(a.article_id and a.text for a in articles)


def test_every_reason_code_is_documented():
    doc = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert [reason for reason in ALL_REASONS if f"`{reason}`" not in doc] == []
