"""The records passed between stages: frozen values made by keyword or position, with their defaults."""

import dataclasses
import pickle

import pytest

from pipeline.records import Figure, Span, record


def test_a_record_cannot_be_changed_once_made():
    figure = Figure("killed", 3, 3, Span(0, 5, "3 قتلى"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        figure.low = 4


def test_a_record_takes_its_fields_by_position_or_keyword_and_fills_in_the_defaults():
    by_position = Figure("killed", 3, 3, Span(0, 5, "3 قتلى"))
    by_keyword = Figure(kind="killed", low=3, high=3, span=Span(0, 5, "3 قتلى"))
    assert by_position == by_keyword
    assert (by_position.victims, by_position.unit, by_position.vague) == ("unknown", "people", False)


def test_records_with_the_same_fields_are_equal_hash_alike_and_survive_pickling():
    figure = Figure("wounded", 10, None, Span(7, 14, "10 جرحى"), victims="civilians")
    twin = dataclasses.replace(figure)
    assert twin == figure and hash(twin) == hash(figure)
    assert pickle.loads(pickle.dumps(figure)) == figure


def test_a_missing_field_is_an_error_as_for_any_dataclass():
    with pytest.raises(TypeError):
        Span(0, 4)


def test_a_record_refuses_a_default_factory():
    with pytest.raises(TypeError, match="factories"):
        @record
        class Listed:
            items: list = dataclasses.field(default_factory=list)
