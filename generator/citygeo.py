"""The city map's GeoJSON (content/map/<city adcode>.geojson) → validated district shapes, each
matched by adcode to its district column. A district without a shape, or a shape without a
district, is a content error."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ErrorList
from .load import Document
from .model import ColumnConfig

Ring = tuple[tuple[float, float], ...]     # (lon, lat) points, closed
Polygon = tuple[Ring, ...]                  # outer ring, then holes
RERUN = "re-run `python build.py map-data <city adcode>`"


@dataclass(frozen=True)
class DistrictShape:
    column: ColumnConfig
    polygons: tuple[Polygon, ...]
    label: tuple[float, float]                       # (lon, lat) of a point well inside
    geometry: dict = field(compare=False, hash=False)  # the GeoJSON geometry as read

    @property
    def adcode(self) -> str:
        return self.column.adcode


@dataclass(frozen=True)
class CityMap:
    path: str                  # project-relative, for messages
    source: str
    license: str
    datum: str
    districts: tuple[DistrictShape, ...]

    @property
    def source_name(self) -> str:
        """The source without its address, for the note under the map."""
        return self.source.split(" (")[0]

    @property
    def bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """((south, west), (north, east)) in degrees."""
        points = [p for d in self.districts for poly in d.polygons for p in poly[0]]
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        return (min(lats), min(lons)), (max(lats), max(lons))


def read_city_map(doc: Document | None, key: str, columns: tuple[ColumnConfig, ...],
                  errors: ErrorList) -> CityMap | None:
    """The city map from its file (content/map/<city adcode>.geojson), or None without one."""
    if doc is None:
        return None
    shapes = feature_shapes(doc, errors)
    if shapes is None:
        return None
    districts = tuple(c for c in columns if not c.is_city)
    matched = match_districts(doc.path, shapes, districts, errors)
    meta = doc.data.get("properties") or {}
    return CityMap(key, str(meta.get("source", "")), str(meta.get("license", "")),
                   str(meta.get("datum", "")), matched)


def feature_shapes(doc: Document, errors: ErrorList) -> dict[str, tuple[dict, dict]] | None:
    """adcode → (properties, geometry) of each well-formed feature."""
    data = doc.data
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
            or not isinstance(data.get("features"), list):
        errors.add(doc.path, None, "not a GeoJSON FeatureCollection", f"the file written by {RERUN}")
        return None
    shapes: dict[str, tuple[dict, dict]] = {}
    for number, feature in enumerate(data["features"], 1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        adcode = str(props.get("adcode", "")) if isinstance(props, dict) else ""
        if not adcode or polygons_of(geometry) is None:
            errors.add(doc.path, None, f"feature {number} has no adcode or no polygon geometry",
                       "properties.adcode and a Polygon or MultiPolygon geometry")
        elif adcode in shapes:
            errors.add(doc.path, None, f"feature {number}: adcode {adcode} appears more than once",
                       "one feature per district")
        else:
            shapes[adcode] = (props, geometry)
    return shapes


def match_districts(path: Path, shapes: dict, districts: tuple[ColumnConfig, ...],
                    errors: ErrorList) -> tuple[DistrictShape, ...]:
    by_adcode = {c.adcode: c for c in districts}
    for column in districts:
        if column.adcode not in shapes:
            errors.add(f"{column.folder}/column.yaml", None,
                       f"district '{column.name}' (adcode {column.adcode}) has no shape in the city map "
                       f"{errors.display(path)}", f"a feature with properties.adcode \"{column.adcode}\" ({RERUN})")
    for adcode, (props, _) in shapes.items():
        if adcode not in by_adcode:
            errors.add(path, None, f"map feature '{props.get('name', '')}' (adcode {adcode}) matches no district column",
                       f"a districts/<slug>/column.yaml with level: district and adcode: \"{adcode}\"")
    return tuple(district_shape(by_adcode[code], *shapes[code]) for code in sorted(shapes) if code in by_adcode)


def district_shape(column: ColumnConfig, props: dict, geometry: dict) -> DistrictShape:
    polygons = polygons_of(geometry) or ()
    label = props.get("label")
    if not (isinstance(label, list) and len(label) == 2):
        label = centroid(max(polygons, key=lambda p: len(p[0]))[0])
    return DistrictShape(column, polygons, (float(label[0]), float(label[1])), geometry)


def polygons_of(geometry: Any) -> tuple[Polygon, ...] | None:
    """The polygons of a Polygon or MultiPolygon geometry, or None when it is anything else."""
    if not isinstance(geometry, dict):
        return None
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    try:
        if kind == "Polygon":
            return (polygon(coords),)
        if kind == "MultiPolygon":
            return tuple(polygon(p) for p in coords)
    except (TypeError, ValueError, IndexError):
        return None
    return None


def polygon(coords: Any) -> Polygon:
    rings = tuple(tuple((float(x), float(y)) for x, y, *_ in ring) for ring in coords)
    if not rings or any(len(r) < 4 for r in rings):
        raise ValueError("a ring needs at least four points")
    return rings


def centroid(ring: Ring) -> tuple[float, float]:
    return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
