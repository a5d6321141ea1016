"""End to end on the small test site: build it, then read the pages as a browser would get them."""
from __future__ import annotations

from conftest import soup
from site_checks import every_page_problems, feed_entries, html_pages, sitemap_locations

BASE_URL, BASE_PATH = "https://www.example.gov.cn", "/gk/"


def test_every_page_has_required_elements_and_working_links(basic_site):
    assert every_page_problems(basic_site, BASE_URL, BASE_PATH) == []


def test_site_home_lists_the_city_and_every_district(basic_site):
    doc = soup(basic_site, "index.html")
    targets = [a["href"] for a in doc.select(".column-entries a")]
    assert targets == ["city/index.html", "east/index.html", "west/index.html"]


def test_column_home_has_banner_tiles_latest_and_townships(basic_site):
    doc = soup(basic_site, "east/index.html")
    banner = doc.select_one(".banner img")
    assert banner["src"] == "static/banner.svg" and banner["alt"]
    assert [t.select_one(".tile-name").text for t in doc.select(".tiles a")] == ["征地补偿", "社会救助"]
    latest = [a.text for a in doc.select(".latest .record-list a")]
    assert latest[0] == "南街街道2026年10月低保新增对象公示" and len(latest) == 3   # page_size 3
    assert [a.text for a in doc.select(".town-links a")] == ["南街街道", "北乡镇"]
    assert doc.find("meta", attrs={"name": "ColumnName"})["content"] == "东区基层政务公开专栏"
    for name in ("ColumnDescription", "ColumnKeywords", "ColumnType"):
        assert doc.find("meta", attrs={"name": name})["content"]


def test_catalogue_table_has_every_standard_element(basic_site):
    doc = soup(basic_site, "east/shehui-jiuzhu/index.html")
    headers = [th.text for th in doc.select("thead th")]
    for element in ("一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
                    "公开对象", "公开方式", "公开层级", "事项类型", "对应政务服务事项"):
        assert element in headers
    rows = doc.select("tbody tr")
    assert len(rows) == 2
    cells = {td["data-label"]: td.get_text(strip=True) for td in rows[0].find_all(["td", "th"])}
    assert cells["公开方式"] == "主动" and cells["事项类型"] == "政务服务事项"
    assert cells["公开层级"] == "区县级、乡镇级"


def test_service_item_has_wo_yao_ban_to_the_service_platform(basic_site):
    doc = soup(basic_site, "east/shehui-jiuzhu/dibao-zhinan/index.html")
    button = doc.select_one(".service-box a.button-primary")
    assert button["href"] == "https://zwfw.example.gov.cn/onething/430102/dibao"
    assert "我要办" in button.text
    assert "我要看" in doc.select_one("#guide-title").text
    assert not soup(basic_site, "east/shehui-jiuzhu/dibao-duixiang/index.html").select(".service-box")


def test_item_records_paginate(basic_site):
    first = soup(basic_site, "east/zhengdi-buchang/zdbc-fangan/index.html")
    second = soup(basic_site, "east/zhengdi-buchang/zdbc-fangan/page-2.html")
    assert len(first.select(".record-list li")) == 3 and len(second.select(".record-list li")) == 1
    assert first.select_one("a[rel=next]")["href"] == "page-2.html"
    assert second.select_one("a[rel=prev]")["href"] == "index.html"


def test_record_page_header_body_attachments(basic_site):
    doc = soup(basic_site, "east/info/dibao-2026-q3.html")
    meta = {th.text: th.find_next_sibling("td").get_text(strip=True) for th in doc.select(".meta-table th")}
    assert meta["发布机构"] == "东区民政局" and meta["文号"] == "东民〔2026〕8号"
    assert meta["成文日期"] == "2026-10-08" and meta["发布日期"] == "2026-10-10"
    assert meta["索引号"].startswith("430102/2026-")
    assert meta["主题分类"] == "民政、扶贫、救灾"
    assert doc.find("meta", attrs={"name": "ArticleTitle"})["content"] == "东区2026年第三季度城乡低保对象公示"
    assert doc.find("meta", attrs={"name": "PubDate"})["content"].startswith("2026-10-10")
    assert doc.find("meta", attrs={"name": "ContentSource"})["content"] == "东区民政局"
    body = doc.select_one(".record-body")
    assert body.find("table") and body.find("img")["alt"] == "现场照片"
    assert not doc.find_all("script", src=False) or all("alert" not in s.text for s in doc.find_all("script"))
    assert "onclick" not in str(body) and "javascript:" not in str(body)
    links = [a["href"] for a in doc.select(".attachments a")]
    assert links == ["../files/dibao-q3.csv", "https://www.example.gov.cn/jd/1.html"]
    tools = doc.select_one("[data-tools]")
    assert {b.text for b in tools.find_all("button")} >= {"大", "中", "小", "打印", "返回"}


def test_generated_index_number_is_stable(basic_site, tmp_path):
    from conftest import BASIC, build_into
    build_into(BASIC, tmp_path / "again")
    again = soup(tmp_path / "again", "east/info/dibao-2026-q3.html").select_one(".meta-table td").text
    assert again == soup(basic_site, "east/info/dibao-2026-q3.html").select_one(".meta-table td").text


def test_township_catalogue_is_district_minus_exclusions(basic_site):
    nanjie = soup(basic_site, "east/town/nanjie/index.html")
    assert [a.select_one(".tile-name").text for a in nanjie.select(".tiles a")] == ["社会救助"]
    assert "征地补偿" in nanjie.select_one(".note").text
    assert [a.text for a in nanjie.select(".record-list a")] == ["南街街道2026年10月低保新增对象公示"]
    beixiang = soup(basic_site, "east/town/beixiang/shehui-jiuzhu.html")
    assert [th.get_text(strip=True) for th in beixiang.select("tbody th")] == ["办事指南"]  # dibao-duixiang excluded
    assert not (basic_site / "east/town/nanjie/zhengdi-buchang.html").exists()


