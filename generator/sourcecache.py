"""The source cache: what each content file yielded the last time it was read, so that a rebuild
reads, validates and scans only the files that changed.

An entry is kept under the file's key with the digest of its bytes and the outside facts the file
was read with (its context, see ingest.py); an entry for other bytes or another context is not
used. Entries are rows of the build state (tables.py), read as they are asked for.

Model objects are stored as plain tuples (marshal, no pickle): fast to load, and their digests are
made from those tuples, which hold values only (never where a value was read from), so a digest is
the same in any folder and in any process.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import marshal
from dataclasses import dataclass, field

from .ingest import Ingested
from .model import WHERE_FIELDS, Attachment, Image, Item, Record, RecordRef, Source, Subcolumn, Topic, Township
from .privacy import Exemption, Find
from .tables import Table

KINDS = {"item": Item, "record": Record, "township": Township, "topic": Topic}
TAGS = {cls: tag for tag, cls in KINDS.items()}
DATE_FIELDS = frozenset({"written", "published"})


# --- model objects as tuples --------------------------------------------------------------------

def field_names(cls) -> tuple[str, ...]:
    if hasattr(cls, "_fields"):
        return cls._fields
    return tuple(f.name for f in dataclasses.fields(cls))


FIELDS = {cls: field_names(cls) for cls in KINDS.values()}


def encode(entity) -> tuple:
    cls = type(entity)
    return (TAGS[cls],) + tuple(encode_value(name, getattr(entity, name)) for name in FIELDS[cls])


def encode_value(name: str, value):
    if name in DATE_FIELDS:
        return value.toordinal()
    if name == "source":
        return (value.path, value.line, value.key_lines)
    if name == "attachments":
        return tuple((a.title, a.href) for a in value)
    if name == "images":
        return tuple((i.file, i.alt) for i in value)
    if name == "subcolumns":
        return tuple((s.slug, s.name) for s in value)
    return value


RECORD_AT = {name: n for n, name in enumerate(Record._fields)}
WRITTEN, PUBLISHED, SOURCE, ATTACHMENTS, IMAGES = (RECORD_AT[n] for n in ("written", "published", "source",
                                                                          "attachments", "images"))


def decode(row: tuple):
    if row[0] == "record":
        return decode_record(row)
    cls = KINDS[row[0]]
    values = dict(zip(FIELDS[cls], row[1:]))
    for name in DATE_FIELDS.intersection(values):
        values[name] = dt.date.fromordinal(values[name])
    values["source"] = Source._make(values["source"])
    if "attachments" in values:
        values["attachments"] = tuple(Attachment(t, h) for t, h in values["attachments"])
    if "subcolumns" in values:
        values["subcolumns"] = tuple(Subcolumn(s, n) for s, n in values["subcolumns"])
    entity = object.__new__(cls)
    entity.__dict__.update(values)        # frozen dataclasses: no __setattr__ per field on load
    return entity


def decode_record(row: tuple) -> Record:
    """The common case, made short: a record is a named tuple of plain values."""
    values = list(row[1:])
    values[WRITTEN] = FROM_ORDINAL(values[WRITTEN])
    values[PUBLISHED] = FROM_ORDINAL(values[PUBLISHED])
    values[SOURCE] = Source._make(values[SOURCE])
    if values[ATTACHMENTS]:
        values[ATTACHMENTS] = tuple(Attachment._make(a) for a in values[ATTACHMENTS])
    if values[IMAGES]:
        values[IMAGES] = tuple(Image._make(i) for i in values[IMAGES])
    return Record._make(values)


FROM_ORDINAL = dt.date.fromordinal
LIGHT = tuple(RECORD_AT[name] + 1 for name in ("id", "column", "kind", "published", "item", "township", "topic",
                                                "subcolumn", "replaced_by", "validity", "attachments",
                                                "privacy_exception"))


def stored(entity, packed: bytes | None = None) -> tuple:
    """How an entity is kept in the cache: a record as its related fields (a RecordRef) plus the
    whole record packed (marshal bytes: one object to load instead of thirty, unpacked only when a
    page shows the record), anything else as its tuple."""
    if isinstance(entity, RecordRef):
        return ("ref", ref_row(entity), packed)
    row = encode(entity)
    if row[0] != "record":
        return row
    source = row[RECORD_AT["source"] + 1]
    light = tuple(row[n] for n in LIGHT) + (source[0], source[1], row[RECORD_AT["interprets"] + 1])
    return ("ref", light, marshal.dumps(row))


def ref_row(ref: RecordRef) -> tuple:
    if not ref.attachments:
        return tuple(ref)
    return ref[:10] + (tuple(tuple(a) for a in ref.attachments),) + ref[11:]


def ref_of(light: tuple) -> RecordRef:
    if light[10]:
        light = light[:10] + (tuple(Attachment._make(a) for a in light[10]),) + light[11:]
    return RecordRef._make(light)


def entity_digest(row: tuple) -> bytes:
    """A model object by value, without where it was read from: its tuple form, source left out."""
    cls = KINDS[row[0]]
    kept = tuple(v for name, v in zip(FIELDS[cls], row[1:]) if name not in WHERE_FIELDS)
    return hashlib.blake2b(repr((row[0],) + kept).encode(), digest_size=16).digest()


# --- the cache -----------------------------------------------------------------------------------

@dataclass
class Entry:
    """What one file yielded: its entities (records as RecordRefs once read back from the state,
    with their packed form beside them), their digests, and its personal-data verdict."""

    key: str
    size: int
    mtime_ns: int
    digest: str
    context: str
    entities: list
    digests: list[bytes]
    exemptions: list[Exemption] = field(default_factory=list)
    finds: list[Find] = field(default_factory=list)
    packed: list = field(default_factory=list)            # per entity: a record's packed form, or None

    def row(self) -> tuple:
        packed = self.packed or [None] * len(self.entities)
        return (self.key, self.size, self.mtime_ns, self.digest, self.context,
                [stored(e, p) for e, p in zip(self.entities, packed)], self.digests,
                [dataclasses.astuple(x) for x in self.exemptions], [(f.line, f.preview) for f in self.finds])

    @classmethod
    def of_row(cls, row: tuple) -> "Entry":
        key, size, mtime_ns, digest, context, entities, digests, exemptions, finds = row
        kept = [ref_of(e[1]) if e[0] == "ref" else decode(e) for e in entities]
        packed = [e[2] if e[0] == "ref" else None for e in entities]
        return cls(key, size, mtime_ns, digest, context, kept, list(digests),
                   [Exemption(*x) for x in exemptions], [Find(*f) for f in finds], packed)

    def record(self, record_id: str) -> Record | None:
        """One of the file's records, whole."""
        for n, entity in enumerate(self.entities):
            if entity.id == record_id and isinstance(entity, (Record, RecordRef)):
                if isinstance(entity, Record):
                    return entity
                return decode_record(marshal.loads(self.packed[n]))
        return None


