#!/usr/bin/env bash
# The web dashboard in a real browser (issue 15): starts a server on a temporary SQLite database, seeds it through the
# API and drives headless Chromium over it with Selenium (Tests/Browser/dashboard_test.py, which runs the check modules
# beside it), saving a screenshot of each page. Needs Debian's `chromium` and `chromium-driver` (apt-get install
# chromium chromium-driver) and PyPI (selenium is installed into a throwaway virtualenv).
# Usage: PATCHTRACK_BIN=path scripts/browser-test.sh [SCREENSHOT_DIR]   (default .ci/artifacts/screenshots)
# Environment: PATCHTRACK_BIN (default a debug build), CHROMIUM, CHROMEDRIVER (default /usr/bin/chromium and
# /usr/bin/chromedriver), BROWSER_TEST_VENV (a virtualenv with selenium to reuse instead of a new one).
set -euo pipefail
cd "$(dirname "$0")/.."
shots=${1:-.ci/artifacts/screenshots}
bin=${PATCHTRACK_BIN:-.build/debug/patchtrack}
chromium=${CHROMIUM:-$(command -v chromium || echo /usr/bin/chromium)}
chromedriver=${CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}
for tool in "$chromium" "$chromedriver"; do
    if [ ! -x "$tool" ]; then
        echo "browser-test: $tool not found; install Debian's browser and driver: apt-get install -y chromium chromium-driver" >&2
        exit 2
    fi
done
if [ ! -x "$bin" ]; then
    echo "browser-test: no patchtrack binary at $bin (set PATCHTRACK_BIN or run swift build --product patchtrack)" >&2
    exit 2
fi
mkdir -p "$shots"
shots=$(cd "$shots" && pwd)

work=$(mktemp -d)
pid=""
cleanup() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

venv=${BROWSER_TEST_VENV:-}
if [ -z "$venv" ]; then
    venv="$work/venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check selenium
fi
"$venv/bin/python" -c 'import selenium' || { echo "browser-test: selenium is not importable in $venv" >&2; exit 2; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$bin" serve --port "$port" --database "$work/ui.sqlite" --log-level warning >"$work/out" 2>"$work/err" &
pid=$!
deadline=$((SECONDS + 60))
until curl -fsS "$base/readyz" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "browser-test: the server exited; its output:" >&2
        cat "$work/out" "$work/err" >&2
        exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
        echo "browser-test: the server did not become ready in 60 s" >&2
        exit 1
    fi
    sleep 0.1
done
token=$(grep -o 'pt_[A-Za-z0-9]*_[A-Za-z0-9]*' "$work/out" | head -n 1)
if [ -z "$token" ]; then
    echo "browser-test: the server printed no initial admin token" >&2
    exit 1
fi

status=0
BASE_URL=$base ADMIN_TOKEN=$token SCREENSHOT_DIR=$shots CHROMIUM=$chromium CHROMEDRIVER=$chromedriver \
    SE_AVOID_STATS=true PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" Tests/Browser/dashboard_test.py || status=$?
if [ "$status" -ne 0 ] && [ -s "$work/err" ]; then
    echo "--- server stderr (last 40 lines)" >&2
    tail -n 40 "$work/err" >&2
fi
exit "$status"
