"""write.py: a build's folder beside the output, swapped in whole or moved in file by file."""
import pytest

from generator.write import BuildOutput, DuplicateOutput, leftovers, remove_leftovers, scan_output


def test_a_full_build_replaces_output_in_one_step(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "old.html").write_text("old")
    staged = BuildOutput(output, full=True)
    staged.write_bytes("a/index.html", "新".encode())
    assert (output / "old.html").exists()          # nothing visible before publishing
    staged.publish_full()
    assert (output / "a/index.html").read_text(encoding="utf-8") == "新"
    assert not (output / "old.html").exists()
    staged.finish()                                # the old site is removed beside the state's saving
    assert [p.name for p in tmp_path.iterdir()] == ["output"]


def test_a_failed_removal_of_the_old_site_is_reported_when_the_build_finishes(tmp_path, monkeypatch):
    output = tmp_path / "output"
    output.mkdir()
    (output / "old.html").write_text("old")
    staged = BuildOutput(output, full=True)
    staged.write_bytes("index.html", b"new")
    monkeypatch.setattr("generator.write.REMOVE_FOLDER",
                        "import sys; sys.stderr.write('13\\tPermission denied\\t/x/old.html\\n'); sys.exit(1)")
    staged.publish_full()
    with pytest.raises(OSError, match="cannot remove the previous output: Permission denied") as raised:
        staged.finish()
    assert raised.value.errno == 13 and raised.value.filename == "/x/old.html"
    assert (output / "index.html").read_bytes() == b"new"
    staged.finish()                                # reported once


def test_an_incremental_build_moves_its_files_in_and_removes_deleted_ones(tmp_path):
    output = tmp_path / "output"
    (output / "a/b").mkdir(parents=True)
    (output / "a/b/gone.html").write_text("gone")
    (output / "keep.html").write_text("keep")
    pending = BuildOutput(output, full=False)
    pending.write_bytes("new/page.html", b"new")
    pending.publish_changes(["new/page.html"], [], ["a/b/gone.html"])
    assert (output / "new/page.html").read_bytes() == b"new"
    assert (output / "keep.html").read_text() == "keep"
    assert not (output / "a").exists()             # folders left empty go too
    assert [p.name for p in tmp_path.iterdir()] == ["output"]


def test_discard_leaves_output_untouched(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "keep.html").write_text("keep")
    staged = BuildOutput(output, full=False)
    staged.write_bytes("x.html", b"x")
    staged.discard()
    assert [p.name for p in output.iterdir()] == ["keep.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["output"]


def test_two_writes_to_one_path_are_refused(tmp_path):
    staged = BuildOutput(tmp_path / "output", full=True)
    staged.write_bytes("a.html", b"1")
    with pytest.raises(DuplicateOutput):
        staged.write_bytes("a.html", b"2")
    staged.discard()


def test_paths_outside_the_output_are_refused(tmp_path):
    staged = BuildOutput(tmp_path / "output", full=True)
    with pytest.raises(ValueError):
        staged.write_bytes("../escape.html", b"x")
    staged.discard()


def test_leftovers_of_killed_builds_are_found_and_removed(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    for kind in ("staging", "pending", "old"):
        (tmp_path / f".output.{kind}-abc123" / "x").mkdir(parents=True)
    (tmp_path / ".output.build-state").mkdir()
    assert len(leftovers(output)) == 3
    assert remove_leftovers(output) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.build-state", "output"]


def test_scan_lists_search_bundles_as_folders(tmp_path):
    (tmp_path / "x/pagefind/00").mkdir(parents=True)
    (tmp_path / "x/pagefind/00/pagefind.js").write_text("js")
    (tmp_path / "x/index.html").write_text("页")
    found = scan_output(tmp_path)
    assert set(found) == {"x/pagefind/", "x/index.html"}
    assert found["x/index.html"][0] == len("页".encode())
