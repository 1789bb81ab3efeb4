#!/usr/bin/env bash
# Headless Chromium and its WebDriver, for the emulator's web page test (tests/web_ui.rs).
# Idempotent: does nothing when both binaries are present. Installs Debian's `chromium` and
# `chromium-driver` packages when run as root; otherwise says what to install and fails.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver

if [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "error: $CHROMIUM and $CHROMEDRIVER are needed by the web UI test;" >&2
    echo "       install them as root: apt-get install -y chromium chromium-driver" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: apt-get not found; install chromium and its chromedriver by hand" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y chromium chromium-driver

if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
    echo "error: installed chromium and chromium-driver, but $CHROMIUM or $CHROMEDRIVER is missing" >&2
    exit 1
fi
