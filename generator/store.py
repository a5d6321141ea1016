"""Everything validated, held by the source file it came from, and the lists pages are made of.

The store is the build's single picture of the content. Files come and go one at a time
(`put_file`, `drop_file`), which keeps every list in order without re-sorting the site:

- record lists (`RECORD_LISTS`: a column's records, an item's, a township's ...), each kept sorted
  newest first as records are added and removed; what a change touched is returned, so the build
  knows which lists to look at again;
- small lists (columns, domains, a column's catalogue, townships and topics), worked out again from
  the few objects they are made of whenever one of those changed.

Records are many: the store keeps each as a RecordRef (the fields that relate records) in a table
(tables.py) that a build reads row by row, and unpacks a whole record from the source cache only
when a page shows it; the record lists are table rows too, one per list. Catalogue items,
townships and topics are few and are held whole. Every entity has a digest of its values
(sourcecache.entity_digest). The store answers what the views (views.py) ask and nothing else.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Callable

from .model import ColumnConfig, Domain, Item, Record, RecordRef, SiteConfig, Topic, Township
from .sourcecache import ref_of, ref_row
from .tables import Table, tuple_key

Key = tuple
REF_SIZE = len(RecordRef._fields)     # a record's table row: its RecordRef fields, then its digest
KIND_OF = {Item: "item", Record: "record", RecordRef: "record", Township: "township", Topic: "topic"}
SMALL_KINDS = ("item", "township", "topic")

# name -> the group a record belongs to in that list (None: not in it). Every list is newest first.
RECORD_LISTS: dict[str, Callable] = {
    "column-records": lambda r: r.column if r.kind == "record" else None,
    "column-policies": lambda r: r.column if r.kind == "policy" else None,
    "item-records": lambda r: (r.column, r.item) if r.kind == "record" else None,
    "township-records": lambda r: (r.column, r.township) if r.township else None,
    "subcolumn-records": lambda r: (r.column, r.topic, r.subcolumn) if r.kind == "topic" else None,
    "replacing": lambda r: (r.column, r.replaced_by) if r.kind == "policy" and r.replaced_by else None,
    "policies-validity": lambda r: (r.column, r.validity) if r.kind == "policy" else None,
    # A document's interpretations (政策解读), and a column's, by the column of the document they
    # interpret (a district's interpretation of a city document is in the city's list).
    "interpreting": lambda r: r.interpreted,
    "column-interpretations": lambda r: r.interpreted[0] if r.interprets else None,
    "all-records": lambda r: (),
}
BULK = 2000                # files changed at once from which the record lists are made again whole
SMALL_LISTS = ("columns", "columns-level", "domains", "items", "catalogue-domains", "catalogue",
               "townships", "topics")


def entity_key(entity) -> Key:
    if type(entity) in (Township, Topic):
        return (entity.column, entity.slug)
    return (entity.column, entity.id)


def order_of(record) -> tuple:
    """Oldest first; the lists are read backwards (newest first). The column breaks ties between
    columns (a record id is unique only within its column)."""
    return (record.published_day, record.id, record.column)


def reference(record: Record) -> RecordRef:
    attachments = record.attachments
    return RecordRef(record.id, record.column, record.kind, record.published.toordinal(), record.item,
                     record.township, record.topic, record.subcolumn, record.replaced_by, record.validity,
                     attachments, record.privacy_exception, record.source.path, record.source.line,
                     record.interprets)


def place(entity) -> tuple:
    """Where an entity was written (file, line), for a stable order among several definers."""
    found = getattr(entity, "place", None)
    return found if found is not None else (entity.source.path, entity.source.line or 0)


class RecordLists:
    """The record lists, one table row per list: (published day, id, column) oldest first."""

    def __init__(self, table: Table):
        self.table = table
        self._newest: dict[tuple, list[Key]] = {}

    def members(self, name: str, group) -> list[tuple]:
        return self.table.get((name, group)) or []

    def add(self, record, touched: set) -> None:
        order = order_of(record)
        for name, group_of in RECORD_LISTS.items():
            group = group_of(record)
            if group is not None:
                members = self.members(name, group)
                bisect.insort(members, order)
                self._changed(name, group, members, touched)

    def remove(self, record, touched: set) -> None:
        order = order_of(record)
        for name, group_of in RECORD_LISTS.items():
            group = group_of(record)
            if group is None:
                continue
            members = self.members(name, group)
            at = bisect.bisect_left(members, order)
            if at < len(members) and members[at] == order:
                del members[at]
                self._changed(name, group, members, touched)

    def fill(self, records) -> None:
        """Every list at once (one sort per list), for many records at a time."""
        groups: dict[tuple, list] = {}
        lists = list(RECORD_LISTS.items())
        for record in records:
            order = (record.published_day, record.id, record.column)
            for name, group_of in lists:
                group = group_of(record)
                if group is not None:
                    found = groups.get((name, group))
                    if found is None:
                        groups[(name, group)] = [order]
                    else:
                        found.append(order)
        for key in list(self.table.keys()):
            if key not in groups:
                self.table.pop(key)
        for key, members in groups.items():
            members.sort()
            self.table[key] = members
        self._newest.clear()

    def _changed(self, name: str, group, members: list, touched: set) -> None:
        self._newest.pop((name, group), None)
        if members:
            self.table[(name, group)] = members
        else:
            self.table.pop((name, group))
        touched.add((name, group))

    def newest_first(self, name: str, group) -> list[Key]:
        cached = self._newest.get((name, group))
        if cached is None:
            cached = [(column, rid) for _o, rid, column in reversed(self.members(name, group))]
            self._newest[(name, group)] = cached
        return cached

    def groups(self) -> list[tuple]:
        return self.table.keys()


@dataclass
class Change:
    """What one update did to the store: entities added, removed or changed (by kind and key),
    record lists touched, and whether any small list may differ."""

    entities: set = field(default_factory=set)        # (kind, key)
    lists: set = field(default_factory=set)           # (record list name, group)
    small: bool = False
    undo: list = field(default_factory=list)          # (file key, previous entities, previous digests)
    settings: object = None                           # the settings before (when they were read again)


class Store:
    def __init__(self, db=None, unpack: Callable[[RecordRef], Record] | None = None):
        self.config: SiteConfig | None = None
        self.domains: tuple[Domain, ...] = ()
        self.columns: tuple[ColumnConfig, ...] = ()         # city first, then districts by adcode
        self.citymap = None
        self.lexicon = None
        self.static: dict[str, frozenset[str]] = {}         # column -> its own static file names
        self.attachments: dict[str, frozenset[str]] = {}    # column -> files/ names
        self.theme_static: dict[str, frozenset[str]] = {}   # theme -> its static file names
        self.config_digests: dict[tuple[str, Key], bytes] = {}
        self.late: dict[str, list] = {}                     # facts of the build: pages, search shards
        self.attachment_exemptions: list = []               # attachments lawfully showing personal data
        # records: key -> RecordRef fields + (digest,); files: file key -> ((kind, entity key), ...)
        self.records = Table("records", db, tuple_key, _literal)
        self.file_entities = Table("store_files", db)
        self.lists = RecordLists(Table("lists", db, tuple_key, _literal))
        self.small: dict[str, dict[Key, object]] = {kind: {} for kind in SMALL_KINDS}
        self.small_digests: dict[tuple[str, Key], bytes] = {}
        self.record_count = 0
        self.unpack = unpack
        self.duplicates: dict[tuple[str, Key], list] = {}   # a key more than one file gives
        self._full: dict[Key, Record] = {}                  # records whole, as read or unpacked
        self._small: dict | None = None

    @property
    def tables(self) -> list[Table]:
        return [self.records, self.file_entities, self.lists.table]

    # --- files in and out ------------------------------------------------------------------

    def put_file(self, key: str, entities: list, digests: list[bytes], change: Change) -> None:
        change.undo.append((key, self.file_content(key)))
        self._remove(key, change)
        self._add_file(key, entities, digests, change, lists=True)

    def put_files(self, batch: list[tuple[str, list, list[bytes]]], change: Change) -> None:
        """Many files at once (a first build): the record lists are made again whole afterwards,
        instead of one sorted insertion per record."""
        if len(batch) < BULK:
            for key, entities, digests in batch:
                self.put_file(key, entities, digests, change)
            return
        for key, entities, digests in batch:
            change.undo.append((key, self.file_content(key)))
            self._remove(key, change, lists=False)
            self._add_file(key, entities, digests, change, lists=False)
        self._refill_lists(change)

    def drop_file(self, key: str, change: Change) -> None:
        if key in self.file_entities:
            change.undo.append((key, self.file_content(key)))
            self._remove(key, change)

    def revert(self, change: Change) -> None:
        """Undo `change` (a content error was found after the files went in). A store that
        passed its checks holds no duplicate, so none is left afterwards."""
        scratch = Change()
        self.duplicates.clear()
        for key, before in reversed(change.undo):
            self._remove(key, scratch, lists=False)
            if before is not None:
                self._add_file(key, *before, scratch, lists=False)
        self.duplicates.clear()
        if change.undo:
            self._refill_lists(scratch)
        self._small = None

    def file_content(self, key: str) -> tuple[list, list[bytes]] | None:
        """The entities a file gave (records as their references) and their digests."""
        listed = self.file_entities.get(key)
        if listed is None:
            return None
        entities, digests = [], []
        for kind, ekey in listed:
            found = self.entity_as_kept(kind, ekey)
            if found is not None:
                entities.append(found[0])
                digests.append(found[1])
        return entities, digests

    def entity_as_kept(self, kind: str, key: Key):
        if kind == "record":
            row = self.records.get(key)
            return (ref_of(row[:REF_SIZE]), row[REF_SIZE]) if row is not None else None
        found = self.small[kind].get(key)
        return (found, self.small_digests[(kind, key)]) if found is not None else None

    def _add_file(self, key: str, entities: list, digests: list[bytes], change: Change, lists: bool) -> None:
        self.file_entities[key] = tuple((KIND_OF[type(e)], entity_key(e)) for e in entities)
        for entity, digest in zip(entities, digests):
            self._define(entity, digest, change, lists)

    def _define(self, entity, digest: bytes, change: Change, lists: bool) -> None:
        kind, key = KIND_OF[type(entity)], entity_key(entity)
        change.entities.add((kind, key))
        shown = self.entity_as_kept(kind, key)
        if shown is not None:                          # a second file gives this key: a duplicate
            self.duplicates.setdefault((kind, key), [shown]).append((entity, digest))
            return
        if kind == "record":
            ref = entity if type(entity) is RecordRef else reference(entity)
            self.records[key] = ref_row(ref) + (digest,)
            self.record_count += 1
            if type(entity) is Record:
                self._full[key] = entity
            if lists:
                self.lists.add(ref, change.lists)
        else:
            self.small[kind][key] = entity
            self.small_digests[(kind, key)] = digest
            change.small = True
            self._small = None

    def _remove(self, key: str, change: Change, lists: bool = True) -> None:
        """Take out what file `key` gave. Where another file gives the same key (a duplicate,
        which fails the build), the other one is what stays."""
        listed = self.file_entities.pop(key)
        for kind, ekey in listed or ():
            change.entities.add((kind, ekey))
            others = [d for d in self.duplicates.pop((kind, ekey), []) if place(d[0])[0] != key]
            if self._shown_from(kind, ekey) == key:
                self._take_out(kind, ekey, change, lists)
                for entity, digest in others:
                    self._define(entity, digest, change, lists)
            elif len(others) > 1:
                self.duplicates[(kind, ekey)] = others

    def _shown_from(self, kind: str, ekey: Key) -> str | None:
        if kind == "record":
            row = self.records.get(ekey)
            return row[12] if row is not None else None
        found = self.small[kind].get(ekey)
        return found.source.path if found is not None else None

    def _take_out(self, kind: str, ekey: Key, change: Change, lists: bool) -> None:
        if kind == "record":
            row = self.records.pop(ekey)
            self._full.pop(ekey, None)
            self.record_count -= 1
            if lists:
                self.lists.remove(ref_of(row[:REF_SIZE]), change.lists)
        else:
            self.small[kind].pop(ekey, None)
            self.small_digests.pop((kind, ekey), None)
            change.small = True
            self._small = None

    def _refill_lists(self, change: Change) -> None:
        before = set(self.lists.groups())
        self.lists.fill(ref_of(row[:REF_SIZE]) for row in self.records.values())
        change.lists |= before | set(self.lists.groups())

    def fill(self, files: dict[str, tuple[list, list[bytes]]]) -> None:
        """The small entities of a store read back from the build state (records stay in their table)."""
        scratch = Change()
        for key, (entities, digests) in files.items():
            for entity, digest in zip(entities, digests):
                kind, ekey = KIND_OF[type(entity)], entity_key(entity)
                self.small[kind][ekey] = entity
                self.small_digests[(kind, ekey)] = digest
        self._small = None
        del scratch

    # --- the site's settings (validated again whenever one of their files changed) ------------

    def set_settings(self, settings, change: Change) -> None:
        """site.yaml, domains, columns and the map (settings.Settings), and which static files there are."""
        before = self.config_digests
        self.config, self.domains, self.columns = settings.config, settings.domains, settings.columns
        self.citymap, self.static, self.attachments = settings.citymap, settings.static, settings.attachments
        self.lexicon = settings.lexicon
        self.theme_static = settings.theme_static
        digests = self.config_digests = settings.digests
        for facet in set(before) | set(digests):
            if before.get(facet) != digests.get(facet):
                change.entities.add(facet)
                change.small = True
        self._small = None

    # --- what views read -----------------------------------------------------------------------

    @property
    def entities(self) -> dict:
        return {"item": self.small["item"], "township": self.small["township"], "topic": self.small["topic"],
                "record": RecordsView(self)}

    def entity(self, kind: str, key: Key):
        if kind == "record":
            return self.record(key) if key in self.records else None
        if kind in self.small:
            return self.small[kind].get(key)
        return self.setting(kind, key)

    def setting(self, kind: str, key: Key):
        if kind == "config":
            return self.config
        if kind == "citymap":
            return self.citymap
        if kind == "lexicon":
            return self.lexicon
        if kind == "domain":
            return next((d for d in self.domains if d.slug == key), None)
        if kind == "column":
            return next((c for c in self.columns if c.slug == key), None)
        raise KeyError(kind)

    def digest(self, kind: str, key: Key) -> bytes | None:
        if kind == "record":
            row = self.records.get(key)
            return row[REF_SIZE] if row is not None else None
        if kind in self.small:
            return self.small_digests.get((kind, key))
        return self.config_digests.get((kind, key))

    def record_list(self, name: str, group) -> list[Key]:
        return self.lists.newest_first(name, group)

    def small_list(self, name: str, group) -> list:
        if self._small is None:
            self._small = small_lists(self)
        return self._small[name].get(group, [])

    def record(self, key: Key) -> Record:
        """A record whole (unpacked from the source cache the first time it is asked for)."""
        found = self._full.get(key)
        if found is None:
            found = self._full[key] = self.unpack(RecordRef._make(self.records[key][:REF_SIZE]))
        return found

    def record_item(self, key: Key) -> str | None:
        """The catalogue item of a record, without unpacking it."""
        return self.records[key][4]

    def records_rows(self) -> list:
        """Every record reference (reads the whole table)."""
        return [ref_of(row[:REF_SIZE]) for row in self.records.values()]

    def item_domain(self, column: str, item_id: str | None) -> str | None:
        item = self.small["item"].get((column, item_id)) if item_id else None
        return item.domain if item is not None else None


class RecordsView:
    """store.entities["record"]: records by key, as RecordRefs (what relates records)."""

    def __init__(self, store: Store):
        self.store = store

    def get(self, key, default=None):
        row = self.store.records.get(key)
        return ref_of(row[:REF_SIZE]) if row is not None else default

    def __getitem__(self, key):
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key) -> bool:
        return key in self.store.records

    def __len__(self) -> int:
        return self.store.record_count

    def values(self) -> list:
        return self.store.records_rows()


def _literal(text: str):
    import ast
    return ast.literal_eval(text)


def small_lists(store: Store) -> dict[str, dict]:
    """Columns, domains, catalogues, townships and topics, in the order pages show them."""
    order = {d.slug: n for n, d in enumerate(store.domains)}
    by_place = lambda e: (e.source.path, e.source.line or 0)  # noqa: E731
    items = sorted(store.small["item"].values(), key=lambda i: (i.column,) + by_place(i))
    catalogue: dict[tuple, list] = {}
    for item in items:
        if item.domain in order:
            catalogue.setdefault((item.column, item.domain), []).append(item)
    domains_of: dict[str, list] = {}
    for column, domain in sorted(catalogue, key=lambda cd: (cd[0], order[cd[1]])):
        domains_of.setdefault(column, []).append(domain)
    townships: dict[str, list] = {}
    for town in sorted(store.small["township"].values(), key=by_place):
        townships.setdefault(town.column, []).append(town)
    topics: dict[str, list] = {}
    for topic in sorted(store.small["topic"].values(), key=lambda t: (t.column, t.slug)):
        topics.setdefault(topic.column, []).append(topic)
    levels: dict[str, list] = {"city": [], "district": []}
    for column in store.columns:
        levels.setdefault(column.level, []).append(column)
    return {"columns": {(): list(store.columns)}, "columns-level": levels, "domains": {(): list(store.domains)},
            "items": {(): items}, "catalogue-domains": domains_of, "catalogue": catalogue,
            "townships": townships, "topics": topics}
