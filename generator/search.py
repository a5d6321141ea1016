"""Site search (站内查询): Pagefind indexes, one per search shard, so that an edit re-indexes one
small shard instead of a whole column.

The extended Pagefind binary (PyPI `pagefind[extended]`) segments Chinese. It has no incremental
mode and its time and memory grow with the pages it holds, so each column's indexed pages are
spread over shards: a column with up to `SHARD_PAGES` indexed pages has one shard, a bigger one
the smallest power of two of shards that keeps them about that size. A page's shard follows from
its address alone (a hash), so pages never move between shards while the number of shards stays.
Each shard is a Pagefind bundle in `<column>/pagefind/<nn>/`; the search page loads a column's
shards, or every column's for the whole city, and merges them at query time.

Pagefind reads only what is searched: for each indexed page, its `<main data-pagefind-body>` with
the page title, cut out of the rendered page (`search_document`), not the navigation, footer and
QR code around it. A shard is indexed again only when the documents of its pages changed; its
digest is kept in the build's state, never in the output.
"""
from __future__ import annotations

import hashlib
import resource
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import urls

SHARD_PAGES = 800          # about this many indexed pages per shard (re-indexing one takes ~1 s)
INDEXERS = 2               # Pagefind runs at a time (each is multi-threaded itself)


@dataclass(frozen=True)
class SearchStats:
    indexed: int             # shards indexed in this build
    kept: int                # shards whose pages did not change
    seconds: float
    peak_mb: float           # the largest resident size any indexer process reached


def pagefind_executable() -> Path:
    from pagefind_bin_extended import get_executable
    return get_executable()


def pagefind_version() -> str:
    return metadata.version("pagefind-bin-extended")


def shard_count(indexed_pages: int) -> int:
    if indexed_pages == 0:
        return 0
    count = 1
    while indexed_pages > count * SHARD_PAGES:
        count *= 2
    return count


def shard_of(path: str, count: int) -> int:
    return int.from_bytes(hashlib.blake2b(path.encode(), digest_size=4).digest(), "big") % count


def search_document(html: str) -> str | None:
    """What Pagefind reads of a page: its indexed <main>, titled, or None when it is not indexed."""
    start = html.find("<main")
    if start < 0:
        return None
    head_end = html.find(">", start)
    if "data-pagefind-body" not in html[start:head_end]:
        return None
    end = html.find("</main>", head_end)
    title_start, title_end = html.find("<title>"), html.find("</title>")
    title = html[title_start + 7:title_end] if 0 <= title_start < title_end else ""
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>{title}</title></head>\n'
            f"<body>\n{html[start:end + 7]}\n</body>\n</html>\n")


def document_digest(document: str | None) -> bytes:
    return hashlib.blake2b(document.encode(), digest_size=16).digest() if document is not None else b""


def shard_digest(pages: list[tuple[str, bytes]]) -> str:
    digest = hashlib.blake2b(pagefind_version().encode(), digest_size=16)
    for path, doc in sorted(pages):
        digest.update(path.encode() + b"\0" + doc)
    return digest.hexdigest()


def documents_folder(build: Path, column: str, shard: int) -> Path:
    """Where a full build's render workers leave a shard's search documents."""
    return build / ".search" / f"{column}-{shard:02d}"


@dataclass(frozen=True)
class ShardJob:
    column: str
    shard: int
    pages: list[tuple[str, Path]]     # output path, the file to read it from
    documents: Path | None = None     # the documents written already (a full build)

    @property
    def bundle(self) -> str:
        return urls.search_bundle(self.column, self.shard).rstrip("/")


def index_shards(jobs: list[ShardJob], target: Path, scratch: Path) -> tuple[SearchStats, list[str]]:
    """Index each shard into target/<bundle>; returns the stats and the failures."""
    started = time.perf_counter()
    exe = pagefind_executable()
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        with ThreadPoolExecutor(max(1, min(INDEXERS, len(jobs)))) as pool:
            failures = [f for f in pool.map(lambda job: index_shard(exe, job, target, scratch), jobs) if f]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return SearchStats(len(jobs), 0, time.perf_counter() - started, peak), failures


def index_shard(exe: Path, job: ShardJob, target: Path, scratch: Path) -> str:
    """Write the shard's documents to a scratch folder, run Pagefind over it; "" when it worked."""
    folder = job.documents or Path(tempfile.mkdtemp(prefix=f"{job.column}-{job.shard:02d}-", dir=scratch))
    try:
        for path, source in ([] if job.documents else job.pages):
            document = search_document(source.read_text(encoding="utf-8"))
            if document is not None:
                out = folder / path
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(document, encoding="utf-8")
        bundle = target / job.bundle
        shutil.rmtree(bundle, ignore_errors=True)
        command = [str(exe), "--site", str(folder), "--output-path", str(bundle), "--silent"]
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode != 0 or not (bundle / "pagefind.js").is_file():
            message = (run.stderr or run.stdout).strip().splitlines()
            return f"{job.bundle}: " + (message[-1] if message else f"pagefind exited with {run.returncode}")
        return ""
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bundle_complete(output: Path, column: str, shard: int) -> bool:
    return (output / urls.search_bundle(column, shard) / "pagefind.js").is_file()
