"""The build as the command line runs it: open the output's build state, build once, save.

The stages themselves are in session.py (sources → facets → plan → render → assets → search →
publish → commit); the preview keeps a session open instead (preview/builder.py).
"""
from __future__ import annotations

from typing import Callable

from .errors import BuildError
from .paths import ProjectPaths
from .session import BuildOptions, BuildResult, Session


def build(paths: ProjectPaths, log: Callable[[str], None] = print,
          options: BuildOptions = BuildOptions()) -> BuildResult:
    return Session(paths, log).build(options)


__all__ = ["build", "BuildError", "BuildOptions", "BuildResult"]
