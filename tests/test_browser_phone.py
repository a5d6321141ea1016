"""Pages as a citizen sees them, measured in Chromium: on a 390×844 phone the header, banner and
menu leave room for the page itself, a record opened from its QR code shows its title and the start
of its body on the first screen, the 26 domains sit in two columns; on a 1366 px desktop the
standard catalogue's 14 columns fit their box; the banner spans wide screens without a seam."""
from __future__ import annotations

import pytest

from conftest import soup

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def a_record(default_site) -> str:
    return sorted((default_site / "furong" / "info").glob("aqsc-*.html"))[0].relative_to(default_site).as_posix()


def top(page, selector: str) -> float:
    return page.evaluate(f"document.querySelector({selector!r}).getBoundingClientRect().top + scrollY")


def test_record_title_and_body_start_on_the_first_phone_screen(phone, default_site, default_site_url):
    phone.goto(default_site_url + a_record(default_site))
    assert top(phone, ".record-title") < PHONE["height"] / 2
    first_line = phone.evaluate("""(() => { const r = document.createRange();
        const p = document.querySelector('.record-body > *'); r.selectNodeContents(p);
        return r.getClientRects()[0].bottom + scrollY; })()""")
    assert first_line < PHONE["height"]


def test_column_home_header_takes_at_most_40_percent_and_names_the_column_once(phone, default_site, default_site_url):
    phone.goto(default_site_url + "furong/index.html")
    header_bottom = phone.evaluate("document.querySelector('.site-header').getBoundingClientRect().bottom")
    assert header_bottom <= 0.3 * PHONE["height"]      # the issue asks 40%; we keep room to spare
    visible_names = phone.evaluate("""[...document.querySelectorAll('h1, .lead, .banner img, .site-name')]
        .filter(e => e.getBoundingClientRect().top < innerHeight && e.getBoundingClientRect().width > 1
                     && (e.alt || e.textContent).includes('芙蓉区基层政务公开专栏')).length""")
    assert visible_names == 1                      # the banner; the heading is for screen readers
    assert phone.locator("h1").count() == 1


def test_domain_tiles_in_two_columns_on_a_phone(phone, default_site_url):
    phone.goto(default_site_url + "furong/index.html")
    lefts = phone.evaluate("[...new Set([...document.querySelectorAll('.tiles > li')].map(li => Math.round(li.getBoundingClientRect().left)))]")
    assert len(lefts) == 2


def test_catalogue_fits_its_box_on_a_desktop(browser, default_site_url):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(default_site_url + "furong/anquan-shengchan/index.html")
    widths = page.evaluate("""(() => { const t = document.querySelector('.catalogue-table');
        return [t.scrollWidth, t.parentElement.clientWidth,
                Math.min(...[...t.querySelectorAll('thead th')].map(th => th.getBoundingClientRect().width))]; })()""")
    context.close()
    table, box, narrowest = widths
    assert table <= box and narrowest >= 36


def test_banner_spans_a_wide_screen(browser, default_site_url):
    context = browser.new_context(viewport={"width": 1920, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(default_site_url + "furong/index.html")
    width = page.evaluate("document.querySelector('.banner img').getBoundingClientRect().width")
    context.close()
    assert width == 1920


def test_record_metadata_rows_leave_no_empty_cell(default_site):
    for path in sorted((default_site / "furong" / "info").glob("*.html"))[:40]:
        page = soup(default_site, path.relative_to(default_site).as_posix())
        if page.select_one(".meta-table") is None:
            continue
        for row in page.select(".meta-table tr"):
            spans = sum(int(cell.get("colspan", 1)) for cell in row.find_all(["th", "td"]))
            assert spans == 4 and all(cell.get_text(strip=True) for cell in row.find_all(["th", "td"])), path
        h1 = page.select_one("h1.record-title")
        assert h1.find_next("table", class_="meta-table") is not None      # the title comes first
