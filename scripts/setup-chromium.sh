#!/usr/bin/env bash
# Installs Debian's Chromium for the console's end-to-end tests (playwright-core drives
# /usr/bin/chromium; Playwright's own browser download cannot work on these machines).
# Idempotent: does nothing when Chromium is already there. Needs root (CI and sessions are root).
set -euo pipefail

CHROMIUM="${CXFOLD_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-chromium: $CHROMIUM is missing and this is not root; run: sudo apt-get install -y chromium" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "setup-chromium: $CHROMIUM is missing and there is no apt-get; install Chromium and set CXFOLD_CHROMIUM" >&2
  exit 1
fi
echo "setup-chromium: installing Debian's chromium (once per machine)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
"$CHROMIUM" --version >&2
