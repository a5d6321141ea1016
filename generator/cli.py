"""Argument parsing and exit codes only."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import BuildError
from .paths import ProjectPaths
from .pipeline import build

EXIT_OK, EXIT_CONTENT_ERROR = 0, 1
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description="构建基层政务公开专栏静态网站 (1+9)。")
    p.add_argument("--root", type=Path, default=PROJECT_ROOT,
                   help="project folder holding site.yaml, content/, districts/, themes/ (default: this repository)")
    p.add_argument("--output", type=Path, help="where the site goes (default: <root>/output)")
    p.add_argument("--themes", type=Path, help="themes folder (default: <root>/themes)")
    p.add_argument("--quiet", action="store_true", help="print errors only")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    paths = ProjectPaths.at(args.root, args.output, args.themes)
    log = (lambda _msg: None) if args.quiet else print
    try:
        build(paths, log=log)
    except BuildError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_CONTENT_ERROR
    return EXIT_OK