def entry_of(ingested: Ingested, size: int, mtime_ns: int) -> Entry:
    rows = [encode(e) for e in ingested.entities]
    return Entry(ingested.key, size, mtime_ns, ingested.digest, ingested.context, list(ingested.entities),
                 [entity_digest(r) for r in rows], list(ingested.exemptions), list(ingested.finds))


class SourceCache:
    """Entries by file key, in a table of the state (read as they are asked for)."""

    def __init__(self, db=None):
        self.table = Table("entries", db)
        self._entries: dict[str, Entry] = {}
        self.undo: list[tuple[str, Entry | None]] = []

    def get(self, key: str) -> Entry | None:
        found = self._entries.get(key)
        if found is None:
            row = self.table.get(key)
            if row is None:
                return None
            found = self._entries[key] = Entry.of_row(row)
        return found

    def put(self, entry: Entry) -> None:
        self.undo.append((entry.key, self.get(entry.key)))
        self._entries[entry.key] = entry
        self.table[entry.key] = entry.row()

    def drop(self, key: str) -> None:
        self.undo.append((key, self.get(key)))
        self._entries.pop(key, None)
        self.table.pop(key)

    def revert(self) -> None:
        """Forget what this build put in (its content was found wrong)."""
        for key, entry in reversed(self.undo):
            if entry is None:
                self._entries.pop(key, None)
                self.table.pop(key)
            else:
                self._entries[key] = entry
                self.table[key] = entry.row()
        self.undo = []

    def keys(self) -> list[str]:
        return self.table.keys()

