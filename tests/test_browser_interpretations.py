"""政策解读 in headless Chromium on a phone-sized window: the 图解 gallery (with and without
JavaScript), the 原文 and 政策解读 links, the 文件库 filter, and search results that show the pair."""
from __future__ import annotations

from urllib.parse import quote

import pytest

GRAPHIC = "changsha/info/jd-2024-006-tujie.html"
DOCUMENT = "changsha/info/zc-2024-006.html"
WIDTH = 390


def images_loaded(page) -> list[dict]:
    return page.evaluate("""[...document.querySelectorAll('main .gallery img')].map(i => ({
        complete: i.complete, natural: i.naturalWidth, width: i.getBoundingClientRect().width, alt: i.alt}))""")


def in_view(page, selector: str) -> bool:
    return page.evaluate("""s => { const r = document.querySelector(s).getBoundingClientRect();
        return r.top >= -1 && r.top < window.innerHeight; }""", selector)


def test_the_graphic_gallery_shows_every_picture_and_jumps_to_each(page, default_site_url):
    page.goto(default_site_url + GRAPHIC)
    page.wait_for_load_state("load")
    images = images_loaded(page)
    assert len(images) == 3
    assert all(i["complete"] and i["natural"] > 0 and 300 < i["width"] <= WIDTH and len(i["alt"]) > 20 for i in images)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH          # nothing wider than the phone
    page.get_by_role("link", name="第 3 张").click()
    page.wait_for_url("**#tu-3")
    assert in_view(page, "#tu-3") and page.evaluate("document.querySelector('#tu-3').matches(':target')")
    page.locator("#tu-3 img").click()
    page.wait_for_url("**/changsha/files/tujie-zc-2024-006-3.svg")


@pytest.fixture
def no_script_page(browser):
    context = browser.new_context(viewport={"width": WIDTH, "height": 844}, locale="zh-CN", java_script_enabled=False)
    tab = context.new_page()
    yield tab
    context.close()


def test_the_gallery_works_without_javascript(no_script_page, default_site_url):
    page = no_script_page
    page.goto(default_site_url + "tianxin/info/jd-2026-102-tujie.html")
    page.wait_for_load_state("load")
    assert all(i["natural"] > 0 for i in images_loaded(page)) and len(images_loaded(page)) == 2
    page.get_by_role("link", name="第 2 张").click()
    page.wait_for_url("**#tu-2")
    assert in_view(page, "#tu-2")


def test_the_original_and_the_interpretation_link_each_other(page, default_site_url):
    page.goto(default_site_url + GRAPHIC)
    page.locator("main .original-link a[data-original]").click()
    page.wait_for_url("**/" + DOCUMENT)
    box = page.locator("main section.interpretations")
    assert box.is_visible() and "政策解读" in box.locator("h2").inner_text()
    assert box.locator("li").count() == 2 and "文字解读" in box.inner_text()
    box.get_by_role("link", name="一图读懂《长沙市最低生活保障审核确认实施办法》").click()
    page.wait_for_url("**/" + GRAPHIC)
    page.goto(default_site_url + "yuelu/info/jd-changsha-2025-010.html")       # a district reads the city's
    page.locator("main .original-link a[data-original]").click()
    page.wait_for_url("**/changsha/info/zc-2025-010.html")
    assert "岳麓区就业补助资金申领指引" in page.locator("main section.interpretations").inner_text()


def test_the_policy_library_filters_documents_with_an_interpretation(page, default_site_url):
    page.goto(default_site_url + "changsha/policies/index.html")
    page.locator("nav[aria-label='按政策解读筛选'] a").click()
    page.wait_for_url("**/changsha/policies/jiedu/index.html")
    rows = page.locator("table.policy-table tbody tr")
    assert rows.count() == 3
    assert all(rows.nth(n).locator("a.badge.jiedu").count() == 1 for n in range(rows.count()))
    rows.first.locator("a.badge.jiedu").click()
    page.wait_for_url("**#zcjd")
    assert in_view(page, "#zcjd")


def wait_for_results(page):
    page.wait_for_function("document.querySelector('[data-results]').dataset.shown !== undefined", timeout=30_000)


def test_search_results_show_a_document_with_its_interpretations_and_back(page, default_site_url):
    page.goto(default_site_url + "search/index.html?q=" + quote("最低生活保障审核确认实施办法") + "&"
              + quote("区县") + "=" + quote("长沙市"))
    wait_for_results(page)
    results = page.locator("[data-results] > li")
    titles = results.locator("h2").all_inner_texts()
    document = results.nth(titles.index("长沙市最低生活保障审核确认实施办法"))
    pair = document.locator(".result-pair")
    assert "政策解读" in pair.inner_text() and pair.locator("a").count() == 2
    hrefs = pair.locator("a").evaluate_all("els => els.map(e => e.href)")
    assert any(h.endswith("/" + GRAPHIC) for h in hrefs)
    graphic = results.nth(titles.index("一图读懂《长沙市最低生活保障审核确认实施办法》"))
    back = graphic.locator(".result-pair a")
    assert "原文" in graphic.locator(".result-pair").inner_text()
    back.click()
    page.wait_for_url("**/" + DOCUMENT)
    page.goto(default_site_url + "search/index.html?" + quote("政策解读") + "=" + quote("解读材料"))
    wait_for_results(page)
    shown = page.locator("[data-results] > li").count()
    assert shown >= 6 and page.locator("[data-results] .result-pair").count() == shown
    page.locator("[data-more]").click()
    page.wait_for_function(f"document.querySelector('[data-results]').childElementCount > {shown}")
    page.wait_for_function("document.querySelectorAll('[data-results] > li').length"
                           " === document.querySelectorAll('[data-results] .result-pair').length")
