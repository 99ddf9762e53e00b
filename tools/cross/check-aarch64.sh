#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Cross-compile check for aarch64 on a Debian 12 (bookworm) x86_64 machine.
#
#   tools/cross/check-aarch64.sh [--clean] [--no-install]
#
# 1. Installs what is missing: the arm64 foreign architecture, Debian's cross compiler and
#    the arm64 multiarch -dev packages of podtrace's dependencies (needs root, or sudo).
# 2. Configures <repo>/build-aarch64 with tools/cross/aarch64-toolchain.cmake and builds
#    everything, tests included, with the project's -Wall -Wextra -Werror.
# 3. Runs `file` on the podtrace binary and checks that it, and every other executable
#    built, is an ARM aarch64 ELF.
# Exits non-zero on any failure. Safe to run repeatedly (installs and configures only what
# is missing; an existing build-aarch64 is reused, re-configured afresh if it was configured
# without the toolchain file; --clean removes it first).
#
# Environment: BUILD_DIR (default <repo>/build-aarch64), JOBS (default nproc).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
src=$(cd "$here/../.." && pwd -P)
toolchain="$here/aarch64-toolchain.cmake"
build=$(realpath -m "${BUILD_DIR:-$src/build-aarch64}")
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
triple=aarch64-linux-gnu

clean=0
install=1
for arg in "$@"; do
        case $arg in
        --clean) clean=1 ;;
        --no-install) install=0 ;;
        -h | --help)
                sed -n '3,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
                exit 0
                ;;
        *)
                echo "check-aarch64: unknown argument '$arg'" >&2
                exit 2
                ;;
        esac
done

say() { printf '==> %s\n' "$*"; }
die() {
        printf 'check-aarch64: FAIL: %s\n' "$*" >&2
        exit 1
}

# --- 1. prerequisites -------------------------------------------------------------------
# Build-machine packages, and the target's (arm64) -dev packages. On bookworm all of these
# co-install with their amd64 counterparts (Multi-Arch: same); apt may upgrade an amd64
# library (e.g. liblzma5) to the exact version its arm64 twin needs.
host_pkgs=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross cmake make pkg-config file)
target_pkgs=(libseccomp-dev libnl-3-dev libnl-route-3-dev libunwind-dev libcjson-dev libcmocka-dev)

installed() { # installed PKG[:ARCH]
        [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

as_root() {
        if [[ $(id -u) -eq 0 ]]; then
                "$@"
        elif command -v sudo >/dev/null; then
                sudo "$@"
        else
                die "need root (or sudo) to run: $*"
        fi
}

if [[ $install -eq 1 ]]; then
        if ! command -v dpkg >/dev/null || ! command -v apt-get >/dev/null; then
                die "this check expects a Debian (bookworm) build machine with dpkg/apt"
        fi
        missing=()
        for p in "${host_pkgs[@]}"; do installed "$p" || missing+=("$p"); done
        for p in "${target_pkgs[@]}"; do installed "$p:arm64" || missing+=("$p:arm64"); done
        if [[ ${#missing[@]} -gt 0 ]]; then
                if ! dpkg --print-foreign-architectures | grep -qx arm64; then
                        say "adding the arm64 foreign architecture"
                        as_root dpkg --add-architecture arm64
                fi
                say "installing: ${missing[*]}"
                export DEBIAN_FRONTEND=noninteractive
                as_root apt-get update
                as_root apt-get install -y --no-install-recommends "${missing[@]}"
        else
                say "prerequisites already installed"
        fi
fi
for p in "${host_pkgs[@]}"; do installed "$p" || die "missing build-machine package $p"; done
for p in "${target_pkgs[@]}"; do installed "$p:arm64" || die "missing target package $p:arm64"; done
command -v "$triple-gcc" >/dev/null || die "$triple-gcc not found"

# --- 2. configure and build ---------------------------------------------------------------
case $build in
/ | "$src" | "$src"/ | "$src"/src* | "$src"/tests* | "$src"/arch* | "$src"/tools*)
        die "refusing to use $build as the build directory" ;;
esac
if [[ $clean -eq 1 && -d $build ]]; then
        say "removing $build"
        rm -rf "$build"
fi
# A build directory configured for another compiler or toolchain cannot be switched in
# place: drop its cache (what `cmake --fresh` does) and configure it afresh.
cache="$build/CMakeCache.txt"
if [[ -f $cache ]] && ! grep -qxF "CMAKE_TOOLCHAIN_FILE:FILEPATH=$toolchain" "$cache"; then
        say "$build was configured without $toolchain: starting its configuration afresh"
        rm -rf "$cache" "$build/CMakeFiles"
fi

say "configuring $build"
cmake -S "$src" -B "$build" \
        -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
        -DPODTRACE_TESTS=ON ||
        die "cmake configure failed"

say "building (-j$jobs)"
cmake --build "$build" -j"$jobs" || die "build failed"

# --- 3. what came out ---------------------------------------------------------------------
bin="$build/podtrace"
[[ -x $bin ]] || die "$bin was not built"
say "file $bin"
desc=$(file -b "$bin")
echo "$desc"
[[ $desc == ELF\ 64-bit\ LSB*ARM\ aarch64* ]] || die "podtrace is not an ARM aarch64 ELF"

# Every other executable the build produced (tests, probes) must be aarch64 too: catches a
# target that silently picked up the build machine's compiler or libraries.
n=0
bad=()
while IFS= read -r -d '' f; do
        d=$(file -b "$f")
        [[ $d == ELF* ]] || continue
        n=$((n + 1))
        [[ $d == *ARM\ aarch64* ]] || bad+=("$f: $d")
done < <(find "$build" -path "$build/CMakeFiles" -prune -o -type f -perm -u+x -print0)
if [[ ${#bad[@]} -gt 0 ]]; then
        printf '  %s\n' "${bad[@]}" >&2
        die "${#bad[@]} executable(s) are not aarch64"
fi
say "OK: $n aarch64 ELF executable(s) built in $build"
