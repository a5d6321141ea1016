"""The personal-data guard (保密审查) that runs in every build.

Scans, line by line, every record source file as load.py read it (Markdown and bulk YAML under
records/, policies/ and topics/: titles, bodies and every other key) and every attachment file (its
name, and its contents when it is text such as CSV). An unmasked 身份证号, 手机号 or 银行卡号 is a content error
with file:line and a masked preview. A record that declares `privacy_exception: <reason>` is
exempt; its finds are returned as exemptions for `build.py check` to report as notices.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

from .errors import ErrorList
from .load import ColumnSources, Sources
from .model import Content, Record
from .pii import CANDIDATE_RE, find_personal_data

TEXT_SUFFIXES = (".csv", ".txt", ".md", ".tsv", ".json", ".xml", ".html", ".htm")
EXPECTED = ("the number masked (430104********1234, 138****5678; `python build.py mask <file>` does it), "
            "or privacy_exception: <lawful reason> on the record")


@dataclass(frozen=True)
class Exemption:
    """A find in a record that declares a lawful exception."""

    path: Path
    line: int
    preview: str
    record: Record


def guard_personal_data(content: Content, sources: Sources, errors: ErrorList) -> list[Exemption]:
    owners = RecordOwners(content.records)
    exemptions: list[Exemption] = []
    for column in sources.columns:
        for path, line, preview in scan_column(column, errors):
            record = owners.owner(path, line)
            if record is not None and record.privacy_exception:
                exemptions.append(Exemption(path, line, preview, record))
            else:
                errors.add(path, line, f"unmasked personal data (个人信息未脱敏): {preview}", EXPECTED)
    return exemptions


def scan_column(column: ColumnSources, errors: ErrorList):
    """(path, line, masked preview) of every find in one column's record sources and attachments."""
    for document in column.record_documents():
        yield from scan_text(document.path, document.text)
    for path in column.files:
        if not path.name.startswith("."):                       # hidden files are never published
            yield from ((path, None, f.preview + "（文件名）") for f in find_personal_data(path.name))
            if path.suffix.lower() in TEXT_SUFFIXES and (text := read_text(path, errors)) is not None:
                yield from scan_text(path, text)


def scan_text(path: Path, text: str):
    if not CANDIDATE_RE.search(text):          # most files hold no long digit run at all
        return
    # One pass over the whole text (no find spans a line break); line numbers only for finds.
    for find in find_personal_data(text):
        yield path, text.count("\n", 0, find.start) + 1, find.preview


def read_text(path: Path, errors: ErrorList) -> str | None:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    errors.add(path, None, "cannot read the file as text to check it for personal data", "UTF-8 or GB18030 text")
    return None


class RecordOwners:
    """Which record a line of a source file belongs to, and which records an attachment file."""

    def __init__(self, records: list[Record]):
        self.records = records
        self._by_file: dict[Path, list[tuple[int, Record]]] | None = None
        self._by_attachment: dict[tuple[str, str], list[Record]] = {}

    @property
    def by_file(self) -> dict[Path, list[tuple[int, Record]]]:
        # Built on the first find only: resolving every record's path costs seconds on a big site.
        if self._by_file is None:
            self._index()
        return self._by_file

    @property
    def by_attachment(self) -> dict[tuple[str, str], list[Record]]:
        if self._by_file is None:
            self._index()
        return self._by_attachment

    def _index(self) -> None:
        self._by_file = {}
        resolved: dict[Path, Path] = {}
        for record in self.records:
            if record.source.path not in resolved:
                resolved[record.source.path] = record.source.path.resolve()
            self._by_file.setdefault(resolved[record.source.path], []).append((record.source.line or 1, record))
            for attachment in record.attachments:
                self._by_attachment.setdefault((record.column, attachment.href), []).append(record)
        for entries in self._by_file.values():
            entries.sort(key=lambda e: e[0])

    def owner(self, path: Path, line: int | None) -> Record | None:
        entries = self.by_file.get(path.resolve())
        if entries is None:
            return self.attachment_owner(path)
        if len(entries) == 1 and path.suffix == ".md":
            return entries[0][1]
        index = bisect.bisect_right([e[0] for e in entries], line or 0) - 1
        return entries[index][1] if index >= 0 else None

    def attachment_owner(self, path: Path) -> Record | None:
        """An attachment file is exempt when a record publishing it declares an exception."""
        if path.parent.name != "files":
            return None
        records = self.by_attachment.get((path.parent.parent.name, path.name), [])
        return next((r for r in records if r.privacy_exception), records[0] if records else None)
