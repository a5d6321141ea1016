"""The build, read top to bottom as its stages: load → validate → assemble → render → write."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from . import urls
from .api import write_api
from .assemble import Site, build_site
from .citygeo import read_city_map
from .citymap import leaflet_files
from .errors import BuildError, ErrorList
from .load import read_sources
from .model import Content
from .pages import PageJob, all_pages
from .paths import ProjectPaths
from .qr import QrCodes
from .privacy import guard_personal_data
from .references import check_references
from .render import Renderer, template_filters
from .search import index_columns
from .themes import DEFAULT_THEME, ThemeSet
from .validate import validate
from .write import DuplicateOutput, StagedOutput


@dataclass(frozen=True)
class BuildResult:
    pages: int
    files: int
    seconds: float


def build(paths: ProjectPaths, log: Callable[[str], None] = print) -> BuildResult:
    started = time.perf_counter()
    site = read_and_check(paths)
    log(f"content: {len(site.columns)} columns, {len(site.items)} items, {len(site.records)} records")
    output = StagedOutput(paths.output)
    try:
        qr = QrCodes(paths.root / ".build-cache" / "qr")
        pages = write_pages(site, paths, output, qr)
        log(f"qr: {qr.encoded} codes encoded, {qr.reused} from the cache")
        write_api(site, output)
        copy_assets(site, paths, output)
        index_search(site, paths, output, log)
        output.publish()
    except BaseException:
        output.discard()
        raise
    result = BuildResult(pages, len(output.written), time.perf_counter() - started)
    log(f"wrote {result.pages} pages ({result.files} files) to {paths.output} in {result.seconds:.1f} s")
    return result


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


def write_pages(site: Site, paths: ProjectPaths, output: StagedOutput, qr: QrCodes | None = None) -> int:
    errors = ErrorList(root=paths.root)
    renderer = Renderer(site, ThemeSet(paths, template_filters()), qr)
    html_pages: list[str] = []
    for job in all_pages(site):
        write_job(renderer, job, output, errors)
        if job.path.endswith(".html") and job.path != urls.NOT_FOUND:
            html_pages.append(job.path)
        if len(errors.errors) >= 50:
            break
    errors.raise_if_any("render")
    for job in sitemap_jobs(html_pages):
        write_job(renderer, job, output, errors)
    errors.raise_if_any("render")
    if qr is not None:
        qr.save()
    return len(html_pages) + 1


def index_search(site: Site, paths: ProjectPaths, output: StagedOutput, log: Callable[[str], None]) -> None:
    """Pagefind on the staged site, one bundle per column, before it is published."""
    errors = ErrorList(root=paths.root)
    stats = index_columns(output.staging, paths.output, [c.slug for c in site.columns], errors)
    errors.raise_if_any("search")
    log(f"search: indexed {stats.indexed} columns, reused {stats.reused} unchanged, in {stats.seconds:.1f} s "
        f"(indexer peak {stats.peak_mb:.0f} MB)")


def write_job(renderer: Renderer, job: PageJob, output: StagedOutput, errors: ErrorList) -> None:
    text = renderer.render(job, errors)
    if text is None:
        return
    try:
        output.write_text(job.path, text)
    except DuplicateOutput:
        errors.add(job.path, None, "two pages would be written to this address", "unique ids and slugs")


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
