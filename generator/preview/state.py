"""The preview's state and rebuilds: `Preview` holds what the open tabs are told and runs the
rebuilds, one at a time, on a background thread; `Builder` is the rebuild it is given (a builder
process that keeps the site in memory, see builder.py)."""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import BuildError
from ..paths import ProjectPaths

Rebuild = Callable[[set[Path]], None]


class Preview:
    """What the open tabs are told, and the rebuild thread.

    `rebuild(changed)` gets the set of changed source files; the first call, made by `start`, gets
    an empty set and must build everything. It raises `BuildError` on bad content; output/ is then
    left as it was, so the last good site stays served.
    """

    def __init__(self, output: Path, rebuild: Rebuild, *, root: Path | None = None,
                 log: Callable[[str], None] | None = None, err: Callable[[str], None] | None = None):
        self.output = Path(output)
        self.rebuild = rebuild
        self.root = root
        self.log = log or (lambda msg: print(msg, flush=True))
        self.err = err or (lambda msg: print(msg, file=sys.stderr, flush=True))
        self.epoch = secrets.token_hex(4)        # a restarted server never matches an old tab
        self.generation = 0                       # successful builds so far
        self.error: str | None = None             # the last build's error report, if it failed
        self.version = 0                          # bumped on every change of the two above
        self.closed = False
        self.building = False
        self.searching = False                    # the search index follows the pages it was built with
        self.listeners: list[Callable[[bool], None]] = []   # told after every build: did it succeed
        self._state = threading.Condition()
        self._work = threading.Condition()
        self._queued = False
        self._first = True                        # the first build is a full one, whatever changed
        self._changed: set[Path] = set()
        self._worker = threading.Thread(target=self._run, name="preview-rebuild", daemon=True)
        if hasattr(rebuild, "report_search"):
            rebuild.report_search = self.set_searching

    # the state, as the browser sees it

    def build_token(self) -> str:
        with self._state:
            return f"{self.epoch}-{self.generation}"

    def snapshot(self) -> tuple[int, dict]:
        with self._state:
            return self.version, {"build": f"{self.epoch}-{self.generation}",
                                  "generation": self.generation, "error": self.error,
                                  "search": "updating" if self.searching else "ready"}

    def wait_for_change(self, version: int, timeout: float) -> tuple[int, dict]:
        """Block until the state differs from `version` (or the timeout, or close); return it."""
        with self._state:
            self._state.wait_for(lambda: self.version != version or self.closed, timeout)
        return self.snapshot()

    def set_searching(self, searching: bool) -> None:
        with self._state:
            self.searching = searching
            self.version += 1
            self._state.notify_all()

    def _set_state(self, succeeded: bool, error: str | None) -> None:
        with self._state:
            self.generation += 1 if succeeded else 0
            self.error = error
            self.version += 1
            self._state.notify_all()
        for listener in self.listeners:
            listener(succeeded)

    # rebuilds

    def start(self) -> None:
        """Start the rebuild thread with the initial, full build."""
        self._worker.start()
        self.schedule(())

    def schedule(self, changed: Iterable[Path]) -> None:
        """Queue a rebuild; changes that arrive while one runs make exactly one more after it."""
        with self._work:
            self._changed.update(changed)
            self._queued = True
            self._work.notify_all()

    def _run(self) -> None:
        while True:
            with self._work:
                self._work.wait_for(lambda: self._queued or self.closed)
                if self.closed:
                    return
                changed, self._changed, self._queued = self._changed, set(), False
                if self._first:
                    changed, self._first = set(), False
                self.building = True
            try:
                self._build_once(changed)
            finally:
                self.building = False

    def _build_once(self, changed: set[Path]) -> None:
        started = time.perf_counter()
        what = self.describe(changed)
        try:
            self.rebuild(changed)
        except BuildError as exc:
            self._failed(what, exc.report())
        except Exception:                          # a bug must not end the preview
            self._failed(what, traceback.format_exc())
        else:
            seconds = time.perf_counter() - started
            self._set_state(True, None)
            self.log(f"[{clock()}] {'已重新构建（' + what + '）' if changed else '首次构建完成'}，{seconds:.1f} s")

    def _failed(self, what: str, report: str) -> None:
        self._set_state(False, report)
        self.err(f"[{clock()}] 构建失败（{what}）：\n{report}\n"
                 "预览仍显示上次成功构建的网站；改正后保存即可，无需重启。")

    def describe(self, changed: set[Path]) -> str:
        if not changed:
            return "首次构建"
        names = sorted(self._display(path) for path in changed)
        shown = "、".join(names[:3])
        return shown if len(names) <= 3 else f"{shown} 等 {len(names)} 个文件"

    def _display(self, path: Path) -> str:
        if self.root is not None and path.is_relative_to(self.root):
            return path.relative_to(self.root).as_posix()
        return path.as_posix()

    def close(self, wait: bool = False) -> None:
        with self._work:
            self.closed = True
            self._work.notify_all()
        with self._state:
            self._state.notify_all()
        if wait and self._worker.is_alive():
            self._worker.join()
        if hasattr(self.rebuild, "close"):
            self.rebuild.close(wait)


def clock() -> str:
    return time.strftime("%H:%M:%S")


class ReportedError(BuildError):
    """Content errors the builder process reported (its report as it printed it)."""

    def __init__(self, text: str):
        super().__init__("preview", [])
        self.text = text

    def report(self) -> str:
        return self.text


class Builder:
    """The rebuild the preview runs: a builder process (builder.py) that keeps the site in memory.
    A call returns as soon as the pages are written; the search index follows in the builder,
    and the next call waits for it."""

    def __init__(self, paths: ProjectPaths):
        self.paths = paths
        self.process: subprocess.Popen | None = None
        self.report_search: Callable[[bool], None] = lambda _searching: None
        self._search: threading.Thread | None = None

    def __call__(self, changed: set[Path]) -> None:
        self._wait_for_search()
        if self.process is None or self.process.poll() is not None:
            self._start()
            changed = set()
        self.process.stdin.write(json.dumps({"changed": sorted(str(p) for p in changed)}) + "\n")
        self.process.stdin.flush()
        while True:
            message = self._read()
            if "pages" in message:
                self.report_search(True)
                self._search = threading.Thread(target=self._follow_search, name="preview-search", daemon=True)
                self._search.start()
                return
            if "done" in message:
                return
            if "error" in message:
                raise ReportedError(message["error"])

    def _follow_search(self) -> None:
        """Read until the builder says the search index followed the pages."""
        try:
            while "done" not in (message := self._read()) and "error" not in message:
                pass
        except (RuntimeError, ValueError, OSError):
            pass
        finally:
            self.report_search(False)

    def _start(self) -> None:
        paths = self.paths
        command = [sys.executable, "-m", "generator.preview.builder", "--root", str(paths.root),
                   "--output", str(paths.output), "--themes", str(paths.themes)]
        code = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": code + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                        encoding="utf-8", env=env)

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            code = self.process.wait()
            self.process = None
            raise RuntimeError(f"the preview's builder process stopped (exit code {code})")
        return json.loads(line)

    def _wait_for_search(self) -> None:
        if self._search is not None:
            self._search.join()
            self._search = None

    def close(self, wait: bool = True) -> None:
        """Let the builder finish what it does, save its state and stop (`wait`: however long
        that takes; else a few seconds, then it is stopped: the journal repairs its output)."""
        if self.process is None:
            return
        if wait:
            self._wait_for_search()
        try:
            self.process.stdin.close()
            self.process.wait(timeout=3600 if wait else 5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        self.process = None


def builder(paths: ProjectPaths) -> Builder:
    return Builder(paths)
