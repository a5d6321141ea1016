"""The front-page city map, drawn twice from the same shapes: an inline SVG made at build time
(works without JavaScript) and a folium/Leaflet map embedded in our own page. Only folium's map
div and script are used; its header (CDN links, full-page styles, no-zoom viewport) is dropped."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Callable

from markupsafe import Markup, escape

from . import urls
from .citygeo import CityMap, DistrictShape

SVG_WIDTH = 1000
CALLOUT_ROOM = 1.15                    # the live map is this much taller than the city, for names placed around
SMALL_LABEL = 18                       # SVG units: smaller labels are hidden on phones (see citymap.css)
MAP_ID = "citymap"                     # folium element ids, fixed so builds are reproducible
# leaflet.js names its source map in its last line: shipped too, so no address on the site is missing
LEAFLET_FILES = ("leaflet.js", "leaflet.js.map", "leaflet.css", "images/layers.png", "images/layers-2x.png",
                 "images/marker-icon.png", "images/marker-icon-2x.png", "images/marker-shadow.png")
Link = Callable[[str], str]


# --- projection (Web Mercator, like the Leaflet map) -------------------------------------

def mercator(lon: float, lat: float) -> tuple[float, float]:
    return lon, math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def svg_frame(citymap: CityMap) -> tuple[float, float, float, float]:
    """(left, top, scale, height): maps projected degrees to SVG units, SVG_WIDTH wide."""
    (south, west), (north, east) = citymap.bounds
    left, bottom = mercator(west, south)
    right, top = mercator(east, north)
    scale = SVG_WIDTH / (right - left)
    return left, top, scale, (top - bottom) * scale


def project(citymap: CityMap, lon: float, lat: float) -> tuple[float, float]:
    """A (lon, lat) point in the SVG's viewBox units."""
    left, top, scale, _ = svg_frame(citymap)
    x, y = mercator(lon, lat)
    return round((x - left) * scale, 1), round((top - y) * scale, 1)


# --- the SVG map ------------------------------------------------------------------------

def svg_map(citymap: CityMap, link: Link) -> Markup:
    height = svg_frame(citymap)[3]
    parts = [f'<svg class="citymap-svg" viewBox="0 0 {SVG_WIDTH} {height:.0f}" '
             f'role="group" aria-label="地图：点击区县进入专栏" xmlns="http://www.w3.org/2000/svg">']
    parts += [svg_district(citymap, d, link) for d in citymap.districts]
    parts.append('<g class="citymap-labels" aria-hidden="true">')    # above every shape
    parts += [svg_label(citymap, d) for d in citymap.districts]
    parts.append("</g></svg>")
    return Markup("\n".join(parts))


def svg_district(citymap: CityMap, district: DistrictShape, link: Link) -> str:
    column = district.column
    return (f'<a href="{escape(link(urls.column_home(column.slug)))}" aria-label="{escape(column.name)}专栏" '
            f'data-adcode="{escape(column.adcode)}" style="--fill:{escape(column.primary)}">'
            f'<title>{escape(column.name)}</title><path d="{svg_path(citymap, district)}"/></a>')


def svg_label(citymap: CityMap, district: DistrictShape) -> str:
    x, y = project(citymap, *district.label)
    size = label_size(citymap, district)
    small = ' class="small"' if size < SMALL_LABEL else ""
    return f'<text x="{x}" y="{y}" font-size="{size}"{small}>{escape(district.column.name)}</text>'


def svg_path(citymap: CityMap, district: DistrictShape) -> str:
    rings = []
    for polygon in district.polygons:
        for ring in polygon:
            points = [project(citymap, lon, lat) for lon, lat in ring[:-1]]
            rings.append("M" + "L".join(f"{x:g} {y:g}" for x, y in points) + "Z")
    return "".join(rings)


