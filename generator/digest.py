"""Digests of values: the same values give the same digest in any process, on any machine and in
any folder. Model objects are taken field by field, without the fields that say where they were
read from (model.WHERE_FIELDS); nothing is pickled, so object identity never shows."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

ABSENT = b"-"


def canonical(value):
    """A value as nested tuples of plain values, for repr()."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(type(value), "_fields"):                      # a named tuple of the model
        from .model import WHERE_FIELDS
        return (type(value).__name__,) + tuple(canonical(getattr(value, f)) for f in value._fields
                                               if f not in WHERE_FIELDS)
    if isinstance(value, (tuple, list)):
        return tuple(canonical(v) for v in value)
    if isinstance(value, dict):
        return ("{",) + tuple((canonical(k), canonical(v)) for k, v in value.items())
    if isinstance(value, (set, frozenset)):
        return ("set",) + tuple(sorted(canonical(v) for v in value))
    if isinstance(value, dt.date):
        return ("date", value.toordinal())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        from .model import WHERE_FIELDS
        return (type(value).__name__,) + tuple(canonical(getattr(value, f.name)) for f in dataclasses.fields(value)
                                               if f.name not in WHERE_FIELDS)
    raise TypeError(f"no canonical form for {type(value).__name__}")


def digest_of(value) -> bytes:
    return hashlib.blake2b(repr(canonical(value)).encode(), digest_size=16).digest()


def digest_text(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()
