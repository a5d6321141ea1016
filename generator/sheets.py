"""Spreadsheet rows from .xlsx (openpyxl) and .csv (UTF-8 or GB18030), merged cells filled in."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .textcodec import decode_text


class SheetError(Exception):
    """A spreadsheet that cannot be read at all."""


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[list[str]]          # every row as text, "" for empty cells; row 1 is rows[0]


def read_sheets(path: Path) -> list[Sheet]:
    if not path.is_file():
        raise SheetError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(path)
    if suffix == ".csv":
        return [Sheet(path.stem, read_csv(path))]
    raise SheetError(f"{path}: unsupported file type '{suffix}' (expected .xlsx or .csv)")


def read_xlsx(path: Path) -> list[Sheet]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise SheetError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    return [Sheet(ws.title, filled_rows(ws)) for ws in book.worksheets]


def filled_rows(ws) -> list[list[str]]:
    """Cell text with every merged range's value copied into all its cells: catalogues merge the
    一级事项 down over its 二级事项 rows, and header cells across two-line headers."""
    rows = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    for merged in ws.merged_cells.ranges:
        value = cell_text(ws.cell(merged.min_row, merged.min_col).value)
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if r - 1 < len(rows) and c - 1 < len(rows[r - 1]):
                    rows[r - 1][c - 1] = value
    return rows


def read_csv(path: Path) -> list[list[str]]:
    found = decode_text(path.read_bytes())
    if found is None:
        raise SheetError(f"{path}: not UTF-8 or GB18030 text")
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(found[0]))]


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()

