"""Site search (站内查询): one Pagefind index per column, built on the staging folder before publish.

The extended Pagefind binary (PyPI `pagefind[extended]`) segments Chinese. Its memory grows with the
number of pages and it has no incremental mode, so each column gets its own bundle in
`<column>/pagefind/`; the search page loads the bundle of one column, or merges all of them at
query time for a city-wide search. A column whose indexed pages are byte-for-byte unchanged since
the last build gets its previous bundle copied instead of being indexed again; the pipeline
fingerprints each column's pages from the page fingerprints (see cache.py), without reading them.
"""
from __future__ import annotations

import os
import resource
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import urls
from .errors import ErrorList
from .write import link_or_copy

DIGEST_FILE = ".source-digest"


@dataclass(frozen=True)
class IndexResult:
    column: str
    reused: bool
    seconds: float
    error: str = ""
    skipped: bool = False       # no page of the column is meant for the index: no bundle


@dataclass(frozen=True)
class SearchStats:
    indexed: int
    reused: int
    seconds: float
    peak_mb: float           # the largest resident size any indexer process reached


def pagefind_executable() -> Path:
    from pagefind_bin_extended import get_executable
    return get_executable()


def index_columns(staging: Path, previous: Path, digests: dict[str, str], errors: ErrorList) -> SearchStats:
    """Index every column's HTML under `staging`; `previous` is the currently published output.
    `digests` fingerprints each column's pages ("" when none is meant for the index)."""
    started = time.perf_counter()
    exe = pagefind_executable()
    version = metadata.version("pagefind-bin-extended")
    workers = max(1, min(len(digests), os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(lambda c: index_column(exe, f"{version}:{digests[c]}", staging, previous, c),
                                digests))
    for result in results:
        if result.error:
            errors.add(f"{result.column}/", None, f"search index failed: {result.error}",
                       "pages Pagefind can index")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return SearchStats(sum(not r.reused and not r.skipped for r in results), sum(r.reused for r in results),
                       time.perf_counter() - started, peak)


def index_column(exe: Path, digest: str, staging: Path, previous: Path, column: str) -> IndexResult:
    started = time.perf_counter()
    bundle = urls.search_bundle(column).rstrip("/")
    if digest.endswith(":"):
        # Pagefind would index every page whole (navigation and all) when none is marked.
        return IndexResult(column, False, time.perf_counter() - started, skipped=True)
    old = previous / bundle
    if (old / DIGEST_FILE).is_file() and (old / DIGEST_FILE).read_text() == digest:
        shutil.copytree(old, staging / bundle, copy_function=link_or_copy)
        return IndexResult(column, True, time.perf_counter() - started)
    command = [str(exe), "--site", str(staging), "--glob", f"{column}/**/*.html",
               "--output-subdir", bundle, "--silent"]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0 or not (staging / bundle / "pagefind.js").is_file():
        message = (run.stderr or run.stdout).strip().splitlines()
        return IndexResult(column, False, time.perf_counter() - started,
                           message[-1] if message else f"pagefind exited with {run.returncode}")
    (staging / bundle / DIGEST_FILE).write_text(digest)
    return IndexResult(column, False, time.perf_counter() - started)
