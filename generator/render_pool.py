"""Renders page jobs into the build's folder; a big build uses every core.

Workers are forked (forking.py), so they share the store and the template environments with the
parent instead of receiving them pickled; where the process cannot fork (it has other threads), the
pages are rendered in the calling process.

Each worker renders a slice of the jobs and writes the pages straight into the build's folder (the
parent has already claimed every path and made every folder). It sends back, per page, what the
graph keeps: the facets the page read, the written file's size and time, and the digests of its
bytes and of its search document; plus errors, and how many QR codes it had to encode (it writes
them to the QR cache itself). The parent renders slices too, beside one worker fewer than cores.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ContentError, ErrorList
from .forking import can_fork, in_order
from .pages import PageJob
from .profile import add_spent, spent, take_spent
from .progress import Progress
from .render import Renderer
from .precompress import write_copies
from .write import write_file
from .search import document_digest, documents_folder, search_document, shard_of, shard_tagged

PARALLEL_FROM = 600       # below this many pages, forking costs more than it saves
CHUNK = 250
MAX_ERRORS = 50


@dataclass
class PageResult:
    reads: frozenset
    size: int
    mtime_ns: int
    content: bytes
    doc: bytes
    copies: tuple = ()          # the precompressed copies written beside it: (suffix, size, mtime_ns)


@dataclass
class Rendered:
    pages: dict[str, PageResult] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)
    qr_encoded: int = 0                                             # codes that were not in the cache
    qr_reused: int = 0                                              # codes read from the cache
    qr_used: set[str] = field(default_factory=set)
    spent: dict[str, float] = field(default_factory=dict)           # a worker's CPU by kind (profile.py)

    def add(self, other: "Rendered") -> None:
        add_spent(other.spent)
        self.pages.update(other.pages)
        self.errors.extend(e for e in other.errors if e not in self.errors)
        self.qr_encoded += other.qr_encoded
        self.qr_reused += other.qr_reused
        self.qr_used |= other.qr_used


# What forked workers inherit: (renderer, jobs, build folder, project root, shard counts,
# precompressed copies' formats).
_shared: tuple[Renderer, list[PageJob], Path, Path | None, dict | None, tuple[str, ...]] | None = None
_parent = 0                 # the building process (a forked worker sends its CPU counts back)


def render_jobs(renderer: Renderer, jobs: list[PageJob], folder: Path, root: Path | None,
                progress: Progress, workers: int | None = None, shards: dict | None = None,
                precompress: tuple[str, ...] = ()) -> Rendered:
    """Render `jobs` into `folder`. With `shards` (column -> its number of search shards; a full
    build) each indexed page's search document is also written where its shard is indexed from
    (search.documents_folder), so that the indexers need not read the pages again. With
    `precompress` (formats) each page's compressed copies are written beside it, by the process
    that rendered it."""
    global _shared, _parent
    _parent = os.getpid()
    workers = workers or os.cpu_count() or 1
    _shared = (renderer, jobs, folder, root, shards, precompress)
    try:
        if len(jobs) < PARALLEL_FROM or workers < 2 or not can_fork():
            return render_in_process(len(jobs), progress)
        return render_in_workers(len(jobs), workers, progress)
    finally:
        _shared = None
        progress.finish()


def render_in_process(count: int, progress: Progress) -> Rendered:
    result = Rendered()
    for start in range(0, count, CHUNK):
        end = min(start + CHUNK, count)
        result.add(render_slice(start, end))
        progress.advance(end - start)
        if len(result.errors) >= MAX_ERRORS:
            break
    return result


def render_in_workers(count: int, workers: int, progress: Progress) -> Rendered:
    """Render with `workers` processes: this one and `workers - 1` forked ones (forking.in_order),
    the slices' results added in order."""
    result = Rendered()
    slices = [(start, min(start + CHUNK, count)) for start in range(0, count, CHUNK)]
    for (start, end), part in zip(slices, in_order(slices, workers, render_slice)):
        result.add(part)
        progress.advance(end - start)
        if len(result.errors) >= MAX_ERRORS:
            break
    return result


def render_slice(start: int, end: int) -> Rendered:
    renderer, jobs, folder, root, shards, precompress = _shared
    errors = ErrorList(root=root)
    qr = renderer.qr
    encoded_before, reused_before = qr.encoded, qr.reused
    result = Rendered()
    interned: dict[tuple, tuple] = {}           # one object per facet: pickled once per slice
    for job in jobs[start:end]:
        with spent("render"):
            text, reads = renderer.render(job, errors)
        if text is None:
            continue
        data = text.encode("utf-8")
        target = folder / job.path
        with spent("write"):
            write_file(target, data)
            stat = target.stat()
            copies = write_copies(target, data, precompress) if precompress else ()
        with spent("search documents"):
            document = search_document(text) if job.context.get("search") else None
            doc = document_digest(document)
            if document is not None and shards:
                write_document(folder, job, document, shards)
        result.pages[job.path] = PageResult(frozenset(interned.setdefault(f, f) for f in reads),
                                            stat.st_size, stat.st_mtime_ns,
                                            hashlib.blake2b(data, digest_size=16).digest(), doc, copies)
    result.errors = errors.errors
    result.qr_encoded = qr.encoded - encoded_before
    result.qr_reused = qr.reused - reused_before
    with spent("qr"):
        qr.flush()
    result.qr_used = qr.take_used()
    if os.getpid() != _parent:
        result.spent = take_spent()                 # the parent counts its own slices itself
    return result


def write_document(folder: Path, job: PageJob, document: str, shards: dict) -> None:
    part = job.search_part
    shard = shard_of(job.path, shards[part])
    target = documents_folder(folder, part, shard) / job.path
    target.parent.mkdir(parents=True, exist_ok=True)
    write_file(target, shard_tagged(document, part, shard).encode("utf-8"))