def label_size(citymap: CityMap, district: DistrictShape) -> int:
    """Font size in SVG units: large districts get large names, the small city core smaller ones."""
    (left, top), (right, bottom) = (project(citymap, lon, lat) for lon, lat in bbox(district))
    return max(13, min(28, round(min(right - left, bottom - top) / 6)))


def bbox(district: DistrictShape) -> tuple[tuple[float, float], tuple[float, float]]:
    points = [p for polygon in district.polygons for p in polygon[0]]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return (min(lons), max(lats)), (max(lons), min(lats))


# --- the folium map ---------------------------------------------------------------------

def feature_collection(citymap: CityMap, link: Link) -> dict:
    """The shapes with what the page needs per district: name, address, colour and the point
    its name is anchored to ([lat, lon], well inside the largest part)."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": d.adcode, "geometry": d.geometry,
         "properties": {"adcode": d.adcode, "name": d.column.name, "color": d.column.primary,
                        "href": link(urls.column_home(d.column.slug)),
                        "label": [d.label[1], d.label[0]]}}
        for d in citymap.districts]}


def folium_map(citymap: CityMap, link: Link, tiles: str | None = None, attribution: str | None = None):
    import folium
    from folium.utilities import JsCode

    fmap = folium.Map(tiles=None, zoom_control=True, scrollWheelZoom=False, attributionControl=bool(tiles),
                      zoom_snap=0.1)
    fmap._id = MAP_ID
    if tiles:
        add_tiles(fmap, tiles, attribution or "")
    layer = folium.GeoJson(feature_collection(citymap, link), style_function=district_style, zoom_on_click=False,
                           on_each_feature=JsCode("jczwgkCitymap.onEachFeature"), control=False)
    layer._id = MAP_ID
    layer.add_to(fmap)
    (south, west), (north, east) = citymap.bounds
    fmap.fit_bounds([[south, west], [north, east]])
    return fmap, layer


def add_tiles(fmap, tiles: str, attribution: str) -> None:
    """The optional base map from site.yaml `map:`; off by default so nothing leaves the site."""
    import folium
    layer = folium.TileLayer(tiles=tiles, attr=attribution, name="底图")
    layer._id = MAP_ID
    layer.add_to(fmap)


def district_style(feature: dict) -> dict:
    return {"fillColor": feature["properties"]["color"], "fillOpacity": 0.45,
            "color": "#ffffff", "weight": 1.5, "opacity": 1}


def live_map(citymap: CityMap, link: Link, tiles: str | None = None, attribution: str | None = None) -> Markup:
    """folium's map div and its script only, wrapped so that a failure leaves the SVG map shown."""
    fmap, layer = folium_map(citymap, link, tiles, attribution)
    # The map's box takes the city's own shape (a tall city gets a tall map), with room for callouts
    aspect = f"{SVG_WIDTH} / {svg_frame(citymap)[3] * CALLOUT_ROOM:.0f}"
    root = fmap.get_root()
    root.render()
    script = root.script.render().replace("</", "<\\/")   # no content can close the script element
    return Markup(
        f'<div class="citymap-live" id="citymap-live" style="--map-aspect: {aspect}" hidden>{root.html.render().strip()}</div>\n'
        "<script>\n(function () {\n"
        '  var live = document.getElementById("citymap-live");\n'
        "  if (!window.L || !window.jczwgkCitymap) { return; }\n"
        "  live.hidden = false;\n"
        f"  try {{\n{script}\n"
        f"    jczwgkCitymap.ready({fmap.get_name()}, {layer.get_name()});\n"
        "  } catch (e) { live.hidden = true; }\n"
        "}());\n</script>")


def leaflet_files() -> list[tuple[str, Path]]:
    """(name under static/leaflet/, source file) of the Leaflet build shipped by xstatic-leaflet."""
    import xstatic.pkg.leaflet as leaflet
    return [(name, Path(leaflet.BASE_DIR) / name) for name in LEAFLET_FILES]
