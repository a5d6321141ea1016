"""The build's state: the source cache, the graph and the manifest on disk, and the session that
keeps them in memory for the preview."""
from __future__ import annotations

import random
import subprocess
import sys

import pytest

from conftest import REPO
from edits import replace, write_record
from generator.errors import BuildError
from generator.graph import Graph, PageState
from generator.paths import ProjectPaths
from generator.session import BuildOptions, Session
from generator.model import Record
from generator.sourcecache import decode, encode
from generator.sources import CONTENT_ROLES
from generator.sources import refresh_sources, role_of, scan_sources  # noqa: F811
from generator.state import BuildState


def quiet(_message: str) -> None:
    pass


def test_source_roles_follow_where_a_file_lies():
    assert role_of("content/yuelu/records/a/b.md") == ("records", "yuelu", None)
    assert role_of("content/yuelu/catalogue/shehui-jiuzhu.yaml") == ("catalogue", "yuelu", "shehui-jiuzhu")
    assert role_of("content/yuelu/topics/yiqing/topic.yaml") == ("topic", "yuelu", "yiqing")
    assert role_of("content/yuelu/topics/yiqing/x.md") == ("topic-records", "yuelu", "yiqing")
    assert role_of("content/yuelu/files/a.pdf") == ("attachment", "yuelu", None)
    assert role_of("districts/yuelu/templates/item.html") == ("template", "yuelu", None)
    assert role_of("content/yuelu/notes.txt") == (None, None, None)


def test_refreshing_the_changed_paths_gives_what_a_full_scan_gives(site_copy):
    paths = ProjectPaths.at(site_copy)
    tree = scan_sources(paths)
    new = write_record(site_copy, "east", "fresh", "dibao-zhinan", 3, random.Random(1))
    gone = site_copy / "content/west/records/all.yaml"
    gone.unlink()
    (site_copy / "content/east/records/.hidden.md").write_text("---\n", encoding="utf-8")
    refreshed, touched = refresh_sources(paths, tree, {new.parent, gone, site_copy / "content/east/records/.hidden.md"})
    assert refreshed == scan_sources(paths)
    assert "content/east/records/added/fresh.md" in refreshed and "content/west/records/all.yaml" not in refreshed
    assert touched == {"content/east/records/added/fresh.md", "content/west/records/all.yaml"}


def test_cached_objects_come_back_equal(site_copy):
    session = Session(ProjectPaths.at(site_copy, site_copy / "output"), quiet)
    session.build(BuildOptions(progress=False))
    reopened = Session(ProjectPaths.at(site_copy, site_copy / "output"), quiet)
    reopened.open()
    assert set(reopened.cache.keys()) == {k for k, f in session.tree.items() if f.role in CONTENT_ROLES}
    for key in reopened.cache.keys():
        fresh, back = session.cache.get(key), reopened.cache.get(key)
        for entity, kept in zip(fresh.entities, back.entities):
            if isinstance(entity, Record):
                assert back.record(entity.id) == entity            # packed, then whole again
                assert decode(encode(entity)) == entity
            else:
                assert kept == entity


def test_the_graph_survives_a_save_and_a_reopening(tmp_path):
    graph = Graph()
    fid = graph.facet_id(("e", "record", ("east", "a")), b"d" * 16)
    gid = graph.set_group(("record", "east", "a"), {fid}, (), (), 2)
    pid = graph.set_page(PageState("east/info/a.html", gid, b"", 10, 20, b"", "east", b"c" * 16, 1), {fid})
    state = BuildState(tmp_path / "output", "v", quiet)
    state.save(graph.save_tables(), {"counters": graph.counters})
    again = BuildState(tmp_path / "output", "v", quiet)
    assert again.open()
    loaded = Graph(again.db, again.meta("counters"))
    assert loaded.readers({("e", "record", ("east", "a"))}) == ({gid}, {pid})
    assert loaded.page("east/info/a.html").shard == 1
    assert loaded.pages_of_shard("east", 1)[0].path == "east/info/a.html"
    assert loaded.group(("record", "east", "a")).depth == 2


