"""Site search (站内查询): Pagefind bundles made of search shards.

The extended Pagefind binary (PyPI `pagefind[extended]`) segments Chinese. It has no incremental
mode and its time and memory grow with the pages it holds, so each column's indexed pages are
spread over shards: a column with up to `SHARD_PAGES` indexed pages has one shard, a bigger one
the smallest power of two of shards that keeps them about that size. A page's shard follows from
its address alone (a hash), so pages never move between shards while the number of shards stays.
Shards are the unit of change: a shard's digest says whether its pages' documents changed, and
its documents are kept between builds. Bundles are made of whole shards (search_layers.py: a base
bundle per group of columns, a delta bundle of the shards changed since); the search page merges
them at query time.

Pagefind reads only what is searched: for each indexed page, its `<main data-pagefind-body>` with
the page title, cut out of the rendered page (`search_document`), not the navigation, footer and
QR code around it; each document also names its shard (filter 分片, `shard_tagged`). Digests are
kept in the build's state, never in the output.
"""
from __future__ import annotations

import functools
import hashlib
import html as html_lib
import os
import re
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
from .precompress import compress_folder
from .search_layers import shard_name
from .summary import character_terms
from .write import write_file

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
    body = without_ignored(html[head_end + 1:end])
    main = html[start:head_end + 1] + heading_characters(body) + body + "</main>"
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>{title}</title></head>\n'
            f"<body>\n{main}\n</body>\n</html>\n")


IGNORED = re.compile(r'<(\w+)\b[^>]*\bdata-pagefind-ignore="all"[^>]*>')


def without_ignored(main: str) -> str:
    """The text Pagefind is told to skip (data-pagefind-ignore="all": metadata tables, record lists,
    a record's neighbours) left out of the document, so that a page's document, and with it its
    shard, changes only when what is searched changes: a record's new title re-indexes its own
    shard, not those of the six records whose pages list it beside them."""
    out, at = [], 0
    for found in IGNORED.finditer(main):
        if found.start() < at:
            continue                       # inside an element already left out
        out.append(main[at:found.start()])
        at = element_end(main, found.group(1), found.end())
    return "".join(out) + main[at:]


@functools.cache
def tag_pattern(tag: str) -> re.Pattern:
    return re.compile(rf"<(/?){tag}\b[^>]*>")


def element_end(html: str, tag: str, position: int) -> int:
    """Where the element of `tag` whose start tag ends at `position` ends (same-name nesting counted)."""
    depth = 1
    for found in tag_pattern(tag).finditer(html, position):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            return found.end()
    return len(html)


NAMES = re.compile(r"<h1[^>]*>(.*?)</h1>|<(\w+)[^>]*\bdata-search-names\b[^>]*>(.*?)</\2>", re.S)


def heading_characters(main: str) -> str:
    """The page's heading and the names its template marks (data-search-names: an item's domain and
    service, a record's 文号) once more, character by character, as searchable metadata (Pagefind 1.5 searches
    metadata; excerpts still come from the text): a query the browser cut into characters finds
    them whatever words the indexer made of them (summary.character_terms)."""
    parts = [m.group(1) if m.group(1) is not None else m.group(3) for m in NAMES.finditer(main)]
    if not parts:
        return ""
    text = html_lib.unescape(re.sub(r"<[^>]+>", "", " ".join(parts)))
    return f'<span hidden data-pagefind-meta="zi:{html_lib.escape(character_terms(text))}"></span>'


def shard_tagged(document: str, column: str, shard: int) -> str:
    """The document as indexed: with its shard as a filter, by which the search page leaves out a
    base bundle's copy of a shard the delta bundle holds anew (search_layers.py)."""
    tag = f'<span data-pagefind-filter="分片:{shard_name(column, shard)}"></span>'
    at = document.rindex("</main>")
    return document[:at] + tag + document[at:]


def document_digest(document: str | None) -> bytes:
    return hashlib.blake2b(document.encode(), digest_size=16).digest() if document is not None else b""


def shard_digest(pages: list[tuple[str, bytes]], precompress: tuple[str, ...] = ()) -> str:
    """What a shard's bundle is made from: Pagefind's version, its pages' documents, and the
    formats of the precompressed copies it carries."""
    digest = hashlib.blake2b(pagefind_version().encode(), digest_size=16)
    if precompress:
        digest.update(("precompress=" + ",".join(precompress) + "\0").encode())
    for path, doc in sorted(pages):
        digest.update(path.encode() + b"\0" + doc)
    return digest.hexdigest()


def documents_folder(build: Path, column: str, shard: int) -> Path:
    """Where a full build's render workers leave a shard's search documents."""
    return build / ".search" / shard_name(column, shard)


def kept_documents(state: Path, column: str, shard: int) -> Path:
    """Where a shard's search documents stay between builds (in the build state, never in output/),
    so that re-indexing a shard cuts only the documents of the pages that changed."""
    return state / "search" / shard_name(column, shard)


@dataclass(frozen=True)
class ShardJob:
    """One shard's documents, brought up to date before a bundle holding it is indexed."""
    column: str
    shard: int
    pages: list[tuple[str, Path]]     # output path, the file to read it from
    documents: Path | None = None     # the documents written already (a full build)
    kept: Path | None = None          # where the documents stay after indexing
    fresh: frozenset = frozenset()    # pages rendered since the kept documents were cut
    digest: str = ""                  # the shard's digest (shard_digest) once indexed
    last: str | None = None           # its digest after the last build, which the kept ones match


