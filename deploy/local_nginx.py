"""Debian's nginx serving a built site with deploy/nginx/jczwgk.conf as it is (only `listen` and
`root` replaced), on a free port of 127.0.0.1, everything it writes in a prefix folder of its own.
For the deployment tests (tests/test_nginx.py) and the page-quality benchmark (bench/lighthouse.py),
so both measure the site as it is deployed: precompressed copies, cache and security headers."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Iterator

CONF = Path(__file__).resolve().parent / "nginx" / "jczwgk.conf"
NGINX = Path("/usr/sbin/nginx")
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
MIME_TYPES = Path("/etc/nginx/mime.types")
MISSING = ("nginx or its brotli_static module is not installed: run `bash scripts/setup.sh --test` "
           "(it installs Debian's nginx and libnginx-mod-http-brotli-static)")


class NginxError(Exception):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_conf(www: Path, port: int) -> str:
    """deploy/nginx/jczwgk.conf with this machine's folder and port; nothing else changed."""
    text = CONF.read_text(encoding="utf-8")
    assert text.count("    listen 80;\n") == 1 and text.count("    root /var/www;") == 1
    return text.replace("    listen 80;\n", f"    listen 127.0.0.1:{port};\n").replace(
        "    root /var/www;", f"    root {www};")


def main_conf(prefix: Path, site: Path) -> str:
    """nginx.conf for a private nginx: everything it writes in `prefix`, the site's file included."""
    user = "user root;\n" if os.geteuid() == 0 else ""        # its workers read the caller's folders
    temps = "".join(f"    {kind}_temp_path {prefix}/{kind};\n"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"load_module {BROTLI_MODULE};\n{user}daemon off;\nworker_processes 1;\n"
            f"pid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\n"
            f"events {{ worker_connections 128; }}\n"
            f"http {{\n    include {MIME_TYPES};\n    default_type application/octet-stream;\n"
            f"    access_log {prefix}/access.log;\n{temps}    include {site};\n}}\n")


def listening(port: int, process: subprocess.Popen) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


@contextlib.contextmanager
def serving(www: Path, prefix: Path) -> Iterator[str]:
    """The base address (http://127.0.0.1:PORT) of nginx serving the folder `www`, which holds the
    site under its base path (www/jczwgk/ for /jczwgk/)."""
    if not NGINX.exists() or not BROTLI_MODULE.exists():
        raise NginxError(MISSING)
    site, main = prefix / "jczwgk.conf", prefix / "nginx.conf"
    for _attempt in range(3):
        port = free_port()
        site.write_text(site_conf(www, port), encoding="utf-8")
        main.write_text(main_conf(prefix, site), encoding="utf-8")
        check = subprocess.run([str(NGINX), "-t", "-q", "-p", str(prefix), "-c", str(main)],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise NginxError(check.stderr)
        process = subprocess.Popen([str(NGINX), "-p", str(prefix), "-c", str(main)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if listening(port, process):
            break
        process.wait(timeout=10)                               # the port was taken meanwhile: another
    else:
        raise NginxError("nginx did not start: " + (prefix / "error.log").read_text(errors="replace")[-2000:])
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()                                    # nginx's fast shutdown
        process.wait(timeout=10)
