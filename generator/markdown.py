"""Markdown from content → sanitised HTML. Tables, images, links, headings and footnotes
survive; scripts, event handlers and javascript: links do not."""
from __future__ import annotations

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "sub", "sup",
    "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "code", "pre", "a", "img", "span",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "section",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "aria-label"}, "img": {"src", "alt", "title", "width", "height"},
    "li": {"id"},
    "th": {"colspan", "rowspan", "align"}, "td": {"colspan", "rowspan", "align"}, "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# The footnotes' own classes, the only classes kept (the theme styles them).
ALLOWED_CLASSES = {"section": {"footnotes"}, "sup": {"footnote-ref"}, "a": {"footnote-backref"}}
FOOTNOTE_IDS = ("fn-", "fnref-")

# GitHub-flavoured Markdown (tables, fenced code, footnotes, bare addresses as links) from the C
# library cmark-gfm, chosen over Python-Markdown on figures (README, "Markdown"): 6-9 times
# faster a body with the sanitiser, and CommonMark's lists as people type them (a list right
# after its paragraph). Raw HTML is let through here only so that nh3 below decides, in one
# place, what survives.
# (GFM's tagfilter is left out: it would turn a <script> into visible text; nh3 drops it whole.)
GFM_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_FOOTNOTES
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
                     allowed_classes=ALLOWED_CLASSES, link_rel="noopener noreferrer",
                     attribute_filter=_file_links(files_url))


def _file_links(files_url: str):
    def rewrite(tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("href", "src") and is_file_reference(value):
            return files_url + value
        if attribute == "id":                      # a footnote's anchors only: no id the page uses
            return value if value.startswith(FOOTNOTE_IDS) else None
        if attribute == "aria-label":              # cmark-gfm's is English ("Back to reference 1")
            return "返回正文" if value.startswith("Back to reference") else None
        return value
    return rewrite


def is_file_reference(url: str) -> bool:
    return bool(url) and ":" not in url.split("/")[0] and not url.startswith(("#", "/", "."))
