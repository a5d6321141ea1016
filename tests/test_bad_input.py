"""Each bad input gets one clear message naming the file and line, all errors are reported in one
run, and the previous output/ survives the failed build untouched."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, build_into
from generator.errors import BuildError


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def built(site_copy, tmp_path):
    """The copy built once successfully, so a failed rebuild has an output/ to keep."""
    output = tmp_path / "output"
    build_into(site_copy, output)
    return site_copy, output, snapshot(output)


def rebuild_errors(root: Path, output: Path, before: dict) -> list[str]:
    with pytest.raises(BuildError) as exc:
        build_into(root, output)
    assert snapshot(output) == before, "a failed build changed output/"
    leftovers = [p for p in output.parent.iterdir()
                 if p.name.startswith(".output") and p.name != ".output.build-state"]
    assert not leftovers, "staging left behind"
    return [str(e) for e in exc.value.errors]


def test_broken_yaml_names_file_and_line(built):
    root, output, before = built
    replace(root / "content/east/records/jiuzhu.yaml", "    title: 东区最低生活保障办事指南（2026年版）",
            "    title: [东区最低生活保障办事指南")
    errors = rebuild_errors(root, output, before)
    assert len(errors) == 1
    assert re.match(r"content/east/records/jiuzhu\.yaml:\d+: invalid YAML", errors[0])


def test_broken_front_matter_line_is_the_file_line(built):
    root, output, before = built
    replace(root / "content/east/records/jiuzhu/dibao-2026-q3.md", "doc_no: 东民〔2026〕8号", "doc_no: [东民")
    errors = rebuild_errors(root, output, before)
    assert len(errors) == 1 and errors[0].startswith("content/east/records/jiuzhu/dibao-2026-q3.md:")
    line = int(errors[0].split(":")[1])
    assert line in (7, 8)


def test_a_doubled_line_is_an_error_naming_both_lines(built):
    root, output, before = built
    replace(root / "content/east/records/jiuzhu/dibao-2026-q3.md", "publisher: 东区民政局\n",
            "publisher: 东区民政局\npublished: 2026-11-30\n")
    errors = rebuild_errors(root, output, before)
    assert errors == ["content/east/records/jiuzhu/dibao-2026-q3.md:7: duplicate key 'published': on line 5 and "
                      "again on line 7 (YAML would keep only the second value) (expected valid YAML front matter)"]


def test_an_unclosed_quote_in_front_matter_is_reported_on_its_own_line(built):
    root, output, before = built
    replace(root / "content/east/records/jiuzhu/dibao-2026-q3.md", "title: 东区2026年第三季度城乡低保对象公示",
            'title: "东区2026年第三季度城乡低保对象公示')
    errors = rebuild_errors(root, output, before)
    assert len(errors) == 1 and errors[0].startswith("content/east/records/jiuzhu/dibao-2026-q3.md:2: invalid YAML: "
                                                     "a quoted value that starts on this line is not closed")


def test_a_yaml_bomb_in_front_matter_is_refused_at_once(built):
    root, output, before = built
    bomb = "".join(f"z{n}: &z{n} [{', '.join([f'*z{n - 1}'] * 9) if n else 'x'}]\n" for n in range(9))
    replace(root / "content/east/records/jiuzhu/dibao-2026-q3.md", "publisher: 东区民政局\n",
            "publisher: 东区民政局\n" + bomb)
    errors = rebuild_errors(root, output, before)
    assert errors == ["content/east/records/jiuzhu/dibao-2026-q3.md:8: a value anchored on line 7 is used again "
                      "here (*alias or <<: merge); content files write every value out (expected valid YAML front "
                      "matter)"]


def test_missing_required_field(built):
    root, output, before = built
    replace(root / "content/west/records/all.yaml", "    publisher: 西区民政局\n", "")
    assert rebuild_errors(root, output, before) == [
        "content/west/records/all.yaml:2: missing 'publisher' (发布机构) in record (expected text)"]


def test_wrong_type_and_bad_enum(built):
    root, output, before = built
    path = root / "content/west/catalogue/zhengdi-buchang.yaml"
    replace(path, "    mode: 主动", "    mode: 被动")
    replace(path, "    channels: [政府网站, 公告栏]", "    channels: {a: 1}")
    errors = rebuild_errors(root, output, before)
    assert "content/west/catalogue/zhengdi-buchang.yaml:11: 'mode' (公开方式) is '被动' (expected one of 主动 / 依申请)" in errors
    assert "content/west/catalogue/zhengdi-buchang.yaml:9: 'channels' (公开渠道和载体) is dict (expected a list)" in errors


def test_bad_date(built):
    root, output, before = built
    replace(root / "content/west/records/all.yaml", "published: 2026-06-02", "published: 2026-13-02")
    assert rebuild_errors(root, output, before) == [
        "content/west/records/all.yaml:6: 'published' (发布日期) is '2026-13-02' (expected a real date written YYYY-MM-DD)"]


def test_unknown_references(built):
    root, output, before = built
    replace(root / "content/west/records/all.yaml", "item: dibao-zhinan", "item: no-such-item")
    replace(root / "content/east/townships.yaml", "exclude_domains: [zhengdi-buchang]", "exclude_domains: [nope]")
    replace(root / "content/city/policies/zc.yaml", "replaced_by: zc-2026-001", "replaced_by: zc-1999-001")
    errors = rebuild_errors(root, output, before)
    assert errors == [
        "content/east/townships.yaml:5: township 'nanjie' excludes unknown domain 'nope' "
        "(expected a domain slug from content/domains.yaml)",
        "content/city/policies/zc.yaml:18: replaced_by 'zc-1999-001' is not a policy document of this column "
        "(expected the id of a document in content/city/policies/)",
        "content/west/records/all.yaml:4: unknown item 'no-such-item' "
        "(expected an item id from content/west/catalogue/*.yaml)"]


def test_unknown_township_and_excluded_item(built):
    root, output, before = built
    replace(root / "content/east/records/jiuzhu.yaml", "township: nanjie", "township: nowhere")
    errors = rebuild_errors(root, output, before)
    assert errors == ["content/east/records/jiuzhu.yaml:14: unknown township 'nowhere' "
                      "(expected a township slug from content/east/townships.yaml)"]


def test_duplicate_ids(built):
    root, output, before = built
    replace(root / "content/east/records/jiuzhu.yaml", "id: zdbc-2025-004", "id: zdbc-2025-003")
    errors = rebuild_errors(root, output, before)
    assert len(errors) == 1
    assert "duplicate record id 'zdbc-2025-003'" in errors[0]


def test_unsafe_slugs(built):
    root, output, before = built
    replace(root / "content/west/records/all.yaml", "id: west-dibao-2026", "id: ../../etc/passwd")
    replace(root / "content/east/townships.yaml", "slug: beixiang", "slug: bei/xiang")
    errors = rebuild_errors(root, output, before)
    assert any(e.startswith("content/west/records/all.yaml:2: 'id' (信息标识) is '../../etc/passwd'") for e in errors)
    assert any("'slug' (乡镇标识) is 'bei/xiang'" in e for e in errors)


def test_unknown_column_folder_and_missing_banner(built):
    root, output, before = built
    (root / "content/north").mkdir()
    (root / "districts/west/static/banner.svg").unlink()
    errors = rebuild_errors(root, output, before)
    assert any(e.startswith("content/north: content folder 'north' has no column configuration") for e in errors)
    assert any(e.startswith("districts/west/column.yaml:6: banner 'banner.svg' not found") for e in errors)


def test_all_errors_of_a_run_are_reported_together(built):
    root, output, before = built
    replace(root / "content/west/records/all.yaml", "published: 2026-06-02", "published: 2026-13-02")
    replace(root / "content/east/records/jiuzhu.yaml", "title: 东区最低生活保障办事指南（2026年版）\n", "")
    (root / "content/city/catalogue/broken.yaml").write_text("items: [\n", encoding="utf-8")
    errors = rebuild_errors(root, output, before)
    assert len(errors) == 3
    assert {e.split(":")[0] for e in errors} == {
        "content/west/records/all.yaml", "content/east/records/jiuzhu.yaml", "content/city/catalogue/broken.yaml"}


def test_template_error_is_reported_and_output_kept(built):
    root, output, before = built
    (root / "districts/west/templates/item.html").write_text("{% extends 'theme/item.html' %}{% block x %}",
                                                              encoding="utf-8")
    errors = rebuild_errors(root, output, before)
    assert len(errors) == 1 and "template error" in errors[0]


def test_command_line_exit_code_and_message(built):
    root, output, before = built
    replace(root / "content/west/records/all.yaml", "published: 2026-06-02", "published: 昨天")
    run = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "--output", str(output),
                          "--themes", str(REPO / "themes")], capture_output=True, text=True)
    assert run.returncode == 1
    assert "validate: content/west/records/all.yaml:6: 'published' (发布日期)" in run.stderr
    assert "1 error(s); nothing was written." in run.stderr
    assert snapshot(output) == before
