"""Site search (站内查询): one Pagefind index per column, built on the staging folder before publish.

The extended Pagefind binary (PyPI `pagefind[extended]`) segments Chinese. Its memory grows with the
number of pages and it has no incremental mode, so each column gets its own bundle in
`<column>/pagefind/`; the search page loads the bundle of one column, or merges all of them at
query time for a city-wide search. A column whose indexed pages are byte-for-byte unchanged since
the last build gets its previous bundle copied instead of being indexed again.
"""
from __future__ import annotations

import hashlib
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


def index_columns(staging: Path, previous: Path, columns: list[str], errors: ErrorList) -> SearchStats:
    """Index every column's HTML under `staging`; `previous` is the currently published output."""
    started = time.perf_counter()
    exe = pagefind_executable()
    version = metadata.version("pagefind-bin-extended")
    workers = max(1, min(len(columns), os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(lambda c: index_column(exe, version, staging, previous, c), columns))
    for result in results:
        if result.error:
            errors.add(f"{result.column}/", None, f"search index failed: {result.error}",
                       "pages Pagefind can index")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return SearchStats(sum(not r.reused and not r.skipped for r in results), sum(r.reused for r in results),
                       time.perf_counter() - started, peak)


def index_column(exe: Path, version: str, staging: Path, previous: Path, column: str) -> IndexResult:
    started = time.perf_counter()
    bundle = urls.search_bundle(column).rstrip("/")
    digest, indexable = source_digest(staging / column, version)
    if not indexable:
        # Pagefind would index every page whole (navigation and all) when none is marked.
        return IndexResult(column, False, time.perf_counter() - started, skipped=True)
    old = previous / bundle
    if (old / DIGEST_FILE).is_file() and (old / DIGEST_FILE).read_text() == digest:
        shutil.copytree(old, staging / bundle)
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


def source_digest(folder: Path, version: str) -> tuple[str, bool]:
    """A fingerprint of everything the indexer reads for a column (its HTML files and the indexer
    version), and whether any of those pages is marked for the index."""
    digest = hashlib.blake2b(version.encode(), digest_size=16)
    indexable = False
    for file in sorted(folder.rglob("*.html")):
        data = file.read_bytes()
        digest.update(file.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(data)
        indexable = indexable or b"data-pagefind-body" in data
    return digest.hexdigest(), indexable
