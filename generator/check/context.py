"""What every rule family may read: the options, the assembled site, the built pages and where
each page came from (column, source file and line)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..pages import PageJob, all_jobs
from ..paths import ProjectPaths
from .htmlscan import PageInfo


@dataclass(frozen=True)
class Origin:
    column: str = ""
    source: str = ""
    line: int | None = None


@dataclass
class CheckContext:
    paths: ProjectPaths
    site: object | None                  # views.SiteView
    output: Path
    today: dt.date
    default_period: int
    pages: dict[str, PageInfo] = field(default_factory=dict)     # output path -> scanned page
    origins: dict[str, Origin] = field(default_factory=dict)     # output path -> where it came from

    def display(self, path: Path | str) -> str:
        path = Path(path)
        if not path.is_absolute():
            return path.as_posix()                 # the model's project-relative paths
        try:
            return path.resolve().relative_to(self.paths.root).as_posix()
        except ValueError:
            return path.as_posix()

    def origin(self, page: str) -> Origin:
        return self.origins.get(page, Origin(column=page.split("/", 1)[0] if "/" in page else ""))

    def column_name(self, slug: str | None) -> str:
        if self.site is None or not slug:
            return ""
        return next((c.name for c in self.site.columns if c.slug == slug), slug)


def page_origins(ctx: CheckContext) -> dict[str, Origin]:
    """Output page -> the content that made it: a record's file and line, an item's, and so on."""
    if ctx.site is None:
        return {}
    origins = {}
    for job in all_jobs(ctx.site):
        source, line = job_source(ctx, job)
        origins[job.path] = Origin(ctx.column_name(job.column), source, line)
    return origins


def job_source(ctx: CheckContext, job: PageJob) -> tuple[str, int | None]:
    data = job.context
    for key in ("record", "item", "town", "topic"):
        thing = data.get(key)
        if thing is not None and getattr(thing, "source", None) is not None:
            return ctx.display(thing.source.path), thing.source.line
    items = data.get("items")
    if items:
        return ctx.display(items[0].source.path), None
    theme = ctx.paths.themes / "default" / "templates" / job.template
    return ctx.display(theme), None
