"""Watching the sources with livereload's Watcher hooks: each watched path is a livereload task
(`Server.watch(path, func, ignore=...)`), and livereload's `examine()` runs the task's function
with what changed. What livereload does not do, and this module adds: it learns of changes from
watchfiles (inotify) instead of walking content/ every 0.8 s, which at 100,000 files would cost
more than a rebuild; and it leaves out editor temporary files, output/ and the build cache."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from livereload.watcher import Watcher

EDITOR_TEMP_NAMES = {"4913"}                       # vim's write test


def is_editor_temp(name: str) -> bool:
    return (name in EDITOR_TEMP_NAMES or name.endswith("~") or name.startswith(".#")
            or (name.startswith("#") and name.endswith("#"))
            or name.endswith((".swp", ".swo", ".swx", ".tmp")))


@dataclass
class SourceFilter:
    """Which file events cause a rebuild: not editor temp files, not the output, not the cache."""

    ignored: list[Path]
    only_names: set[str] = field(default_factory=set)

    def __call__(self, _change, path: str) -> bool:
        target = Path(path)
        if self.only_names and target.name not in self.only_names:
            return False
        if is_editor_temp(target.name) or ".build-cache" in target.parts or "__pycache__" in target.parts:
            return False
        return not any(target == folder or target.is_relative_to(folder) for folder in self.ignored)

    def ignore(self, path: str) -> bool:
        """livereload's form of the same question."""
        return not self(None, path)


class SourceWatcher(Watcher):
    """livereload's Watcher, told of changes by watchfiles. A task's path may be a folder (watched
    with everything below it) or a file (its folder is watched, not recursively, for that name: an
    editor's save may replace the file itself)."""

    def __init__(self) -> None:
        super().__init__()
        self.stop_event = threading.Event()
        self._pending: dict[str, set[Path]] = {}
        self._lock = threading.Lock()

    def start(self, callback) -> bool:
        """Called by livereload on its IO loop: `callback` (its poll_tasks) runs there after changes."""
        from tornado.ioloop import IOLoop
        loop = IOLoop.current()
        for path, task in self._tasks.items():
            arrived = self._arrival(path, lambda: loop.add_callback(callback))
            threading.Thread(target=watch_loop, args=(Path(path), task["ignore"], arrived, self.stop_event),
                             name="preview-watch", daemon=True).start()
        return True                                  # no polling

    def _arrival(self, task: str, wake):
        def arrived(changed: set[Path]) -> None:
            with self._lock:
                self._pending.setdefault(task, set()).update(changed)
            wake()
        return arrived

    def is_changed(self, path, ignore=None):
        """What changed for the task at `path` since livereload last asked, as a list (livereload
        then hands it to the task's function), or False."""
        with self._lock:
            changed = self._pending.pop(path, set())
        if not changed:
            return False
        self.filepath = str(min(changed))
        return sorted(changed)

    def stop(self) -> None:
        self.stop_event.set()


def watch_loop(target: Path, ignore, arrived, stop: threading.Event) -> None:
    from watchfiles import watch
    folder, recursive, name = (target, True, None) if target.is_dir() else (target.parent, False, target.name)

    def wanted(_change, path: str) -> bool:
        return (name is None or Path(path).name == name) and not (ignore and ignore(path))

    # step=50: a batch of events is handed over once 50 ms pass without a new one
    for changes in watch(folder, watch_filter=wanted, stop_event=stop, step=50, recursive=recursive,
                         raise_interrupt=False):
        changed = lasting_changes(changes)
        if changed:
            arrived(changed)


def lasting_changes(changes: set[tuple[object, str]]) -> set[Path]:
    """The changed paths, without files that came and went within the batch (an editor's or
    `sed -i`'s temporary file, saved over the real one by a rename)."""
    from watchfiles import Change
    added = {path for change, path in changes if change == Change.added}
    return {Path(path) for _change, path in changes if path not in added or Path(path).exists()}
