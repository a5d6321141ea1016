"""The only place that knows output paths. Paths are relative to the site root, POSIX style.

Addresses come from slugs and ids only, never from titles, so they stay stable when content is
edited (QR codes of these addresses get printed on paper).
"""
from __future__ import annotations

import functools
import posixpath

from .model import VALIDITY_SLUGS

HOME = "index.html"
NOT_FOUND = "404.html"
SITEMAP = "sitemap.xml"
SEARCH = "search/index.html"
ABOUT = "about/index.html"


def paged(folder: str, page: int) -> str:
    return f"{folder}/index.html" if page == 1 else f"{folder}/page-{page}.html"


def column_home(column: str) -> str:
    return f"{column}/index.html"


def column_records(column: str, page: int = 1) -> str:
    return paged(f"{column}/info", page)


def catalogue(column: str, domain: str) -> str:
    return f"{column}/{domain}/index.html"


def item(column: str, domain: str, item_id: str, page: int = 1) -> str:
    return paged(f"{column}/{domain}/{item_id}", page)


def record(column: str, record_id: str) -> str:
    return f"{column}/info/{record_id}.html"


def township(column: str, town: str, page: int = 1) -> str:
    return paged(f"{column}/town/{town}", page)


def township_catalogue(column: str, town: str, domain: str) -> str:
    return f"{column}/town/{town}/{domain}.html"


def townships(column: str) -> str:
    return f"{column}/town/index.html"


def policies(column: str, validity: str | None = None, page: int = 1) -> str:
    folder = f"{column}/policies" + (f"/{VALIDITY_SLUGS[validity]}" if validity else "")
    return paged(folder, page)


def policies_interpreted(column: str, page: int = 1) -> str:
    """文件库 filtered to the documents that have a 政策解读."""
    return paged(f"{column}/policies/jiedu", page)


def topic(column: str, topic_slug: str) -> str:
    return f"{column}/topics/{topic_slug}/index.html"


def subcolumn(column: str, topic_slug: str, sub: str, page: int = 1) -> str:
    return paged(f"{column}/topics/{topic_slug}/{sub}", page)


def feed(column: str) -> str:
    return f"{column}/feed.xml"


def qr_poster(column: str) -> str:
    return f"{column}/qr-poster.html"


SEARCH_FOLDER = "pagefind"                       # every search bundle is in it (one line in listings)
SEARCH_DELTA = f"{SEARCH_FOLDER}/delta/"
SEARCH_LAYERS = f"{SEARCH_FOLDER}/layers.json"


def search_base(group: int) -> str:
    """The folder of one group of columns' base search bundle (search_layers.py)."""
    return f"{SEARCH_FOLDER}/{group:02d}/"


def shared_static(name: str) -> str:
    return f"static/{name}"


def column_static(column: str, name: str) -> str:
    return f"{column}/static/{name}"


def attachment(column: str, name: str) -> str:
    return f"{column}/files/{name}"


def relative(from_page: str, target: str) -> str:
    """A link from one output page to another that works under any sub-path and from file://."""
    if target.startswith(("http://", "https://", "mailto:", "#")):
        return target
    return _relative(from_page.rpartition("/")[0], target)


@functools.lru_cache(maxsize=65536)
def _relative(folder: str, target: str) -> str:
    # Cached: a page makes dozens of links, and pages in one folder share most of them.
    return posixpath.relpath(target, folder or ".")


def canonical(base_url: str, base_path: str, page: str) -> str:
    """The page's absolute address; `index.html` is dropped so the address is the folder."""
    if page == HOME:
        page = ""
    elif page.endswith("/index.html"):
        page = page[: -len("index.html")]
    return f"{base_url}{base_path}{page}"
