"""The build's state on disk, beside the output: `.<output>.build-state/`.

`state.sqlite` holds the source cache, the stamps of every source file, the store's record index
and lists, and the dependency graph, as tables (tables.py) read row by row as a build needs them:
a build that changes one record reads a few hundred rows. A save writes the rows that changed in
one transaction, so a build killed while saving leaves the previous state whole; a build that
starts from nothing writes a new database and puts it in place in one rename. Nothing in it names
a folder or a time of day, so a project moved or copied elsewhere keeps its state.

The journal (`journal.json`) lists what a build is about to change in the output; it is removed
once the state that matches the output is saved, so the next build after a crash knows which files
to make again. `lock` keeps two builds of one output (the preview and a command line) apart.
"""
from __future__ import annotations

import fcntl
import json
import marshal
import os
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

FORMAT = 4
DATABASE = "state.sqlite"


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
        self.db: sqlite3.Connection | None = None
        self.generation: int | None = None       # of the state as this process last read or wrote it
        self._opened: bool | None = None

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

    # --- reading ------------------------------------------------------------------------------

    def open(self) -> bool:
        """Open the database; False (with a notice when there was a state that cannot be used)
        when there is no state of this generator version to build on."""
        if self._opened is None:
            self._opened = self._open()
        return self._opened

    def _open(self) -> bool:
        file = self.folder / DATABASE
        if not file.is_file():
            return False
        try:
            db = sqlite3.connect(file, isolation_level=None)
            meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('format', 'version', 'generation')"))
            if meta.get("format") != marshal.dumps(FORMAT):
                raise ValueError("a state of another format")
        except (sqlite3.Error, ValueError, EOFError, TypeError):
            self.unreadable()
            return False
        if meta.get("version") != marshal.dumps(self.version):
            db.close()
            self.notice(f"build state {self.folder.name} is from another version of the generator; "
                        "every page is rebuilt")
            return False
        self.db, self.generation = db, marshal.loads(meta.get("generation", marshal.dumps(0)))
        return True

    def unreadable(self) -> None:
        self.notice(f"build state {self.folder.name} is unreadable; it was discarded and every page is rebuilt")
        self.close()
        self._opened = False

    def meta(self, key: str, default=None):
        if self.db is None:
            return default
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return default
        return marshal.loads(row[0]) if row else default

    def changed_elsewhere(self) -> bool:
        """Did another process save a state since this one read or saved it (a command-line
        build while the preview runs)?"""
        file = self.folder / DATABASE
        if self.generation is None:
            return file.is_file()
        try:
            with sqlite3.connect(file) as db:
                row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        except sqlite3.Error:
            return True
        return row is None or marshal.loads(row[0]) != self.generation

    # --- writing ------------------------------------------------------------------------------

    def save(self, tables: list, meta: dict) -> None:
        """Write what changed: into the open database in one transaction, or (a first build)
        into a new one that replaces the old in one rename."""
        self.folder.mkdir(parents=True, exist_ok=True)
        meta = {**meta, "format": FORMAT, "version": self.version, "generation": (self.generation or 0) + 1}
        if self.db is None:
            self._save_new(tables, meta)
        else:
            self._save_into(self.db, tables, meta)
        self.generation = meta["generation"]
        self._opened = True

    def _save_into(self, db: sqlite3.Connection, tables: list, meta: dict) -> None:
        db.execute("BEGIN")
        try:
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID")
            db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                           [(k, marshal.dumps(v)) for k, v in meta.items()])
            for table in tables:
                table.save(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _save_new(self, tables: list, meta: dict) -> None:
        temp = self.folder / f".{DATABASE}.new-{os.getpid()}"
        temp.unlink(missing_ok=True)
        db = sqlite3.connect(temp, isolation_level=None)
        db.execute("PRAGMA journal_mode = OFF")            # a new file: written whole, then renamed
        db.execute("PRAGMA synchronous = OFF")
        try:
            self._save_into(db, tables, meta)
            db.close()
            os.replace(temp, self.folder / DATABASE)
        except BaseException:
            db.close()
            temp.unlink(missing_ok=True)
            raise
        for suffix in ("-wal", "-shm", "-journal"):
            (self.folder / (DATABASE + suffix)).unlink(missing_ok=True)
        self.db = sqlite3.connect(self.folder / DATABASE, isolation_level=None)
        for table in tables:
            table.db = self.db

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def start_afresh(self) -> None:
        """A clean build: it will write a new database (the old one stays until then)."""
        self.close()
        self._opened = False

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
