"""Markdown from content → sanitised HTML. Tables, images, links and headings survive;
scripts, event handlers and javascript: links do not."""
from __future__ import annotations

import markdown as md
import nh3

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

_converter = md.Markdown(extensions=["tables", "sane_lists", "fenced_code"], output_format="html")


def to_html(source: str, files_url: str = "") -> str:
    """Render Markdown and keep only allowlisted HTML. A level-1 heading becomes level 2,
    because the page title is the page's only h1. Relative links and images name files of the
    column's files/ folder; `files_url` is where that folder is seen from the page."""
    if files_url and not files_url.endswith("/"):
        files_url += "/"
    _converter.reset()
    html = _converter.convert(source)
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
