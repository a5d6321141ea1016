"""`python build.py serve`: the preview binds 127.0.0.1, serves output/ only, rebuilds on save and
reloads the open tab (quick second saves included), and shows content errors without losing the site."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from generator.errors import BuildError, ContentError
from generator.paths import ProjectPaths
from generator.preview import (Preview, Redirect, SourceFilter, content_type, find_file, builder, open_preview,
                               safe_segments, serve_command, serve_parser, SiteBasePath)

REPO = Path(__file__).resolve().parent.parent
RECORD_MD = "content/east/records/jiuzhu/dibao-2026-q3.md"
RECORD_PAGE = "east/info/dibao-2026-q3.html"
RECORD_TITLE = "东区2026年第三季度城乡低保对象公示"
WEST_YAML = "content/west/records/all.yaml"
WEST_PAGE = "west/info/west-dibao-2026.html"
WEST_TITLE = "西区2026年低保标准调整通知"
SECRET = "SECRET-MARKER-7f3a9c"
WAIT_MS = 20_000


def state(url: str) -> dict:
    with urllib.request.urlopen(url + "__preview__/state", timeout=5) as response:
        return json.load(response)


def wait_for(url: str, ready, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        current = state(url)
        if ready(current):
            return current
        assert time.monotonic() < deadline, f"preview state never became ready: {current}"
        time.sleep(0.05)


@pytest.fixture
def preview(site_copy):
    """The preview of a writable copy of the small site, on a free port, after its first build."""
    paths = ProjectPaths.at(site_copy)
    server = open_preview(paths, builder(paths), port=0, log=lambda _msg: None)
    server.start()
    server.serve_in_background()
    wait_for(server.url, lambda s: s["generation"] >= 1 or s["error"])
    yield server
    server.close(wait_for_build=True)


def raw_get(url: str, target: str) -> tuple[int, dict[str, str], bytes]:
    """GET with the request target sent exactly as given: no client normalises it."""
    port = int(url.rsplit(":", 1)[1].strip("/"))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def retitle(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def preview_traces(output: Path) -> list[Path]:
    return [f for f in output.rglob("*") if f.is_file() and b"__preview__" in f.read_bytes()]


# --- the command ----------------------------------------------------------------------------------

def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on `port`, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state_code = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state_code == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_serve_binds_127_0_0_1_only_by_default_and_stops_on_ctrl_c(site_copy):
    assert serve_parser(REPO).parse_args([]).host == "127.0.0.1"
    assert serve_parser(REPO).parse_args([]).port == 8000
    proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--root", str(site_copy), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        first = proc.stdout.readline()
        match = re.fullmatch(r"预览地址: (http://127\.0\.0\.1:(\d+)/)\n", first)
        assert match, first
        url, port = match.group(1), int(match.group(2))
        assert listening_addresses(port) == {"0100007F"}          # 127.0.0.1, and nothing else
        wait_for(url, lambda s: s["generation"] >= 1)
        status, _, body = raw_get(url, "/" + RECORD_PAGE)
        assert status == 200 and RECORD_TITLE.encode() in body
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=90)      # a running rebuild is finished first
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            pytest.fail(f"serve did not stop after Ctrl+C\nstdout:\n{out}\nstderr:\n{err}")
    assert proc.returncode == 0, err
    assert "首次构建完成" in out and "预览已停止" in out
    assert not [p.name for p in site_copy.iterdir() if ".staging-" in p.name or ".old-" in p.name]


def test_another_interface_is_warned_about_and_a_taken_port_is_reported(site_copy, capsys):
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = serve_command(["--root", str(site_copy), "--host", "0.0.0.0", "--port", str(port)], REPO)
    err = capsys.readouterr().err
    assert code == 1
    assert "警告" in err and "0.0.0.0" in err
    assert "--port" in err


# --- what is served -------------------------------------------------------------------------------

TRAVERSALS = ["/../site.yaml", "/%2e%2e/site.yaml", "/%2E%2E%2Fsite.yaml", "/..%2fsite.yaml", "/%252e%252e/site.yaml",
              "/%252e%252e%252fsite.yaml", "/static/..%5c..%5csite.yaml", "/static/..\\..\\site.yaml",
              "//etc/passwd", "/..//..//etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/.%2e/secret.txt",
              "/../secret.txt", "/%2e%2e%2fsecret.txt", "/gk/../secret.txt", "/gk/%2e%2e/secret.txt",
              "/east/..%2f..%2fsecret.txt", "/%c0%ae%c0%ae/secret.txt", "/secret.txt%00.html",
              "/leak.txt", "/leakdir/secret.txt", "/leakdir/", "/leakdir", "/leakdir/site.yaml",
              "http://127.0.0.1/../secret.txt", "*"]


def test_path_traversal_is_404_and_never_a_file_outside_output(preview):
    site = preview.paths.root
    (site / "secret.txt").write_text(SECRET, encoding="utf-8")
    output = preview.paths.output
    (output / "leak.txt").symlink_to(site / "secret.txt")
    (output / "leakdir").symlink_to(site, target_is_directory=True)
    not_found_page = (output / "404.html").read_bytes()
    for target in TRAVERSALS:
        status, headers, body = raw_get(preview.url, target)
        assert status in (400, 404), (target, status)
        assert SECRET.encode() not in body and b"service_platform" not in body and b"root:" not in body, target
        if status == 404:
            assert not_found_page.split(b"</body>")[0] in body, target    # the site's own 404 page
            assert headers["content-type"] == "text/html; charset=utf-8"


INJECTED = re.compile(rb'<script defer src="/__preview__/preview.js" data-build="[^"]+"></script>\n'
                      rb'<script defer src="/livereload.js\?host=127.0.0.1&amp;port=\d+"></script>\n')


def test_files_are_served_with_their_types_from_output_and_its_sub_path(preview):
    output, url = preview.paths.output, preview.url
    status, headers, body = raw_get(url, "/" + RECORD_PAGE)
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    assert len(INJECTED.findall(body)) == 1
    assert body.index(b"/__preview__/preview.js") < body.rindex(b"</body>")
    assert INJECTED.sub(b"", body) == (output / RECORD_PAGE).read_bytes()
    assert raw_get(url, "/gk/" + RECORD_PAGE)[0] == 200                  # as served under site.yaml's base_path
    assert raw_get(url, "/")[0] == 200 and raw_get(url, "/gk/")[0] == 200
    status, headers, _ = raw_get(url, "/east?x=1")
    assert status == 302 and headers["location"] == "/east/?x=1"
    assert raw_get(url, "/gk")[1]["location"] == "/gk/"
    assert raw_get(url, "/east/")[2].startswith((output / "east/index.html").read_bytes()[:200])
    assert raw_get(url, "/static/site.css")[1]["content-type"] == "text/css; charset=utf-8"
    assert raw_get(url, "/static/site.js")[1]["content-type"] == "text/javascript; charset=utf-8"
    meta = next(output.rglob("*.pf_meta")).relative_to(output).as_posix()
    status, headers, body = raw_get(url, "/" + meta)
    assert status == 200 and headers["content-type"] == "application/octet-stream"
    assert body == (output / meta).read_bytes()                          # binary files are not touched
    assert raw_get(url, "/__preview__/preview.js")[1]["content-type"] == "text/javascript; charset=utf-8"
    status, _, body = raw_get(url, "/livereload.js")                     # livereload's own client
    assert status == 200 and b"LiveReload" in body
    assert preview_traces(output) == []                                 # injected at serve time only


def test_request_paths_and_types():
    assert safe_segments("/a/b.html?q=1") == ["a", "b.html"]
    assert safe_segments("/a/") == ["a", ""]
    assert safe_segments("/%E6%96%87%E4%BB%B6.csv") == ["文件.csv"]
    for bad in ("/../x", "/a/%2e%2e/x", "/%252e%252e/x", "/a\\b", "/a%5cb", "/a%00", "//x", "x", "/%ff", "/a/./b"):
        assert safe_segments(bad) is None, bad
    assert content_type("a.wasm") == "application/wasm"
    assert content_type("wasm.unknown.pagefind") == "application/octet-stream"
    assert content_type("zh-cn_1.pf_fragment") == "application/octet-stream"
    assert content_type("x.json") == "application/json; charset=utf-8"
    assert content_type("sitemap.xml") == "application/xml; charset=utf-8"
    assert content_type("banner.png") == "image/png"


def test_site_base_path_follows_site_yaml(tmp_path):
    site = tmp_path / "site.yaml"
    base_path = SiteBasePath(site)
    assert base_path() == "/"                                            # no site.yaml yet
    site.write_text("base_path: jczwgk\n", encoding="utf-8")
    assert base_path() == "/jczwgk/"
    site.write_text("base_path: [broken, and longer\n", encoding="utf-8")
    assert base_path() == "/"
    output = tmp_path / "output"
    (output / "a").mkdir(parents=True)
    (output / "a" / "index.html").write_text("x", encoding="utf-8")
    assert find_file(output, "/jczwgk/a/", "/jczwgk/") == output / "a" / "index.html"
    assert find_file(output, "/jczwgk/a", "/jczwgk/") == Redirect("/jczwgk/a/")
    assert find_file(output, "/a", "/jczwgk/") == Redirect("/a/")


def test_editor_temp_files_and_output_do_not_trigger_rebuilds(tmp_path):
    flt = SourceFilter([tmp_path / "output", tmp_path / ".build-cache"])
    assert flt(None, str(tmp_path / "content" / "a.yaml"))
    for name in ("a.yaml~", ".a.yaml.swp", ".#a.yaml", "4913", "#a.yaml#"):
        assert not flt(None, str(tmp_path / "content" / name)), name
    assert not flt(None, str(tmp_path / "output" / "index.html"))
    site_only = SourceFilter([], {"site.yaml"})
    assert site_only(None, str(tmp_path / "site.yaml")) and not site_only(None, str(tmp_path / "README.md"))


def test_without_any_site_yet_pages_show_the_first_builds_error_until_it_is_fixed(site_copy):
    source = site_copy / WEST_YAML
    good = source.read_text(encoding="utf-8")
    source.write_text("records:\n  - id: x\n    title: [未闭合\n", encoding="utf-8")
    paths = ProjectPaths.at(site_copy)
    assert not paths.output.exists()
    server = open_preview(paths, builder(paths), port=0, log=lambda _msg: None)
    server.start()
    server.serve_in_background()
    try:
        wait_for(server.url, lambda s: s["error"])
        status, headers, body = raw_get(server.url, "/" + RECORD_PAGE)
        assert status == 503 and headers["content-type"] == "text/html; charset=utf-8"
        text = body.decode()
        assert "首次构建失败" in text and f"{WEST_YAML}:3: invalid YAML" in text           # the line of the unclosed [
        assert 'src="/__preview__/preview.js"' in text and 'src="/livereload.js' in text   # it reloads itself
        assert raw_get(server.url, "/static/site.css")[0] == 404
        source.write_text(good, encoding="utf-8")
        wait_for(server.url, lambda s: s["generation"] >= 1)
        assert raw_get(server.url, "/" + RECORD_PAGE)[0] == 200
    finally:
        server.close(wait_for_build=True)


# --- rebuilds -------------------------------------------------------------------------------------

def test_changes_during_a_rebuild_make_exactly_one_more_and_every_success_is_a_new_generation(tmp_path):
    calls: list[set[Path]] = []
    release = threading.Event()

    def rebuild(changed):
        calls.append(set(changed))
        if len(calls) == 2:
            release.wait(5)                         # the second build is slow; saves arrive meanwhile
        if Path("bad") in changed:
            raise BuildError("validate", [ContentError("content/x.yaml", 3, "invalid YAML")])

    preview = Preview(tmp_path, rebuild, log=lambda _m: None, err=lambda _m: None)
    preview.start()
    assert preview.wait_for_change(0, 5)[1]["generation"] == 1
    preview.schedule({Path("a")})
    deadline = time.monotonic() + 5
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    preview.schedule({Path("b")})
    preview.schedule({Path("c")})
    release.set()
    version, now = preview.wait_for_change(1, 5)
    while now["generation"] < 3 and time.monotonic() < deadline:
        version, now = preview.wait_for_change(version, 5)
    assert calls == [set(), {Path("a")}, {Path("b"), Path("c")}]
    assert now == {"build": f"{preview.epoch}-3", "generation": 3, "error": None, "search": "ready"}
    preview.schedule({Path("bad")})
    version, now = preview.wait_for_change(version, 5)
    assert now["generation"] == 3 and "content/x.yaml:3: invalid YAML" in now["error"]
    preview.close(wait=True)


# --- in the browser -------------------------------------------------------------------------------

def test_a_save_reloads_the_open_tab_and_a_quick_second_save_still_arrives(preview, page):
    from playwright.sync_api import expect
    source = preview.paths.root / RECORD_MD
    page.goto(preview.url + RECORD_PAGE)
    title = page.locator("h1.record-title")
    expect(title).to_have_text(RECORD_TITLE)

    retitle(source, RECORD_TITLE, "东区低保公示（第一次修改）")
    expect(title).to_have_text("东区低保公示（第一次修改）", timeout=WAIT_MS)

    # a tab that only connects after a build finished still reloads: hold its livereload.js meanwhile
    held = []
    page.route("**/livereload.js*", lambda route: held.append(route))
    page.reload(wait_until="commit")
    expect(title).to_have_text("东区低保公示（第一次修改）")
    generation = state(preview.url)["generation"]
    retitle(source, "东区低保公示（第一次修改）", "东区低保公示（已连上前改）")
    wait_for(preview.url, lambda s: s["generation"] > generation)
    assert len(held) == 1
    expect(title).to_have_text("东区低保公示（第一次修改）")
    held[0].continue_()
    page.unroute("**/livereload.js*")
    expect(title).to_have_text("东区低保公示（已连上前改）", timeout=WAIT_MS)

    retitle(source, "东区低保公示（已连上前改）", "东区低保公示（第二次修改）")
    time.sleep(0.3)                                 # the second save lands while the first one builds
    retitle(source, "东区低保公示（第二次修改）", "东区低保公示（第三次修改）")
    expect(title).to_have_text("东区低保公示（第三次修改）", timeout=WAIT_MS)
    assert page.locator("#preview-error").count() == 0
    assert preview_traces(preview.paths.output) == []


def test_broken_content_shows_an_overlay_over_the_last_good_site_and_a_fix_recovers(preview, page):
    from playwright.sync_api import expect
    source = preview.paths.root / WEST_YAML
    good = source.read_text(encoding="utf-8")
    page.goto(preview.url + WEST_PAGE)
    title = page.locator("h1.record-title")
    expect(title).to_have_text(WEST_TITLE)

    lines = good.splitlines()
    broken_line = next(n for n, line in enumerate(lines, 1) if "title:" in line)
    lines[broken_line - 1] = lines[broken_line - 1].replace("title: ", "title: [未闭合 ")
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")

    overlay = page.get_by_role("alert")
    expect(overlay).to_be_visible(timeout=WAIT_MS)
    expect(overlay).to_contain_text("内容有误，预览仍显示上次成功构建的网站")
    expect(overlay).to_contain_text(re.compile(rf"{re.escape(WEST_YAML)}:{broken_line + 1}|{re.escape(WEST_YAML)}:{broken_line}"))
    expect(title).to_have_text(WEST_TITLE)          # the last good site is still underneath
    assert page.locator("#preview-error pre script").count() == 0

    page.reload()                                   # a tab opened while the content is broken shows it too
    expect(page.get_by_role("alert")).to_contain_text(WEST_YAML, timeout=WAIT_MS)
    expect(title).to_have_text(WEST_TITLE)

    source.write_text(good.replace(WEST_TITLE, "西区低保标准调整（已改正）"), encoding="utf-8")
    expect(title).to_have_text("西区低保标准调整（已改正）", timeout=WAIT_MS)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert preview_traces(preview.paths.output) == []


def test_serve_stops_on_ctrl_c_even_when_started_as_a_background_job(site_copy):
    # A non-interactive shell starts `cmd &` with SIGINT ignored; the preview must still stop.
    proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--root", str(site_copy), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        url = re.fullmatch(r"预览地址: (http://127\.0\.0\.1:\d+/)\n", proc.stdout.readline()).group(1)
        wait_for(url, lambda s: s["generation"] >= 1)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            pytest.fail("serve ignored Ctrl+C when started with SIGINT ignored")
    assert proc.returncode == 0, err
    assert "预览已停止" in out
