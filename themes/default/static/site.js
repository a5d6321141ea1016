/* Reading aids: font size (persists across pages), print and back.
   Loaded in <head> so the saved font size applies before the first paint. */
(function () {
  "use strict";
  var KEY = "jczwgk-font-size";
  var root = document.documentElement;
  var saved = null;
  try { saved = window.localStorage.getItem(KEY); } catch (e) { saved = null; }
  if (saved === "large" || saved === "small" || saved === "medium") {
    root.setAttribute("data-font", saved);
  }

  function setSize(size, buttons) {
    root.setAttribute("data-font", size);
    try { window.localStorage.setItem(KEY, size); } catch (e) { /* private mode: no persistence */ }
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-font") === size));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var tools = document.querySelector("[data-tools]");
    if (!tools) { return; }
    tools.hidden = false;
    var buttons = Array.prototype.slice.call(tools.querySelectorAll("button[data-font]"));
    var current = root.getAttribute("data-font") || "medium";
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-font") === current));
      b.addEventListener("click", function () { setSize(b.getAttribute("data-font"), buttons); });
    });
    tools.querySelector("[data-action=print]").addEventListener("click", function () { window.print(); });
    tools.querySelector("[data-action=back]").addEventListener("click", function () { window.history.back(); });
  });
}());
