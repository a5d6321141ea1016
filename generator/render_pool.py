"""Renders page jobs into the staging folder; a big build uses every core.

Workers are forked, so they share the assembled site and the template environments with the
parent instead of receiving them pickled. Each renders a slice of the jobs, writes the pages
straight into the staging folder (the parent has already claimed every path and made every
folder) and sends back only what the parent needs: the file stamps for the build cache, errors,
and the QR codes it had to encode.
"""
from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ContentError, ErrorList
from .pages import PageJob
from .progress import Progress
from .render import Renderer

PARALLEL_FROM = 600       # below this many pages, forking costs more than it saves
CHUNK = 250
MAX_ERRORS = 50


@dataclass
class Rendered:
    stamps: dict[str, list[int]] = field(default_factory=dict)    # path -> [size, mtime_ns]
    errors: list[ContentError] = field(default_factory=list)
    qr_codes: dict[str, list] = field(default_factory=dict)        # newly encoded: url -> [size, path]
    qr_used: set[str] = field(default_factory=set)

    def add(self, other: "Rendered") -> None:
        self.stamps.update(other.stamps)
        self.errors.extend(e for e in other.errors if e not in self.errors)
        self.qr_codes.update(other.qr_codes)
        self.qr_used |= other.qr_used


# What forked workers inherit: (renderer, jobs, staging folder, project root).
_shared: tuple[Renderer, list[PageJob], Path, Path | None] | None = None


def render_jobs(renderer: Renderer, jobs: list[PageJob], staging: Path, root: Path | None,
                progress: Progress, workers: int | None = None) -> Rendered:
    global _shared
    workers = workers or os.cpu_count() or 1
    _shared = (renderer, jobs, staging, root)
    try:
        if len(jobs) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
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
    result = Rendered()
    slices = [(start, min(start + CHUNK, count)) for start in range(0, count, CHUNK)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for (start, end), part in zip(slices, pool.imap(render_slice_star, slices)):
            result.add(part)
            progress.advance(end - start)
            if len(result.errors) >= MAX_ERRORS:
                pool.terminate()
                break
    return result


def render_slice_star(bounds: tuple[int, int]) -> Rendered:
    return render_slice(*bounds)


def render_slice(start: int, end: int) -> Rendered:
    renderer, jobs, staging, root = _shared
    errors = ErrorList(root=root)
    qr = renderer.qr
    encoded_before = set(qr.new_codes)
    result = Rendered()
    for job in jobs[start:end]:
        text = renderer.render(job, errors)
        if text is None:
            continue
        target = staging / job.path
        target.write_bytes(text.encode("utf-8"))
        stat = target.stat()
        result.stamps[job.path] = [stat.st_size, stat.st_mtime_ns]
    result.errors = errors.errors
    result.qr_codes = {url: qr.new_codes[url] for url in qr.new_codes.keys() - encoded_before}
    result.qr_used = qr.take_used()
    return result
