"""The only writer of output/: everything goes to a staging folder beside it, which replaces
output/ in one step when the whole build succeeded. A failed build leaves output/ untouched."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


class DuplicateOutput(Exception):
    """Two pages claimed the same output path."""


class StagedOutput:
    def __init__(self, output: Path):
        self.output = output
        output.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.staging-", dir=output.parent))
        self.written: set[str] = set()
        self._folders: set[Path] = set()

    def write_text(self, path: str, text: str) -> None:
        self.write_bytes(path, text.encode("utf-8"))

    def write_bytes(self, path: str, data: bytes) -> None:
        target = self._claim(path)
        target.write_bytes(data)

    def copy_file(self, path: str, source: Path) -> None:
        shutil.copyfile(source, self._claim(path))

    def claim(self, path: str) -> Path:
        """Reserve a path (and make its folder) for a file another process will write."""
        return self._claim(path)

    def link(self, path: str, published: Path) -> None:
        """Carry an unchanged file over from the published output: a hard link, which shares the
        bytes and the stamp; the build never writes into a file, so the old site stays as it was."""
        link_or_copy(published, self._claim(path))

    def copy_tree(self, prefix: str, folder: Path) -> None:
        for source in sorted(folder.rglob("*")):
            if source.is_file() and not source.name.startswith("."):
                self.copy_file(f"{prefix}/{source.relative_to(folder).as_posix()}", source)

    def _claim(self, path: str) -> Path:
        if path in self.written:
            raise DuplicateOutput(path)
        if path.startswith("/") or ".." in Path(path).parts:
            raise ValueError(f"unsafe output path {path!r}")
        self.written.add(path)
        target = self.staging / path
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        return target

    def publish(self) -> None:
        """Swap the staged site in: two renames, then the old site is removed."""
        old = None
        if self.output.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.old-", dir=self.output.parent))
            os.rmdir(old)
            os.replace(self.output, old)
        os.replace(self.staging, self.output)
        if old is not None:
            shutil.rmtree(old)

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def link_or_copy(source: Path | str, target: Path | str) -> None:
    """A hard link where the file system allows one, a copy elsewhere. Safe because published
    files are only ever replaced, never written into."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
