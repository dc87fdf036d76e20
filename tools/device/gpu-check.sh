#!/usr/bin/env bash
# The GPU check (GitHub issue 7 part 4) on a bare linux-x64 GPU machine, from the archives
# tools/device/pack.sh builds in .device-pack/. Unpacks them, finds the
# Vulkan driver, prints the GPU, then runs tools/device/gpu-check.mjs with the packed Node:
# webgpu adapter and limits, forward and training parity, speed, onnxruntime-node's GPU
# providers, PyTorch on the same GPU. The table ends the output and is written to
# $OUT/gpu-check.md (with gpu-check.json and the whole log, gpu-check.log).
#
#   bash tools/device/gpu-check.sh [--small] [--limit SECONDS] [--pack DIR] [--own-libs]
#
#   --small      dry-run sizes (speed at 128×96 and 96×64, 2 runs), for a software driver
#   --limit S    stop the checks after S seconds (default 240; 1800 with --small) and print
#                the partial table: rows are written as they finish
#   --pack DIR   the folder of the archives (default: this repo's .device-pack)
#   --own-libs   use every packed library, also those the machine has (the dry run, to prove
#                the packed Vulkan loader works)
#
# Vulkan driver, first found: $VK_DRIVER_FILES as given; NVIDIA's manifest from the container
# mount (/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json) when no installed manifest names
# NVIDIA; the machine's manifests; Mesa's lavapipe from tools/ci/install-lavapipe.sh.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
small=()
limit=""
pack="$root/.device-pack"
own_libs=0
while [ $# -gt 0 ]; do
  case "$1" in
    --small) small=(--small) ;;
    --limit) limit="$2"; shift ;;
    --pack) pack="$2"; shift ;;
    --own-libs) own_libs=1 ;;
    *) echo "usage: bash tools/device/gpu-check.sh [--small] [--limit SECONDS] [--pack DIR] [--own-libs]" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$limit" ] || { [ ${#small[@]} -gt 0 ] && limit=1800 || limit=240; }

out="${OUT:-/tmp/crowd-gpu-check-out}"
mkdir -p "$out"
exec > >(tee "$out/gpu-check.log") 2>&1

work="${CROWD_GPU_WORK:-/tmp/crowd-gpu-work}"
rm -rf "$work"
mkdir -p "$work/lib" "$work/xdg"
chmod 700 "$work/xdg"
started=$SECONDS

main="$pack/crowd-gpu-check.tar.xz"
if [ ! -f "$main" ]; then
  echo "gpu-check.sh: $main is missing: build it with bash tools/device/pack.sh (and carry .device-pack)"
  exit 1
fi
for archive in "$main" "$pack/onnxruntime-node.tar.xz"; do
  [ -f "$archive" ] || { echo "== no $archive: onnxruntime-node is not checked"; continue; }
  echo "== unpacking $archive ($(du -h "$archive" | cut -f1))"
  if command -v xz >/dev/null; then
    xz -dc "$archive" | tar -C "$work" -xf - || exit 1
  else
    # No xz binary: Python's lzma reads the same archive.
    python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' "$archive" "$work" || exit 1
  fi
done
pkg="$work/crowd-gpu"
node="$pkg/bin/node"
sed 's/^/   /' "$pkg/PACK_INFO.txt"
# The scripts and fixtures come from this tree (so never stale), beside the packed node_modules
# that they resolve their imports from.
scripts=(
  tools/device/gpu-check.mjs
  tools/bench/timing.mjs tools/bench/torch-baseline.mjs tools/bench/torch-csrnet.py
  tools/test-utils/src/formula-weights.mjs tools/test-utils/src/npy.mjs
  tools/fixtures/csrnet/weights.json tools/fixtures/csrnet/weights.bin
  tools/fixtures/csrnet/input.npy tools/fixtures/csrnet/output.npy
  tools/fixtures/csrnet/train_step/train_step.json tools/fixtures/csrnet/train_step/target.npy
  tools/fixtures/csrnet/train_step/grads.bin tools/fixtures/csrnet/train_step/weights_after_3_steps.bin
  tools/fixtures/csrnet-full-formula/weights.json tools/fixtures/csrnet-full-formula/input.npy
  tools/fixtures/csrnet-full-formula/output.npy
)
for f in "${scripts[@]}"; do
  mkdir -p "$pkg/$(dirname "$f")"
  cp "$root/$f" "$pkg/$f" || exit 1
