"""Search budget: what a first city-wide query costs a citizen on a cold cache.

    .venv/bin/python bench/search_budget.py [--site output] [--query 低保怎么申请] [--runs 3] [--detail] [--column yuelu]

Serves the built site (under its base path, gzip on the fly for text, as nginx's `gzip on` does),
opens the front page (or with --column a column's home, whose box searches that column) in a fresh
headless Chromium profile, types the query into the page's search box and presses Enter. Counted from Enter: requests, bytes on the wire (bodies as sent, so
compressed where the server compressed), and the time until the first result is on screen. Prints
one line per run and the median; --detail adds, for the last run, requests and bytes by kind of file
(page assets, Pagefind's entry, meta, wasm, index and filter chunks, fragments).
"""
from __future__ import annotations

import argparse
import functools
import gzip
import io
import statistics
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
TEXT = (".html", ".js", ".css", ".json", ".svg", ".xml")


class Handler(SimpleHTTPRequestHandler):
    """Plain files, text gzipped when the browser accepts it (nginx's gzip on)."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not (path.suffix in TEXT and "gzip" in self.headers.get("Accept-Encoding", "") and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(site: Path, base: str):
    root = Path(tempfile.mkdtemp(prefix="search-budget-"))
    (root / base.strip("/")).symlink_to(site.resolve())
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{base}"


def kind_of(url: str) -> str:
    name = url.split("?")[0].rsplit("/", 1)[-1]
    for suffix, kind in ((".pf_meta", "meta"), (".pf_index", "index chunk"), (".pf_filter", "filter chunk"),
                         (".pf_fragment", "fragment"), (".pagefind", "wasm"), ("pagefind-entry.json", "entry")):
        if name.endswith(suffix):
            return kind
    return "pagefind script" if name.startswith("pagefind") else "page and its assets"


def one_run(browser, url: str, query: str, detail: dict | None = None, timeout: float = 60,
            column: str | None = None) -> tuple[int, int, float, int]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(url + (f"{column}/index.html" if column else "index.html"))   # a column's box searches that column
    page.wait_for_load_state("networkidle")
    counted: list = []
    page.on("requestfinished", lambda request: counted.append(request))
    page.fill("#site-search-q", query)
    started = time.perf_counter()
    page.press("#site-search-q", "Enter")
    page.wait_for_function("document.querySelectorAll('[data-results] li').length > 0", timeout=timeout * 1000)
    shown = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    total = sum(r.sizes()["responseBodySize"] for r in counted)
    if detail is not None:
        detail.clear()
        for request in counted:
            kind = detail.setdefault(kind_of(request.url), [0, 0])
            kind[0] += 1
            kind[1] += request.sizes()["responseBodySize"]
    results = page.locator("[data-results] > li").count()
    context.close()
    return len(counted), total, shown, results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=REPO / "output")
    parser.add_argument("--base", default="/jczwgk/")
    parser.add_argument("--query", default="低保怎么申请")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for results")
    parser.add_argument("--detail", action="store_true", help="requests and bytes by kind of file")
    parser.add_argument("--column", help="search from this column's home page (its box searches the column)")
    args = parser.parse_args(argv)
    if not (args.site / "search" / "index.html").is_file():
        print(f"search_budget: {args.site} holds no built site (search/index.html); build it first", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright
    server, url = serve(args.site, args.base)
    figures, detail = [], {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
            for n in range(args.runs):
                requests, size, shown, results = one_run(browser, url, args.query, detail, args.timeout, args.column)
                figures.append((requests, size, shown))
                print(f"run {n + 1}: {requests} requests, {size / 1024:.0f} KB, results shown after "
                      f"{shown:.2f} s ({results} on screen)", flush=True)
            browser.close()
    finally:
        server.shutdown()
    if args.detail:
        for kind, (count, size) in sorted(detail.items(), key=lambda kv: -kv[1][1]):
            print(f"  {kind:20} {count:4} requests {size / 1024:7.1f} KB")
    requests, size, shown = (statistics.median(f[i] for f in figures) for i in range(3))
    print(f"median: {requests:.0f} requests, {size / 1024:.0f} KB, {shown:.2f} s from Enter to results "
          f"(query {args.query!r}, {args.column or 'city-wide'}, {args.site})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
