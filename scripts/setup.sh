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

if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install --quiet -e '.[test]'
  if [ ! -x /usr/bin/chromium ]; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    echo "setup: installing Debian chromium for the browser tests" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  fi
  # Debian's Noto CJK fonts: without them a fresh machine's Chromium draws Chinese as boxes in the
  # screenshots reviewers take (the browser tests read text, not pixels, and pass either way).
  if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    echo "setup: installing Debian fonts-noto-cjk for screenshots" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-noto-cjk >/dev/null
  fi
  # Debian's nginx and its brotli_static module for tests/test_nginx.py, which runs nginx itself
  # on a free port of 127.0.0.1. A fresh install's system service is stopped and disabled again:
  # the tests need the program, not a web server on port 80.
  if [ ! -x /usr/sbin/nginx ] || [ ! -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ]; then
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    PACKAGES="libnginx-mod-http-brotli-static"
    FRESH=""
    if [ ! -x /usr/sbin/nginx ]; then PACKAGES="nginx $PACKAGES"; FRESH=1; fi
    echo "setup: installing Debian $PACKAGES for the nginx tests" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $PACKAGES >/dev/null
    if [ -n "$FRESH" ] && command -v systemctl >/dev/null && systemctl is-enabled nginx >/dev/null 2>&1; then
      $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true
    fi
  fi
  # axe-core for the accessibility tests, from the npm registry into .tools/ (never a CDN).
  if [ ! -f .tools/node_modules/axe-core/axe.min.js ]; then
    if ! command -v npm >/dev/null; then
      SUDO=""
      if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
      echo "setup: installing Debian npm for axe-core" >&2
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm >/dev/null
    fi
    mkdir -p .tools
    npm install --silent --no-audit --no-fund --prefix .tools axe-core@4 >/dev/null
  fi
else
  .venv/bin/python -m pip install --quiet -e .
fi
