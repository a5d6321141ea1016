"""End to end on the default content: the whole 长沙市 site, checked page by page."""
from __future__ import annotations

import csv
from pathlib import Path

import yaml

from conftest import REPO, soup
from site_checks import every_page_problems, feed_entries, html_pages, sitemap_locations

COLUMNS = {"changsha": "430100", "furong": "430102", "tianxin": "430103", "yuelu": "430104", "kaifu": "430105",
           "yuhua": "430111", "wangcheng": "430112", "changshaxian": "430121", "liuyang": "430181",
           "ningxiang": "430182"}
SITE = yaml.safe_load((REPO / "site.yaml").read_text(encoding="utf-8"))


def content_yaml(path: str):
    return yaml.safe_load((REPO / "content" / path).read_text(encoding="utf-8"))


def test_every_page_has_required_elements_and_working_links(default_site):
    assert every_page_problems(default_site, SITE["base_url"], SITE["base_path"]) == []


def test_home_lists_one_city_and_nine_district_columns(default_site):
    doc = soup(default_site, "index.html")
    assert doc.select_one(".city-entry")["href"] == "changsha/index.html"
    districts = [a.select_one(".entry-name").text for a in doc.select(".district-entries a")]
    assert districts == ["芙蓉区", "天心区", "岳麓区", "开福区", "雨花区", "望城区", "长沙县", "浏阳市", "宁乡市"]


def test_every_column_has_all_26_domain_catalogues_with_every_item(default_site):
    domains = [d["slug"] for d in content_yaml("domains.yaml")["domains"]]
    assert len(domains) == 26
    for column in COLUMNS:
        home = soup(default_site, f"{column}/index.html")
        assert len(home.select(".tiles a")) == 26, column
        for domain in domains:
            items = content_yaml(f"{column}/catalogue/{domain}.yaml")["items"]
            page = soup(default_site, f"{column}/{domain}/index.html")
            assert len(page.select(".catalogue-table tbody tr")) == len(items)
            for item in items:
                assert (default_site / column / domain / item["id"] / "index.html").is_file()


def test_every_record_and_policy_has_its_page(default_site):
    for column in COLUMNS:
        sources = list((REPO / "content" / column).rglob("*.md")) + list((REPO / "content" / column).rglob("*.yaml"))
        ids = set()
        for path in sources:
            if path.suffix == ".md":
                ids.add(path.stem)
            elif path.parent.name in ("records", "policies") or path.parent.parent.name == "topics":
                ids.update(r["id"] for r in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("records", []))
        assert ids, column
        for record_id in ids:
            assert (default_site / column / "info" / f"{record_id}.html").is_file(), (column, record_id)


def test_townships_are_the_real_ones_with_their_catalogues(default_site):
    rows = list(csv.DictReader((REPO / "tests/data/changsha_townships.csv").open(encoding="utf-8")))
    by_district = {}
    for row in rows:
        by_district.setdefault(row["district_adcode"], set()).add(row["name"])
    for column, adcode in COLUMNS.items():
        if column == "changsha":
            continue
        doc = soup(default_site, f"{column}/town/index.html")
        assert {a.text for a in doc.select(".town-links a")} == by_district[adcode], column


def test_township_catalogue_is_the_district_minus_exclusions(default_site):
    towns = content_yaml("furong/townships.yaml")["townships"]
    street = next(t for t in towns if t["name"].endswith("街道"))
    doc = soup(default_site, f"furong/town/{street['slug']}/index.html")
    shown = {a.select_one(".tile-name").text for a in doc.select(".tiles a")}
    assert "涉农补贴" not in shown and "社会救助" in shown
    assert len(shown) == 26 - len(street["exclude_domains"])
    assert not (default_site / f"furong/town/{street['slug']}/shenong-butie.html").exists()
    domain_of = {i["id"]: p.stem for p in (REPO / "content/furong/catalogue").glob("*.yaml")
                 for i in content_yaml(f"furong/catalogue/{p.name}")["items"]}
    town, excluded = next((t, item) for t in towns for item in t.get("exclude_items", [])
                          if domain_of[item] not in t.get("exclude_domains", []))
    town_page = soup(default_site, f"furong/town/{town['slug']}/{domain_of[excluded]}.html")
    assert town_page.select(".catalogue-table tbody tr")                   # the domain is kept …
    assert not town_page.select(f"#item-{excluded}")                       # … without the excluded item
    assert soup(default_site, f"furong/{domain_of[excluded]}/index.html").select(f"#item-{excluded}")


def test_policy_library_covers_every_validity_state(default_site):
    for state in ("youxiao", "shixiao", "feizhi", "xiugai"):
        doc = soup(default_site, f"yuelu/policies/{state}/index.html")
        assert doc.select(".policy-table tbody tr")


def test_feeds_and_sitemap(default_site):
    for column in COLUMNS:
        entries = feed_entries(default_site, f"{column}/feed.xml")
        assert 10 <= len(entries) <= 50
    pages = {p for p in html_pages(default_site) if p != "404.html"}
    assert len(sitemap_locations(default_site)) == len(pages)


def test_thematic_column(default_site):
    doc = soup(default_site, "changsha/topics/yiqing/index.html")
    assert [h.text for h in doc.select(".topic-grid h2")] == ["疫情通报", "防控动态", "通知公告", "健康科普"]


def test_each_district_has_its_own_banner(default_site):
    seen = set()
    for column in COLUMNS:
        banner = soup(default_site, f"{column}/index.html").select_one(".banner img")
        path = (default_site / column / banner["src"]).resolve()
        assert path.is_file() and path.parent.parent.name == column
        seen.add(path.read_bytes())
    assert len(seen) == 10
