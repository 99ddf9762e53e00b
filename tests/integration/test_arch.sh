#!/bin/bash
# Non-native ABIs (design 4.4): a system call through the i386 int $0x80 ABI or with the x32
# bit set kills the process (SIGSYS: podtrace exits 128+31 = 159) before it returns, while
# the same probe succeeds natively (x32: ENOSYS natively when CONFIG_X86_X32_ABI is off) and
# the x86_64 control call works under podtrace.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

[ "$(uname -m)" = x86_64 ] || skip "x86_64 only (the probe uses int \$0x80 and x32 numbers)"
A=$PROBES/arch
S=$SCRATCH
ulimit -c 0 # SIGSYS dumps core by default
printf 'SECRET\n' > "$S/secret"

# natively
native=$("$A" i386-getpid 2>&1) || true
case "$native" in
"i386-getpid: ret="[1-9]*) ok "native: int \$0x80 getpid works ($native)" ;;
*) skip "this kernel has no i386 emulation (int \$0x80 getpid natively: '$native')" ;;
esac
native=$("$A" i386-open "$S/secret" 2>&1)
check "native: int \$0x80 open works ($native)" grep -Eq '^i386-open: ret=[0-9]+$' <<<"$native"
native=$("$A" x32-getpid 2>&1)
check "native: the x32 call returns (ret=-38 ENOSYS without x32 support, a pid with it: $native)" \
    grep -Eq '^x32-getpid: ret=(-38|[1-9][0-9]*)$' <<<"$native"

# under podtrace
run_pt run -- "$A" native-getpid
want_rc 0 "podtrace: the native x86_64 syscall works"
want "native-getpid: ret=2" "podtrace: the worker is pid 2 in its namespace (init is 1)"

run_pt run -- "$A" i386-getpid
want_rc 159 "podtrace: int \$0x80 getpid kills the process with SIGSYS"
check "podtrace: the call never returned (no output)" test -z "$OUT"

run_pt run --allow-read="$S" -- "$A" i386-open "$S/secret"
want_rc 159 "podtrace: int \$0x80 open of an allowed file kills the process too"
check "podtrace: the i386 open never returned" test -z "$OUT"

run_pt run -- "$A" i386-open "$S/secret"
want_rc 159 "podtrace: int \$0x80 open of a denied file kills the process"

run_pt run -- "$A" x32-getpid
want_rc 159 "podtrace: an x32 syscall number kills the process with SIGSYS"
check "podtrace: the x32 call never returned" test -z "$OUT"

# the filter is inherited across fork and exec: a program the worker runs dies the same way
run_pt run --allow-run="$A" --allow-read="$A" -- /bin/sh -c "\"$A\" i386-getpid; echo status=\$?"
want "status=159" "podtrace: a child of the worker dies of SIGSYS as well (sh sees 128+31)"
check "podtrace: the child's call never returned" test -z "$(printf '%s\n' "$OUT" | grep '^i386')"

finish
