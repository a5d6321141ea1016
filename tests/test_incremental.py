"""Incremental builds: only stale pages are rendered, and the result equals a clean build byte for byte."""
from __future__ import annotations

import filecmp
import json
import shutil
from pathlib import Path

import pytest

from generator.cache import PageCache
from generator.paths import ProjectPaths
from generator.pipeline import BuildOptions, build

# Pagefind writes its filter files and entry manifest in a different order on every run, even
# from identical pages (two clean builds differ there too); its index and fragments do not.
NONDETERMINISTIC = ("/pagefind/filter/", "/pagefind/pagefind-entry.json", ".pf_meta")


def run(root: Path, output: Path, clean: bool = False, workers: int | None = None):
    messages: list[str] = []
    result = build(ProjectPaths.at(root, output), log=messages.append,
                   options=BuildOptions(progress=False, clean=clean, workers=workers))
    return result, messages


def tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def assert_same_as_clean(root: Path, output: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean-output"
    shutil.rmtree(clean, ignore_errors=True)
    run(root, clean, clean=True)
    ours, theirs = tree(output), tree(clean)
    comparable = lambda paths: {p for p in paths if not any(n in "/" + p for n in NONDETERMINISTIC)}  # noqa: E731
    assert comparable(ours) == comparable(theirs)
    differing = [p for p in sorted(comparable(ours)) if not filecmp.cmp(output / p, clean / p, shallow=False)]
    assert differing == []


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def built(site_copy, tmp_path):
    output = tmp_path / "output"
    result, _ = run(site_copy, output)
    assert result.carried == 0 and result.rendered > result.pages
    return site_copy, output


def test_nothing_changed_renders_nothing(built):
    root, output = built
    result, messages = run(root, output)
    assert result.rendered == 0
    assert any("reused" in m and "indexed 0 columns" in m for m in messages)


def test_edited_record_rerenders_its_pages_only_and_matches_a_clean_build(built, tmp_path):
    root, output = built
    edit(root / "content/east/records/jiuzhu/dibao-2026-q3.md", "第三季度城乡低保对象公示", "第三季度城乡低保对象公示（更正）")
    result, messages = run(root, output)
    assert 0 < result.rendered < result.pages / 3
    assert "（更正）" in (output / "east/info/dibao-2026-q3.html").read_text(encoding="utf-8")
    assert any("indexed 1 columns" in m for m in messages)        # only east's search index
    assert_same_as_clean(root, output, tmp_path)


def test_added_and_deleted_records_match_a_clean_build(built, tmp_path):
    root, output = built
    new = root / "content/west/records/added-2026-11.md"
    item = "item: " + (root / "content/west/records/all.yaml").read_text(encoding="utf-8").split("item: ")[1].split("\n")[0]
    new.write_text(f"---\ntitle: 西区新增公开信息\n{item}\nwritten: 2026-11-20\npublished: 2026-11-21\n"
                   "publisher: 西区人民政府\n---\n\n新增的正文。\n", encoding="utf-8")
    run(root, output)
    assert (output / "west/info/added-2026-11.html").is_file()
    assert_same_as_clean(root, output, tmp_path)

    new.unlink()
    result, _ = run(root, output)
    assert not (output / "west/info/added-2026-11.html").exists()     # deleted source, deleted page
    assert result.rendered > 0
    assert_same_as_clean(root, output, tmp_path)


def test_edit_inside_a_bulk_yaml_file(built, tmp_path):
    root, output = built
    edit(root / "content/east/records/jiuzhu.yaml", "经审核，新增低保对象2户。", "经审核，新增低保对象3户。")
    result, _ = run(root, output)
    assert 0 < result.rendered < result.pages / 3
    assert "新增低保对象3户" in (output / "east/info/nanjie-dibao-2026-10.html").read_text(encoding="utf-8")
    assert_same_as_clean(root, output, tmp_path)


def test_district_override_rerenders_only_that_district(built, tmp_path):
    root, output = built
    before = {p: (output / p).stat().st_mtime_ns for p in tree(output) if p.endswith(".html")}
    edit(root / "districts/west/templates/record.html", "西区定制：", "西区定制（已修改）：")
    run(root, output)
    changed = {p for p, stamp in before.items() if (output / p).stat().st_mtime_ns != stamp}
    assert changed and all(p.startswith("west/info/") for p in changed)
    assert_same_as_clean(root, output, tmp_path)


def test_shared_template_rerenders_the_pages_that_use_it(built, tmp_path):
    root, output = built
    feed = root / "themes/default/templates/feed.xml"
    edit(feed, "<feed", "<!-- 已修改 -->\n<feed")
    result, _ = run(root, output)
    assert result.rendered == 3                    # one feed per column, nothing else
    assert "已修改" in (output / "east/feed.xml").read_text(encoding="utf-8")
    assert_same_as_clean(root, output, tmp_path)

    edit(root / "themes/default/templates/partials/footer.html", "</footer>", "<!-- 页脚 --></footer>")
    result, _ = run(root, output)
    assert result.rendered > result.pages / 2      # every HTML page has the footer


def test_a_page_edited_by_hand_in_output_is_written_again(built):
    root, output = built
    page = output / "east/index.html"
    original = page.read_text(encoding="utf-8")
    page.write_text(original + "<!-- hand edit -->", encoding="utf-8")
    result, _ = run(root, output)
    assert result.rendered == 1
    assert page.read_text(encoding="utf-8") == original


def test_a_deleted_output_page_is_written_again(built):
    root, output = built
    (output / "west/index.html").unlink()
    result, _ = run(root, output)
    assert result.rendered == 1 and (output / "west/index.html").is_file()


@pytest.mark.parametrize("damage", ["{not json", '{"format": 1, "version": "other", "pages": {}, "columns": {}}',
                                    '{"format": 1, "pages": [1, 2]}'])
def test_a_corrupt_or_foreign_cache_is_discarded_with_a_notice(built, damage):
    root, output = built
    cache_file = output.parent / f".{output.name}.build-cache.json"
    assert cache_file.is_file()
    cache_file.write_text(damage, encoding="utf-8")
    result, messages = run(root, output)
    assert any("discarded" in m and "every page is rebuilt" in m for m in messages)
    assert result.carried == 0
    assert json.loads(cache_file.read_text(encoding="utf-8"))["format"] == 1   # a good cache again


def test_cache_with_a_wrong_fingerprint_is_not_trusted(built):
    root, output = built
    cache_file = output.parent / f".{output.name}.build-cache.json"
    data = json.loads(cache_file.read_text(encoding="utf-8"))
    data["pages"]["east/index.html"][0] = "0" * 32
    cache_file.write_text(json.dumps(data), encoding="utf-8")
    result, _ = run(root, output)
    assert result.rendered == 1


def test_failed_build_keeps_output_and_cache(built):
    root, output = built
    cache_file = output.parent / f".{output.name}.build-cache.json"
    cache_before, page_before = cache_file.read_bytes(), (output / "east/index.html").read_bytes()
    (root / "content/east/records/jiuzhu.yaml").write_text("records: [\n", encoding="utf-8")
    with pytest.raises(Exception):
        run(root, output)
    assert cache_file.read_bytes() == cache_before
    assert (output / "east/index.html").read_bytes() == page_before


def test_parallel_and_serial_builds_are_identical(site_copy, tmp_path):
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    import generator.render_pool as pool
    original = pool.PARALLEL_FROM
    pool.PARALLEL_FROM = 1                       # force the worker processes on the small site
    try:
        run(site_copy, parallel, workers=2)
    finally:
        pool.PARALLEL_FROM = original
    run(site_copy, serial, workers=1)
    pages = {p for p in tree(serial) if "/pagefind/" not in p}
    assert pages == {p for p in tree(parallel) if "/pagefind/" not in p}
    assert [p for p in sorted(pages) if not filecmp.cmp(serial / p, parallel / p, shallow=False)] == []


def test_page_cache_lives_beside_the_output(built):
    _, output = built
    cache = PageCache.open(output, "v", lambda _m: None)
    assert cache.file == output.parent / ".output.build-cache.json"


def test_a_new_override_file_counts_although_it_did_not_exist_before(built, tmp_path):
    root, output = built
    before = {p: (output / p).stat().st_mtime_ns for p in tree(output) if p.endswith(".html")}
    templates = root / "districts/east/templates"
    templates.mkdir(exist_ok=True)
    (templates / "item.html").write_text('{% extends "theme/item.html" %}{% block content %}'
                                         '<p class="east-note">东区提示</p>{{ super() }}{% endblock %}',
                                         encoding="utf-8")
    run(root, output)
    changed = {p for p, stamp in before.items() if (output / p).stat().st_mtime_ns != stamp}
    assert changed and all(p.startswith("east/") for p in changed)
    assert all("东区提示" in (output / p).read_text(encoding="utf-8") for p in changed)
    assert_same_as_clean(root, output, tmp_path)
