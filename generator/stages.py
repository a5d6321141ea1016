"""The stages of one build, in order (`Build.run`), from the sources as they are now to output/,
doing only what their changes need:

  sources   which source files changed (a watcher's list, or the listings against the last
            build's); read, validate and scan for personal data only those (the rest comes from the
            source cache); check what spans files
  facets    which facets (views.py) have another digest than when they were last read
  plan      the groups and pages that read them (plan.py): groups made again, pages rendered
  render    the pages, on every core for a big build (render_pool.py)
  assets    static files and attachments whose source changed
  publish   a full build swaps its folder in; an incremental one moves its files in one by one,
            after writing the journal (write.py, state.py)
  search    the search shards whose pages' documents changed (search.py), after the pages
  commit    the graph learns what every made group and rendered page read

A build with no usable state (the first one, --clean, another generator version) is the same
build against an empty graph. Content errors stop the build before anything is written; the store
and the source cache are then put back as they were.
"""
from __future__ import annotations

import bisect
import gc
import hashlib
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import precompress, search, search_layers, urls
from .assets import Asset, package_digest, site_assets
from .digest import ABSENT, digest_text
from .errors import ErrorList
from .graph import Graph, PageState
from .ingest import file_context
from .ingest_pool import ingest_files
from .pages import LATE_GROUPS
from .plan import Plan, Planner
from .profile import spent
from .progress import Progress
from .references import check_references, judge_attachments
from .uploads import ATTACHMENT, STATIC, check_upload
from .render import Renderer, static_owner
from .render_pool import Rendered, render_jobs
from .scans import Scans, difference, joined, patched_tree, split, tree_of
from .settings import SETTING_ROLES, Settings, read_settings
from .sources import CONTENT_ROLES, SourceFile, refresh_sources, role_of, scan_sources, theme_role_of
from .stamps import folder_line, line_path, stamp_line
from .store import SMALL_LISTS, Change
from .themes import DEFAULT_THEME
from .views import SiteView, facet_digest
from .write import COPY_SUFFIXES, BuildOutput, scan_output

STRUCTURE_ROLES = ("static", "attachment", "template", "column")   # a file of these added or gone: settings again
SMALL_ROLES = ("catalogue", "townships", "topic", "attachment")     # a change to these: every rule checked


@dataclass(frozen=True)
class BuildOptions:
    progress: bool = True        # a progress bar on a terminal, plain lines in a log
    clean: bool = False          # ignore the build state: make every page
    workers: int | None = None   # render processes (default: one per core)
    profile: bool = False        # log wall and CPU seconds per stage and kind of work (profile.py)


@dataclass(frozen=True)
class BuildResult:
    pages: int                   # HTML pages of the site (the 404 page included)
    files: int                   # files written by this build
    seconds: float
    rendered: int = 0            # pages (and feeds, sitemaps, API files) rendered by this build
    carried: int = 0             # ... and left as they were
    indexed: int = 0             # search bundles indexed by this build


