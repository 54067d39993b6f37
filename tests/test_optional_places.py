"""Optional extras: the Nominatim geocoder (against a local fake server) and CAMeL NER toponym proposals."""

from __future__ import annotations

import csv
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch
from urllib.parse import parse_qs, urlparse

import pytest
from geopy.extra.rate_limiter import RateLimiter

from pipeline.errors import ConfigError
from pipeline.records import PlaceMention
from pipeline.extraction.toponyms.geocode import NominatimResolver

# ---------------------------------------------------------------- geocoder

ANSWERS = {
    "بعشيقة": [{"lat": "36.4547", "lon": "43.3508", "display_name": "بعشيقة, نينوى, العراق"}],
    "كهريز الصغير": [{"lat": "36.2101", "lon": "43.1702", "display_name": "كهريز الصغير, نينوى"}],
    "باريس": [{"lat": "48.8566", "lon": "2.3522", "display_name": "Paris, France"}],
    "الفيصلية": [{"lat": "48.0", "lon": "2.0", "display_name": "somewhere else"},
                 {"lat": "36.3477", "lon": "43.1469", "display_name": "الفيصلية, الموصل"}],
}


class _FakeNominatim(BaseHTTPRequestHandler):
    """Answers /search like Nominatim's JSON API and records every request."""

    requests: list[dict] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        type(self).requests.append({"path": url.path, **query})
        body = json.dumps(ANSWERS.get(query.get("q", ""), []), ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    _FakeNominatim.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _FakeNominatim)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd, _FakeNominatim.requests
    httpd.shutdown()
    httpd.server_close()


def _resolver(server, tmp_path, **kw):
    httpd, _ = server
    return NominatimResolver("mosul-events-tests", domain=f"127.0.0.1:{httpd.server_address[1]}", scheme="http",
                             cache_dir=tmp_path / "cache", **{"viewbox": (35.5, 42.0, 37.0, 44.0), **kw})


@pytest.fixture()
def no_sleep():
    with patch.object(RateLimiter, "_clock", return_value=0.0), patch.object(RateLimiter, "_sleep") as sleep:
        yield sleep


def test_geocoder_returns_an_answer_inside_the_campaign_box(server, tmp_path, no_sleep):
    found = _resolver(server, tmp_path, min_delay_seconds=0).resolve("بعشيقة")
    assert (found.lat, found.lon, found.display_name) == (36.4547, 43.3508, "بعشيقة, نينوى, العراق")
    _, requests = server
    assert requests[0]["path"] == "/search" and requests[0]["bounded"] == "1" and "viewbox" in requests[0]


def test_geocoder_rejects_answers_outside_the_campaign_box(server, tmp_path, no_sleep):
    assert _resolver(server, tmp_path, min_delay_seconds=0).resolve("باريس") is None


def test_geocoder_skips_an_outside_answer_for_an_inside_one(server, tmp_path, no_sleep):
    assert _resolver(server, tmp_path, min_delay_seconds=0).resolve("الفيصلية").display_name == "الفيصلية, الموصل"


def test_geocoder_asks_for_a_name_once_and_then_reads_its_disk_cache(server, tmp_path, no_sleep):
    _, requests = server
    _resolver(server, tmp_path, min_delay_seconds=0).resolve("بعشيقة")
    again = _resolver(server, tmp_path, min_delay_seconds=0).resolve("بعشيقة")
    assert len(requests) == 1 and again.lat == 36.4547


def test_geocoder_caches_empty_answers_too(server, tmp_path, no_sleep):
    _, requests = server
    resolver = _resolver(server, tmp_path, min_delay_seconds=0)
    assert resolver.resolve("لا مكان") is None and resolver.resolve("لا مكان") is None
    assert len(requests) == 1


