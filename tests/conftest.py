"""Shared fixtures: the small test site and the default site, each built once per session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.paths import ProjectPaths
from generator.pipeline import build

REPO = Path(__file__).resolve().parent.parent
BASIC = REPO / "tests" / "sites" / "basic"


def build_into(root: Path, output: Path) -> None:
    build(ProjectPaths.at(root, output, REPO / "themes"), log=lambda _msg: None)


def soup(output: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((output / page).read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="session")
def basic_site(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("basic") / "output"
    build_into(BASIC, output)
    return output


@pytest.fixture(scope="session")
def default_site(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("default") / "output"
    build_into(REPO, output)
    return output


@pytest.fixture
def site_copy(tmp_path) -> Path:
    """A writable copy of the small test site, for tests that break it on purpose."""
    root = tmp_path / "site"
    shutil.copytree(BASIC, root)
    shutil.copytree(REPO / "themes", root / "themes")     # a whole project, for the command line
    return root


# --- a small or read-only disk, in a mount namespace of its own ------------------------------------------

def can_mount() -> bool:
    """A private mount namespace (root, or unprivileged user namespaces) for a small or read-only disk."""
    import subprocess
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                            "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True)
    return probe.returncode == 0


needs_mount = pytest.mark.skipif(not can_mount(), reason="no mount namespace (unshare) on this machine")


def in_namespace(script: str):
    import subprocess
    return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "bash", "-c", script],
                          capture_output=True, text=True, timeout=600)


# --- browser tests: the built site served on 127.0.0.1, driven in Debian's chromium ------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def serve(folder: Path):
    """Serve `folder` on a free 127.0.0.1 port in a thread; returns (server, base address)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def default_site_url(default_site):
    server, url = serve(default_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    tab = context.new_page()
    yield tab
    context.close()
