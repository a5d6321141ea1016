"""Where a build's time goes (`build.py --profile`): wall and CPU seconds per stage, and CPU
seconds per kind of work summed over every process that did it.

Stages are the build's own (Session.stage: read, plan, render, assets, index or search, publish,
save). For each: wall seconds, CPU seconds of the building process (all its threads), and CPU
seconds of its child processes (render workers, Pagefind indexers), read from /proc while they
live and from the kernel's count of reaped children once they are gone.

Kinds of work (parse, validate, privacy, render, qr, write, search documents) are counted where
the work is done, with `spent`, in whichever process does it; render workers send theirs back
with their pages (render_pool). A kind's seconds fall inside its stage's: they say what the stage
spent its CPU on.
"""
from __future__ import annotations

import os
import time
from collections import defaultdict
from contextlib import contextmanager, nullcontext
from pathlib import Path

_spent: dict[str, float] = defaultdict(float)       # this process: kind -> CPU seconds
# A forked worker starts from nothing: it sends back its own counts, not the parent's until the fork
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_spent.clear)
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


_open: list[list[float]] = []                       # the blocks being counted: [start, CPU of inner blocks]


_counting = False                                   # only a profiled build counts (forked workers inherit it)
_NOT_COUNTED = nullcontext()


def counting(on: bool) -> None:
    global _counting
    _counting = on


def spent(kind: str):
    """Count the CPU time of the block as `kind` when counting (a few microseconds each time);
    a block inside another counts for its own kind only (QR codes made while a page renders are
    qr, not render)."""
    return _counted(kind) if _counting else _NOT_COUNTED


@contextmanager
def _counted(kind: str):
    block = [time.process_time(), 0.0]
    _open.append(block)
    try:
        yield
    finally:
        _open.pop()
        elapsed = time.process_time() - block[0]
        _spent[kind] += elapsed - block[1]
        if _open:
            _open[-1][1] += elapsed


def take_spent() -> dict[str, float]:
    """This process's counts since the last call, and zero them."""
    taken = dict(_spent)
    _spent.clear()
    return taken


def add_spent(counts: dict[str, float]) -> None:
    """Counts another process sent (a render worker's)."""
    for kind, seconds in counts.items():
        _spent[kind] += seconds


def children_cpu() -> float:
    """CPU seconds of this process's descendants: those alive (from /proc) and those reaped."""
    reaped = os.times()
    return reaped.children_user + reaped.children_system + live_descendants_cpu(os.getpid())


def live_descendants_cpu(root: int) -> float:
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue                                 # gone meanwhile
        fields = stat[stat.rindex(")") + 2:].split()  # after the command name, which may hold spaces
        parents[int(entry.name)] = int(fields[1])
        ticks[int(entry.name)] = int(fields[11]) + int(fields[12])   # utime, stime
    total, wanted = 0, {root}
    changed = True
    while changed:                                   # the descendants: children of wanted, again
        changed = False
        for pid, parent in parents.items():
            if parent in wanted and pid not in wanted:
                wanted.add(pid)
                total += ticks[pid]
                changed = True
    return total / TICKS


class StageClock:
    """Wall and CPU seconds of each stage, the time it ends being when the next begins."""

    def __init__(self):
        self.rows: dict[str, list[float]] = {}       # stage -> [wall, own CPU, children's CPU]
        self.current: str | None = None
        self.marks = (0.0, 0.0, 0.0)
        take_spent()                                 # counts of an earlier build are not this one's
        counting(True)

    def enter(self, stage: str) -> None:
        now = (time.perf_counter(), time.process_time(), children_cpu())
        if self.current is not None:
            row = self.rows.setdefault(self.current, [0.0, 0.0, 0.0])
            for n in range(3):
                row[n] += now[n] - self.marks[n]
        self.current, self.marks = stage, now

    def finish(self) -> None:
        self.enter("done")
        self.rows.pop("done", None)
        counting(False)

    def table(self) -> list[str]:
        """The figures as lines: one per stage, a total, then one per kind of work."""
        lines = [f"{'stage':<10} {'wall s':>8} {'CPU s':>8} {'children CPU s':>15}"]
        total = [0.0, 0.0, 0.0]
        for stage, row in self.rows.items():
            lines.append(f"{stage:<10} {row[0]:>8.1f} {row[1]:>8.1f} {row[2]:>15.1f}")
            total = [a + b for a, b in zip(total, row)]
        lines.append(f"{'total':<10} {total[0]:>8.1f} {total[1]:>8.1f} {total[2]:>15.1f}")
        lines.append(f"{'work':<18} {'CPU s, all processes':>20}")
        for kind, seconds in sorted(take_spent().items(), key=lambda kv: -kv[1]):
            lines.append(f"{kind:<18} {seconds:>20.1f}")
        return lines
