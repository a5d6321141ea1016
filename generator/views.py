"""What pages and templates read, and the record of what they read.

Templates and page makers never see the store: they get a `SiteView`, `ColumnView`s and lists,
which hand out the model's immutable objects and note, for the computation running now (see
`reading`), each *facet* they hand out. A facet names one thing that can be read and whose value
has a digest:

  ("e", kind, key)                  one entity: config, domain, column, item, record, township, topic, citymap, lexicon
  ("c", list, group, "len")         how many a list holds
  ("c", list, group, "ids")         which records a list holds, in order (a record list)
  ("c", list, group, "slice", a, b) which records list[a:b] holds
  ("c", list, group, "at", i)       which record is list[i]
  ("c", list, group, "items", ids)  which records of the list belong to catalogue items `ids`, in order
  ("c", list, group, "near", key, k) which records stand within k places of record `key` in the list
  ("c", list, group, "all")         a small list whole: its members and their values
  ("s", column, name)               whether static file `name` is the column's own or the shared one
  ("t", env, template)              a template with everything it extends, includes or imports
  ("x", "pages") / ("x", "shards")  the site's page list (sitemaps) / its search bundles (search page)

Whatever a computation can reach, it reached through one of these, so its recorded facets are all
its output can depend on: when none of their digests changed, its output has not changed. A list
hands out records with their entity facets noted, so a page that shows ten records depends on
those ten, and on which ten they are (the slice), never on the rest.

`facet_digest` computes a facet's digest from the store through the same accessors the views use.
"""
from __future__ import annotations

import contextlib
import hashlib
from typing import Iterator

from .digest import ABSENT
from .model import Item
from .store import RECORD_LISTS, Store

_reads: set | None = None


def note(facet: tuple) -> None:
    if _reads is not None:
        _reads.add(facet)


@contextlib.contextmanager
def reading() -> Iterator[set]:
    """Collect the facets read inside the block (nested blocks are not needed and not allowed)."""
    global _reads
    outer, _reads = _reads, set()
    try:
        yield _reads
    finally:
        _reads = outer


def entity(store: Store, kind: str, key):
    note(("e", kind, key))
    return store.entity(kind, key)


# --- lists -----------------------------------------------------------------------------------------

class RecordList:
    """A record list (store.RECORD_LISTS), newest first."""

    __slots__ = ("_store", "_name", "_group")

    def __init__(self, store: Store, name: str, group):
        self._store, self._name, self._group = store, name, group

    def _keys(self) -> list:
        return self._store.record_list(self._name, self._group)

    def _hand_out(self, keys) -> list:
        store = self._store
        for key in keys:
            note(("e", "record", key))
        return [store.record(key) for key in keys]

    def __len__(self) -> int:
        note(("c", self._name, self._group, "len"))
        return len(self._keys())

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self):
        note(("c", self._name, self._group, "ids"))
        return iter(self._hand_out(self._keys()))

    def __contains__(self, record) -> bool:
        note(("c", self._name, self._group, "ids"))
        return (getattr(record, "column", None), getattr(record, "id", None)) in set(self._keys())

    def ids(self) -> list[str]:
        """The ids of the records, in order, without the records: what a page group that lists
        one group per record reads (it depends on which records there are, not on their values)."""
        note(("c", self._name, self._group, "ids"))
        return [rid for _column, rid in self._keys()]

    def near(self, record, k: int) -> "Neighbours":
        """The records within `k` places of `record` in this list: a record page that links its
        neighbours depends on those, not on the whole list (a new record changes a few pages)."""
        return Neighbours(self._store, self._name, self._group, (record.column, record.id), k)

    def with_items(self, item_ids) -> "ItemRecords":
        """The records of this list that belong to one of the catalogue items `item_ids`."""
        return ItemRecords(self._store, self._name, self._group, tuple(sorted(item_ids)))

    def __getitem__(self, index):
        if isinstance(index, slice):
            if index.step not in (None, 1):
                return list(self)[index]
            return RecordSlice(self._store, self._name, self._group, index.start, index.stop)
        note(("c", self._name, self._group, "at", index))
        return self._hand_out([self._keys()[index]])[0]

    def __repr__(self) -> str:
        return f"<{self._name} list>"


