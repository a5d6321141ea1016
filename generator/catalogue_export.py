"""A column's catalogue → .xlsx in the standard column order, one sheet per domain, so staff
can edit it in a spreadsheet and import it back (round trip keeps every cell)."""
from __future__ import annotations

from pathlib import Path

from .catalogue_columns import COLUMNS
from .model import Item

HEADERS = ("序号",) + tuple(c.header for c in COLUMNS)


def item_row(number: int, item: Item) -> list:
    values = {
        "level1": item.level1, "level2": item.level2, "type": item.type,
        "service_name": item.service_name or "", "elements": item.elements, "basis": item.basis,
        "time_limit": item.time_limit, "subject": item.subject, "channels": "、".join(item.channels),
        "audience": item.audience, "mode": item.mode, "levels": "、".join(item.levels),
        "service_url": item.service_url or "", "id": item.id,
    }
    return [number] + [values[c.key] for c in COLUMNS]


def export_catalogue(site, column, domains: list[str], target: Path) -> int:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    book = openpyxl.Workbook()
    book.remove(book.active)
    rows = 0
    for slug in domains:
        sheet = book.create_sheet(site.domain_of[slug].name[:31])
        sheet.append(list(HEADERS))
        for number, item in enumerate(column.catalogues.get(slug, ()), 1):
            sheet.append(item_row(number, item))
            rows += 1
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.freeze_panes = "B2"
        for index, width in enumerate((6, 14, 16, 14, 20, 30, 30, 18, 18, 20, 10, 10, 12, 36, 12), 1):
            sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = width
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return rows
