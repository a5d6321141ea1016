"""QR codes of page addresses (一码获取), as inline SVG, with an on-disk cache across builds.

Encoding is done by zxing-cpp (about 0.4 ms a code). Every address's SVG path is kept in
`.build-cache/qr/codes.sqlite` (outside output/), so an address is encoded once and later builds
only read it back. A cache that cannot be read is discarded and rebuilt; an entry that does not
look like one of ours is ignored and encoded again.
"""
from __future__ import annotations

import functools
import os
import re
import sqlite3
import zlib
from contextlib import contextmanager
from pathlib import Path

from markupsafe import Markup, escape

from .profile import spent

CACHE_VERSION = 3
CACHE_FILE = "codes.sqlite"
PATH_DATA = re.compile(r"[MmHhVvZz0-9 .-]+")
DARK_RUN = re.compile(rb"\x00+")


class QrError(Exception):
    """The encoder could not make a code for an address."""


def encode(text: str) -> tuple[int, str]:
    """(size in modules including the quiet zone, SVG path data of the dark modules)."""
    import zxingcpp
    try:
        code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    except Exception as exc:  # the binding raises plain exceptions for over-long input
        raise QrError(f"cannot encode {text!r} as a QR code: {exc}") from exc
    # The module matrix, not zxing's own SVG: writing the path from runs is several times faster.
    image = memoryview(code.to_image(scale=1, add_quiet_zones=True))
    if image.ndim != 2 or image.shape[0] != image.shape[1]:
        raise QrError("unexpected image from zxing-cpp; the QR module needs updating for this version")
    return image.shape[0], dark_runs(image.tobytes(), image.shape[0])


def dark_runs(pixels: bytes, size: int) -> str:
    """SVG path data with one rectangle per horizontal run of dark modules (0 is dark), rows top
    to bottom. The image has its quiet zone, so every row starts and ends light and no run of the
    flat buffer crosses from one row into the next: one scan of the whole buffer finds them all."""
    if pixels[0::size].count(0) or pixels[size - 1::size].count(0):
        raise QrError("a QR image without its quiet zone")
    rows = [f" {y}" for y in range(size)]
    return "".join([f"M{start % size}{rows[start // size]}{run_tail(end - start)}"
                    for start, end in map(re.Match.span, DARK_RUN.finditer(pixels))])


@functools.cache
def run_tail(length: int) -> str:
    return f"h{length}v1h-{length}z"


def svg(size: int, path: str, label: str) -> Markup:
    """A compact, scalable inline SVG; the modules stay crisp at any print size."""
    return Markup(
        f'<svg class="qr-code" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges" role="img" aria-label="{escape(label)}">'
        f'<rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>')


