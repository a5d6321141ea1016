"""The only reader of site.yaml, content/ and districts/: files become parsed documents.

Nothing is checked here beyond "the file can be read and parsed"; validate.py checks meaning.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ErrorList
from .paths import ProjectPaths
from .yamlsource import YamlSyntaxError, parse_yaml

RECORD_FOLDERS = ("records", "policies")


@dataclass(frozen=True)
class Document:
    """One parsed source file. `body` is set for Markdown files (the text after front matter)."""

    path: Path
    data: Any
    body: str | None = None
    text: str = ""            # the file as read, for checks that look at every line (privacy guard)


@dataclass
class ColumnSources:
    slug: str
    config: Document | None
    catalogues: list[Document] = field(default_factory=list)       # one per domain file
    records: dict[str, list[Document]] = field(default_factory=dict)  # folder -> documents
    townships: Document | None = None
    topics: list[tuple[Document, list[Document]]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def record_documents(self) -> list[Document]:
        """Every source file of records: records/, policies/ and the topics' record files."""
        documents = [d for folder in self.records.values() for d in folder]
        return documents + [d for _topic, records in self.topics for d in records]


@dataclass
class Sources:
    site: Document | None
    domains: Document | None
    columns: list[ColumnSources]
    maps: list[Document] = field(default_factory=list)   # content/map/*.geojson


def read_sources(paths: ProjectPaths, errors: ErrorList) -> Sources:
    site = read_yaml(paths.site_file, errors)
    domains = read_yaml(paths.content / "domains.yaml", errors)
    slugs = column_slugs(paths, errors)
    maps = [d for p in sorted(paths.maps.glob("*.geojson")) if (d := read_json(p, errors)) is not None]
    return Sources(site, domains, [read_column(paths, slug, errors) for slug in slugs], maps)


def column_slugs(paths: ProjectPaths, errors: ErrorList) -> list[str]:
    configured = sorted(p.name for p in subfolders(paths.districts))
    for folder in subfolders(paths.content):
        if folder.name not in configured and folder != paths.maps:
            errors.add(folder, None, f"content folder '{folder.name}' has no column configuration",
                       f"a file districts/{folder.name}/column.yaml, or a folder named after a column")
    return configured


def read_column(paths: ProjectPaths, slug: str, errors: ErrorList) -> ColumnSources:
    base = paths.content / slug
    config_file = paths.districts / slug / "column.yaml"
    column = ColumnSources(slug, read_yaml(config_file, errors))
    column.catalogues = [d for p in sorted((base / "catalogue").glob("*.yaml"))
                         if (d := read_yaml(p, errors)) is not None]
    column.records = {name: read_record_files(base / name, errors) for name in RECORD_FOLDERS}
    townships = base / "townships.yaml"
    column.townships = read_yaml(townships, errors) if townships.exists() else None
    column.topics = [read_topic(folder, errors) for folder in subfolders(base / "topics")]
    column.files = sorted(p for p in (base / "files").rglob("*") if p.is_file())
    return column


def read_topic(folder: Path, errors: ErrorList) -> tuple[Document, list[Document]]:
    topic = read_yaml(folder / "topic.yaml", errors) or Document(folder / "topic.yaml", None)
    records = [d for d in read_record_files(folder, errors) if d.path.name != "topic.yaml"]
    return topic, records


def read_record_files(folder: Path, errors: ErrorList) -> list[Document]:
    documents = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".md":
            document = read_markdown(path, errors)
        elif path.suffix in (".yaml", ".yml"):
            document = read_yaml(path, errors)
        else:
            continue
        if document is not None:
            documents.append(document)
    return documents


def read_yaml(path: Path, errors: ErrorList) -> Document | None:
    text = read_text(path, errors)
    if text is None:
        return None
    try:
        return Document(path, parse_yaml(text), text=text)
    except YamlSyntaxError as exc:
        errors.add(path, exc.line, exc.problem, "valid YAML")
        return None


def read_json(path: Path, errors: ErrorList) -> Document | None:
    text = read_text(path, errors)
    if text is None:
        return None
    try:
        return Document(path, json.loads(text))
    except json.JSONDecodeError as exc:
        errors.add(path, exc.lineno, f"invalid JSON: {exc.msg}", "valid GeoJSON")
        return None


def read_markdown(path: Path, errors: ErrorList) -> Document | None:
    text = read_text(path, errors)
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


def read_text(path: Path, errors: ErrorList) -> str | None:
    if not path.exists():
        errors.add(path, None, "file is missing", "this file to exist")
        return None
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        errors.add(path, line, "file is not UTF-8 text", "UTF-8 encoding")
        return None


def subfolders(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
