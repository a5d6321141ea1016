"""The build, read top to bottom as its stages: load → validate → assemble → render → write."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Callable

from . import urls
from .api import write_api
from .assemble import Site, build_site
from .cache import Fingerprints, PageCache, generator_version
from .citygeo import read_city_map
from .citymap import leaflet_files
from .errors import BuildError, ErrorList
from .load import read_sources
from .model import Content
from .pages import PageJob, all_pages
from .paths import ProjectPaths
from .qr import QrCodes
from .privacy import guard_personal_data
from .progress import Progress
from .references import check_references
from .render import Renderer, template_filters
from .render_pool import render_jobs
from .search import index_columns
from .themes import DEFAULT_THEME, ThemeSet
from .validate import validate
from .write import DuplicateOutput, StagedOutput


@dataclass(frozen=True)
class BuildResult:
    pages: int
    files: int
    seconds: float
    rendered: int = 0            # pages (and feeds, sitemaps) rendered in this build
    carried: int = 0             # ... and carried over unchanged from the published output


@dataclass(frozen=True)
class BuildOptions:
    progress: bool = True        # a progress bar on a terminal, plain lines in a log
    clean: bool = False          # ignore the build cache: render every page
    workers: int | None = None   # render processes (default: one per core)


def build(paths: ProjectPaths, log: Callable[[str], None] = print,
          options: BuildOptions = BuildOptions()) -> BuildResult:
    started = time.perf_counter()
    site = read_and_check(paths)
    log(f"content: {len(site.columns)} columns, {len(site.items)} items, {len(site.records)} records")
    cache = open_cache(paths, options, log)
    output = StagedOutput(paths.output)
    try:
        qr = QrCodes(paths.root / ".build-cache" / "qr")
        pages = write_pages(site, paths, output, qr, cache, options)
        log(f"pages: {pages.rendered} rendered, {pages.carried} unchanged; "
            f"qr: {qr.encoded} codes encoded, {qr.reused} from the cache")
        write_api(site, output)
        copy_assets(site, paths, output)
        index_search(site, paths, output, log, pages.search)
        output.publish()
    except BaseException:
        output.discard()
        raise
    cache.save(pages.stamps, pages.search)
    result = BuildResult(pages.count, len(output.written), time.perf_counter() - started,
                         pages.rendered, pages.carried)
    log(f"wrote {result.pages} pages ({result.files} files) to {paths.output} in {result.seconds:.1f} s")
    return result


def open_cache(paths: ProjectPaths, options: BuildOptions, log: Callable[[str], None]) -> PageCache:
    version = generator_version()
    if options.clean:
        return PageCache.open(paths.output, version, log).emptied()
    return PageCache.open(paths.output, version, log)


def read_and_check(paths: ProjectPaths) -> Site:
    errors = ErrorList(root=paths.root)
    content = checked_content(paths, errors)
    errors.raise_if_any("validate")
    return build_site(content)


def checked_content(paths: ProjectPaths, errors: ErrorList) -> Content:
    """Load and validate everything, the personal-data guard included; problems go to `errors`."""
    sources = read_sources(paths, errors)
    content = validate(sources, errors)
    if content.config is not None:
        check_references(content, paths, errors)
        content.citymap = read_city_map(content, sources.maps, errors)
    content.privacy_exemptions = guard_personal_data(content, sources, errors)
    return content


@dataclass
class PagesWritten:
    count: int                          # HTML pages (the 404 page included)
    rendered: int
    carried: int
    stamps: dict[str, list]             # path -> [fingerprint, size, mtime_ns], for the cache
    search: dict[str, str]              # column -> digest of its pages ("" when nothing to index)


def write_pages(site: Site, paths: ProjectPaths, output: StagedOutput, qr: QrCodes | None = None,
                cache: PageCache | None = None, options: BuildOptions = BuildOptions()) -> PagesWritten:
    errors = ErrorList(root=paths.root)
    qr = qr or QrCodes(None)
    themes = ThemeSet(paths, template_filters())
    cache = cache or PageCache.open(paths.output, generator_version(), print).emptied()
    fingerprints = Fingerprints(site, themes, cache.version)
    jobs = all_pages(site)
    html_pages = [j.path for j in jobs if j.path.endswith(".html") and j.path != urls.NOT_FOUND]
    jobs += sitemap_jobs(html_pages)
    stamps: dict[str, list] = {}
    stale = []
    for job in jobs:
        fingerprint = fingerprints.of(job)
        published = cache.reusable(job.path, fingerprint)
        try:
            if published is None:
                output.claim(job.path)
                stale.append(job)
            else:
                output.link(job.path, published)
                qr.keep(urls.canonical(site.config.base_url, site.config.base_path, job.path))
        except DuplicateOutput:
            errors.add(job.path, None, "two pages would be written to this address", "unique ids and slugs")
            continue
        stamps[job.path] = [fingerprint, *(cache.pages[job.path][1:] if published else (0, 0))]
    errors.raise_if_any("render")
    progress = Progress("渲染页面", len(stale), enabled=options.progress)
    rendered = render_jobs(Renderer(site, themes, qr), stale, output.staging, paths.root, progress, options.workers)
    for error in rendered.errors:
        errors.add(error.path, error.line, error.message, error.expected)
    errors.raise_if_any("render")
    qr.merge(rendered.qr_codes, rendered.qr_used)
    qr.save()
    for path, stamp in rendered.stamps.items():
        stamps[path][1:] = stamp
    return PagesWritten(len(html_pages) + 1, len(stale), len(jobs) - len(stale), stamps,
                        search_digests(site, jobs, stamps))


def search_digests(site: Site, jobs: list[PageJob], stamps: dict[str, list]) -> dict[str, str]:
    """Per column, a digest of the pages the indexer reads: same digest, same index."""
    pages: dict[str, list[str]] = {c.slug: [] for c in site.columns}
    indexed: set[str] = set()
    for job in jobs:
        if job.column in pages and job.path.endswith(".html"):
            pages[job.column].append(job.path)
            if job.context.get("search"):
                indexed.add(job.column)
    digests = {}
    for column, paths in pages.items():
        digest = hashlib.blake2b(digest_size=16)
        for path in sorted(paths):
            digest.update(f"{path}\0{stamps[path][0]}\n".encode())
        digests[column] = digest.hexdigest() if column in indexed else ""   # "": nothing to index
    return digests


def index_search(site: Site, paths: ProjectPaths, output: StagedOutput, log: Callable[[str], None],
                 digests: dict[str, str]) -> None:
    """Pagefind on the staged site, one bundle per column, before it is published."""
    errors = ErrorList(root=paths.root)
    stats = index_columns(output.staging, paths.output, digests, errors)
    errors.raise_if_any("search")
    log(f"search: indexed {stats.indexed} columns, reused {stats.reused} unchanged, in {stats.seconds:.1f} s "
        f"(indexer peak {stats.peak_mb:.0f} MB)")


SITEMAP_LIMIT = 50_000   # the sitemaps.org limit of addresses per file


def sitemap_jobs(pages: list[str]) -> list[PageJob]:
    if len(pages) <= SITEMAP_LIMIT:
        return [PageJob(urls.SITEMAP, "sitemap.xml", None, "", {"pages": pages})]
    parts = [pages[i:i + SITEMAP_LIMIT] for i in range(0, len(pages), SITEMAP_LIMIT)]
    names = [f"sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    jobs = [PageJob(name, "sitemap.xml", None, "", {"pages": part}) for name, part in zip(names, parts)]
    return jobs + [PageJob(urls.SITEMAP, "sitemap_index.xml", None, "", {"sitemaps": names})]


def copy_assets(site: Site, paths: ProjectPaths, output: StagedOutput) -> None:
    output.copy_tree("static", paths.themes / DEFAULT_THEME / "static")
    if site.citymap is not None:
        for name, source in leaflet_files():
            output.copy_file(f"static/leaflet/{name}", source)
    themes = ThemeSet(paths, {})
    for column in site.columns:
        for name, source in themes.column_static(column).items():
            output.copy_file(f"{column.slug}/static/{name}", source)
        files = paths.content / column.slug / "files"
        if files.is_dir():
            output.copy_tree(f"{column.slug}/files", files)


__all__ = ["build", "BuildError", "BuildResult"]
