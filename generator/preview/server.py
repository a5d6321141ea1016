"""The HTTP side, on livereload: its `Server` (a tornado application), its WebSocket and its
livereload.js for reloading the open tabs, its Watcher hooks for the sources (watch.py).

What livereload does not do, added here:
- `SiteFiles` serves output/ only (files.py maps a request to a file, also under site.yaml's
  `base_path`), with the site's own 404 page, and adds the script tags to HTML at serve time;
- `ReloadSocket` reloads the tabs when a build has finished, not when a file changed: livereload's
  own poll drops a reload that comes within 3 s of the previous one, so two saves 0.3 s apart
  would reach the browser once; and it reloads a tab that connects with a page from an older build;
- the error overlay over the last good site (responses.py's plugin for livereload.js);
- sockets bound before anything starts, so a taken port is reported at once and port 0 works."""
from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets
from tornado.websocket import WebSocketHandler

from ..paths import ProjectPaths
from .files import Redirect, SiteBasePath, find_file, locate
from .responses import NOT_FOUND_PAGE, PLUGIN_ID, PREVIEW_JS, STATE_PATH, content_type, inject, no_site_page
from .state import Preview, Rebuild
from .watch import SourceFilter, SourceWatcher

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000
RELOAD_PAGE = "*"                                   # livereload.js reloads the page for any other path


class ReloadSocket(LiveReloadHandler):
    """livereload's WebSocket for one preview (a subclass is made per server, see `bind`)."""

    preview: Preview

    def check_origin(self, origin: str) -> bool:
        return WebSocketHandler.check_origin(self, origin)      # only pages of this server

    @classmethod
    def poll_tasks(cls) -> None:
        """livereload's poll without its reload: `examine` runs the rebuild task; the reload
        follows when the build is done (`announce`)."""
        cls.watcher.examine()

    def on_message(self, message: str) -> None:
        super().on_message(message)
        data = json.loads(message)
        if data.get("command") == "info":
            plugin = (data.get("plugins") or {}).get(PLUGIN_ID) or {}
            self.catch_up(plugin.get("build"))

    def catch_up(self, page_build: str | None) -> None:
        """A page served before the latest build reloads; one served after it shows the error, if any."""
        _, state = self.preview.snapshot()
        if page_build != state["build"]:
            self.send_message(reload_message(RELOAD_PAGE))
        elif state["error"]:
            self.send_message(reload_message(STATE_PATH))

    @classmethod
    def announce(cls, succeeded: bool) -> None:
        """On the IO loop, after a build: every open tab reloads, or shows the error."""
        message = reload_message(RELOAD_PAGE if succeeded else STATE_PATH)
        for waiter in [w for w in LiveReloadHandler.waiters if isinstance(w, cls)]:
            waiter.send_message(message)

    @classmethod
    def bind(cls, preview: Preview, watcher: SourceWatcher) -> type[ReloadSocket]:
        # livereload keeps the watcher and the reload clock on the handler class
        return type("BoundReloadSocket", (cls,), {"preview": preview, "watcher": watcher,
                                                  "live_css": False, "_last_reload_time": None})


def reload_message(path: str) -> dict:
    return {"command": "reload", "path": path, "liveCSS": False, "liveImg": False}


