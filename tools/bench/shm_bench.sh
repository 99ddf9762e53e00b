#!/bin/sh
# SPDX-License-Identifier: MIT
# libshm benchmark driver: the C comparison (libshm, pipe pair, unix socketpair) and the
# Python one (podshm vs os.pipe, and Python's own overhead), same machine, same run.
#
#   tools/bench/shm_bench.sh [BUILD_DIR] [--quick]     (BUILD_DIR default: build)
#
# Both pin their two processes to CPUs 0 and 1 (SHM_BENCH_CPUS=A,B to change).
set -eu
cd "$(dirname "$0")/../.."
build=build
quick=""
for a in "$@"; do
        case $a in
        --quick) quick=--quick ;;
        *) build=$a ;;
        esac
done
cpus=${SHM_BENCH_CPUS:-0,1}
[ -x "$build/src/shm/shm_bench" ] || cmake --build "$build" --target shm_bench shm >/dev/null
echo "# $(uname -r), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
out=$("$build/src/shm/shm_bench" --cpus "$cpus" $quick)
echo "$out"
inproc=$(echo "$out" | awk '/libshm in-process/ { print $5 }')
echo
PODSHM_LIB="$PWD/$build/src/shm/libshm.so" PYTHONPATH="$PWD/python" \
        python3 tools/bench/shm_bench.py --cpus "$cpus" --c-inproc "${inproc:-0}" $quick