class QrCodes:
    """Address → inline SVG, each address encoded at most once across builds.

    The codes are rows of an SQLite file, looked up one address at a time: a render worker holds
    only the codes of the pages it renders, never the whole cache (at 100,000 pages that is half a
    gigabyte of path data). Each process opens its own connection (a connection never crosses a
    fork); only the building process writes."""

    def __init__(self, cache_folder: Path | None):
        self.folder = cache_folder
        self.used: set[str] = set()
        self.new_codes: dict[str, list] = {}     # encoded in this process during this build
        self._recent: set[str] = set()           # used since the last take_used()
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self.encoded = 0
        self.reused = 0

    def svg(self, url: str, label: str = "") -> Markup:
        size, path = self.code(url)
        return svg(size, path, label or f"本页二维码：{url}")

    def code(self, url: str) -> tuple[int, str]:
        with spent("qr"):
            return self._code(url)

    def _code(self, url: str) -> tuple[int, str]:
        self.used.add(url)
        self._recent.add(url)
        entry = self.new_codes.get(url) or self._cached(url)
        if valid_entry(entry):
            if url not in self.new_codes:
                self.reused += 1
            return entry[0], entry[1]
        size, path = encode(url)
        self.new_codes[url] = [size, path]
        self.encoded += 1
        return size, path

    def keep(self, url: str) -> None:
        """An address whose page was carried over unchanged: keep its code in the cache."""
        self.used.add(url)

    def take_used(self) -> set[str]:
        """The addresses used since the last call (a render worker reports them to the parent)."""
        used, self._recent = self._recent, set()
        return used

    def flush(self) -> None:
        """Write the codes encoded so far to the cache (every rendering process does, after each
        slice of pages, so that no process holds thousands of them)."""
        db = self._connection()
        if db is None or not self.new_codes:
            return
        with self._tolerant(), db:
            db.executemany("INSERT OR REPLACE INTO codes VALUES (?, ?, ?)",
                           sorted((url, size, pack(path)) for url, (size, path) in self.new_codes.items()))
            self.new_codes = {}

    def save(self, prune: bool = True) -> None:
        """Write the new codes. `prune` (a build that rendered every page) keeps only the addresses
        this build used; otherwise every address is kept."""
        self.flush()
        db = self._connection()
        if db is None:
            return
        with self._tolerant():
            with db:
                if prune:
                    db.execute("CREATE TEMP TABLE IF NOT EXISTS used (url TEXT PRIMARY KEY) WITHOUT ROWID")
                    db.execute("DELETE FROM used")
                    db.executemany("INSERT INTO used VALUES (?)", ((url,) for url in sorted(self.used)))
                    db.execute("DELETE FROM codes WHERE url NOT IN (SELECT url FROM used)")
                    db.execute("DROP TABLE used")
            for old in self.folder.glob("*.json"):   # the cache format before this one
                old.unlink(missing_ok=True)

    # --- the file ---------------------------------------------------------------------------------

    def _cached(self, url: str):
        db = self._connection()
        row = None
        if db is not None:
            with self._tolerant():
                row = db.execute("SELECT size, path FROM codes WHERE url = ?", (url,)).fetchone()
        return [row[0], unpack(row[1])] if row else None

    @contextmanager
    def _tolerant(self):
        """A cache that is busy is done without this time; one that cannot be read is thrown away
        (the codes are made again). Either way the build goes on."""
        try:
            yield
        except sqlite3.OperationalError:
            pass
        except sqlite3.DatabaseError:
            self._discard()

    def _connection(self) -> sqlite3.Connection | None:
        if self.folder is None:
            return None
        if self._db is None or self._pid != os.getpid():
            if self._db is not None:
                self._inherited = self._db         # a parent's connection: never used nor closed here
            self._db, self._pid = self._open(), os.getpid()
        return self._db

    def _open(self) -> sqlite3.Connection | None:
        file = self.folder / CACHE_FILE
        for _attempt in range(2):
            db = None
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(file, timeout=60)
                db.execute("PRAGMA journal_mode = WAL")          # workers read while others write
                if db.execute("PRAGMA user_version").fetchone()[0] != CACHE_VERSION:
                    if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                        raise sqlite3.DatabaseError("a cache of another version")   # start afresh
                    db.execute("PRAGMA user_version = %d" % CACHE_VERSION)
                db.execute("CREATE TABLE IF NOT EXISTS codes (url TEXT PRIMARY KEY, size INTEGER, path BLOB) "
                           "WITHOUT ROWID")
                return db
            except sqlite3.OperationalError:    # busy or unwritable: build without the cache
                db_close(db)
                return None
            except sqlite3.DatabaseError:       # not a database, cut short, or another version
                db_close(db)
                self._remove_files()
            except OSError:
                return None
        return None

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None

    def _discard(self) -> None:
        """A cache that cannot be read is thrown away; the codes are made again."""
        self.close()
        self._remove_files()

    def _remove_files(self) -> None:
        if self.folder is not None:
            for suffix in ("", "-wal", "-shm"):
                (self.folder / (CACHE_FILE + suffix)).unlink(missing_ok=True)


def db_close(db) -> None:
    if db is not None:
        db.close()


def pack(path: str) -> bytes:
    return zlib.compress(path.encode("ascii"), 1)     # 0.08 ms a code, 0.13 at level 6; 19 % bigger


def unpack(data) -> str | None:
    try:
        return zlib.decompress(data).decode("ascii")
    except (zlib.error, TypeError, UnicodeDecodeError):
        return None


def valid_entry(entry) -> bool:
    return (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], int) and 21 <= entry[0] <= 200
            and isinstance(entry[1], str) and PATH_DATA.fullmatch(entry[1]) is not None)
