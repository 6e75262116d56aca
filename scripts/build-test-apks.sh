#!/usr/bin/env bash
# Builds the sim's fixture APKs from test/fixtures/apks/<app>/ (manifest, res, smali, assets) with
# Debian's aapt + smali + zipalign + apksigner + keytool, into the gitignored test/fixtures/apks/build/.
# Idempotent: an APK is rebuilt only when a file of its app folder is newer than it.
# Usage: scripts/build-test-apks.sh [app…]   (default: every app folder)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/test/fixtures/apks"
out="$src/build"
fw="${FRAMEWORK_RES:-/usr/share/android-framework-res/framework-res.apk}"

for tool in aapt smali zipalign apksigner keytool; do
  command -v "$tool" >/dev/null || { echo "Failed to build test APKs: '$tool' is not installed. apt-get install aapt smali zipalign apksigner default-jdk-headless" >&2; exit 2; }
done
[ -f "$fw" ] || { echo "Failed to build test APKs: $fw is missing. apt-get install android-framework-res" >&2; exit 2; }

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
    [ "$name" = build ] || apps+=("$name")
  done
fi

for app in "${apps[@]}"; do
  dir="$src/$app"
  apk="$out/$app.apk"
  if [ -f "$apk" ] && [ -z "$(find "$dir" -newer "$apk" -print -quit)" ]; then
    continue
  fi
  work="$(mktemp -d "$out/.work-$app.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  assets=()
  if [ -d "$dir/assets" ]; then assets=(-A "$dir/assets"); fi
  if [ "$app" = big ]; then
    # ~1 MB of incompressible bytes, the same on every build, so the install benchmark moves a real 1 MB APK.
    mkdir -p "$work/assets"
    node -e 'const c=require("crypto");const k=Buffer.alloc(32,7),iv=Buffer.alloc(16,1);process.stdout.write(c.createCipheriv("aes-256-ctr",k,iv).update(Buffer.alloc(1024*1024)))' > "$work/assets/blob.bin"
    assets=(-A "$work/assets")
  fi
  aapt package -f -M "$dir/AndroidManifest.xml" -S "$dir/res" "${assets[@]}" -I "$fw" -F "$work/unsigned.apk"
  smali assemble --api 21 -o "$work/classes.dex" "$dir/smali"
  (cd "$work" && aapt add unsigned.apk classes.dex >/dev/null)
  zipalign -f -p 4 "$work/unsigned.apk" "$work/aligned.apk"
  apksigner sign --ks "$ks" --ks-pass pass:android --ks-key-alias androiddebugkey --out "$work/signed.apk" "$work/aligned.apk"
  mv "$work/signed.apk" "$apk"
  rm -rf "$work"
  trap - EXIT
  echo "built $apk"
done
