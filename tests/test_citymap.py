"""The front-page map: districts matched to map features by adcode, the SVG map, the embedded
folium map, and the optional tile layer from site.yaml."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import build_into, soup
from generator.errors import BuildError


def square(x: float, y: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]]}


def write_map(root: Path, adcodes: list[str]) -> Path:
    features = [{"type": "Feature", "properties": {"adcode": code, "name": code},
                 "geometry": square(112 + 0.1 * i, 28)} for i, code in enumerate(adcodes)]
    path = root / "content" / "map" / "430100.geojson"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "FeatureCollection", "properties": {"source": "测试", "license": "MIT"},
                                "features": features}), encoding="utf-8")
    return path


def build_errors(root: Path, tmp_path: Path) -> str:
    with pytest.raises(BuildError) as caught:
        build_into(root, tmp_path / "out")
    return caught.value.report()


def test_site_without_map_file_has_no_map(basic_site):
    page = soup(basic_site, "index.html")
    assert page.select_one(".citymap") is None
    assert not (basic_site / "static" / "leaflet").exists()


def test_district_without_shape_and_shape_without_district_are_errors(site_copy, tmp_path):
    write_map(site_copy, ["430102", "430199"])          # west (430104) missing, 430199 unknown
    report = build_errors(site_copy, tmp_path)
    assert "districts/west/column.yaml: district '西区' (adcode 430104) has no shape" in report
    assert "content/map/430100.geojson: map feature '430199' (adcode 430199) matches no district column" in report
    assert not (tmp_path / "out").exists()


def test_duplicate_and_broken_features_are_errors(site_copy, tmp_path):
    path = write_map(site_copy, ["430102", "430104", "430104"])
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"].append({"type": "Feature", "properties": {"adcode": "430105"}, "geometry": {"type": "Point"}})
    path.write_text(json.dumps(data), encoding="utf-8")
    report = build_errors(site_copy, tmp_path)
    assert "feature 3: adcode 430104 appears more than once" in report
    assert "feature 4 has no adcode or no polygon geometry" in report


def test_invalid_json_names_file_and_line(site_copy, tmp_path):
    path = write_map(site_copy, ["430102", "430104"])
    path.write_text('{"type": "FeatureCollection",\n "features": [}', encoding="utf-8")
    assert "content/map/430100.geojson:2: invalid JSON" in build_errors(site_copy, tmp_path)


@pytest.fixture
def mapped_site(site_copy, tmp_path) -> Path:
    write_map(site_copy, ["430102", "430104"])
    build_into(site_copy, tmp_path / "out")
    return tmp_path / "out"


def test_svg_map_links_every_district(mapped_site):
    page = soup(mapped_site, "index.html")
    links = {a["aria-label"]: a["href"] for a in page.select("svg.citymap-svg a")}
    assert links == {"东区专栏": "east/index.html", "西区专栏": "west/index.html"}
    assert page.select_one(".citymap-city")["href"] == "city/index.html"
    assert len(page.select(".district-entries a")) == 2            # the plain list stays


def test_folium_map_is_embedded_without_cdn_or_viewport_lock(mapped_site):
    html = (mapped_site / "index.html").read_text(encoding="utf-8")
    page = soup(mapped_site, "index.html")
    assert page.select_one("#citymap-live .folium-map") is not None
    assert "L.map(" in html and "jczwgkCitymap.onEachFeature" in html
    assert "cdn" not in html.lower() and "jquery" not in html.lower() and "bootstrap" not in html.lower()
    assert "user-scalable" not in html and "maximum-scale" not in html
    assert "L.tileLayer" not in html
    assert [s["src"] for s in page.select(".citymap script[src]")] == ["static/leaflet/leaflet.js", "static/citymap.js"]
    for name in ("leaflet/leaflet.js", "leaflet/leaflet.css", "citymap.js", "citymap.css"):
        assert (mapped_site / "static" / name).is_file()


def test_every_source_map_a_script_names_is_published(mapped_site):
    for script in mapped_site.rglob("*.js"):
        for line in script.read_text(encoding="utf-8").splitlines()[-3:]:
            if line.startswith("//# sourceMappingURL="):
                assert (script.parent / line.split("=", 1)[1].strip()).is_file(), script


def test_map_output_is_reproducible(site_copy, tmp_path, mapped_site):
    build_into(site_copy, tmp_path / "again")
    assert (tmp_path / "again" / "index.html").read_bytes() == (mapped_site / "index.html").read_bytes()


def test_tile_layer_is_an_option(site_copy, tmp_path):
    write_map(site_copy, ["430102", "430104"])
    site_file = site_copy / "site.yaml"
    site_file.write_text(site_file.read_text(encoding="utf-8") + "map:\n  tiles: https://tiles.example.cn/{z}/{x}/{y}.png\n"
                         "  attribution: 示例底图\n", encoding="utf-8")
    build_into(site_copy, tmp_path / "out")
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "L.tileLayer" in html and "https://tiles.example.cn/{z}/{x}/{y}.png" in html
    assert json.dumps("示例底图") in html


def test_tile_layer_needs_attribution(site_copy, tmp_path):
    site_file = site_copy / "site.yaml"
    site_file.write_text(site_file.read_text(encoding="utf-8") + "map:\n  tiles: https://tiles.example.cn/{z}/{x}/{y}.png\n",
                         encoding="utf-8")
    assert "missing 'attribution' (瓦片版权说明) in map" in build_errors(site_copy, tmp_path)
