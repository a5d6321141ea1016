"""A catalogue spreadsheet → the column's catalogue YAML for one domain.

Shows what would change against the YAML that is there now, and writes only when asked, so hand
edits are never overwritten silently. Items keep their ids: from a 事项编号 column, or by matching
一级事项 + 二级事项 with the items already in the YAML.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .catalogue_columns import (COLUMNS, IGNORED_HEADERS, REQUIRED, VALUE_ALIASES, Column, column_for,
                                split_list)
from .schema import SLUG_RE
from .sheets import Sheet, read_sheets

HEADER_SCAN_ROWS = 10
MIN_HEADER_MATCHES = 4
ITEM_KEY_ORDER = ("id", "level1", "level2", "elements", "basis", "time_limit", "subject", "channels",
                  "audience", "mode", "levels", "type", "service")


@dataclass
class ImportResult:
    items: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)     # rows or columns that cannot be mapped
    notes: list[str] = field(default_factory=list)        # what was ignored on purpose


def import_catalogue(path: Path, existing: list[dict], service_platform: str,
                     sheet_name: str | None = None) -> ImportResult:
    result = ImportResult()
    sheet = choose_sheet(read_sheets(path), sheet_name, result, path)
    if sheet is None:
        return result
    header = find_header(sheet)
    if header is None:
        result.problems.append(f"{path.name} sheet '{sheet.name}': no header row with the standard columns "
                               f"(一级事项, 二级事项, 公开内容（要素）, 公开依据 …) in the first {HEADER_SCAN_ROWS} rows")
        return result
    first_data_row, columns = header
    check_columns(path, sheet, first_data_row, columns, result)
    if result.problems:
        return result
    ids = IdAssigner(existing)
    for index in range(first_data_row, len(sheet.rows)):
        item = item_from_row(path, sheet, index, columns, service_platform, result)
        if item is not None:
            item["id"] = ids.assign(item, sheet, index, path, result)
            result.items.append(ordered(item))
    return result


def choose_sheet(sheets: list[Sheet], name: str | None, result: ImportResult, path: Path) -> Sheet | None:
    if name is None:
        return next((s for s in sheets if find_header(s) is not None), sheets[0] if sheets else None)
    found = next((s for s in sheets if s.name == name), None)
    if found is None:
        result.problems.append(f"{path.name}: no sheet named '{name}' (sheets: {', '.join(s.name for s in sheets)})")
    return found


@dataclass(frozen=True)
class MarkColumn:
    """One choice of an element laid out as ✓-columns: 公开对象 over 全社会 | 特定群众."""

    key: str
    value: str


MARKS = {"√", "✓", "✔", "●", "是", "Y", "y", "1"}
HeaderCell = Column | MarkColumn | str | None


def find_header(sheet: Sheet) -> tuple[int, list[HeaderCell]] | None:
    """(first data row index, what each cell holds). A header may take one line or two (a merged
    group heading over 一级事项 | 二级事项, or 公开对象 over 全社会 | 特定群众); the reading that
    names the most columns wins, and on a tie the one whose data starts first."""
    best: tuple[int, int, list[HeaderCell]] | None = None
    rows = sheet.rows
    for i in range(min(HEADER_SCAN_ROWS, len(rows))):
        lower = rows[i + 1] if i + 1 < len(rows) else []
        readings = [(i + 1, [pick("", text) for text in rows[i]])]
        if lower:
            width = max(len(rows[i]), len(lower))
            readings.append((i + 2, [pick(cell(lower, c), cell(rows[i], c)) for c in range(width)]))
        for start, cells in readings:
            score = len({c.key for c in cells if isinstance(c, (Column, MarkColumn))})
            if score >= MIN_HEADER_MATCHES and (best is None or score > best[0]):
                best = (score, start, cells)
    return (best[1], best[2]) if best else None


def cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def pick(lower: str, upper: str) -> HeaderCell:
    """What a header cell names; the raw text when it names nothing (reported as unknown)."""
    group = column_for(upper) if upper else None
    if group and lower and lower in VALUE_ALIASES.get(group.key, {}):
        return MarkColumn(group.key, VALUE_ALIASES[group.key][lower])
    for text in (lower, upper):
        if text and column_for(text):
            return column_for(text)
    text = lower or upper
    return None if not text or text in IGNORED_HEADERS else text


def check_columns(path: Path, sheet: Sheet, data_row: int, columns: list, result: ImportResult) -> None:
    from openpyxl.utils import get_column_letter     # openpyxl only when a sheet is read (a .csv needs none)
    seen = {c.key for c in columns if isinstance(c, (Column, MarkColumn))}
    if "type" not in seen:
        seen.add("type")
        result.notes.append(f"{path.name} sheet '{sheet.name}': no 事项类型 column; items with a 对应政务服务事项名称 "
                            "are taken as 政务服务事项, the others as 非政务服务事项")
    for index, column in enumerate(columns):
        if isinstance(column, str):
            result.notes.append(f"{path.name} sheet '{sheet.name}' column {get_column_letter(index + 1)}: "
                                f"unknown column '{column}' ignored (not a standard element)")
    for key in REQUIRED:
        if key not in seen:
            header = next(c.header for c in COLUMNS if c.key == key)
            result.problems.append(f"{path.name} sheet '{sheet.name}' row {data_row}: no column for {header}")


def item_from_row(path: Path, sheet: Sheet, index: int, columns: list, platform: str,
                  result: ImportResult) -> dict | None:
    from openpyxl.utils import get_column_letter
    row = sheet.rows[index]
    cells = {c.key: (cell(row, i), i) for i, c in enumerate(columns) if isinstance(c, Column)}
    marked = marked_values(row, columns)
    if not any(text for text, _ in cells.values()):
        return None
    for key, values in marked.items():
        cells.setdefault(key, ("、".join(values), marked_index(columns, key)))
    if "type" not in cells:
        cells["type"] = ("政务服务事项" if cells.get("service_name", ("", 0))[0] else "非政务服务事项", 0)
    where = lambda key: (f"{path.name} sheet '{sheet.name}' row {index + 1} column "  # noqa: E731
                         f"{get_column_letter(cells[key][1] + 1)} ({next(c.header for c in COLUMNS if c.key == key)})")
    item, before = {}, len(result.problems)
    for key in REQUIRED:
        item[key] = cell_value(key, cells[key][0], where, result)
    add_service(item, cells, platform, where, result)
    if "id" in cells and cells["id"][0]:
        item["id"] = cells["id"][0]
    return item if len(result.problems) == before else None


def marked_values(row: list[str], columns: list[HeaderCell]) -> dict[str, list[str]]:
    marked: dict[str, list[str]] = {}
    for i, column in enumerate(columns):
        if isinstance(column, MarkColumn):
            values = marked.setdefault(column.key, [])
            if cell(row, i) in MARKS:
                values.append(column.value)
    return marked


def marked_index(columns: list[HeaderCell], key: str) -> int:
    return next(i for i, c in enumerate(columns) if isinstance(c, MarkColumn) and c.key == key)


def cell_value(key: str, text: str, where, result: ImportResult):
    if not text:
        result.problems.append(f"{where(key)}: empty")
        return None
    column = next(c for c in COLUMNS if c.key == key)
    values = split_list(text) if column.is_list else [text]
    if key in VALUE_ALIASES:
        known = VALUE_ALIASES[key]
        unknown = [v for v in values if v not in known]
        if unknown:
            choices = " / ".join(dict.fromkeys(known.values()))
            result.problems.append(f"{where(key)}: '{'、'.join(unknown)}' is not one of {choices}")
            return None
        values = list(dict.fromkeys(known[v] for v in values))
    return values if column.is_list else values[0]


def add_service(item: dict, cells: dict, platform: str, where, result: ImportResult) -> None:
    if item.get("type") != "政务服务事项":
        return
    name = cells.get("service_name", ("", 0))[0]
    url = cells.get("service_url", ("", 0))[0]
    if not name:
        result.problems.append(f"{where('service_name') if 'service_name' in cells else where('type')}: "
                               "a 政务服务事项 needs its 对应政务服务事项名称")
        return
    if not url:
        result.problems.append(f"{where('service_url') if 'service_url' in cells else where('type')}: "
                               "a 政务服务事项 needs its 我要办地址")
        return
    if platform and url.startswith(platform + "/"):
        item["service"] = {"name": name, "path": url[len(platform):]}
    elif url.startswith("/"):
        item["service"] = {"name": name, "path": url}
    else:
        item["service"] = {"name": name, "url": url}


class IdAssigner:
    """Keeps ids stable: the sheet's own, else the existing item with the same 一级+二级事项,
    else the next number after the existing ids."""

    def __init__(self, existing: list[dict]):
        self.by_name = {(e.get("level1"), e.get("level2")): e.get("id") for e in existing}
        ids = [str(e.get("id", "")) for e in existing]
        prefixes = Counter(i.rsplit("-", 1)[0] for i in ids if "-" in i)
        self.prefix = prefixes.most_common(1)[0][0] if prefixes else "item"
        numbers = [int(m.group(1)) for i in ids if (m := re.search(r"-(\d+)$", i))]
        self.next = max(numbers, default=0) + 1
        self.used: set[str] = set()

    def assign(self, item: dict, sheet: Sheet, index: int, path: Path, result: ImportResult) -> str:
        given = item.get("id")
        if given and not SLUG_RE.match(given):
            result.problems.append(f"{path.name} sheet '{sheet.name}' row {index + 1} (事项编号): '{given}' is not "
                                   "lower-case letters, digits and '-'")
        chosen = given or self.by_name.get((item["level1"], item["level2"])) or self.fresh()
        if chosen in self.used:
            result.problems.append(f"{path.name} sheet '{sheet.name}' row {index + 1}: item '{chosen}' "
                                   f"({item['level1']} / {item['level2']}) appears twice")
        self.used.add(chosen)
        return chosen

    def fresh(self) -> str:
        while f"{self.prefix}-{self.next:02d}" in self.by_name.values():
            self.next += 1
        self.next += 1
        return f"{self.prefix}-{self.next - 1:02d}"


def ordered(item: dict) -> dict:
    return {key: item[key] for key in ITEM_KEY_ORDER if key in item}


# --- what would change, and writing -----------------------------------------------------------

def describe_changes(existing: list[dict], imported: list[dict]) -> list[str]:
    before = {e.get("id"): e for e in existing}
    after = {i["id"]: i for i in imported}
    lines = [f"+ {i['id']}: 新增 {i['level1']} / {i['level2']}" for i in imported if i["id"] not in before]
    for item_id, item in after.items():
        old = before.get(item_id)
        if old is not None:
            lines += [f"~ {item_id} {key}: {show(old.get(key))} → {show(item.get(key))}"
                      for key in ITEM_KEY_ORDER if normal_value(old.get(key)) != normal_value(item.get(key))]
    lines += [f"- {e.get('id')}: 删除 {e.get('level1')} / {e.get('level2')}（表格中没有此事项）"
              for e in existing if e.get("id") not in after]
    return lines


def normal_value(value):
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if isinstance(value, dict):
        return {k: str(v) for k, v in value.items()}
    return None if value is None else str(value)


def show(value) -> str:
    if isinstance(value, (list, tuple)):
        return "、".join(map(str, value))
    if isinstance(value, dict):
        return "，".join(f"{k}={v}" for k, v in value.items())
    return "（空）" if value is None else str(value)


def catalogue_yaml(items: list[dict], title: str, source: str) -> str:
    head = f"# {title}\n# 由 python build.py import 从 {source} 导入；可以直接编辑，再次导入前会先列出改动。\n"
    return head + yaml.safe_dump({"items": items}, allow_unicode=True, sort_keys=False, width=120)
