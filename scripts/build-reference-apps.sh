#!/usr/bin/env bash
# Builds the sim's reference apps (src/sim/apps/<app>/: manifest, res, smali, assets/appwarden-sim.yaml)
# into real signed APKs with Debian's aapt + smali + zipalign + apksigner + keytool, in the gitignored
# src/sim/apps/build/. They are the demo suite's targets and the integration-test corpus.
# Idempotent: an APK is rebuilt only when a file of its app folder is newer than it.
# Usage: scripts/build-reference-apps.sh [app…]   (default: every app folder)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/src/sim/apps"
out="${REFERENCE_APPS_OUT:-$src/build}"
fw="${FRAMEWORK_RES:-/usr/share/android-framework-res/framework-res.apk}"

for tool in aapt smali zipalign apksigner keytool; do
  command -v "$tool" >/dev/null || { echo "Failed to build reference apps: '$tool' is not installed. apt-get install aapt smali zipalign apksigner default-jdk-headless" >&2; exit 2; }
done
[ -f "$fw" ] || { echo "Failed to build reference apps: $fw is missing. apt-get install android-framework-res" >&2; exit 2; }

mkdir -p "$out"
ks="$out/debug.keystore"
if [ ! -f "$ks" ]; then
  keytool -genkeypair -keystore "$ks" -storepass android -keypass android -alias androiddebugkey \
    -keyalg RSA -keysize 2048 -validity 10000 -dname "CN=Android Debug,O=Android,C=US" >/dev/null 2>&1
fi

apps=("$@")
if [ ${#apps[@]} -eq 0 ]; then
  for d in "$src"/*/; do
    name="$(basename "$d")"
    [ -f "$d/AndroidManifest.xml" ] && apps+=("$name")
  done
fi

for app in "${apps[@]}"; do
  dir="$src/$app"
  [ -f "$dir/AndroidManifest.xml" ] || { echo "Failed to build reference app '$app': $dir/AndroidManifest.xml is missing." >&2; exit 2; }
  apk="$out/$app.apk"
  if [ -f "$apk" ] && [ -z "$(find "$dir" -newer "$apk" -print -quit)" ]; then
    continue
  fi
  work="$(mktemp -d "$out/.work-$app.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  aapt package -f -M "$dir/AndroidManifest.xml" -S "$dir/res" -A "$dir/assets" -I "$fw" -F "$work/unsigned.apk"
  smali assemble --api 21 -o "$work/classes.dex" "$dir/smali"
  (cd "$work" && aapt add unsigned.apk classes.dex >/dev/null)
  zipalign -f -p 4 "$work/unsigned.apk" "$work/aligned.apk"
  apksigner sign --ks "$ks" --ks-pass pass:android --ks-key-alias androiddebugkey --out "$work/signed.apk" "$work/aligned.apk"
  mv "$work/signed.apk" "$apk"
  rm -rf "$work"
  trap - EXIT
  echo "built $apk"
done
