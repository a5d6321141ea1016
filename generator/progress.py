"""Progress of a long stage: a bar with counts, rate and ETA on a terminal, plain lines elsewhere."""
from __future__ import annotations

import sys
import time
from typing import TextIO

PLAIN_EVERY = 10.0       # seconds between lines when the output is a log, not a terminal
BAR_WIDTH = 24


class Progress:
    def __init__(self, label: str, total: int, stream: TextIO | None = None, enabled: bool = True):
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = enabled and total > 0
        self.tty = self.enabled and self.stream.isatty()
        self.done = 0
        self.started = time.perf_counter()
        self.shown = self.started

    def advance(self, count: int) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.perf_counter()
        if self.tty and now - self.shown >= 0.1:
            self.stream.write("\r" + self.line(now))
            self.stream.flush()
            self.shown = now
        elif not self.tty and now - self.shown >= PLAIN_EVERY and self.done < self.total:
            self.stream.write(self.line(now) + "\n")
            self.shown = now

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\r" + self.line(time.perf_counter()) + "\n")
            self.stream.flush()

    def line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-6)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0
        filled = int(BAR_WIDTH * self.done / self.total)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        return (f"{self.label} [{bar}] {self.done}/{self.total} {rate:.0f}/s "
                f"ETA {left:.0f} s")
