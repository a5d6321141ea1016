#!/usr/bin/env bash
# Set up a local environment in .venv/.
#   bash scripts/setup.sh          the build's dependencies
#   bash scripts/setup.sh --test   plus the test dependencies, Debian's chromium for browser tests, its
#                                  Noto CJK fonts for screenshots and
#                                  Debian's nginx (with brotli_static) for the deployment tests
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

# apt_install WHY PACKAGE...: Debian packages the tests need, with a line saying why
apt_install() {
  local why="$1"; shift
  echo "setup: installing Debian $* for $why" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install --quiet -e '.[test]'
  if [ ! -x /usr/bin/chromium ]; then
    apt_install "the browser tests" chromium
  fi
  # Debian's Noto CJK fonts: without them a fresh machine's Chromium draws Chinese as boxes in the
  # screenshots reviewers take (the browser tests read text, not pixels, and pass either way).
  if ! fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null; then   # not -q: under pipefail, fc-list would die of SIGPIPE
    apt_install "screenshots" fonts-noto-cjk
  fi
  # Debian's nginx and its brotli_static module for tests/test_nginx.py, which runs nginx itself
  # on a free port of 127.0.0.1. A fresh install's system service is stopped and disabled again:
  # the tests need the program, not a web server on port 80.
  if [ ! -x /usr/sbin/nginx ] || [ ! -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ]; then
    PACKAGES="libnginx-mod-http-brotli-static"
    FRESH=""
    if [ ! -x /usr/sbin/nginx ]; then PACKAGES="nginx $PACKAGES"; FRESH=1; fi
    apt_install "the nginx tests" $PACKAGES
    if [ -n "$FRESH" ] && command -v systemctl >/dev/null && systemctl is-enabled nginx >/dev/null 2>&1; then
      $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true
    fi
  fi
  # axe-core for the accessibility tests, from the npm registry into .tools/ (never a CDN).
  if [ ! -f .tools/node_modules/axe-core/axe.min.js ]; then
    if ! command -v npm >/dev/null; then
      apt_install "axe-core" npm
    fi
    mkdir -p .tools
    npm install --silent --no-audit --no-fund --prefix .tools axe-core@4 >/dev/null
  fi
else
  .venv/bin/python -m pip install --quiet -e .
fi
