"""`python build.py check`: argument parsing and exit code of the audit."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..paths import ProjectPaths
from .findings import ERROR, VETO
from .report import json_report, text_report, write_html_report
from .runner import DEFAULT_PERIOD_DAYS, CheckOptions, run_check

EXIT_OK, EXIT_PROBLEMS = 0, 1


DESCRIPTION = "发布前检查：链接、栏目更新与空白栏目（单项否决）、页面必备要素、无障碍、个人信息。"


def add_check_options(p: argparse.ArgumentParser) -> None:
    """The audit's own options (--root, --output, --themes: options.py, given by cli.py)."""
    p.add_argument("--format", choices=("text", "json"), default="text", help="what is printed (default: text)")
    p.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(),
                   help="the date the audit is made on, YYYY-MM-DD (default: today)")
    p.add_argument("--default-period", type=int, default=DEFAULT_PERIOD_DAYS,
                   help="days allowed between records of an item whose 公开时限 states no period "
                        f"(default: {DEFAULT_PERIOD_DAYS})")
    p.add_argument("--report", type=Path, help="where the HTML report goes (default: <root>/reports/check.html)")


def check_command(args: argparse.Namespace) -> int:
    paths = ProjectPaths.at(args.root, args.output, args.themes)
    report = (args.report or paths.root / "reports" / "check.html").resolve()
    log = (lambda msg: print(msg, file=sys.stderr)) if args.format == "json" else print
    findings = run_check(paths, CheckOptions(args.today, args.default_period), log=log)
    write_html_report(report, findings, args.today)
    if args.format == "json":
        print(json_report(findings, args.today))
    else:
        print(text_report(findings, report))
    return EXIT_PROBLEMS if any(f.severity in (VETO, ERROR) for f in findings) else EXIT_OK
