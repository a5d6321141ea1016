"""The dependency graph of the last build: which facets (views.py) each page group and each page
read, with the digest each facet had when it was read, and what was written.

  facet  --read by-->  group  --made-->  pages
  facet  --read by-->  page

A build asks the graph which groups and pages read a facet whose digest changed (`readers`); a
group that read one is made again (all its pages with it), a page that read one is rendered again.
The graph is kept in memory by the preview between saves and saved beside the output otherwise
(`dump`/`load`: marshal of plain lists, ids instead of keys, reader lists as packed integers).
"""
from __future__ import annotations

import marshal
from array import array
from dataclasses import dataclass

FORMAT = 3
DIGEST = 16


def packed(ids) -> bytes:
    return array("i", sorted(ids)).tobytes()


def unpacked(data: bytes) -> set[int]:
    ids = array("i")
    ids.frombytes(data)
    return set(ids)


@dataclass
class PageState:
    path: str
    group: int
    deps: bytes              # packed facet ids
    size: int                # of the file written, to notice a file changed by hand
    mtime_ns: int
    doc: bytes               # digest of what the search index reads of it (b"" when not indexed)
    column: str              # the column whose search index holds it ("" when not indexed)
    content: bytes           # digest of the bytes written
    shard: int = 0           # its search shard in that column


@dataclass
class GroupState:
    key: tuple
    deps: bytes
    children: tuple[int, ...]
    pages: tuple[int, ...]
    depth: int


class Readers:
    """facet id -> ids of its readers; packed on disk, a set once touched."""

    def __init__(self, packed_sets: dict[int, bytes] | None = None):
        self._packed: dict[int, bytes] = packed_sets or {}
        self._sets: dict[int, set[int]] = {}

    def of(self, fid: int) -> set[int]:
        found = self._sets.get(fid)
        if found is None:
            data = self._packed.pop(fid, None)
            found = self._sets[fid] = unpacked(data) if data else set()
        return found

    def add(self, fids, reader: int) -> None:
        for fid in fids:
            self.of(fid).add(reader)

    def discard(self, fids, reader: int) -> None:
        for fid in fids:
            self.of(fid).discard(reader)

    def dumped(self) -> dict[int, bytes]:
        out = dict(self._packed)
        out.update({fid: packed(ids) for fid, ids in self._sets.items() if ids})
        return out


