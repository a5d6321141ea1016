"""The project's source files, found in one walk: each with its size, modification time and role.

A file's key is its project-relative POSIX path (`content/yuelu/records/x.md`); theme files are keyed
`themes/<theme>/...` relative to the themes folder, wherever it is. Keys, never absolute paths, are
what the build cache and every digest see, so a project keeps its cache when it is moved.

The role says what the build makes of the file; it follows from where the file lies:

  site.yaml                                   site
  content/domains.yaml                        domains
  content/map/*.geojson                       map
  content/search/synonyms.yaml                search (the search lexicon)
  content/<column>/catalogue/<domain>.yaml    catalogue
  content/<column>/records/**.{md,yaml,yml}   records
  content/<column>/policies/**.{md,yaml,yml}  policies
  content/<column>/townships.yaml             townships
  content/<column>/topics/<topic>/topic.yaml  topic
  content/<column>/topics/<topic>/**          topic-records (Markdown and YAML beside topic.yaml)
  content/<column>/files/**                   attachment
  districts/<column>/column.yaml              column
  districts/<column>/templates/**             template (a column's override)
  districts/<column>/static/**                static (a column's override)
  themes/<theme>/templates/**                 template
  themes/<theme>/static/**                    static

Hidden files and folders (a leading '.') are never sources: `build.py mask` keeps its backups so.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from .paths import ProjectPaths
from .search_lexicon import LEXICON_FILE

RECORD_SUFFIXES = (".md", ".yaml", ".yml")
CONTENT_ROLES = ("catalogue", "records", "policies", "townships", "topic", "topic-records", "attachment")


class SourceFile(NamedTuple):
    key: str                 # project-relative POSIX path; themes/<theme>/... for theme files
    path: str                # where it is now (absolute); never stored
    size: int
    mtime_ns: int
    role: str
    column: str | None = None
    part: str | None = None  # the catalogue's domain, the topic's slug, the theme's name

    @property
    def stamp(self) -> tuple[int, int]:
        return self.size, self.mtime_ns


def scan_sources(paths: ProjectPaths) -> dict[str, SourceFile]:
    """Every source file of the project, by key, in key order."""
    found: dict[str, SourceFile] = {}
    for key, path, stat in walk(paths.root, ("site.yaml", "content", "districts")):
        add_source(found, key, path, stat, "root")
    for key, path, stat in walk(paths.themes, None):
        add_source(found, "themes/" + key, path, stat, "themes")
    return {key: found[key] for key in sorted(found)}


def refresh_sources(paths: ProjectPaths, tree: dict[str, SourceFile],
                    changed: set[Path]) -> tuple[dict[str, SourceFile], set[str]]:
    """`tree` brought up to date for the paths a watcher saw change (files or whole folders),
    without walking the rest of the project; also the keys that came, went or changed."""
    fresh = dict(tree)
    touched: set[str] = set()
    for path in changed:
        key, base = key_of(paths, path)
        if key is None:
            continue
        folder = os.path.isdir(path) or any(k.startswith(key + "/") for k in fresh) if key not in fresh else False
        old = [k for k in fresh if k == key or k.startswith(key + "/")] if folder else ([key] if key in fresh else [])
        for gone in old:
            del fresh[gone]
        touched.update(old)
        if any(part.startswith(".") for part in key.split("/")):
            continue
        if os.path.isdir(path):
            for sub, file, stat in walk(Path(path), None):
                add_source(fresh, f"{key}/{sub}", file, stat, base)
                touched.add(f"{key}/{sub}")
        elif os.path.isfile(path):
            add_source(fresh, key, str(path), os.stat(path), base)
            touched.add(key)
    return fresh, {k for k in touched if k in fresh or k in tree}


def key_of(paths: ProjectPaths, path: Path) -> tuple[str | None, str]:
    path = Path(path)
    for base, prefix, kind in ((paths.themes, "themes/", "themes"), (paths.root, "", "root")):
        try:
            relative = path.relative_to(base).as_posix()
        except ValueError:
            continue
        if relative == ".":
            return None, kind
        return prefix + relative, kind
    return None, ""


def add_source(tree: dict[str, SourceFile], key: str, path: str, stat, base: str) -> None:
    if base == "themes":
        role, column, part = theme_role_of(key[len("themes/"):])
    else:
        role, column, part = role_of(key)
    if role:
        tree[key] = SourceFile(key, path, stat.st_size, stat.st_mtime_ns, role, column, part)


def walk(base: Path, tops: tuple[str, ...] | None):
    """(key, path, stat) of every non-hidden file under `base` (only under the entries `tops` if given)."""
    pending: list[tuple[str, str]] = [(str(base), "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:          # gone meanwhile; a folder the build may not read is a failure
            continue
        for entry in entries:
            if entry.name.startswith(".") or (not prefix and tops is not None and entry.name not in tops):
                continue
            key = prefix + entry.name
            try:
                if entry.is_dir():
                    pending.append((entry.path, key + "/"))
                elif entry.is_file():
                    yield key, entry.path, entry.stat()
            except FileNotFoundError:
                continue


def role_of(key: str) -> tuple[str | None, str | None, str | None]:
    parts = key.split("/")
    if key == "site.yaml":
        return "site", None, None
    if parts[0] == "districts":
        return district_role(parts)
    if parts[0] != "content" or len(parts) < 2:
        return None, None, None
    if key == "content/domains.yaml":
        return "domains", None, None
    if parts[1] == "map":
        return ("map", None, None) if len(parts) == 3 and key.endswith(".geojson") else (None, None, None)
    if parts[1] == "search":
        return ("search", None, None) if key == LEXICON_FILE else (None, None, None)
    return content_role(parts)


def content_role(parts: list[str]) -> tuple[str | None, str | None, str | None]:
    if len(parts) < 3:
        return None, None, None
    column, folder, name = parts[1], parts[2], parts[-1]
    if len(parts) == 3:
        return ("townships", column, None) if folder == "townships.yaml" else (None, None, None)
    if folder == "catalogue":
        return ("catalogue", column, name[:-5]) if len(parts) == 4 and name.endswith(".yaml") else (None, None, None)
    if folder in ("records", "policies"):
        return (folder, column, None) if name.endswith(RECORD_SUFFIXES) else (None, None, None)
    if folder == "files":
        return "attachment", column, None
    if folder == "topics" and len(parts) >= 5:
        if len(parts) == 5 and name == "topic.yaml":
            return "topic", column, parts[3]
        return ("topic-records", column, parts[3]) if name.endswith(RECORD_SUFFIXES) else (None, None, None)
    return None, None, None


def district_role(parts: list[str]) -> tuple[str | None, str | None, str | None]:
    if len(parts) == 3 and parts[2] == "column.yaml":
        return "column", parts[1], None
    if len(parts) >= 4 and parts[2] in ("templates", "static"):
        return {"templates": "template", "static": "static"}[parts[2]], parts[1], None
    return None, None, None


def theme_role_of(key: str) -> tuple[str | None, str | None, str | None]:
    parts = key.split("/")
    if len(parts) >= 3 and parts[1] == "templates":
        return "template", None, parts[0]
    if len(parts) >= 3 and parts[1] == "static":
        return "static", None, parts[0]
    return None, None, None


def content_folders(paths: ProjectPaths) -> list[str]:
    """The folder names directly under content/ (a column's content, or map/ and search/)."""
    try:
        return sorted(e.name for e in os.scandir(paths.content) if e.is_dir() and not e.name.startswith("."))
    except OSError:
        return []


def topic_folders(paths: ProjectPaths, column: str) -> list[str]:
    folder = paths.content / column / "topics"
    try:
        return sorted(e.name for e in os.scandir(folder) if e.is_dir() and not e.name.startswith("."))
    except OSError:
        return []
