"""The map entry point in real headless Chromium: a click inside 岳麓区 on the Leaflet map (and,
without JavaScript, on the SVG map) opens its column; nothing is requested from outside
127.0.0.1; the map fits a phone; keyboard users reach and open a district."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

shapely = pytest.importorskip("shapely")
from shapely.ops import polylabel  # noqa: E402

from generator import citymap as citymap_module  # noqa: E402
from generator.paths import ProjectPaths  # noqa: E402
from generator.session import read_site  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
YUELU = "430104"


@pytest.fixture(scope="module")
def yuelu_point() -> tuple[float, float]:
    """(lon, lat) of a point well inside 岳麓区, from the committed geometry."""
    collection = json.loads((REPO / "content" / "map" / "430100.geojson").read_text(encoding="utf-8"))
    feature = next(f for f in collection["features"] if f["properties"]["adcode"] == YUELU)
    shape = shapely.from_geojson(json.dumps(feature["geometry"]))
    largest = max(getattr(shape, "geoms", [shape]), key=lambda g: g.area)
    point = polylabel(largest, 1e-4)
    return point.x, point.y


def open_home(page, url: str) -> list[str]:
    """Open the front page and return every address the page requested while loading."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url + "index.html")
    page.wait_for_load_state("networkidle")
    return requests


def assert_local_only(requests: list[str]) -> None:
    outside = [u for u in requests if not u.startswith("http://127.0.0.1:")]
    assert requests and not outside, f"requests leaving the site: {outside}"


def leaflet_point(page, point: tuple[float, float]) -> tuple[float, float]:
    """Where (lon, lat) is on screen, asked of the Leaflet map itself."""
    return page.evaluate("""([lon, lat]) => {
        citymap.getContainer().scrollIntoView({block: "center"});
        const p = citymap.latLngToContainerPoint([lat, lon]);
        const box = citymap.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }""", list(point))


def assert_no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_click_district_on_leaflet_map(page, default_site_url, yuelu_point):
    requests = open_home(page, default_site_url)
    assert_local_only(requests)
    assert any(u.endswith("/static/leaflet/leaflet.js") for u in requests)
    page.wait_for_function("window.citymap !== undefined")
    assert page.locator("#citymap-svg").is_hidden()
    assert_no_horizontal_scroll(page)
    x, y = leaflet_point(page, yuelu_point)
    page.mouse.click(x, y)
    page.wait_for_url("**/yuelu/index.html")


def test_page_zoom_and_scroll_stay_free(page, default_site_url):
    open_home(page, default_site_url)
    page.wait_for_function("window.citymap !== undefined")
    viewport = page.locator('meta[name="viewport"]').get_attribute("content")
    assert "user-scalable" not in viewport and "maximum-scale" not in viewport
    assert page.locator('meta[name="viewport"]').count() == 1
    assert page.evaluate("citymap.scrollWheelZoom.enabled()") is False


def test_keyboard_reaches_and_opens_district_on_leaflet_map(page, default_site_url):
    open_home(page, default_site_url)
    page.wait_for_function("window.citymap !== undefined")
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate("[document.activeElement.tagName, document.activeElement.getAttribute('aria-label')]")
        if focused[1] == "岳麓区专栏":
            break
    assert focused == ["path", "岳麓区专栏"]
    page.keyboard.press("Enter")
    page.wait_for_url("**/yuelu/index.html")


