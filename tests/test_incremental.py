"""Incremental builds: only what an edit touches is made again, and the result equals a clean build
byte for byte, after any kind of edit, a crash, or a move; the search bundles, layered (a delta
bundle of what changed beside the bases: search_layers.py), return the same pages as a clean
build's, page for page."""
from __future__ import annotations

import filecmp
import gzip
import json
import marshal
import os
import sqlite3
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import edits
from conftest import REPO, in_namespace, needs_mount
from edits import interpretation_path, random_edits, replace, write_interpretation, write_record
from generator.errors import BuildError
from generator.paths import ProjectPaths
from generator.pipeline import BuildOptions, build
from generator.search import search_document
from generator.state import state_folder

# The search bundles are compared by the pages they return (search_pages), not byte for byte:
# Pagefind writes its filter files and entry manifest in another order on every run, and an
# incremental build's bundles are layered differently from a clean build's.
BUNDLES = "pagefind/"


def run(root: Path, output: Path, clean: bool = False, workers: int | None = None):
    messages: list[str] = []
    result = build(ProjectPaths.at(root, output), log=messages.append,
                   options=BuildOptions(progress=False, clean=clean, workers=workers))
    return result, messages


def tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def comparable(paths: set[str]) -> set[str]:
    return {p for p in paths if not p.startswith(BUNDLES)}


def search_pages(output: Path) -> dict[str, dict]:
    """What a query can return, page by page (Pagefind's fragment of each: address, text, meta,
    filters), as the search page merges the bundles: the delta's pages, and the bases' pages of
    shards the delta does not hold. A page found twice is an error."""
    layers = output / BUNDLES / "layers.json"
    delta = set(json.loads(layers.read_text())["delta"]) if layers.is_file() else set()
    pages: dict[str, dict] = {}
    for bundle in sorted(p for p in (output / BUNDLES).glob("*") if p.is_dir()):
        for fragment in sorted((bundle / "fragment").glob("*.pf_fragment")):
            data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
            if bundle.name != "delta" and data["filters"]["分片"][0] in delta:
                continue                                       # the delta holds this shard anew
            assert data["url"] not in pages, f"{data['url']} found twice"
            pages[data["url"]] = data
    return pages


def differences(ours: Path, theirs: Path) -> list[str]:
    a, b = comparable(tree(ours)), comparable(tree(theirs))
    found = sorted(a ^ b) + [p for p in sorted(a & b) if not filecmp.cmp(ours / p, theirs / p, shallow=False)]
    mine, clean = search_pages(ours), search_pages(theirs)
    found += [f"{BUNDLES} finds {url} otherwise" for url in sorted(mine.keys() | clean.keys())
              if mine.get(url) != clean.get(url)]
    return found