done
echo "   unpacked in $((SECONDS - started)) s"

# Packed libraries fill only the gaps (the machine's own take precedence), unless --own-libs.
have_ldconfig=0
command -v ldconfig >/dev/null && ldconfig -p >/dev/null 2>&1 && have_ldconfig=1
for lib in "$pkg"/lib/*.so.*; do
  name="$(basename "$lib")"
  if [ "$own_libs" = 1 ] || [ "$have_ldconfig" = 0 ] || ! ldconfig -p | grep -q "^[[:space:]]*$name "; then
    ln -sf "$lib" "$work/lib/$name"
  fi
done
nvidia_libs=""
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do [ -d "$d" ] && nvidia_libs="$nvidia_libs:$d"; done
export LD_LIBRARY_PATH="$work/lib$nvidia_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$work/xdg}"
echo "== libraries: packed ones used: $(cd "$work/lib" && ls | tr '\n' ' ')"

nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  installed="$(ls /etc/vulkan/icd.d/*.json /usr/share/vulkan/icd.d/*.json /usr/local/share/vulkan/icd.d/*.json 2>/dev/null | tr '\n' ' ')"
  if [ -f "$nvidia_icd" ] && ! grep -qsi nvidia $installed /dev/null; then
    export VK_DRIVER_FILES="$nvidia_icd"
  elif [ -z "$installed" ] && [ -f /opt/crowd-lavapipe/lvp_icd.json ]; then
    export VK_DRIVER_FILES=/opt/crowd-lavapipe/lvp_icd.json
  fi
  echo "== Vulkan driver manifests installed: ${installed:-none}"
fi
if [ -n "${VK_DRIVER_FILES:-${VK_ICD_FILENAMES:-}}" ]; then
  export VK_ICD_FILENAMES="${VK_DRIVER_FILES:-$VK_ICD_FILENAMES}" VK_DRIVER_FILES="${VK_DRIVER_FILES:-$VK_ICD_FILENAMES}"
  echo "== VK_DRIVER_FILES=$VK_DRIVER_FILES"
  for icd in ${VK_DRIVER_FILES//:/ }; do
    [ -f "$icd" ] || { echo "   $icd: missing"; continue; }
    library="$(sed -n 's/.*"library_path" *: *"\([^"]*\)".*/\1/p' "$icd")"
    echo "   $icd: library_path $library"
    # A bare name is found through LD_LIBRARY_PATH or the cache: show what it links that is missing.
    path="$library"
    if [ "${library#/}" = "$library" ]; then
      path=""
      for d in ${LD_LIBRARY_PATH//:/ }; do [ -e "$d/$library" ] && { path="$d/$library"; break; }; done
      [ -n "$path" ] || path="$( [ "$have_ldconfig" = 1 ] && ldconfig -p | awk -v n="$library" '$1 == n {print $NF; exit}')"
    fi
    if [ -n "$path" ] && [ -e "$path" ]; then
      ldd "$path" 2>&1 | grep "not found" | sed 's/^/   MISSING: /' || echo "   $path: every library it links is found"
    else
      echo "   $library: not found on LD_LIBRARY_PATH nor in the linker cache"
    fi
  done
fi

echo "== GPU"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used,temperature.gpu,clocks.sm --format=csv 2>&1 | sed 's/^/   /'
else
  echo "   no nvidia-smi"
fi

echo "== checks (limit ${limit} s)"
timeout --signal=TERM --kill-after=10 "$limit" "$node" "$pkg/tools/device/gpu-check.mjs" "${small[@]}" --out="$out"
rc=$?
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
  echo
  echo "gpu-check.sh: stopped after ${limit} s; the checks that finished:"
  cat "$out/gpu-check.md"
fi
echo "gpu-check.sh: exit $rc after $((SECONDS - started)) s; report in $out/gpu-check.md"
exit "$rc"
