"""Benchmark: generate a corpus shaped like the real one, build it cold, edit one record, rebuild.

    .venv/bin/python bench/run.py --records 100000 [--folder /tmp/jczwgk-bench] [--keep]

Prints records, pages written, cold build seconds and pages per second, peak memory (the sum of
every process of the build: Python, its render workers and the Pagefind indexers, sampled from
/proc), incremental seconds, and output size. Each build runs as `build.py` in a subprocess,
exactly as a webmaster runs it.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import generate  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    folder = args.folder.resolve()
    started = time.perf_counter()
    counts = generate(folder, args.records)
    print(f"corpus: {counts} in {time.perf_counter() - started:.0f} s at {folder}", flush=True)
    output = folder / "output"
    cold = timed_build(folder, output, ["--clean"])
    size = folder_size(output)
    edited = edit_one_record(folder)
    incremental = timed_build(folder, output, [])
    report(args.records, cold, incremental, size, edited)
    if not args.keep:
        shutil.rmtree(folder)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="Build a synthetic corpus cold and incrementally; print the figures.")
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--folder", type=Path, default=Path("/tmp/jczwgk-bench"))
    p.add_argument("--keep", action="store_true", help="keep the corpus and its output afterwards")
    return p


class Build:
    def __init__(self, seconds: float, peak_bytes: int, lines: list[str]):
        self.seconds = seconds
        self.peak_bytes = peak_bytes
        self.lines = lines

    def figure(self, pattern: str) -> str:
        for line in self.lines:
            if match := re.search(pattern, line):
                return match.group(1)
        return "?"


def timed_build(root: Path, output: Path, extra: list[str]) -> Build:
    command = [sys.executable, str(REPO / "build.py"), "--root", str(root), "--themes", str(REPO / "themes"),
               "--output", str(output), *extra]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sampler = PeakMemory(process.pid)
    sampler.start()
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip())
        print("  | " + line.rstrip(), flush=True)
    process.wait()
    seconds = time.perf_counter() - started
    sampler.stop()
    if process.returncode != 0:
        raise SystemExit(f"build failed with exit code {process.returncode}")
    return Build(seconds, sampler.peak, lines)


class PeakMemory(threading.Thread):
    """The largest sum of resident memory over a process and all its descendants, sampled."""

    def __init__(self, pid: int, every: float = 0.05):
        super().__init__(daemon=True)
        self.pid = pid
        self.every = every
        self.peak = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._halt.wait(self.every)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def tree_rss(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * PAGE_SIZE
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total += rss.get(pid, 0)
        pending.extend(children.get(pid, []))
    return total


def edit_one_record(root: Path) -> Path:
    record = min((root / "content").glob("*/records/*/*.md"))
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("\ntitle: ", "\ntitle: （已更新）", 1), encoding="utf-8")
    return record


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def report(records: int, cold: Build, incremental: Build, size: int, edited: Path) -> None:
    pages = int(cold.figure(r"wrote (\d+) pages"))
    indexing = cold.figure(r"in ([\d.]+) s \(indexer")
    rendered, reindexed = incremental.figure(r"pages: (\d+) rendered"), incremental.figure(r"indexed (\d+) columns")
    print()
    print(f"records:              {records}")
    print(f"pages written:        {pages} (HTML; plus feeds, sitemaps, JSON, search bundles)")
    print(f"cold build:           {cold.seconds:.1f} s, {pages / cold.seconds:.0f} pages/s "
          f"(search indexing {indexing} s of it)")
    print(f"peak memory:          {cold.peak_bytes / 2**30:.2f} GB (all processes of the cold build)")
    print(f"incremental build:    {incremental.seconds:.1f} s after editing {edited.name} "
          f"({rendered} pages rendered, search index of {reindexed} column refreshed), "
          f"peak {incremental.peak_bytes / 2**30:.2f} GB")
    print(f"output size:          {size / 2**20:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
