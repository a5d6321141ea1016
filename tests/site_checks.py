"""Checks every built site must pass; shared by the small test site and the default site tests."""
from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def html_pages(output: Path) -> list[str]:
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))


def every_page_problems(output: Path, base_url: str, base_path: str) -> list[str]:
    """Required elements of SPEC §4 on every page, and every internal link resolving to a file.
    Uses lxml directly: this runs over every page of the site."""
    problems = []
    for page in html_pages(output):
        doc = lxml.html.fromstring((output / page).read_bytes())
        problems += [f"{page}: {p}" for p in page_problems(doc, page, base_url, base_path)]
        if page != "404.html":
            problems += [f"{page}: broken link {href}" for href in broken_links(output, page, doc)]
    return problems


FOOTER_LABELS = ("党政机关网站标识", "主办单位", "联系方式", "网站标识码", "ICP备案号", "公安机关备案号", "我为政府网站找错")


def page_problems(doc, page: str, base_url: str, base_path: str) -> list[str]:
    problems = []
    if doc.get("lang") != "zh-CN":
        problems.append("lang is not zh-CN")
    if not doc.xpath("//meta[@name='viewport']"):
        problems.append("no viewport")
    canonical = doc.xpath("//link[@rel='canonical']/@href")
    if not canonical or not canonical[0].startswith(base_url + base_path):
        problems.append("no canonical URL")
    if not doc.findtext(".//title", "").strip():
        problems.append("no title")
    for name in ("SiteName", "SiteDomain", "SiteIDCode"):
        if not doc.xpath(f"//meta[@name='{name}']/@content"):
            problems.append(f"no meta {name}")
    if not doc.xpath("//a[contains(@class, 'skip-link')][@href='#main']") or not doc.xpath("//*[@id='main']"):
        problems.append("no skip link")
    footer = " ".join(doc.xpath("//footer//text() | //footer//@title"))
    problems += [f"footer lacks {label}" for label in FOOTER_LABELS if label not in footer]
    if page != "index.html" and not doc.xpath("//nav[contains(@class, 'breadcrumb')]"):
        problems.append("no breadcrumb")
    if len(doc.xpath("//h1")) != 1:
        problems.append(f"{len(doc.xpath('//h1'))} h1 elements")
    return problems


def broken_links(output: Path, page: str, doc) -> list[str]:
    broken = []
    folder = posixpath.dirname(page)
    for node, attr in ((n, a) for a in ("href", "src") for n in doc.xpath(f"//*[@{a}]")):
        href = node.get(attr)
        if node.tag == "link" and node.get("rel") == "canonical":
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith("#"):
            continue
        target = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
        if target.startswith("..") or not (output / target).is_file():
            broken.append(href)
    return broken


def feed_entries(output: Path, path: str) -> list[ET.Element]:
    root = ET.parse(output / path).getroot()
    assert root.tag == ATOM + "feed"
    return root.findall(ATOM + "entry")


def sitemap_locations(output: Path) -> set[str]:
    root = ET.parse(output / "sitemap.xml").getroot()
    return {loc.text for loc in root.iter(SITEMAP + "loc")}