class ListPart:
    """Some records of a record list, read only when used: one facet ("c", list, group, op, *args)
    says which records the part holds, and each record handed out is noted as well."""

    __slots__ = ("_store", "_name", "_group", "_args")
    op = ""

    def __init__(self, store: Store, name: str, group, *args):
        self._store, self._name, self._group, self._args = store, name, group, args

    def _part(self) -> list:
        raise NotImplementedError

    def _keys(self) -> list:
        note(("c", self._name, self._group, self.op, *self._args))
        return self._part()

    def _records(self) -> list:
        keys = self._keys()
        for key in keys:
            note(("e", "record", key))
        store = self._store
        return [store.record(key) for key in keys]

    def __iter__(self):
        return iter(self._records())

    def __len__(self) -> int:
        return len(self._keys())

    def __bool__(self) -> bool:
        return len(self) > 0

    def __getitem__(self, index):
        return self._records()[index]

    def __repr__(self) -> str:
        return f"<{self._name} list {self.op}>"


class RecordSlice(ListPart):
    """records[a:b] of a record list."""

    __slots__ = ()
    op = "slice"

    def _part(self) -> list:
        start, stop = self._args
        return self._store.record_list(self._name, self._group)[start:stop]


class ItemRecords(ListPart):
    """The records of a record list whose item is one of the items given: a page of them depends
    on which records pass, not on the records of the list that do not."""

    __slots__ = ()
    op = "items"

    def _part(self) -> list:
        return items_of(self._store, self._name, self._group, self._args[0])


class Neighbours(ListPart):
    """list.near(record, k): the newer records just before it and the older ones just after."""

    __slots__ = ()
    op = "near"

    def _part(self) -> list:
        key, k = self._args
        return near_keys(self._store.record_list(self._name, self._group), key, k)

    def split(self) -> tuple[list, list]:
        """(newer, older) neighbours, each nearest first."""
        key = self._args[0]
        records = self._records()
        at = next((n for n, r in enumerate(records) if (r.column, r.id) == key), None)
        if at is None:
            return [], []
        return records[:at][::-1], records[at + 1:]


def near_keys(keys: list, key: tuple, k: int) -> list:
    """keys[i-k : i+k+1] around `key` (itself included), or [] when it is not in the list."""
    try:
        at = keys.index(key)
    except ValueError:
        return []
    return keys[max(0, at - k):at + k + 1]


def items_of(store: Store, name: str, group, items: tuple) -> list:
    """The keys of list `name`[group] whose record's item is in `items`, in list order."""
    wanted = set(items)
    return [key for key in store.record_list(name, group) if store.record_item(key) in wanted]


class SmallList:
    """A short list of settings or catalogue objects (columns, domains, items of one catalogue,
    townships, topics), read whole: one facet covers its members and their values."""

    __slots__ = ("_store", "_name", "_group", "_wrap")

    def __init__(self, store: Store, name: str, group, wrap=None):
        self._store, self._name, self._group, self._wrap = store, name, group, wrap

    def _members(self) -> list:
        note(("c", self._name, self._group, "all"))
        members = self._store.small_list(self._name, self._group)
        return [self._wrap(m) for m in members] if self._wrap else list(members)

    def __len__(self) -> int:
        note(("c", self._name, self._group, "len"))
        return len(self._store.small_list(self._name, self._group))

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self):
        return iter(self._members())

    def __getitem__(self, index):
        members = self._members()
        return members[index] if not isinstance(index, slice) else members[index]

    def __contains__(self, value) -> bool:
        return value in self._members()

    def __repr__(self) -> str:
        return f"<{self._name} list>"


