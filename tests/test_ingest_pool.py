"""Content files read in forked workers (ingest_pool.py) give what one process gives, in order."""
from __future__ import annotations

import marshal
import shutil

import pytest

from conftest import BASIC, REPO, build_into
from generator import ingest_pool
from generator.errors import BuildError
from generator.paths import ProjectPaths
from generator.render_pool import can_fork
from generator.sources import CONTENT_ROLES, scan_sources


@pytest.fixture
def every_file_in_workers(monkeypatch):
    """Workers for any number of files, a few files a slice: every path of the pool is taken."""
    if not can_fork():
        pytest.skip("this process cannot fork workers")
    monkeypatch.setattr(ingest_pool, "PARALLEL_FROM", 1)
    monkeypatch.setattr(ingest_pool, "CHUNK", 3)


def content_jobs(root) -> list:
    sources = scan_sources(ProjectPaths.at(root, root / "output", REPO / "themes"))
    return [(source, "430100") for source in sources.values() if source.role in CONTENT_ROLES]


def rows(reads) -> list:
    """The entries by value (marshal's bytes of a record depend on which strings are shared, which
    pickling between processes changes; what they decode to does not)."""
    def value(row):
        entities = [(e[0], e[1], marshal.loads(e[2])) if e[0] == "ref" and e[2] else e for e in row[5]]
        return row[:5] + (entities,) + row[6:]
    return [(errors, value(entry.row()) if entry else None) for errors, entry in reads]


def test_workers_read_what_one_process_reads_in_the_same_order(every_file_in_workers):
    jobs = content_jobs(BASIC)
    assert len(jobs) > 3 * ingest_pool.CHUNK                  # more slices than the workers' queue
    alone = ingest_pool.ingest_files(jobs, BASIC, workers=1)
    together = ingest_pool.ingest_files(jobs, BASIC, workers=2)
    assert rows(together) == rows(alone)
    assert [entry.key for _errors, entry in together] == [source.key for source, _context in jobs]


def test_a_broken_file_read_by_a_worker_is_one_message_naming_it(every_file_in_workers, site_copy, tmp_path):
    output = tmp_path / "output"
    build_into(site_copy, output)
    before = sorted(p.relative_to(output).as_posix() for p in output.rglob("*"))
    record = site_copy / "content/east/records/jiuzhu.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "    title: 东区最低生活保障办事指南（2026年版）", "    title: [东区最低生活保障办事指南", 1), encoding="utf-8")
    shutil.rmtree(output.parent / ".output.build-state")      # a cold read: every file in the workers
    with pytest.raises(BuildError) as failed:
        build_into(site_copy, output)
    errors = [str(e) for e in failed.value.errors]
    assert len(errors) == 1 and errors[0].startswith("content/east/records/jiuzhu.yaml:")
    assert "invalid YAML" in errors[0]
    assert sorted(p.relative_to(output).as_posix() for p in output.rglob("*")) == before