@dataclass(frozen=True)
class BundleJob:
    bundle: str                       # its folder in output/, e.g. pagefind/00
    shards: list[ShardJob]
    precompress: tuple[str, ...] = () # formats of the copies to write of the bundle's scripts


def index_bundles(jobs: list[BundleJob], target: Path, scratch: Path) -> tuple[SearchStats, list[str]]:
    """Index each bundle into target/<bundle>; returns the stats and the failures."""
    started = time.perf_counter()
    exe = pagefind_executable()
    scratch.mkdir(parents=True, exist_ok=True)
    memo: dict = {}                   # every bundle holds the same Pagefind scripts: compressed once
    try:
        with ThreadPoolExecutor(max(1, min(INDEXERS, len(jobs)))) as pool:
            failures = [f for f in pool.map(lambda job: index_bundle(exe, job, target, scratch, memo), jobs) if f]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return SearchStats(len(jobs), 0, time.perf_counter() - started, peak), failures


def index_bundle(exe: Path, job: BundleJob, target: Path, scratch: Path, memo: dict | None = None) -> str:
    """Bring its shards' documents up to date, run Pagefind over them, write the precompressed
    copies of its scripts; "" when it worked."""
    folders = [shard_documents(shard, scratch) for shard in job.shards]
    site = folders[0] if len(folders) == 1 else merged(folders, scratch / job.bundle.replace("/", "-"))
    try:
        bundle = target / job.bundle
        shutil.rmtree(bundle, ignore_errors=True)
        command = [str(exe), "--site", str(site), "--output-path", str(bundle), "--silent"]
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode != 0 or not (bundle / "pagefind.js").is_file():
            message = (run.stderr or run.stdout).strip().splitlines()
            return f"{job.bundle}: " + (message[-1] if message else f"pagefind exited with {run.returncode}")
        compress_folder(bundle, job.precompress, memo)
        for shard, folder in zip(job.shards, folders):
            if shard.kept is not None and folder != shard.kept:
                shutil.rmtree(shard.kept, ignore_errors=True)
                shard.kept.parent.mkdir(parents=True, exist_ok=True)
                os.replace(folder, shard.kept)
        return ""
    finally:
        if site not in folders:
            shutil.rmtree(site, ignore_errors=True)
        for shard, folder in zip(job.shards, folders):
            if folder != shard.kept:
                shutil.rmtree(folder, ignore_errors=True)


def merged(folders: list[Path], site: Path) -> Path:
    """One folder holding the documents of several shards (hard links: nothing is copied), for
    one Pagefind run. Shards hold different pages, so no two documents have the same path."""
    shutil.rmtree(site, ignore_errors=True)
    for folder in folders:
        for path in documents_in(folder):
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(folder / path, target)
            except OSError:                              # a file system without hard links
                shutil.copyfile(folder / path, target)
    site.mkdir(parents=True, exist_ok=True)
    return site


def shard_documents(job: ShardJob, scratch: Path) -> Path:
    """The folder of the shard's documents: the full build's, or the kept ones brought up to
    date, or without a place to keep them a scratch folder. Kept documents are trusted only when
    their stamp is the shard digest the last build saved (a build cut short after cutting some
    leaves another stamp); then only pages rendered since and pages new to the shard are cut from
    the published pages, and documents of pages that left the shard are removed."""
    if job.documents is not None:
        job.documents.mkdir(parents=True, exist_ok=True)
        stamp_documents(job.documents, job.digest)
        return job.documents
    folder = job.kept or Path(tempfile.mkdtemp(prefix=shard_name(job.column, job.shard) + "-", dir=scratch))
    trusted = job.last is not None and read_stamp(folder) == job.last
    if not trusted:
        shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    stamp_documents(folder, "")                          # being changed: trusted by no build
    present = set(documents_in(folder))
    members = dict(job.pages)
    for path in present - members.keys():
        (folder / path).unlink()
    for path, source in members.items():
        if path in job.fresh or path not in present:
            write_search_document(folder / path, source.read_text(encoding="utf-8"), job.column, job.shard)
    stamp_documents(folder, job.digest)
    return folder


STAMP = ".shard-digest"


def read_stamp(folder: Path) -> str | None:
    try:
        return (folder / STAMP).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None


def stamp_documents(folder: Path, digest: str) -> None:
    (folder / STAMP).write_text(digest, encoding="ascii")


def documents_in(folder: Path) -> list[str]:
    """The documents under `folder`, as paths relative to it."""
    found = []
    for parent, _dirs, files in os.walk(folder):
        base = Path(parent).relative_to(folder)
        found += [(base / name).as_posix() for name in files if name.endswith(".html")]
    return found


def write_search_document(target: Path, html: str, column: str, shard: int) -> None:
    document = search_document(html)
    if document is None:
        target.unlink(missing_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    write_file(target, shard_tagged(document, column, shard).encode("utf-8"))


def drop_kept_documents(state: Path, shards: list[tuple[str, int]]) -> None:
    """Remove the kept documents of shards the site no longer has."""
    root = state / "search"
    wanted = {kept_documents(state, column, number).name for column, number in shards}
    for entry in (os.scandir(root) if root.is_dir() else ()):
        if entry.name not in wanted:
            shutil.rmtree(entry.path, ignore_errors=True)


def bundle_complete(output: Path, bundle: str) -> bool:
    return (output / bundle / "pagefind.js").is_file()