def test_a_state_of_another_version_or_a_broken_one_is_not_used(tmp_path):
    messages = []
    state = BuildState(tmp_path / "output", "v", messages.append)
    state.save([], {"counters": {}})
    assert not BuildState(tmp_path / "output", "another version", messages.append).open()
    assert "another version" in messages[-1]
    (state.folder / "state.sqlite").write_bytes(b"not a database, not at all" * 100)
    assert not BuildState(tmp_path / "output", "v", messages.append).open()
    assert "unreadable" in messages[-1]


def test_a_session_kept_open_reads_only_the_saved_file(site_copy):
    """The preview's way: the session stays in memory; a save reads one file, not the site."""
    messages = []
    session = Session(ProjectPaths.at(site_copy, site_copy / "output"), messages.append)
    session.build(BuildOptions(progress=False), save=False)
    source = site_copy / "content/east/records/jiuzhu/dibao-2026-q3.md"
    replace(source, "第三季度城乡低保对象公示", "第三季度城乡低保对象公示（预览中修改）")
    pages = []
    result = session.build(BuildOptions(progress=False), save=False, changed={source},
                           on_pages=lambda: pages.append((site_copy / "output/east/info/dibao-2026-q3.html")
                                                         .read_text(encoding="utf-8")))
    assert "（预览中修改）" in pages[0]                        # the pages are out before the search index
    assert any("1 files read" in m for m in messages[-4:])
    assert 0 < result.rendered < 10 and result.indexed == 1
    assert (site_copy / ".output.build-state/journal.json").is_file()     # not saved yet: the journal covers it
    session.save()
    assert not (site_copy / ".output.build-state/journal.json").exists()


def test_whole_site_rules_hold_for_files_that_did_not_change(site_copy):
    """Records in unchanged (cached) files still lose their item, and an id given again in a
    changed file still clashes with one in an unchanged file."""
    paths = ProjectPaths.at(site_copy, site_copy / "output")
    Session(paths, quiet).build(BuildOptions(progress=False))
    catalogue = site_copy / "content/west/catalogue/shehui-jiuzhu.yaml"
    original = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(original.replace("id: dibao-zhinan", "id: dibao-zhinan-2"), encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        Session(paths, quiet).build(BuildOptions(progress=False))
    assert any("content/west/records/all.yaml" in str(e) and "unknown item 'dibao-zhinan'" in str(e)
               for e in caught.value.errors)
    catalogue.write_text(original, encoding="utf-8")
    write_record(site_copy, "east", "zdbc-2025-003", "dibao-zhinan", 4, random.Random(3))
    with pytest.raises(BuildError) as caught:
        Session(paths, quiet).build(BuildOptions(progress=False))
    assert [str(e) for e in caught.value.errors if "duplicate record id 'zdbc-2025-003'" in str(e)]


def test_the_command_line_says_when_another_build_holds_the_output(site_copy):
    paths = ProjectPaths.at(site_copy, site_copy / "output")
    session = Session(paths, quiet)
    with session.state.locked():
        run = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(site_copy)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        first = run.stdout.readline()
    run.communicate(timeout=120)
    assert "another build of this output is running" in first
    assert run.returncode == 0


def test_a_forked_child_reads_the_state_through_a_connection_of_its_own(tmp_path):
    import os
    import sqlite3
    from generator import tables
    db = sqlite3.connect(tmp_path / "state.sqlite", isolation_level=None)
    first = tables.Table("things")
    first["a"] = (1, "一")
    first.save(db)
    table = tables.Table("things", db)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:                                               # the child: a render worker
        try:
            value = table["a"]
            own = [c for (p, _f), c in tables._opened_here.items() if p == os.getpid()]
            os.write(write, repr((value, len(own) == 1 and own[0] is not db)).encode())
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1000).decode() == repr(((1, "一"), True))
    assert table["a"] == (1, "一") and not [p for p, _f in tables._opened_here if p == os.getpid()]
