#!/usr/bin/env bash
# Builds the sim's reference apps (src/sim/apps/<app>/: manifest, res, smali, assets/appwarden-sim.yaml)
# into src/sim/apps/build/ (or $REFERENCE_APPS_OUT). They are the demo suite's targets and the
# integration-test corpus; the APKs are committed so the demo runs where these tools are not installed.
# Usage: scripts/build-reference-apps.sh [app…]   (default: every app folder)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
exec "$root/scripts/build-apks.sh" 'reference apps' "$root/src/sim/apps" "${REFERENCE_APPS_OUT:-$root/src/sim/apps/build}" "$@"
