"""The source cache: what each content file yielded the last time it was read, so that a rebuild
reads, validates and scans only the files that changed.

An entry is kept under the file's key with the file's size and modification time and the digest of
its bytes. A file whose size and time are unchanged is taken as unchanged; one whose time changed
(a checkout copied without times, an editor's touch) is read and hashed, and reused when its bytes
are the same. The entry also names the outside facts the file was read with (its context, see
ingest.py): a changed context means reading it again.

Model objects are stored as plain tuples (marshal, no pickle): fast to load, and their digests are
made from those tuples, which hold values only (never where a value was read from), so a digest is
the same in any folder and in any process.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import marshal
import os
from dataclasses import dataclass, field

from .ingest import Ingested
from .model import WHERE_FIELDS, Attachment, Item, Record, Source, Subcolumn, Topic, Township
from .privacy import Exemption, Find

FORMAT = 1
SHARDS = 64
KINDS = {"item": Item, "record": Record, "township": Township, "topic": Topic}
TAGS = {cls: tag for tag, cls in KINDS.items()}
DATE_FIELDS = frozenset({"written", "published"})


# --- model objects as tuples --------------------------------------------------------------------

def field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


FIELDS = {cls: field_names(cls) for cls in KINDS.values()}


def encode(entity) -> tuple:
    cls = type(entity)
    return (TAGS[cls],) + tuple(encode_value(name, getattr(entity, name)) for name in FIELDS[cls])


def encode_value(name: str, value):
    if name in DATE_FIELDS:
        return value.toordinal()
    if name == "source":
        return (value.path, value.line, tuple(value.key_lines.items()))
    if name == "attachments":
        return tuple((a.title, a.href) for a in value)
    if name == "subcolumns":
        return tuple((s.slug, s.name) for s in value)
    return value


def decode(row: tuple):
    cls = KINDS[row[0]]
    values = dict(zip(FIELDS[cls], row[1:]))
    for name in DATE_FIELDS.intersection(values):
        values[name] = dt.date.fromordinal(values[name])
    path, line, key_lines = values["source"]
    values["source"] = Source(path, line, dict(key_lines))
    if "attachments" in values:
        values["attachments"] = tuple(Attachment(t, h) for t, h in values["attachments"])
    if "subcolumns" in values:
        values["subcolumns"] = tuple(Subcolumn(s, n) for s, n in values["subcolumns"])
    entity = object.__new__(cls)
    entity.__dict__.update(values)        # frozen dataclasses: no __setattr__ per field on load
    return entity


def entity_digest(row: tuple) -> bytes:
    """A model object by value, without where it was read from: its tuple form, source left out."""
    cls = KINDS[row[0]]
    kept = tuple(v for name, v in zip(FIELDS[cls], row[1:]) if name not in WHERE_FIELDS)
    return hashlib.blake2b(repr((row[0],) + kept).encode(), digest_size=16).digest()


# --- the cache -----------------------------------------------------------------------------------

@dataclass
class Entry:
    key: str
    size: int
    mtime_ns: int
    digest: str
    context: str
    entities: list                       # model objects
    digests: list[bytes]                 # one per entity
    exemptions: list[Exemption] = field(default_factory=list)
    finds: list[Find] = field(default_factory=list)

    def row(self) -> tuple:
        return (self.key, self.size, self.mtime_ns, self.digest, self.context,
                [encode(e) for e in self.entities], self.digests,
                [dataclasses.astuple(x) for x in self.exemptions], [(f.line, f.preview) for f in self.finds])

    @classmethod
    def of_row(cls, row: tuple) -> "Entry":
        key, size, mtime_ns, digest, context, entities, digests, exemptions, finds = row
        return cls(key, size, mtime_ns, digest, context, [decode(e) for e in entities], list(digests),
                   [Exemption(*x) for x in exemptions], [Find(*f) for f in finds])


def entry_of(ingested: Ingested, size: int, mtime_ns: int) -> Entry:
    rows = [encode(e) for e in ingested.entities]
    return Entry(ingested.key, size, mtime_ns, ingested.digest, ingested.context, list(ingested.entities),
                 [entity_digest(r) for r in rows], list(ingested.exemptions), list(ingested.finds))


def shard_of(key: str) -> int:
    folder = key.rpartition("/")[0]
    return int.from_bytes(hashlib.blake2b(folder.encode(), digest_size=2).digest(), "big") % SHARDS


class SourceCache:
    """Entries by file key, saved in shards (by folder) so that a change rewrites only its shard."""

    def __init__(self, entries: dict[str, Entry] | None = None):
        self.entries: dict[str, Entry] = entries or {}
        self.dirty: set[int] = set(range(SHARDS)) if entries is None else set()

    def get(self, key: str) -> Entry | None:
        return self.entries.get(key)

    def put(self, entry: Entry) -> None:
        self.entries[entry.key] = entry
        self.dirty.add(shard_of(entry.key))

    def drop(self, key: str) -> None:
        if self.entries.pop(key, None) is not None:
            self.dirty.add(shard_of(key))

    def shard_bytes(self, shard: int) -> bytes:
        rows = [e.row() for k, e in sorted(self.entries.items()) if shard_of(k) == shard]
        return marshal.dumps((FORMAT, rows))

    def changed_shards(self) -> dict[int, bytes]:
        """The bytes of every shard changed since the cache was read (all of them for a new cache)."""
        by_shard: dict[int, list] = {n: [] for n in self.dirty}
        for key in sorted(self.entries):
            shard = shard_of(key)
            if shard in by_shard:
                by_shard[shard].append(self.entries[key].row())
        self.dirty = set()
        return {n: marshal.dumps((FORMAT, rows)) for n, rows in by_shard.items()}

    @classmethod
    def from_shards(cls, blobs: list[bytes]) -> "SourceCache":
        entries: dict[str, Entry] = {}
        for blob in blobs:
            data = marshal.loads(blob)
            if not (isinstance(data, tuple) and len(data) == 2 and data[0] == FORMAT):
                raise ValueError("not a source cache shard of this format")
            for row in data[1]:
                entries[row[0]] = Entry.of_row(row)
        return cls(entries)


def same_file(entry: Entry | None, size: int, mtime_ns: int) -> bool:
    return entry is not None and entry.size == size and entry.mtime_ns == mtime_ns


def read_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def file_stamp(path: str) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_size, stat.st_mtime_ns
