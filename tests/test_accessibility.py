"""Accessibility of one page of each type of the default site: axe-core (installed from the npm
registry into .tools/ by `scripts/setup.sh --test`) in headless Chromium, zero serious or critical
violations; also with the large font switched on and in the print view."""
from __future__ import annotations

import pytest

from conftest import REPO

AXE = REPO / ".tools" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def page_types(site) -> dict[str, str]:
    """One built page of each type; the search page once the site has one."""
    town = sorted(p.name for p in (site / "yuelu" / "town").iterdir() if p.is_dir())[0]
    record = sorted((site / "yuelu" / "info").glob("*-*.html"))[0].name
    pages = {
        "front page": "index.html", "column home": "yuelu/index.html",
        "catalogue": "yuelu/anquan-shengchan/index.html", "item": "yuelu/anquan-shengchan/aqsc-01/index.html",
        "record": f"yuelu/info/{record}", "township": f"yuelu/town/{town}/index.html",
        "policy library": "yuelu/policies/index.html", "topic": "changsha/topics/yiqing/index.html",
        "404": "404.html",
        "document with its 政策解读": "changsha/info/zc-2024-006.html",
        "图解": "changsha/info/jd-2024-006-tujie.html", "文件库 有解读": "changsha/policies/jiedu/index.html",
    }
    search = sorted(site.glob("search*.html")) + sorted(site.glob("search/index.html"))
    if search:
        pages["search"] = search[0].relative_to(site).as_posix()
    return pages


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
            for v in result["violations"] if v["impact"] in BLOCKING]


@pytest.fixture(scope="module")
def axe_ready():
    if not AXE.is_file():
        pytest.fail(f"axe-core is not installed at {AXE}: run `bash scripts/setup.sh --test`")


@pytest.mark.parametrize("width", [390, 1280])
def test_each_page_type_has_no_serious_axe_violations(axe_ready, browser, default_site, default_site_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    problems = {}
    for kind, path in page_types(default_site).items():
        tab.goto(default_site_url + path)
        if found := axe_violations(tab):
            problems[f"{kind} {path}"] = found
    context.close()
    assert problems == {}


def test_record_page_with_large_font_and_in_print_view(axe_ready, page, default_site, default_site_url):
    page.goto(default_site_url + page_types(default_site)["record"])
    page.get_by_role("button", name="大").click()
    assert page.evaluate("document.documentElement.dataset.font") == "large"
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    assert not page.locator(".tools").is_visible() and not page.locator(".breadcrumb").is_visible()
    assert page.locator("h1").is_visible() and page.locator(".meta-table").is_visible()
    assert axe_violations(page) == []
