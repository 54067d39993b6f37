"""Records to plain JSON data and back, driven by the dataclasses' type hints (no pickle, no code in the data).

Decoding is strict: a field missing, extra or of the wrong type raises ValueError, so damaged or foreign
data is never mistaken for a record.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from enum import Enum
from functools import lru_cache


_PLAIN = frozenset({str, int, float, bool, type(None)})


def to_data(value):
    """A record (nested frozen dataclasses, tuples, dates, enums) as JSON-compatible data."""
    cls = type(value)
    return value if cls in _PLAIN else _encoder(cls)(value)


@lru_cache(maxsize=None)
def _encoder(cls):
    """How values of one type are encoded, worked out once per type (a result holds thousands of values)."""
    if dataclasses.is_dataclass(cls):
        names = tuple(f.name for f in dataclasses.fields(cls))
        return lambda value: {name: to_data(getattr(value, name)) for name in names}
    if issubclass(cls, Enum):
        return lambda value: value.value
    if issubclass(cls, dt.date):
        return cls.isoformat
    if issubclass(cls, (tuple, list)):
        return lambda value: [to_data(v) for v in value]
    if issubclass(cls, dict):
        return lambda value: {str(k): to_data(v) for k, v in value.items()}
    if issubclass(cls, (str, int, float, bool)):
        return lambda value: value
    raise TypeError(f"cannot encode {cls.__name__}")


@lru_cache(maxsize=None)
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def from_data(tp, data):
    """The value of type `tp` that `data` encodes; ValueError when data does not fit the type."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is typing.Any:
        return data
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        for option in options:
            try:
                return from_data(option, data)
            except ValueError:
                continue
        raise ValueError(f"{data!r:.40} fits none of {tp}")
    if origin is tuple:
        _expect(data, list, tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_data(args[0], v) for v in data)
        if len(args) != len(data):
            raise ValueError(f"expected {len(args)} items for {tp}")
        return tuple(from_data(a, v) for a, v in zip(args, data))
    if origin is list:
        _expect(data, list, tp)
        return [from_data(args[0], v) for v in data]
    if origin is dict or tp is dict:
        _expect(data, dict, tp)
        return {k: from_data(args[1], v) if args else v for k, v in data.items()}
    if dataclasses.is_dataclass(tp):
        _expect(data, dict, tp)
        names = [f.name for f in dataclasses.fields(tp)]
        if set(data) != set(names):
            raise ValueError(f"fields of {tp.__name__} do not match")
        hints = _hints(tp)
        return tp(**{n: from_data(hints[n], data[n]) for n in names})
    if tp is dt.date:
        _expect(data, str, tp)
        return dt.date.fromisoformat(data)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise ValueError(f"expected a number, got {data!r:.40}")
        return float(data)
    if tp in (int, str, bool):
        if type(data) is not tp:
            raise ValueError(f"expected {tp.__name__}, got {data!r:.40}")
        return data
    if tp is type(None):
        if data is not None:
            raise ValueError("expected null")
        return None
    raise ValueError(f"cannot decode type {tp}")


def _expect(data, kind, tp) -> None:
    if not isinstance(data, kind):
        raise ValueError(f"expected {kind.__name__} for {tp}, got {type(data).__name__}")