@contextmanager
def bulk_objects():
    """Python's collector walks every live object each time many new ones were made; the state
    of a big site is millions of objects that live for the whole build and hold no cycles, so the
    collector is paused while they are made and they are then put out of its reach (gc.freeze)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class Build:
    """The work of one build; short-lived, it holds what the stages hand each other."""

    def __init__(self, session, options: BuildOptions):
        self.s = session
        self.options = options
        self.paths = session.paths
        self.errors = ErrorList(root=session.paths.root)
        self.change = Change()
        self.file_updates: dict[str, tuple | None] = {}   # key -> new stamp row (None: gone)
        self.changed_roles: set[str] = set()
        self.template_digests = session.template_digests
        self.forced: set[int] = set()                    # pages to render whatever they read
        self.stale_pages: set[int] = set()               # ... and those that read a changed facet
        self.forced_paths: set[str] = set()              # what the journal names
        self.output_suspects: set[str] | None = None     # output paths that differ (None: not looked at)
        self.deleted: list[str] = []
        self.scans: Scans | None = None
        self.source_listing: bytes | None = None
        self.settings_changed = False
        self.precompress: tuple[str, ...] = ()          # formats of the precompressed copies (site.yaml)
        self.precompress_changed = False                 # ... not the last build's: every file again

    def run(self, started: float, changed_paths: set[Path] | None, on_pages: Callable[[], None],
            scans: Scans | None = None, save: Callable[[], None] | None = None) -> BuildResult:
        """Build; `save` (when given) writes the state, while the search indexers run."""
        s = self.s
        self.scans = scans
        with bulk_objects():
            s.stage = "read"
            tree = self.read_sources(changed_paths)
            s.stage = "plan"
            full = s.graph.empty or not self.paths.output.is_dir()
            self.precompress = s.settings.config.precompress if s.settings.config else ()
            self.precompress_changed = not full and tuple(s.meta.get("precompress") or ()) != self.precompress
            self.forced, unknown = self.forced_pages(full)
            plan = self.plan(self.changed_facets(), self.forced, full)
            late = self.late_groups(plan)
        target = BuildOutput(self.paths.output, full)
        try:
            s.stage = "render"
            rendered = self.render(plan, target)
            s.stage = "assets"
            assets = self.copy_assets(tree, target, full)
            if full:
                s.stage = "index"
                shards = self.index_search(plan, rendered, target, full)
                s.stage = "publish"
                target.publish_full()
            else:
                s.stage = "publish"
                self.publish_pages(target, plan, rendered, assets, unknown)
        except BaseException:
            target.discard()
            raise
        if full:
            s.stage = "save"
            self.commit(plan, rendered, late, assets, shards, full)
            if save:
                save()
            target.finish()
        else:
            on_pages()
            s.stage = "search"
            shards = self.search_after(plan, rendered, lambda shards: self.commit(plan, rendered, late, assets,
                                                                                  shards, full), save)
        s.settled |= set(rendered.pages) | set(assets["copied"]) | set(self.deleted) | set(shards[0])
        pages = s.meta["html_pages"]
        written = len(target.written) + len(shards[0])
        indexed = sum(1 for path in shards[0] if path != urls.SEARCH_LAYERS)
        result = BuildResult(pages, written, time.perf_counter() - started,
                             len(rendered.pages), max(0, s.graph.counters["page"] - len(rendered.pages)), indexed)
        s.trusted = True
        s.log(f"wrote {result.pages} pages ({result.files} files) to {self.paths.output} in {result.seconds:.1f} s")
        return result

    def html_pages(self, plan: Plan, full: bool) -> int:
        """How many HTML pages the site has after this build (the 404 page included)."""
        before = 0 if full else self.s.meta.get("html_pages")
        if before is None:
            before = sum(1 for path in self.s.graph.page_ids.keys() if path.endswith(".html"))
        removed = sum(1 for p in plan.removed_pages
                      if (page := self.s.graph.page_state(p)) is not None and page.path.endswith(".html")
                      and page.path not in plan.render)
        return before + sum(1 for p in plan.new_pages if p.endswith(".html")) - removed

    def search_after(self, plan: Plan, rendered: Rendered, commit: Callable[[tuple], None],
                     save: Callable[[], None] | None) -> tuple:
        """An incremental build's search shards, indexed from the published pages. The graph is
        committed and the state saved while the indexers run (the journal names the shards until
        they are in place, so a build killed meanwhile indexes them again)."""
        target = BuildOutput(self.paths.output, full=False)
        try:
            search_plan = self.plan_search(plan, rendered, target, full=False)
            bundles, removed = search_plan.published(), search_plan.removed
            if bundles or removed:
                self.s.state.write_journal(bundles + removed)
            search_plan.start(target)
            commit(search_plan.figures())
            if save:
                save(clear_journal=False)
            failures = search_plan.wait()
            if failures:
                self.search_failed(search_plan, failures, save)
            target.publish_changes([], bundles, removed)
        except BaseException:
            target.discard()
            raise
        self.s.log(search_plan.summary())
        return search_plan.figures()

    def search_failed(self, search_plan, failures: list[str], save) -> None:
        """Forget the layers and the digests of the shards of the bundles that could not be
        indexed (so the next build indexes them again), then report."""
        failed = {f.split(":")[0] for f in failures}
        self.s.meta.pop("layers", None)
        for job in search_plan.jobs:
            if job.bundle in failed:
                for shard in job.shards:
                    self.s.meta["shards"].pop(f"{shard.column}/{shard.shard}", None)
        if save:
            save(clear_journal=False)
        for failure in failures:
            self.errors.add(failure.split(":")[0], None, f"search index failed: {failure}", "pages Pagefind can index")
        self.errors.raise_if_any("search")

    # --- sources --------------------------------------------------------------------------------------

    def read_sources(self, changed_paths: set[Path] | None = None) -> dict[str, SourceFile]:
        s = self.s
        started = time.perf_counter()
        tree, candidates = self.source_tree(changed_paths)
        keys = tree.keys() if candidates is None else candidates & tree.keys()
        changed = {k for k in keys if (s.files.get(k) or (None, None))[:2] != tree[k].stamp}
        gone = set() if candidates is None else {k for k in candidates if k not in tree and k in s.files}
        if candidates is None and s.files.db is not None:
            s.files.load_all()
            gone = set(s.files.keys()) - tree.keys()
        really = self.hash_changed(tree, changed) | gone
        self.file_updates.update({k: None for k in gone})
        roles = {tree[k].role for k in really if k in tree} | {role_of_gone(k) for k in gone}
        self.changed_roles = roles
        if roles & {"template", "column"}:
            self.template_digests.clear()
        added_or_gone = gone | {k for k in really if k not in s.files}
        self.settings_changed = self.read_settings_if(tree, roles, added_or_gone)
        read = self.read_content(tree, really)
        for key in sorted(gone):
            s.store.drop_file(key, self.change)
            if role_of_gone(key) in CONTENT_ROLES:
                s.cache.drop(key)
        with spent("assemble"):
            self.check_site(tree, roles)
        if self.errors:
            s.store.revert(self.change)
            s.cache.revert()
            if self.change.settings is not None:
                s.settings = Settings()              # read them again next time
            self.errors.raise_if_any("validate")
        s.cache.undo = []
        self.apply_file_updates(tree)
        s.log(f"content: {len(s.store.columns)} columns, {len(s.store.small['item'])} items, "
              f"{s.store.record_count} records; {read} files read in {time.perf_counter() - started:.1f} s")
        return tree

    def source_tree(self, changed_paths: set[Path] | None) -> tuple[dict[str, SourceFile], set[str] | None]:
        """The source files now, and the keys that may differ from the last build's (None: all)."""
        s = self.s
        if changed_paths is not None and s.tree:
            return refresh_sources(self.paths, s.tree, changed_paths)
        if self.scans is None:
            return scan_sources(self.paths), None
        self.source_listing = self.scans.sources()
        if s.tree and s.meta.get("source_listing"):
            diff = difference(s.meta["source_listing"], self.source_listing)
            return patched_tree(self.paths, s.tree, diff), diff.paths
        return tree_of(self.paths, self.source_listing), None

    def hash_changed(self, tree: dict[str, SourceFile], changed: set[str]) -> set[str]:
        """Files whose size or time changed: their digest (the bytes may be the same). Returns
        those whose bytes did change."""
        really = set()
        for key in sorted(changed):
            source = tree[key]
            try:
                data = read_file(source.path)
            except FileNotFoundError:                    # removed since the listing: seen as gone next time
                continue
            before = self.s.files.get(key)
            digest = content_digest(data)
            self.file_updates[key] = (source.size, source.mtime_ns, digest, before[3] if before else "")
            if before is None or before[2] != digest:
                really.add(key)
                self.check_upload(source, data)
        return really

    def check_upload(self, source: SourceFile, data: bytes) -> None:
        """A district's own file (its static files and attachments) is refused when it could run
        on the site's origin (uploads.py). A refused file never reaches the files table, so it is
        checked again until it is fixed."""
        place = upload_place(source)
        if place is not None and not inside(source.path, self.paths.root):
            self.errors.add(source.key, None, "a link to a file outside the project: it would publish that file",
                            "the file itself, copied into the project")
        elif place is not None:
            for refusal in check_upload(place, source.key.rsplit("/", 1)[1], data):
                self.errors.add(source.key, refusal.line, refusal.message, refusal.expected)

    def read_settings_if(self, tree: dict[str, SourceFile], roles: set[str], added_or_gone: set[str]) -> bool:
        """site.yaml, domains, columns, the map and the static file lists, when this session has
        not read them yet or one of them (or the files they list) changed. Returns whether they
        differ from the last build's."""
        s = self.s
        listed = {role_of_key(tree, k) for k in added_or_gone} & set(STRUCTURE_ROLES)
        if s.settings.config and not roles & set(SETTING_ROLES) and not listed:
            return False
        self.change.settings = s.settings
        before = dict(s.store.config_digests)
        s.settings = read_settings(self.paths, tree, self.errors)
        s.store.set_settings(s.settings, self.change)
        contexts = [s.settings.service_platform, sorted(s.settings.adcodes.items())]
        changed = before != s.store.config_digests or s.meta.get("contexts") != contexts or bool(listed) \
            or s.meta.get("themes") != sorted(s.settings.themes)
        s.meta["contexts"] = contexts
        return changed

    def read_content(self, tree: dict[str, SourceFile], changed: set[str]) -> int:
        """Content files whose bytes or context changed go into the store (from the cache when
        it read these bytes before)."""
        s = self.s
        platform, adcodes = s.settings.service_platform, s.settings.adcodes
        keys = {k for k in changed if k in tree and tree[k].role in CONTENT_ROLES}
        if self.settings_changed:                        # a new service platform or adcode: files read with it
            keys |= {k for k, f in tree.items() if f.role in CONTENT_ROLES
                     and (s.files.get(k) or (0, 0, "", None))[3] != file_context(f, platform, adcodes)}
        entries, todo = {}, []
        for key in sorted(keys):
            source = tree[key]
            context = file_context(source, platform, adcodes)
            stamp = self.file_updates.get(key) or s.files.get(key)
            digest = stamp[2] if stamp else content_digest(read_file(source.path))
            entry = s.cache.get(key)
            if entry is None or entry.digest != digest or entry.context != context:
                todo.append((source, context))
            else:
                entries[key] = entry
        for (source, _context), (errors, entry) in zip(todo, ingest_files(todo, self.paths.root, self.options.workers)):
            if errors:
                self.errors.errors.extend(e for e in errors if e not in self.errors.errors)
            else:
                s.cache.put(entry)
                entries[source.key] = entry
        batch = []
        for key in sorted(entries):
            entry, source = entries[key], tree[key]
            batch.append((key, entry.entities, entry.digests))
            self.file_updates[key] = (source.size, source.mtime_ns, entry.digest, entry.context)
        with spent("assemble"):
            s.store.put_files(batch, self.change)
        return len(todo)

    def apply_file_updates(self, tree: dict[str, SourceFile]) -> None:
        s = self.s
        for key, row in self.file_updates.items():
            if row is None:
                s.files.pop(key)
            else:
                s.files[key] = row
        s.tree = tree
        if self.source_listing is not None:
            s.meta["source_listing"] = self.source_listing
        elif self.file_updates:
            s.meta["source_listing"] = None          # not listed (a watcher's save): listed next time
        s.meta["themes"] = sorted(s.settings.themes)

    def check_site(self, tree: dict[str, SourceFile], roles: set[str]) -> None:
        """The rules that span files: over the whole store when settings, catalogues, townships,
        topics or attachments changed; else over the records that changed and those that point
        to them (the rest passed last time and nothing they depend on changed)."""
        s = self.s
        whole = self.settings_changed or bool(roles & set(SMALL_ROLES)) or s.graph.empty
        if s.store.config is not None:
            check_references(s.store, self.paths, s.settings.themes, self.errors,
                             None if whole else self.changed_records())
        if whole or self.attachments_touched():
            s.store.attachment_exemptions = judge_attachments(s.store, self.attachment_finds(tree), self.errors)

    def changed_records(self) -> list:
        records = self.s.store.entities["record"]
        keys = {key for kind, key in self.change.entities if kind == "record"}
        keys |= {k for key in list(keys) for name in ("replacing", "interpreting")
                 for k in self.s.store.record_list(name, key)}
        return [records[k] for k in sorted(keys) if k in records]

    def attachments_touched(self) -> bool:
        """Did a record that publishes an attachment change (before or after)?"""
        if any(e for e in self.changed_records() if e.attachments):
            return True
        return any(getattr(e, "attachments", ()) for _key, before in self.change.undo for e in (before or ((),))[0])

    def attachment_finds(self, tree: dict[str, SourceFile]) -> dict[str, tuple[str, str, list]]:
        found = {}
        for key, source in tree.items():
            if source.role == "attachment":
                entry = self.s.cache.get(key)
                if entry is not None and entry.finds:
                    found[key] = (source.column, key.rsplit("/", 1)[1], entry.finds)
        return found

    # --- facets and the plan ---------------------------------------------------------------------------

    def changed_facets(self) -> set[tuple]:
        graph = self.s.graph
        candidates: set[tuple] = {("e", kind, key) for kind, key in self.change.entities}
        for name, group in self.change.lists:
            candidates.update(graph.indexed(("c", name, group)))
        if self.change.small:
            for name in SMALL_LISTS:
                candidates.update(graph.indexed(("small", name)))
        if self.changed_roles & {"template", "column"} or self.settings_changed:
            candidates.update(graph.indexed(("kind", "t")))
        if self.changed_roles & {"static", "column"} or self.settings_changed:
            candidates.update(graph.indexed(("kind", "s")))
        changed = set()
        for facet in candidates:
            stored = graph.digest(facet)
            if stored is not None and self.digest(facet) != stored:
                changed.add(facet)
        return changed

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
        self.forced_paths = journal
        forced = {pid for p in journal if (pid := s.graph.page_ids.get(p)) is not None}
        if self.precompress_changed:                     # copies to make or to remove beside every page
            forced |= set(s.graph.page_ids.values())
        if s.trusted and not journal:
            return forced, []
        suspects = self.output_differences()
        self.output_suspects = suspects | journal
        assets = s.meta.get("assets") or {}
        unknown = []
        for path in sorted(suspects):                    # a file before its copies (a prefix sorts first)
            pid = s.graph.page_ids.get(path)
            if pid is not None:
                if not same_output(self.paths.output, s.graph, pid):
                    forced.add(pid)
            elif (base := precompress.base_of(path, self.precompress)) is not None and \
                    (base in assets or base in s.graph.page_ids):
                self.check_copy(base, path, forced, unknown)
            elif path not in assets and path != urls.SEARCH_FOLDER + "/" and (self.paths.output / path).exists():
                unknown.append(path)
        return forced, unknown

    def check_copy(self, base: str, copy: str, forced: set[int], unknown: list[str]) -> None:
        """A precompressed copy whose listing line is not the one the last build left: its file
        is made again when the copy is not the one this build would write (cut short, edited,
        gone), and a copy no build would write is removed."""
        pid = self.s.graph.page_ids.get(base)
        if pid in forced or (pid is None and base in self.output_suspects):
            return                                       # written again with its file anyway
        current = precompress.copy_is_current(self.paths.output, base, copy, self.precompress)
        if current is None:
            if (self.paths.output / copy).exists():
                unknown.append(copy)
        elif not current:
            if pid is not None:
                forced.add(pid)
            else:
                self.output_suspects.add(base)           # an asset: copied again (copy_assets)

    def output_differences(self) -> set[str]:
        """Output paths whose listing line is not the one the last build left."""
        s = self.s
        saved = s.meta.get("output_listing")
        now = self.scans.output_listing() if self.scans is not None else joined(
            [stamp_line(p, *st) if st != (0, 0) else folder_line(p.rstrip("/"))
             for p, st in sorted(scan_output(self.paths.output).items())])
        if saved is None:
            expected = {p for p in s.graph.page_ids.keys()} | set(s.meta.get("assets") or {})
            return expected | {line_path(line) for line in split(now)}
        return difference(saved, now).paths

    def plan(self, changed: set[tuple], forced: set[int], full: bool) -> Plan:
        s = self.s
        stale_groups, stale_pages = s.graph.readers(changed)
        self.planner = Planner(s.graph, SiteView(s.store), self.errors)
        self.stale_pages = stale_pages | forced
        plan = self.planner.run(stale_groups, self.stale_pages, cold=full)
        self.stale_late = {key for g in stale_groups if (key := s.graph.group_state(g).key) in LATE_GROUPS}
        self.errors.raise_if_any("render")
        return plan

    def late_groups(self, plan: Plan) -> set:
        """The search page and the sitemaps, made again when the facts they read changed."""
        s = self.s
        keys = {key: s.graph.group(key) for key in LATE_GROUPS}
        must = {key for key, old in keys.items()
                if old is None or key in self.stale_late or any(pid in self.stale_pages for pid in old.pages)}
        recount = plan.pages_changed or self.change.small or "counts" not in s.store.late
        s.store.late = late_facts(s.graph, plan, s.store, recount, need_pages=recount or ("sitemap",) in must)
        made = set()
        for key, facet in LATE_GROUPS.items():
            if key in must or (facet[1] in s.store.late and self.fact_changed(facet)):
                self.planner.make_late(key, 1)
                made.add(key)
        self.errors.raise_if_any("render")
        return made

    def fact_changed(self, facet: tuple) -> bool:
        stored = self.s.graph.digest(facet)
        return stored is None or stored != self.digest(facet)

    # --- render, assets, search, publish -------------------------------------------------------------

    def render(self, plan: Plan, target: BuildOutput) -> Rendered:
        s = self.s
        jobs = sorted(plan.render.values(), key=lambda j: j.path)
        for job in jobs:
            target.path(job.path)
            if not job.template.startswith("api:"):
                self.template_digest(job.column or "", job.template)
        progress = Progress("渲染页面", len(jobs), enabled=self.options.progress)
        renderer = Renderer(s.store, s.themes, s.qr)
        shards = dict(s.store.late["counts"]) if target.full else None
        rendered = render_jobs(renderer, jobs, target.folder, self.paths.root, progress, self.options.workers, shards,
                               self.precompress)
        for error in rendered.errors:
            self.errors.add(error.path, error.line, error.message, error.expected)
        self.errors.raise_if_any("render")
        s.qr.used |= rendered.qr_used
        s.qr.save(prune=s.graph.empty)
        s.log(f"pages: {len(rendered.pages)} rendered; qr: {rendered.qr_encoded} codes encoded, "
              f"{rendered.qr_reused} from the cache")
        return rendered

    def copy_assets(self, tree, target: BuildOutput, full: bool) -> dict:
        s = self.s
        assets = site_assets(s.store, tree)
        before = {} if full else (s.meta.get("assets") or {})
        suspects = self.output_suspects or set()
        kept, copied, copies = {}, [], {}
        for path, asset in assets.items():
            digest = self.asset_digest(asset)
            old = before.get(path)
            if old and old[0] == digest and path not in suspects and path not in self.forced_paths \
                    and not self.precompress_changed:
                kept[path] = old
                continue
            written = target.copy_file(path, asset.file)
            stat = written.stat()
            kept[path] = (digest, stat.st_size, stat.st_mtime_ns)
            copied.append(path)
            if self.precompress and precompress.compressible(path):
                copies[path] = precompress.write_copies(written, read_file(str(written)), self.precompress)
        removed = [p for p in before if p not in assets]
        return {"assets": kept, "copied": copied, "removed": removed, "copies": copies}

    def asset_digest(self, asset: Asset) -> str:
        if asset.source.startswith("pkg:"):
            return package_digest(asset.file)
        row = self.s.files.get(asset.source)
        return row[2] if row else ""

    def index_search(self, plan: Plan, rendered: Rendered, target: BuildOutput, full: bool) -> tuple:
        """Index the shards whose pages' search documents changed (a full build: into its
        folder); returns SearchPlan.figures()."""
        search_plan = self.plan_search(plan, rendered, target, full)
        failures = search_plan.start(target).wait()
        for failure in failures:
            self.errors.add(failure.split(":")[0], None, f"search index failed: {failure}", "pages Pagefind can index")
        self.errors.raise_if_any("search")
        self.s.log(search_plan.summary())
        return search_plan.figures()

    def plan_search(self, plan: Plan, rendered: Rendered, target: BuildOutput, full: bool) -> "SearchPlan":
        """The bundles to index (search_layers.py): the digests of the shards whose pages may
        have changed, then the layers those digests call for."""
        s = self.s
        started = time.perf_counter()
        shards = [tuple(x) for x in s.store.late["shards"]]
        counts = dict(s.store.late["counts"])
        before = {} if full else dict(s.meta.get("shards") or {})
        touched = set(shards) if full or self.precompress_changed else \
            self.touched_shards(plan, rendered, counts, shards, before)
        members = shard_members(s.graph, plan, rendered, counts, touched, full)
        wanted = {name: digest for name, digest in before.items() if map_shard(name) in set(shards)}
        for column, number in sorted(touched & set(shards)):
            wanted[f"{column}/{number}"] = search.shard_digest(members.get((column, number), []), self.precompress)
        groups = search_layers.shard_groups(shards)
        last = None if full or self.precompress_changed else search_layers.Layers.of(s.meta.get("layers"))
        layers = search_layers.plan_layers(groups, {search_layers.shard_name(c, n): wanted[f"{c}/{n}"] for c, n in shards},
                                           last, self.bundle_intact)
        needed = [groups[i] for i in layers.bases] + [[map_shard_name(n) for n in layers.delta_shards()]]
        more = {shard for group in needed for shard in group} - touched
        if more:
            members.update(shard_members(s.graph, plan, rendered, counts, more, False))

        def shard_job(column: str, number: int) -> search.ShardJob:
            name, pages = f"{column}/{number}", members.get((column, number), [])
            built = target.folder if full else self.paths.output
            return search.ShardJob(column, number, [(path, built / path) for path, _doc in pages],
                                   search.documents_folder(target.folder, column, number) if full else None,
                                   search.kept_documents(s.state.folder, column, number),
                                   frozenset(path for path, _doc in pages if path in rendered.pages),
                                   wanted[name], before.get(name))

        jobs = [search.BundleJob(search_layers.base_bundle(i), [shard_job(*x) for x in groups[i]], self.precompress)
                for i in layers.bases]
        removed = list(layers.removed)
        if layers.delta and layers.layers.delta:
            jobs.append(search.BundleJob(search_layers.DELTA, [shard_job(*x) for x in needed[-1]], self.precompress))
        elif layers.delta:
            removed.append(search_layers.DELTA)
        # A changed shard no bundle is indexed for (its pages are back as its base holds them):
        # its kept documents follow all the same, so that they stay trusted
        indexed = {(j.column, j.shard) for job in jobs for j in job.shards}
        synced = [shard_job(*x) for x in sorted(touched & set(shards) - indexed)]
        return SearchPlan(jobs, removed, wanted, shards, started, s.state.folder, layers, synced)

    def touched_shards(self, plan: Plan, rendered: Rendered, counts: dict, shards: list, before: dict) -> set:
        """Shards whose pages may have changed: of pages rendered, removed or added, every shard
        of a column whose shard count changed, and those without a digest (a failed indexer's)."""
        s = self.s
        before_counts = dict(s.meta.get("counts") or [])
        touched = {(c, n) for c, n in shards if counts.get(c) != before_counts.get(c) or f"{c}/{n}" not in before}
        for path, result in rendered.pages.items():
            job, old = plan.render[path], s.graph.page(path)
            if job.context.get("search"):
                shard = (job.search_part, search.shard_of(path, counts[job.search_part]))
                if old is None or old.doc != result.doc or (old.column, old.shard) != shard:
                    touched.add(shard)
            if old is not None and old.column and (not job.context.get("search") or old.doc != result.doc):
                touched.add((old.column, old.shard))
        for pid in plan.removed_pages:
            page = s.graph.page_state(pid)
            if page is not None and page.column:
                touched.add((page.column, page.shard))
        return touched

    def bundle_intact(self, bundle: str) -> bool:
        """Is the bundle in output/ whole, and not one a build cut short was about to swap in?
        That build may have saved its new layers already (it saves while the indexers run): the
        bundle in output/ is then complete but not the one the layers stand for."""
        return search.bundle_complete(self.paths.output, bundle) and bundle not in self.forced_paths

    def publish_pages(self, target: BuildOutput, plan: Plan, rendered: Rendered, assets: dict,
                      unknown: list[str]) -> None:
        """An incremental build's pages and files into output/, after the journal names them."""
        s = self.s
        files = sorted(rendered.pages) + assets["copied"]
        removed_pages = [page.path for p in plan.removed_pages
                         if (page := s.graph.page_state(p)) is not None and page.path not in rendered.pages]
        # A file no build made (by hand, or by a build killed before it saved) goes, unless this
        # build makes it now: the copies of a page a killed build had begun to move in are such files.
        made = set(files) | {path + suffix for path in files for suffix in COPY_SUFFIXES}
        self.deleted = sorted((set(removed_pages) | set(assets["removed"]) | set(unknown)) - made)
        if not (files or self.deleted):
            target.discard()
            return
        s.state.write_journal(files + self.deleted)
        target.publish_changes(files, [], self.deleted)

    # --- commit --------------------------------------------------------------------------------------

    def commit(self, plan: Plan, rendered: Rendered, late: set, assets: dict, shards: tuple, full: bool) -> None:
        s = self.s
        graph = s.graph
        counts = dict(s.store.late["counts"])
        digests: dict[tuple, bytes] = {}

        def fids(reads) -> set[int]:
            out = set()
            for facet in reads:
                if facet not in digests:
                    digests[facet] = self.digest(facet)
                out.add(graph.facet_id(facet, digests[facet]))
            return out

        for pid in sorted(plan.removed_pages):
            page = graph.page_state(pid)
            if page is not None and page.path not in plan.render:
                graph.drop_page(pid)
        for gid in sorted(plan.removed_groups):
            graph.drop_group(gid)
        gids = {key: graph.reserve_group(key) for key in plan.groups}
        for key, made in plan.groups.items():
            page_ids = []
            for job in made.made.pages:
                result = rendered.pages.get(job.path)
                if result is not None:
                    column = job.search_part
                    shard = search.shard_of(job.path, counts[column]) if column else 0
                    state = PageState(job.path, gids[key], b"", result.size, result.mtime_ns, result.doc,
                                      column, result.content, shard)
                    page_ids.append(graph.set_page(state, fids(result.reads)))
                else:
                    pid = graph.page_ids[job.path]
                    graph.update_page(pid, group=gids[key])
                    page_ids.append(pid)
            children = tuple(graph.reserve_group(child) for child in made.made.children)
            graph.set_group(key, fids(made.reads), children, tuple(page_ids), made.depth)
        self.reshard(counts)
        s.meta["html_pages"] = self.html_pages(plan, full)
        s.meta.update(assets=assets["assets"], shards=shards[2], counts=sorted(counts.items()),
                      precompress=self.precompress, layers=shards[4])
        s.meta["output_listing"] = self.output_listing(plan, rendered, assets, shards, full)

    def reshard(self, counts: dict[str, int]) -> None:
        """Pages of a column whose number of shards changed move to their new shard."""
        graph = self.s.graph
        before = dict(self.s.meta.get("counts") or [])
        for column in [c for c, n in counts.items() if before.get(c) != n and before.get(c)]:
            for shard in range(before[column]):
                for page in graph.pages_of_shard(column, shard):
                    pid = graph.page_ids[page.path]
                    graph.update_page(pid, shard=search.shard_of(page.path, counts[column]))

    def output_listing(self, plan: Plan, rendered: Rendered, assets: dict, shards: tuple, full: bool) -> bytes:
        """The listing of output/ as this build leaves it (what the next build compares with):
        the listing it started from, with the lines of what it wrote or removed replaced."""
        s = self.s
        if full:
            lines = Listing([])
        else:
            saved = s.meta.get("output_listing")
            lines = Listing(split(self.scans.output_listing() if self.scans is not None else saved))
            for path in self.deleted:
                lines.remove(path)
                put_copies(lines, path, ())
        for path, result in rendered.pages.items():
            lines.put(path, stamp_line(path, result.size, result.mtime_ns))
            put_copies(lines, path, result.copies)
        for path in assets["copied"] if not full else assets["assets"]:
            _digest, size, mtime = assets["assets"][path]
            lines.put(path, stamp_line(path, size, mtime))
            put_copies(lines, path, assets["copies"].get(path, ()))
        folder = urls.SEARCH_FOLDER
        if (self.paths.output / folder).is_dir() or (full and shards[3]):
            lines.put(f"{folder}/", folder_line(folder))
        else:
            lines.remove(f"{folder}/")
        return joined(lines.lines)


