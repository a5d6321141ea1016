"""What is on disk now, against what the last build saw: the project's sources and output/ listed
(stamps.py) while the build loads its state, and the differences with the listings the last build
saved. An unchanged listing means nothing to look at; otherwise only the paths on lines that
differ are looked at again, never the whole site.
"""
from __future__ import annotations

from dataclasses import dataclass

from .paths import ProjectPaths
from .sources import SourceFile, add_source
from .stamps import FileStamps, line_path, parse_line

ROOT_TOPS = ["site.yaml", "content", "districts"]


def joined(lines: list[bytes]) -> bytes:
    return b"\n".join(lines)


def split(listing: bytes | None) -> list[bytes]:
    return listing.split(b"\n") if listing else []


@dataclass
class Difference:
    """Paths on lines that are new or gone between two listings."""

    lines: list[bytes]          # the lines that are new
    changed: set[str]           # their paths: present now, and new or different
    gone: set[str]              # present before, not now

    @property
    def paths(self) -> set[str]:
        return self.changed | self.gone


def difference(before: bytes | None, now: bytes) -> Difference:
    old = set(split(before))
    new = split(now)
    lines = [line for line in new if line not in old]
    changed = {line_path(line) for line in lines}
    still = set(new)
    gone = {line_path(line) for line in old if line not in still} - changed
    return Difference(lines, changed, gone)


class Scans:
    """Three listings started at once: the project's sources (site.yaml, content/, districts/),
    the themes folder, and output/ (its search bundles as folders)."""

    def __init__(self, paths: ProjectPaths):
        self.paths = paths
        self.root = FileStamps.start(paths.root, ROOT_TOPS, follow_links=True)
        self.themes = FileStamps.start(paths.themes, ["."], follow_links=True)
        self.output = FileStamps.start(paths.output, ["."], follow_links=False, opaque="pagefind")

    def sources(self) -> bytes:
        """One listing of every source: root lines as they are, theme lines under themes/."""
        lines = self.root.lines() + [b"themes/" + line for line in self.themes.lines()]
        return joined(sorted(lines))

    def output_listing(self) -> bytes:
        return joined(self.output.lines())


def tree_of(paths: ProjectPaths, listing: bytes) -> dict[str, SourceFile]:
    """The source files of a sources listing (see Scans.sources), by key, in key order."""
    found: dict[str, SourceFile] = {}
    for line in split(listing):
        add_line(paths, found, line)
    return {key: found[key] for key in sorted(found)}


def patched_tree(paths: ProjectPaths, tree: dict[str, SourceFile], diff: Difference) -> dict[str, SourceFile]:
    """The last build's tree, brought up to date for the paths that differ."""
    fresh = {k: v for k, v in tree.items() if k not in diff.paths}
    for line in diff.lines:
        add_line(paths, fresh, line)
    return {key: fresh[key] for key in sorted(fresh)}


def add_line(paths: ProjectPaths, found: dict[str, SourceFile], line: bytes) -> None:
    parsed = parse_line(line)
    if parsed is None:
        return
    key, size, mtime = parsed
    if key.startswith("themes/"):
        add_source(found, key, f"{paths.themes}/{key[7:]}", Stamp(size, mtime), "themes")
    else:
        add_source(found, key, f"{paths.root}/{key}", Stamp(size, mtime), "root")


@dataclass(frozen=True)
class Stamp:
    st_size: int
    st_mtime_ns: int
