#!/usr/bin/env bash
# Installs the Debian packages the GPU and browser tests need when they are missing:
#   chromium   - the browser for the e2e tests; it also ships SwiftShader, the CPU Vulkan driver that
#                gives WebGPU an adapter on machines without a GPU
#   libvulkan1 - the Vulkan loader that Dawn (npm `webgpu`) opens
# Runs as `pretest`, so `npm ci && npm test` works on a fresh Debian machine.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
{ ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true; } | grep -q 'libvulkan\.so\.1' || missing+=(libvulkan1)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "Missing: ${missing[*]}. Install Chromium (with SwiftShader) and the Vulkan loader with your package manager." >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then sudo=(sudo); else
    echo "Missing Debian packages: ${missing[*]}. Run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
echo "Installing Debian packages for the GPU and browser tests: ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
