#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium for the report tests (tests/pester/Report.Tests.ps1), which render
# Export-ScyllaReport's HTML and check the screenshot and the page's text. Idempotent: nothing to do when chromium is
# on PATH. CI runs as root with no stdin; elsewhere, without root, it says what to run and leaves the tests to skip.
set -eu
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is not installed; as root: apt-get install -y chromium (the report rendering tests are skipped)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends chromium </dev/null >/dev/null || {
  apt-get update </dev/null >/dev/null
  apt-get install -y --no-install-recommends chromium </dev/null >/dev/null
}
command -v chromium >/dev/null