@pytest.fixture
def page_without_js(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", java_script_enabled=False)
    tab = context.new_page()
    yield tab
    context.close()


def test_click_district_on_svg_map_without_javascript(page_without_js, default_site_url, yuelu_point):
    page = page_without_js
    requests = open_home(page, default_site_url)
    assert_local_only(requests)
    assert page.locator("#citymap-live").is_hidden()
    assert_no_horizontal_scroll(page)
    site, _ = read_site(ProjectPaths.at(REPO))
    px, py = citymap_module.project(site.citymap, *yuelu_point)
    svg = page.locator("svg.citymap-svg")
    svg.scroll_into_view_if_needed()
    box = svg.bounding_box()
    width = float(svg.get_attribute("viewBox").split()[2])
    scale = box["width"] / width
    page.mouse.click(box["x"] + px * scale, box["y"] + py * scale)
    page.wait_for_url("**/yuelu/index.html")


def test_keyboard_opens_district_on_svg_map_without_javascript(page_without_js, default_site_url):
    page = page_without_js
    open_home(page, default_site_url)
    page.locator('svg.citymap-svg a[aria-label="岳麓区专栏"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/yuelu/index.html")


def test_tap_district_on_phone(browser, default_site_url, yuelu_point):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                  has_touch=True, is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    try:
        assert_local_only(open_home(page, default_site_url))
        page.wait_for_function("window.citymap !== undefined")
        assert_no_horizontal_scroll(page)
        assert page.evaluate("citymap.dragging.enabled()") is False     # one finger scrolls the page
        x, y = leaflet_point(page, yuelu_point)
        page.touchscreen.tap(x, y)
        page.wait_for_url("**/yuelu/index.html")
    finally:
        context.close()


NAMES = """() => {
    const map = citymap.getContainer().getBoundingClientRect();
    return [...document.querySelectorAll(".citymap-names .district-chip")].map(chip => {
        const r = chip.getBoundingClientRect();
        return {name: chip.textContent, href: chip.href, adcode: chip.dataset.adcode,
                left: r.left - map.left, top: r.top - map.top, right: r.right - map.left,
                bottom: r.bottom - map.top, mapWidth: map.width, mapHeight: map.height,
                shown: getComputedStyle(chip).visibility === "visible" && chip.offsetParent !== null};
    });
}"""


def district_names(page) -> list[dict]:
    page.wait_for_function("window.citymap !== undefined")
    page.locator(".citymap").scroll_into_view_if_needed()
    return page.evaluate(NAMES)


def overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def assert_every_district_named(names: list[dict], site) -> None:
    """WCAG 2.2 2.5.8: each district's name is on screen, inside the map, a target of 24×24 px
    or more that covers no other name."""
    assert sorted(n["adcode"] for n in names) == sorted(d.adcode for d in site.citymap.districts)
    for n in names:
        assert n["shown"], n
        assert n["right"] - n["left"] >= 24 and n["bottom"] - n["top"] >= 24, n
        assert n["left"] >= 0 and n["top"] >= 0 and n["right"] <= n["mapWidth"] and n["bottom"] <= n["mapHeight"], n
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not overlap(a, b), (a["name"], b["name"])


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 900}],
                         ids=["phone", "desktop"])
def test_every_district_is_named_and_tappable(browser, default_site_url, viewport):
    site, _ = read_site(ProjectPaths.at(REPO))
    phone = viewport["width"] < 600
    context = browser.new_context(viewport=viewport, locale="zh-CN", has_touch=phone, is_mobile=phone)
    page = context.new_page()
    try:
        open_home(page, default_site_url)
        names = district_names(page)
        assert_every_district_named(names, site)
        expected = {d.adcode: d.column.slug for d in site.citymap.districts}
        for name in names:                         # a tap on each name opens that district's column
            page.goto(default_site_url + "index.html")
            district_names(page)
            chip = page.locator(f'.district-chip[data-adcode="{name["adcode"]}"]')
            box = chip.bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            (page.touchscreen.tap if phone else page.mouse.click)(x, y)
            page.wait_for_url(f"**/{expected[name['adcode']]}/index.html")
    finally:
        context.close()


def test_names_are_placed_again_after_zooming(page, default_site_url):
    site, _ = read_site(ProjectPaths.at(REPO))
    open_home(page, default_site_url)
    district_names(page)
    page.evaluate("citymap.setZoom(citymap.getZoom() - 0.5, {animate: false})")
    page.wait_for_function("!document.querySelector('.citymap-names').hidden")
    assert_every_district_named(page.evaluate(NAMES), site)
