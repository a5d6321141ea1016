"""The response headers of the nginx configuration README gives (deploy/nginx/jczwgk.conf), tried in
Chromium: the site works under the pages' Content-Security-Policy (map, search), and the policy for
what districts upload stops a script in an SVG opened at its own address. (test_nginx.py serves the
site with nginx itself.)"""
from __future__ import annotations

import functools
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from nginx_conf import PAGE_CSP, UPLOAD_CSP, UPLOAD_PATTERN

UPLOADS = re.compile(UPLOAD_PATTERN.removeprefix("~").replace("/jczwgk/", "/", 1))   # served at / here
EVIL_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" onload="document.title=\'ran\'">'
            '<script>document.title = "ran";</script><rect width="9" height="9"/></svg>')


def serve_with_headers(folder: Path, headers: bool):
    class Handler(SimpleHTTPRequestHandler):
        def end_headers(self):
            if headers:
                self.send_header("X-Content-Type-Options", "nosniff")
                self.send_header("Content-Security-Policy",
                                 UPLOAD_CSP if UPLOADS.match(self.path) else PAGE_CSP)
            super().end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture
def with_headers(default_site):
    server, url = serve_with_headers(default_site, headers=True)
    yield url
    server.shutdown()


def violations(page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text else None)
    return found


def test_the_site_works_under_the_pages_policy(page, with_headers):
    found = violations(page)
    page.goto(with_headers)
    page.wait_for_selector("#citymap-live:not([hidden]) .leaflet-interactive", timeout=30_000)
    page.goto(with_headers + "search/index.html?q=" + "最低生活保障")
    page.locator("[data-results] li").first.wait_for(timeout=30_000)   # no eval: the policy forbids it
    assert "最低生活保障" in page.locator("[data-results] li h2").first.inner_text()
    assert found == []


@pytest.mark.parametrize("headers, runs", [(True, False), (False, True)])
def test_a_script_in_an_uploaded_svg_does_not_run_under_the_upload_policy(page, tmp_path, headers, runs):
    (tmp_path / "yuelu/static").mkdir(parents=True)
    (tmp_path / "yuelu/static/evil.svg").write_text(EVIL_SVG, encoding="utf-8")
    server, url = serve_with_headers(tmp_path, headers)
    try:
        page.goto(url + "yuelu/static/evil.svg")
        page.wait_for_timeout(300)
        assert (page.title() == "ran") is runs
    finally:
        server.shutdown()
