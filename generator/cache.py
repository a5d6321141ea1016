"""What each page was made from, and which pages are stale.

A page's fingerprint hashes everything its HTML can depend on:
- the templates it uses: its template and every template that one extends, includes or imports,
  each resolved through the page's own lookup chain, so a district override changes only that
  district's fingerprints, and a new override file changes them although it did not exist before;
- the page's own data (its job: path, title and context, records and items by value);
- the navigation data every page of its column shows: the site config, the domains, the columns,
  and its column's catalogue domains, townships and topics;
- the generator itself: its code and the versions of the libraries that shape the HTML.

Same fingerprint, same bytes. The cache keeps each page's fingerprint with the size and mtime of
the file written, so a page whose output file was touched by hand is written again. A cache that
cannot be read, or was written by another version, is discarded with a notice.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import pickle
import types
from importlib import metadata
from pathlib import Path
from typing import Callable

import jinja2
from jinja2 import meta

from .assemble import Column, Site
from .pages import PageJob, Pager
from .qr import write_atomically
from .themes import ThemeSet

CACHE_FORMAT = 1
SHAPING_LIBRARIES = ("jinja2", "markupsafe", "cmarkgfm", "nh3", "zxing-cpp", "folium", "xstatic-leaflet")
SKIPPED_FIELDS = {"source"}       # where a value was read from never shows on a page


def generator_version() -> str:
    """The generator's code and the libraries that shape its output: any change invalidates the cache."""
    digest = hashlib.blake2b(str(CACHE_FORMAT).encode(), digest_size=16)
    package = Path(__file__).parent
    for file in sorted(package.rglob("*.py")) + sorted(package.rglob("*.json")):
        digest.update(file.relative_to(package).as_posix().encode() + b"\0" + file.read_bytes())
    for name in SHAPING_LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=none;".encode())
    return digest.hexdigest()


class Fingerprints:
    """PageJob → fingerprint. Digests of records, templates and columns are computed once per build."""

    def __init__(self, site: Site, themes: ThemeSet, version: str):
        self.site = site
        self.themes = themes
        self.version = version
        self.columns = {c.slug: c for c in site.columns}
        self._values: dict[int, tuple[object, bytes]] = {}   # the object is kept so its id stays unique
        self._templates: dict[tuple[str, str], bytes] = {}
        self._shells: dict[str | None, bytes] = {}

    def of(self, job: PageJob) -> str:
        digest = hashlib.blake2b(self.version.encode(), digest_size=16)
        digest.update(self.shell(job.column))
        digest.update(self.template(job.column, job.template))
        digest.update(self.serialise((job.path, job.template, job.column, job.title, job.context)))
        return digest.hexdigest()

    def serialise(self, value) -> bytes:
        """Page data as bytes, by value. pickle does the walking in C; model objects, pagers and
        columns are replaced by their digests on the way (see DataPickler)."""
        buffer = io.BytesIO()
        DataPickler(buffer, self).dump(value)
        return buffer.getvalue()

    def shell(self, column_slug: str | None) -> bytes:
        """The navigation data of a column's pages (or of the site's own pages when None)."""
        if column_slug not in self._shells:
            site = self.site
            digest = hashlib.blake2b(digest_size=16)
            shared = (site.config, site.domains, tuple(c.config for c in site.columns), site.citymap)
            digest.update(self.serialise(shared))
            if column_slug is not None:
                column = self.columns[column_slug]
                static = sorted(self.themes.column_static(column))
                digest.update(self.serialise((column_shell(column), static)))
            self._shells[column_slug] = digest.digest()
        return self._shells[column_slug]

    def template(self, column_slug: str | None, name: str) -> bytes:
        key = (column_slug or "", name)
        if key not in self._templates:
            column = self.columns.get(column_slug) if column_slug else None
            env = self.themes.for_column(column) if column else self.themes.shared()
            self._templates[key] = template_digest(env, name)
        return self._templates[key]

    def value_digest(self, value) -> bytes:
        """A record, item or other model object by value; once per object per build."""
        key = id(value)
        if key not in self._values:
            fields = tuple((f.name, getattr(value, f.name)) for f in dataclasses.fields(value)
                           if f.name not in SKIPPED_FIELDS)
            digest = hashlib.blake2b(type(value).__name__.encode(), digest_size=16)
            digest.update(self.serialise(fields))
            self._values[key] = (value, digest.digest())
        return self._values[key][1]


