"""The search lexicon (content/search/synonyms.yaml): read and validated with file and line, carried
by the search page, and an edit of it re-renders that page only and re-indexes nothing."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, build_into, soup
from generator.errors import BuildError, ErrorList
from generator.load import read_yaml
from generator.paths import ProjectPaths
from generator.pipeline import BuildOptions, build
from generator.search_lexicon import SearchLexicon, lexicon_of, read_lexicon

LEXICON = "content/search/synonyms.yaml"


def parse(tmp_path: Path, text: str) -> tuple[SearchLexicon, list[str]]:
    path = tmp_path / "synonyms.yaml"
    path.write_text(text, encoding="utf-8")
    errors = ErrorList(tmp_path)
    doc = read_yaml(path, errors)
    lexicon = lexicon_of(doc, errors) if doc else SearchLexicon()
    return lexicon, [str(e) for e in errors.errors]


def test_the_default_lexicon_reads_without_errors():
    errors = ErrorList(REPO)
    lexicon = read_lexicon(REPO / LEXICON, errors)
    assert errors.errors == []
    assert ("最低生活保障", "低保", "低保金", "低保户") in lexicon.synonyms
    assert "怎么" in lexicon.fillers and "申请" in lexicon.service_words


def test_groups_fillers_and_service_words(tmp_path):
    lexicon, errors = parse(tmp_path, "synonyms:\n  - [房屋征收, 拆迁]\nfillers: [怎么]\nservice_words: [办理]\n")
    assert errors == []
    assert lexicon.as_json() == {"synonyms": [["房屋征收", "拆迁"]], "fillers": ["怎么"], "service": ["办理"]}


@pytest.mark.parametrize("text, line, says", [
    ("synonyms:\n  - [低保]\n", 2, "not a list of two or more words"),
    ("synonyms:\n  - [最低生活保障, 低保]\n  - [低保, 低保金]\n", 3, "'低保' is already in the group on line 2"),
    ("synonyms: 低保\n", 1, "is not a list"),
    ("fillers: [怎么, '']\n", 1, "is not a word"),
    ("fillers: [怎 么]\n", 1, "holds a space"),
    ("service_words: [{a: 1}]\n", 1, "is not a word"),
    ("synonym:\n  - [低保, 最低生活保障]\n", 1, "unknown key 'synonym'"),
])
def test_bad_lexicon_names_line_and_problem(tmp_path, text, line, says):
    _lexicon, errors = parse(tmp_path, text)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"synonyms.yaml:{line}: ") and says in errors[0]


def test_broken_lexicon_fails_the_build_with_file_and_line_and_keeps_output(site_copy, tmp_path):
    output = tmp_path / "output"
    build_into(site_copy, output)
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    lexicon = site_copy / LEXICON
    lexicon.parent.mkdir(parents=True, exist_ok=True)
    lexicon.write_text("synonyms:\n  - [低保, 最低生活保障\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(site_copy), "--output", str(output)],
                         capture_output=True, text=True)
    assert run.returncode != 0 and "Traceback" not in run.stderr + run.stdout
    assert f"{LEXICON}:" in run.stderr + run.stdout
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


def test_the_search_page_carries_the_lexicon_and_the_places(default_site):
    words = json.loads(soup(default_site, "search/index.html").find("script", id="search-words").string)
    assert ["房屋征收", "拆迁", "拆迁补偿", "房屋拆迁", "征收补偿"] in words["synonyms"]
    assert {"name": "岳麓区", "column": "岳麓区"} in words["places"]
    assert {"name": "洋湖街道", "column": "岳麓区", "township": True} in words["places"]
    assert words["city"] == "长沙市"


def test_a_lexicon_edit_renders_the_search_page_only_and_indexes_nothing(site_copy, tmp_path):
    output = tmp_path / "output"
    paths = ProjectPaths.at(site_copy, output)
    lexicon = site_copy / LEXICON
    lexicon.parent.mkdir(parents=True, exist_ok=True)
    lexicon.write_text("synonyms:\n  - [最低生活保障, 低保]\n", encoding="utf-8")
    build(paths, log=lambda m: None, options=BuildOptions(progress=False))
    lexicon.write_text("synonyms:\n  - [最低生活保障, 低保, 低保金]\n", encoding="utf-8")
    result = build(paths, log=lambda m: None, options=BuildOptions(progress=False))
    assert result.rendered == 1 and result.indexed == 0
    assert carried(output)["synonyms"] == [["最低生活保障", "低保", "低保金"]]
    lexicon.unlink()                                    # no lexicon: an empty one
    result = build(paths, log=lambda m: None, options=BuildOptions(progress=False))
    assert result.rendered == 1 and carried(output)["synonyms"] == []


def carried(output: Path) -> dict:
    return json.loads(soup(output, "search/index.html").find("script", id="search-words").string)
