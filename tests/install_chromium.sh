#!/usr/bin/env bash
# Make sure a Chromium exists for tests/test_browser.py (run by `make test`).
#
# Uses $CHROMIUM or a chromium / chrome already on PATH; otherwise installs
# Debian's `chromium` package with apt-get (as root, or through sudo when
# that needs no password). Under CI a missing browser is an error; on a
# reader's machine it is a warning, and the browser tests then skip with
# the same instructions.
set -euo pipefail

found() {
  if [ -n "${CHROMIUM:-}" ] && [ -x "${CHROMIUM}" ]; then return 0; fi
  command -v chromium || command -v chromium-browser \
    || command -v google-chrome || command -v google-chrome-stable
}

if found >/dev/null; then
  exit 0
fi

if command -v apt-get >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
  echo "install_chromium: installing Debian's chromium for the browser tests"
  if $SUDO apt-get update -q && \
     DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium; then
    found >/dev/null && exit 0
  fi
fi

message="install_chromium: no Chromium could be installed, so the browser
tests (tests/test_browser.py) cannot run. Install Chromium or Chrome, or set
CHROMIUM=/path/to/the/browser."
if [ -n "${CI:-}" ]; then
  echo "ERROR: $message" >&2
  exit 1
fi
echo "WARNING: $message They will be skipped." >&2
