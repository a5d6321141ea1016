"""Slices of work run by forked processes and by this one, their results taken in order.

Workers are forked so that they share what the parent holds instead of receiving it pickled.
Forking is only done from a process with no other thread (a fork copies one thread and whatever
locks the others held): the command line, and the preview's builder process, which runs no server.
"""
from __future__ import annotations

import multiprocessing
import threading
from typing import Callable, Iterator

QUEUED = 4           # slices waiting per forked worker


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def in_order(slices: list[tuple[int, int]], workers: int, work: Callable) -> Iterator:
    """work(start, end) of each slice, yielded in slice order, run by `workers - 1` forked processes
    and this one. This process works too because a forked worker's memory grows into a copy of every
    parent object it touches (reference counts are writes): one worker fewer is one copy fewer.
    Several slices wait per worker: this process's own slice can take as long as several of a
    worker's (it also takes in their results), and a worker with an empty queue idles. Stopping
    the iteration early stops the workers."""
    parts: dict[int, object] = {}
    pending: dict = {}
    taken = added = 0
    with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
        while added < len(slices):
            while taken < len(slices) and len(pending) < QUEUED * (workers - 1):
                pending[taken] = pool.apply_async(work, slices[taken])
                taken += 1
            for index in [i for i, waiting in pending.items() if waiting.ready()]:
                parts[index] = pending.pop(index).get()
            if taken < len(slices):
                parts[taken] = work(*slices[taken])
                taken += 1
            elif pending:
                index = min(pending)
                parts[index] = pending.pop(index).get()
            while added in parts:
                yield parts.pop(added)
                added += 1
