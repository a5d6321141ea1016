"""The site's data as JSON (内容同源), validated against the schemas kept in the repo."""
from __future__ import annotations

import json

import jsonschema
import pytest

from conftest import REPO

SCHEMAS = REPO / "generator" / "schemas"


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


def load(site, path: str) -> dict:
    return json.loads((site / "api" / path).read_text(encoding="utf-8"))


def test_every_api_file_validates_against_its_schema(default_site):
    index = load(default_site, "index.json")
    jsonschema.validate(index, schema("api-index"))
    assert len(index["columns"]) == 10 and len(index["domains"]) == 26
    checked = 0
    for column in index["columns"]:
        data = load(default_site, column["api"])
        jsonschema.validate(data, schema("api-column"))
        for domain in data["domains"]:
            part = load(default_site, f"{column['slug']}/{domain['api']}")
            jsonschema.validate(part, schema("api-domain"))
            assert len(part["items"]) == domain["items"]
            assert sum(len(i["records"]) for i in part["items"]) == domain["records"]
            checked += 1
    assert checked == 260


def test_api_urls_are_the_published_pages(default_site):
    part = load(default_site, "yuelu/shehui-jiuzhu.json")
    record = next(r for i in part["items"] for r in i["records"])
    base = "https://www.changsha.gov.cn/jczwgk/"
    assert record["url"].startswith(base)
    assert (default_site / record["url"][len(base):]).is_file()


def test_no_api_file_is_huge(default_site):
    sizes = [p.stat().st_size for p in (default_site / "api").rglob("*.json")]
    assert max(sizes) < 200_000


def test_schema_rejects_bad_data():
    bad = {"version": 1, "site_name": "x", "city": {"name": "长沙市", "adcode": "4301"}, "domains": [], "columns": []}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema("api-index"))
