"""The site served from a sub-path (/jczwgk/), as site.yaml's base_path says, clicked through in Chromium."""
from __future__ import annotations

import pytest

from conftest import serve


@pytest.fixture(scope="module")
def subpath_url(default_site, tmp_path_factory):
    parent = tmp_path_factory.mktemp("webroot")
    (parent / "jczwgk").symlink_to(default_site, target_is_directory=True)
    server, url = serve(parent)
    yield url + "jczwgk/"
    server.shutdown()


def test_click_through_from_home_to_a_record_under_a_sub_path(page, subpath_url):
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(subpath_url + "index.html")
    page.locator(".district-entries").get_by_role("link", name="岳麓区").click()
    page.wait_for_url(subpath_url + "yuelu/index.html")
    page.locator(".tiles a", has_text="社会救助").click()
    page.wait_for_url(subpath_url + "yuelu/shehui-jiuzhu/index.html")
    page.locator(".catalogue-table tbody th a").first.click()
    page.wait_for_url("**/yuelu/shehui-jiuzhu/*/index.html")
    page.locator(".breadcrumb a", has_text="岳麓区").click()
    page.wait_for_url(subpath_url + "yuelu/index.html")
    page.locator(".latest .record-list a").first.click()
    page.wait_for_url("**/yuelu/info/*.html")
    assert page.locator(".meta-table").is_visible()
    # the stylesheet arrived: the top bar has the column's colour, not the browser default
    assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor") == "rgb(46, 125, 50)"
    assert failed == []
