"""Tables of the build state: dictionaries whose entries are read from the state database (SQLite,
see state.py) when they are first asked for and written back when the build saves.

A build that changes one record of 100,000 reads the few rows it needs, not the whole state; the
preview, which keeps its session, reads each row once. A table with no database behind it (a first
build) is a plain dictionary. Values are tuples of plain values or bytes, stored with marshal; keys
are text (a tuple key as its repr, which is the same in every process).
"""
from __future__ import annotations

import marshal
import os
import sqlite3
from typing import Callable, Iterator

MISSING = object()
_opened_here: dict[tuple[int, str], sqlite3.Connection] = {}     # (pid, file) -> a forked child's own


def database_file(db: sqlite3.Connection | None) -> str | None:
    return db.execute("PRAGMA database_list").fetchone()[2] if db is not None else None


def tuple_key(key) -> str:
    return repr(key)


class Table:
    """A dictionary read from table `name` of the state database.

    A connection must not cross a fork (SQLite's rule): a render worker forked from the building
    process reads through a read-only connection of its own to the same file."""

    def __init__(self, name: str, db: sqlite3.Connection | None = None,
                 key_text: Callable = str, key_of_text: Callable | None = None):
        self.name = name
        self.db = db
        self.key_text = key_text
        self.key_of_text = key_of_text or (lambda text: text)
        self.cache: dict = {}
        self.dirty: set = set()
        self.deleted: set = set()
        self.complete = db is None

    @property
    def db(self) -> sqlite3.Connection | None:
        return self._db

    @db.setter
    def db(self, db: sqlite3.Connection | None) -> None:
        self._db, self._pid, self._file = db, os.getpid(), database_file(db)

    def _reader(self) -> sqlite3.Connection:
        if os.getpid() == self._pid:
            return self._db
        key = (os.getpid(), self._file)
        if key not in _opened_here:
            _opened_here[key] = sqlite3.connect(f"file:{self._file}?mode=ro", uri=True)
        return _opened_here[key]

    # --- reading ----------------------------------------------------------------------------

    def get(self, key, default=None):
        found = self.cache.get(key, MISSING)
        if found is not MISSING:
            return found
        if self.complete or key in self.deleted:
            return default
        row = self._reader().execute(f"SELECT value FROM {self.name} WHERE key = ?", (self.key_text(key),)).fetchone()
        if row is None:
            return default
        value = self.cache[key] = marshal.loads(row[0])
        return value

    def get_many(self, keys) -> dict:
        """Several entries at once (one query per thousand keys)."""
        wanted = [k for k in keys if k not in self.cache and k not in self.deleted]
        if wanted and not self.complete:
            for start in range(0, len(wanted), 900):
                part = wanted[start:start + 900]
                texts = {self.key_text(k): k for k in part}
                marks = ",".join("?" * len(texts))
                for text, value in self._reader().execute(f"SELECT key, value FROM {self.name} WHERE key IN ({marks})",
                                                   list(texts)):
                    self.cache[texts[text]] = marshal.loads(value)
        return {k: self.cache[k] for k in keys if k in self.cache}

    def __getitem__(self, key):
        found = self.get(key, MISSING)
        if found is MISSING:
            raise KeyError(key)
        return found

    def __contains__(self, key) -> bool:
        return self.get(key, MISSING) is not MISSING

    def load_all(self) -> None:
        if self.complete:
            return
        for text, value in self._reader().execute(f"SELECT key, value FROM {self.name}"):
            key = self.key_of_text(text)
            if key not in self.cache and key not in self.deleted:
                self.cache[key] = marshal.loads(value)
        self.complete = True

    def items(self) -> Iterator:
        self.load_all()
        return iter(list(self.cache.items()))

    def keys(self):
        self.load_all()
        return list(self.cache)

    def values(self):
        self.load_all()
        return list(self.cache.values())

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        self.load_all()
        return len(self.cache)

    # --- writing ----------------------------------------------------------------------------

    def __setitem__(self, key, value) -> None:
        self.cache[key] = value
        self.dirty.add(key)
        self.deleted.discard(key)

    def __delitem__(self, key) -> None:
        if key not in self:
            raise KeyError(key)
        self.pop(key)

    def pop(self, key, default=None):
        found = self.get(key, MISSING)
        self.cache.pop(key, None)
        self.dirty.discard(key)
        if not self.complete or found is not MISSING:
            self.deleted.add(key)
        return default if found is MISSING else found

    def save(self, db: sqlite3.Connection) -> None:
        """Write what changed (everything, into a new database)."""
        db.execute(f"CREATE TABLE IF NOT EXISTS {self.name} (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID")
        fresh = self.db is not db
        if fresh:
            self.load_all()
            rows = ((self.key_text(k), marshal.dumps(v)) for k, v in self.cache.items())
        else:
            db.executemany(f"DELETE FROM {self.name} WHERE key = ?", [(self.key_text(k),) for k in self.deleted])
            rows = ((self.key_text(k), marshal.dumps(self.cache[k])) for k in self.dirty)
        db.executemany(f"INSERT OR REPLACE INTO {self.name} (key, value) VALUES (?, ?)", rows)
        self.db, self.dirty, self.deleted = db, set(), set()
