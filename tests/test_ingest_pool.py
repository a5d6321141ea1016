"""Content files read in forked workers (ingest_pool.py) give what one process gives, in order.

Workers are only forked from a process with no other thread, which a test session that has driven
a browser is not: each check runs in a fresh Python process of its own, as a build does."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

from conftest import BASIC, REPO

# Workers for any number of files, three files a slice: every path of the pool is taken.
SETUP = f"""
import json, marshal, sys
sys.path.insert(0, {str(REPO)!r})
from pathlib import Path
from generator import ingest_pool
from generator.render_pool import can_fork
assert can_fork(), "a fresh process must be able to fork"
ingest_pool.PARALLEL_FROM = 1
ingest_pool.CHUNK = 3
pooled = []
in_workers = ingest_pool.read_in_workers
ingest_pool.read_in_workers = lambda *a: pooled.append(a) or in_workers(*a)
"""

SAME_ORDER = SETUP + f"""
from generator.paths import ProjectPaths
from generator.sources import CONTENT_ROLES, scan_sources
root = Path({str(BASIC)!r})
sources = scan_sources(ProjectPaths.at(root, root / "output", Path({str(REPO / "themes")!r})))
jobs = [(s, "430100") for s in sources.values() if s.role in CONTENT_ROLES]

def value(row):
    # marshal's bytes of a record depend on which strings are shared, which pickling between
    # processes changes; what they decode to does not
    entities = [(e[0], e[1], marshal.loads(e[2])) if e[0] == "ref" and e[2] else e for e in row[5]]
    return repr(row[:5] + (entities,) + row[6:])

alone = ingest_pool.ingest_files(jobs, root, workers=1)
together = ingest_pool.ingest_files(jobs, root, workers=2)
print(json.dumps({{"jobs": len(jobs), "keys": [s.key for s, _c in jobs],
                   "order": [e.key for _errors, e in together],
                   "pooled": len(pooled), "same": [value(a.row()) for _x, a in alone] == [value(b.row()) for _y, b in together]}}))
"""

BROKEN = SETUP + """
from generator.errors import BuildError
from generator.paths import ProjectPaths
from generator.pipeline import build
root, output = Path(sys.argv[1]), Path(sys.argv[2])
try:
    build(ProjectPaths.at(root, output, root / "themes"), log=lambda _m: None)
    print(json.dumps([]))
except BuildError as failed:
    assert pooled, "the files were not read by workers"
    print(json.dumps([str(e) for e in failed.errors]))
"""


def run(script: str, *args: str):
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_workers_read_what_one_process_reads_in_the_same_order():
    found = run(SAME_ORDER)
    assert found["jobs"] > 3 * 3                                  # more slices than the workers' queue
    assert found["pooled"] == 1 and found["order"] == found["keys"]
    assert found["same"]


def test_a_broken_file_read_by_a_worker_is_one_message_naming_it(site_copy, tmp_path):
    output = tmp_path / "output"
    assert run(BROKEN, str(site_copy), str(output)) == []
    before = sorted(p.relative_to(output).as_posix() for p in output.rglob("*"))
    record = site_copy / "content/east/records/jiuzhu.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "    title: 东区最低生活保障办事指南（2026年版）", "    title: [东区最低生活保障办事指南", 1), encoding="utf-8")
    shutil.rmtree(output.parent / ".output.build-state")      # a cold read: every file in the workers
    errors = run(BROKEN, str(site_copy), str(output))
    assert len(errors) == 1 and errors[0].startswith("content/east/records/jiuzhu.yaml:")
    assert "invalid YAML" in errors[0]
    assert sorted(p.relative_to(output).as_posix() for p in output.rglob("*")) == before
