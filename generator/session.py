"""One build, from the sources as they are now to output/, doing only what their changes need.

The stages, in order (`Session.build`):

  sources   scan the project; read, validate and scan for personal data only the files whose
            bytes changed (the rest comes from the source cache); check what spans files
  facets    which facets (views.py) have another digest than when they were last read
  plan      the groups and pages that read them (plan.py): groups made again, pages rendered
  render    the pages, on every core for a big build (render_pool.py)
  assets    static files and attachments whose source changed
  search    the search shards whose pages' documents changed (search.py)
  publish   a full build swaps its folder in; an incremental one moves its files in one by one,
            after writing the journal (write.py, state.py)
  commit    the graph learns what every made group and rendered page read; the state is saved

A build with no usable state (the first one, --clean, another generator version) is the same
build against an empty graph. The command line opens a session, builds once and saves; the
preview keeps its session (store, graph, source cache) in memory and builds again on every save.
Content errors stop the build before anything is written; the store is then put back as it was.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import search, urls
from .assets import Asset, package_digest, site_assets
from .digest import ABSENT, digest_text
from .errors import BuildError, ErrorList
from .graph import Graph, PageState
from .ingest import Ingested, file_context, ingest
from .pages import LATE_GROUPS
from .paths import ProjectPaths
from .plan import Plan, Planner
from .progress import Progress
from .qr import QrCodes
from .references import check_references, judge_attachments
from .render import Renderer, static_owner, template_filters
from .render_pool import Rendered, render_jobs
from .settings import SETTING_ROLES, Settings, read_settings
from .sourcecache import SourceCache, entry_of
from .sources import CONTENT_ROLES, SourceFile, refresh_sources, scan_sources
from .state import BuildState
from .store import SMALL_LISTS, Change, Store
from .themes import DEFAULT_THEME, ThemeSet
from .version import generator_version
from .views import SiteView, facet_digest
from .write import BuildOutput, remove_leftovers, scan_output

STRUCTURE_ROLES = ("static", "attachment", "template", "column")   # a file of these added or gone: settings again


@dataclass(frozen=True)
class BuildOptions:
    progress: bool = True        # a progress bar on a terminal, plain lines in a log
    clean: bool = False          # ignore the build state: make every page
    workers: int | None = None   # render processes (default: one per core)


@dataclass(frozen=True)
class BuildResult:
    pages: int                   # HTML pages of the site (the 404 page included)
    files: int                   # files written by this build
    seconds: float
    rendered: int = 0            # pages (and feeds, sitemaps, API files) rendered by this build
    carried: int = 0             # ... and left as they were
    indexed: int = 0             # search shards indexed by this build


class Session:
    def __init__(self, paths: ProjectPaths, log: Callable[[str], None] = print):
        self.paths = paths
        self.log = log
        self.version = generator_version()
        self.state = BuildState(paths.output, self.version, log)
        self.files: dict[str, tuple] = {}            # key -> (size, mtime_ns, digest, context) as built
        self.cache = SourceCache({})
        self.store = Store()
        self.graph = Graph()
        self.settings = Settings()
        self.themes = ThemeSet(paths, template_filters())
        self.qr = QrCodes(paths.root / ".build-cache" / "qr")
        self.tree: dict[str, SourceFile] = {}
        self.loaded = False
        self.trusted = False                         # output/ is as this session left it
        self.settled: set[str] = set()               # journal paths this session has committed since

    # --- the state on disk -----------------------------------------------------------------------

    def load(self) -> None:
        """The state of the last build of this output, if there is a usable one."""
        self.loaded = True
        saved = self.state.load()
        if saved is None:
            return
        try:
            self.graph = Graph.load(saved["graph"], self.version)
            self.files = marshal.loads(saved["stamps"])
            self.cache = SourceCache.from_shards(list(saved["sources"].values()))
            self.cache.dirty = set()
        except (ValueError, TypeError, EOFError, KeyError, IndexError) as exc:
            self.log(f"build state {self.state.folder.name} is unreadable ({exc}); every page is rebuilt")
            self.graph, self.files, self.cache = Graph(), {}, SourceCache({})
            return
        self.store.fill({k: (e.entities, e.digests) for k, e in self.cache.entries.items()
                         if k in self.files and self.files[k][2] == e.digest and self.files[k][3] == e.context})

    def save(self) -> None:
        sources = {str(n): data for n, data in self.cache.changed_shards().items()}
        self.state.save(self.graph.dump(self.version), marshal.dumps(self.files), sources)
        self.state.clear_journal()
        self.settled = set()

    def exemptions(self) -> list:
        """Personal data shown under a declared privacy_exception (for `build.py check`)."""
        found = [x for key in sorted(self.store.files) if (e := self.cache.get(key)) for x in e.exemptions]
        return found + list(self.store.attachment_exemptions)

    def forget(self) -> None:
        """Start from nothing (a clean build): empty graph and store, source cache kept."""
        self.graph, self.files, self.store, self.settings = Graph(), {}, Store(), Settings()
        self.trusted = False

    # --- one build -----------------------------------------------------------------------------------

    def build(self, options: BuildOptions = BuildOptions(), save: bool = True, changed: set[Path] | None = None,
              on_pages: Callable[[], None] | None = None) -> BuildResult:
        """Build once. `changed`: the paths a watcher saw change (None: look at every file);
        `on_pages`: called once the pages are in output/, before the search index follows."""
        started = time.perf_counter()
        with self.state.locked():
            if not self.loaded and not options.clean:
                self.load()
            if options.clean:
                self.forget()
            remove_leftovers(self.paths.output)
            result = Build(self, options).run(started, changed, on_pages or (lambda: None))
            if save:
                self.save()
        return result


class Build:
    """The work of one build; short-lived, it holds what the stages hand each other."""

    def __init__(self, session: Session, options: BuildOptions):
        self.s = session
        self.options = options
        self.paths = session.paths
        self.errors = ErrorList(root=session.paths.root)
        self.change = Change()
        self.new_files: dict[str, tuple] = {}
        self.changed_roles: set[str] = set()
        self.template_digests: dict[tuple, bytes] = {}
        self.forced: set[int] = set()                    # pages to render whatever they read
        self.stale_pages: set[int] = set()               # ... and those that read a changed facet
        self.forced_paths: set[str] = set()              # what the journal names
        self.output_found: dict | None = None            # output/ as scanned (None: not scanned)
        self.deleted: list[str] = []

    def run(self, started: float, changed_paths: set[Path] | None, on_pages: Callable[[], None]) -> BuildResult:
        s = self.s
        tree = self.read_sources(changed_paths)
        full = not s.graph.groups or not self.paths.output.is_dir()
        self.forced, unknown = self.forced_pages(full)
        plan = self.plan(self.changed_facets(), self.forced, full)
        late = self.late_groups(plan)
        target = BuildOutput(self.paths.output, full)
        try:
            rendered = self.render(plan, target)
            assets = self.copy_assets(tree, target, full)
            if full:
                shards = self.index_search(plan, rendered, target, full)
                target.publish_full()
            else:
                self.publish_pages(target, plan, rendered, assets, unknown)
        except BaseException:
            target.discard()
            raise
        if not full:
            on_pages()
            shards = self.search_after(plan, rendered)
        self.commit(plan, rendered, late, assets, shards)
        s.settled |= set(rendered.pages) | set(assets["copied"]) | set(self.deleted) | set(shards[0])
        pages = sum(1 for p in s.graph.live_pages() if p.path.endswith(".html"))
        written = len(target.written) + len(shards[0])
        result = BuildResult(pages, written, time.perf_counter() - started,
                             len(rendered.pages), len(s.graph.page_ids) - len(rendered.pages), len(shards[0]))
        s.trusted = True
        s.log(f"wrote {result.pages} pages ({result.files} files) to {self.paths.output} in {result.seconds:.1f} s")
        return result

    def search_after(self, plan: Plan, rendered: Rendered) -> tuple:
        """An incremental build's search shards, indexed from the published pages."""
        target = BuildOutput(self.paths.output, full=False)
        try:
            shards = self.index_search(plan, rendered, target, full=False)
            if shards[0] or shards[1]:
                self.s.state.write_journal(shards[0] + shards[1])
            target.publish_changes([], shards[0], shards[1])
        except BaseException:
            target.discard()
            raise
        return shards

    # --- sources --------------------------------------------------------------------------------------

    def read_sources(self, changed_paths: set[Path] | None = None) -> dict[str, SourceFile]:
        s = self.s
        started = time.perf_counter()
        if changed_paths is not None and s.tree:
            tree = refresh_sources(self.paths, s.tree, changed_paths)
        else:
            tree = scan_sources(self.paths)
        before = s.files
        changed = {k for k, f in tree.items() if k not in before or before[k][:2] != f.stamp}
        gone = set(before) - set(tree)
        self.changed_roles = {tree[k].role for k in changed} | {role_of_gone(k) for k in gone}
        structure = bool(gone | {k for k in changed if k not in before}) and bool(
            self.changed_roles & set(STRUCTURE_ROLES))
        self.new_files = {k: v for k, v in before.items() if k in tree}
        self.hash_changed(tree, changed)
        really = {k for k in changed if before.get(k, (None,) * 3)[2] != self.new_files[k][2]} | gone
        self.changed_roles = {tree[k].role for k in really if k in tree} | {role_of_gone(k) for k in gone}
        if not s.settings.config or really & {k for k in tree if tree[k].role in SETTING_ROLES} or structure \
                or self.changed_roles & {"column", "site", "domains", "map"} or gone & set(before):
            s.settings = read_settings(self.paths, tree, self.errors)
            s.store.set_settings(s.settings, self.change)
        read = self.read_content(tree)
        for key in gone:
            s.store.drop_file(key, self.change)
        if s.store.config is not None:
            check_references(s.store, self.paths, s.settings.themes, self.errors)
        s.store.attachment_exemptions = judge_attachments(s.store, self.attachment_finds(tree), self.errors)
        if self.errors:
            s.store.revert(self.change)
            if self.change.undo or self.change.entities:
                s.settings = Settings()              # read them again next time
            self.errors.raise_if_any("validate")
        s.files, s.tree = self.new_files, tree
        s.log(f"content: {len(s.store.columns)} columns, {len(s.store.entities['item'])} items, "
              f"{len(s.store.entities['record'])} records; {read} files read in {time.perf_counter() - started:.1f} s")
        return tree

    def hash_changed(self, tree: dict[str, SourceFile], changed: set[str]) -> None:
        """Files whose size or time changed: their digest (the bytes may be the same)."""
        for key in changed:
            source = tree[key]
            try:
                data = read_file(source.path)
            except OSError:
                continue
            context = self.new_files.get(key, (0, 0, "", ""))[3]
            self.new_files[key] = (source.size, source.mtime_ns, content_digest(data), context)

    def read_content(self, tree: dict[str, SourceFile]) -> int:
        """Content files whose digest or context changed go into the store (from the cache when
        it read these bytes before)."""
        s = self.s
        platform, adcodes = s.settings.service_platform, s.settings.adcodes
        read = 0
        for key, source in tree.items():
            if source.role not in CONTENT_ROLES:
                continue
            context = file_context(source, platform, adcodes)
            size, mtime, digest, built = self.new_files[key]
            if key in s.store.files and built == context and key in s.files and s.files[key][2] == digest:
                continue
            entry = s.cache.get(key)
            if entry is None or entry.digest != digest or entry.context != context:
                ingested = ingest(source, read_file(source.path), context, self.paths.root)
                read += 1
                if ingested.errors:
                    self.errors.errors.extend(e for e in ingested.errors if e not in self.errors.errors)
                    continue
                entry = entry_of(ingested, size, mtime)
                s.cache.put(entry)
            s.store.put_file(key, entry.entities, entry.digests, self.change)
            self.new_files[key] = (size, mtime, entry.digest, context)
        return read

    def attachment_finds(self, tree: dict[str, SourceFile]) -> dict[str, tuple[str, str, list]]:
        found = {}
        for key, source in tree.items():
            if source.role == "attachment":
                entry = self.s.cache.get(key)
                if entry is not None and entry.finds:
                    found[key] = (source.column, key.rsplit("/", 1)[1], entry.finds)
        return found

    # --- facets and the plan ---------------------------------------------------------------------------

    def changed_facets(self) -> set[int]:
        graph, store = self.s.graph, self.s.store
        candidates: set[int] = set()
        for kind, key in self.change.entities:
            fid = graph.facet_ids.get(("e", kind, key))
            if fid is not None:
                candidates.add(fid)
        for name, group in self.change.lists:
            candidates.update(graph.list_facets(name, group))
        if self.change.small:
            candidates.update(fid for fid, f in enumerate(graph.facets) if f[0] == "c" and f[1] in SMALL_LISTS)
        if self.changed_roles & {"template", "column"}:
            candidates.update(graph.facets_of_kind("t"))
        if self.changed_roles & {"static", "column"}:
            candidates.update(graph.facets_of_kind("s"))
        return {fid for fid in candidates if self.digest(graph.facets[fid]) != graph.digests[fid]}

    def digest(self, facet: tuple) -> bytes:
        store = self.s.store
        kind = facet[0]
        if kind in ("e", "c"):
            return facet_digest(store, facet)
        if kind == "t":
            return self.template_digest(facet[1], facet[2])
        if kind == "s":
            column = store.setting("column", facet[1])
            if column is None:
                return ABSENT
            return digest_text(static_owner(store, facet[1], column.theme, facet[2]))
        if kind == "x":
            return digest_text(repr(store.late.get(facet[1], ())))
        raise ValueError(f"unknown facet {facet!r}")

    def template_digest(self, column: str, name: str) -> bytes:
        key = (column, name)
        if key not in self.template_digests:
            config = self.s.store.setting("column", column) if column else None
            if column and config is None:
                self.template_digests[key] = ABSENT
            else:
                theme = config.theme if config else DEFAULT_THEME
                self.template_digests[key] = self.s.themes.template_digest(column or None, theme, name)
        return self.template_digests[key]

    def forced_pages(self, full: bool) -> tuple[set[int], list[str]]:
        """Pages to render whatever their facets say: those the journal names (a build killed
        while publishing) and, unless this session wrote output/ itself, those whose file is not
        the one written. Also the files in output/ that no build made, to remove."""
        s = self.s
        if full:
            return set(), []
        journal = set(s.state.journal()) - s.settled
        forced = {s.graph.page_ids[p] for p in journal if p in s.graph.page_ids}
        self.forced_paths = journal
        if s.trusted and not journal:
            return forced, []
        found = scan_output(self.paths.output)
        expected = set(s.graph.page_ids) | set(s.graph.extra.get("assets", {}))
        bundles = {f"{column}/pagefind/" for column, _n in s.graph.extra.get("shard_list", [])}
        for pid, page in enumerate(s.graph.pages):
            if page is not None and not same_output(self.paths.output, page.path, found.get(page.path), page):
                forced.add(pid)
        self.output_found = found
        unknown = [p for p in found if p not in expected and p not in bundles]
        return forced, sorted(unknown)

    def plan(self, changed: set[int], forced: set[int], full: bool) -> Plan:
        s = self.s
        stale_groups, stale_pages = s.graph.readers(changed)
        self.planner = Planner(s.graph, SiteView(s.store), self.errors)
        self.stale_pages = stale_pages | forced
        plan = self.planner.run(stale_groups, self.stale_pages, cold=full)
        self.stale_late = {s.graph.groups[g].key for g in stale_groups if s.graph.groups[g].key in LATE_GROUPS}
        self.errors.raise_if_any("render")
        return plan

    def late_groups(self, plan: Plan) -> set:
        """The search page and the sitemaps, made again when the facts they read changed."""
        s = self.s
        keys = {key: s.graph.group(key) for key in LATE_GROUPS}
        must = {key for key, old in keys.items()
                if old is None or key in self.stale_late or any(pid in self.stale_pages for pid in old.pages)}
        recount = plan.pages_changed or self.change.small or "counts" not in s.graph.extra
        s.store.late = late_facts(s.graph, plan, s.store, recount, need_pages=recount or ("sitemap",) in must)
        made = set()
        for key, facet in LATE_GROUPS.items():
            if key in must or (facet[1] in s.store.late and self.fact_changed(facet)):
                self.planner.make_late(key, 1)
                made.add(key)
        self.errors.raise_if_any("render")
        return made

    def fact_changed(self, facet: tuple) -> bool:
        fid = self.s.graph.facet_ids.get(facet)
        return fid is None or self.s.graph.digests[fid] != self.digest(facet)

    # --- render, assets, search, publish -------------------------------------------------------------

    def render(self, plan: Plan, target: BuildOutput) -> Rendered:
        s = self.s
        jobs = sorted(plan.render.values(), key=lambda j: j.path)
        for job in jobs:
            target.path(job.path)
            if job.column and not job.template.startswith("api:"):
                self.template_digest(job.column, job.template)
            elif not job.template.startswith("api:"):
                self.template_digest("", job.template)
        progress = Progress("渲染页面", len(jobs), enabled=self.options.progress)
        renderer = Renderer(s.store, s.themes, s.qr)
        rendered = render_jobs(renderer, jobs, target.folder, self.paths.root, progress, self.options.workers)
        for error in rendered.errors:
            self.errors.add(error.path, error.line, error.message, error.expected)
        self.errors.raise_if_any("render")
        s.qr.merge(rendered.qr_codes, rendered.qr_used)
        s.qr.save(prune=not s.graph.groups)
        s.log(f"pages: {len(rendered.pages)} rendered; qr: {s.qr.encoded} codes encoded, {s.qr.reused} from the cache")
        return rendered

    def copy_assets(self, tree, target: BuildOutput, full: bool) -> dict:
        s = self.s
        assets = site_assets(s.store, tree)
        before = {} if full else s.graph.extra.get("assets", {})
        found, journal = self.output_found, self.forced_paths
        kept, copied = {}, []
        for path, asset in assets.items():
            digest = self.asset_digest(asset)
            old = before.get(path)
            if old and old[0] == digest and path not in journal and (
                    found is None or found.get(path) == (old[1], old[2])):
                kept[path] = old
                continue
            written = target.copy_file(path, asset.file)
            stat = written.stat()
            kept[path] = (digest, stat.st_size, stat.st_mtime_ns)
            copied.append(path)
        removed = [p for p in before if p not in assets]
        return {"assets": kept, "copied": copied, "removed": removed}

    def asset_digest(self, asset: Asset) -> str:
        if asset.source.startswith("pkg:"):
            return package_digest(asset.file)
        return self.new_files_digest(asset.source)

    def new_files_digest(self, key: str) -> str:
        return self.s.files.get(key, (0, 0, "", ""))[2]

    def index_search(self, plan: Plan, rendered: Rendered, target: BuildOutput, full: bool) -> tuple:
        """Index the shards whose pages' search documents changed; returns (bundles indexed,
        bundles removed, shard -> digest, the shard list)."""
        s = self.s
        started = time.perf_counter()
        shards = [tuple(x) for x in s.store.late["shards"]]
        counts = dict(s.store.late["counts"])
        before = {} if full else dict(s.graph.extra.get("shards", {}))
        touched = set(shards) if full else self.touched_shards(plan, rendered, counts, shards)
        members = shard_members(s.graph, plan, rendered, counts, touched)
        wanted = {name: digest for name, digest in before.items() if map_shard(name) in set(shards)}
        built = target.folder if full else self.paths.output
        jobs = []
        for column, number in sorted(touched & set(shards)):
            name, pages = f"{column}/{number}", members.get((column, number), [])
            wanted[name] = search.shard_digest(pages)
            if before.get(name) == wanted[name] and search.bundle_complete(self.paths.output, column, number):
                continue
            sources = [(path, (built / path) if path in rendered.pages else (self.paths.output / path))
                       for path, _doc in pages]
            jobs.append(search.ShardJob(column, number, sources))
        removed = [urls.search_bundle(*map_shard(n)) for n in before if map_shard(n) not in set(shards)]
        stats, failures = search.index_shards(jobs, target.folder, target.folder / ".search") if jobs else \
            (search.SearchStats(0, 0, 0.0, 0.0), [])
        for failure in failures:
            self.errors.add(failure.split(":")[0], None, f"search index failed: {failure}", "pages Pagefind can index")
        self.errors.raise_if_any("search")
        s.log(f"search: indexed {len(jobs)} shards, kept {len(shards) - len(jobs)} unchanged, in "
              f"{time.perf_counter() - started:.1f} s (indexer peak {stats.peak_mb:.0f} MB)")
        return [j.bundle for j in jobs], removed, wanted, shards

    def touched_shards(self, plan: Plan, rendered: Rendered, counts: dict, shards: list) -> set:
        """Shards whose pages may have changed: of pages rendered, removed or added, every shard
        of a column whose shard count changed, and those the journal names or that are missing."""
        s = self.s
        before_counts = dict(s.graph.extra.get("counts", []))
        touched = {(c, n) for c, n in shards if counts.get(c) != before_counts.get(c)}
        for path, result in rendered.pages.items():
            job, old = plan.render[path], s.graph.page(path)
            if job.context.get("search"):
                shard = (job.column, search.shard_of(path, counts[job.column]))
                if old is None or old.doc != result.doc or (old.column, old.shard) != shard:
                    touched.add(shard)
            if old is not None and old.column and (not job.context.get("search") or old.doc != result.doc):
                touched.add((old.column, old.shard))
        for pid in plan.removed_pages:
            page = s.graph.pages[pid]
            if page is not None and page.column:
                touched.add((page.column, page.shard))
        for column, number in shards:
            if urls.search_bundle(column, number) in self.forced_paths or \
                    not search.bundle_complete(self.paths.output, column, number):
                touched.add((column, number))
        return touched

    def publish_pages(self, target: BuildOutput, plan: Plan, rendered: Rendered, assets: dict,
                      unknown: list[str]) -> None:
        """An incremental build's pages and files into output/, after the journal names them."""
        s = self.s
        files = sorted(rendered.pages) + assets["copied"]
        removed_pages = [s.graph.pages[p].path for p in plan.removed_pages
                         if s.graph.pages[p] is not None and s.graph.pages[p].path not in rendered.pages]
        self.deleted = sorted(set(removed_pages) | set(assets["removed"]) | set(unknown))
        if not (files or self.deleted):
            target.discard()
            return
        s.state.write_journal(files + self.deleted)
        target.publish_changes(files, [], self.deleted)

    # --- commit --------------------------------------------------------------------------------------

    def commit(self, plan: Plan, rendered: Rendered, late: set, assets: dict, shards: tuple) -> None:
        s = self.s
        graph = s.graph
        digests: dict[tuple, bytes] = {}

        def fids(reads) -> set[int]:
            out = set()
            for facet in reads:
                if facet not in digests:
                    digests[facet] = self.digest(facet)
                out.add(graph.facet_id(facet, digests[facet]))
            return out

        for pid in sorted(plan.removed_pages):
            if graph.pages[pid] is not None and graph.pages[pid].path not in plan.render:
                graph.drop_page(pid)
        for gid in sorted(plan.removed_groups):
            graph.drop_group(gid)
        gids = {key: graph.reserve_group(key) for key in plan.groups}
        for key, made in plan.groups.items():
            page_ids = []
            for job in made.made.pages:
                result = rendered.pages.get(job.path)
                if result is not None:
                    column = job.column if job.context.get("search") else ""
                    counts = dict(s.store.late["counts"])
                    shard = search.shard_of(job.path, counts[column]) if column else 0
                    state = PageState(job.path, gids[key], b"", result.size, result.mtime_ns, result.doc,
                                      column, result.content, shard)
                    page_ids.append(graph.set_page(state, fids(result.reads)))
                else:
                    pid = graph.page_ids[job.path]
                    graph.pages[pid].group = gids[key]
                    page_ids.append(pid)
            children = tuple(graph.reserve_group(child) for child in made.made.children)
            graph.set_group(key, fids(made.reads), children, tuple(page_ids), made.depth)
        graph.extra["assets"] = assets["assets"]
        graph.extra["shards"] = shards[2]
        graph.extra["shard_list"] = [list(x) for x in shards[3]]
        self.reshard(dict(s.store.late["counts"]))
        graph.extra["counts"] = [list(x) for x in s.store.late["counts"]]


    def reshard(self, counts: dict[str, int]) -> None:
        """Pages of a column whose number of shards changed move to their new shard."""
        before = dict(self.s.graph.extra.get("counts", []))
        moved = {c for c, n in counts.items() if before.get(c) != n}
        if moved:
            for page in self.s.graph.live_pages():
                if page.column in moved:
                    page.shard = search.shard_of(page.path, counts[page.column])


