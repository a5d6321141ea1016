"""A build session: the state of the last build of one output (state.py) held in memory, and
`Session.build`, which makes the output match the sources as they are now (stages.py).

The command line opens a session, builds once and saves; the preview keeps its session open and
builds again on every save. What the session holds is read from the state as it is needed: a
build that changes one record of 100,000 reads a few hundred rows, the preview keeps what it read.

A build with nothing to do is seen from the listings alone (the short way): when no source file's
size or time changed, output/ holds what the last build wrote and no build was cut short, it stops
before reading any other part of the state.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from . import search, search_layers, urls
from .errors import BuildError
from .failures import failure
from .graph import Graph
from .paths import ProjectPaths
from .profile import StageClock
from .qr import QrCodes
from .render import template_filters
from .scans import Scans, joined, tree_of
from .stamps import stamp_line
from .settings import Settings
from .sourcecache import SourceCache
from .sources import SourceFile
from .state import BuildState
from .store import Store
from .tables import Table
from .themes import ThemeSet
from .version import generator_version
from .write import remove_leftovers
from .stages import Build, BuildOptions, BuildResult, bulk_objects

META = ("tree", "source_listing", "output_listing", "contexts", "themes", "settings", "late", "counts", "shards",
        "assets", "exemptions", "counters", "records", "html_pages", "precompress", "layers")


class Session:
    def __init__(self, paths: ProjectPaths, log: Callable[[str], None] = print):
        self.paths = paths
        self.log = log
        self.version = generator_version()
        self.state = BuildState(paths.output, self.version, log)
        self.themes = ThemeSet(paths, template_filters())
        self.qr = QrCodes(paths.root / ".build-cache" / "qr")
        self.template_digests: dict[tuple, bytes] = {}   # (column, template) -> digest, until a template changes
        self.settings = Settings()
        self.loaded = False
        self.trusted = False                             # output/ is as this session left it
        self.settled: set[str] = set()                   # journal paths this session committed since
        self.clock: StageClock | None = None             # a profiled build's (build.py --profile)
        self.stage = "start"                             # what the build is doing, for a failure's message
        self.attach(None)

    @property
    def stage(self) -> str:
        return self._stage

    @stage.setter
    def stage(self, stage: str) -> None:
        self._stage = stage
        if self.clock is not None:
            self.clock.enter(stage)

    def attach(self, db) -> None:
        """The tables of the state in `db` (None: a state made from nothing)."""
        self.files = Table("files", db)                  # key -> (size, mtime_ns, digest, context) as built
        self.cache = SourceCache(db)
        self.store = Store(db, self.unpack)
        self.graph = Graph(db)
        self.meta: dict = {}
        self.tree: dict[str, SourceFile] = {}

    @property
    def tables(self) -> list:
        return [self.files, self.cache.table, *self.store.tables, *self.graph.save_tables()]

    # --- the state on disk -----------------------------------------------------------------------

    def open(self) -> None:
        """The state of the last build of this output, if there is a usable one (its parts are read
        as they are needed)."""
        self.loaded = True
        if not self.state.open():
            return
        try:
            with bulk_objects():
                self._open()
        except (ValueError, TypeError, EOFError, KeyError, IndexError):
            self.state.unreadable()
            self.attach(None)

    def _open(self) -> None:
        self.attach(self.state.db)
        self.meta = {key: self.state.meta(key) for key in META}
        self.graph.counters = dict(self.meta["counters"])
        self.store.record_count = self.meta["records"]
        self.store.config_digests = {tuple(k): v for k, v in self.meta["settings"]}
        self.store.late = dict(self.meta["late"])
        self.store.attachment_exemptions = self.meta["exemptions"]
        if self.meta["tree"] is not None:
            self.tree = tree_from_rows(self.paths, self.meta["tree"])
        elif self.meta["source_listing"]:
            self.tree = tree_of(self.paths, self.meta["source_listing"])
        tree = self.tree
        small = [k for k, f in tree.items() if f.role in ("catalogue", "townships", "topic")]
        content = {}
        for key in small:
            entry = self.cache.get(key)
            built = self.files.get(key)
            if entry is not None and built is not None and built[2] == entry.digest and built[3] == entry.context:
                content[key] = (entry.entities, entry.digests)
        self.store.fill(content)

    def unpack(self, ref):
        """A record whole, from the source cache entry of its file."""
        entry = self.cache.get(ref.path)
        found = entry.record(ref.id) if entry is not None else None
        if found is None or found.column != ref.column:
            raise ValueError(f"the build state has no record {ref.column}/{ref.id} in {ref.path}")
        return found

    def save(self, clear_journal: bool = True) -> None:
        if self.meta.get("source_listing") is None:      # a watcher's saves: the stamps as built
            self.meta["source_listing"] = joined([stamp_line(k, f.size, f.mtime_ns) for k, f in self.tree.items()])
        self.meta["tree"] = [f[:1] + f[2:] for f in self.tree.values()]
        self.meta.update(counters=self.graph.counters, records=self.store.record_count,
                         settings=sorted(self.store.config_digests.items()), late=self.store.late,
                         exemptions=self.store.attachment_exemptions)
        self.state.save(self.tables, {key: self.meta.get(key) for key in META})
        if clear_journal:
            self.state.clear_journal()
            self.settled = set()

    def exemptions(self) -> list:
        """Personal data shown under a declared privacy_exception (for `build.py check`)."""
        found = []
        for key in sorted(k for k, f in self.tree.items() if f.role in ("records", "policies", "topic-records")):
            entry = self.cache.get(key)
            if entry is not None:
                found += entry.exemptions
        return found + list(self.store.attachment_exemptions)

    def start_afresh(self) -> None:
        """A clean build: from nothing (the old state stays on disk until the new one replaces it)."""
        self.state.start_afresh()
        self.attach(None)
        self.settings = Settings()
        self.trusted = False
        self.loaded = True

    # --- one build -----------------------------------------------------------------------------------

    def build(self, options: BuildOptions = BuildOptions(), save: bool = True, changed: set[Path] | None = None,
              on_pages: Callable[[], None] | None = None, short_way: bool = True) -> BuildResult:
        """Build once. `changed`: the paths a watcher saw change (None: look at every file);
        `on_pages`: called once the pages are in output/, before the search index follows;
        `short_way`: when nothing changed, stop without reading the state (the preview, which
        wants the state in memory for the edits to come, says no)."""
        started = time.perf_counter()
        self.clock = StageClock() if options.profile else None
        self.stage = "start"
        try:
            result = self._build(options, save, changed, on_pages, short_way, started)
        except BuildError:
            raise
        except Exception as exc:                         # a full disk, a permission, a bug: one message
            stage = self.stage
            self.forget_after_failure()
            raise failure(stage, exc, self.paths.root, self.paths.output) from exc
        finally:
            clock, self.clock = self.clock, None
            if clock is not None:
                clock.finish()
        if clock is not None:
            for line in clock.table():
                self.log("profile: " + line)
        return result

    def forget_after_failure(self) -> None:
        """After a failure mid-build, what this session holds in memory may be half updated: the
        next build starts from the state on disk."""
        self.__init__(self.paths, self.log)

    def _build(self, options: BuildOptions, save: bool, changed: set[Path] | None,
               on_pages: Callable[[], None] | None, short_way: bool, started: float) -> BuildResult:
        with self.state.locked():
            if self.loaded and self.state.changed_elsewhere():
                self.__init__(self.paths, self.log)      # another build wrote the output: start from its state
                changed = None
            scans = Scans(self.paths) if changed is None or not self.tree else None
            if not self.loaded:
                self.open()
            remove_leftovers(self.paths.output)     # also after a build whose old site could not be removed
            if short_way and not options.clean and scans is not None and self.unchanged(scans):
                return self.nothing_changed(started)
            if options.clean:
                self.start_afresh()
            result = Build(self, options).run(started, changed, on_pages or (lambda: None), scans,
                                              self.save if save else None)
            self.stage = "save"
            if save:
                self.state.clear_journal()
                self.settled = set()
        return result

    def unchanged(self, scans: Scans) -> bool:
        """No source file and no file in output/ differs from what the last build left, and no
        build was cut short since."""
        if self.state.db is None or self.state.journal() or not self.meta.get("output_listing"):
            return False
        if scans.sources() != self.meta["source_listing"] or scans.output_listing() != self.meta["output_listing"]:
            return False
        layers = search_layers.Layers.of(self.meta.get("layers")) or search_layers.Layers()
        return all(search.bundle_complete(self.paths.output, bundle) for bundle in search_layers.published_bundles(layers))

    def nothing_changed(self, started: float) -> BuildResult:
        seconds = time.perf_counter() - started
        self.log(f"nothing changed: no source file and no file in {self.paths.output} differs from the last build "
                 f"({seconds:.1f} s)")
        pages = sum(1 for line in self.meta["output_listing"].split(b"\n") if line.split(b"\0", 1)[0].endswith(b".html"))
        return BuildResult(pages, 0, seconds)


def tree_from_rows(paths: ProjectPaths, rows: list) -> dict[str, SourceFile]:
    """The source tree as the last build saved it (each file without its absolute path)."""
    root, themes = f"{paths.root}/", f"{paths.themes}/"
    make = SourceFile._make
    return {row[0]: make((row[0], themes + row[0][7:] if row[0].startswith("themes/") else root + row[0]) + row[1:])
            for row in rows}


# --- the content without a build (build.py check, export) ---------------------------------------------

def read_site(paths: ProjectPaths):
    """The validated site (as views.SiteView) and its lawful personal-data exceptions, read with the
    help of the output's build state but changing nothing; BuildError on content errors."""
    from .views import SiteView
    session = Session(paths, log=lambda _message: None)
    session.open()
    build = Build(session, BuildOptions(progress=False))
    build.scans = Scans(paths)
    build.read_sources(None)
    return SiteView(session.store), session.exemptions()


__all__ = ["BuildError", "BuildOptions", "BuildResult", "Session", "read_site", "bulk_objects"]
