#!/usr/bin/env bash
# Makes sure `redis-server` is on PATH, for the Redis limiter's tests and benchmark
# (limiter-redis/). Idempotent: does nothing when the binary is already there; otherwise
# installs Debian's `redis-server` package when run as root, and fails with a clear
# message when not. The tests run this script themselves when the binary is missing.
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "redis-server is not installed and this is not root: install Debian's" \
        "'redis-server' package (apt-get install redis-server) and run again" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Wait for another apt run (another job on the machine) rather than fail at once.
apt_wait=(-o DPkg::Lock::Timeout=300)
apt-get "${apt_wait[@]}" update -qq
apt-get "${apt_wait[@]}" install -y -qq --no-install-recommends redis-server >/dev/null

if ! command -v redis-server >/dev/null 2>&1; then
    echo "apt-get installed redis-server but it is not on PATH" >&2
    exit 1
fi
# The package starts a system-wide server on port 6379; the tests start their own on free
# ports and do not need it.
echo "redis-server installed: $(redis-server --version)"
