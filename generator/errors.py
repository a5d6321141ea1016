"""One error type for bad input, and a list that collects them so a run reports all at once."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .pii import mask_text


def one_line(text: str, limit: int = 300) -> str:
    """A message of any length as one line a terminal shows whole, personal numbers masked."""
    text = shown(" ".join(text.split()))
    return text if len(text) <= limit else text[:limit] + "…"


def shown(text: str) -> str:
    """Text as any message may show it: a personal number in it (a file named after a person's
    身份证号, a value quoted in an error) is masked wherever it was found."""
    return mask_text(text)[0]


@dataclass(frozen=True)
class ContentError:
    """A problem in one source file: where it is, what is wrong, what was expected."""

    path: str
    line: int | None
    message: str
    expected: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}" if where else self.message
        return shown(f"{text} (expected {self.expected})" if self.expected else text)


class BuildError(Exception):
    """Raised when a stage found errors; carries every error of that stage."""

    def __init__(self, stage: str, errors: list[ContentError]):
        self.stage = stage
        self.errors = errors
        super().__init__(f"{stage}: {len(errors)} error(s)")

    def report(self) -> str:
        lines = [f"{self.stage}: {err}" for err in self.errors]
        lines.append(f"{len(self.errors)} error(s); nothing was written.")
        return "\n".join(lines)


@dataclass
class ErrorList:
    """Collects errors across files; `raise_if_any` ends the stage when something was found."""

    root: Path | None = None
    errors: list[ContentError] = field(default_factory=list)

    def add(self, path: Path | str, line: int | None, message: str, expected: str = "") -> None:
        error = ContentError(self.display(path), line, message, expected)
        if error not in self.errors:   # one broken template would otherwise be reported per page
            self.errors.append(error)

    def display(self, path: Path | str) -> str:
        """Project-relative for files of the project. A text path that is already relative (the
        model's Source.path) is shown as it is."""
        path = Path(path)
        if not path.is_absolute():
            return path.as_posix()
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self, stage: str) -> None:
        if self.errors:
            raise BuildError(stage, list(self.errors))
