"""Reads content files into cache entries (parse, validate, privacy scan: ingest.py); a big read,
such as a cold build's, uses every core.

At 100,000 records a cold build's read took 21.6 s on one core while the other idled. Workers are
forked as the render workers are (forking.py: only from a process with no other thread), so
they share the sources' list instead of receiving it; each reads a slice of the files and sends
back the entries, which the parent puts in the cache in key order, so that a build's errors and
state do not depend on which process read which file. The parent reads slices too.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import ContentError
from .ingest import ingest
from .profile import add_spent, take_spent
from .forking import can_fork, in_order
from .sourcecache import Entry, entry_of
from .sources import SourceFile

PARALLEL_FROM = 2000      # files; below this, forking costs more than it saves
CHUNK = 200

Job = tuple[SourceFile, str]                    # the file and its context (ingest.file_context)
Read = tuple[list[ContentError], Entry | None]  # its errors, or its entry

_shared: tuple[list[Job], Path] | None = None
_parent = 0


def ingest_files(jobs: list[Job], root: Path, workers: int | None = None) -> list[Read]:
    """Each job's errors and entry, in the order of `jobs`."""
    global _shared, _parent
    workers = workers or os.cpu_count() or 1
    _shared, _parent = (jobs, root), os.getpid()
    try:
        if len(jobs) < PARALLEL_FROM or workers < 2 or not can_fork():
            return read_slice(0, len(jobs))[0]
        return read_in_workers(len(jobs), workers)
    finally:
        _shared = None


def read_in_workers(count: int, workers: int) -> list[Read]:
    slices = [(start, min(start + CHUNK, count)) for start in range(0, count, CHUNK)]
    reads: list[Read] = []
    for part, spent_there in in_order(slices, workers, read_slice):
        reads += part
        add_spent(spent_there)
    return reads


def read_slice(start: int, end: int) -> tuple[list[Read], dict[str, float]]:
    """The slice's reads, and a forked worker's CPU counts (profile.py; the parent counts its own)."""
    jobs, root = _shared
    out: list[Read] = []
    for source, context in jobs[start:end]:
        with open(source.path, "rb") as handle:
            data = handle.read()
        ingested = ingest(source, data, context, root)
        out.append((ingested.errors, None) if ingested.errors else
                   ([], entry_of(ingested, source.size, source.mtime_ns)))
    return out, (take_spent() if os.getpid() != _parent else {})