# --- helpers ---------------------------------------------------------------------------------------

def read_file(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def role_of_gone(key: str) -> str:
    from .sources import role_of, theme_role_of
    if key.startswith("themes/"):
        return theme_role_of(key[7:])[0] or ""
    return role_of(key)[0] or ""


def same_output(output: Path, path: str, found, page: PageState) -> bool:
    """Is output/<path> the file this build state wrote? Same size and time, or the same bytes
    (a copy of the project keeps the bytes, not always the times)."""
    if found is None:
        return False
    if found == (page.size, page.mtime_ns):
        return True
    try:
        data = read_file(str(output / path))
    except OSError:
        return False
    if hashlib.blake2b(data, digest_size=16).digest() != page.content:
        return False
    page.size, page.mtime_ns = found
    return True


def late_facts(graph: Graph, plan: Plan, store: Store, recount: bool, need_pages: bool) -> dict:
    """The site's search shards and (when asked) its HTML pages, for the late groups. Counted
    again only when pages came or went; else as the last build left them."""
    facts: dict = {}
    if not recount:
        facts["shards"] = [tuple(x) for x in graph.extra.get("shard_list", [])]
        facts["counts"] = graph.extra.get("counts", [])
    paths = None
    if recount or need_pages:
        removed = {graph.pages[p].path for p in plan.removed_pages if graph.pages[p] is not None}
        paths = ({p.path for p in graph.live_pages()} - removed) | set(plan.render) | {urls.SEARCH}
    if need_pages:
        facts["pages"] = sorted(p for p in paths if p.endswith(".html") and p != urls.NOT_FOUND)
    if recount:
        facts.update(count_shards(graph, plan, store, paths))
    return facts


def count_shards(graph: Graph, plan: Plan, store: Store, paths: set[str]) -> dict:
    indexed: dict[str, list[str]] = {}
    for path in paths:
        column = indexed_column(graph, plan, path)
        if column:
            indexed.setdefault(column, []).append(path)
    counts = {c.slug: search.shard_count(len(indexed.get(c.slug, ()))) for c in store.columns}
    used = set()
    for column, pages in indexed.items():
        if counts.get(column):
            used |= {(column, shard_number(graph, p, counts[column])) for p in pages}
    shards = [(c.slug, n) for c in store.columns for n in range(counts[c.slug]) if (c.slug, n) in used]
    return {"shards": shards, "counts": sorted(counts.items())}


def shard_number(graph: Graph, path: str, count: int) -> int:
    return search.shard_of(path, count)


def indexed_column(graph: Graph, plan: Plan, path: str) -> str:
    job = plan.render.get(path)
    if job is not None:
        return job.column if job.context.get("search") else ""
    page = graph.page(path)
    return page.column if page is not None else ""


def shard_members(graph: Graph, plan: Plan, rendered: Rendered, counts: dict[str, int], touched: set) -> dict:
    """(column, shard) -> [(path, document digest)] of the indexed pages of the touched shards."""
    members: dict[tuple[str, int], list] = {}
    if not touched:
        return members
    columns = {c for c, _n in touched}
    removed = {graph.pages[p].path for p in plan.removed_pages if graph.pages[p] is not None}
    for page in graph.live_pages():
        if page.column in columns and page.path not in removed and page.path not in rendered.pages:
            shard = (page.column, search.shard_of(page.path, counts[page.column]))
            if shard in touched:
                members.setdefault(shard, []).append((page.path, page.doc))
    for path, job in plan.render.items():
        result = rendered.pages.get(path)
        if result is not None and job.context.get("search"):
            shard = (job.column, search.shard_of(path, counts[job.column]))
            if shard in touched:
                members.setdefault(shard, []).append((path, result.doc))
    return members


def map_shard(name: str) -> tuple[str, int]:
    column, number = name.rsplit("/", 1)
    return column, int(number)


# --- the content without a build (build.py check, export) ---------------------------------------------

def read_site(paths: ProjectPaths) -> tuple[SiteView, list]:
    """The validated site (as views.SiteView) and its lawful personal-data exceptions, read with the
    help of the output's build state but changing nothing; BuildError on content errors."""
    session = Session(paths, log=lambda _message: None)
    session.load()
    Build(session, BuildOptions(progress=False)).read_sources()
    return SiteView(session.store), session.exemptions()
