"""Records to plain JSON data and back: every field kind survives, and foreign data is refused."""

import datetime as dt
import json
from dataclasses import dataclass
from enum import Enum

import pytest

from pipeline.corpus.codec import from_data, to_data


class Colour(Enum):
    RED = "red"


@dataclass(frozen=True)
class Inner:
    when: dt.date
    colour: Colour


@dataclass(frozen=True)
class Outer:
    name: str
    count: int
    share: float
    items: tuple[Inner, ...]
    maybe: Inner | None = None
    tags: dict[str, int] | None = None


RECORD = Outer("موصل", 3, 0.5, (Inner(dt.date(2017, 1, 24), Colour.RED),), None, {"a": 1})


def test_a_record_becomes_plain_json_data():
    assert to_data(RECORD) == {"name": "موصل", "count": 3, "share": 0.5,
                               "items": [{"when": "2017-01-24", "colour": "red"}], "maybe": None, "tags": {"a": 1}}


def test_a_record_survives_a_round_trip_through_json_text():
    assert from_data(Outer, json.loads(json.dumps(to_data(RECORD)))) == RECORD


def test_data_with_a_missing_field_is_refused():
    data = to_data(RECORD)
    del data["count"]
    with pytest.raises(ValueError):
        from_data(Outer, data)


def test_a_value_of_an_unknown_type_cannot_be_encoded():
    with pytest.raises(TypeError):
        to_data(Outer("x", 1, 1.0, (), None, {"a": object()}))
