"""`pip install .` (not editable) gives a `jczwgk` command that is `python build.py` on the current
folder, with the themes shipped inside the package: installed with --target into a temporary
folder (the dependencies are this environment's), then run in a site folder that has no themes/."""
from __future__ import annotations

import filecmp
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BASIC, REPO
from test_cli import OPTIONS

# Pagefind orders these differently on every run (see test_incremental.py).
NONDETERMINISTIC = ("/filter/", "/pagefind-entry.json", ".pf_meta")


def can_build_a_wheel() -> bool:
    """Without build isolation the environment's setuptools builds the wheel: bdist_wheel is
    setuptools' own from 70.1, the `wheel` package's before (the test extra installs it)."""
    import setuptools
    version = tuple(int(part) for part in setuptools.__version__.split(".")[:2])
    return importlib.util.find_spec("wheel") is not None or version >= (70, 1)


def files(folder: Path, pattern: str = "*") -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob(pattern)
            if p.is_file() and "__pycache__" not in p.parts}


def differences(ours: Path, theirs: Path) -> list[str]:
    a, b = ({p for p in files(f) if not any(n in "/" + p for n in NONDETERMINISTIC)} for f in (ours, theirs))
    return sorted(a ^ b) + [p for p in sorted(a & b) if not filecmp.cmp(ours / p, theirs / p, shallow=False)]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The package built from a copy of the sources (a build writes build/ and *.egg-info beside
    them) and installed into a folder of its own."""
    if not can_build_a_wheel():
        pytest.skip("no bdist_wheel: pip install -e '.[test]' installs `wheel`")
    base = tmp_path_factory.mktemp("install")
    source, target = base / "source", base / "target"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    for name in ("generator", "themes"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", "--target", str(target), str(source)], check=True, capture_output=True)
    return target


def run(installed: Path, argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_the_package_holds_every_module_and_the_themes(installed):
    assert files(REPO / "generator", "*.py") <= files(installed / "generator", "*.py")
    assert files(REPO / "generator", "*.json") <= files(installed / "generator", "*.json")
    assert files(REPO / "themes") == files(installed / "generator" / "shipped_themes")
    assert not (installed / "themes").exists()


def test_jczwgk_help_lists_every_command(installed, tmp_path):
    done = run(installed, [str(installed / "bin" / "jczwgk"), "--help"], tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("usage: jczwgk")
    assert all(f"\n    {name} " in done.stdout for name in OPTIONS)
    done = run(installed, [str(installed / "bin" / "jczwgk"), "build", "--help"], tmp_path)
    assert "(default: the current folder)" in done.stdout


def test_jczwgk_in_a_site_folder_builds_what_build_py_builds(installed, tmp_path):
    site, copy = tmp_path / "site", tmp_path / "copy"
    shutil.copytree(BASIC, site, ignore=shutil.ignore_patterns(".build-cache"))
    shutil.copytree(site, copy)
    where = run(installed, [sys.executable, "-c", "import generator; print(generator.__file__)"], site)
    assert Path(where.stdout.strip()).is_relative_to(installed)
    done = run(installed, [str(installed / "bin" / "jczwgk"), "--output", str(tmp_path / "installed"), "--quiet"], site)
    assert done.returncode == 0, done.stderr
    assert not (site / "output").exists() and (tmp_path / "installed" / "index.html").is_file()
    reference = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(copy), "--themes",
                                str(REPO / "themes"), "--output", str(tmp_path / "build.py"), "--quiet"],
                               capture_output=True, text=True)
    assert reference.returncode == 0, reference.stderr
    assert differences(tmp_path / "installed", tmp_path / "build.py") == []
