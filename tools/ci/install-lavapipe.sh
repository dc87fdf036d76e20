#!/usr/bin/env bash
# Installs a software Vulkan driver (Mesa's lavapipe) for the webgpu tests on Debian 12, where Dawn
# (the `webgpu` package) refuses Debian's own lavapipe (mesa 22.3: "shaderUniform*ArrayDynamicIndexing
# required"). Idempotent and quiet; needs root (uses sudo otherwise).
#
# - bookworm-backports' mesa-vulkan-drivers (25.x) is unpacked with `dpkg -x` into $LAVAPIPE_DIR
#   (default /opt/crowd-lavapipe), not installed: the system keeps its mesa. Only libvulkan_lvp.so is used.
# - Its run-time libraries come from Debian 12 itself, installed system-wide: the Vulkan loader
#   (libvulkan1) and what libvulkan_lvp.so links (libLLVM-15, xcb, wayland, zstd…). The package
#   asks for libdrm ≥ 2.4.121, but that is for the hardware drivers in it: every libdrm symbol
#   lavapipe uses is in bookworm's 2.4.114, so no newer libdrm (nor LD_LIBRARY_PATH) is needed.
# - $LAVAPIPE_DIR/lvp_icd.json is the ICD manifest. Nothing is registered system-wide: a process
#   uses lavapipe with VK_ICD_FILENAMES=$LAVAPIPE_DIR/lvp_icd.json (tools/test-utils/src/lavapipe.ts).
set -euo pipefail

dir="${LAVAPIPE_DIR:-/opt/crowd-lavapipe}"
lib="$dir/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so"
icd="$dir/lvp_icd.json"
# The Vulkan loader, and every library libvulkan_lvp.so links that Debian 12 provides.
system_packages=(libvulkan1 libllvm15 libdrm2 libexpat1 libwayland-client0 libx11-xcb1 libxcb1 libxcb-dri3-0
  libxcb-present0 libxcb-randr0 libxcb-shm0 libxcb-sync1 libxcb-xfixes0 libxshmfence1 libzstd1 zlib1g)

installed() {
  [ -f "$icd" ] && [ -f "$lib" ] || return 1
  ldd "$lib" | grep -q "not found" && return 1
  # The loader is no dependency of the driver, so ldd does not see it.
  dpkg-query -W -f='${Status}' libvulkan1 2>/dev/null | grep -q "install ok installed"
}
if installed; then exit 0; fi

if [ "$(dpkg --print-architecture)" != amd64 ] || ! grep -qs 'VERSION_CODENAME=bookworm' /etc/os-release; then
  echo "install-lavapipe.sh: expects Debian 12 (bookworm) on amd64" >&2
  exit 1
fi
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
apt_quiet=(-qq -o Dpkg::Use-Pty=0)

# bookworm-backports as an extra source, unless one is configured already. Backports are never
# chosen by default (priority 100), so this upgrades nothing.
if ! grep -rqs --include='*.list' --include='*.sources' 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  $sudo tee /etc/apt/sources.list.d/crowd-bookworm-backports.sources >/dev/null <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
fi
$sudo apt-get update "${apt_quiet[@]}"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${apt_quiet[@]}" "${system_packages[@]}" >/dev/null

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# apt's _apt user cannot write to mktemp's private folder; download as the caller instead.
(cd "$tmp" && apt-get download "${apt_quiet[@]}" -o APT::Sandbox::User="$(id -un)" mesa-vulkan-drivers/bookworm-backports)
$sudo rm -rf "$dir.new"
$sudo mkdir -p "$dir.new"
$sudo dpkg -x "$tmp"/mesa-vulkan-drivers_*.deb "$dir.new"
# The package's own manifest names the library bare (for the system path); point it at ours.
sed "s|\"library_path\": *\"[^\"]*\"|\"library_path\": \"$lib\"|" "$dir.new/usr/share/vulkan/icd.d/lvp_icd.json" | $sudo tee "$dir.new/lvp_icd.json" >/dev/null
# Swap the finished folder in whole, so that an interrupted run never leaves half a driver.
$sudo rm -rf "$dir"
$sudo mv "$dir.new" "$dir"

if ldd "$lib" | grep "not found" >&2; then
  echo "install-lavapipe.sh: $lib lacks the libraries above" >&2
  exit 1
fi
