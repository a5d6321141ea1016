"""`python build.py serve`: the local preview for reviewers.

Three parts, each small:

- `Preview` (state.py) holds the state the browser sees (the build generation and the current
  error) and runs the rebuilds, one at a time, on a background thread. It is given a
  `rebuild(changed)` callable and knows nothing else about the build: `Builder`, which hands the
  changed files to a builder process (builder.py) that keeps the site in memory between saves.
- `watch_sources` (watch.py) watches content/, themes/, districts/ and site.yaml and hands what
  changed to `Preview.schedule`.
- `PreviewHandler` (server.py) serves files from the output folder only (files.py maps a request
  to a file), injects the reload script into HTML at serve time, never into output/ (responses.py),
  and streams the state to the open tabs.

command.py is the command line: `serve_command` binds the port, starts the above and stops cleanly.

No reload is ever dropped: every successful rebuild gets a new generation number; each page is
served with the generation it was read at, and its script reloads as soon as the server's
generation is a different one, even if the tab only connects after the build finished.
"""
from .command import serve_command, serve_parser
from .files import Redirect, SiteBasePath, find_file, safe_segments
from .responses import content_type
from .server import PreviewServer, open_preview
from .state import Builder, Preview, builder
from .watch import SourceFilter

__all__ = ["Preview", "PreviewServer", "Redirect", "SiteBasePath", "SourceFilter", "content_type", "find_file",
           "builder", "Builder", "open_preview", "safe_segments", "serve_command", "serve_parser"]
