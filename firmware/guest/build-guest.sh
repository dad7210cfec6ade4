#!/usr/bin/env bash
# Assemble the default Linux guest of the emulator from Debian riscv64
# packages (Debian 13 "trixie"):
#
#   firmware/guest/build-guest.sh [--force] [CACHE_DIR]
#
# CACHE_DIR defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/emu-guest (outside
# the repository; nothing built here is ever committed). It ends up holding:
#
#   fw_dynamic.bin, fw_dynamic.elf   OpenSBI, generic platform (package opensbi)
#   Image                            the kernel, a raw RISC-V Image to load at
#                                    RAM + 2 MiB (package linux-image-*-riscv64)
#   initramfs.cpio.gz                busybox (static), the modules that reach an
#                                    ext4 root on virtio-blk over virtio-mmio,
#                                    and our own /init (firmware/guest/init)
#   disk.ext4                        64 MiB ext4 built from firmware/guest/disk/
#
# The packages are fetched with apt using a private configuration inside
# CACHE_DIR/apt (own sources list, state, cache and lists; architecture
# riscv64; the mirror read from this machine's own apt configuration; the
# signatures checked against the system's Debian archive keyring). Nothing
# is installed into the host system from those packages: they are unpacked
# with dpkg-deb -x. Host tools that are missing (cpio, kmod for depmod,
# e2fsprogs) are installed with apt-get when running as root.
#
# Every step is skipped when its outputs exist and are newer than its inputs;
# --force redoes everything (including apt-get update and the downloads).
#
# Environment:
#   EMU_GUEST_MIRROR   Debian archive URI to use instead of the one read from
#                      the system's apt configuration.
#   EMU_GUEST_SUITE    suite to fetch from (default: trixie).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ---------------------------------------------------------------- arguments
force=0
cache=""
for arg in "$@"; do
    case $arg in
        --force) force=1 ;;
        -h | --help)
            sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
            exit 0
            ;;
        -*)
            echo "build-guest: error: unknown option $arg" >&2
            exit 2
            ;;
        *)
            [[ -z $cache ]] || { echo "build-guest: error: more than one CACHE_DIR" >&2; exit 2; }
            cache=$arg
            ;;
    esac
done
cache=${cache:-"${XDG_CACHE_HOME:-$HOME/.cache}/emu-guest"}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

suite=${EMU_GUEST_SUITE:-trixie}
arch=riscv64
# The packages of the guest. linux-image-riscv64 is a metapackage; the
# versioned linux-image-<version>-riscv64 package it depends on is what is
# downloaded.
kernel_meta=linux-image-riscv64
packages=(opensbi busybox-static)
# Modules the initramfs loads (with every dependency, transitively, taken
# from modules.dep and the pre: soft dependencies from modules.softdep).
wanted_modules=(virtio_mmio virtio_blk ext4)
disk_size=64M

log() { echo "build-guest: $*" >&2; }
die() { echo "build-guest: error: $*" >&2; exit 1; }

# up_to_date OUT IN...: true when OUT exists and is newer than every IN and
# --force was not given.
up_to_date() {
    local out=$1 in
    shift
    [[ $force -eq 0 && -e $out ]] || return 1
    for in in "$@"; do
        [[ $out -nt $in ]] || return 1
    done
}

# write_if_changed FILE: write stdin to FILE only when the content differs,
# so FILE's mtime tells when its content last changed.
write_if_changed() {
    local file=$1 tmp
    tmp=$(mktemp "$file.XXXXXX")
    cat >"$tmp"
    if [[ -f $file ]] && cmp -s "$tmp" "$file"; then
        rm -f "$tmp"
    else
        mv -f "$tmp" "$file"
    fi
}

# need_tool COMMAND PACKAGE: make sure a host tool exists, installing its
# Debian package with apt-get when it does not (only possible as root).
need_tool() {
    local cmd=$1 pkg=$2
    command -v "$cmd" >/dev/null 2>&1 && return 0
    # Some tools live in sbin, which is not always on a user's PATH.
    local d
    for d in /usr/sbin /sbin; do
        if [[ -x $d/$cmd ]]; then
            PATH=$PATH:$d
            return 0
        fi
    done
    [[ $EUID -eq 0 ]] || die "$cmd not found; install the Debian package $pkg"
    log "installing host package $pkg (for $cmd)"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$pkg" >&2; then
        apt-get update >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$pkg" >&2
    fi
    command -v "$cmd" >/dev/null 2>&1 || die "$cmd still missing after installing $pkg"
}

