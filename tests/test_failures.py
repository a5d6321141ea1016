"""Failures that are not the content's fault (a full disk, a read-only or forbidden folder, an error
inside a render worker, a bug) end with one message: the stage, the file, what to do; exit code 1,
no traceback unless --debug, and output/ as the last build left it."""
from __future__ import annotations

import errno
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, in_namespace, needs_mount
from generator import render_pool
from generator.cli import main
from generator.errors import BuildError
from generator.failures import BuildFailure
from test_bad_input import snapshot
from test_incremental import assert_same_as_clean, differences, run

BUILD = [sys.executable, str(REPO / "build.py")]


def edit_a_record(root: Path) -> None:
    path = root / "content/east/records/jiuzhu/dibao-2026-q3.md"
    path.write_text(path.read_text(encoding="utf-8").replace("# 公示", "# 公示（更新）", 1), encoding="utf-8")


def assert_one_message(stderr: str, stage: str, what: str) -> None:
    assert "Traceback" not in stderr and "RemoteTraceback" not in stderr, stderr
    assert stderr.startswith(f"{stage}: ") and what in stderr, stderr
    assert "what to do:" in stderr


@needs_mount
def test_a_full_disk_ends_with_one_message_and_leaves_output_as_it_was(site_copy, tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    output = disk / "output"
    command = " ".join([*BUILD, "--root", str(site_copy), "--output", str(output), "--quiet"])
    result = in_namespace(textwrap.dedent(f"""
        mount -t tmpfs -o size=8m tmpfs {disk}
        {command} || exit 90
        cp -a {output} {tmp_path}/before
        # fill the disk, leaving a few kilobytes, then edit and build again
        head -c $(( $(df --output=avail -B1 {disk} | tail -1) - 40000 )) /dev/zero > {disk}/filler 2>/dev/null
        echo >> {site_copy}/content/east/records/jiuzhu/dibao-2026-q3.md
        sed -i 's/# 公示/# 公示（更新）/' {site_copy}/content/east/records/jiuzhu/dibao-2026-q3.md
        {command} --clean; echo "exit=$?" >&2
        diff -r {output} {tmp_path}/before >&2 && echo "output unchanged" >&2
        rm {disk}/filler
        {command} || exit 91
        cp -a {output} {tmp_path}/after
    """))
    assert result.returncode == 0, result.stderr
    message = result.stderr.split("exit=")[0]
    assert_one_message(message, "render", "no space left on the disk (磁盘空间不足)")
    assert "output/" in message.splitlines()[0] and ".output.staging" not in message
    assert "exit=1" in result.stderr and "output unchanged" in result.stderr
    clean = tmp_path / "clean"
    run(site_copy, clean, clean=True)
    # Pages and files as a clean build makes them, and the search finds the same pages. (Pagefind's
    # index files depend on the order the disk lists a folder, which differs between tmpfs and disk.)
    assert differences(tmp_path / "after", clean) == []


@needs_mount
def test_a_read_only_output_folder_ends_with_one_message(site_copy, tmp_path):
    output = tmp_path / "site-out" / "output"
    run(site_copy, output)
    before = snapshot(output)
    edit_a_record(site_copy)
    command = " ".join([*BUILD, "--root", str(site_copy), "--output", str(output), "--quiet"])
    result = in_namespace(f"mount --bind {output.parent} {output.parent} && "
                          f"mount -o remount,ro,bind {output.parent} && {command}; echo exit=$? >&2")
    assert "exit=1" in result.stderr
    assert_one_message(result.stderr, "start", "the disk is read-only (只读文件系统)")
    assert snapshot(output) == before


def fail_on(page: str, exc: OSError):
    real = render_pool.write_file

    def write(target, data):
        if target.as_posix().endswith(page):
            raise exc
        real(target, data)
    return write


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failure_inside_a_render_worker_is_one_message(site_copy, tmp_path, monkeypatch, workers):
    output = tmp_path / "output"
    run(site_copy, output)
    before = snapshot(output)
    edit_a_record(site_copy)
    monkeypatch.setattr(render_pool, "PARALLEL_FROM", 1)          # forked workers even for a small site
    monkeypatch.setattr(render_pool, "write_file",
                        fail_on("east/index.html", PermissionError(errno.EACCES, "Permission denied")))
    with pytest.raises(BuildFailure) as caught:
        run(site_copy, output, clean=True, workers=workers)
    report = caught.value.report()
    assert report.startswith("render: permission denied (没有读写权限)") and "--output" in report, report
    assert snapshot(output) == before
    monkeypatch.undo()
    run(site_copy, output)                                          # the next build works and is right
    assert_same_as_clean(site_copy, output, tmp_path)


@pytest.mark.parametrize("expression, what", [("{{ 1 // 0 }}", "ZeroDivisionError: integer division"),
                                              ("{{ qr('x' * 5000) }}", "QrError: cannot encode"),
                                              ("{{ '2024'|cndate }}", "'str' object has no attribute 'year'")])
def test_an_error_raised_in_a_filter_or_the_qr_encoder_names_the_override_and_its_line(
        site_copy, tmp_path, monkeypatch, expression, what):
    (site_copy / "districts/west/templates/record.html").write_text(
        '{% extends "theme/record.html" %}\n{% block content %}\n<p>西区</p>\n' + expression +
        "\n{{ super() }}\n{% endblock %}\n", encoding="utf-8")
    monkeypatch.setattr(render_pool, "PARALLEL_FROM", 1)
    with pytest.raises(BuildError) as caught:
        run(site_copy, tmp_path / "output", workers=2)
    [error] = caught.value.errors
    assert str(error).startswith("districts/west/templates/record.html:4: template error while making west/")
    assert what in str(error) and len(str(error)) < 600


def test_a_bug_in_a_stage_is_one_message_and_debug_shows_the_traceback(site_copy, tmp_path, monkeypatch, capsys):
    from generator.stages import Build
    output = tmp_path / "output"
    run(site_copy, output)
    before = snapshot(output)
    edit_a_record(site_copy)

    def broken(*_args, **_kwargs):
        raise RuntimeError("assets went wrong")
    monkeypatch.setattr(Build, "copy_assets", broken)
    argv = ["--root", str(site_copy), "--output", str(output), "--quiet"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert_one_message(err, "assets", "internal error in the generator: RuntimeError: assets went wrong")
    assert "--debug" in err and snapshot(output) == before
    assert main(argv + ["--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "in broken" in err
    assert err.rstrip().endswith("output/ is as the last build left it; nothing was published.")


def test_a_failure_after_publishing_is_repaired_by_the_next_build(site_copy, tmp_path, monkeypatch):
    from generator.session import Session
    output = tmp_path / "output"
    run(site_copy, output)
    edit_a_record(site_copy)
    real = Session.save

    def full_disk(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(output.parent / ".output.build-state"))
    monkeypatch.setattr(Session, "save", full_disk)
    with pytest.raises(BuildFailure) as caught:
        run(site_copy, output)
    assert caught.value.stage in ("search", "save") and "the next build finishes the job" in caught.value.report()
    monkeypatch.setattr(Session, "save", real)
    run(site_copy, output)
    assert_same_as_clean(site_copy, output, tmp_path)


def forbid(monkeypatch, owner, name: str, ending: str) -> None:
    """`owner.name(path)` raises EACCES for a path ending in `ending`, as for a file of another user."""
    real = getattr(owner, name)

    def forbidden(path):
        if str(path).endswith(ending):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)
    monkeypatch.setattr(owner, name, forbidden)


def failed_rebuild(site_copy: Path, tmp_path: Path, make_it_fail) -> str:
    """Build, edit, break something with `make_it_fail()`, build again: the failure's report, with
    output/ checked unchanged."""
    output = tmp_path / "output"
    run(site_copy, output)
    before = snapshot(output)
    edit_a_record(site_copy)
    make_it_fail()
    with pytest.raises(BuildFailure) as caught:
        run(site_copy, output)
    assert snapshot(output) == before
    return caught.value.report()


def test_a_source_file_the_build_may_not_read_is_a_failure_not_a_silent_gap(site_copy, tmp_path, monkeypatch):
    from generator import stages
    report = failed_rebuild(site_copy, tmp_path,
                            lambda: forbid(monkeypatch, stages, "read_file", "dibao-2026-q3.md"))
    assert report.startswith(
        "read: content/east/records/jiuzhu/dibao-2026-q3.md: permission denied (没有读写权限)\n"
        "  what to do: give this user access to content/east/records/jiuzhu")


def test_a_folder_the_build_may_not_list_is_a_failure_not_a_missing_column(site_copy, tmp_path, monkeypatch):
    from generator import stamps

    def unlistable():
        monkeypatch.setattr(stamps, "FIND", None)                 # the walk, as when find cannot read a folder
        forbid(monkeypatch, stamps.os, "scandir", "content/west")
    report = failed_rebuild(site_copy, tmp_path, unlistable)
    assert report.startswith("start: content/west: permission denied")


def test_an_old_site_that_cannot_be_removed_is_one_message_and_the_next_build_removes_it(site_copy, tmp_path,
                                                                                       monkeypatch, capsys):
    output = tmp_path / "output"
    args = ["--root", str(site_copy), "--output", str(output), "--quiet"]
    assert main(args) == 0
    monkeypatch.setattr("generator.write.REMOVE_FOLDER",
                        "import sys; sys.stderr.write(f'1\\tOperation not permitted\\t{sys.argv[1]}/index.html\\n');"
                        " sys.exit(1)")
    capsys.readouterr()
    assert main([*args, "--clean"]) == 1
    assert_one_message(capsys.readouterr().err, "save", "permission denied")
    assert (output / "index.html").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".output.old-")]
    monkeypatch.undo()
    assert main(args) == 0                                 # nothing changed: the leftover goes all the same
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".output.old-")]
