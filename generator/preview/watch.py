"""Watching the sources: content/, themes/, districts/ and site.yaml; what changed goes to
`Preview.schedule`, editor temporary files, output/ and the build cache do not."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import ProjectPaths
from .state import Preview

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


def watch_sources(paths: ProjectPaths, preview: Preview, stop: threading.Event) -> list[threading.Thread]:
    """Start watching; returns the watcher threads (they end when `stop` is set)."""
    ignored = [paths.output, paths.root / ".build-cache"]
    folders = [folder for folder in (paths.content, paths.themes, paths.districts) if folder.is_dir()]
    jobs = []
    if folders:
        jobs.append((folders, SourceFilter(ignored), True))
    # site.yaml: its folder, not recursively (an editor's save may replace the file itself)
    jobs.append(([paths.root], SourceFilter(ignored, {paths.site_file.name}), False))
    threads = [threading.Thread(target=watch_loop, args=(targets, flt, recursive, preview, stop),
                                name="preview-watch", daemon=True) for targets, flt, recursive in jobs]
    for thread in threads:
        thread.start()
    return threads


def watch_loop(targets: list[Path], watch_filter: SourceFilter, recursive: bool,
               preview: Preview, stop: threading.Event) -> None:
    from watchfiles import watch
    # step=50: a batch of events is handed over once 50 ms pass without a new one
    for changes in watch(*targets, watch_filter=watch_filter, stop_event=stop, step=50,
                         recursive=recursive, raise_interrupt=False):
        changed = lasting_changes(changes)
        if changed:
            preview.schedule(changed)


def lasting_changes(changes: set[tuple[object, str]]) -> set[Path]:
    """The changed paths, without files that came and went within the batch (an editor's or
    `sed -i`'s temporary file, saved over the real one by a rename)."""
    from watchfiles import Change
    added = {path for change, path in changes if change == Change.added}
    return {Path(path) for _change, path in changes if path not in added or Path(path).exists()}
