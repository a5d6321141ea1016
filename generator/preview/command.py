"""`python build.py serve`: the arguments, the warnings, and a clean stop on Ctrl+C."""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from ..options import root_option, site_options
from ..paths import ProjectPaths
from .server import DEFAULT_HOST, DEFAULT_PORT, PreviewServer, open_preview
from .state import builder

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
EXIT_OK, EXIT_CANNOT_SERVE = 0, 1


DESCRIPTION = "本地预览：构建网站并在本机提供浏览，保存内容后自动重新构建并刷新浏览器。"


def add_serve_options(p: argparse.ArgumentParser) -> None:
    """The preview's own options (--root, --output, --themes: options.py)."""
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"interface to listen on (default: {DEFAULT_HOST}, this machine only)")


def serve_parser(root: Path) -> argparse.ArgumentParser:
    """`build.py serve` on its own (the command line's is cli.parser's `serve`)."""
    p = argparse.ArgumentParser(prog="build.py serve", description=DESCRIPTION,
                                parents=[root_option(root), site_options()])
    add_serve_options(p)
    return p


def serve_command(argv: list[str], root: Path) -> int:
    return serve(serve_parser(root).parse_args(argv))


def serve(args: argparse.Namespace) -> int:
    paths = ProjectPaths.at(args.root, args.output, args.themes)
    if args.host not in LOOPBACK_HOSTS:
        print(f"警告：预览将在 {args.host} 上监听，同一网络中的其他设备也能访问这些尚未发布的内容。"
              f"只在本机预览时请去掉 --host（默认 {DEFAULT_HOST}）。", file=sys.stderr, flush=True)
    try:
        server = open_preview(paths, builder(paths), args.host, args.port)
    except OSError as exc:
        print(f"无法在 {args.host}:{args.port} 上启动预览：{exc.strerror or exc}。"
              "端口已被占用时请用 --port 换一个。", file=sys.stderr, flush=True)
        return EXIT_CANNOT_SERVE
    stop_on_signals()
    print(f"预览地址: {server.url}", flush=True)
    print("正在首次构建……（按 Ctrl+C 停止预览）", flush=True)
    server.start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    stop_cleanly(server)
    return EXIT_OK


def stop_on_signals() -> None:
    """Ctrl+C and `kill` both stop the preview cleanly. A shell starts a background job with
    SIGINT ignored, and Python then never raises KeyboardInterrupt, so the handler is set here."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def stop_cleanly(server: PreviewServer) -> None:
    """Let a running build finish (a second Ctrl+C does not wait), so output/ is never half made."""
    if server.preview.building:
        print("正在等待当前构建结束……（再按 Ctrl+C 立即退出）", flush=True)
    try:
        server.close(wait_for_build=True)
    except KeyboardInterrupt:
        pass
    print("预览已停止。", flush=True)