class DataPickler(pickle.Pickler):
    """Pickles page data with model objects as their cached digests, so each record is hashed
    once per build however many pages list it. Pagers and columns are pickled as the values
    their pages show (a pager's links, a column's navigation data and record count)."""

    def __init__(self, buffer, fingerprints: "Fingerprints"):
        super().__init__(buffer, protocol=5)
        self.fingerprints = fingerprints

    def reducer_override(self, value):
        kind = type(value)
        if kind is Pager:
            return tuple, ((value.number, value.count, value.total, value.entries, value.window),)
        if kind is Column:
            return tuple, ((column_shell(value), len(value.records)),)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return bytes, (self.fingerprints.value_digest(value),)
        if kind in (types.FunctionType, types.MethodType, functools.partial):
            # Page data must be hashable by value, or an incremental build could keep a stale page.
            raise TypeError(f"cannot fingerprint page data of type {kind.__name__}")
        return NotImplemented


def column_shell(column: Column) -> tuple:
    # What templates read from `column` besides the page's own data (see partials/column_nav.html).
    return (column.config, tuple(column.catalogues), len(column.policies), column.townships, column.topics)


def template_digest(env: jinja2.Environment, name: str) -> bytes:
    """The template and everything it pulls in, each as resolved by this environment."""
    digest = hashlib.blake2b(digest_size=16)
    seen: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            source, filename, _ = env.loader.get_source(env, current)
        except jinja2.TemplateNotFound:
            digest.update(f"missing:{current}\0".encode())
            continue
        digest.update(f"{current}\0{filename}\0".encode() + source.encode())
        try:
            referenced = list(meta.find_referenced_templates(env.parse(source)))
        except jinja2.TemplateSyntaxError:
            continue          # the render reports it with file and line
        if None in referenced:
            # A computed template name: depend on every template this environment can see.
            referenced = [n for n in env.list_templates() if n not in seen]
        pending.extend(n for n in referenced if n)
    return digest.digest()


class PageCache:
    """Fingerprints of the pages in the published output, kept beside it in .<output>.build-cache.json
    (like the staging folder), so that a cache goes away with its output's parent folder."""

    def __init__(self, file: Path, output: Path, version: str, pages: dict | None = None,
                 columns: dict | None = None):
        self.file = file
        self.output = output
        self.version = version
        self.pages: dict[str, list] = pages or {}      # path -> [fingerprint, size, mtime_ns]
        self.columns: dict[str, str] = columns or {}   # column -> search digest of its pages

    @classmethod
    def open(cls, output: Path, version: str, notice: Callable[[str], None]) -> "PageCache":
        file = output.parent / f".{output.name}.build-cache.json"
        empty = cls(file, output, version)
        if not file.exists():
            return empty
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            notice(f"build cache {file} is unreadable; it was discarded and every page is rebuilt")
            return empty
        if not valid_cache(data, output, version):
            notice(f"build cache {file} is from another version or output; it was discarded and every page is rebuilt")
            return empty
        return cls(file, output, version, data["pages"], data["columns"])

    def emptied(self) -> "PageCache":
        return PageCache(self.file, self.output, self.version)

    def reusable(self, path: str, fingerprint: str) -> Path | None:
        """The published file of a page whose inputs are unchanged and whose file is as written."""
        entry = self.pages.get(path)
        if entry is None or entry[0] != fingerprint:
            return None
        old = self.output / path
        try:
            stat = old.stat()
        except OSError:
            return None
        return old if [stat.st_size, stat.st_mtime_ns] == entry[1:] else None

    def save(self, pages: dict[str, list], columns: dict[str, str]) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.file, json.dumps({"format": CACHE_FORMAT, "version": self.version,
                                                "output": str(self.output), "pages": pages,
                                                "columns": columns}, ensure_ascii=False))


def valid_cache(data, output: Path, version: str) -> bool:
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or data.get("version") != version:
        return False
    if data.get("output") != str(output) or not isinstance(data.get("pages"), dict):
        return False
    if not isinstance(data.get("columns"), dict):
        return False
    return all(isinstance(v, list) and len(v) == 3 and isinstance(v[0], str)
               and all(isinstance(n, int) for n in v[1:]) for v in data["pages"].values())