@pytest.mark.parametrize("damaged", ['{"query": "بعشيقة", "answ'.encode(), b'{"answers": 3}', b"[1, 2]", b"\xff\xfe"])
def test_geocoder_asks_again_for_a_name_whose_cache_entry_is_unreadable_and_rewrites_it(server, tmp_path, no_sleep,
                                                                                         damaged):
    _, requests = server
    resolver = _resolver(server, tmp_path, min_delay_seconds=0)
    resolver.resolve("بعشيقة")
    (entry,) = (tmp_path / "cache").glob("*.json")
    entry.write_bytes(damaged)
    assert resolver.resolve("بعشيقة").lat == 36.4547
    assert len(requests) == 2 and json.loads(entry.read_text(encoding="utf-8"))["answers"]


def test_geocoder_passes_over_a_cached_answer_without_a_usable_coordinate(server, tmp_path, no_sleep):
    resolver = _resolver(server, tmp_path, min_delay_seconds=0)
    resolver.resolve("بعشيقة")
    (entry,) = (tmp_path / "cache").glob("*.json")
    entry.write_text(json.dumps({"query": "بعشيقة", "answers": [{"lat": "", "lon": "43.3"}, {"display_name": "x"},
                                                                 {"lat": "36.0", "lon": "43.33", "display_name": "y"}]}),
                     encoding="utf-8")
    assert resolver.resolve("بعشيقة").display_name == "y"


def test_geocoder_leaves_no_temporary_file_beside_its_entries(server, tmp_path, no_sleep):
    resolver = _resolver(server, tmp_path, min_delay_seconds=0)
    for name in ("بعشيقة", "باريس", "لا مكان"):
        resolver.resolve(name)
    assert sorted(p.suffix for p in (tmp_path / "cache").iterdir()) == [".json"] * 3


def test_geocoder_waits_between_requests(server, tmp_path):
    clock = iter([0.0, 0.2, 1.0])
    with patch.object(RateLimiter, "_clock", side_effect=lambda: next(clock)), \
            patch.object(RateLimiter, "_sleep") as sleep:
        resolver = _resolver(server, tmp_path, min_delay_seconds=1)
        resolver.resolve("بعشيقة")
        resolver.resolve("باريس")
    sleep.assert_called_once_with(pytest.approx(0.8))


@pytest.mark.parametrize("kw, message", [
    ({"viewbox": (37.0, 42.0, 35.5, 44.0)}, "viewbox"),
    ({"user_agent": ""}, "user_agent"),
])
def test_geocoder_refuses_bad_settings_when_built(tmp_path, kw, message):
    args = {"user_agent": "mosul-events-tests", "cache_dir": tmp_path, "viewbox": (35.5, 42.0, 37.0, 44.0), **kw}
    with pytest.raises(ConfigError, match=message):
        NominatimResolver(args.pop("user_agent"), **args)


# ---------------------------------------------------------------- CAMeL NER

LABELS = ["B-LOC", "B-ORG", "B-PERS", "B-MISC", "I-LOC", "I-ORG", "I-PERS", "I-MISC", "O"]
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "قصف", "على", "حي", "الموصل", "الجديدة", "امس", "."]
PLACE_WORDS = {"الموصل": "B-LOC", "الجديدة": "I-LOC"}