def test_policy_library_filters_by_validity_without_javascript(basic_site):
    everything = soup(basic_site, "city/policies/index.html")
    assert len(everything.select(".policy-table tbody tr")) == 3
    abolished = soup(basic_site, "city/policies/feizhi/index.html")
    rows = abolished.select(".policy-table tbody tr")
    assert len(rows) == 1 and "实施细则" in rows[0].text
    filters = {a.text: a["href"] for a in everything.select(".filter a")}
    assert filters["废止（1）"] == "feizhi/index.html"
    assert not (basic_site / "city/policies/xiugai").exists()      # no blank page for an empty state
    old = soup(basic_site, "city/info/zc-2020-007.html")
    assert old.select_one(".notice a")["href"] == "zc-2026-001.html"


def test_thematic_column_and_sub_columns(basic_site):
    topic = soup(basic_site, "city/topics/yiqing/index.html")
    assert [h.text for h in topic.select(".topic-grid h2")] == ["疫情通报", "健康科普"]
    sub = soup(basic_site, "city/topics/yiqing/tongbao/index.html")
    assert [a.text for a in sub.select(".record-list a")] == ["测试市疫情防控工作通报"]


def test_feeds_are_atom_with_absolute_links(basic_site):
    entries = feed_entries(basic_site, "east/feed.xml")
    assert len(entries) == 7
    link = entries[0].find("{http://www.w3.org/2005/Atom}link").get("href")
    assert link == "https://www.example.gov.cn/gk/east/info/nanjie-dibao-2026-10.html"


def test_sitemap_lists_every_page_but_404(basic_site):
    pages = {p for p in html_pages(basic_site) if p != "404.html"}
    expected = {"https://www.example.gov.cn/gk/" + p.removesuffix("index.html") for p in pages}
    assert sitemap_locations(basic_site) == expected


def test_404_uses_links_rooted_at_the_sub_path(basic_site):
    doc = soup(basic_site, "404.html")
    assert doc.select_one("link[rel=stylesheet]")["href"] == "/gk/static/site.css"
    assert "/gk/index.html" in [a["href"] for a in doc.find_all("a")]


def test_district_override_changes_only_that_district(basic_site):
    west = soup(basic_site, "west/info/west-dibao-2026.html")
    assert west.select_one(".west-override")
    assert west.select_one(".meta-table")                      # extends the theme's record page
    for page in ("east/info/dibao-2026-q3.html", "city/info/city-zdbc-2026.html"):
        assert not soup(basic_site, page).select_one(".west-override")
    assert not soup(basic_site, "west/index.html").select_one(".west-override")


def test_district_colours_and_static_override(basic_site, tmp_path, site_copy):
    from conftest import build_into
    (site_copy / "districts/west/static/site.css").write_text("body{background:#eee}", encoding="utf-8")
    build_into(site_copy, tmp_path / "out")
    west = soup(tmp_path / "out", "west/index.html")
    east = soup(tmp_path / "out", "east/index.html")
    assert west.select_one("link[rel=stylesheet]")["href"] == "static/site.css"        # west/static/site.css
    assert east.select_one("link[rel=stylesheet]")["href"] == "../static/site.css"     # the shared theme
    assert "--primary:#2e7d32" in west.find("style").text


def test_the_page_checks_catch_broken_pages(basic_site, tmp_path):
    import shutil
    copy = tmp_path / "copy"
    shutil.copytree(basic_site, copy)
    page = copy / "east/index.html"
    html = page.read_text(encoding="utf-8")
    html = html.replace('lang="zh-CN"', 'lang="en"').replace("网站标识码", "").replace(
        'href="../static/site.css"', 'href="../static/missing.css"')
    page.write_text(html, encoding="utf-8")
    problems = every_page_problems(copy, BASE_URL, BASE_PATH)
    assert "east/index.html: lang is not zh-CN" in problems
    assert "east/index.html: footer lacks 网站标识码" in problems
    assert "east/index.html: broken link ../static/missing.css" in problems


def test_a_column_can_choose_another_theme_that_replaces_only_some_files(site_copy, tmp_path):
    from conftest import REPO, build_into
    from generator.paths import ProjectPaths
    from generator.pipeline import build
    import shutil
    themes = tmp_path / "themes"
    shutil.copytree(REPO / "themes", themes)
    (themes / "dark/templates").mkdir(parents=True)
    (themes / "dark/static").mkdir()
    (themes / "dark/templates/column.html").write_text(
        '{% extends "default/column.html" %}{% block content %}<p class="dark-theme">深色主题</p>{{ super() }}{% endblock %}',
        encoding="utf-8")
    (themes / "dark/static/site.css").write_text("body{background:#111}", encoding="utf-8")
    config = site_copy / "districts/east/column.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("banner:", "theme: dark\nbanner:"), encoding="utf-8")
    build(ProjectPaths.at(site_copy, tmp_path / "out", themes), log=lambda _m: None)
    east = soup(tmp_path / "out", "east/index.html")
    assert east.select_one(".dark-theme") and east.select_one(".tiles")        # theme file extends the default
    assert east.select_one("link[rel=stylesheet]")["href"] == "static/site.css"
    assert (tmp_path / "out/east/static/site.css").read_text() == "body{background:#111}"
    assert soup(tmp_path / "out", "east/shehui-jiuzhu/index.html").select_one(".catalogue-table")  # default template
    assert not soup(tmp_path / "out", "west/index.html").select_one(".dark-theme")
