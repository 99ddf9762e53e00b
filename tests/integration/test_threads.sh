#!/bin/bash
# Concurrent decisions (design 2: a notify pool; 4.1: req.pid is a TID): eight threads each
# do 5,000 open/stat/access calls on allowed and denied files interleaved (clean subtree,
# carve-out subtree, outside); every result must match the policy. Default flags,
# --no-landlock, and four forked processes with two threads each.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

T=$PROBES/threads
S=$SCRATCH
mkdir -p "$S/a" "$S/d/pub" "$S/d/sec" "$S/x"
printf 'OK-MARKER\n' > "$S/a/1"
printf 'OK-MARKER\n' > "$S/d/pub/2"
printf 'NO-MARKER\n' > "$S/d/sec/3"
printf 'NO-MARKER\n' > "$S/x/4"
FILES=("$S/a/1" "$S/d/pub/2" -- "$S/d/sec/3" "$S/x/4" "$S/d/sec/missing")
POL=(--allow-read="$S/a,$S/d" --deny-read="$S/d/sec")

judge() { # judge LABEL OPS
    local line
    line=$(printf '%s\n' "$OUT" | grep -E '^threads: ' | tail -1)
    echo "# $1: $line"
    want_rc 0 "$1: the probe ran"
    want_re "^threads: threads=8 ops=$2 ok=$(($2 / 2)) denied=$(($2 / 2)) mismatches=0 " \
        "$1: all $2 results match the policy (zero mismatches)"
}

OUT=$("$T" 8 500 OK-MARKER "${FILES[@]}")
check "native: without podtrace the denied files are readable (mismatches counted)" \
    grep -Eq 'mismatches=[1-9]' <<<"$OUT"

run_pt run -q "${POL[@]}" -- "$T" 8 5000 OK-MARKER "${FILES[@]}"
judge "8 threads, default flags" 40000
run_pt run -q --no-landlock "${POL[@]}" -- "$T" 8 5000 OK-MARKER "${FILES[@]}"
judge "8 threads, --no-landlock" 40000

# four processes (forked by the probe) with two threads each
run_pt run -q "${POL[@]}" -- "$T" 4x2 5000 OK-MARKER "${FILES[@]}"
want_rc 0 "4 processes x 2 threads: the probe ran"
check "4 processes: four result lines" test "$(printf '%s\n' "$OUT" | grep -c '^threads: ')" = 4
check "4 processes: every result matches the policy" \
    test "$(printf '%s\n' "$OUT" | grep -c '^threads: threads=2 ops=10000 ok=5000 denied=5000 mismatches=0 ')" = 4
printf '%s\n' "$OUT" | sed 's/^/# 4 processes: /'

finish
