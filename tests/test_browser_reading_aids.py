"""Reading aids a citizen clicks, in real headless Chromium: font size that persists, print, back."""
from __future__ import annotations


def font_px(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.querySelector('.record-body')).fontSize)")


def test_font_size_switch_persists_across_pages(page, default_site_url):
    page.goto(default_site_url + "yuelu/info/index.html")
    first = page.locator(".record-list a").first
    first.click()
    page.wait_for_load_state()
    medium = font_px(page)
    page.get_by_role("button", name="大").click()
    assert font_px(page) > medium * 1.2
    assert page.get_by_role("button", name="大").get_attribute("aria-pressed") == "true"
    page.goto(default_site_url + "changsha/index.html")           # another page, another column
    assert page.evaluate("document.documentElement.dataset.font") == "large"
    page.go_back()
    assert font_px(page) > medium * 1.2
    page.get_by_role("button", name="小").click()
    assert font_px(page) < medium


def test_print_button_opens_print_and_print_view_hides_navigation(page, default_site_url):
    page.goto(default_site_url + "yuelu/info/index.html")
    page.locator(".record-list a").first.click()
    page.wait_for_load_state()
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    assert not page.locator(".column-nav").is_visible()
    assert page.locator(".record-body").is_visible()


def test_back_button_returns_to_the_previous_page(page, default_site_url):
    page.goto(default_site_url + "yuelu/index.html")
    page.locator(".tiles a").first.click()
    page.wait_for_load_state()
    page.get_by_role("button", name="返回").click()
    page.wait_for_url(default_site_url + "yuelu/index.html")


def test_pages_work_without_javascript(browser, default_site_url):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(default_site_url + "index.html")
    tab.get_by_role("link", name="岳麓区").first.click()
    tab.wait_for_url("**/yuelu/index.html")
    tab.get_by_role("link", name="文件库").first.click()
    tab.get_by_role("link", name="废止（1）").click()
    assert "废止" in tab.locator("h1").inner_text()
    assert not tab.locator("[data-tools]").is_visible()          # JS-only buttons stay hidden
    context.close()
