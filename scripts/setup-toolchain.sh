#!/usr/bin/env bash
# Install the Debian packages that the test suite needs, only those missing:
#   gcc-riscv64-unknown-elf, picolibc-riscv64-unknown-elf  guest tests
#   cmake, build-essential                                 softfloat-wrapper
#   device-tree-compiler                                   dtc checks of the DTB
#   e2fsprogs, cpio, kmod                                 the default Linux guest
#                                                          and its disk checks
# Runs apt-get as root (or through sudo); a no-op when all are present.
set -euo pipefail

packages=(
    gcc-riscv64-unknown-elf
    gcc-riscv64-linux-gnu
    picolibc-riscv64-unknown-elf
    cmake
    device-tree-compiler
    build-essential
    e2fsprogs
    cpio
    kmod
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "setup-toolchain: all packages present"
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    else
        echo "setup-toolchain: error: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
fi

echo "setup-toolchain: installing ${missing[*]}"
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
