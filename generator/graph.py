"""The dependency graph of the last build: which facets (views.py) each page group and each page
read, with the digest each facet had when it was read, and what was written.

  facet  --read by-->  group  --made-->  pages
  facet  --read by-->  page

A build asks the graph which groups and pages read a facet whose digest changed (`readers`); a
group that read one is made again (all its pages with it), a page that read one is rendered again.
Everything is kept in tables (tables.py): a build reads the rows it needs from the state database,
the preview keeps what it read in memory. Ids are small integers; a reader list is packed.
"""
from __future__ import annotations

import ast
import sqlite3
from array import array
from typing import NamedTuple

from .tables import Table, tuple_key

NO_DIGEST = b""


def packed(ids) -> bytes:
    return array("i", sorted(ids)).tobytes()


def unpacked(data: bytes) -> list[int]:
    ids = array("i")
    ids.frombytes(data)
    return list(ids)


class PageState(NamedTuple):
    path: str
    group: int
    deps: bytes              # packed facet ids
    size: int                # of the file written, to notice a file changed by hand
    mtime_ns: int
    doc: bytes               # digest of what the search index reads of it (b"" when not indexed)
    column: str              # the column whose search index holds it ("" when not indexed)
    content: bytes           # digest of the bytes written
    shard: int = 0           # its search shard in that column


class GroupState(NamedTuple):
    key: tuple
    deps: bytes
    children: tuple[int, ...]
    pages: tuple[int, ...]
    depth: int


def literal(text: str):
    return ast.literal_eval(text)


