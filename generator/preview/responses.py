"""What is sent: content types, the reload script and its tag (added to HTML at serve time, never
to output/), and the pages shown when there is no site yet or no such file."""
from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

PREVIEW_PREFIX = "/__preview__/"

UTF8_TYPES = {".html": "text/html", ".htm": "text/html", ".css": "text/css", ".js": "text/javascript",
              ".mjs": "text/javascript", ".json": "application/json", ".geojson": "application/geo+json",
              ".xml": "application/xml", ".txt": "text/plain", ".svg": "image/svg+xml"}
BINARY_TYPES = {".wasm": "application/wasm", ".pagefind": "application/octet-stream"}


def content_type(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in UTF8_TYPES:
        return f"{UTF8_TYPES[suffix]}; charset=utf-8"
    if suffix in BINARY_TYPES:
        return BINARY_TYPES[suffix]
    if suffix.startswith(".pf_"):                  # Pagefind's index, fragments, filters, meta
        return "application/octet-stream"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def reload_tag(build: str) -> bytes:
    return f'<script src="{PREVIEW_PREFIX}reload.js" data-build="{build}"></script>\n'.encode()


def inject(html: bytes, build: str) -> bytes:
    """The reload script, before the last </body> (or at the end)."""
    at = html.lower().rfind(b"</body>")
    tag = reload_tag(build)
    return html[:at] + tag + html[at:] if at >= 0 else html + tag


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def no_site_page(error: str | None) -> bytes:
    """Served for pages while output/ does not exist yet."""
    if error:
        body = f"<h1>首次构建失败，还没有可预览的网站</h1>\n<pre>{escape(error)}</pre>\n<p>改正后保存，本页会自动刷新。</p>"
    else:
        body = "<h1>正在首次构建网站</h1>\n<p>构建完成后本页会自动刷新。</p>"
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>预览</title></head>\n'
            f"<body>\n{body}\n</body>\n</html>\n").encode()


NOT_FOUND_PAGE = ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>未找到</title></head>\n'
                  "<body>\n<h1>未找到该页面</h1>\n</body>\n</html>\n").encode()

RELOAD_JS = r"""/* Preview only, never in output/: reloads the tab after a rebuild, shows build errors. */
(function () {
  "use strict";
  var me = document.currentScript;
  var build = me ? me.getAttribute("data-build") : "";
  var source = null, overlay = null, hidden = null;

  function makeOverlay() {
    var box = document.createElement("div");
    box.id = "preview-error";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;left:0;right:0;bottom:0;z-index:2147483647;max-height:60vh;" +
      "overflow:auto;margin:0;padding:1rem 1.25rem;background:#fff4f4;color:#1a1a1a;" +
      "border-top:4px solid #b3261e;box-shadow:0 -4px 16px rgba(0,0,0,.25);font:16px/1.6 sans-serif;text-align:left";
    var heading = document.createElement("h2");
    heading.textContent = "内容有误，预览仍显示上次成功构建的网站";
    heading.style.cssText = "margin:0 0 .5rem;font-size:1.1rem;color:#b3261e";
    var text = document.createElement("pre");
    text.style.cssText = "margin:0;white-space:pre-wrap;word-break:break-all;font:14px/1.5 monospace";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "暂时隐藏";
    close.style.cssText = "margin-top:.75rem;font:inherit;padding:.25rem .75rem";
    close.addEventListener("click", function () { hidden = text.textContent; show(null); });
    box.appendChild(heading);
    box.appendChild(text);
    box.appendChild(close);
    return box;
  }

  function show(error) {
    if (!error || error === hidden) {
      if (overlay) { overlay.remove(); overlay = null; }
      return;
    }
    hidden = null;
    if (!overlay) { overlay = makeOverlay(); document.body.appendChild(overlay); }
    overlay.querySelector("pre").textContent = error;
  }

  function update(state) {
    if (state.build !== build) { location.reload(); return; }
    show(state.error);
  }

  function connect() {
    if (source || document.visibilityState === "hidden") return;
    source = new EventSource("/__preview__/events");
    source.onmessage = function (event) { update(JSON.parse(event.data)); };
  }

  function disconnect() {
    if (source) { source.close(); source = null; }
  }

  /* Hidden tabs let go of their connection (browsers allow only six per server) and catch up,
     reloading if needed, when shown again: the server sends its state on every connect. */
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") disconnect(); else connect();
  });
  window.addEventListener("pagehide", disconnect);
  window.addEventListener("pageshow", connect);
  connect();
})();
""".encode()