# ------------------------------------------------------------ the apt mirror

# Print the URIs of the main Debian archive named by the system's apt
# configuration (deb822 .sources files first, then one-line .list files),
# best candidates first: entries that carry component main for a suite that
# is not a security suite.
system_mirrors() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -r $f ]] || continue
        # One paragraph per stanza; keys are case-insensitive.
        awk 'BEGIN { RS = ""; FS = "\n" }
        {
            types = ""; uris = ""; suites = ""; comps = ""; enabled = "yes"
            for (i = 1; i <= NF; i++) {
                line = $i
                if (line ~ /^[ \t]*#/) continue
                key = tolower(line); sub(/:.*/, "", key)
                val = line; sub(/^[^:]*:[ \t]*/, "", val)
                if (key == "types") types = val
                else if (key == "uris") uris = val
                else if (key == "suites") suites = val
                else if (key == "components") comps = val
                else if (key == "enabled") enabled = tolower(val)
            }
            if (enabled == "no" || types !~ /(^|[ \t])deb([ \t]|$)/) next
            if (comps !~ /(^|[ \t])main([ \t]|$)/) next
            if (suites ~ /security|\/updates/) next
            n = split(uris, u, /[ \t]+/)
            for (j = 1; j <= n; j++) if (u[j] != "" && u[j] !~ /security/) print u[j]
        }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -r $f ]] || continue
        # deb [options] URI suite component...
        awk '$1 == "deb" {
            i = 2
            if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
            uri = $i; suite = $(i + 1)
            main = 0
            for (k = i + 2; k <= NF; k++) if ($k == "main") main = 1
            if (main && suite !~ /security|\/updates/ && uri !~ /security/) print uri
        }' "$f"
    done
}

mirror_uri() {
    if [[ -n ${EMU_GUEST_MIRROR:-} ]]; then
        echo "${EMU_GUEST_MIRROR%/}"
        return
    fi
    local all best=""
    all=$(system_mirrors | grep -v -E '^(cdrom|file|copy):' || true)
    # Prefer an archive whose path ends in /debian (the main archive), else
    # take the first candidate.
    best=$(grep -E '/debian/?$' <<<"$all" | head -n1 || true)
    [[ -n $best ]] || best=$(head -n1 <<<"$all")
    [[ -n $best ]] || die "no Debian archive URI found in /etc/apt/sources.list{,.d}; set EMU_GUEST_MIRROR"
    echo "${best%/}"
}

# ----------------------------------------------------- the signing keyring

