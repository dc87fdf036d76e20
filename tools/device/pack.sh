#!/usr/bin/env bash
# Builds the archives tools/device/gpu-check.sh unpacks on a bare linux-x64 GPU machine that has
# no Node, no npm registry and no network, small enough to travel with the working tree (a device
# call carries at most 64 MiB in all, tree included):
#
#   npm run build                  # the check runs the built dist/
#   bash tools/device/pack.sh [--no-ort] [--with-wasm] [--report]
#
# .device-pack/crowd-gpu-check.tar.xz, folder crowd-gpu/:
#   bin/node          this machine's Node (`node -p process.execPath`), symbols stripped
#   node_modules/     @crowd/csrnet, tfjs with its webgpu backend, webgpu (Dawn), trimmed to
#                     linux-x64 (tools/device/pack-modules.mjs)
#   lib/              the Vulkan loader (Debian 12's libvulkan1) and the GLVND and X11 client
#                     libraries NVIDIA's Vulkan driver links, from `apt-get download` + `dpkg -x`;
#                     gpu-check.sh uses only those the machine lacks
#   PACK_INFO.txt     what was packed, from which commit
# .device-pack/onnxruntime-node.tar.xz: onnxruntime-node's linux-x64 part, into the same folder
#   (a call that carries only the first archive runs every check but onnxruntime's).
# The scripts and fixtures are not packed: they travel in the working tree, and gpu-check.sh
# takes them from there, so they are never stale.
#
# xz with the x86 branch filter, preset 9e (a few minutes). Prints each archive's size, the
# working tree's and the sums against the 64 MiB; exits 1 when even the first archive does not
# fit. --no-ort skips the second archive; --with-wasm adds tfjs's wasm backend (the check does
# not use it); --report only prints the sizes of the archives already built.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out="$root/.device-pack"
main="$out/crowd-gpu-check.tar.xz"
ort="$out/onnxruntime-node.tar.xz"
limit=$((64 * 1024 * 1024))
with_ort=1
roots=(@crowd/csrnet @tensorflow/tfjs @tensorflow/tfjs-backend-webgpu webgpu)
report_only=0
for arg in "$@"; do
  case "$arg" in
    --no-ort) with_ort=0 ;;
    --with-wasm) roots+=(@tensorflow/tfjs-backend-wasm) ;;
    --report) report_only=1 ;;
    *) echo "usage: bash tools/device/pack.sh [--no-ort] [--with-wasm] [--report]" >&2; exit 2 ;;
  esac
done

mib() { awk -v b="$1" 'BEGIN {printf "%.1f MiB", b / 1048576}'; }
report() {
  # What travels with a device call: tracked and untracked-not-ignored files (a deleted one is
  # still listed, hence the quiet stat), shared/, and the carried archives.
  local tree main_bytes ort_bytes=0
  tree="$( { (git ls-files -co --exclude-standard -z; [ -d shared ] && find shared -type f -print0) | xargs -0 stat -c %s -- 2>/dev/null || true; } | awk '{s += $1} END {print s + 0}')"
  main_bytes="$(stat -c %s "$main")"
  echo "pack: $main $(mib "$main_bytes")"
  if [ -f "$ort" ]; then
    ort_bytes="$(stat -c %s "$ort")"
    echo "pack: $ort $(mib "$ort_bytes")"
  fi
  echo "working tree: $(mib "$tree")"
  echo "a call carrying .device-pack: $(mib $((tree + main_bytes + ort_bytes))) of 64 MiB; carrying only $(basename "$main"): $(mib $((tree + main_bytes)))"
  if [ $((tree + main_bytes)) -gt "$limit" ]; then
    echo "pack.sh: even without onnxruntime the call would carry over 64 MiB" >&2
    return 1
  elif [ $((tree + main_bytes + ort_bytes)) -gt "$limit" ]; then
    echo "pack.sh: with onnxruntime the call is over 64 MiB: carry only .device-pack/$(basename "$main")" >&2
  fi
}
if [ "$report_only" = 1 ]; then
  [ -f "$main" ] || { echo "pack.sh: no $main yet" >&2; exit 1; }
  report
  exit
fi

for built in packages/csrnet/dist/index.js packages/csrnet/dist/training.js packages/csrnet/dist/node/index.js; do
  [ -f "$built" ] || { echo "pack.sh: $built is missing; build first: npm run build" >&2; exit 1; }
done
for tool in strip xz apt-get dpkg; do
  command -v "$tool" >/dev/null || { echo "pack.sh: needs $tool" >&2; exit 1; }
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
stage="$tmp/main/crowd-gpu"
mkdir -p "$stage/bin" "$stage/lib" "$out"

node_bin="$(node -p process.execPath)"
echo "node: $node_bin ($(node --version))"
strip -o "$stage/bin/node" "$node_bin"

echo "modules:"
node tools/device/pack-modules.mjs "$stage" "${roots[@]}"

# The Vulkan loader, and what NVIDIA's Vulkan driver (libGLX_nvidia.so.0) links beyond glibc.
# The .debs stay in a cache, so that repacking needs no network.
debs=(libvulkan1 libglvnd0 libx11-6 libxext6 libxcb1 libxau6 libxdmcp6 libbsd0 libmd0)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/crowd-device-debs"
mkdir -p "$cache"
missing=()
for p in "${debs[@]}"; do compgen -G "$cache/${p}_*_amd64.deb" >/dev/null || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  # apt's _apt user cannot write everywhere; download as the caller.
  (cd "$cache" && apt-get download -qq -o APT::Architecture=amd64 -o APT::Sandbox::User="$(id -un)" "${missing[@]}")
fi
deb_names=()
for p in "${debs[@]}"; do
  deb="$(compgen -G "$cache/${p}_*_amd64.deb" | sort | tail -1)"
  deb_names+=("$(basename "$deb")")
  dpkg -x "$deb" "$tmp/debs"
done
find "$tmp/debs" -path "*/x86_64-linux-gnu/*.so.*" -exec cp -a {} "$stage/lib/" \;

{
  echo "crowd GPU check pack"
  echo "commit: $(git rev-parse HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
  echo "packed: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -sm); node $(node --version)"
  echo "modules: ${roots[*]} (+ onnxruntime-node: $([ "$with_ort" = 1 ] && echo yes || echo no))"
  echo "libraries: $(cd "$stage/lib" && ls | tr '\n' ' ')"
  echo "debs: ${deb_names[*]}"
} >"$stage/PACK_INFO.txt"

compress() { # folder-holding-crowd-gpu archive
  echo "compressing $(du -sh "$1/crowd-gpu" | cut -f1) into $(basename "$2") (xz -9e, minutes)…"
  tar -C "$1" --owner=0 --group=0 -cf - crowd-gpu | xz --x86 --lzma2=preset=9e -T1 >"$2.tmp"
  mv "$2.tmp" "$2"
}
compress "$tmp/main" "$main"

rm -f "$ort"
if [ "$with_ort" = 1 ]; then
  echo "onnxruntime modules:"
  node tools/device/pack-modules.mjs "$tmp/ort/crowd-gpu" onnxruntime-node
  compress "$tmp/ort" "$ort"
fi
report
