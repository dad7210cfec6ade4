#!/usr/bin/env bash
# Fetch and assemble the default Linux guest (OpenSBI, kernel, initramfs,
# disk) into the default cache directory, then print where each output is,
# one "name=path" per line on stdout (progress goes to stderr):
#
#   scripts/fetch-guest.sh [--force]
#
# The work is done by firmware/guest/build-guest.sh, which skips whatever
# is already up to date; see that script for details. The cache directory is
# ${XDG_CACHE_HOME:-$HOME/.cache}/emu-guest.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/emu-guest

"$root/firmware/guest/build-guest.sh" "$@" "$cache"

for name in fw_dynamic.bin fw_dynamic.elf Image initramfs.cpio.gz disk.ext4; do
    echo "$name=$cache/$name"
done
