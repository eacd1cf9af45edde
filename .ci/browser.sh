#!/usr/bin/env bash
# Install Debian's headless-capable Chromium for the Playwright UI tests. Idempotent.
# Playwright drives it with executable_path="/usr/bin/chromium"; we never run
# `playwright install` (no browser downloads).
set -euo pipefail
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! [ -x /usr/bin/chromium ]; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
fi
/usr/bin/chromium --version
