"""The HTTP side: `PreviewHandler` serves output/ and the preview's own endpoints (the reload
script, the state, the event stream); `PreviewServer` binds the port and ties the server, the
rebuild thread and the watchers together; `open_preview` makes one."""
from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from ..paths import ProjectPaths
from .files import Redirect, SiteBasePath, find_file, locate
from .responses import NOT_FOUND_PAGE, PREVIEW_PREFIX, RELOAD_JS, content_type, inject, no_site_page
from .state import Preview, Rebuild
from .watch import watch_sources

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000
KEEPALIVE_SECONDS = 15


class PreviewHandler(BaseHTTPRequestHandler):
    server_version = "jczwgk-preview"
    protocol_version = "HTTP/1.1"
    preview: Preview
    base_path: Callable[[], str]

    def do_GET(self) -> None:
        self.respond(head=False)

    def do_HEAD(self) -> None:
        self.respond(head=True)

    def log_message(self, format: str, *args) -> None:   # one line per rebuild, not per request
        pass

    def respond(self, head: bool) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith(PREVIEW_PREFIX):
            return self.preview_endpoint(path[len(PREVIEW_PREFIX):], head)
        build = self.preview.build_token()         # before the file: a page is never newer than its token
        output = self.preview.output
        if not wait_for_folder(output):
            return self.send_missing_site(path, head, build)
        found = find_file(output, self.path, self.base_path())
        if isinstance(found, Redirect):
            return self.send_redirect(found, head)
        try:
            data = found.read_bytes() if found is not None else None
        except OSError:
            data = None
        if data is None:
            return self.send_not_found(output, head, build)
        self.send_file(HTTPStatus.OK, data, content_type(found.name), head, build)

    def preview_endpoint(self, name: str, head: bool) -> None:
        if name == "reload.js":
            return self.send_body(HTTPStatus.OK, RELOAD_JS, "text/javascript; charset=utf-8", head)
        if name == "state":
            _, state = self.preview.snapshot()
            return self.send_body(HTTPStatus.OK, json.dumps(state, ensure_ascii=False).encode(),
                                  "application/json; charset=utf-8", head)
        if name == "events" and not head:
            return self.send_events()
        self.send_body(HTTPStatus.NOT_FOUND, NOT_FOUND_PAGE, "text/html; charset=utf-8", head)

    def send_file(self, status: int, data: bytes, ctype: str, head: bool, build: str) -> None:
        if ctype.startswith("text/html"):
            data = inject(data, build)
        self.send_body(status, data, ctype, head)

    def send_not_found(self, output: Path, head: bool, build: str) -> None:
        page = locate(output, ["404.html"])
        try:
            data = page.read_bytes() if isinstance(page, Path) else NOT_FOUND_PAGE
        except OSError:
            data = NOT_FOUND_PAGE
        self.send_file(HTTPStatus.NOT_FOUND, data, "text/html; charset=utf-8", head, build)

    def send_missing_site(self, path: str, head: bool, build: str) -> None:
        """No output/ yet: pages say why (and reload once there is a site), anything else is 404."""
        if PurePosixPath(path).suffix.lower() not in ("", ".html", ".htm"):
            return self.send_body(HTTPStatus.NOT_FOUND, NOT_FOUND_PAGE, "text/html; charset=utf-8", head)
        _, state = self.preview.snapshot()
        self.send_file(HTTPStatus.SERVICE_UNAVAILABLE, no_site_page(state["error"]),
                       "text/html; charset=utf-8", head, build)

    def send_redirect(self, location: str, head: bool) -> None:
        query = self.path[len(self.path.split("?", 1)[0]):]
        self.send_response(HTTPStatus.FOUND)              # not 301: browsers would keep it
        self.send_header("Location", quote(location) + query)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def send_body(self, status: int, data: bytes, ctype: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def send_events(self) -> None:
        """Server-sent events: the state now, then on every change; a comment now and then."""
        self.close_connection = True
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        version = None
        try:
            while not self.preview.closed:
                latest, state = (self.preview.snapshot() if version is None
                                 else self.preview.wait_for_change(version, KEEPALIVE_SECONDS))
                message = (f"data: {json.dumps(state, ensure_ascii=False)}\n\n" if latest != version
                           else ": keep-alive\n\n")
                if version is None:
                    message = "retry: 1000\n" + message      # reconnect quickly after a restart
                self.wfile.write(message.encode())
                self.wfile.flush()
                version = latest
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            pass


def wait_for_folder(output: Path, tries: int = 3) -> bool:
    """output/ exists (a build swaps it in with two renames: wait out the moment between them)."""
    for attempt in range(tries):
        if output.is_dir():
            return True
        if attempt < tries - 1:
            time.sleep(0.02)
    return False


# --- the server -----------------------------------------------------------------------------------

class PreviewHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):   # a tab that went away: not news
            super().handle_error(request, client_address)


class PreviewHTTPServer6(PreviewHTTPServer):
    address_family = socket.AF_INET6


def make_http_server(preview: Preview, host: str, port: int,
                     base_path: Callable[[], str] = lambda: "/") -> ThreadingHTTPServer:
    handler = type("BoundPreviewHandler", (PreviewHandler,),
                   {"preview": preview, "base_path": staticmethod(base_path)})
    server_class = PreviewHTTPServer6 if ":" in host else PreviewHTTPServer
    return server_class((host, port), handler)


@dataclass
class PreviewServer:
    """A preview bound to its port: the HTTP server, the rebuild thread and the watchers."""

    paths: ProjectPaths
    preview: Preview
    http: ThreadingHTTPServer
    stop: threading.Event = field(default_factory=threading.Event)
    _serving: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.http.server_address[:2]
        return f"http://{f'[{host}]' if ':' in host else host}:{port}/"

    def start(self) -> None:
        """Begin the initial build and the watching; requests are served by `serve_forever`."""
        watch_sources(self.paths, self.preview, self.stop)
        self.preview.start()

    def serve_forever(self) -> None:
        self.http.serve_forever(poll_interval=0.2)

    def serve_in_background(self) -> None:
        self._serving = threading.Thread(target=self.serve_forever, name="preview-http", daemon=True)
        self._serving.start()

    def close(self, wait_for_build: bool = False) -> None:
        self.stop.set()
        self.preview.close(wait=wait_for_build)
        if self._serving is not None:
            self.http.shutdown()
        self.http.server_close()


def open_preview(paths: ProjectPaths, rebuild: Rebuild, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 log: Callable[[str], None] | None = None) -> PreviewServer:
    """Bind the port (OSError when taken); nothing runs until `start`."""
    preview = Preview(paths.output, rebuild, root=paths.root, log=log)
    http = make_http_server(preview, host, port, SiteBasePath(paths.site_file))
    return PreviewServer(paths, preview, http)
