"""Shared fixtures: the small test site and the default site, each built once per session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.paths import ProjectPaths
from generator.pipeline import build

REPO = Path(__file__).resolve().parent.parent
BASIC = REPO / "tests" / "sites" / "basic"


def build_into(root: Path, output: Path) -> None:
    build(ProjectPaths.at(root, output, REPO / "themes"), log=lambda _msg: None)


def soup(output: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((output / page).read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="session")
def basic_site(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("basic") / "output"
    build_into(BASIC, output)
    return output


@pytest.fixture(scope="session")
def default_site(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("default") / "output"
    build_into(REPO, output)
    return output


@pytest.fixture
def site_copy(tmp_path) -> Path:
    """A writable copy of the small test site, for tests that break it on purpose."""
    root = tmp_path / "site"
    shutil.copytree(BASIC, root)
    return root
