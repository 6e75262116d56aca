#!/usr/bin/env bash
# Builds the sim's fixture APKs from test/fixtures/apks/<app>/ into the gitignored test/fixtures/apks/build/.
# Usage: scripts/build-test-apks.sh [app…]   (default: every app folder)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
exec "$root/scripts/build-apks.sh" 'test APKs' "$root/test/fixtures/apks" "$root/test/fixtures/apks/build" "$@"