# Print the keyring(s) apt should check the $suite Release file against.
# The system's debian-archive-keyring (bookworm's 2023.3+deb12u2 for one)
# already carries the trixie keys; older ones may ship only per-release
# files, which are used instead. Signature checks are never turned off.
keyring_for_suite() {
    local main=/usr/share/keyrings/debian-archive-keyring.gpg
    local tag
    case $suite in
        trixie) tag="(13/trixie)" ;;
        *) tag="" ;;
    esac
    if [[ -z $tag ]]; then
        [[ -r $main ]] || die "no $main; install debian-archive-keyring"
        echo "$main"
        return
    fi
    # User IDs are stored as plain text in an OpenPGP keyring, so this
    # check needs no gpg; apt does the real verification.
    if [[ -r $main ]] && grep -a -q -F "$tag" "$main"; then
        echo "$main"
        return
    fi
    local files=() f
    for f in /usr/share/keyrings/debian-archive-"$suite"-*.gpg /etc/apt/trusted.gpg.d/debian-archive-"$suite"-*.{gpg,asc}; do
        [[ -r $f ]] && files+=("$f")
    done
    if [[ ${#files[@]} -gt 0 ]]; then
        log "the $suite key is not in $main; using ${files[*]}"
        (IFS=,; echo "${files[*]}")
        return
    fi
    die "no Debian $suite archive key on this system (looked in $main, /usr/share/keyrings, /etc/apt/trusted.gpg.d); upgrade debian-archive-keyring (bookworm's 2023.3+deb12u2 carries it)"
}

# ------------------------------------------------------------- private apt
aptdir=$cache/apt
debdir=$cache/debs
mkdir -p "$aptdir"/{etc/sources.list.d,etc/preferences.d,lists/partial,cache/archives/partial} "$debdir"
touch "$aptdir/status" # an empty dpkg status: nothing is "installed" for this apt

apt_opts=(
    -o "Dir::Etc::SourceList=$aptdir/etc/sources.list"
    -o "Dir::Etc::SourceParts=$aptdir/etc/sources.list.d"
    -o "Dir::Etc::Preferences=$aptdir/etc/preferences"
    -o "Dir::Etc::PreferencesParts=$aptdir/etc/preferences.d"
    -o "Dir::State=$aptdir"
    -o "Dir::State::Lists=$aptdir/lists"
    -o "Dir::State::status=$aptdir/status"
    -o "Dir::Cache=$aptdir/cache"
    -o "APT::Architecture=$arch"
    -o "APT::Architectures=$arch"
    # Only the Packages index is needed: no translations, no AppStream data.
    -o "Acquire::Languages=none"
    -o "Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false"
    -o "Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false"
    -o "Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false"
    -o "Acquire::IndexTargets::deb::DEP-11-icons-hidpi::DefaultEnabled=false"
    -o "Acquire::IndexTargets::deb::CNF::DefaultEnabled=false"
)
# As root apt downloads as the _apt user, which cannot write into a cache
# under root's home; the files are ours anyway.
[[ $EUID -ne 0 ]] || apt_opts+=(-o "APT::Sandbox::User=root")

manifest=$debdir/manifest # "package version file" per downloaded package

# True when the manifest names files that all exist and is newer than the
# sources list (that is, nothing about where packages come from changed).
downloads_up_to_date() {
    up_to_date "$manifest" "$aptdir/etc/sources.list" || return 1
    local file
    while read -r _ _ file; do
        [[ -f $debdir/$file ]] || return 1
    done <"$manifest"
    [[ -s $manifest ]]
}

fetch_packages() {
    local mirror keyring
    mirror=$(mirror_uri)
    keyring=$(keyring_for_suite)
    printf 'deb [arch=%s signed-by=%s] %s %s main\n' "$arch" "$keyring" "$mirror" "$suite" |
        write_if_changed "$aptdir/etc/sources.list"
    if downloads_up_to_date; then
        log "packages up to date ($(awk '{printf "%s %s; ", $1, $2}' "$manifest"))"
        return
    fi

    log "apt-get update ($suite/main $arch)"
    apt-get "${apt_opts[@]}" -q update >&2

    # Resolve the kernel metapackage to the versioned image package.
    local kpkg
    kpkg=$(apt-cache "${apt_opts[@]}" depends "$kernel_meta" |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-.*-riscv64$/ { print $2; exit }')
    [[ -n $kpkg ]] || die "could not resolve $kernel_meta to a linux-image package"
    log "$kernel_meta -> $kpkg"

    rm -f "$debdir"/*.deb
    log "apt-get download $kpkg ${packages[*]}"
    (cd "$debdir" && apt-get "${apt_opts[@]}" -q download "$kpkg" "${packages[@]}" >&2)

    # Record what was fetched, one line per package.
    local deb tmp
    tmp=$(mktemp "$manifest.XXXXXX")
    for deb in "$debdir"/*.deb; do
        printf '%s %s %s\n' "$(dpkg-deb -f "$deb" Package)" "$(dpkg-deb -f "$deb" Version)" \
            "$(basename "$deb")" >>"$tmp"
    done
    mv -f "$tmp" "$manifest"
}

# deb_of PACKAGE-REGEX: path of the downloaded .deb whose package matches.
deb_of() {
    local file
    file=$(awk -v re="^($1)\$" '$1 ~ re { print $3; exit }' "$manifest")
    [[ -n $file ]] || die "no downloaded package matches $1 (see $manifest)"
    echo "$debdir/$file"
}

# unpack DEB DIR: dpkg-deb -x DEB into DIR unless DIR is newer than DEB.
unpack() {
    local deb=$1 dir=$2
    if up_to_date "$dir/.unpacked" "$deb"; then
        return
    fi
    log "unpacking $(basename "$deb")"
    rm -rf "$dir"
    mkdir -p "$dir"
    dpkg-deb -x "$deb" "$dir"
    touch "$dir/.unpacked"
}

# -------------------------------------------------------------------- steps

# OpenSBI: the generic platform's fw_dynamic, as a flat binary and an ELF.
build_opensbi() {
    local root=$1 name src
    for name in fw_dynamic.bin fw_dynamic.elf; do
        src=$root/usr/lib/riscv64-linux-gnu/opensbi/generic/$name
        if [[ ! -f $src ]]; then
            src=$(find "$root" -path '*riscv64*/generic/*' -name "$name" | head -n1)
            [[ -n $src ]] || die "no generic/$name in the opensbi package"
        fi
        up_to_date "$cache/$name" "$src" && continue
        log "$name <- ${src#"$root"/}"
        cp -f "$src" "$cache/$name.tmp"
        mv -f "$cache/$name.tmp" "$cache/$name"
    done
}

# check_image FILE: the RISC-V Image header has "RISCV\0\0\0" at 0x30 and
# "RSC\x05" at 0x38 (Documentation/arch/riscv/boot-image-header.rst).
check_image() {
    [[ $(od -An -c -j 48 -N 12 "$1" | tr -d ' \n') == 'RISCV\0\0\0RSC005' ]]
}

# The kernel. Debian's riscv64 package ships /boot/vmlinux-<ver>, which is
# already the raw Image (arch/riscv/boot/Image) with the EFI stub: it starts
# with "MZ", has the RISC-V magic at 0x30/0x38, and a text offset of 2 MiB.
# It is copied as it is. Should a later kernel ship a compressed image
# (gzip, or an EFI zboot "zimg" wrapper), it is decompressed here.
build_kernel() {
    local root=$1 src
    src=$(find "$root/boot" -maxdepth 1 \( -name 'vmlinux-*' -o -name 'vmlinuz-*' \) | head -n1)
    [[ -n $src ]] || die "no /boot/vmlinu[xz]-* in the kernel package"
    up_to_date "$cache/Image" "$src" && return
    local out=$cache/Image.tmp
    if check_image "$src"; then
        log "Image <- ${src#"$root"/} (raw Image with EFI stub)"
        cp -f "$src" "$out"
    elif [[ $(head -c2 "$src" | od -An -tx1 | tr -d ' ') == 1f8b ]]; then
        log "Image <- ${src#"$root"/} (gzip)"
        gzip -dc "$src" >"$out"
    elif [[ $(head -c2 "$src") == MZ && $(dd if="$src" bs=1 skip=4 count=4 status=none) == zimg ]]; then
        # EFI zboot: payload offset and size at 0x08 and 0x0c (le32), the
        # compression name at 0x18 (drivers/firmware/efi/libstub/zboot-header.S).
        local off size comp
        off=$(od -An -tu4 -j 8 -N 4 "$src" | tr -d ' ')
        size=$(od -An -tu4 -j 12 -N 4 "$src" | tr -d ' ')
        comp=$(dd if="$src" bs=1 skip=24 count=32 status=none | tr -d '\0')
        log "Image <- ${src#"$root"/} (EFI zboot, $comp)"
        case $comp in
            gzip) tail -c +$((off + 1)) "$src" | head -c "$size" | gzip -dc >"$out" ;;
            zstd | zstd22) tail -c +$((off + 1)) "$src" | head -c "$size" | zstd -dc >"$out" ;;
            xzkern | xz) tail -c +$((off + 1)) "$src" | head -c "$size" | xz -dc >"$out" ;;
            lzma) tail -c +$((off + 1)) "$src" | head -c "$size" | xz -dc --format=lzma >"$out" ;;
            *) die "EFI zboot compression '$comp' not handled" ;;
        esac
    else
        die "${src#"$root"/} is neither a RISC-V Image, gzip nor EFI zboot"
    fi
    check_image "$out" || die "the kernel Image lacks the RISC-V header magic"
    mv -f "$out" "$cache/Image"
}

# Resolve the wanted modules to a load order, dependencies first. Reads
# modules.dep (made by depmod: Debian's package ships none, its postinst
# runs depmod), modules.softdep (pre: entries), modules.alias (to turn a
# softdep such as "crc32c" into a module) and modules.builtin. Prints one
# path per line, relative to the modules directory, as in modules.dep.
module_load_order() {
    local mdir=$1
    shift
    declare -A path_of=() deps_of=() seen=()
    local line p name
    # modules.dep: "kernel/a/b.ko.xz: kernel/c.ko.xz kernel/d.ko.xz"
    while IFS= read -r line; do
        p=${line%%:*}
        name=${p##*/}
        name=${name%%.ko*}
        name=${name//-/_}
        path_of[$name]=$p
        deps_of[$p]=${line#*:}
    done <"$mdir/modules.dep"
    # modules.softdep: "softdep ext4 pre: crc32c post: ..."
    declare -A pre_of=()
    if [[ -f $mdir/modules.softdep ]]; then
        local kw rest
        while read -r kw name rest; do
            [[ $kw == softdep ]] || continue
            rest=${rest#*pre:}
            pre_of[${name//-/_}]=$(awk '{ for (i = 1; i <= NF && $i !~ /:$/; i++) printf "%s ", $i }' <<<"$rest")
        done < <(grep -E '^softdep .* pre:' "$mdir/modules.softdep" || true)
    fi
    local order=()
    # resolve NAME: the module file for a module name or alias (empty when
    # built in or unknown).
    resolve() {
        local n=${1//-/_} a
        if [[ -n ${path_of[$n]:-} ]]; then
            echo "${path_of[$n]}"
            return
        fi
        a=$(awk -v n="$1" '$1 == "alias" && $2 == n { print $3; exit }' "$mdir/modules.alias")
        if [[ -n $a && -n ${path_of[${a//-/_}]:-} ]]; then
            echo "${path_of[${a//-/_}]}"
        fi
    }
    visit() {
        local p=$1 n dep pre q
        [[ -z ${seen[$p]:-} ]] || return 0
        seen[$p]=1
        n=${p##*/}
        n=${n%%.ko*}
        n=${n//-/_}
        for pre in ${pre_of[$n]:-}; do
            q=$(resolve "$pre")
            [[ -z $q ]] || visit "$q"
        done
        for dep in ${deps_of[$p]:-}; do
            visit "$dep"
        done
        order+=("$p")
    }
    local want q
    for want in "$@"; do
        q=$(resolve "$want")
        if [[ -z $q ]]; then
            if grep -q -E "/${want}\.ko" "$mdir/modules.builtin"; then
                log "module $want is built into the kernel"
                continue
            fi
            die "module $want not found in $mdir"
        fi
        visit "$q"
    done
    printf '%s\n' "${order[@]}"
}

# The initramfs: busybox, the modules (decompressed, since busybox insmod
# takes a plain .ko) with their load order, and /init.
build_initramfs() {
    local kroot=$1 bbroot=$2
    local mdir kver
    mdir=$(find "$kroot/usr/lib/modules" "$kroot/lib/modules" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -n1 || true)
    [[ -n $mdir ]] || die "no modules directory in the kernel package"
    kver=$(basename "$mdir")
    local busybox=$bbroot/usr/bin/busybox
    [[ -f $busybox ]] || busybox=$bbroot/bin/busybox
    [[ -f $busybox ]] || die "no busybox in the busybox-static package"

    local out=$cache/initramfs.cpio.gz
    if up_to_date "$out" "$kroot/.unpacked" "$bbroot/.unpacked" "$here/init" "${BASH_SOURCE[0]}"; then
        return
    fi
    need_tool cpio cpio
    need_tool depmod kmod

    # modules.dep: run the host's depmod over the package's modules tree
    # (depmod reads any ELF64 module). A symlinked lib/modules lets both
    # old (lib/modules) and new (usr/lib/modules) kmod find it.
    if ! up_to_date "$mdir/modules.dep" "$kroot/.unpacked"; then
        log "depmod $kver"
        local droot=$cache/work/depmod-root
        rm -rf "$droot"
        mkdir -p "$droot/lib/modules"
        ln -s "$mdir" "$droot/lib/modules/$kver"
        depmod -b "$droot" "$kver"
        rm -rf "$droot"
    fi

    local stage=$cache/work/initramfs
    rm -rf "$stage"
    mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,mnt,tmp,etc,root,lib/modules/"$kver"}
    cp "$busybox" "$stage/bin/busybox"
    chmod 755 "$stage/bin/busybox"
    # The rest of the applet links are made at boot (busybox --install -s).
    ln -s busybox "$stage/bin/sh"
    cp "$here/init" "$stage/init"
    chmod 755 "$stage/init"
    # The kernel opens /dev/console before it starts /init; without root a
    # device node cannot be made here and /init reopens the console itself.
    if [[ $EUID -eq 0 ]]; then
        mknod -m 600 "$stage/dev/console" c 5 1
        mknod -m 666 "$stage/dev/null" c 1 3
    fi

    local order=() p dst
    # (Through a file, not a process substitution, so that its errors stop us.)
    module_load_order "$mdir" "${wanted_modules[@]}" >"$cache/work/module-order"
    mapfile -t order <"$cache/work/module-order"
    local list=$stage/lib/modules/$kver/load-order
    : >"$list"
    for p in "${order[@]}"; do
        dst=$stage/lib/modules/$kver/${p%.ko*}.ko
        mkdir -p "$(dirname "$dst")"
        case $p in
            *.ko.xz) xz -dc "$mdir/$p" >"$dst" ;;
            *.ko.zst) zstd -q -dc "$mdir/$p" >"$dst" ;;
            *.ko.gz) gzip -dc "$mdir/$p" >"$dst" ;;
            *.ko) cp "$mdir/$p" "$dst" ;;
            *) die "unexpected module file $p" ;;
        esac
        echo "${p%.ko*}.ko" >>"$list"
    done
    cp "$mdir/modules.builtin" "$mdir/modules.order" "$stage/lib/modules/$kver/" 2>/dev/null || true
    log "initramfs modules: $(xargs -n1 basename <"$list" | sed 's/\.ko$//' | paste -sd' ')"

    # newc cpio, owned by root, stable order and dates; then gzip.
    find "$stage" -exec touch -h -d @0 {} +
    (cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
        cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9n >"$out.tmp"
    mv -f "$out.tmp" "$out"
    log "initramfs.cpio.gz: $(du -h "$out" | cut -f1) (kernel $kver)"
}

# The disk: a 64 MiB ext4 with the files of firmware/guest/disk/ at its
# root, made without root privileges by mke2fs -d.
build_disk() {
    local src=$here/disk out=$cache/disk.ext4
    local inputs=("${BASH_SOURCE[0]}")
    mapfile -t -O 1 inputs < <(find "$src" -type f)
    up_to_date "$out" "${inputs[@]}" && return
    need_tool mke2fs e2fsprogs
    local stage=$cache/work/disk
    rm -rf "$stage"
    mkdir -p "$stage"
    cp -R "$src/." "$stage/"
    chmod -R u=rwX,go=rX "$stage"
    chmod 755 "$stage/test.sh"
    rm -f "$out.tmp"
    truncate -s "$disk_size" "$out.tmp"
    # A fixed UUID and hash seed keep the image's identity stable across
    # builds (the creation times inside still differ).
    mke2fs -q -t ext4 -L emu-guest \
        -U 6d75e6b4-6775-4573-9e74-6469736b0001 \
        -E root_owner=0:0,hash_seed=6d75e6b4-6775-4573-9e74-6469736b0002 \
        -d "$stage" -F "$out.tmp" "$disk_size"
    mv -f "$out.tmp" "$out"
    log "disk.ext4: $disk_size ext4 with $(cd "$stage" && find . -type f | sed 's|^\./||' | sort | paste -sd' ')"
}

# --------------------------------------------------------------------- main
need_tool dpkg-deb dpkg
need_tool xz xz-utils
fetch_packages

work=$cache/work
mkdir -p "$work"
kdeb=$(deb_of 'linux-image-.*-riscv64')
unpack "$kdeb" "$work/kernel"
unpack "$(deb_of opensbi)" "$work/opensbi"
unpack "$(deb_of busybox-static)" "$work/busybox"

build_opensbi "$work/opensbi"
build_kernel "$work/kernel"
build_initramfs "$work/kernel" "$work/busybox"
build_disk

log "done: $cache"
for f in fw_dynamic.bin fw_dynamic.elf Image initramfs.cpio.gz disk.ext4; do
    [[ -f $cache/$f ]] || die "missing output $f"
done