def put_copies(lines: "Listing", path: str, copies: tuple) -> None:
    """The lines of a file's precompressed copies: those just written, no others."""
    made = {suffix: (size, mtime) for suffix, size, mtime in copies}
    for suffix in COPY_SUFFIXES:
        if suffix in made:
            lines.put(path + suffix, stamp_line(path + suffix, *made[suffix]))
        else:
            lines.remove(path + suffix)


class Listing:
    """Sorted listing lines (stamps.py), changed path by path."""

    def __init__(self, lines: list[bytes]):
        self.lines = lines

    def _at(self, path: str) -> tuple[int, bool]:
        key = path.encode("utf-8", "surrogateescape") + b"\0"
        at = bisect.bisect_left(self.lines, key)
        return at, at < len(self.lines) and self.lines[at].startswith(key)

    def put(self, path: str, line: bytes) -> None:
        at, found = self._at(path)
        if found:
            self.lines[at] = line
        else:
            self.lines.insert(at, line)

    def remove(self, path: str) -> None:
        at, found = self._at(path)
        if found:
            del self.lines[at]


class SearchPlan:
    """The bundles to index, and the indexers once started (in threads: the Pagefind processes
    run on their own while the build goes on)."""

    def __init__(self, jobs: list, removed: list[str], wanted: dict, shards: list, started: float, state: Path,
                 layers: "search_layers.LayerPlan", synced: list):
        self.jobs, self.removed, self.wanted, self.shards, self.started = jobs, removed, wanted, shards, started
        self.state, self.layers, self.synced = state, layers, synced
        self._future = None
        self._pool = None

    def published(self) -> list[str]:
        """What this build puts into output/: the bundles indexed and, when the delta changed, the
        file naming its shards (the search page reads it)."""
        return [j.bundle for j in self.jobs] + ([urls.SEARCH_LAYERS] if self.layers.delta else [])

    def start(self, target: BuildOutput) -> "SearchPlan":
        from concurrent.futures import ThreadPoolExecutor
        if self.layers.delta or target.full:
            search_layers.write_layers_file(target.folder, self.layers.layers)
        self._pool = ThreadPoolExecutor(1)
        self._future = self._pool.submit(self._index, target)
        return self

    def _index(self, target: BuildOutput) -> list[str]:
        search.drop_kept_documents(self.state, self.shards)
        for shard in self.synced:
            search.shard_documents(shard, target.folder)
        if not self.jobs:
            self.stats = search.SearchStats(0, 0, 0.0, 0.0)
            return []
        self.stats, failures = search.index_bundles(self.jobs, target.folder, target.folder / ".search")
        return failures

    def figures(self) -> tuple:
        """(what was published, bundles removed, shard -> digest, the shard list, the layers)."""
        return self.published(), self.removed, self.wanted, self.shards, self.layers.layers.as_json()

    def wait(self) -> list[str]:
        """The failures, once the indexers are done."""
        try:
            return self._future.result()
        finally:
            self._pool.shutdown()

    def summary(self) -> str:
        peak = getattr(self, "stats", search.SearchStats(0, 0, 0.0, 0.0)).peak_mb
        shards = sum(len(j.shards) for j in self.jobs)
        delta = len(self.layers.layers.delta)
        return (f"search: indexed {len(self.jobs)} bundles ({shards} of {len(self.shards)} shards; the delta holds "
                f"{delta}) in {time.perf_counter() - self.started:.1f} s (indexer peak {peak:.0f} MB)")


