"""What is sent besides the site's files: content types, the two script tags added to HTML at serve
time (never to output/), the preview's livereload.js plugin (the error overlay and the build token),
and the pages shown when there is no site yet or no such file."""
from __future__ import annotations

import mimetypes
import re
from html import escape
from pathlib import PurePosixPath

PREVIEW_PREFIX = "/__preview__/"
STATE_PATH = PREVIEW_PREFIX + "state"
PLUGIN_ID = "jczwgk-preview"

UTF8_TYPES = {".html": "text/html", ".htm": "text/html", ".css": "text/css", ".js": "text/javascript",
              ".mjs": "text/javascript", ".json": "application/json", ".geojson": "application/geo+json",
              ".xml": "application/xml", ".txt": "text/plain", ".svg": "image/svg+xml"}
BINARY_TYPES = {".wasm": "application/wasm", ".pagefind": "application/octet-stream"}
# A Host header the tags may repeat: a name or IPv4 address, or a bracketed IPv6 one, and a port.
HOST_HEADER = re.compile(r"(?P<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(?P<port>\d{1,5}))?")


def content_type(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in UTF8_TYPES:
        return f"{UTF8_TYPES[suffix]}; charset=utf-8"
    if suffix in BINARY_TYPES:
        return BINARY_TYPES[suffix]
    if suffix.startswith(".pf_"):                  # Pagefind's index, fragments, filters, meta
        return "application/octet-stream"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def livereload_src(host_header: str) -> str:
    """livereload.js's address with the host and port it must connect back to. livereload.js reads
    them from its own address, which fails for an IPv6 host or a default port: say them outright."""
    match = HOST_HEADER.fullmatch(host_header or "")
    if not match:
        return "/livereload.js"
    return f"/livereload.js?host={match['host']}&port={match['port'] or 80}"


def script_tags(build: str, host_header: str) -> bytes:
    """Our plugin first (livereload.js picks up plugins defined before it runs), then livereload.js;
    deferred, so they run in this order after the page is parsed and never hold up its display."""
    return (f'<script defer src="{PREVIEW_PREFIX}preview.js" data-build="{escape(build)}"></script>\n'
            f'<script defer src="{escape(livereload_src(host_header))}"></script>\n').encode()


def inject(html: bytes, build: str, host_header: str) -> bytes:
    """The script tags, before the last </body> (or at the end)."""
    at = html.lower().rfind(b"</body>")
    tags = script_tags(build, host_header)
    return html[:at] + tags + html[at:] if at >= 0 else html + tags


def no_site_page(error: str | None) -> bytes:
    """Served for pages while output/ does not exist yet."""
    if error:
        body = f"<h1>首次构建失败，还没有可预览的网站</h1>\n<pre>{escape(error, quote=False)}</pre>\n<p>改正后保存，本页会自动刷新。</p>"
    else:
        body = "<h1>正在首次构建网站</h1>\n<p>构建完成后本页会自动刷新。</p>"
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>预览</title></head>\n'
            f"<body>\n{body}\n</body>\n</html>\n").encode()


NOT_FOUND_PAGE = ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>未找到</title></head>\n'
                  "<body>\n<h1>未找到该页面</h1>\n</body>\n</html>\n").encode()

# A livereload.js plugin (livereload.js adds every window.LiveReloadPlugin* it finds when it starts).
# Its analyze() tells the server, on every connect, which build the page was served from, so a tab
# that connects only after a rebuild still reloads; a "reload" of STATE_PATH is ours: it fetches the
# state and shows or hides the error overlay without reloading the page.
PREVIEW_JS = (r"""/* Preview only, never in output/: the build this page was served from, and build errors. */
(function () {
  "use strict";
  var me = document.currentScript;
  var build = me ? me.getAttribute("data-build") : "";
  var STATE = "%(state)s";
  var overlay = null, hidden = null;

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

  function refresh() {
    fetch(STATE, {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (state) {
      if (state.build !== build) { location.reload(); return; }
      show(state.error);
    });
  }

  function PreviewPlugin() {}
  PreviewPlugin.identifier = "%(plugin)s";
  PreviewPlugin.version = "1";
  PreviewPlugin.prototype.analyze = function () { return {build: build}; };
  PreviewPlugin.prototype.reload = function (path) {
    if (path !== STATE) return false;
    refresh();
    return true;
  };
  window.LiveReloadPluginJczwgkPreview = PreviewPlugin;
})();
""" % {"state": STATE_PATH, "plugin": PLUGIN_ID}).encode()
