#!/usr/bin/env bash
# Builds real signed APKs from app folders (AndroidManifest.xml, res/, smali/ (absent for a config split), optional assets/ and an
# optional make-assets.cjs that writes generated assets into the folder it is given) with Debian's
# aapt + smali + zipalign + apksigner + keytool. Shared by build-test-apks.sh and build-reference-apps.sh.
# Idempotent: an APK is rebuilt only when a file of its app folder is newer than it.
# Usage: scripts/build-apks.sh LABEL SRC_DIR OUT_DIR [app…]   (default: every folder with a manifest)
set -euo pipefail

label="$1"
src="$2"
out="$3"
shift 3
fw="${FRAMEWORK_RES:-/usr/share/android-framework-res/framework-res.apk}"

for tool in aapt smali zipalign apksigner keytool; do
  command -v "$tool" >/dev/null || { echo "Failed to build $label: '$tool' is not installed. apt-get install aapt smali zipalign apksigner default-jdk-headless" >&2; exit 2; }
done
[ -f "$fw" ] || { echo "Failed to build $label: $fw is missing. apt-get install android-framework-res" >&2; exit 2; }

mkdir -p "$out"
ks="$out/debug.keystore"
if [ ! -f "$ks" ]; then
  keytool -genkeypair -keystore "$ks" -storepass android -keypass android -alias androiddebugkey \
    -keyalg RSA -keysize 2048 -validity 10000 -dname "CN=Android Debug,O=Android,C=US" >/dev/null 2>&1
fi

apps=("$@")
if [ ${#apps[@]} -eq 0 ]; then
  for d in "$src"/*/; do
    [ -f "$d/AndroidManifest.xml" ] && apps+=("$(basename "$d")")
  done
fi

for app in "${apps[@]}"; do
  dir="$src/$app"
  apk="$out/$app.apk"
  [ -f "$dir/AndroidManifest.xml" ] || { echo "Failed to build $label '$app': $dir/AndroidManifest.xml is missing." >&2; exit 2; }
  if [ -f "$apk" ] && [ -z "$(find "$dir" -newer "$apk" -print -quit)" ]; then
    continue
  fi
  work="$(mktemp -d "$out/.work-$app.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  assets=()
  if [ -f "$dir/make-assets.cjs" ]; then
    mkdir -p "$work/assets"
    [ -d "$dir/assets" ] && cp -R "$dir/assets/." "$work/assets/"
    node "$dir/make-assets.cjs" "$work/assets"
    assets=(-A "$work/assets")
  elif [ -d "$dir/assets" ]; then
    assets=(-A "$dir/assets")
  fi
  aapt package -f -M "$dir/AndroidManifest.xml" -S "$dir/res" "${assets[@]}" -I "$fw" -F "$work/unsigned.apk"
  # A config split carries resources only (android:hasCode="false", no smali folder).
  if [ -d "$dir/smali" ]; then
    smali assemble --api 21 -o "$work/classes.dex" "$dir/smali"
    (cd "$work" && aapt add unsigned.apk classes.dex >/dev/null)
  fi
  zipalign -f -p 4 "$work/unsigned.apk" "$work/aligned.apk"
  apksigner sign --ks "$ks" --ks-pass pass:android --ks-key-alias androiddebugkey --out "$work/signed.apk" "$work/aligned.apk"
  mv "$work/signed.apk" "$apk"
  rm -rf "$work"
  trap - EXIT
  echo "built $apk"
done