class PreviewResponse(web.RequestHandler):
    """Every response of the preview: never cached, never sniffed, no access log."""

    def compute_etag(self):
        return None

    def send_body(self, status: int, data: bytes, ctype: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", ctype)
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(data)                             # tornado sends no body for HEAD


class SiteFiles(PreviewResponse):
    preview: Preview
    base_path: Callable[[], str]

    def get(self) -> None:
        build = self.preview.build_token()          # before the file: a page is never newer than its token
        output = self.preview.output
        if not wait_for_folder(output):
            return self.send_missing_site(build)
        found = find_file(output, self.request.uri, self.base_path())
        if isinstance(found, Redirect):
            return self.send_redirect(found)
        try:
            data = found.read_bytes() if found is not None else None
        except OSError:
            data = None
        if data is None:
            return self.send_not_found(output, build)
        self.send_file(HTTPStatus.OK, data, content_type(found.name), build)

    head = get

    def send_file(self, status: int, data: bytes, ctype: str, build: str) -> None:
        if ctype.startswith("text/html"):
            data = inject(data, build, self.request.host)
        self.send_body(status, data, ctype)

    def send_not_found(self, output: Path, build: str) -> None:
        page = locate(output, ["404.html"])
        try:
            data = page.read_bytes() if isinstance(page, Path) else NOT_FOUND_PAGE
        except OSError:
            data = NOT_FOUND_PAGE
        self.send_file(HTTPStatus.NOT_FOUND, data, "text/html; charset=utf-8", build)

    def send_missing_site(self, build: str) -> None:
        """No output/ yet: pages say why (and reload once there is a site), anything else is 404."""
        if PurePosixPath(self.request.path).suffix.lower() not in ("", ".html", ".htm"):
            return self.send_body(HTTPStatus.NOT_FOUND, NOT_FOUND_PAGE, "text/html; charset=utf-8")
        _, state = self.preview.snapshot()
        self.send_file(HTTPStatus.SERVICE_UNAVAILABLE, no_site_page(state["error"]),
                       "text/html; charset=utf-8", build)

    def send_redirect(self, location: str) -> None:
        query = self.request.uri[len(self.request.uri.split("?", 1)[0]):]
        self.set_header("Location", quote(location) + query)
        self.send_body(HTTPStatus.FOUND, b"", "text/html; charset=utf-8")   # not 301: browsers keep it


class PreviewState(PreviewResponse):
    preview: Preview

    def get(self) -> None:
        _, state = self.preview.snapshot()
        self.send_body(HTTPStatus.OK, json.dumps(state, ensure_ascii=False).encode(),
                       "application/json; charset=utf-8")


class PreviewScript(PreviewResponse):
    def get(self) -> None:
        self.send_body(HTTPStatus.OK, PREVIEW_JS, "text/javascript; charset=utf-8")


def wait_for_folder(output: Path, tries: int = 3) -> bool:
    """output/ exists (a build swaps it in with two renames: wait out the moment between them)."""
    for attempt in range(tries):
        if output.is_dir():
            return True
        if attempt < tries - 1:
            time.sleep(0.02)
    return False


class LiveServer(Server):
    """livereload's Server with the preview's handlers in place of its static files, on sockets
    bound beforehand."""

    def __init__(self, preview: Preview, base_path: Callable[[], str]):
        super().__init__(watcher=SourceWatcher())
        self.preview = preview
        self.base_path = base_path
        self.socket_class = ReloadSocket.bind(preview, self.watcher)

    def get_web_handlers(self, script=None) -> list:
        bound = {"preview": self.preview}
        return [(r"/livereload", self.socket_class),
                (r"/livereload\.js", LiveReloadJSHandler),
                (STATE_PATH, type("BoundState", (PreviewState,), bound)),
                (r"/__preview__/preview\.js", PreviewScript),
                (r".*", type("BoundSiteFiles", (SiteFiles,), {**bound, "base_path": staticmethod(self.base_path)}))]

    def application(self) -> web.Application:
        return web.Application(self.get_web_handlers(), log_function=lambda _handler: None)


@dataclass
class PreviewServer:
    """A preview bound to its port: the livereload server, the rebuild thread and the watchers."""

    paths: ProjectPaths
    preview: Preview
    live: LiveServer
    sockets: list
    loop: IOLoop | None = None
    _serving: threading.Thread | None = None
    _ready: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        host, port = self.sockets[0].getsockname()[:2]
        return f"http://{f'[{host}]' if ':' in host else host}:{port}/"

    def start(self) -> None:
        """Watch the sources and begin the initial build; requests are served by `serve_forever`."""
        for folder in (self.paths.content, self.paths.themes, self.paths.districts):
            if folder.is_dir():
                self.live.watch(str(folder), self.preview.schedule, ignore=self.ignored())
        self.live.watch(str(self.paths.site_file), self.preview.schedule, ignore=self.ignored())
        self.preview.listeners.append(self.announce)
        self.preview.start()

    def ignored(self):
        return SourceFilter([self.paths.output, self.paths.root / ".build-cache"]).ignore

    def announce(self, succeeded: bool) -> None:
        """From the rebuild thread: tell the tabs, on the IO loop (tabs that are not connected yet
        catch up when they connect)."""
        if self.loop is not None:
            self.loop.add_callback(self.live.socket_class.announce, succeeded)

    def serve_forever(self) -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        self.loop = IOLoop.current()
        http = HTTPServer(self.live.application())
        http.add_sockets(self.sockets)
        self.live.socket_class.start_tasks()          # livereload starts the watcher
        self._ready.set()
        try:
            self.loop.start()
        finally:
            http.stop()
            self.live.watcher.stop()
            self.loop.close(all_fds=True)

    def serve_in_background(self) -> None:
        self._serving = threading.Thread(target=self.serve_forever, name="preview-http", daemon=True)
        self._serving.start()
        self._ready.wait(10)

    def close(self, wait_for_build: bool = False) -> None:
        self.live.watcher.stop()
        self.preview.close(wait=wait_for_build)
        if self._serving is not None and self.loop is not None:
            self.loop.add_callback(self.loop.stop)
            self._serving.join(10)
        for sock in self.sockets:
            sock.close()


def open_preview(paths: ProjectPaths, rebuild: Rebuild, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 log: Callable[[str], None] | None = None) -> PreviewServer:
    """Bind the port (OSError when taken); nothing runs until `start`."""
    preview = Preview(paths.output, rebuild, root=paths.root, log=log)
    sockets = bind_sockets(port, address=host)
    return PreviewServer(paths, preview, LiveServer(preview, SiteBasePath(paths.site_file)), sockets)
