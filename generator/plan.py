"""Which groups to make again and which pages to render, from the facets that changed.

A group that read a changed facet is made again, and all its pages are rendered. A page that read
a changed facet is rendered; its group is made again only to get its job (it read nothing that
changed, so it makes the same pages). A group made again may list other groups below it than
before: those no longer listed are removed with everything below them, the new ones are made.
Groups are made parents first, so a group its parent removed is never made.

The plan changes nothing; the build renders what it says and then commits it to the graph.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from .errors import ErrorList
from .graph import Graph
from .pages import LATE_GROUPS, GroupKey, Made, PageJob, make_group
from .views import reading


@dataclass
class MadeGroup:
    key: GroupKey
    made: Made
    reads: set
    depth: int
    all_stale: bool          # every page to be rendered (else only `stale` ones)


@dataclass
class Plan:
    groups: dict[GroupKey, MadeGroup] = field(default_factory=dict)
    render: dict[str, PageJob] = field(default_factory=dict)   # path -> job
    removed_groups: set[int] = field(default_factory=set)
    removed_pages: set[int] = field(default_factory=set)
    new_pages: set[str] = field(default_factory=set)            # paths the graph had not

    @property
    def pages_changed(self) -> bool:
        return bool(self.new_pages or self.removed_pages)


class Planner:
    def __init__(self, graph: Graph, site, errors: ErrorList):
        self.graph = graph
        self.site = site
        self.errors = errors
        self.plan = Plan()
        self._queue: list[tuple[int, int, GroupKey]] = []
        self._queued: set[GroupKey] = set()
        self._stale_pages: set[int] = set()
        self._all_stale: set[GroupKey] = set()
        self._owner: dict[str, GroupKey] = {}

    def run(self, stale_groups: set[int], stale_pages: set[int], cold: bool) -> Plan:
        """Make the groups that read a changed facet or own a page that did (late ones aside)."""
        self._stale_pages = stale_pages
        if cold or self.graph.group(("root",)) is None:
            self._push(("root",), 0)
        self._all_stale = {self.graph.group_state(g).key for g in stale_groups}
        owners = {page.group for p in stale_pages if (page := self.graph.page_state(p)) is not None}
        for gid in stale_groups | owners:
            state = self.graph.group_state(gid)
            if state is not None and state.key not in LATE_GROUPS:
                self._push(state.key, state.depth)
        while self._queue:
            depth, _n, key = heapq.heappop(self._queue)
            if not self._removed(key):
                self._make(key, depth)
        return self.plan

    def make_late(self, key: GroupKey, depth: int) -> None:
        """Make a late group (search page, sitemaps) again: the facts it reads changed."""
        self._all_stale.add(key)
        self._make(key, depth)

    # --- making one group -------------------------------------------------------------------------

    def _push(self, key: GroupKey, depth: int) -> None:
        if key in self._queued:
            return
        self._queued.add(key)
        heapq.heappush(self._queue, (depth, len(self._queued), key))

    def _removed(self, key: GroupKey) -> bool:
        gid = self.graph.group_ids.get(key)
        return gid is not None and gid in self.plan.removed_groups

    def _make(self, key: GroupKey, depth: int) -> None:
        with reading() as reads:
            made = make_group(self.site, key)
        old = self.graph.group(key)
        stale = old is None or key in self._all_stale
        self.plan.groups[key] = MadeGroup(key, made, reads, depth, stale)
        self._children(key, old, made, depth)
        self._pages(key, old, made, stale)

    def _children(self, key: GroupKey, old, made: Made, depth: int) -> None:
        before = [self.graph.group_state(g).key for g in old.children] if old else []
        now = set(made.children)
        for child in before:
            if child not in now:
                self._remove_group(self.graph.group_ids[child])
        known = set(before)
        for child in made.children:
            if child not in known and child not in LATE_GROUPS:     # late ones: see make_late
                self._push(child, depth + 1)

    def _pages(self, key: GroupKey, old, made: Made, stale: bool) -> None:
        before = {self.graph.page_state(p).path: p for p in old.pages} if old else {}
        paths = [job.path for job in made.pages]
        if not stale and set(paths) != set(before):
            stale = True                               # made other pages than before: render them all
            self.plan.groups[key].all_stale = True
        for job in made.pages:
            pid = before.get(job.path)
            if stale or pid in self._stale_pages:
                self._claim(job, key)
        for path, pid in before.items():
            if path not in paths:
                self.plan.removed_pages.add(pid)

    def _claim(self, job: PageJob, key: GroupKey) -> None:
        if job.path in self._owner and self._owner[job.path] != key:
            self.errors.add(job.path, None, "two pages would be written to this address", "unique ids and slugs")
            return
        pid = self.graph.page_ids.get(job.path)
        if pid is not None and pid not in self.plan.removed_pages:
            owner = self.graph.group_state(self.graph.page_state(pid).group)
            if owner is not None and owner.key != key:
                self.errors.add(job.path, None, "two pages would be written to this address", "unique ids and slugs")
                return
        self._owner[job.path] = key
        self.plan.render[job.path] = job
        if pid is None:
            self.plan.new_pages.add(job.path)

    def _remove_group(self, gid: int) -> None:
        state = self.graph.group_state(gid)
        if state is None or gid in self.plan.removed_groups:
            return
        self.plan.removed_groups.add(gid)
        self.plan.removed_pages.update(state.pages)
        for child in state.children:
            self._remove_group(child)
