"""The deployment, tried for real: Debian's nginx serves the default site, built with precompressed
copies, with deploy/nginx/jczwgk.conf as it is (only `listen` and `root` replaced), on a free port
of 127.0.0.1 in a prefix folder of its own. Checked over HTTP: pages, the 404 page, the compressed
copies, the cache and security headers, what lies outside the site; and a city-wide search in
Chromium through it. `scripts/setup.sh --test` installs nginx and its brotli_static module, so
their absence fails these tests rather than skipping them."""
from __future__ import annotations

import gzip
import http.client
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urljoin

import brotli
import pytest

from conftest import REPO, build_into
from nginx_conf import CONF, PAGE_CSP, UPLOAD_CSP, UPLOADS

sys.path.insert(0, str(REPO / "deploy"))
from local_nginx import NginxError, serving  # noqa: E402

SITE = "/jczwgk/"
LONG = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


@pytest.fixture(scope="module")
def www(tmp_path_factory) -> Path:
    """The default site with `precompress: true`, built as <www>/jczwgk/ (its build state beside it)."""
    base = tmp_path_factory.mktemp("nginx-site")
    root = base / "project"
    root.mkdir()
    for name in ("content", "districts"):
        shutil.copytree(REPO / name, root / name)
    site = (REPO / "site.yaml").read_text(encoding="utf-8")
    assert "base_path: /jczwgk/" in site and "precompress:" not in site
    (root / "site.yaml").write_text(site + "precompress: true\n", encoding="utf-8")
    www = base / "www"
    build_into(root, www / "jczwgk")
    return www


@pytest.fixture(scope="module")
def nginx(www, tmp_path_factory):
    """The base address of nginx serving `www` with the repository's configuration."""
    try:
        with serving(www, tmp_path_factory.mktemp("nginx")) as base:
            yield base
    except NginxError as exc:
        pytest.fail(str(exc))


