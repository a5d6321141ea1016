"""The only writer of output/. A build writes every file it makes into a folder of its own beside
the output first; nothing in output/ changes until the whole build has succeeded. Then:

- a full build (no previous output, or --clean) swaps its folder in for output/ in one step;
- an incremental build moves its files into output/ one by one, each with one rename, so every
  file is always whole, after listing them in the journal (state.py); files of pages that no longer
  exist are removed, and so are folders left empty. A file's precompressed copies
  (`<file>.gz`, `<file>.br`, precompress.py) go with it: moved in just before it, or removed when
  the new file has none; removed just before it.

Leftovers of a killed build (its folder, a half-made search bundle) are removed by the next build.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

LEFTOVER_KINDS = ("staging", "pending", "old")
COPY_SUFFIXES = (".gz", ".br")           # the names of a file's precompressed copies (precompress.py)


@contextmanager
def naming(target: Path):
    """An OSError raised inside names `target` when it names no file itself (a full disk's does not)."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror, str(target)) from exc
        raise


def write_file(target: Path, data: bytes) -> None:
    with naming(target):
        target.write_bytes(data)


def copy_into(source: Path | str, target: Path) -> None:
    with naming(target):
        shutil.copyfile(source, target)


class DuplicateOutput(Exception):
    """Two pages claimed the same output path."""


def leftover_prefixes(output: Path) -> tuple[str, ...]:
    """How the names of a build's own folders beside `output` start."""
    return tuple(f".{output.name}.{kind}-" for kind in LEFTOVER_KINDS)


def leftovers(output: Path) -> list[Path]:
    prefixes = leftover_prefixes(output)
    try:
        return [Path(e.path) for e in os.scandir(output.parent) if e.name.startswith(prefixes)]
    except OSError:
        return []


def remove_leftovers(output: Path) -> int:
    found = leftovers(output)
    for folder in found:
        shutil.rmtree(folder, ignore_errors=True)
    return len(found)


class BuildOutput:
    """The folder this build writes into, and how it reaches output/."""

    def __init__(self, output: Path, full: bool):
        self.output = output
        self.full = full
        output.parent.mkdir(parents=True, exist_ok=True)
        kind = "staging" if full else "pending"
        self.folder = Path(tempfile.mkdtemp(prefix=f".{output.name}.{kind}-", dir=output.parent))
        self.written: set[str] = set()
        self._removal: FolderRemoval | None = None

    def path(self, relative: str) -> Path:
        """Where to write `relative` (its folder made); each path once per build."""
        if relative in self.written:
            raise DuplicateOutput(relative)
        if relative.startswith("/") or ".." in relative.split("/"):
            raise ValueError(f"unsafe output path {relative!r}")
        self.written.add(relative)
        target = self.folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write_bytes(self, relative: str, data: bytes) -> Path:
        target = self.path(relative)
        write_file(target, data)
        return target

    def copy_file(self, relative: str, source: Path | str) -> Path:
        target = self.path(relative)
        copy_into(source, target)
        return target

    def publish_full(self) -> None:
        """Swap the whole new site in: two renames. The old site is then removed beside the saving
        of the build state (100,000 pages took 23 s to remove); `finish` waits for it."""
        old = None
        if self.output.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.old-", dir=self.output.parent))
            os.rmdir(old)
            os.replace(self.output, old)
        os.replace(self.folder, self.output)
        if old is not None:
            self._removal = FolderRemoval(old)

    def finish(self) -> None:
        """Wait until the old site is gone (raises what removing it raised)."""
        removal, self._removal = self._removal, None
        if removal is not None:
            removal.wait()

    def publish_changes(self, files: list[str], bundles: list[str], deleted: list[str]) -> None:
        """Move the new files and search bundles into output/, remove the deleted files."""
        for relative in files:
            target = self.output / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            for suffix in COPY_SUFFIXES:
                copy = self.folder / (relative + suffix)
                if copy.exists():
                    os.replace(copy, self.output / (relative + suffix))
                else:
                    (self.output / (relative + suffix)).unlink(missing_ok=True)
            os.replace(self.folder / relative, target)
        for bundle in bundles:
            swap_folder(self.folder / bundle, self.output / bundle)
        for relative in deleted:
            remove_file(self.output, relative)
        shutil.rmtree(self.folder, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class FolderRemoval:
    """A folder removed by a process of its own, so that the removal uses the other core while the
    build saves its state (a thread shared the interpreter with the saving and gained 4 s of 42 at
    100,000 pages). The process outlives a build that ends without waiting (an error while saving)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.process = subprocess.Popen([sys.executable, "-c", REMOVE_FOLDER, str(folder)],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)

    def wait(self) -> None:
        _out, err = self.process.communicate()
        if self.process.returncode == 0:
            return
        number, reason, path = parse_failure(err)
        raise OSError(number, f"cannot remove the previous output: {reason}", path or str(self.folder))


def parse_failure(err: bytes) -> tuple[int, str, str]:
    """The removal's last line: errno, reason and path, tab-separated (REMOVE_FOLDER)."""
    last = (err.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
    parts = last.split("\t")
    if len(parts) == 3 and parts[0].isdigit():
        return int(parts[0]), parts[1], parts[2]
    return 0, last or "the removing process failed", ""


# rmtree's onerror hands over the whole path of the entry that could not be removed
REMOVE_FOLDER = """import shutil, sys
def failed(function, path, info):
    sys.stderr.write(f"{info[1].errno or 0}\\t{info[1].strerror or info[1]}\\t{path}\\n")
    sys.exit(1)
shutil.rmtree(sys.argv[1], onerror=failed)
"""


def swap_folder(new: Path, target: Path) -> None:
    """Replace folder (or file) `target` with `new` (or remove it when `new` does not exist)."""
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    if new.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(new, target)
    if old is not None and old.is_dir():
        shutil.rmtree(old, ignore_errors=True)
    elif old is not None:
        old.unlink(missing_ok=True)


def remove_file(output: Path, relative: str) -> None:
    target = output / relative
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target, ignore_errors=True)
    else:
        for suffix in COPY_SUFFIXES:                     # its precompressed copies first
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        target.unlink(missing_ok=True)
    prune_empty(target.parent, stop=output)


def prune_empty(folder: Path, stop: Path) -> None:
    """Remove `folder` and its parents up to `stop` while they are empty (a clean build has no
    empty folders)."""
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def scan_output(output: Path, opaque: str = "pagefind") -> dict[str, tuple[int, int]]:
    """Every file in output/ with its size and modification time; folders named `opaque` (the
    search bundles) are listed as themselves, not file by file."""
    found: dict[str, tuple[int, int]] = {}
    pending = [(str(output), "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            key = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name == opaque:
                    found[key + "/"] = (0, 0)
                else:
                    pending.append((entry.path, key + "/"))
            else:
                stat = entry.stat(follow_symlinks=False)
                found[key] = (stat.st_size, stat.st_mtime_ns)
    return found
