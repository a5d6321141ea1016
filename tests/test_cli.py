"""The command line: one parser with a sub-command per command, build when none is named, the
shared options declared once, --debug before or after the command, the default project folder."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from generator import cli

# Every command and its options (without -h), as they were when each command had a parser of its own.
OPTIONS = {
    "build": {"--root", "--output", "--themes", "--quiet", "--clean", "--jobs", "--profile", "--debug"},
    "check": {"--root", "--output", "--themes", "--format", "--today", "--default-period", "--report", "--debug"},
    "serve": {"--root", "--output", "--themes", "--port", "--host", "--debug"},
    "mask": {"files", "--debug"},
    "import": {"file", "--root", "--column", "--domain", "--sheet", "--write", "--debug"},
    "export": {"--root", "--column", "--domain", "--out", "--debug"},
    "map-data": {"adcode", "--root", "--debug"},
    "init": {"folder", "--adcode", "--debug"},
}


def commands(parser) -> dict:
    [action] = [a for a in parser._actions if a.dest == "command"]
    return action.choices


def option_names(parser) -> set[str]:
    return {a.option_strings[0] if a.option_strings else a.dest for a in parser._actions} - {"-h"}


def parse(argv: list[str]):
    argv, name = cli.with_command(argv)
    return cli.parser(with_options={name}).parse_args(argv)


def test_help_lists_every_command_and_the_build_options():
    run = subprocess.run([sys.executable, str(REPO / "build.py"), "--help"], capture_output=True, text=True)
    assert run.returncode == 0
    for name in OPTIONS:
        assert f"\n    {name} " in run.stdout
    assert "--clean" in run.stdout and "--jobs N" in run.stdout


def test_every_command_keeps_its_options():
    assert {name: option_names(p) for name, p in commands(cli.parser()).items()} == OPTIONS


def test_the_shared_options_are_declared_once():
    parsers = commands(cli.parser())
    roots = {id(a) for p in parsers.values() for a in p._actions if "--root" in a.option_strings}
    debugs = {a.default for p in parsers.values() for a in p._actions if "--debug" in a.option_strings}
    assert len(roots) == 1 and "--root" not in option_names(parsers["mask"])
    themes = [a for name in ("build", "serve") for a in parsers[name]._actions if "--themes" in a.option_strings]
    assert themes[0] is themes[1]
    assert len(debugs) == 1      # the sub-commands' --debug never hides the top level's value


def test_no_command_is_build():
    options = ["--clean", "--quiet", "--jobs", "2"]
    assert vars(parse(options)) == vars(parse(["build", *options]))
    args = parse([])
    assert (args.command, args.root, args.clean, args.debug) == ("build", cli.PROJECT_ROOT, False, False)


@pytest.mark.parametrize("argv", [["--debug"], ["--root", "x", "--debug"], ["build", "--debug"], ["check", "--debug"],
                                  ["--debug", "check"], ["mask", "a.md", "--debug"], ["--debug", "map-data", "430100"]])
def test_debug_before_or_after_the_command(argv):
    assert parse(argv).debug is True


def test_without_debug_it_is_off():
    assert parse(["check"]).debug is False and parse(["--debug", "check"]).root == cli.PROJECT_ROOT


def test_build_py_works_on_the_repository_and_jczwgk_on_the_current_folder(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(cli, "run_build", lambda args: seen.append(args.root) or 0)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--quiet"]) == 0
    monkeypatch.setattr(sys, "argv", ["jczwgk", "build", "--quiet"])
    assert cli.console() == 0
    assert seen == [cli.PROJECT_ROOT, tmp_path]


@pytest.mark.parametrize("argv", [["check", "--format", "xml"], ["--no-such-option"], ["import", "x.csv"],
                                  ["--root", "x", "check"]])
def test_argument_errors_exit_with_2(argv):
    run = subprocess.run([sys.executable, str(REPO / "build.py"), *argv], capture_output=True, text=True)
    assert run.returncode == 2 and "error:" in run.stderr and "Traceback" not in run.stderr


def test_a_site_folder_without_themes_is_built_with_the_shipped_ones(tmp_path):
    from generator.paths import ProjectPaths, shipped_themes
    assert ProjectPaths.at(tmp_path).themes == shipped_themes() == REPO / "themes"     # in a checkout
    (tmp_path / "themes").mkdir()
    assert ProjectPaths.at(tmp_path).themes == tmp_path / "themes"
    assert ProjectPaths.at(tmp_path, themes=Path("elsewhere")).themes == Path("elsewhere").resolve()
