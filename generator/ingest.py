"""One content source file → its validated model objects, personal-data verdict and errors.

This is the unit the source cache keeps: what a file yields depends only on its bytes and on the
few outside facts named by its context (the service platform for a catalogue, the column's adcode
for records, from which 索引号 are made), so an unchanged file with an unchanged context is never
read, validated or scanned again.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import validate
from .errors import ContentError, ErrorList
from .load import Document, read_markdown, read_yaml
from .model import Item, Record, Topic, Township
from .privacy import EXPECTED, Exemption, Find, attachment_finds, record_file_verdict
from .profile import spent
from .sources import SourceFile

RECORD_KINDS = {"records": "record", "policies": "policy", "topic-records": "topic"}


@dataclass
class Ingested:
    """What one file yielded. `finds` are an attachment's, judged later with the whole site."""

    key: str
    digest: str                                  # of the file's bytes
    context: str
    entities: list = field(default_factory=list)  # Items, Records, Townships or one Topic
    exemptions: list[Exemption] = field(default_factory=list)
    finds: list[Find] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_context(source: SourceFile, service_platform: str, adcodes: dict[str, str]) -> str:
    """The outside facts a file's meaning depends on; a change to them means reading it again."""
    if source.role == "catalogue":
        return service_platform
    if source.role in RECORD_KINDS:
        return adcodes.get(source.column or "", "000000")
    return ""


def ingest(source: SourceFile, data: bytes, context: str, root: Path) -> Ingested:
    errors = ErrorList(root=root)
    result = Ingested(source.key, content_digest(data), context)
    path = Path(source.path)
    if source.role == "attachment":
        with spent("privacy"):
            finds, readable = attachment_finds(path.name, data)
        result.finds = finds
        if not readable:
            errors.add(path, None, "cannot read the file as text to check it for personal data",
                       "UTF-8 or GB18030 text")
    elif source.role in RECORD_KINDS:
        result.entities, result.exemptions = read_records(source, path, data, context, errors)
    else:
        with spent("parse"):
            document = read_yaml(path, errors, data)
        if document is not None:
            with spent("validate"):
                result.entities = read_entities(source, document, context, errors)
    result.errors = errors.errors
    return result


def read_records(source: SourceFile, path: Path, data: bytes, adcode: str,
                 errors: ErrorList) -> tuple[list[Record], list[Exemption]]:
    reader = read_markdown if source.key.endswith(".md") else read_yaml
    with spent("parse"):
        document = reader(path, errors, data)
    if document is None:
        return [], []
    kind = RECORD_KINDS[source.role]
    topic = source.part if kind == "topic" else None
    with spent("validate"):
        records = validate.records_in(document, source.key, source.column, kind, topic, adcode, errors)
    with spent("privacy"):
        finds, exemptions = record_file_verdict(source.key, document.text, records)
    for find in finds:
        errors.add(path, find.line, find.message, EXPECTED)
    return records, exemptions


def read_entities(source: SourceFile, document: Document, context: str,
                  errors: ErrorList) -> list[Item | Township | Topic]:
    if source.role == "catalogue":
        return validate.catalogue_items(document, source.key, source.column, source.part, context, errors)
    if source.role == "townships":
        return validate.township_list(document, source.key, source.column, errors)
    if source.role == "topic":
        topic = validate.topic_of(document, source.key, source.column, source.part, errors)
        return [topic] if topic is not None else []
    raise ValueError(f"not a content file: {source.key}")