class EntityMap:
    """A mapping from keys to entities of one kind (site.items, site.records, site.domain_of);
    a lookup depends on that one entity, a walk over it on the list `listing`."""

    __slots__ = ("_store", "_kind", "_listing", "_keys")

    def __init__(self, store: Store, kind: str, listing: tuple, keys):
        self._store, self._kind, self._listing, self._keys = store, kind, listing, keys

    def __getitem__(self, key):
        found = entity(self._store, self._kind, key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key, default=None):
        found = entity(self._store, self._kind, key)
        return default if found is None else found

    def __contains__(self, key) -> bool:
        return entity(self._store, self._kind, key) is not None

    def __len__(self) -> int:
        return len(self._listing_view())

    def __bool__(self) -> bool:
        return len(self) > 0

    def _listing_view(self):
        name, group = self._listing
        if name in RECORD_LISTS:
            return RecordList(self._store, name, group)
        return SmallList(self._store, name, group)

    def values(self):
        return list(self._listing_view())

    def __iter__(self):
        return iter([self._keys(v) for v in self._listing_view()])

    def keys(self):
        return list(self)

    def items(self):
        return [(self._keys(v), v) for v in self._listing_view()]

    def __repr__(self) -> str:
        return f"<{self._kind} map>"


class ListMap:
    """site.by_item, site.by_township, site.by_subcolumn, site.replacing, site.interpreting: a group
    key -> its list."""

    __slots__ = ("_store", "_name")

    def __init__(self, store: Store, name: str):
        self._store, self._name = store, name

    def __getitem__(self, group) -> RecordList:
        return RecordList(self._store, self._name, tuple(group))

    def get(self, group, default=()):
        found = RecordList(self._store, self._name, tuple(group))
        return found if found else default

    def __repr__(self) -> str:
        return f"<{self._name} lists>"


# --- the site and its columns ------------------------------------------------------------------------

class ColumnView:
    """One column: its configuration (`config`, `name`, `slug`) and its lists. `slug` is who it is
    and reads nothing."""

    __slots__ = ("_store", "slug", "_seen")

    def __init__(self, store: Store, slug: str, seen: bool = False):
        self._store, self.slug, self._seen = store, slug, seen

    @property
    def config(self):
        if self._seen:                                # handed out by a walk over all columns
            return self._store.setting("column", self.slug)
        return entity(self._store, "column", self.slug)

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def catalogues(self) -> "CatalogueView":
        return CatalogueView(self._store, self.slug)

    @property
    def records(self) -> RecordList:
        return RecordList(self._store, "column-records", self.slug)

    @property
    def policies(self) -> RecordList:
        return RecordList(self._store, "column-policies", self.slug)

    @property
    def interpretations(self) -> RecordList:
        """The interpretations of this column's documents (whichever column published them)."""
        return RecordList(self._store, "column-interpretations", self.slug)

    def policies_in(self, validity: str) -> RecordList:
        return RecordList(self._store, "policies-validity", (self.slug, validity))

    @property
    def townships(self) -> SmallList:
        return SmallList(self._store, "townships", self.slug)

    @property
    def topics(self) -> SmallList:
        return SmallList(self._store, "topics", self.slug)

    def __eq__(self, other) -> bool:
        return isinstance(other, ColumnView) and other.slug == self.slug

    def __hash__(self) -> int:
        return hash(("column", self.slug))

    def __repr__(self) -> str:
        return f"<column {self.slug}>"


class CatalogueView:
    """A column's catalogue: domain slug -> its items, domains in their order."""

    __slots__ = ("_store", "_column")

    def __init__(self, store: Store, column: str):
        self._store, self._column = store, column

    def _domains(self) -> list[str]:
        note(("c", "catalogue-domains", self._column, "all"))
        return list(self._store.small_list("catalogue-domains", self._column))

    def __iter__(self):
        return iter(self._domains())

    def keys(self):
        return self._domains()

    def __len__(self) -> int:
        note(("c", "catalogue-domains", self._column, "len"))
        return len(self._store.small_list("catalogue-domains", self._column))

    def __bool__(self) -> bool:
        return len(self) > 0

    def __contains__(self, domain) -> bool:
        return domain in self._domains()

    def __getitem__(self, domain) -> SmallList:
        if domain not in self._domains():
            raise KeyError(domain)
        return SmallList(self._store, "catalogue", (self._column, domain))

    def get(self, domain, default=None):
        return self[domain] if domain in self._domains() else default

    def items(self):
        return [(d, SmallList(self._store, "catalogue", (self._column, d))) for d in self._domains()]

    def values(self):
        return [v for _d, v in self.items()]

    def __repr__(self) -> str:
        return f"<catalogue of {self._column}>"


