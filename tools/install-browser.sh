#!/bin/sh
# Install headless Chromium for the report's browser test (tests/test_report_browser.py).
#
# Debian's `chromium` package is used; Playwright's own browser download is
# never needed (the test launches /usr/bin/chromium). A quick no-op when the
# browser is already there. Without root or apt-get, prints what to run.
set -eu

CHROMIUM="${ALIGN_CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
    echo "install-browser: $CHROMIUM is present"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: apt-get not found; install Chromium with your package manager" \
        "(the browser test is skipped without it)" >&2
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-browser: not root; run: sudo apt-get update && sudo apt-get install -y chromium" \
        "(the browser test is skipped without it)" >&2
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
echo "install-browser: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
