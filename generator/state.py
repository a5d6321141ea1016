"""The build's state on disk, beside the output: `.<output>.build-state/`.

It holds the source cache (in shards), the stamps of every source file and the dependency graph.
Files are named by their content and listed by `manifest.json`, which is replaced in one step: a
build that is killed while saving leaves the previous state whole, and the state never mixes two
builds. Nothing in it names a folder or a time of day, so a project moved or copied elsewhere keeps
its state. The journal (`journal.json`) lists what a build is about to change in the output; it is
removed once the state that matches the output is saved, so the next build after a crash knows
which files to make again.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

FORMAT = 2


def state_folder(output: Path) -> Path:
    return output.parent / f".{output.name}.build-state"


def write_atomically(target: Path, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class BuildState:
    def __init__(self, output: Path, version: str, notice: Callable[[str], None]):
        self.folder = state_folder(output)
        self.version = version
        self.notice = notice
        self.manifest: dict = {}

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One build at a time per output (the preview and a command-line build included)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self.notice("another build of this output is running; waiting for it to finish")
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def load(self) -> dict[str, bytes | dict[str, bytes]] | None:
        """{"graph": bytes, "stamps": bytes, "sources": {shard: bytes}}, or None (with a notice
        when there was a state that cannot be used)."""
        file = self.folder / "manifest.json"
        if not file.exists():
            return None
        try:
            manifest = json.loads(file.read_text(encoding="utf-8"))
            if manifest.get("format") != FORMAT or manifest.get("version") != self.version:
                self.notice(f"build state {self.folder.name} is from another version of the generator; "
                            "every page is rebuilt")
                return None
            loaded = {"graph": self._read(manifest["graph"]), "stamps": self._read(manifest["stamps"]),
                      "sources": {shard: self._read(name) for shard, name in manifest["sources"].items()}}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.notice(f"build state {self.folder.name} is unreadable; it was discarded and every page is rebuilt")
            return None
        self.manifest = manifest
        return loaded

    def _read(self, name: str) -> bytes:
        data = (self.folder / name).read_bytes()
        if not name.endswith(f"-{content_name(data)}.bin"):
            raise ValueError(f"{name} does not hold what its name says")
        return data

    def save(self, graph: bytes, stamps: bytes, sources: dict[str, bytes]) -> None:
        """Write what changed, then the manifest in one step, then drop what no manifest names."""
        self.folder.mkdir(parents=True, exist_ok=True)
        known = dict(self.manifest.get("sources", {}))
        for shard, data in sources.items():
            known[shard] = self._write(f"sources-{shard}", data)
        manifest = {"format": FORMAT, "version": self.version, "graph": self._write("graph", graph),
                    "stamps": self._write("stamps", stamps), "sources": dict(sorted(known.items()))}
        write_atomically(self.folder / "manifest.json", json.dumps(manifest, indent=1).encode())
        self.manifest = manifest
        kept = {manifest["graph"], manifest["stamps"], *known.values(), "manifest.json", "lock", "journal.json"}
        for entry in os.scandir(self.folder):
            if entry.name not in kept and entry.is_file():
                os.unlink(entry.path)

    def _write(self, prefix: str, data: bytes) -> str:
        name = f"{prefix}-{content_name(data)}.bin"
        target = self.folder / name
        if not target.exists():
            write_atomically(target, data)
        return name

    # --- the journal ------------------------------------------------------------------------------

    def write_journal(self, paths: list[str]) -> None:
        previous = self.journal()
        write_atomically(self.folder / "journal.json",
                         json.dumps(sorted(set(previous) | set(paths)), ensure_ascii=False).encode())

    def journal(self) -> list[str]:
        try:
            data = json.loads((self.folder / "journal.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return [p for p in data if isinstance(p, str)] if isinstance(data, list) else []

    def clear_journal(self) -> None:
        (self.folder / "journal.json").unlink(missing_ok=True)

    def discard(self) -> None:
        """Forget the state (a clean build starts from nothing)."""
        self.manifest = {}
        for name in ("manifest.json",):
            (self.folder / name).unlink(missing_ok=True)


def content_name(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=8).hexdigest()
