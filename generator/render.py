"""Job + environment → page text. No file writes here."""
from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import citymap, urls
from .assemble import Column, Site
from .errors import ErrorList
from .markdown import to_html
from .pages import PageJob
from .qr import QrCodes
from .themes import ThemeSet


def template_filters() -> dict:
    return {"markdown": lambda text, files_url="": Markup(to_html(text, files_url)), "cndate": cn_date,
            "map_svg": citymap.svg_map, "map_live": citymap.live_map}


def cn_date(value: dt.date) -> str:
    return f"{value.year}年{value.month:02d}月{value.day:02d}日"


class Renderer:
    def __init__(self, site: Site, themes: ThemeSet, qr: QrCodes | None = None):
        self.site = site
        self.themes = themes
        self.qr = qr or QrCodes(None)
        self.columns = {c.slug: c for c in site.columns}
        self.overridden_static = {c.slug: set(themes.column_static(c)) for c in site.columns}

    def render(self, job: PageJob, errors: ErrorList) -> str | None:
        column = self.columns.get(job.column) if job.column else None
        env = self.themes.for_column(column) if column else self.themes.shared()
        try:
            return env.get_template(job.template).render(self.context(job, column))
        except jinja2.TemplateSyntaxError as exc:
            errors.add(exc.filename or job.template, exc.lineno, f"template error: {exc.message}",
                       "valid Jinja syntax")
        except jinja2.TemplateError as exc:
            errors.add(job.template, None, f"template error while making {job.path}: {exc}",
                       "a template that renders with the page's data")
        return None

    def context(self, job: PageJob, column: Column | None) -> dict:
        config = self.site.config
        # The 404 page is served at any depth, so its links are root-relative to the sub-path.
        if job.path == urls.NOT_FOUND:
            link = lambda target: target if "://" in target else config.base_path + target  # noqa: E731
        else:
            link = partial(urls.relative, job.path)
        canonical = urls.canonical(config.base_url, config.base_path, job.path)
        return {
            "search": None,   # pages.py gives indexed pages their search entry
            **job.context, "site": self.site, "config": config, "page": job, "column": column,
            "urls": urls, "link": link, "static": partial(self.static_url, link, column),
            "canonical": canonical,
            # qr() is this page's code; qr(path, label) another page's (posters). Encoded only when used.
            "qr": lambda target=None, label="": self.qr.svg(
                urls.canonical(config.base_url, config.base_path, target) if target else canonical, label),
        }

    def static_url(self, link, column: Column | None, name: str) -> str:
        if column and name in self.overridden_static[column.slug]:
            return link(urls.column_static(column.slug, name))
        return link(urls.shared_static(name))
