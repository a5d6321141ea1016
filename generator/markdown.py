"""Markdown from content → sanitised HTML. Tables, images, links and headings survive;
scripts, event handlers and javascript: links do not."""
from __future__ import annotations

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "sub", "sup",
    "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "code", "pre", "a", "img", "span",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan", "align"}, "td": {"colspan", "rowspan", "align"}, "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# GitHub-flavoured Markdown (tables, fenced code) from the C library cmark-gfm: about 100 times
# faster than a pure-Python parser, which matters at 100,000 records. Raw HTML is let through
# here only so that nh3 below decides, in one place, what survives.
# (GFM's tagfilter is left out: it would turn a <script> into visible text; nh3 drops it whole.)
GFM_OPTIONS = Options.CMARK_OPT_UNSAFE
GFM_EXTENSIONS = ["table", "strikethrough", "autolink"]


def to_html(source: str, files_url: str = "") -> str:
    """Render Markdown and keep only allowlisted HTML. A level-1 heading becomes level 2,
    because the page title is the page's only h1. Relative links and images name files of the
    column's files/ folder; `files_url` is where that folder is seen from the page."""
    if files_url and not files_url.endswith("/"):
        files_url += "/"
    html = cmarkgfm.markdown_to_html_with_extensions(source, options=GFM_OPTIONS, extensions=GFM_EXTENSIONS)
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer", attribute_filter=_file_links(files_url))


def _file_links(files_url: str):
    def rewrite(tag: str, attribute: str, value: str) -> str:
        if attribute in ("href", "src") and is_file_reference(value):
            return files_url + value
        return value
    return rewrite


def is_file_reference(url: str) -> bool:
    return bool(url) and ":" not in url.split("/")[0] and not url.startswith(("#", "/", "."))
