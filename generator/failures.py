"""Failures that are not the content's fault, as one message a webmaster can act on.

A full disk, a folder the build may not write, a read-only disk, a file that vanished while it was
read, or a bug in the generator: each ends the build as a `BuildFailure` (a `BuildError`, so every
caller that reports content errors reports these the same way) naming the stage, the file where
there is one, what happened and what to do. The original exception stays attached as the cause,
for `--debug`.
"""
from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from .errors import BuildError, ContentError, one_line, shown
from .write import leftover_prefixes

# Stages after which output/ may already hold pages of the failed build (each page whole).
LATE_STAGES = ("publish", "search", "save")

NO_SPACE = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
NO_PERMISSION = (errno.EACCES, errno.EPERM)


class BuildFailure(BuildError):
    def __init__(self, stage: str, error: ContentError):
        super().__init__(stage, [error])

    def report(self) -> str:
        if self.stage in LATE_STAGES:
            after = ("output/ holds whole pages only, some from this build; the next build finishes the job "
                     "(it checks every page it may have missed).")
        else:
            after = "output/ is as the last build left it; nothing was published."
        return f"{self.message()}\n{after}"

    def message(self) -> str:
        """What happened and what to do, without the word on output/ (for commands that do not build)."""
        error = self.errors[0]
        where = f"{error.path}: " if error.path else ""
        return shown(f"{self.stage}: {where}{error.message}\n  what to do: {error.expected}")


def failure(stage: str, exc: BaseException, root: Path, output: Path | None = None) -> BuildFailure:
    """The one message for `exc`, raised during `stage` of a build of the project at `root` into
    `output`."""
    path, message, todo = describe(exc, Places(root, output))
    return BuildFailure(stage, ContentError(path, None, message, todo))


class Places:
    """Shows a path as the webmaster knows it: inside the project relative to it, and a file of the
    build's own folder beside output/ (.output.staging-x1y2/...) as the output file it is to become."""

    def __init__(self, root: Path, output: Path | None):
        self.root = root.resolve()
        self.output = output.resolve() if output is not None else None

    def show(self, path: str | bytes) -> str:
        path = Path(os.fsdecode(path)).resolve()
        if self.output is not None and path.parent != path and self.output.parent in path.parents:
            parts = path.relative_to(self.output.parent).parts
            if parts[0].startswith(leftover_prefixes(self.output)):
                path = self.output.joinpath(*parts[1:])
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def describe(exc: BaseException, places: Places) -> tuple[str, str, str]:
    """(file or folder, what happened, what to do)."""
    if isinstance(exc, OSError):
        return describe_os_error(exc, places)
    if isinstance(exc, sqlite3.Error):
        text = str(exc)
        if "full" in text:
            return "the build state", "no space left on the disk (磁盘空间不足) while saving the build state", \
                "free space on the disk that holds the output folder, then build again"
        if "readonly" in text or "unable to open" in text:
            return "the build state", f"the build state cannot be written ({text})", \
                "give this user write access to the folder beside the output (.<output>.build-state/), then build again"
        return "the build state", f"the build state cannot be used ({text})", \
            "build again with --clean (it starts the state afresh)"
    if isinstance(exc, MemoryError):
        return "", "out of memory (内存不足)", "close other programs or build with fewer processes (--jobs 1)"
    return "", f"internal error in the generator: {type(exc).__name__}: {one_line(str(exc))}", \
        "build again with --debug and send the traceback to the project's maintainers; the content is not at fault"


def describe_os_error(exc: OSError, places: Places) -> tuple[str, str, str]:
    where = places.show(exc.filename) if exc.filename else ""
    folder = places.show(os.path.dirname(os.fsdecode(exc.filename))) if exc.filename else "the output folder"
    if exc.errno in NO_SPACE:
        return where, "no space left on the disk (磁盘空间不足)", \
            "free space on the disk that holds the output folder (or build into another with --output), then build again"
    if exc.errno in NO_PERMISSION:
        return where, "permission denied (没有读写权限)", \
            f"give this user access to {folder}, or build into another folder with --output"
    if exc.errno == errno.EROFS:
        return where, "the disk is read-only (只读文件系统)", "build into a writable folder with --output"
    if exc.errno == errno.ENOENT:
        return where, "no such file or folder (找不到文件或文件夹)", \
            "check the path; if files were moved or deleted while the build ran, run it again"
    if exc.errno in (errno.EMFILE, errno.ENFILE):
        return where, "too many open files", "raise the limit (ulimit -n 4096) or build with --jobs 1"
    return where, f"{exc.strerror or exc} (errno {exc.errno})", "check the disk and the folder's permissions, then build again"

