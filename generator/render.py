"""Job + environment → page text, and what the page read (views.py). No file writes here."""
from __future__ import annotations

import datetime as dt
import types
from functools import partial

import jinja2
from markupsafe import Markup

from . import citymap, urls
from .api import api_json
from .errors import ErrorList, one_line
from .markdown import to_html
from .pages import PageJob
from .qr import QrCodes
from .store import Store
from .summary import plain_summary
from .themes import DEFAULT_THEME, ThemeSet
from .views import ColumnView, SiteView, note, reading

# What templates get of urls.py: its addresses, nothing else.
URLS = types.SimpleNamespace(**{name: getattr(urls, name) for name in dir(urls)
                                if not name.startswith("_") and (name.isupper() or isinstance(
                                    getattr(urls, name), types.FunctionType)) and name != "annotations"})


def template_filters() -> dict:
    return {"markdown": lambda text, files_url="": Markup(to_html(text, files_url)), "cndate": cn_date,
            "summary": plain_summary, "map_svg": citymap.svg_map, "map_live": citymap.live_map}


def cn_date(value: dt.date) -> str:
    return f"{value.year}年{value.month:02d}月{value.day:02d}日"


class Renderer:
    def __init__(self, store: Store, themes: ThemeSet, qr: QrCodes | None = None):
        self.store = store
        self.site = SiteView(store)
        self.themes = themes
        self.qr = qr or QrCodes(None)

    def render(self, job: PageJob, errors: ErrorList) -> tuple[str | None, set]:
        """The page's text (None after an error, which goes to `errors`) and the facets it read."""
        with reading() as reads:
            note(("e", "config", ()))                # every page: its canonical address, its QR code
            try:
                return self._render(job), reads
            except jinja2.TemplateSyntaxError as exc:
                errors.add(self.where(exc.filename) or job.template, exc.lineno, f"template error: {exc.message}",
                           "valid Jinja syntax")
            except OSError:
                raise                                # the disk's fault, not the template's (failures.py)
            except Exception as exc:                 # noqa: BLE001 - a filter, the QR encoder, the map: one message
                place, line = self.template_line(exc)
                errors.add(place or job.template, line, f"template error while making {job.path}: {explain(exc)}",
                           "a template that renders with the page's data")
        return None, reads

    def _render(self, job: PageJob) -> str:
        column = ColumnView(self.store, job.column) if job.column else None
        if job.template.startswith("api:"):
            return api_json(job.template[4:], self.site, column, job.context)
        theme = self.store.setting("column", job.column).theme if job.column else DEFAULT_THEME
        note(("t", job.column or "", job.template))
        env = self.themes.environment(job.column, theme)
        return env.get_template(job.template).render(self.context(job, column, theme))

    def context(self, job: PageJob, column: ColumnView | None, theme: str) -> dict:
        config = self.store.config
        # The 404 page is served at any depth, so its links are root-relative to the sub-path.
        if job.path == urls.NOT_FOUND:
            link = lambda target: target if "://" in target else config.base_path + target  # noqa: E731
        else:
            link = partial(urls.relative, job.path)
        canonical = urls.canonical(config.base_url, config.base_path, job.path)
        return {
            "search": None,   # pages.py gives indexed pages their search entry
            **job.context, "site": self.site, "config": config, "page": job, "column": column,
            "urls": URLS, "link": link, "static": partial(self.static_url, link, job.column, theme),
            "canonical": canonical,
            # qr() is this page's code; qr(path, label) another page's (posters). Encoded only when used.
            "qr": lambda target=None, label="": self.qr.svg(
                urls.canonical(config.base_url, config.base_path, target) if target else canonical, label),
        }

    def static_url(self, link, column: str | None, theme: str, name: str) -> str:
        if column:
            note(("s", column, name))
            if static_owner(self.store, column, theme, name) == "column":
                return link(urls.column_static(column, name))
        return link(urls.shared_static(name))

    def where(self, filename: str | None) -> str | None:
        return self.themes.key_of(filename) if filename else None

    def template_line(self, exc: BaseException) -> tuple[str | None, int | None]:
        """The template file and line the error happened at (Jinja maps its frames to them)."""
        found: tuple[str | None, int | None] = (None, None)
        tb = exc.__traceback__
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.endswith((".html", ".xml")) and "/templates/" in filename:
                found = (self.where(filename), tb.tb_lineno)
            tb = tb.tb_next
        return found


def explain(exc: Exception) -> str:
    """The error as one short line; its type when the message alone would not say what it is."""
    text = one_line(str(exc))
    known = isinstance(exc, (jinja2.TemplateError, ValueError, TypeError, KeyError, AttributeError, LookupError))
    return text if known and text else f"{type(exc).__name__}: {text}"


def static_owner(store: Store, column: str, theme: str, name: str) -> str:
    """Whose file `<static>/name` is for a column: its own (districts/<column>/static/, or its theme's
    when the theme is not the default one) or the shared one."""
    if name in store.static.get(column, ()):
        return "column"
    if theme != DEFAULT_THEME and name in store.theme_static.get(theme, ()):
        return "column"
    return "shared"
