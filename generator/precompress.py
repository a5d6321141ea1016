"""Precompressed copies (`site.yaml`: `precompress: true`, or a list of `gzip`, `brotli`): beside
each text file of the site, `<file>.gz` and `<file>.br`, for a web server that sends them as they
are (nginx `gzip_static`, `brotli_static`) instead of compressing every response.

A copy is a function of its file's bytes alone: gzip at level 9 with no name and time 0 in its
header, brotli at a fixed quality, so a copy made again is the same, byte for byte. A copy is
made only where it saves: the file is at least `MIN_SIZE` bytes and the copy at most `MAX_RATIO`
of it (the server sends the plain file when there is no copy). Pagefind's own `.pf_*` chunks and
its `.pagefind` WebAssembly are gzip files already (measured: a copy would be 100-104 % of them),
so only its `.js`, `.css` and `.json` files are compressed.

Pages get their copies where they are rendered (each render worker, beside the page), static files
where they are copied, search bundles once Pagefind has written them; copies follow their file
(made again with it, removed with it) through write.py and the build's output listing.
"""
from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import brotli

from .write import COPY_SUFFIXES, write_file

FORMATS = ("gzip", "brotli")                     # in this order; site.yaml `true` means both
SUFFIXES = dict(zip(FORMATS, COPY_SUFFIXES))     # gzip: .gz, brotli: .br
TYPES = frozenset({".html", ".css", ".js", ".mjs", ".json", ".xml", ".svg", ".geojson"})
MIN_SIZE = 1024
MAX_RATIO = 0.9
GZIP_LEVEL = 9
# Quality 11 makes pages 12 % smaller than 7 but takes 45 times as long (23 ms for a 16 KB page
# against 0.5 ms, measured on the default site); 8 and 9 make no smaller pages than 7.
BROTLI_QUALITY = 7

Copy = tuple[str, int, int]                      # (suffix, size, mtime_ns) of a copy written


def formats_of(value) -> tuple[str, ...]:
    """site.yaml's `precompress` value → the formats, in FORMATS order; ValueError when it is
    neither true/false nor a list of known formats."""
    if value is True:
        return FORMATS
    if value is False or value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) and v in FORMATS for v in value):
        return tuple(f for f in FORMATS if f in value)
    raise ValueError("true, false, or a list of " + " / ".join(FORMATS))


def compressible(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in TYPES


def compress(fmt: str, data: bytes) -> bytes:
    if fmt == "gzip":
        return gzip.compress(data, GZIP_LEVEL, mtime=0)         # no file name, time 0: reproducible
    return brotli.compress(data, quality=BROTLI_QUALITY)


def copies(path: str, data: bytes, formats: tuple[str, ...]) -> list[tuple[str, bytes]]:
    """(suffix, bytes) of each copy worth writing for a file at `path` holding `data`."""
    if not formats or len(data) < MIN_SIZE or not compressible(path):
        return []
    found = []
    for fmt in formats:
        packed = compress(fmt, data)
        if len(packed) <= MAX_RATIO * len(data):
            found.append((SUFFIXES[fmt], packed))
    return found


def write_copies(target: Path, data: bytes, formats: tuple[str, ...]) -> tuple[Copy, ...]:
    """Write the copies of `target` (which holds `data`) beside it; their suffixes and stamps."""
    written = []
    for suffix, packed in copies(target.name, data, formats):
        copy = target.with_name(target.name + suffix)
        write_file(copy, packed)
        stat = copy.stat()
        written.append((suffix, stat.st_size, stat.st_mtime_ns))
    return tuple(written)


def base_of(path: str, formats: tuple[str, ...]) -> str | None:
    """The file `path` is a copy of, when it is named like one of the formats in use."""
    for fmt in formats:
        suffix = SUFFIXES[fmt]
        if path.endswith(suffix) and compressible(path[:-len(suffix)]):
            return path[:-len(suffix)]
    return None


def copy_is_current(output: Path, base: str, copy: str, formats: tuple[str, ...]) -> bool | None:
    """Is output/<copy> the copy a build would write of output/<base> now? None: no copy of that
    kind belongs there (the file is too small or does not compress)."""
    try:
        data = (output / base).read_bytes()
    except OSError:
        return None
    wanted = dict(copies(base, data, formats)).get(copy[len(base):])
    if wanted is None:
        return None
    try:
        return (output / copy).read_bytes() == wanted
    except OSError:
        return False


def compress_folder(folder: Path, formats: tuple[str, ...], memo: dict | None = None) -> None:
    """Copies of every file worth compressing under `folder` (a search bundle, written whole).
    The bundles hold the same Pagefind scripts: `memo` keeps their copies by content."""
    if not formats:
        return
    for parent, _dirs, names in os.walk(folder):
        for name in names:
            if not compressible(name):
                continue
            target = Path(parent) / name
            data = target.read_bytes()
            key = hashlib.blake2b(data, digest_size=16).digest()
            made = memo.get(key) if memo is not None else None
            if made is None:
                made = copies(name, data, formats)
                if memo is not None:
                    memo[key] = made
            for suffix, packed in made:
                write_file(target.with_name(name + suffix), packed)