# --- helpers ---------------------------------------------------------------------------------------

def read_file(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def inside(path: str, root: Path) -> bool:
    """Does `path`, its links followed, lie in the project?"""
    return Path(os.path.realpath(path)).is_relative_to(Path(os.path.realpath(root)))


def upload_place(source: SourceFile) -> str | None:
    if source.role == "attachment":
        return ATTACHMENT
    if source.role == "static" and source.column is not None:     # a district's, not a theme's
        return STATIC
    return None


def role_of_key(tree: dict[str, SourceFile], key: str) -> str:
    return tree[key].role if key in tree else role_of_gone(key)


def role_of_gone(key: str) -> str:
    if key.startswith("themes/"):
        return theme_role_of(key[7:])[0] or ""
    return role_of(key)[0] or ""


def same_output(output: Path, graph: Graph, pid: int) -> bool:
    """Is output/<path> the file this build state wrote? Same size and time, or the same bytes
    (a copy of the project keeps the bytes, not always the times)."""
    page = graph.page_state(pid)
    try:
        stat = os.stat(output / page.path)
    except OSError:
        return False
    if (stat.st_size, stat.st_mtime_ns) == (page.size, page.mtime_ns):
        return True
    try:
        data = read_file(str(output / page.path))
    except OSError:
        return False
    if hashlib.blake2b(data, digest_size=16).digest() != page.content:
        return False
    graph.update_page(pid, size=stat.st_size, mtime_ns=stat.st_mtime_ns)
    return True


def late_facts(graph: Graph, plan: Plan, store, recount: bool, need_pages: bool) -> dict:
    """The site's search shards and (when asked) its HTML pages, for the late groups. Counted
    again only when pages came or went; else as the last build left them."""
    facts: dict = {"shards": [tuple(x) for x in store.late.get("shards", [])],
                   "counts": list(store.late.get("counts", []))}
    removed = {page.path for p in plan.removed_pages if (page := graph.page_state(p)) is not None}
    if need_pages:
        paths = (set(graph.page_ids.keys()) - removed) | set(plan.render) | {urls.SEARCH}
        facts["pages"] = sorted(p for p in paths if p.endswith(".html") and p != urls.NOT_FOUND)
    if recount:
        facts.update(count_shards(graph, plan, store, removed))
    return facts


def count_shards(graph: Graph, plan: Plan, store, removed: set[str]) -> dict:
    """How many search shards each part (the guides, each column's records) needs, and which of
    them hold pages, from the shard lists of the graph and the plan's pages (without reading every
    page)."""
    members: dict[str, set[str]] = {}
    for (column, _shard), paths in graph.shard_pages.items():
        members.setdefault(column, set()).update(paths)
    for path, job in plan.render.items():
        for kept in members.values():
            kept.discard(path)
        if job.context.get("search"):
            members.setdefault(job.search_part, set()).add(path)
    for kept in members.values():
        kept -= removed
    parts = [search_layers.GUIDES] + [c.slug for c in store.columns]
    counts = {part: search.shard_count(len(members.get(part, ()))) for part in parts}
    used = {(part, search.shard_of(path, counts[part])) for part, paths in members.items()
            if counts.get(part) for path in paths}
    shards = [(part, n) for part in parts for n in range(counts[part]) if (part, n) in used]
    return {"shards": shards, "counts": sorted(counts.items())}


def shard_members(graph: Graph, plan: Plan, rendered: Rendered, counts: dict[str, int], touched: set,
                  full: bool) -> dict:
    """(column, shard) -> [(path, document digest)] of the indexed pages of the touched shards."""
    members: dict[tuple[str, int], list] = {}
    if not touched:
        return members
    removed = {page.path for p in plan.removed_pages if (page := graph.page_state(p)) is not None}
    if not full:
        before = dict(graph_counts(graph))
        wanted = set()
        for column, number in touched:
            if before.get(column) == counts.get(column):
                wanted.add((column, number))
            else:                                        # a new number of shards: pages move
                wanted |= {(column, n) for n in range(before.get(column, 0))}
        for column, shard in wanted:
            for page in graph.pages_of_shard(column, shard):
                if page.path in removed or page.path in rendered.pages:
                    continue
                now = (column, search.shard_of(page.path, counts[column]))
                if now in touched:
                    members.setdefault(now, []).append((page.path, page.doc))
    for path, job in plan.render.items():
        result = rendered.pages.get(path)
        if result is not None and job.context.get("search"):
            shard = (job.search_part, search.shard_of(path, counts[job.search_part]))
            if shard in touched:
                members.setdefault(shard, []).append((path, result.doc))
    return members


def graph_counts(graph: Graph) -> list[tuple[str, int]]:
    highest: dict[str, int] = {}
    for column, shard in graph.shard_pages.keys():
        highest[column] = max(highest.get(column, 0), shard + 1)
    return sorted(highest.items())


def map_shard(name: str) -> tuple[str, int]:
    column, number = name.rsplit("/", 1)
    return column, int(number)


def map_shard_name(name: str) -> tuple[str, int]:
    """(column, shard) of a name search_layers.shard_name made."""
    column, number = name.rsplit("-", 1)
    return column, int(number)
