"""Checks every built site must pass; shared by the small test site and the default site tests."""
from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def html_pages(output: Path) -> list[str]:
    return sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))


def every_page_problems(output: Path, base_url: str, base_path: str) -> list[str]:
    """Required elements of SPEC §4 on every page, and every internal link resolving to a file."""
    problems = []
    for page in html_pages(output):
        doc = BeautifulSoup((output / page).read_text(encoding="utf-8"), "html.parser")
        problems += [f"{page}: {p}" for p in page_problems(doc, page, base_url, base_path)]
        if page != "404.html":
            problems += [f"{page}: broken link {href}" for href in broken_links(output, page, doc)]
    return problems


def page_problems(doc: BeautifulSoup, page: str, base_url: str, base_path: str) -> list[str]:
    problems = []
    if doc.html.get("lang") != "zh-CN":
        problems.append("lang is not zh-CN")
    if not doc.find("meta", attrs={"name": "viewport"}):
        problems.append("no viewport")
    canonical = doc.find("link", rel="canonical")
    if not canonical or not canonical["href"].startswith(base_url + base_path):
        problems.append("no canonical URL")
    if not doc.title or not doc.title.text.strip():
        problems.append("no title")
    for name in ("SiteName", "SiteDomain", "SiteIDCode"):
        if not doc.find("meta", attrs={"name": name}):
            problems.append(f"no meta {name}")
    if not doc.find("a", class_="skip-link", href="#main") or not doc.find(id="main"):
        problems.append("no skip link")
    footer = doc.find("footer")
    for label in ("党政机关网站标识", "主办单位", "联系方式", "网站标识码", "ICP备案号", "公安机关备案号", "我为政府网站找错"):
        if not footer or label not in footer.get_text():
            problems.append(f"footer lacks {label}")
    if page not in ("index.html",) and not doc.find("nav", class_="breadcrumb"):
        problems.append("no breadcrumb")
    if len(doc.find_all("h1")) != 1:
        problems.append(f"{len(doc.find_all('h1'))} h1 elements")
    return problems


def broken_links(output: Path, page: str, doc: BeautifulSoup) -> list[str]:
    broken = []
    for tag, attr in (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src")):
        for node in doc.find_all(tag):
            href = node.get(attr)
            if not href or tag == "link" and node.get("rel") == ["canonical"]:
                continue
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith("#"):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
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