class SiteView:
    """The site as pages and templates see it (the interface of assemble.Site)."""

    __slots__ = ("_store",)

    def __init__(self, store: Store):
        self._store = store

    @property
    def config(self):
        return entity(self._store, "config", ())

    @property
    def citymap(self):
        return entity(self._store, "citymap", ())

    @property
    def search_lexicon(self):
        return entity(self._store, "lexicon", ())

    @property
    def domains(self) -> SmallList:
        return SmallList(self._store, "domains", ())

    @property
    def domain_of(self) -> EntityMap:
        return EntityMap(self._store, "domain", ("domains", ()), lambda d: d.slug)

    @property
    def columns(self) -> SmallList:
        return SmallList(self._store, "columns", (), self._seen_column)

    @property
    def city(self) -> ColumnView:
        cities = SmallList(self._store, "columns-level", "city", self._seen_column)
        return cities[0]

    @property
    def districts(self) -> SmallList:
        return SmallList(self._store, "columns-level", "district", self._seen_column)

    def column(self, slug: str) -> ColumnView:
        return ColumnView(self._store, slug)

    def _seen_column(self, config) -> ColumnView:
        return ColumnView(self._store, config.slug, seen=True)

    @property
    def items(self) -> EntityMap:
        return EntityMap(self._store, "item", ("items", ()), lambda i: (i.column, i.id))

    @property
    def records(self) -> EntityMap:
        return EntityMap(self._store, "record", ("all-records", ()), lambda r: (r.column, r.id))

    def records_of(self, item: Item) -> RecordList:
        """The records published under an item, newest first."""
        return RecordList(self._store, "item-records", (item.column, item.id))

    @property
    def by_item(self) -> ListMap:
        return ListMap(self._store, "item-records")

    @property
    def by_township(self) -> ListMap:
        return ListMap(self._store, "township-records")

    @property
    def by_subcolumn(self) -> ListMap:
        return ListMap(self._store, "subcolumn-records")

    @property
    def replacing(self) -> ListMap:
        return ListMap(self._store, "replacing")

    @property
    def interpreting(self) -> ListMap:
        """A policy document's key -> its interpretations (政策解读), newest first."""
        return ListMap(self._store, "interpreting")

    # Facts known only once every other page is made (pages.LATE_GROUPS read them).

    def search_shards(self) -> list[tuple[str, int]]:
        note(("x", "shards"))
        return list(self._store.late.get("shards", ()))

    def html_pages(self) -> list[str]:
        note(("x", "pages"))
        return list(self._store.late.get("pages", ()))

    def __repr__(self) -> str:
        return "<site>"


# --- digests of facets ----------------------------------------------------------------------------------

def facet_digest(store: Store, facet: tuple) -> bytes:
    """The digest of a facet's value now; `t`, `s` and `x` facets are the build's to work out."""
    kind = facet[0]
    if kind == "e":
        return store.digest(facet[1], facet[2]) or ABSENT
    if kind == "c":
        return list_digest(store, facet[1], facet[2], facet[3], facet[4:])
    raise ValueError(f"not a content facet: {facet!r}")


def list_digest(store: Store, name: str, group, op: str, args: tuple) -> bytes:
    if name in RECORD_LISTS:
        keys = store.record_list(name, group)
        value = {"len": lambda: len(keys), "ids": lambda: keys,
                 "slice": lambda: keys[args[0]:args[1]],
                 "at": lambda: keys[args[0]] if -len(keys) <= args[0] < len(keys) else None,
                 "items": lambda: items_of(store, name, group, args[0]),
                 "near": lambda: near_keys(keys, args[0], args[1])}[op]()
    elif name == "catalogue-domains":
        members = store.small_list(name, group)
        value = len(members) if op == "len" else members
    else:
        members = store.small_list(name, group)
        value = len(members) if op == "len" else [member_digest(store, name, m) for m in members]
    return hashlib.blake2b(repr(value).encode(), digest_size=16).digest()


def member_digest(store: Store, name: str, member) -> bytes:
    if name in ("columns", "columns-level"):
        return store.digest("column", member.slug)
    if name == "domains":
        return store.digest("domain", member.slug)
    kind = {"items": "item", "catalogue": "item", "townships": "township", "topics": "topic"}[name]
    return store.digest(kind, (member.column, member.slug if kind in ("township", "topic") else member.id))
