"""Catalogues from spreadsheets and back: import (xlsx/csv) and export (xlsx)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import yaml

from conftest import REPO, build_into
from generator.catalogue_columns import COLUMNS

HEADERS = ["序号"] + [c.header for c in COLUMNS]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], capture_output=True, text=True)


def cells(path: Path) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def items_of(root: Path, column: str, domain: str) -> list[dict]:
    return yaml.safe_load((root / "content" / column / "catalogue" / f"{domain}.yaml").read_text(encoding="utf-8"))["items"]


def test_round_trip_xlsx_yaml_xlsx_keeps_every_cell(site_copy, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    assert run("export", "--root", str(site_copy), "--column", "east", "--out", str(first)).returncode == 0
    target = site_copy / "content/east/catalogue/shehui-jiuzhu.yaml"
    target.write_text("items: []\n", encoding="utf-8")           # import into an empty catalogue
    done = run("import", str(first), "--root", str(site_copy), "--column", "east", "--domain", "shehui-jiuzhu",
               "--sheet", "社会救助", "--write")
    assert done.returncode == 0, done.stderr
    assert "+ dibao-zhinan" in done.stdout and "已写入" in done.stdout
    build_into(site_copy, tmp_path / "out")                     # the imported YAML is valid content
    assert run("export", "--root", str(site_copy), "--column", "east", "--out", str(second)).returncode == 0
    assert cells(first) == cells(second)
    assert cells(first)["社会救助"][0] == HEADERS


def test_merged_cells_and_two_line_header(site_copy, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "目录"
    ws.append(["东区社会救助领域基层政务公开事项目录"] + [None] * 12)
    ws.merge_cells("A1:M1")
    ws.append(["序号", "公开事项", None, "公开内容\n（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
               "公开对象", None, "公开方式", None, "公开层级"])
    ws.append([None, "一级事项", "二级事项", None, None, None, None, None, "全社会", "特定群众", "主动", "依申请", None])
    for span in ("B2:C2", "I2:J2", "K2:L2"):
        ws.merge_cells(span)
    for col in "ADEFGHM":
        ws.merge_cells(f"{col}2:{col}3")
    ws.append([1, "临时救助", "政策文件", "临时救助政策、救助标准", "《社会救助暂行办法》", "信息形成或变更之日起20个工作日内",
               "东区民政局", "政府网站、公开栏", "√", None, "√", None, "区县级、乡镇级"])
    ws.append([2, None, "救助情况", "救助对象（脱敏）、救助金额", "《社会救助暂行办法》", "按季度",
               "东区民政局", "政府网站", None, "√", None, None, "区县级"])
    ws.merge_cells("B4:B5")
    path = tmp_path / "merged.xlsx"
    book.save(path)
    done = run("import", str(path), "--root", str(site_copy), "--column", "east", "--domain", "shehui-jiuzhu")
    assert done.returncode == 1                                  # row 5 has no ✓ under 公开方式
    assert "merged.xlsx sheet '目录' row 5 column K (公开方式): empty" in done.stderr
    ws["K5"] = "√"
    book.save(path)
    done = run("import", str(path), "--root", str(site_copy), "--column", "east", "--domain", "shehui-jiuzhu", "--write")
    assert done.returncode == 0, done.stderr
    assert "no 事项类型 column" in done.stdout
    items = items_of(site_copy, "east", "shehui-jiuzhu")
    assert [(i["level1"], i["level2"]) for i in items] == [("临时救助", "政策文件"), ("临时救助", "救助情况")]
    assert items[0]["elements"] == "临时救助政策、救助标准" and items[0]["channels"] == ["政府网站", "公开栏"]
    assert items[0]["audience"] == "全社会" and items[1]["audience"] == "特定群众"
    assert items[1]["mode"] == "主动" and items[1]["levels"] == ["区县级"]
    assert items[0]["type"] == "非政务服务事项"
    assert "- dibao-zhinan" in done.stdout                      # the old items are listed as removed


def write_csv(path: Path, rows: list[list[str]], encoding: str) -> None:
    path.write_bytes("\n".join(",".join(r) for r in rows).encode(encoding))


GB_HEADER = ["序号", "一级 事项", "二级事项", "事项类型", "对应政务服务事项名称", "公开内容(要素)", "公开依据", "公开时限",
             "公开主体", "公开渠道", "公开对象", "公开方式", "公开层级", "办事地址"]


def test_gb18030_csv_with_header_variants(site_copy, tmp_path):
    path = tmp_path / "catalogue.csv"
    write_csv(path, [GB_HEADER,
                     ["1", "最低生活保障", "办事指南", "政务服务事项", "最低生活保障审核确认", "申请条件、申请材料", "《社会救助暂行办法》",
                      "20个工作日内", "东区民政局", "政府网站/公开栏", "社会公众", "主动公开", "区县级;乡镇", "https://zwfw.example.gov.cn/onething/430102/dibao"],
                     ["2", "最低生活保障", "保障对象及救助情况", "非政务服务事项", "", "保障对象（脱敏）", "《社会救助暂行办法》",
                      "按季度", "东区民政局", "政府网站", "全社会", "主动", "区县级", ""]], "gb18030")
    done = run("import", str(path), "--root", str(site_copy), "--column", "east", "--domain", "shehui-jiuzhu", "--write")
    assert done.returncode == 0, done.stderr
    items = items_of(site_copy, "east", "shehui-jiuzhu")
    assert [i["id"] for i in items] == ["dibao-zhinan", "dibao-duixiang"]          # ids kept by 一级+二级事项
    assert items[0]["audience"] == "全社会" and items[0]["levels"] == ["区县级", "乡镇级"]
    assert items[0]["service"] == {"name": "最低生活保障审核确认", "path": "/onething/430102/dibao"}
    assert items[0]["channels"] == ["政府网站", "公开栏"]


def test_unknown_column_is_reported_and_bad_rows_stop_the_import(site_copy, tmp_path):
    path = tmp_path / "bad.csv"
    before = (site_copy / "content/east/catalogue/shehui-jiuzhu.yaml").read_bytes()
    write_csv(path, [GB_HEADER + ["联系人"],
                     ["1", "最低生活保障", "办事指南", "政务服务事项", "", "申请条件", "《社会救助暂行办法》", "20个工作日内",
                      "东区民政局", "政府网站", "全社会", "被动", "区县级", "", "王*"]], "utf-8")
    done = run("import", str(path), "--root", str(site_copy), "--column", "east", "--domain", "shehui-jiuzhu", "--write")
    assert done.returncode == 1
    assert "bad.csv sheet 'bad' column O: unknown column '联系人' ignored" in done.stdout
    assert "bad.csv sheet 'bad' row 2 column L (公开方式): '被动' is not one of 主动 / 依申请" in done.stderr
    assert (site_copy / "content/east/catalogue/shehui-jiuzhu.yaml").read_bytes() == before


def test_changes_are_shown_and_written_only_when_asked(site_copy, tmp_path):
    sheet = tmp_path / "east.xlsx"
    run("export", "--root", str(site_copy), "--column", "east", "--domain", "shehui-jiuzhu", "--out", str(sheet))
    book = openpyxl.load_workbook(sheet)
    book.active["H2"] = "信息形成之日起10个工作日内"                  # 公开时限 of the first item
    book.save(sheet)
    target = site_copy / "content/east/catalogue/shehui-jiuzhu.yaml"
    before = target.read_bytes()
    shown = run("import", str(sheet), "--root", str(site_copy), "--column", "east", "--domain", "shehui-jiuzhu")
    assert shown.returncode == 0
    assert "~ dibao-zhinan time_limit: 信息形成或变更之日起20个工作日内 → 信息形成之日起10个工作日内" in shown.stdout
    assert target.read_bytes() == before
    run("import", str(sheet), "--root", str(site_copy), "--column", "east", "--domain", "shehui-jiuzhu", "--write")
    assert items_of(site_copy, "east", "shehui-jiuzhu")[0]["time_limit"] == "信息形成之日起10个工作日内"


def test_unknown_column_or_domain_for_import_and_export(site_copy, tmp_path):
    done = run("import", str(tmp_path / "x.csv"), "--root", str(site_copy), "--column", "nowhere", "--domain", "fupin")
    assert done.returncode == 1 and "unknown column 'nowhere'" in done.stderr
    done = run("export", "--root", str(site_copy), "--column", "east", "--domain", "fupin")
    assert done.returncode == 1 and "has no catalogue for fupin" in done.stderr
