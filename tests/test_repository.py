"""The project is whole in its repository: nothing the build or the tests run reads a path outside
it (a fresh clone anywhere, with no ../shared beside it, builds and passes)."""
from __future__ import annotations

import re

from conftest import REPO

OUTSIDE = re.compile(r"\.\./shared|shared/data|shared/SPEC|shared/EXAMPLES")


def test_no_code_or_test_reaches_outside_the_repository():
    files = [*REPO.glob("generator/**/*.py"), *REPO.glob("tests/**/*.py"), *REPO.glob("bench/**/*.py"),
             *REPO.glob("scripts/*"), REPO / "build.py", REPO / ".ci/run"]
    found = [f"{path.relative_to(REPO)}:{n}: {line.strip()}" for path in files if path.is_file()
             for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
             if OUTSIDE.search(line) and path.name != "test_repository.py"]
    assert found == []


def test_the_data_the_tests_compare_with_is_in_the_repository_with_its_source():
    assert (REPO / "tests/data/changsha_townships.csv").stat().st_size > 1000
    assert "changsha_townships.csv" in (REPO / "tests/data/SOURCE.md").read_text(encoding="utf-8")