def assert_same_as_clean(root: Path, output: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean" / "output"
    shutil.rmtree(clean.parent, ignore_errors=True)
    run(root, clean, clean=True)
    assert differences(output, clean) == []


def stamps(output: Path) -> dict[str, int]:
    return {p: (output / p).stat().st_mtime_ns for p in tree(output) if p.endswith(".html")}


def changed_since(output: Path, before: dict[str, int]) -> set[str]:
    now = stamps(output)
    return {p for p in now if before.get(p) != now[p]}


@pytest.fixture
def built(site_copy, tmp_path):
    output = tmp_path / "output"
    result, _ = run(site_copy, output)
    assert result.carried == 0 and result.rendered > result.pages
    return site_copy, output


def test_nothing_changed_renders_nothing(built):
    root, output = built
    result, messages = run(root, output)
    assert result.rendered == 0 and result.files == 0
    assert any(m.startswith("nothing changed") for m in messages)       # the short way: stamps only


def test_a_file_touched_but_not_changed_renders_nothing(built):
    root, output = built
    source = root / "content/east/records/jiuzhu.yaml"
    source.write_bytes(source.read_bytes())                              # a new time, the same bytes
    result, messages = run(root, output)
    assert result.rendered == 0 and result.indexed == 0
    assert any("0 files read" in m for m in messages)                    # hashed, found the same, not read
    result, messages = run(root, output)
    assert any(m.startswith("nothing changed") for m in messages)       # its new time is remembered


def test_edited_record_rerenders_its_pages_only_and_matches_a_clean_build(built, tmp_path):
    root, output = built
    replace(root / "content/east/records/jiuzhu/dibao-2026-q3.md", "第三季度城乡低保对象公示", "第三季度城乡低保对象公示（更正）")
    result, messages = run(root, output)
    assert 0 < result.rendered < result.pages / 5
    assert "（更正）" in (output / "east/info/dibao-2026-q3.html").read_text(encoding="utf-8")
    assert any("1 files read" in m for m in messages)            # one source read again, not the site
    assert result.indexed == 1                                     # the delta bundle: east's one shard
    assert json.loads((output / "pagefind/layers.json").read_text()) == {"delta": ["east-00"]}
    assert_same_as_clean(root, output, tmp_path)


def test_added_and_deleted_records_match_a_clean_build(built, tmp_path):
    root, output = built
    new = write_record(root, "west", "added-2026-11", "dibao-zhinan", 21, random.Random(1))
    run(root, output)
    assert (output / "west/info/added-2026-11.html").is_file()
    assert_same_as_clean(root, output, tmp_path)

    new.unlink()
    result, _ = run(root, output)
    assert not (output / "west/info/added-2026-11.html").exists()     # deleted source, deleted page
    assert result.rendered > 0
    assert_same_as_clean(root, output, tmp_path)


def kept_documents(output: Path) -> dict[str, Path]:
    """Output path -> the search document the build state keeps for it."""
    found = {}
    for shard in (state_folder(output) / "search").iterdir():
        found.update({p.relative_to(shard).as_posix(): p for p in shard.rglob("*.html")})
    return found


def test_kept_search_documents_follow_edits_additions_and_deletions(built, tmp_path):
    root, output = built
    assert set(kept_documents(output)) == {p for p in tree(output) if p.endswith(".html") and
                                           search_document((output / p).read_text(encoding="utf-8"))}
    replace(root / "content/east/records/jiuzhu/dibao-2026-q3.md", "第三季度城乡低保对象公示", "第三季度城乡低保对象公示（更正）")
    new = write_record(root, "west", "added-2026-11", "dibao-zhinan", 21, random.Random(1))
    run(root, output)
    kept = kept_documents(output)
    assert "（更正）" in kept["east/info/dibao-2026-q3.html"].read_text(encoding="utf-8")
    assert "west/info/added-2026-11.html" in kept
    new.unlink()
    run(root, output)
    assert "west/info/added-2026-11.html" not in kept_documents(output)
    assert_same_as_clean(root, output, tmp_path)


def test_kept_documents_a_cut_short_build_left_are_cut_again(built, tmp_path):
    root, output = built
    kept = kept_documents(output)
    edited = kept["east/info/dibao-2026-q3.html"]
    shard = next(p for p in edited.parents if p.parent.name == "search")
    name = next(n for n, p in kept.items() if shard in p.parents and p != edited)      # a page left as it is
    kept[name].write_text(kept[name].read_text(encoding="utf-8").replace("</main>", "<p>不该检索到的文字</p></main>"),
                          encoding="utf-8")
    (shard / ".shard-digest").write_text("a build cut short", encoding="ascii")
    replace(root / "content/east/records/jiuzhu/dibao-2026-q3.md", "第三季度城乡低保对象公示", "第三季度城乡低保对象公示（更正）")
    run(root, output)
    assert "不该检索到的文字" not in kept_documents(output)[name].read_text(encoding="utf-8")
    assert_same_as_clean(root, output, tmp_path)


def test_edit_inside_a_bulk_yaml_file(built, tmp_path):
    root, output = built
    replace(root / "content/east/records/jiuzhu.yaml", "经审核，新增低保对象2户。", "经审核，新增低保对象3户。")
    result, _ = run(root, output)
    assert 0 < result.rendered < result.pages / 5
    assert "新增低保对象3户" in (output / "east/info/nanjie-dibao-2026-10.html").read_text(encoding="utf-8")
    assert_same_as_clean(root, output, tmp_path)


def test_district_override_rerenders_only_that_district(built, tmp_path):
    root, output = built
    before = stamps(output)
    replace(root / "districts/west/templates/record.html", "西区定制：", "西区定制（已修改）：")
    run(root, output)
    changed = changed_since(output, before)
    assert changed and all(p.startswith("west/info/") for p in changed)
    assert_same_as_clean(root, output, tmp_path)


def test_a_new_override_file_counts_although_it_did_not_exist_before(built, tmp_path):
    root, output = built
    before = stamps(output)
    templates = root / "districts/east/templates"
    templates.mkdir(exist_ok=True)
    (templates / "item.html").write_text('{% extends "theme/item.html" %}{% block content %}'
                                         '<p class="east-note">东区提示</p>{{ super() }}{% endblock %}',
                                         encoding="utf-8")
    run(root, output)
    changed = changed_since(output, before)
    assert changed and all(p.startswith("east/") for p in changed)
    assert all("东区提示" in (output / p).read_text(encoding="utf-8") for p in changed)
    assert_same_as_clean(root, output, tmp_path)


def test_an_override_showing_a_site_wide_count_follows_a_record_added_elsewhere(built, tmp_path):
    """The stale-page case: an override reads a site-wide fact; a record added in another column
    changes it, and every page that shows it is made again."""
    root, output = built
    (root / "districts/east/templates").mkdir(exist_ok=True)
    (root / "districts/east/templates/record.html").write_text(
        '{% extends "theme/record.html" %}{% block content %}<p class="count">全站共 {{ site.records|length }} 条'
        "</p>{{ super() }}{% endblock %}", encoding="utf-8")
    run(root, output)
    east_record = output / "east/info/dibao-2026-q3.html"
    count = int(east_record.read_text(encoding="utf-8").split("全站共 ")[1].split(" 条")[0])
    write_record(root, "city", "city-added", "dibao-zhinan", 22, random.Random(2))
    before = stamps(output)
    run(root, output)
    assert f"全站共 {count + 1} 条" in east_record.read_text(encoding="utf-8")
    changed = changed_since(output, before)
    # east's record pages, the city column's pages that list the new record, the home page (its count)
    assert all(p.startswith(("east/info/", "city/")) or p == "index.html" for p in changed), changed
    assert not any(p.startswith("west/") for p in changed)         # west's pages do not show it
    assert_same_as_clean(root, output, tmp_path)


def test_shared_template_rerenders_the_pages_that_use_it(built, tmp_path):
    root, output = built
    edit_feed = root / "themes/default/templates/feed.xml"
    replace(edit_feed, "<feed", "<!-- 已修改 -->\n<feed")
    result, _ = run(root, output)
    assert result.rendered == 3                    # one feed per column, nothing else
    assert result.indexed == 0                     # no page's search document changed
    assert "已修改" in (output / "east/feed.xml").read_text(encoding="utf-8")
    assert_same_as_clean(root, output, tmp_path)

    replace(root / "themes/default/templates/partials/footer.html", "</footer>", "<!-- 页脚 --></footer>")
    result, _ = run(root, output)
    assert result.rendered > result.pages / 2      # every HTML page has the footer
    assert result.indexed == 0                     # ... which the search index does not read
    assert_same_as_clean(root, output, tmp_path)


def test_a_page_edited_by_hand_in_output_is_written_again(built):
    root, output = built
    page = output / "east/index.html"
    original = page.read_text(encoding="utf-8")
    page.write_text(original + "<!-- hand edit -->", encoding="utf-8")
    result, _ = run(root, output)
    assert result.rendered == 1
    assert page.read_text(encoding="utf-8") == original


def test_a_deleted_output_page_or_search_shard_is_written_again(built):
    root, output = built
    (output / "west/index.html").unlink()
    shutil.rmtree(output / "pagefind/00")
    result, _ = run(root, output)
    assert result.rendered == 1 and (output / "west/index.html").is_file()
    assert result.indexed == 1 and (output / "pagefind/00/pagefind.js").is_file()


def test_a_file_put_into_output_by_hand_is_removed(built, tmp_path):
    root, output = built
    (output / "east/stray.html").write_text("<p>not made by the build</p>", encoding="utf-8")
    run(root, output)
    assert not (output / "east/stray.html").exists()
    assert_same_as_clean(root, output, tmp_path)


def test_a_copy_with_new_file_times_keeps_its_state(built, tmp_path):
    """Moving or copying the project (times not kept) re-reads nothing and renders nothing."""
    root, output = built
    moved = tmp_path / "moved"
    shutil.copytree(root, moved / "site", copy_function=shutil.copy)          # new modification times
    shutil.copytree(output.parent / f".{output.name}.build-state", moved / ".output.build-state",
                    copy_function=shutil.copy)
    shutil.copytree(output, moved / "output", copy_function=shutil.copy)
    result, messages = run(moved / "site", moved / "output")
    assert result.rendered == 0 and result.indexed == 0
    assert any("0 files read" in m for m in messages)
    assert_same_as_clean(moved / "site", moved / "output", tmp_path)


def test_two_clean_builds_in_different_folders_are_identical(site_copy, tmp_path):
    other = tmp_path / "elsewhere" / "project"
    shutil.copytree(site_copy, other)
    run(site_copy, tmp_path / "a" / "output", clean=True)
    run(other, tmp_path / "b" / "output", clean=True)
    assert differences(tmp_path / "a" / "output", tmp_path / "b" / "output") == []
    folders = [state_folder(tmp_path / side / "output") for side in "ab"]
    state = {p.relative_to(folders[0]).as_posix(): p.read_bytes() for p in folders[0].rglob("*")
             if p.is_file() and p.name != "lock"}
    assert any(name.startswith("search/") for name in state)                   # kept search documents
    assert all(str(tmp_path).encode() not in data for data in state.values())   # no folder in the state
    caches = [p for p in (site_copy / ".build-cache").rglob("*") if p.is_file()]
    assert any(p.parent.name == "jinja" for p in caches)                          # compiled templates
    assert all(str(tmp_path).encode() not in p.read_bytes() for p in caches)     # ... naming no folder
    assert {name: data for name, data in state.items() if name.startswith("search/")} == \
        {p.relative_to(folders[1]).as_posix(): p.read_bytes() for p in (folders[1] / "search").rglob("*")
         if p.is_file()}


@needs_mount
def test_clean_builds_on_two_kinds_of_disk_are_identical(site_copy, tmp_path):
    """tmpfs lists a folder in another order than the disk the tests run on: nothing of ours in the
    output may depend on that order. Pagefind's command line numbers a bundle's pages in that
    order, so its index files do differ between the two (README, "Reproducible builds")."""
    run(site_copy, tmp_path / "here" / "output", clean=True)
    disk = tmp_path / "tmpfs"
    disk.mkdir()
    command = " ".join([sys.executable, str(REPO / "build.py"), "--root", str(site_copy), "--output",
                        str(disk / "output"), "--quiet", "--clean"])
    result = in_namespace(f"mount -t tmpfs -o size=64m tmpfs {disk} && {command} && "
                          f"cp -a {disk}/output {tmp_path}/copied")
    assert result.returncode == 0, result.stderr
    assert differences(tmp_path / "here" / "output", tmp_path / "copied") == []    # the bundles find the same


def damage_state(output: Path, how: str) -> None:
    database = state_folder(output) / "state.sqlite"
    if how == "garbage":
        database.write_bytes(b"not a database" * 1000)
    elif how == "cut short":
        database.write_bytes(database.read_bytes()[:4096])
    else:                                                  # a state some other generator made
        with sqlite3.connect(database) as db:
            db.execute("UPDATE meta SET value = ? WHERE key = 'version'", (marshal.dumps("another version"),))


@pytest.mark.parametrize("how", ["garbage", "cut short", "another version"])
def test_a_broken_or_foreign_state_is_discarded_with_a_notice(built, how, tmp_path):
    root, output = built
    damage_state(output, how)
    result, messages = run(root, output)
    assert any("every page is rebuilt" in m for m in messages), messages
    assert result.carried == 0
    result, messages = run(root, output)
    assert any(m.startswith("nothing changed") for m in messages)           # a good state again
    assert_same_as_clean(root, output, tmp_path)


def test_failed_build_keeps_output_and_state(built):
    root, output = built
    folder = state_folder(output)
    state_before = state_files(folder)
    assert "state.sqlite" in state_before
    page_before = (output / "east/index.html").read_bytes()
    (root / "content/east/records/jiuzhu.yaml").write_text("records: [\n", encoding="utf-8")
    with pytest.raises(BuildError):
        run(root, output)
    assert state_files(folder) == state_before
    assert (output / "east/index.html").read_bytes() == page_before


def state_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name != "lock"}