def get(base: str, path: str, encoding: str | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request, the path sent as it is written (no normalising, no redirects followed)."""
    connection = http.client.HTTPConnection(base.split("//", 1)[1], timeout=10)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": encoding} if encoding else {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def a_file(www: Path, pattern: str) -> str:
    """The address of the first file of the site matching `pattern` (a glob inside jczwgk/)."""
    found = sorted((www / "jczwgk").glob(pattern))
    assert found, pattern
    return "/" + found[0].relative_to(www).as_posix()


def assert_secure(headers, address: str) -> None:
    assert headers["X-Content-Type-Options"] == "nosniff", address
    assert headers["Content-Security-Policy"] == (UPLOAD_CSP if UPLOADS.match(address) else PAGE_CSP), address


def test_front_page_and_a_record_page(www, nginx):
    status, headers, body = get(nginx, SITE)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert body == (www / "jczwgk/index.html").read_bytes()            # no Accept-Encoding: the file itself
    assert "长沙市基层政务公开专栏" in body.decode("utf-8")
    record = a_file(www, "yuelu/info/*.html")
    status, headers, body = get(nginx, record)
    assert status == 200 and body == (www / record.lstrip("/")).read_bytes()
    status, headers, _ = get(nginx, "/jczwgk/yuelu")                      # a folder: its address with /
    assert status == 301 and headers["Location"] == "/jczwgk/yuelu/"


@pytest.mark.parametrize("missing", ["/jczwgk/no/such/page.html", "/jczwgk/yuelu/info/nothing-here.html",
                                     "/jczwgk/static/", "/jczwgk/pagefind/"])
def test_a_missing_page_gets_the_sites_404_page(www, nginx, missing):
    status, headers, body = get(nginx, missing)
    assert status == 404 and body == (www / "jczwgk/404.html").read_bytes()      # a folder: no listing
    assert headers["Cache-Control"] == "no-cache"
    assert_secure(headers, "/jczwgk/404.html")
    links = set(re.findall(rb'(?:href|src)="(/jczwgk/[^"#]*)"', body))           # absolute: right at any depth
    assert {b"/jczwgk/static/site.css", b"/jczwgk/index.html"} <= links
    assert all(get(nginx, link.decode())[0] == 200 for link in links)


@pytest.mark.parametrize("pattern", ["index.html", "yuelu/info/*.html", "static/site.css", "sitemap.xml",
                                     "pagefind/00/pagefind.js", "api/index.json"])
@pytest.mark.parametrize("encoding, suffix, unpack", [("gzip", ".gz", gzip.decompress), ("br", ".br", brotli.decompress)])
def test_compressed_copies_are_sent_as_they_are(www, nginx, pattern, encoding, suffix, unpack):
    address = a_file(www, pattern)
    plain = (www / address.lstrip("/")).read_bytes()
    status, headers, body = get(nginx, address, encoding)
    assert status == 200 and headers["Content-Encoding"] == encoding
    assert body == (www / (address.lstrip("/") + suffix)).read_bytes()           # the build's copy, not nginx's
    assert unpack(body) == plain
    assert "Accept-Encoding" in headers.get("Vary", "")
    assert_secure(headers, address)


def test_a_file_without_copies_is_sent_plain(www, nginx):
    address = a_file(www, "pagefind/00/pagefind-entry.json")              # too small to compress
    assert not (www / (address.lstrip("/") + ".gz")).exists()
    status, headers, body = get(nginx, address, "gzip, br")
    assert status == 200 and "Content-Encoding" not in headers
    assert body == (www / address.lstrip("/")).read_bytes()


@pytest.mark.parametrize("pattern, policy", [
    ("index.html", "no-cache"), ("yuelu/info/*.html", "no-cache"), ("yuelu/feed.xml", "no-cache"),
    ("sitemap.xml", "no-cache"), ("api/index.json", "no-cache"),
    ("pagefind/00/pagefind-entry.json", "no-cache"),       # names the chunks of the index now
    ("pagefind/layers.json", "no-cache"),                  # names the shards the delta holds now
    ("pagefind/00/pagefind.js", SHORT), ("pagefind/00/wasm.*.pagefind", SHORT),
    ("static/site.css", SHORT), ("static/leaflet/leaflet.js", SHORT), ("yuelu/static/*.svg", SHORT),
    ("pagefind/00/fragment/*.pf_fragment", LONG), ("pagefind/00/index/*.pf_index", LONG),
    ("pagefind/00/filter/*.pf_filter", LONG), ("pagefind/00/*.pf_meta", LONG),
])
def test_cache_headers(www, nginx, pattern, policy):
    address = a_file(www, pattern)
    status, headers, _ = get(nginx, address, "gzip, br")
    assert status == 200 and headers["Cache-Control"] == policy, address
    assert_secure(headers, address)


def test_the_front_page_address_is_not_cached(nginx):
    assert get(nginx, SITE)[1]["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("address", [
    "/jczwgk/../etc/passwd", "/jczwgk/%2e%2e/%2e%2e/etc/passwd", "/jczwgk/..%2f..%2f..%2fetc/passwd",
    "/jczwgk/%2E%2E/jczwgk.conf", "/jczwgk/static/..%5c..%5cjczwgk.conf", "/etc/passwd", "/project/site.yaml",
    "/.jczwgk.build-state/state.sqlite", "/jczwgk/.hidden", "/jczwgk/../www/jczwgk/index.html", "/",
])
def test_nothing_outside_the_site_is_served(nginx, address):
    status, headers, body = get(nginx, address)
    assert status in (302, 400, 404), (address, status)
    assert b"root:" not in body and b"Index of" not in body and b"listen " not in body
    if status == 302:
        assert address == "/" and headers["Location"] == SITE
    if status == 404:                                           # the site's page, with the site's headers
        assert "页面未找到".encode() in body
        assert_secure(headers, "/jczwgk/404.html")


def test_city_wide_search_in_chromium_through_nginx(page, nginx):
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    encodings: list[str] = []
    page.on("response", lambda r: encodings.append(r.headers.get("content-encoding", "")) if "/pagefind/" in r.url
            else None)
    page.goto(nginx + SITE + "search/index.html")
    page.fill("#search-q", "最低生活保障")                     # the scope: 全市, the default
    page.click("form.search-form button[type=submit]")
    page.wait_for_url(re.compile(r"/search/(index\.html)?\?q="))
    page.locator("[data-results] li").first.wait_for(timeout=30_000)     # no eval: the policy forbids it
    assert "全市" in page.locator("[data-status]").inner_text()
    titles = page.locator("[data-results] li h2").all_inner_texts()
    assert any("最低生活保障" in t for t in titles)
    links = page.locator("[data-results] li h2 a")
    hrefs = [urljoin(page.url, links.nth(i).get_attribute("href")) for i in range(links.count())]
    assert all(h.startswith(nginx + SITE) for h in hrefs)
    page.goto(hrefs[0])
    assert page.locator("h1").count() == 1
    assert "br" in encodings                                    # pagefind.js, its precompressed copy
    assert violations == []


def test_readme_shows_the_configuration_as_it_is():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    deploying = readme[readme.index("## Deploying"):]
    block = re.search(r"```nginx\n(.*?)```", deploying, re.S).group(1)
    assert block == CONF.read_text(encoding="utf-8")
