"""The only reader of source files: one file becomes one parsed document with its line marks.

Nothing is checked here beyond "the file can be read and parsed"; validate.py checks meaning.
Which files there are is sources.py's business.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ErrorList
from .textcodec import decode_utf8
from .yamlsource import YamlSyntaxError, parse_yaml


@dataclass(frozen=True)
class Document:
    """One parsed source file. `body` is set for Markdown files (the text after front matter)."""

    path: Path
    data: Any
    body: str | None = None
    text: str = ""            # the file as read, for checks that look at every line (privacy guard)


def read_yaml(path: Path, errors: ErrorList, data: bytes | None = None) -> Document | None:
    text = read_text(path, errors, data)
    if text is None:
        return None
    try:
        return Document(path, parse_yaml(text), text=text)
    except YamlSyntaxError as exc:
        errors.add(path, exc.line, exc.problem, "valid YAML")
        return None


def read_json(path: Path, errors: ErrorList, data: bytes | None = None) -> Document | None:
    text = read_text(path, errors, data)
    if text is None:
        return None
    try:
        return Document(path, json.loads(text))
    except json.JSONDecodeError as exc:
        errors.add(path, exc.lineno, f"invalid JSON: {exc.msg}", "valid GeoJSON")
        return None


def read_markdown(path: Path, errors: ErrorList, data: bytes | None = None) -> Document | None:
    text = read_text(path, errors, data)
    if text is None:
        return None
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        errors.add(path, 1, "Markdown record has no front matter", "a first line '---', then YAML, then '---'")
        return None
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
    if end is None:
        errors.add(path, 1, "front matter is not closed", "a line '---' after the YAML keys")
        return None
    try:
        data = parse_yaml("".join(lines[1:end]), first_line=2)
    except YamlSyntaxError as exc:
        errors.add(path, exc.line, exc.problem, "valid YAML front matter")
        return None
    return Document(path, data, body="".join(lines[end + 1:]), text=text)


def read_text(path: Path, errors: ErrorList, data: bytes | None = None) -> str | None:
    """The file as text (`data`: its bytes, when the caller has read them already). Content is UTF-8
    (a BOM allowed): GB18030 is read only from office exports (sheets, mask), never here."""
    if data is None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            errors.add(path, None, "file is missing", "this file to exist")
            return None
    try:
        return decode_utf8(data)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.add(path, line, "file is not UTF-8 text", "UTF-8 encoding")
        return None