def test_a_template_that_reads_where_a_value_came_from_fails_with_file_and_line(built):
    root, output = built
    (root / "districts/east/templates").mkdir(exist_ok=True)
    (root / "districts/east/templates/record.html").write_text(
        '{% extends "theme/record.html" %}\n{% block content %}\n{{ record.source }}\n{% endblock %}', encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        run(root, output)
    report = caught.value.report()
    assert "districts/east/templates/record.html:3: template error" in report
    assert "'source' of Record cannot be used in a template" in report
    with pytest.raises(BuildError) as again:                      # the template compiled from the cache
        run(root, output)
    assert "districts/east/templates/record.html:3: template error" in again.value.report()


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
    assert differences(serial, parallel) == []


def test_the_state_lives_beside_the_output(built):
    _, output = built
    assert state_folder(output) == output.parent / ".output.build-state"
    assert (state_folder(output) / "state.sqlite").is_file()
    assert not any(p.name.startswith(".") for p in output.rglob("*"))          # nothing of the build's in output/


def test_randomised_edits_each_match_a_clean_build(site_copy, tmp_path):
    """Thirty-odd edits of every kind (records, bulk files, renames, dates, templates, overrides,
    settings, static files, attachments, topics), each followed by an incremental build that must
    equal a clean build of the same content."""
    output = tmp_path / "output"
    run(site_copy, output)
    done = edits_each_matching_a_clean_build(site_copy, output, tmp_path, random.Random(20261201), 32)
    assert len(done) >= 30


def edits_each_matching_a_clean_build(root: Path, output: Path, tmp_path: Path, rng, count: int,
                                      kinds: list | None = None) -> list:
    """`count` random edits, each followed by an incremental build that must equal a clean one."""
    done = []
    for edit in random_edits(rng, count, kinds):
        done.append(edit(root, rng))
        run(root, output)
        clean = tmp_path / "clean" / "output"
        shutil.rmtree(clean.parent, ignore_errors=True)
        run(root, clean, clean=True)
        assert differences(output, clean) == [], f"after: {done}"
    return done


def test_interpretations_added_edited_repointed_and_removed_each_match_a_clean_build(built, tmp_path):
    """The document's page (its 政策解读 box), 文件库 (marks, the 有解读 filter), the interpretation's
    page (原文) and the search index follow every change of an interpretation or of its document."""
    root, output = built
    city, east = interpretation_path(root, "city", 1), interpretation_path(root, "east", 1)
    document, library = "city/info/zc-2026-001.html", "city/policies/index.html"
    steps = [
        ("city text added", lambda: write_interpretation(root, "city", 1, "zc-2026-001", "问答", 4, "问答解读"),
         {document, library, "city/policies/jiedu/index.html", "city/info/jd-1.html"}),
        ("east 图解 of the city's document", lambda: write_interpretation(
            root, "east", 1, "city/zc-2026-001", "图解", 6, "一图读懂"), {document, "east/info/jd-1.html"}),
        ("title edited", lambda: replace(city, "title: 问答解读", "title: 问答解读（修订）"), {document, "city/info/jd-1.html"}),
        ("repointed", lambda: replace(city, "interprets: zc-2026-001", "interprets: zc-2019-002"),
         {document, "city/info/zc-2019-002.html", "city/info/jd-1.html", library}),
        ("document retitled", lambda: replace(root / "content/city/policies/zc.yaml", "title: 测试市最低生活保障办法",
                                              "title: 测试市最低生活保障办法（2026年修订）"), {"east/info/jd-1.html"}),
        ("east removed", lambda: east.unlink(), {document}),
        ("city removed", lambda: city.unlink(), {"city/info/zc-2019-002.html", library}),
    ]
    for name, edit, must_change in steps:
        before = stamps(output)
        edit()
        run(root, output)
        changed = changed_since(output, before)
        assert must_change <= changed | (must_change - set(stamps(output))), f"{name}: {must_change - changed}"
        assert differences(output, clean_build(root, tmp_path)) == [], name
    assert not (output / "city/policies/jiedu").exists()


def test_randomised_interpretation_edits_each_match_a_clean_build(site_copy, tmp_path):
    """Interpretations added, retitled, redated, repointed (also across columns) and removed, mixed
    with record edits and additions, each build equal to a clean one."""
    output = tmp_path / "output"
    run(site_copy, output)
    kinds = [edits.edit_interpretation, edits.edit_interpretation, edits.edit_interpretation, edits.add_record,
             edits.edit_markdown_title]
    done = edits_each_matching_a_clean_build(site_copy, output, tmp_path, random.Random(20261216), 14, kinds)
    assert sum("interpretation" in d for d in done) >= 6


def clean_build(root: Path, tmp_path: Path) -> Path:
    clean = tmp_path / "clean" / "output"
    shutil.rmtree(clean.parent, ignore_errors=True)
    run(root, clean, clean=True)
    return clean


def test_a_build_cut_short_before_its_search_bundle_is_in_place_indexes_it_again(built, tmp_path, monkeypatch):
    """An incremental build saves its state (the shard's new digest) while Pagefind runs; killed
    before the new bundle replaces the old one, it leaves a complete bundle of the old pages. The
    journal names the bundle, so the next build indexes that shard again."""
    import generator.write
    root, output = built
    replace(root / "content/east/records/jiuzhu/dibao-2026-q3.md", "第三季度城乡低保对象公示", "第三季度城乡低保对象公示（更正）")

    def killed(*_args):
        raise KeyboardInterrupt("killed before the bundle is swapped in")

    with monkeypatch.context() as patch:
        patch.setattr(generator.write, "swap_folder", killed)
        with pytest.raises(KeyboardInterrupt):
            run(root, output)
    result, _ = run(root, output)
    assert result.indexed == 1
    assert_same_as_clean(root, output, tmp_path)


def whole(output: Path) -> list[str]:
    """Pages (and precompressed copies of pages) that are not whole (a file cut short by a crash)."""
    import gzip
    import brotli
    unpack = {".gz": gzip.decompress, ".br": brotli.decompress}
    broken = []
    for path in output.rglob("*"):
        if path.suffix == ".html":
            data = path.read_bytes()
        elif path.suffix in unpack and path.name.endswith(".html" + path.suffix):
            try:
                data = unpack[path.suffix](path.read_bytes())
            except Exception:
                data = b""
        else:
            continue
        if not data.rstrip().endswith(b"</html>"):
            broken.append(path.relative_to(output).as_posix())
    return broken


@pytest.mark.parametrize("copies", [False, True], ids=["plain", "precompressed"])
def test_killed_builds_leave_every_page_whole_and_the_next_build_repairs_them(built, tmp_path, copies):
    root, output = built
    if copies:                                             # the first build after this one makes every copy
        precompress(root)
    command = [sys.executable, str(REPO / "build.py"), "--root", str(root), "--output", str(output), "--quiet"]
    footer = root / "themes/default/templates/partials/footer.html"
    # How long a build of this kind takes here: the kills fall within it, however fast the code gets
    replace(footer, "</footer>", "<!-- timed --></footer>")
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    duration = time.perf_counter() - started
    rng = random.Random(7)
    kills = 0
    for attempt in range(8):
        replace(footer, "</footer>", f"<!-- {attempt} --></footer>")
        write_record(root, "east", f"killed-{attempt}", "dibao-zhinan", 10 + attempt, rng)
        # the build and its indexers die together, as when a job or its machine is stopped (a
        # Pagefind process orphaned by killing the build alone would write on into its folder)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        time.sleep(duration * rng.uniform(0.3, 0.85))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert whole(output) == []
        kills += process.returncode == -signal.SIGKILL      # a build that finished first is one more edit
        if kills == 4:
            break
    assert kills == 4, "the builds finished before they could be killed"
    result, _ = run(root, output)
    assert result.rendered > 0
    assert not [p for p in output.parent.iterdir() if p.name.startswith(".output.") and
                p.name != ".output.build-state"], "leftovers of the killed builds"
    assert_same_as_clean(root, output, tmp_path)
    assert os.path.exists(output / f"east/info/killed-{attempt}.html")


# --- precompressed copies (site.yaml `precompress`) ------------------------------------------------------

COPIES = (".gz", ".br")


def precompress(root: Path, on: bool = True) -> None:
    site = root / "site.yaml"
    lines = [line for line in site.read_text(encoding="utf-8").splitlines() if not line.startswith("precompress:")]
    site.write_text("\n".join(lines + (["precompress: true"] if on else [])) + "\n", encoding="utf-8")


def test_a_build_killed_between_a_new_pages_copies_and_the_page_is_repaired_with_its_copies(
        precompressed, tmp_path, monkeypatch):
    """A build killed after it moved a new page's copies into output/ but before the page: the
    next build knows neither the page nor its copies (the state is the one before), writes both
    again and must not then remove the copies as files no build made."""
    import generator.write
    root, output = precompressed
    write_record(root, "east", "cut-short", "dibao-zhinan", 12, random.Random(3))
    moved = os.replace

    def killed(source, target):
        if str(target).endswith("cut-short.html"):
            raise KeyboardInterrupt("killed between the copies and the page")
        moved(source, target)

    with monkeypatch.context() as patch:
        patch.setattr(generator.write.os, "replace", killed)
        with pytest.raises(KeyboardInterrupt):
            run(root, output)
    assert (output / "east/info/cut-short.html.gz").exists() and not (output / "east/info/cut-short.html").exists()
    run(root, output)
    assert {p for p in tree(output) if "cut-short" in p} == {f"east/info/cut-short.html{s}" for s in ("",) + COPIES}
    assert_same_as_clean(root, output, tmp_path)


def times(output: Path) -> dict[str, int]:
    return {p: (output / p).stat().st_mtime_ns for p in tree(output)}


def copies_in(output: Path) -> dict[str, int]:
    """Every precompressed copy in `output` with its modification time."""
    return {p: (output / p).stat().st_mtime_ns for p in tree(output) if p.endswith(COPIES)}


@pytest.fixture
def precompressed(site_copy, tmp_path):
    precompress(site_copy)
    output = tmp_path / "output"
    run(site_copy, output)
    return site_copy, output


def test_precompressed_copies_follow_an_edit_an_addition_and_a_deletion(precompressed, tmp_path):
    root, output = precompressed
    page = "east/info/dibao-2026-q3.html"
    assert {page + ".gz", page + ".br", "pagefind/00/pagefind.js.gz"} <= set(copies_in(output))
    before = times(output)
    replace(root / "content/east/records/jiuzhu/dibao-2026-q3.md", "第三季度城乡低保对象公示", "第三季度城乡低保对象公示（更正）")
    run(root, output)
    after = times(output)
    written = {p for p in after if after[p] != before.get(p)}
    copies, files = {p for p in written if p.endswith(COPIES)}, {p for p in written if not p.endswith(COPIES)}
    assert {page, page + ".gz", page + ".br"} <= written
    # the copies of the files written again (pages, and the one search shard indexed again), no others
    assert {p[:-3] for p in copies} == {p for p in files if p + ".gz" in after}
    assert len(copies) < len(copies_in(output)) / 4
    assert_same_as_clean(root, output, tmp_path)

    new = write_record(root, "west", "added-2026-11", "dibao-zhinan", 21, random.Random(1))
    run(root, output)
    assert {"west/info/added-2026-11.html.gz", "west/info/added-2026-11.html.br"} <= set(copies_in(output))
    assert_same_as_clean(root, output, tmp_path)
    new.unlink()
    run(root, output)
    assert not [p for p in tree(output) if p.startswith("west/info/added-2026-11.html")]
    assert_same_as_clean(root, output, tmp_path)


def test_turning_precompress_on_and_off_matches_a_clean_build(built, tmp_path):
    root, output = built
    assert copies_in(output) == {}
    precompress(root)
    result, _ = run(root, output)
    assert result.rendered >= result.pages                 # every page, with its copies
    assert len(copies_in(output)) > result.pages
    assert_same_as_clean(root, output, tmp_path)
    precompress(root, on=False)
    run(root, output)
    assert copies_in(output) == {}
    assert_same_as_clean(root, output, tmp_path)


def test_a_copy_edited_removed_or_put_by_hand_is_made_right(precompressed, tmp_path):
    root, output = precompressed
    (output / "east/index.html.gz").write_bytes(b"not the page")
    (output / "west/index.html.br").unlink()
    (output / "static/site.css.gz").unlink()
    (output / "east/stray.html.gz").write_bytes(b"no page of that name")
    small = next(p for p in sorted(tree(output)) if p.endswith(".svg") and not (output / (p + ".gz")).exists())
    (output / (small + ".gz")).write_bytes(b"a copy no build makes")
    result, _ = run(root, output)
    assert result.rendered == 2                            # the two pages whose copies were wrong
    assert not (output / "east/stray.html.gz").exists() and not (output / (small + ".gz")).exists()
    assert_same_as_clean(root, output, tmp_path)
    result, messages = run(root, output)
    assert any(m.startswith("nothing changed") for m in messages)


def test_copies_with_new_file_times_are_kept(precompressed, tmp_path):
    """A copy of the project (times not kept) compares copies by their bytes: nothing is made again."""
    root, output = precompressed
    moved = tmp_path / "moved"
    shutil.copytree(root, moved / "site", copy_function=shutil.copy)
    shutil.copytree(output.parent / f".{output.name}.build-state", moved / ".output.build-state",
                    copy_function=shutil.copy)
    shutil.copytree(output, moved / "output", copy_function=shutil.copy)
    result, _ = run(moved / "site", moved / "output")
    assert result.rendered == 0 and result.indexed == 0
    assert_same_as_clean(moved / "site", moved / "output", tmp_path)


def test_randomised_edits_with_precompressed_copies_each_match_a_clean_build(precompressed, tmp_path):
    root, output = precompressed
    edits_each_matching_a_clean_build(root, output, tmp_path, random.Random(20261203), 17)
    assert any(p.endswith(".br") for p in tree(output))
