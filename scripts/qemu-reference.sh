#!/usr/bin/env bash
# Check the bare-metal guest tests (firmware/tests) against QEMU, the
# reference where the specification leaves choices: builds them with
# -DQEMU_REFERENCE (which relaxes the few checks where Debian's QEMU 7.2
# departs from the specification; see `grep -r QEMU_REFERENCE firmware/tests`)
# into OUT_DIR and runs each on qemu-system-riscv64.
#
#   scripts/qemu-reference.sh [OUT_DIR]     (default target/firmware/tests-qemu)
#
# Needs qemu-system-misc (apt-get install qemu-system-misc). Not part of CI.
#
# Machine: `-machine spike`, which implements HTIF through the ELF's
# tohost/fromhost symbols and exits with tohost >> 1. Tests whose source says
# "qemu-reference: virt" need the time CSR, which QEMU's spike machine lacks;
# they run on `-machine virt` and their tohost word is read through the
# monitor. CPU: no H extension (as this emulator); AIA on, because without it
# QEMU 7.2 takes simultaneous interrupts lowest number first rather than in
# the specified priority order; XVentanaCondOps stands in for Zicond, which
# QEMU 7.2 lacks (see common/test.h).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out_dir=${1:-"$root/target/firmware/tests-qemu"}
qemu=${QEMU:-qemu-system-riscv64}
cpu="rv64,h=false,x-smaia=true,x-ssaia=true,xventanacondops=true"

if ! command -v "$qemu" >/dev/null 2>&1; then
    echo "qemu-reference: error: $qemu not found (apt-get install qemu-system-misc)" >&2
    exit 1
fi

FW_TEST_CFLAGS=-DQEMU_REFERENCE "$root/firmware/build-tests.sh" "$out_dir"

# Run on virt; prints the final tohost word.
run_virt() {
    local elf=$1 addr
    addr=$(riscv64-unknown-elf-nm "$elf" | awk '$3 == "tohost" { print $1 }')
    { sleep 3; echo "xp /1gx 0x$addr"; echo quit; } |
        timeout 20 "$qemu" -machine virt -cpu "$cpu" -bios none -kernel "$elf" \
            -display none -serial none -monitor stdio 2>&1 |
        tr -d '\r' | awk -v a="$addr" '$1 ~ a":" { print $2 }' | tail -n 1
}

passed=0
failed=0
for elf in "$out_dir"/*.elf; do
    name=$(basename "$elf" .elf)
    src="$root/firmware/tests/$name.S"
    [ -e "$src" ] || src="$root/firmware/tests/$name.c"
    if grep -q 'qemu-reference: virt' "$src"; then
        word=$(run_virt "$elf")
        if [ "$word" = "0x0000000000000001" ]; then
            echo "PASS $name (virt)"
            passed=$((passed + 1))
        else
            echo "FAIL $name (virt): tohost = ${word:-unreadable}" \
                "(check $((${word:-1} >> 1)) if odd)"
            failed=$((failed + 1))
        fi
    else
        set +e
        output=$(timeout 20 "$qemu" -machine spike -nographic -bios none \
            -cpu "$cpu" -kernel "$elf" 2>&1)
        rc=$?
        set -e
        if [ $rc -eq 0 ]; then
            echo "PASS $name"
            passed=$((passed + 1))
        else
            echo "FAIL $name: exit $rc (check number mod 256; 124: timeout) $output"
            failed=$((failed + 1))
        fi
    fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
