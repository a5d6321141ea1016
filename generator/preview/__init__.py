"""`python build.py serve`: the local preview for reviewers, on the livereload package.

livereload gives the server (tornado), the browser reload (its WebSocket and livereload.js) and
the watcher hooks (`Server.watch`, `Watcher.examine`). What this package adds, and only that:

- `Preview` (state.py) holds the state the browser sees (the build generation and the current
  error) and runs the rebuilds, one at a time, on a background thread. It is given a
  `rebuild(changed)` callable: `Builder`, which hands the changed files to a builder process
  (builder.py) that keeps the site in memory between saves.
- `SourceWatcher` (watch.py) is livereload's Watcher fed by watchfiles (inotify) instead of
  walking the folders, without editor temporary files.
- server.py: livereload's Server with our handlers: output/ only, also under site.yaml's
  `base_path` (files.py maps a request to a file), the site's own 404 page, the script tags added
  to HTML at serve time, never into output/ (responses.py); and its WebSocket, reloading when a
  build has finished rather than when a file changed.
- responses.py's plugin for livereload.js: the error overlay over the last good site.

command.py is the command line: `serve_command` binds the port, starts the above and stops cleanly.

No reload is ever dropped: every successful rebuild gets a new generation number; each page is
served with the generation it was read at, which the plugin tells the server when it connects,
and the server reloads a tab whose page is from an older generation.
"""
from .command import serve_command, serve_parser
from .files import Redirect, SiteBasePath, find_file, safe_segments
from .responses import content_type
from .server import PreviewServer, open_preview
from .state import Builder, Preview, builder
from .watch import SourceFilter, SourceWatcher

__all__ = ["Preview", "PreviewServer", "Redirect", "SiteBasePath", "SourceFilter", "SourceWatcher", "content_type",
           "find_file", "builder", "Builder", "open_preview", "safe_segments", "serve_command", "serve_parser"]
