/* The front-page city map (一张图): behaviour of each district on the Leaflet map made by folium.
   Each district navigates to its column on one click or tap, or on Enter when focused; it is
   highlighted on hover and focus; its name is a label, hidden while too small to read. */
(function () {
  "use strict";
  var BASE = { weight: 1.5, color: "#ffffff", fillOpacity: 0.45 };
  var HIGHLIGHT = { weight: 4, color: "#1a1a1a", fillOpacity: 0.75 };
  var MIN_LABEL_WIDTH = 56;   // px: a district narrower than this shows its name on hover/focus only

  function label(name) {
    var el = document.createElement("span");
    el.textContent = name;
    return el;
  }

  // bringToFront re-inserts the path, which would drop keyboard focus: only for the pointer.
  function setActive(layer, on, toFront) {
    layer.setStyle(on ? HIGHLIGHT : BASE);
    if (on && toFront) { layer.bringToFront(); }
    var tip = layer.getTooltip() && layer.getTooltip().getElement();
    if (tip) { tip.classList.toggle("is-active", on); }
  }

  function makeFocusable(feature, layer) {
    var el = layer.getElement();
    if (!el) { return; }
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "link");
    el.setAttribute("aria-label", feature.properties.name + "专栏");
    el.addEventListener("focus", function () { setActive(layer, true); });
    el.addEventListener("blur", function () { setActive(layer, false); });
    el.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { window.location.href = feature.properties.href; }
    });
  }

  function onEachFeature(feature, layer) {
    layer.bindTooltip(label(feature.properties.name), {
      permanent: true, direction: "center", className: "district-label", interactive: false
    });
    layer.on("mouseover", function () { setActive(layer, true, true); });
    layer.on("mouseout", function () { setActive(layer, false); });
    layer.on("click", function () { window.location.href = feature.properties.href; });
    layer.on("add", function () { makeFocusable(feature, layer); });
  }

  function fitLabels(map, geojson) {
    geojson.eachLayer(function (layer) {
      var tip = layer.getTooltip() && layer.getTooltip().getElement();
      if (!tip) { return; }
      var b = layer.getBounds();
      var width = map.latLngToContainerPoint(b.getNorthEast()).x - map.latLngToContainerPoint(b.getSouthWest()).x;
      tip.classList.toggle("is-cramped", width < MIN_LABEL_WIDTH);
    });
  }

  // The whole city stays in view when the map's box changes size (phone rotation, window resize).
  function refitOnResize(map, bounds) {
    var width = map.getContainer().clientWidth;
    var refit = function () {
      if (map.getContainer().clientWidth === width) { return; }
      width = map.getContainer().clientWidth;
      map.invalidateSize(false);
      map.fitBounds(bounds);
    };
    if (window.ResizeObserver) { new ResizeObserver(refit).observe(map.getContainer()); }
    else { map.on("resize", refit); }
  }

  function ready(map, geojson) {
    window.citymap = map;
    if (L.Browser.mobile) { map.dragging.disable(); }   // one finger scrolls the page, two fingers zoom
    map.on("zoomend", function () { fitLabels(map, geojson); });
    refitOnResize(map, geojson.getBounds());
    fitLabels(map, geojson);
    document.getElementById("citymap-svg").hidden = true;
  }

  window.jczwgkCitymap = { onEachFeature: onEachFeature, ready: ready };
}());
