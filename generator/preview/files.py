"""Mapping a request to a file in output/: only plain paths inside the folder (no `..` in any
encoding, no backslashes, no symlinks out of it), also under site.yaml's `base_path`."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

def safe_segments(target: str) -> list[str] | None:
    """The percent-decoded path segments of a request target, or None when it is not a plain path
    inside the site (`..`, backslashes, NUL, double encoding, not starting with `/`)."""
    raw = target.split("?", 1)[0].split("#", 1)[0]
    if not raw.startswith("/"):
        return None
    try:
        decoded = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return None
    if unquote(decoded) != decoded:                # %252e%252e and friends
        return None
    if "\\" in decoded or any(ord(ch) < 32 or ord(ch) == 127 for ch in decoded):
        return None
    segments = decoded[1:].split("/")
    *folders, last = segments
    if any(part in ("", ".", "..") for part in folders) or last in (".", ".."):
        return None
    return segments                                # the last one is "" for a folder


def strip_base(segments: list[str], base_path: str) -> list[str] | None:
    """The segments below the site's sub-path (`/jczwgk/…`), or None when not under it."""
    base = [part for part in base_path.split("/") if part]
    if base and segments[:len(base)] == base and len(segments) > len(base):
        return segments[len(base):]
    return None


class Redirect(str):
    """A folder asked for without its trailing slash: where to send the browser."""


def inside(root: Path, path: Path) -> Path | None:
    """`path` with every symlink resolved, if it exists and stays inside `root`."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real == root or real.is_relative_to(root) else None


def locate(output: Path, segments: list[str]) -> Path | Redirect | None:
    """The file `segments` names inside `output` (a folder means its index.html)."""
    try:
        root = output.resolve(strict=True)         # on every request: a build replaces output/
    except (OSError, RuntimeError):
        return None
    real = inside(root, root.joinpath(*segments))
    if real is not None and real.is_dir():
        if segments[-1] != "":
            return Redirect("/".join(segments) + "/")
        real = inside(root, real / "index.html")
    return real if real is not None and real.is_file() else None


def find_file(output: Path, target: str, base_path: str) -> Path | Redirect | None:
    segments = safe_segments(target)
    if segments is None:
        return None
    if base_path != "/" and "/".join(segments) == base_path.strip("/"):
        return Redirect(base_path)                 # /jczwgk → /jczwgk/
    below = strip_base(segments, base_path)
    if below is not None:
        found = locate(output, below)
        if found is not None:
            return Redirect(base_path + found) if isinstance(found, Redirect) else found
    found = locate(output, segments)
    return Redirect("/" + found) if isinstance(found, Redirect) else found


class SiteBasePath:
    """site.yaml's base_path, normalised as the build does ("/" while unreadable); read through
    load.py again only when the file changed."""

    def __init__(self, site_file: Path):
        self.site_file = site_file
        self._seen: tuple[int, int] | None = None
        self._value = "/"

    def __call__(self) -> str:
        try:
            stat = self.site_file.stat()
        except OSError:
            return "/"
        if (stat.st_mtime_ns, stat.st_size) != self._seen:
            self._value = read_base_path(self.site_file)
            self._seen = (stat.st_mtime_ns, stat.st_size)
        return self._value


def read_base_path(site_file: Path) -> str:
    from ..errors import ErrorList
    from ..load import read_yaml
    document = read_yaml(site_file, ErrorList())
    data = document.data if document is not None else None
    value = str(data.get("base_path") or "") if isinstance(data, dict) else ""
    value = value.strip("/")
    return f"/{value}/" if value else "/"