class Graph:
    def __init__(self, db: sqlite3.Connection | None = None, counters: dict | None = None):
        self.facets = Table("facets", db, tuple_key, literal)            # facet -> (fid, digest)
        self.index = Table("facet_index", db, tuple_key, literal)        # see _index_key -> facets
        self.readers_table = Table("readers", db, str, int)              # fid -> (groups, pages) packed
        self.group_rows = Table("groups", db, str, int)                  # gid -> GroupState tuple
        self.group_ids = Table("group_ids", db, tuple_key, literal)      # group key -> gid
        self.page_rows = Table("pages", db, str, int)                    # pid -> PageState tuple
        self.page_ids = Table("page_ids", db, str)                       # path -> pid
        self.shard_pages = Table("shard_pages", db, tuple_key, literal)  # (column, shard) -> paths
        self.counters = dict(counters or {"facet": 0, "group": 0, "page": 0})
        self._readers: dict[int, tuple[set, set]] = {}
        self._dirty_readers: set[int] = set()

    @property
    def tables(self) -> list[Table]:
        return [self.facets, self.index, self.readers_table, self.group_rows, self.group_ids, self.page_rows,
                self.page_ids, self.shard_pages]

    @property
    def empty(self) -> bool:
        return self.counters["group"] == 0

    # --- facets -----------------------------------------------------------------------------

    def digest(self, facet: tuple) -> bytes | None:
        found = self.facets.get(facet)
        return found[1] if found else None

    def fid(self, facet: tuple) -> int | None:
        found = self.facets.get(facet)
        return found[0] if found else None

    def facet_id(self, facet: tuple, digest: bytes) -> int:
        """The facet's id (a new one for a facet never read before), its digest noted."""
        found = self.facets.get(facet)
        if found is None:
            fid = self.counters["facet"]
            self.counters["facet"] += 1
            key = index_key(facet)
            if key is not None:
                listed = self.index.get(key) or []
                listed.append(facet)
                self.index[key] = listed
        else:
            fid = found[0]
            if found[1] == digest:
                return fid
        self.facets[facet] = (fid, digest)
        return fid

    def indexed(self, key: tuple) -> tuple:
        """Facets read of one record list (("c", name, group)), of one small list
        (("small", name)), or of one kind (("kind", "t" | "s" | "x"))."""
        return self.index.get(key, ())

    # --- readers ------------------------------------------------------------------------------

    def _reader_sets(self, fid: int) -> tuple[set, set]:
        found = self._readers.get(fid)
        if found is None:
            row = self.readers_table.get(fid)
            found = self._readers[fid] = (set(unpacked(row[0])), set(unpacked(row[1]))) if row else (set(), set())
        return found

    def readers(self, facets) -> tuple[set[int], set[int]]:
        groups: set[int] = set()
        pages: set[int] = set()
        for facet in facets:
            fid = self.fid(facet)
            if fid is not None:
                found = self._reader_sets(fid)
                groups |= found[0]
                pages |= found[1]
        return groups, pages

    def _relink(self, old: bytes, new: bytes, reader: int, which: int) -> None:
        if old == new:
            return                                       # the common case: it read what it read before
        before, after = set(unpacked(old)), set(unpacked(new))
        for fid in before - after:
            self._reader_sets(fid)[which].discard(reader)
            self._dirty_readers.add(fid)
        for fid in after - before:
            self._reader_sets(fid)[which].add(reader)
            self._dirty_readers.add(fid)

    def flush_readers(self) -> None:
        for fid in self._dirty_readers:
            groups, pages = self._readers[fid]
            if groups or pages:
                self.readers_table[fid] = (packed(groups), packed(pages))
            else:
                self.readers_table.pop(fid)
        self._dirty_readers = set()

    # --- groups and pages ------------------------------------------------------------------------

    def group(self, key: tuple) -> GroupState | None:
        gid = self.group_ids.get(key)
        return self.group_state(gid) if gid is not None else None

    def group_state(self, gid: int) -> GroupState | None:
        row = self.group_rows.get(gid)
        return GroupState._make(row) if row is not None else None

    def reserve_group(self, key: tuple) -> int:
        gid = self.group_ids.get(key)
        if gid is None:
            gid = self.group_ids[key] = self.counters["group"]
            self.counters["group"] += 1
        return gid

    def set_group(self, key: tuple, deps: set[int], children: tuple[int, ...], pages: tuple[int, ...],
                  depth: int) -> int:
        gid = self.reserve_group(key)
        old = self.group_rows.get(gid)
        new = packed(deps)
        self._relink(old[1] if old else b"", new, gid, 0)
        self.group_rows[gid] = (key, new, tuple(children), tuple(pages), depth)
        return gid

    def drop_group(self, gid: int) -> None:
        old = self.group_rows.get(gid)
        if old is not None:
            self._relink(old[1], b"", gid, 0)
            self.group_rows.pop(gid)
            self.group_ids.pop(old[0])

    def page(self, path: str) -> PageState | None:
        pid = self.page_ids.get(path)
        return self.page_state(pid) if pid is not None else None

    def page_state(self, pid: int) -> PageState | None:
        row = self.page_rows.get(pid)
        return PageState._make(row) if row is not None else None

    def set_page(self, state: PageState, deps: set[int]) -> int:
        pid = self.page_ids.get(state.path)
        if pid is None:
            pid = self.page_ids[state.path] = self.counters["page"]
            self.counters["page"] += 1
        old = self.page_state(pid)
        state = state._replace(deps=packed(deps))
        self._relink(old.deps if old else b"", state.deps, pid, 1)
        self._move_shard(old, state)
        self.page_rows[pid] = tuple(state)
        return pid

    def update_page(self, pid: int, **changes) -> None:
        """Change what is known of a page without touching what it read."""
        old = self.page_state(pid)
        new = old._replace(**changes)
        self._move_shard(old, new)
        self.page_rows[pid] = tuple(new)

    def drop_page(self, pid: int) -> None:
        old = self.page_state(pid)
        if old is not None:
            self._relink(old.deps, b"", pid, 1)
            self._move_shard(old, None)
            self.page_rows.pop(pid)
            self.page_ids.pop(old.path)

    def _move_shard(self, old: PageState | None, new: PageState | None) -> None:
        before = (old.column, old.shard) if old is not None and old.column else None
        after = (new.column, new.shard) if new is not None and new.column else None
        if before == after:
            return
        if before is not None:
            listed = self.shard_pages.get(before) or []
            if old.path in listed:
                listed.remove(old.path)
            self.shard_pages[before] = listed
        if after is not None:
            listed = self.shard_pages.get(after) or []
            listed.append(new.path)
            self.shard_pages[after] = listed

    def live_pages(self) -> list[PageState]:
        """Every page (reads the whole page table: for builds that look at the whole site)."""
        return [PageState._make(row) for row in self.page_rows.values()]

    def pages_of_shard(self, column: str, shard: int) -> list[PageState]:
        paths = self.shard_pages.get((column, shard), ())
        ids = self.page_ids.get_many(paths)
        rows = self.page_rows.get_many(ids.values())
        return [PageState._make(rows[ids[p]]) for p in paths if p in ids and ids[p] in rows]

    def save_tables(self) -> list[Table]:
        self.flush_readers()
        return self.tables


def index_key(facet: tuple) -> tuple | None:
    """Which index lists a facet: a record list's facets by list and group, a small list's by
    list, templates, static files and late facts by kind; entities are found by their key."""
    if facet[0] == "e":
        return None
    if facet[0] == "c":
        from .store import SMALL_LISTS
        return ("small", facet[1]) if facet[1] in SMALL_LISTS else ("c", facet[1], facet[2])
    return ("kind", facet[0])
