import pytest

from generator.write import DuplicateOutput, StagedOutput


def test_publish_replaces_output_in_one_step(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "old.html").write_text("old")
    staged = StagedOutput(output)
    staged.write_text("a/index.html", "新")
    assert (output / "old.html").exists()          # nothing visible before publishing
    staged.publish()
    assert (output / "a/index.html").read_text(encoding="utf-8") == "新"
    assert not (output / "old.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["output"]


def test_discard_leaves_output_untouched(tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "keep.html").write_text("keep")
    staged = StagedOutput(output)
    staged.write_text("x.html", "x")
    staged.discard()
    assert [p.name for p in output.iterdir()] == ["keep.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["output"]


def test_two_writes_to_one_path_are_refused(tmp_path):
    staged = StagedOutput(tmp_path / "output")
    staged.write_text("a.html", "1")
    with pytest.raises(DuplicateOutput):
        staged.write_text("a.html", "2")
    staged.discard()


def test_paths_outside_the_output_are_refused(tmp_path):
    staged = StagedOutput(tmp_path / "output")
    with pytest.raises(ValueError):
        staged.write_text("../escape.html", "x")
    staged.discard()
