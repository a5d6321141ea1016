"""The preview's builder: a process of its own that keeps the build session (the store, the graph,
the source cache) in memory between saves and builds from what changed.

It runs no thread, so it may fork render workers for a big rebuild; the server process, which runs
the HTTP server and the watchers, never forks. They talk over the builder's stdin and stdout, one
JSON object a line:

  server -> builder   {"changed": ["/abs/path", ...]}      (the first one: [] — look at every file)
  builder -> server   {"pages": true, "rendered": n}       the pages are in output/
                      {"done": true, "seconds": s}         the search index followed
                      {"error": "report"}                   content errors; output/ as it was

The state is saved to disk once no save came for a moment, and when the server closes stdin.
"""
from __future__ import annotations

import argparse
import json
import select
import signal
import sys
import time
from pathlib import Path

from ..errors import BuildError
from ..paths import ProjectPaths
from ..session import BuildOptions, Session

SAVE_AFTER_IDLE = 2.0      # seconds without a request before the state is written to disk


def reply(message: dict) -> None:
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def requests(stream) -> "iter[dict | None]":
    """Requests as they come; None when the stream was idle for SAVE_AFTER_IDLE seconds."""
    while True:
        ready, _, _ = select.select([stream], [], [], SAVE_AFTER_IDLE)
        if not ready:
            yield None
            continue
        line = stream.readline()
        if not line:
            return
        yield json.loads(line)


def serve(paths: ProjectPaths) -> int:
    # Ctrl+C reaches the whole process group: the server stops us by closing stdin, after the
    # build under way has finished, so that output/ is never left half made.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    session = Session(paths, log=lambda _message: None)
    first, unsaved = True, False
    for request in requests(sys.stdin):
        if request is None:
            if unsaved:
                with session.state.locked():
                    session.save()
                unsaved = False
            continue
        changed = None if first else {Path(p) for p in request.get("changed", [])}
        started = time.perf_counter()
        try:
            result = session.build(BuildOptions(progress=first), save=False, changed=changed,
                                   on_pages=lambda: reply({"pages": True}), short_way=False)
        except BuildError as exc:
            reply({"error": exc.report()})
            continue
        first, unsaved = False, True
        reply({"done": True, "rendered": result.rendered, "seconds": round(time.perf_counter() - started, 3)})
    if unsaved:
        with session.state.locked():
            session.save()
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m generator.preview.builder")
    p.add_argument("--root", type=Path, required=True)
    p.add_argument("--output", type=Path)
    p.add_argument("--themes", type=Path)
    args = p.parse_args(argv)
    return serve(ProjectPaths.at(args.root, args.output, args.themes))


if __name__ == "__main__":
    sys.exit(main())
