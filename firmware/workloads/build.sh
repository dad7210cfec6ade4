#!/usr/bin/env bash
# Build the guest workload suite (firmware/workloads/*.c) twice:
#   OUT_DIR/riscv64/NAME   static riscv64 Linux binaries (Debian's
#                          gcc-riscv64-linux-gnu), for the guests
#   OUT_DIR/native/NAME    the host's build (gcc), for the native figure
#
#   firmware/workloads/build.sh [OUT_DIR]     (default target/workloads)
#
# Both use the same flags; -ffp-contract=off keeps the compilers from fusing
# a*b+c into one FMA, which the riscv64 compiler would otherwise do and the
# x86_64 one not, so floating-point results (and checksums) agree bit for
# bit. RISCV_LINUX_CC and HOST_CC override the compilers.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
src_dir="$root/firmware/workloads"
out_dir=${1:-"$root/target/workloads"}
cross=${RISCV_LINUX_CC:-riscv64-linux-gnu-gcc}
host=${HOST_CC:-gcc}

for cc in "$cross" "$host"; do
    if ! command -v "$cc" >/dev/null 2>&1; then
        echo "workloads/build: error: $cc not found (scripts/setup-toolchain.sh installs gcc-riscv64-linux-gnu)" >&2
        exit 1
    fi
done

flags=(-O2 -std=gnu11 -Wall -Wextra -Werror -ffp-contract=off -fno-math-errno -I "$src_dir")

mkdir -p "$out_dir/riscv64" "$out_dir/native"
shopt -s nullglob
sources=("$src_dir"/*.c)
if [ ${#sources[@]} -eq 0 ]; then
    echo "workloads/build: error: no sources in $src_dir" >&2
    exit 1
fi

for src in "${sources[@]}"; do
    name=$(basename "$src" .c)
    for target in riscv64 native; do
        out="$out_dir/$target/$name"
        # Up to date: newer than its source and the common header.
        if [ -x "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$src_dir/common.h" ] &&
            [ "$out" -nt "${BASH_SOURCE[0]}" ]; then
            continue
        fi
        if [ "$target" = riscv64 ]; then
            "$cross" "${flags[@]}" -static -o "$out.tmp" "$src"
        else
            "$host" "${flags[@]}" -o "$out.tmp" "$src"
        fi
        mv -f "$out.tmp" "$out"
    done
done
echo "workloads/build: ${#sources[@]} workloads in $out_dir/{riscv64,native}" >&2
