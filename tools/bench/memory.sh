#!/bin/bash
# The supervisor's peak RSS (VmHWM) must not grow with the number of syscalls or the length
# of the log: run the same worker for 20k and 200k notified syscalls, with and without -v to
# a log file, and print podtrace's own VmHWM (not the worker's) for each.
# Usage: tools/bench/memory.sh [path/to/podtrace]   (as root)
set -eu
PT=$(readlink -f "${1:-$(dirname "$0")/../../build/podtrace}")
W=$(mktemp -d /tmp/podtrace-mem.XXXXXX)
trap 'rm -rf "$W"' EXIT
cat > "$W/loop.c" <<'C'
#include <stdlib.h>
#include <sys/stat.h>
int main(int argc, char **argv) {
    struct stat st;
    for (long i = 0, n = atol(argv[1]); i < n; i++)
        stat(argv[2], &st);
    return 0;
}
C
cc -O2 -o "$W/loop" "$W/loop.c"
hwm() { # hwm ARGS...: run podtrace, sample its VmHWM until it exits, print the last value
    "$PT" run -q "$@" & local pid=$! last=0
    while kill -0 "$pid" 2>/dev/null; do
        v=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
        [ -n "$v" ] && last=$v
        sleep 0.02
    done
    wait "$pid" || true
    echo "$last"
}
printf '%-34s %12s\n' "run" "VmHWM (KiB)"
for n in 20000 200000; do
    printf '%-34s %12s\n' "$n stats" "$(hwm --allow-read="$W" -- "$W/loop" "$n" "$W/loop.c")"
    printf '%-34s %12s\n' "$n stats, -v --log-file" \
        "$(hwm -v --log-file="$W/log" --allow-read="$W" -- "$W/loop" "$n" "$W/loop.c")"
done
printf '%-34s %12s\n' "log lines written (last run)" "$(wc -l < "$W/log")"
