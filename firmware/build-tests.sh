#!/usr/bin/env bash
# Build the project's bare-metal guest tests (firmware/tests/*.S, *.c) into
# OUT_DIR (default: target/firmware/tests under the repository root), one
# NAME.elf per source file, each linked with firmware/tests/common/.
#
#   firmware/build-tests.sh [OUT_DIR]
#
# Needs Debian's gcc-riscv64-unknown-elf (scripts/setup-toolchain.sh).
# FW_TEST_CFLAGS adds compiler flags (scripts/qemu-reference.sh uses it).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src_dir="$root/firmware/tests"
common="$src_dir/common"
out_dir=${1:-"$root/target/firmware/tests"}
cc=${RISCV_CC:-riscv64-unknown-elf-gcc}

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "build-tests: error: $cc not found (run scripts/setup-toolchain.sh)" >&2
    exit 1
fi

# Zicond instructions are written with .insn (see common/test.h), so an
# assembler that predates Zicond (binutils 2.40) still builds the tests.
march=rv64gc_zba_zbb_zbs
if echo 'czero.eqz a0, a1, a2' |
    "$cc" -march="${march}_zicond" -mabi=lp64d -x assembler -c - -o /dev/null 2>/dev/null; then
    march="${march}_zicond"
fi

# shellcheck disable=SC2054 # the comma in -Wl,... is not a separator
flags=(
    -march="$march" -mabi=lp64d -mcmodel=medany
    -nostdlib -nostartfiles -static -ffreestanding -fno-builtin
    -fno-tree-loop-distribute-patterns -O2 -g -Wall -Wextra -Werror
    -I "$common" -T "$common/link.ld" -Wl,--no-warn-rwx-segments
)
# shellcheck disable=SC2206 # word splitting of the extra flags is wanted
flags+=(${FW_TEST_CFLAGS:-})

mkdir -p "$out_dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

shopt -s nullglob
sources=("$src_dir"/*.S "$src_dir"/*.c)
if [ ${#sources[@]} -eq 0 ]; then
    echo "build-tests: error: no test sources in $src_dir" >&2
    exit 1
fi

built=()
for src in "${sources[@]}"; do
    name=$(basename "${src%.*}")
    if ! "$cc" "${flags[@]}" -o "$tmp/$name.elf" \
        "$common/crt.S" "$common/lib.c" "$src"; then
        echo "build-tests: error: building $src failed" >&2
        exit 1
    fi
    mv -f "$tmp/$name.elf" "$out_dir/$name.elf"
    built+=("$name.elf")
done

# Drop ELFs whose source is gone, so the directory is exactly the suite.
for elf in "$out_dir"/*.elf; do
    keep=0
    for b in "${built[@]}"; do
        [ "$(basename "$elf")" = "$b" ] && keep=1
    done
    [ $keep = 1 ] || rm -f "$elf"
done

echo "build-tests: ${#built[@]} tests in $out_dir"
