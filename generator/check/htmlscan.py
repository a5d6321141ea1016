"""One pass over a built HTML page with the standard library parser: what the page rules need."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

REF_ATTRS = ("href", "src", "poster", "data")
NAME_ATTRS = ("aria-label", "aria-labelledby", "title")
QR_CLASSES = {"qr", "page-qr", "qr-code"}         # the page's own QR code (一码获取)


@dataclass
class PageInfo:
    lang: str | None = None
    title: str = ""
    canonical: str | None = None
    refs: list[tuple[str, str]] = field(default_factory=list)        # (tag, address)
    images_without_alt: list[str] = field(default_factory=list)      # src of each
    headings: list[int] = field(default_factory=list)                # 1..6 in document order
    empty_links: list[str] = field(default_factory=list)             # href of each
    footer_text: str = ""
    has_qr: bool = False
    body_class: str = ""


class PageScanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.info = PageInfo()
        self.footer_depth = 0
        self.links: list[dict] = []          # open <a> elements: {"href", "named"}
        self.skip_depth = 0                  # inside <script> or <style>
        self.in_title = False
        self.title_seen = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.start_element(tag, a)
        if tag in ("script", "style"):
            self.skip_depth += 1

    def handle_startendtag(self, tag, attrs):
        self.start_element(tag, {k: v or "" for k, v in attrs})

    def start_element(self, tag: str, a: dict) -> None:
        info = self.info
        for attr in REF_ATTRS:
            if a.get(attr) and not (tag == "object" and attr != "data"):
                info.refs.append((tag, a[attr]))
        if QR_CLASSES & set(a.get("class", "").split()):
            info.has_qr = True
        if tag == "html":
            info.lang = a.get("lang")
        elif tag == "body":
            info.body_class = a.get("class", "")
        elif tag == "link" and "canonical" in a.get("rel", "").split():
            info.canonical = a.get("href")
        elif tag == "title" and not self.title_seen:
            self.in_title = True
        elif tag == "footer":
            self.footer_depth += 1
        elif tag == "img":
            self.image(a)
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            info.headings.append(int(tag[1]))
        elif tag == "a" and "href" in a:
            self.links.append({"href": a["href"], "named": any(a.get(n, "").strip() for n in NAME_ATTRS)})

    def image(self, a: dict) -> None:
        if "alt" not in a and a.get("role") != "presentation" and a.get("aria-hidden") != "true":
            self.info.images_without_alt.append(a.get("src", ""))
        if a.get("alt", "").strip() and self.links:
            self.links[-1]["named"] = True

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip_depth:
            self.skip_depth -= 1
        elif tag == "title" and self.in_title:
            self.in_title, self.title_seen = False, True
        elif tag == "footer" and self.footer_depth:
            self.footer_depth -= 1
        elif tag == "a" and self.links:
            link = self.links.pop()
            if not link["named"]:
                self.info.empty_links.append(link["href"])

    def handle_data(self, data):
        if self.skip_depth:
            return
        if self.in_title:
            self.info.title += data
        if self.footer_depth:
            self.info.footer_text += data
        if data.strip() and self.links:
            for link in self.links:
                link["named"] = True


def scan_page(html: str) -> PageInfo:
    scanner = PageScanner()
    scanner.feed(html)
    scanner.close()
    scanner.info.title = scanner.info.title.strip()
    return scanner.info
