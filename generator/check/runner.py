"""Runs every rule family over the content and the built site and collects the findings."""
from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import ErrorList
from ..paths import ProjectPaths
from ..errors import BuildError
from ..pipeline import build
from ..session import read_site
from .columns import check_columns
from .context import CheckContext, page_origins
from .findings import Finding, sort_key
from .htmlscan import scan_page
from .interpretations import check_interpretations
from .links import check_links
from .markup import check_markup
from .pages import check_pages
from .privacy import content_error_findings, exception_notices

DEFAULT_PERIOD_DAYS = 180


@dataclass(frozen=True)
class CheckOptions:
    today: dt.date
    default_period: int = DEFAULT_PERIOD_DAYS


def run_check(paths: ProjectPaths, options: CheckOptions, log: Callable[[str], None] = print) -> list[Finding]:
    ctx = CheckContext(paths, None, paths.output, options.today, options.default_period)
    try:
        ctx.site, exemptions = read_site(paths)
    except BuildError as exc:
        log("内容有错误，网站无法构建；只报告内容错误。")
        return sorted(content_error_findings(ctx, exc.errors), key=sort_key)
    findings = exception_notices(ctx, exemptions)
    findings += check_columns(ctx)
    findings += check_interpretations(ctx)
    with built_site(paths, log) as output:
        ctx.output = output
        findings += check_built_site(ctx)
    return sorted(findings, key=sort_key)


def check_built_site(ctx: CheckContext) -> list[Finding]:
    files = {p.relative_to(ctx.output).as_posix() for p in ctx.output.rglob("*") if p.is_file()}
    ctx.pages = {page: scan_page((ctx.output / page).read_text(encoding="utf-8"))
                 for page in sorted(files) if page.endswith(".html")}
    ctx.origins = page_origins(ctx)
    return check_links(ctx, files) + check_pages(ctx) + check_markup(ctx)


class built_site:
    """The built site to audit: output/ when it exists, else a fresh build in a temporary folder."""

    def __init__(self, paths: ProjectPaths, log: Callable[[str], None]):
        self.paths, self.log, self.temp = paths, log, None

    def __enter__(self) -> Path:
        if (self.paths.output / "index.html").is_file():
            return self.paths.output
        self.temp = tempfile.TemporaryDirectory(prefix="jczwgk-check-")
        output = Path(self.temp.name) / "output"
        self.log(f"{self.paths.output} 中没有已构建的网站，先构建到临时目录再检查。")
        build(ProjectPaths.at(self.paths.root, output, self.paths.themes), log=lambda _m: None)
        return output

    def __exit__(self, *exc) -> None:
        if self.temp is not None:
            self.temp.cleanup()


__all__ = ["CheckOptions", "run_check"]
