"""The command-line options several commands share, each declared once: parent parsers for
argparse's `parents=[...]` (the top-level parser in cli.py, and `serve_parser` on its own)."""
from __future__ import annotations

import argparse
from pathlib import Path

OUTPUT_HELP = "where the site goes (default: <root>/output)"


def root_option(default: Path, where: str = "this repository") -> argparse.ArgumentParser:
    """--root: the project (site) folder."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--root", type=Path, default=default,
                   help=f"project folder holding site.yaml, content/, districts/ (default: {where})")
    return p


def site_options(output_help: str = OUTPUT_HELP) -> argparse.ArgumentParser:
    """--output and --themes, for the commands that build or read a built site."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--output", type=Path, help=output_help)
    p.add_argument("--themes", type=Path,
                   help="themes folder (default: <root>/themes, or the themes shipped with the generator "
                        "when the project has none)")
    return p


def debug_option(top_level: bool = False) -> argparse.ArgumentParser:
    """--debug, before the command or after it. A sub-command's parser would set its own default
    over the value the top-level parser read, so only the top level has one."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--debug", action="store_true", default=False if top_level else argparse.SUPPRESS,
                   help="after a failure, also print the traceback (for bug reports)")
    return p
