/* The front-page city map (一张图): behaviour of each district on the Leaflet map made by folium.
   Each district navigates to its column on one click or tap, or on Enter when focused; it is
   highlighted on hover and focus. Every district's name is on screen as a tap target of at least
   24×24 px (WCAG 2.2, 2.5.8): at its anchor point where it fits, otherwise as a callout moved to
   free space and tied to the anchor by a leader line, so small districts in the city core are
   named and reachable on a phone too. */
(function () {
  "use strict";
  var BASE = { weight: 1.5, color: "#ffffff", fillOpacity: 0.45 };
  var HIGHLIGHT = { weight: 4, color: "#1a1a1a", fillOpacity: 0.75 };
  var GAP = 3;            // px kept free between two names, and between a name and the map's edge
  var ANCHOR = 5;         // px around another district's anchor that no name may cover
  var DIRECTIONS = 16;    // candidate directions tried around an anchor, per ring
  var RINGS = 12;         // rings of candidates, each one name-height further out
  var SVG_NS = "http://www.w3.org/2000/svg";
  var districts = [];     // {feature, layer, chip, anchor}

  // bringToFront re-inserts the path, which would drop keyboard focus: only for the pointer.
  function setActive(district, on, toFront) {
    district.layer.setStyle(on ? HIGHLIGHT : BASE);
    if (on && toFront) { district.layer.bringToFront(); }
    district.chip.classList.toggle("is-active", on);
  }

  function makeFocusable(district) {
    var el = district.layer.getElement();
    var props = district.feature.properties;
    if (!el) { return; }
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "link");
    el.setAttribute("aria-label", props.name + "专栏");
    el.addEventListener("focus", function () { setActive(district, true); });
    el.addEventListener("blur", function () { setActive(district, false); });
    el.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { window.location.href = props.href; }
    });
  }

  // The name is a second way to the same address for pointer and touch; the district's shape is
  // the one link keyboards and screen readers meet, so the name stays out of their way.
  function makeChip(props) {
    var chip = document.createElement("a");
    chip.className = "district-chip";
    chip.href = props.href;
    chip.textContent = props.name;
    chip.tabIndex = -1;
    chip.setAttribute("aria-hidden", "true");
    chip.setAttribute("data-adcode", props.adcode);
    return chip;
  }

  function onEachFeature(feature, layer) {
    var district = { feature: feature, layer: layer, chip: makeChip(feature.properties) };
    districts.push(district);
    layer.on("mouseover", function () { setActive(district, true, true); });
    layer.on("mouseout", function () { setActive(district, false); });
    layer.on("click", function () { window.location.href = feature.properties.href; });
    layer.on("add", function () { makeFocusable(district); });
    district.chip.addEventListener("mouseenter", function () { setActive(district, true, true); });
    district.chip.addEventListener("mouseleave", function () { setActive(district, false); });
  }

  // --- placing the names -------------------------------------------------------------------

  function box(x, y, w, h) { return { left: x - w / 2, top: y - h / 2, right: x + w / 2, bottom: y + h / 2 }; }

  function overlaps(a, b) {
    return a.left < b.right + GAP && b.left < a.right + GAP && a.top < b.bottom + GAP && b.top < a.bottom + GAP;
  }

  function inside(rect, size) {
    return rect.left >= GAP && rect.top >= GAP && rect.right <= size.x - GAP && rect.bottom <= size.y - GAP;
  }

  function free(rect, size, taken) {
    if (!inside(rect, size)) { return false; }
    for (var i = 0; i < taken.length; i += 1) { if (overlaps(rect, taken[i])) { return false; } }
    return true;
  }

  // The nearest free place to the anchor, ring by ring; the anchor itself only when the name
  // fits inside its own district there (otherwise it would hide the neighbours).
  function spot(district, w, h, size, taken) {
    var a = district.anchor;
    if (district.fits && free(box(a.x, a.y, w, h), size, taken)) { return a; }
    for (var ring = 1; ring <= RINGS; ring += 1) {
      var radius = ring * (h + GAP);
      for (var k = 0; k < DIRECTIONS; k += 1) {
        var angle = -Math.PI / 2 + (2 * Math.PI * k) / DIRECTIONS;
        var x = a.x + Math.cos(angle) * radius * Math.max(1, w / h / 2), y = a.y + Math.sin(angle) * radius;
        if (free(box(x, y, w, h), size, taken)) { return L.point(x, y); }
      }
    }
    return a;
  }

  function pixelBounds(map, layer) {
    var b = layer.getBounds();
    var sw = map.latLngToContainerPoint(b.getSouthWest()), ne = map.latLngToContainerPoint(b.getNorthEast());
    return { w: ne.x - sw.x, h: sw.y - ne.y };
  }

  function obstacles(map) {
    var taken = [];
    var controls = map.getContainer().querySelectorAll(".leaflet-control");
    var origin = map.getContainer().getBoundingClientRect();
    Array.prototype.forEach.call(controls, function (el) {
      var r = el.getBoundingClientRect();
      taken.push({ left: r.left - origin.left, top: r.top - origin.top, right: r.right - origin.left, bottom: r.bottom - origin.top });
    });
    return taken;
  }

  function leader(svg, from, rect) {
    var x = Math.max(rect.left, Math.min(from.x, rect.right)), y = Math.max(rect.top, Math.min(from.y, rect.bottom));
    var line = document.createElementNS(SVG_NS, "line");
    line.setAttribute("x1", from.x); line.setAttribute("y1", from.y);
    line.setAttribute("x2", x); line.setAttribute("y2", y);
    var dot = document.createElementNS(SVG_NS, "circle");
    dot.setAttribute("cx", from.x); dot.setAttribute("cy", from.y); dot.setAttribute("r", 2.5);
    svg.appendChild(line); svg.appendChild(dot);
  }

  // Large districts are placed first, at their anchors; the small ones then find room around.
  function layout(map, overlay) {
    overlay.hidden = false;                             // names are measured where they are shown
    var size = map.getSize(), taken = obstacles(map);
    var svg = overlay.querySelector("svg");
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    svg.setAttribute("viewBox", "0 0 " + size.x + " " + size.y);
    districts.forEach(function (d) {
      var extent = pixelBounds(map, d.layer);
      d.anchor = map.latLngToContainerPoint(d.feature.properties.label);
      d.area = extent.w * extent.h;
      d.fits = extent.w >= d.chip.offsetWidth * 1.4 && extent.h >= d.chip.offsetHeight * 1.6;
    });
    districts.forEach(function (d) {
      taken.push(box(d.anchor.x, d.anchor.y, 2 * ANCHOR, 2 * ANCHOR));
    });
    districts.slice().sort(function (a, b) { return b.area - a.area; }).forEach(function (d) {
      var w = d.chip.offsetWidth, h = d.chip.offsetHeight;
      var own = box(d.anchor.x, d.anchor.y, 2 * ANCHOR, 2 * ANCHOR);
      var others = taken.filter(function (r) { return r.left !== own.left || r.top !== own.top; });
      var at = spot(d, w, h, size, others);
      var rect = box(at.x, at.y, w, h);
      d.chip.style.left = rect.left + "px";
      d.chip.style.top = rect.top + "px";
      var moved = at !== d.anchor;
      d.chip.classList.toggle("is-callout", moved || !d.fits);
      if (moved) { leader(svg, d.anchor, rect); }
      taken.push(rect);
    });
  }

  function makeOverlay(map) {
    var overlay = document.createElement("div");
    overlay.className = "citymap-names";
    overlay.appendChild(document.createElementNS(SVG_NS, "svg")).setAttribute("aria-hidden", "true");
    districts.forEach(function (d) { overlay.appendChild(d.chip); });
    map.getContainer().appendChild(overlay);
    return overlay;
  }

  // The whole city stays in view when the map's box changes size (phone rotation, window resize).
  function refitOnResize(map, bounds, relayout) {
    var width = map.getContainer().clientWidth;
    var refit = function () {
      if (map.getContainer().clientWidth === width) { return; }
      width = map.getContainer().clientWidth;
      map.invalidateSize(false);
      map.fitBounds(bounds);
      relayout();
    };
    if (window.ResizeObserver) { new ResizeObserver(refit).observe(map.getContainer()); }
    else { map.on("resize", refit); }
  }

  function ready(map, geojson) {
    window.citymap = map;
    if (L.Browser.mobile) { map.dragging.disable(); }   // one finger scrolls the page, two fingers zoom
    var overlay = makeOverlay(map);
    var relayout = function () { layout(map, overlay); };
    map.on("zoomstart movestart", function () { overlay.hidden = true; });
    map.on("zoomend moveend", relayout);
    refitOnResize(map, geojson.getBounds(), relayout);
    relayout();
    document.getElementById("citymap-svg").hidden = true;
  }

  window.jczwgkCitymap = { onEachFeature: onEachFeature, ready: ready };
}());
