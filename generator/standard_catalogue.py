"""The standard catalogue shipped in generator/standard/ (README.md there describes it), read and
filled in for one column of a new site: its kind's form of each item, the placeholders given
the column's names. scripts/extract_standard_catalogue.py writes the data."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .paths import PACKAGE

STANDARD = PACKAGE / "standard"
KINDS = ("city", "district", "county")          # 市级专栏, 市辖区, 县·自治县·县级市·旗
FIELDS = ("id", "level1", "level2", "elements", "basis", "time_limit", "subject", "channels", "audience",
          "mode", "levels", "type", "service")
SUFFIXES = ("区", "县", "市", "旗")
HOME = "/"                 # 我要办 opens the service platform's front page until a path is given


@dataclass(frozen=True)
class Names:
    """What the placeholders of the data stand for, for one column."""

    name: str              # {name}: the column's division (株洲市, 醴陵市)
    city: str              # {city}
    province: str          # {province}: 湖南省, 北京市

    @property
    def short(self) -> str:  # {short}: the name without its suffix (醴陵)
        return short_name(self.name)

    def fill(self, text: str) -> str:
        for key, value in (("{name}", self.name), ("{city}", self.city), ("{short}", self.short),
                           ("{province}", self.province)):
            text = text.replace(key, value)
        return text


def kind_of(name: str) -> str:
    """district for a 市辖区 (…区), county for the others (…县, …市, …旗)."""
    return "district" if name.endswith("区") else "county"


def short_name(name: str) -> str:
    return name[:-1] if name.endswith(SUFFIXES) and len(name) > 2 else name


def domains_text() -> str:
    return (STANDARD / "domains.yaml").read_text(encoding="utf-8")


def domains() -> list[dict]:
    """The domains as content/domains.yaml lists them: slug, name, description, order."""
    return yaml.safe_load(domains_text())["domains"]


def standard_items(domain: str) -> list[dict]:
    path = STANDARD / "catalogue" / f"{domain}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["items"]


def column_items(domain: str, kind: str, names: Names) -> list[dict]:
    """The domain's catalogue for a column of `kind`, in the content format (README "公开事项目录")."""
    return [filled(variant(item, kind), names) for item in standard_items(domain)
            if kind in item.get("applies", KINDS)]


def variant(item: dict, kind: str) -> dict:
    merged = {k: v for k, v in item.items() if k in FIELDS}
    merged.update(item.get(kind, {}))
    return {k: merged[k] for k in FIELDS if k in merged}


def filled(item: dict, names: Names) -> dict:
    out = {}
    for key, value in item.items():
        if key == "service":
            out[key] = {"name": names.fill(value), "path": HOME}
        elif isinstance(value, list):
            out[key] = [names.fill(v) for v in value]
        else:
            out[key] = names.fill(value)
    return out
