"""Toponym proposals from a CAMeL Tools BERT NER model, for names no lexicon knows yet (off by default).

camel_tools.ner loads its data catalogue when imported (and downloads it when missing), so it is imported
inside the function, only when a model is actually asked for. To run offline, point CAMELTOOLS_DATA at a
camel-tools data folder that holds its catalogue.json.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.records import Span

_WORD = re.compile(r"\w+|[^\w\s]")
"""Words and single punctuation marks, as the model was trained on."""
LOCATION_LABELS = ("B-LOC", "I-LOC")


@lru_cache(maxsize=2)
def _recognizer(model_path: str):
    from camel_tools.ner import NERecognizer  # noqa: PLC0415 (import-time catalogue: see module docstring)

    return NERecognizer(model_path, use_gpu=False)


def propose_toponyms(text: str, model_path: str) -> list[Span]:
    """Spans of `text` the model labels as locations (B-LOC followed by any I-LOC), in text order."""
    words = list(_WORD.finditer(text))
    if not words:
        return []
    labels = _recognizer(str(model_path)).predict_sentence([w.group() for w in words])
    spans: list[Span] = []
    start = end = None
    for word, label in zip(words, labels):
        if label == "I-LOC" and start is not None:
            end = word.end()
            continue
        if start is not None:
            spans.append(Span(start, end, text[start:end]))
            start = end = None
        if label in LOCATION_LABELS:
            start, end = word.start(), word.end()
    if start is not None:
        spans.append(Span(start, end, text[start:end]))
    return spans
