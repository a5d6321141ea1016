"""Declarative field specs: each content key is declared once, with its Chinese name and rule.

`read_fields` checks one YAML mapping against a spec and returns the cleaned values; every problem
is added to the error list with the file and line, so one run reports all of them.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from .errors import ErrorList
from .yamlsource import SourceList, SourceMap

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
FILE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Invalid(ValueError):
    """A value that breaks its field's rule; the message says what was expected."""


def text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Invalid("text")
    value = str(value).strip()
    if not value:
        raise Invalid("non-empty text")
    return value


def slug(value: Any) -> str:
    if not isinstance(value, str) or not SLUG_RE.match(value):
        raise Invalid("a slug of lower-case letters, digits and '-' (no '/', '.' or spaces)")
    return value


def file_name(value: Any) -> str:
    if not isinstance(value, str) or not FILE_RE.match(value) or ".." in value:
        raise Invalid("a plain file name of ASCII letters, digits, '.', '_' or '-' (no '/' or '..')")
    return value


def date(value: Any) -> dt.date:
    if isinstance(value, str) and DATE_RE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise Invalid("a real date written YYYY-MM-DD")


def color(value: Any) -> str:
    if not isinstance(value, str) or not COLOR_RE.match(value):
        raise Invalid('a colour written "#rrggbb"')
    return value.lower()


def positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Invalid("a whole number of at least 1")
    return value


def http_url(value: Any) -> str:
    value = text(value)
    if not re.match(r"^https?://[^\s/]+", value):
        raise Invalid("an address starting with https:// or http://")
    return value.rstrip("/")


def adcode(value: Any) -> str:
    value = text(value)
    if not re.fullmatch(r"\d{6}|\d{9}|\d{12}", value):
        raise Invalid('an administrative code of 6, 9 or 12 digits, quoted ("430104")')
    return value


def flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("true or false")
    return value


def record_reference(value: Any) -> str:
    """A record id in the same column, or `<column>/<id>` in another."""
    if isinstance(value, str) and all(SLUG_RE.match(part) for part in value.split("/")) and value.count("/") <= 1:
        return value
    raise Invalid("a document id (zc-2025-010), or <column>/<id> for another column's (changsha/zc-2025-010)")


def one_of(*choices: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in choices:
            raise Invalid("one of " + " / ".join(choices))
        return value
    return check


def list_of(check: Callable[[Any], Any]) -> Callable[[Any], tuple]:
    def check_list(value: Any) -> tuple:
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list):
            raise Invalid("a list")
        return tuple(check(v) for v in value)
    return check_list


@dataclass(frozen=True)
class Field:
    key: str
    label: str                      # the Chinese element name, shown in messages
    check: Callable[[Any], Any]
    required: bool = True
    default: Any = None


def read_fields(data: Any, fields: list[Field], path: Path, errors: ErrorList,
                what: str, line: int | None = None, allow_extra: tuple[str, ...] = ()) -> dict | None:
    """Check `data` against `fields`; returns cleaned values, or None when `data` is no mapping."""
    if not isinstance(data, SourceMap):
        errors.add(path, getattr(data, "line", line), f"{what} must be a mapping of keys to values",
                   "key: value lines")
        return None
    known = {f.key for f in fields} | set(allow_extra)
    for key in data:
        if key not in known:
            errors.add(path, data.line_of(key), f"unknown key '{key}' in {what}",
                       "one of " + ", ".join(sorted(known)))
    return {f.key: _read_field(data, f, path, errors, what) for f in fields}


def _read_field(data: SourceMap, field: Field, path: Path, errors: ErrorList, what: str) -> Any:
    value = data.get(field.key)
    if value is None or value == "" or value == []:
        if field.required:
            errors.add(path, data.line, f"missing '{field.key}' ({field.label}) in {what}",
                       field_hint(field))
        return field.default
    try:
        return field.check(value)
    except Invalid as exc:
        errors.add(path, data.line_of(field.key),
                   f"'{field.key}' ({field.label}) is {short(value)}", str(exc))
        return field.default


def field_hint(field: Field) -> str:
    try:
        field.check(None)
    except Invalid as exc:
        return str(exc)
    except (TypeError, AttributeError):
        pass
    return "a value"


def short(value: Any) -> str:
    shown = repr(value) if not isinstance(value, (SourceMap, SourceList)) else type(value).__mro__[1].__name__
    return shown if len(shown) <= 60 else shown[:57] + "..."