@pytest.fixture(scope="module")
def tiny_ner_model(tmp_path_factory):
    """A BERT token classifier with no encoder layers whose labels are set by hand per word."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    folder = tmp_path_factory.mktemp("ner_model")
    (folder / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    size = len(LABELS)
    config = transformers.BertConfig(vocab_size=len(VOCAB), hidden_size=size, num_hidden_layers=0,
                                     num_attention_heads=1, intermediate_size=4, max_position_embeddings=256,
                                     id2label=dict(enumerate(LABELS)), label2id={l: i for i, l in enumerate(LABELS)})
    model = transformers.BertForTokenClassification(config)
    with torch.no_grad():
        emb = model.bert.embeddings
        emb.position_embeddings.weight.zero_()
        emb.token_type_embeddings.weight.zero_()
        emb.word_embeddings.weight.fill_(-1.0)
        for i, word in enumerate(VOCAB):
            label = PLACE_WORDS.get(word, "O")
            emb.word_embeddings.weight[i, LABELS.index(label)] = float(size)  # one-hot-like after LayerNorm
        model.classifier.weight.copy_(torch.eye(size))
        model.classifier.bias.zero_()
    model.save_pretrained(folder)
    transformers.BertTokenizer(str(folder / "vocab.txt"), do_lower_case=False).save_pretrained(folder)
    return folder


@pytest.fixture()
def offline_camel(tmp_path, monkeypatch):
    """An empty camel-tools catalogue, so importing camel_tools.ner needs no network."""
    (tmp_path / "catalogue.json").write_text(json.dumps({"version": "1.6", "packages": {}, "components": {}}),
                                             encoding="utf-8")
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path))


def test_ner_proposes_location_spans_with_offsets(tiny_ner_model, offline_camel):
    from pipeline.extraction.toponyms.camel_ner import propose_toponyms

    text = "قصف على حي الموصل الجديدة امس."
    spans = propose_toponyms(text, str(tiny_ner_model))
    assert [(s.text, text[s.start:s.end]) for s in spans] == [("الموصل الجديدة", "الموصل الجديدة")]


def test_ner_returns_nothing_for_text_without_words(tiny_ner_model, offline_camel):
    from pipeline.extraction.toponyms.camel_ner import propose_toponyms

    assert propose_toponyms("  ", str(tiny_ner_model)) == []


def test_run_with_a_geocoder_places_a_village_the_gazetteer_lacks(server, tmp_path, no_sleep):
    from pipeline.cli import main

    httpd, requests = server
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text('حررت القوات العراقية قرية "كهريز الصغير" جنوب الموصل اليوم.', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--articles", str(corpus), "--out", str(out), "--quiet",
                 "--geocoder-url", f"http://127.0.0.1:{httpd.server_address[1]}"]) == 0
    rows = list(csv.DictReader(open(out / "events.csv", encoding="utf-8")))
    village = next(r for r in rows if r["place_text"] == "كهريز الصغير")
    assert (float(village["lat"]), float(village["lon"]), village["geo_precision"]) == (36.2101, 43.1702, "2")
    assert [r["q"] for r in requests] == ["كهريز الصغير"]


def test_without_a_geocoder_the_unknown_village_stays_unresolved_with_its_text(tmp_path):
    from pipeline.cli import main

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text('حررت القوات العراقية قرية "كهريز الصغير" جنوب الموصل اليوم.', encoding="utf-8")
    main(["run", "--articles", str(corpus), "--out", str(tmp_path / "out"), "--quiet"])
    rows = list(csv.DictReader(open(tmp_path / "out" / "events.csv", encoding="utf-8")))
    village = next(r for r in rows if r["place_text"] == "كهريز الصغير")
    assert village["lat"] == "" and village["place_id"] == ""


def test_ner_proposals_join_the_mentions_only_where_the_gazetteer_found_nothing(monkeypatch):
    from pipeline.extraction.toponyms import PlaceExtras, enrich_mentions
    from pipeline.extraction.toponyms import camel_ner
    from pipeline.records import Span

    text = "قصفت الطائرات تل كيف وكهريز"
    monkeypatch.setattr(camel_ner, "propose_toponyms",
                        lambda t, model: [Span(t.index("تل كيف"), t.index("تل كيف") + 6, "تل كيف"),
                                          Span(t.index("كهريز"), t.index("كهريز") + 5, "كهريز")])
    known = PlaceMention(Span(14, 20, "تل كيف"), None, 36.49, 43.12, 1)
    found = enrich_mentions(text, 0, len(text), [known], PlaceExtras(ner_model="model"))
    assert [(m.span.text, m.note) for m in found] == [("تل كيف", ""), ("كهريز", "proposed by NER; unresolved")]


@pytest.mark.parametrize("args, message", [
    (["--geocoder-url", "127.0.0.1:8080"], "geocoder_url must start with http"),
    (["--ner-model", "/no/such/model"], "not a folder"),
])
def test_bad_extra_settings_are_usage_errors(args, message, tmp_path, capsys):
    from pipeline.cli import EXIT_USAGE, main

    assert main(["run", "--out", str(tmp_path)] + args) == EXIT_USAGE
    assert message in capsys.readouterr().err
