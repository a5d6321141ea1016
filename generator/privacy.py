"""The personal-data guard (保密审查) that runs in every build.

Scans, line by line, every record source file as it was read (Markdown and bulk YAML under
records/, policies/ and topics/: titles, bodies and every other key) and every attachment file (its
name, and its contents when it is text such as CSV). An unmasked 身份证号, 手机号 or 银行卡号 is a content
error with file:line and a masked preview. A record that declares `privacy_exception: <reason>` is
exempt; its finds become exemptions, which `build.py check` reports as notices.

A record file is judged on its own (the record a line belongs to is in the same file), so its
verdict is kept with the file in the source cache. An attachment is judged with the whole site: it
is exempt when a record that publishes it declares an exception (`attachment_verdicts`).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Iterable

from .model import Record
from .pii import CANDIDATE_RE, find_personal_data
from .textcodec import decode_text

TEXT_SUFFIXES = (".csv", ".txt", ".md", ".tsv", ".json", ".xml", ".html", ".htm")
EXPECTED = ("the number masked (430104********1234, 138****5678; `python build.py mask <file>` does it), "
            "or privacy_exception: <lawful reason> on the record")


@dataclass(frozen=True)
class Exemption:
    """A find in a record that declares a lawful exception."""

    path: str                  # project-relative file
    line: int | None
    preview: str
    column: str
    record: str                # the record's id
    reason: str


@dataclass(frozen=True)
class Find:
    """Unmasked personal data at a place in a file (only ever shown masked)."""

    line: int | None
    preview: str

    @property
    def message(self) -> str:
        return f"unmasked personal data (个人信息未脱敏): {self.preview}"


def text_finds(text: str) -> list[Find]:
    if not CANDIDATE_RE.search(text):          # most files hold no long digit run at all
        return []
    # One pass over the whole text (no find spans a line break); line numbers only for finds.
    return [Find(text.count("\n", 0, f.start) + 1, f.preview) for f in find_personal_data(text)]


def record_file_verdict(key: str, text: str, records: list[Record]) -> tuple[list[Find], list[Exemption]]:
    """(errors, exemptions) of one record source file: a find belongs to the record it lies in."""
    finds = text_finds(text)
    if not finds:
        return [], []
    starts = sorted((r.source.line or 1, n) for n, r in enumerate(records))
    errors, exemptions = [], []
    for find in finds:
        owner = owner_of(find.line or 0, starts, records, single=key.endswith(".md"))
        if owner is not None and owner.privacy_exception:
            exemptions.append(Exemption(key, find.line, find.preview, owner.column, owner.id, owner.privacy_exception))
        else:
            errors.append(find)
    return errors, exemptions


def owner_of(line: int, starts: list[tuple[int, int]], records: list[Record], single: bool) -> Record | None:
    if not records:
        return None
    if single and len(records) == 1:
        return records[0]
    index = bisect.bisect_right([s for s, _ in starts], line) - 1
    return records[starts[index][1]] if index >= 0 else None


def attachment_finds(name: str, data: bytes) -> tuple[list[Find], bool]:
    """Finds in an attachment's file name and, for text files, its contents; False when a text
    file cannot be read as text (then it cannot be checked, which is an error of its own)."""
    finds = [Find(None, f.preview + "（文件名）") for f in find_personal_data(name)]
    if not name.lower().endswith(TEXT_SUFFIXES):
        return finds, True
    text = decode(data)
    if text is None:
        return finds, False
    return finds + text_finds(text), True


def decode(data: bytes) -> str | None:
    found = decode_text(data)
    return found[0] if found else None


def attachment_verdicts(key: str, column: str, name: str, finds: list[Find],
                        publishers: Iterable[Record]) -> tuple[list[Find], list[Exemption]]:
    """An attachment's finds are exempt when a record publishing it declares an exception."""
    if not finds:
        return [], []
    owner = next((r for r in publishers if r.privacy_exception), None)
    if owner is None:
        return list(finds), []
    return [], [Exemption(key, f.line, f.preview, column, owner.id, owner.privacy_exception) for f in finds]