class Graph:
    def __init__(self) -> None:
        self.facets: list[tuple] = []                 # id -> facet
        self.facet_ids: dict[tuple, int] = {}
        self.digests: list[bytes] = []                # id -> digest when last read
        self.groups: list[GroupState | None] = []
        self.group_ids: dict[tuple, int] = {}
        self.pages: list[PageState | None] = []
        self.page_ids: dict[str, int] = {}
        self.group_readers = Readers()
        self.page_readers = Readers()
        self.extra: dict = {}                         # search shards, assets: kept by their modules
        self._by_list: dict[tuple, list[int]] | None = None

    # --- facets -----------------------------------------------------------------------------

    def facet_id(self, facet: tuple, digest: bytes) -> int:
        fid = self.facet_ids.get(facet)
        if fid is None:
            fid = self.facet_ids[facet] = len(self.facets)
            self.facets.append(facet)
            self.digests.append(digest)
            if self._by_list is not None and facet[0] == "c":
                self._by_list.setdefault(facet[1:3], []).append(fid)
        else:
            self.digests[fid] = digest
        return fid

    def list_facets(self, name: str, group) -> list[int]:
        """The ids of every facet read of one list (all its operations)."""
        if self._by_list is None:
            self._by_list = {}
            for fid, facet in enumerate(self.facets):
                if facet[0] == "c":
                    self._by_list.setdefault(facet[1:3], []).append(fid)
        return self._by_list.get((name, group), [])

    def facets_of_kind(self, kind: str) -> list[int]:
        return [fid for fid, facet in enumerate(self.facets) if facet[0] == kind]

    # --- readers ------------------------------------------------------------------------------

    def readers(self, fids) -> tuple[set[int], set[int]]:
        groups: set[int] = set()
        pages: set[int] = set()
        for fid in fids:
            groups |= self.group_readers.of(fid)
            pages |= self.page_readers.of(fid)
        return {g for g in groups if self.groups[g] is not None}, {p for p in pages if self.pages[p] is not None}

    # --- groups and pages ------------------------------------------------------------------------

    def group(self, key: tuple) -> GroupState | None:
        gid = self.group_ids.get(key)
        return self.groups[gid] if gid is not None else None

    def set_group(self, key: tuple, deps: set[int], children: tuple[int, ...], pages: tuple[int, ...],
                  depth: int) -> int:
        gid = self.group_ids.get(key)
        if gid is None:
            gid = self.group_ids[key] = len(self.groups)
            self.groups.append(None)
        else:
            old = self.groups[gid]
            if old is not None:
                self.group_readers.discard(unpacked(old.deps), gid)
        self.groups[gid] = GroupState(key, packed(deps), children, pages, depth)
        self.group_readers.add(deps, gid)
        return gid

    def drop_group(self, gid: int) -> None:
        state = self.groups[gid]
        if state is not None:
            self.group_readers.discard(unpacked(state.deps), gid)
            self.groups[gid] = None
            del self.group_ids[state.key]

    def reserve_group(self, key: tuple) -> int:
        gid = self.group_ids.get(key)
        if gid is None:
            gid = self.group_ids[key] = len(self.groups)
            self.groups.append(None)
        return gid

    def set_page(self, state: PageState, deps: set[int]) -> int:
        pid = self.page_ids.get(state.path)
        if pid is None:
            pid = self.page_ids[state.path] = len(self.pages)
            self.pages.append(None)
        else:
            old = self.pages[pid]
            if old is not None:
                self.page_readers.discard(unpacked(old.deps), pid)
        state.deps = packed(deps)
        self.pages[pid] = state
        self.page_readers.add(deps, pid)
        return pid

    def drop_page(self, pid: int) -> None:
        state = self.pages[pid]
        if state is not None:
            self.page_readers.discard(unpacked(state.deps), pid)
            self.pages[pid] = None
            del self.page_ids[state.path]

    def page(self, path: str) -> PageState | None:
        pid = self.page_ids.get(path)
        return self.pages[pid] if pid is not None else None

    def live_pages(self) -> list[PageState]:
        return [p for p in self.pages if p is not None]

    # --- on disk -----------------------------------------------------------------------------------

    def dump(self, version: str) -> bytes:
        pages = [None if p is None else (p.path, p.group, p.deps, p.size, p.mtime_ns, p.doc, p.column, p.content,
                                         p.shard) for p in self.pages]
        groups = [None if g is None else (g.key, g.deps, g.children, g.pages, g.depth) for g in self.groups]
        return marshal.dumps((FORMAT, version, self.facets, b"".join(self.digests), pages, groups,
                              self.group_readers.dumped(), self.page_readers.dumped(), self.extra))

    @classmethod
    def load(cls, data: bytes, version: str) -> "Graph":
        fmt, saved_version, facets, digests, pages, groups, group_readers, page_readers, extra = marshal.loads(data)
        if fmt != FORMAT or saved_version != version:
            raise ValueError("graph of another format or generator version")
        graph = cls()
        graph.facets = list(facets)
        graph.facet_ids = {facet: fid for fid, facet in enumerate(graph.facets)}
        graph.digests = [digests[i:i + DIGEST] for i in range(0, len(digests), DIGEST)]
        graph.pages = [None if p is None else PageState(*p) for p in pages]
        graph.page_ids = {p.path: pid for pid, p in enumerate(graph.pages) if p is not None}
        graph.groups = [None if g is None else GroupState(*g) for g in groups]
        graph.group_ids = {g.key: gid for gid, g in enumerate(graph.groups) if g is not None}
        graph.group_readers = Readers(dict(group_readers))
        graph.page_readers = Readers(dict(page_readers))
        graph.extra = extra
        if len(graph.digests) != len(graph.facets):
            raise ValueError("graph facets and digests differ in number")
        return graph
