"""Everything validated, held by the source file it came from, and the lists pages are made of.

The store is the build's single picture of the content. Files come and go one at a time
(`put_file`, `drop_file`), which keeps every list in order without re-sorting the site:

- record lists (`RECORD_LISTS`: a column's records, an item's, a township's ...), each kept sorted
  newest first as records are added and removed; what a change touched is returned, so the build
  knows which lists to look at again;
- small lists (columns, domains, a column's catalogue, townships and topics), worked out again from
  the few objects they are made of whenever one of those changed.

Every entity has a digest of its values (sourcecache.entity_digest). The store answers what the
views (views.py) ask and nothing else; it knows nothing of pages or templates.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Callable

from .model import ColumnConfig, Domain, Item, Record, SiteConfig, Topic, Township

Key = tuple
KIND_OF = {Item: "item", Record: "record", Township: "township", Topic: "topic"}

# name -> the group a record belongs to in that list (None: not in it). Every list is newest first.
RECORD_LISTS: dict[str, Callable[[Record], object]] = {
    "column-records": lambda r: r.column if r.kind == "record" else None,
    "column-policies": lambda r: r.column if r.kind == "policy" else None,
    "item-records": lambda r: (r.column, r.item) if r.kind == "record" else None,
    "township-records": lambda r: (r.column, r.township) if r.township else None,
    "subcolumn-records": lambda r: (r.column, r.topic, r.subcolumn) if r.kind == "topic" else None,
    "replacing": lambda r: (r.column, r.replaced_by) if r.kind == "policy" and r.replaced_by else None,
    "policies-validity": lambda r: (r.column, r.validity) if r.kind == "policy" else None,
    "all-records": lambda r: (),
}
SMALL_LISTS = ("columns", "columns-level", "domains", "items", "catalogue-domains", "catalogue",
               "townships", "topics")


def entity_key(entity) -> Key:
    if isinstance(entity, Township) or isinstance(entity, Topic):
        return (entity.column, entity.slug)
    return (entity.column, entity.id)


def order_of(record: Record) -> tuple:
    """Oldest first; the lists are read backwards (newest first). The column breaks ties between
    columns (a record id is unique only within its column)."""
    return (record.published.toordinal(), record.id, record.column)


class RecordLists:
    def __init__(self) -> None:
        self.groups: dict[str, dict[object, list[tuple]]] = {name: {} for name in RECORD_LISTS}
        self._newest: dict[tuple[str, object], list[Key]] = {}

    def add(self, record: Record, touched: set) -> None:
        order = order_of(record)
        for name, group_of in RECORD_LISTS.items():
            group = group_of(record)
            if group is not None:
                bisect.insort(self.groups[name].setdefault(group, []), order)
                self._changed(name, group, touched)

    def remove(self, record: Record, touched: set) -> None:
        order = order_of(record)
        for name, group_of in RECORD_LISTS.items():
            group = group_of(record)
            if group is None:
                continue
            members = self.groups[name].get(group)
            at = bisect.bisect_left(members, order) if members else -1
            if members and at < len(members) and members[at] == order:
                del members[at]
                if not members:
                    del self.groups[name][group]
                self._changed(name, group, touched)

    def fill(self, records) -> None:
        """Every list at once, for a store read from the cache (one sort per list)."""
        for record in records:
            order = order_of(record)
            for name, group_of in RECORD_LISTS.items():
                group = group_of(record)
                if group is not None:
                    self.groups[name].setdefault(group, []).append(order)
        for groups in self.groups.values():
            for members in groups.values():
                members.sort()
        self._newest.clear()

    def _changed(self, name: str, group, touched: set) -> None:
        self._newest.pop((name, group), None)
        touched.add((name, group))

    def newest_first(self, name: str, group) -> list[Key]:
        cached = self._newest.get((name, group))
        if cached is None:
            members = self.groups[name].get(group, ())
            cached = [(column, rid) for _o, rid, column in reversed(members)]
            self._newest[(name, group)] = cached
        return cached


@dataclass
class Change:
    """What one update did to the store: entities added, removed or changed (by kind and key),
    record lists touched, and whether any small list may differ."""

    entities: set = field(default_factory=set)        # (kind, key)
    lists: set = field(default_factory=set)           # (record list name, group)
    small: bool = False
    undo: list = field(default_factory=list)          # (file key, previous entities, previous digests)


class Store:
    def __init__(self) -> None:
        self.config: SiteConfig | None = None
        self.domains: tuple[Domain, ...] = ()
        self.columns: tuple[ColumnConfig, ...] = ()         # city first, then districts by adcode
        self.citymap = None
        self.static: dict[str, frozenset[str]] = {}         # column -> its own static file names
        self.attachments: dict[str, frozenset[str]] = {}    # column -> files/ names
        self.theme_static: dict[str, frozenset[str]] = {}   # theme -> its static file names
        self.files: dict[str, list] = {}                    # file key -> its entities
        self.file_digests: dict[str, list[bytes]] = {}
        self.entities: dict[str, dict[Key, object]] = {kind: {} for kind in KIND_OF.values()}
        self.digests: dict[tuple[str, Key], bytes] = {}
        self.definers: dict[tuple[str, Key], list] = {}     # more than one: a duplicate id
        self.lists = RecordLists()
        self._small: dict | None = None
        self.config_digests: dict[tuple[str, Key], bytes] = {}
        self.late: dict[str, list] = {}                      # facts of the build: pages, search shards
        self.attachment_exemptions: list = []                # attachments lawfully showing personal data

    # --- files in and out ------------------------------------------------------------------

    def put_file(self, key: str, entities: list, digests: list[bytes], change: Change) -> None:
        change.undo.append((key, self.files.get(key), self.file_digests.get(key)))
        self._remove(key, change)
        self.files[key] = entities
        self.file_digests[key] = digests
        for entity, digest in zip(entities, digests):
            self._add(entity, digest, change)

    def drop_file(self, key: str, change: Change) -> None:
        if key in self.files:
            change.undo.append((key, self.files.get(key), self.file_digests.get(key)))
            self._remove(key, change)

    def revert(self, change: Change) -> None:
        """Undo `change` (a content error was found after the files went in)."""
        scratch = Change()
        for key, entities, digests in reversed(change.undo):
            self._remove(key, scratch)
            if entities is not None:
                self.files[key] = entities
                self.file_digests[key] = digests
                for entity, digest in zip(entities, digests):
                    self._add(entity, digest, scratch)
        self._small = None

    def fill(self, files: dict[str, tuple[list, list[bytes]]]) -> None:
        """Load many files at once (a store read from the source cache)."""
        scratch = Change()
        for key, (entities, digests) in files.items():
            self.files[key] = entities
            self.file_digests[key] = digests
            for entity, digest in zip(entities, digests):
                self._define(entity, digest, scratch)
        self.lists.fill(self.entities["record"].values())
        self._small = None

    def _add(self, entity, digest: bytes, change: Change) -> None:
        replaced = self._define(entity, digest, change)
        if isinstance(entity, Record):
            if replaced is not None:
                self.lists.remove(replaced, change.lists)
            if self.entities["record"].get(entity_key(entity)) is entity:
                self.lists.add(entity, change.lists)

    def _define(self, entity, digest: bytes, change: Change):
        """Register an entity; returns the record it displaced as the one shown, if any."""
        kind, key = KIND_OF[type(entity)], entity_key(entity)
        definers = self.definers.setdefault((kind, key), [])
        definers.append((entity, digest))
        definers.sort(key=lambda d: (d[0].source.path, d[0].source.line or 0))
        shown, shown_digest = definers[0]
        previous = self.entities[kind].get(key)
        self.entities[kind][key] = shown
        self.digests[(kind, key)] = shown_digest
        change.entities.add((kind, key))
        if kind != "record":
            change.small = True
            self._small = None
        return previous if previous is not shown else None

    def _remove(self, key: str, change: Change) -> None:
        for entity in self.files.pop(key, ()) or ():
            kind, ekey = KIND_OF[type(entity)], entity_key(entity)
            definers = [d for d in self.definers.get((kind, ekey), []) if d[0] is not entity]
            shown = self.entities[kind].get(ekey)
            if definers:
                self.definers[(kind, ekey)] = definers
                self.entities[kind][ekey], self.digests[(kind, ekey)] = definers[0]
            else:
                self.definers.pop((kind, ekey), None)
                self.entities[kind].pop(ekey, None)
                self.digests.pop((kind, ekey), None)
            if kind == "record" and shown is entity:
                self.lists.remove(entity, change.lists)
                if definers:
                    self.lists.add(definers[0][0], change.lists)
            change.entities.add((kind, ekey))
            if kind != "record":
                change.small = True
                self._small = None
        self.file_digests.pop(key, None)

    # --- the site's settings (validated again whenever one of their files changed) ------------

    def set_settings(self, settings, change: Change) -> None:
        """site.yaml, domains, columns and the map (settings.Settings), and which static files there are."""
        before = self.config_digests
        self.config, self.domains, self.columns = settings.config, settings.domains, settings.columns
        self.citymap, self.static, self.attachments = settings.citymap, settings.static, settings.attachments
        self.theme_static = settings.theme_static
        digests = self.config_digests = settings.digests
        for facet in set(before) | set(digests):
            if before.get(facet) != digests.get(facet):
                change.entities.add(facet)
                change.small = True
        self._small = None

    # --- what views read -----------------------------------------------------------------------

    def entity(self, kind: str, key: Key):
        if kind in self.entities:
            return self.entities[kind].get(key)
        return self.setting(kind, key)

    def setting(self, kind: str, key: Key):
        if kind == "config":
            return self.config
        if kind == "citymap":
            return self.citymap
        if kind == "domain":
            return next((d for d in self.domains if d.slug == key), None)
        if kind == "column":
            return next((c for c in self.columns if c.slug == key), None)
        raise KeyError(kind)

    def digest(self, kind: str, key: Key) -> bytes | None:
        if kind in self.entities:
            return self.digests.get((kind, key))
        return self.config_digests.get((kind, key))

    def record_list(self, name: str, group) -> list[Key]:
        return self.lists.newest_first(name, group)

    def small_list(self, name: str, group) -> list:
        if self._small is None:
            self._small = small_lists(self)
        return self._small[name].get(group, [])

    def record(self, key: Key) -> Record:
        return self.entities["record"][key]

    def item_domain(self, column: str, item_id: str | None) -> str | None:
        item = self.entities["item"].get((column, item_id)) if item_id else None
        return item.domain if item is not None else None


def small_lists(store: Store) -> dict[str, dict]:
    """Columns, domains, catalogues, townships and topics, in the order pages show them."""
    order = {d.slug: n for n, d in enumerate(store.domains)}
    by_place = lambda e: (e.source.path, e.source.line or 0)  # noqa: E731
    items = sorted(store.entities["item"].values(), key=lambda i: (i.column,) + by_place(i))
    catalogue: dict[tuple, list] = {}
    for item in items:
        if item.domain in order:
            catalogue.setdefault((item.column, item.domain), []).append(item)
    domains_of: dict[str, list] = {}
    for column, domain in sorted(catalogue, key=lambda cd: (cd[0], order[cd[1]])):
        domains_of.setdefault(column, []).append(domain)
    townships: dict[str, list] = {}
    for town in sorted(store.entities["township"].values(), key=by_place):
        townships.setdefault(town.column, []).append(town)
    topics: dict[str, list] = {}
    for topic in sorted(store.entities["topic"].values(), key=lambda t: (t.column, t.slug)):
        topics.setdefault(topic.column, []).append(topic)
    levels: dict[str, list] = {"city": [], "district": []}
    for column in store.columns:
        levels.setdefault(column.level, []).append(column)
    return {"columns": {(): list(store.columns)}, "columns-level": levels, "domains": {(): list(store.domains)},
            "items": {(): items}, "catalogue-domains": domains_of, "catalogue": catalogue,
            "townships": townships, "topics": topics}
