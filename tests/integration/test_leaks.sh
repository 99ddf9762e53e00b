#!/bin/bash
# Existence and metadata leaks around the path decisions: quotactl's block-device lookup (an
# ENOTBLK/ENOENT oracle), the cwd's metadata through (AT_FDCWD, "", AT_EMPTY_PATH) once the
# worker starts in, or races its chdir into, a denied directory, and the per-thread spellings
# of /proc files (/proc/thread-self/..., /proc/self/task/<tid>/..., /proc/<pid>/task/<tid>/...,
# /proc/<tid>/...) behind a sys fact or a /proc rule. The leak probe runs natively first, in a
# throwaway namespace of its own (own session, pid and mount namespaces), to show each leak
# works there; then under podtrace, where each must be closed. (Writes to worker memory after
# a second ID_VALID: tests/unit/core_copy_out.c.)
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

L=$PROBES/leak
S=$SCRATCH
A=$S/allowed
D=$S/denied
mkdir -p "$A" "$D/inner"
printf 'SECRET\n' >"$D/file"
chmod 755 "$A" "$D" "$D/inner"
chmod 644 "$D/file"

if ! declare -F native_ns >/dev/null; then
    have_native_ns() {
        command -v unshare >/dev/null && command -v setsid >/dev/null &&
            setsid -w unshare --mount --pid --fork --kill-child --propagation private --mount-proc true 2>/dev/null
    }
    native_ns() { setsid -w unshare --mount --pid --fork --kill-child --propagation private --mount-proc -- "$@"; }
fi
NATIVE=1
have_native_ns || { NATIVE=""; echo "# note: no throwaway namespace here (unshare/setsid): no native comparison"; }
native_has() { # native_has OUTPUT LINE WHAT
    if grep -Fxq -- "$2" <<<"$1"; then ok "native: $3"; else soft_fail "native: $3: no line '$2' in: $1"; fi
}

# --- quotactl(Q_GETQUOTA, path): the path is looked up as a block device first ----------------
if [ -n "$NATIVE" ]; then
    out=$(native_ns "$L" quotactl "$D/file" "$D/nope" 2>&1)
    native_has "$out" "quotactl $D/file: ENOTBLK" "quotactl says ENOTBLK for a file that exists"
    native_has "$out" "quotactl $D/nope: ENOENT" "... and ENOENT for one that does not (the oracle)"
fi
for flags in "--allow-read=$A" "-A"; do
    run_pt run "$flags" -- "$L" quotactl "$D/file" "$D/nope"
    want "quotactl $D/file: EPERM" "$flags: quotactl on an existing file is refused (EPERM)"
    want "quotactl $D/nope: EPERM" "$flags: ... and on a missing one alike"
done

# --- the cwd through (AT_FDCWD, "", AT_EMPTY_PATH) ------------------------------------------------
CWDCALLS="newfstatat statx faccessat2 readlinkat"
if [ -n "$NATIVE" ]; then
    out=$(cd "$D" && native_ns "$L" cwdstat 2>&1)
    check "native: newfstatat(AT_FDCWD, \"\", AT_EMPTY_PATH) gives the cwd's metadata ($(head -1 <<<"$out"))" \
        grep -q '^newfstatat: ok ino=' <<<"$out"
fi
for flags in "--allow-read=$A --deny-read=$D" "--allow-read=$A"; do
    cd "$D" || fail "cd $D"
    # shellcheck disable=SC2086
    run_pt run $flags -- "$L" cwdstat
    cd "$S" || fail "cd $S"
    for c in $CWDCALLS; do
        want "$c: EACCES" "$flags, started in $D: $c(AT_FDCWD, \"\") is decided on the cwd: EACCES"
    done
    no_err_re 'SECRET' "$flags: nothing of the file's content on stderr"
done
cd "$A" || fail "cd $A"
run_pt run --allow-read="$A" -- "$L" cwdstat
cd "$S" || fail "cd $S"
want_re '^newfstatat: ok ino=' "control: in an allowed cwd, newfstatat(AT_FDCWD, \"\") works"
want "faccessat2: ok" "control: ... and faccessat2"
# the race: a thread rewrites chdir's path after the decision; the kernel lands in $D
if [ -n "$NATIVE" ]; then
    out=$(native_ns "$L" cwdrace "$A" "$D" 20000 2>&1)
    check "native: the probe gets its cwd into $D ($(head -1 <<<"$out"))" grep -q '^cwdrace: won' <<<"$out"
    check "native: ... and stats it there" grep -q '^cwdrace newfstatat: ok' <<<"$out"
fi
run_pt run --allow-read="$A" -- "$L" cwdrace "$A" "$D" 20000
want_rc 0 "the chdir race ran under podtrace"
if printf '%s\n' "$OUT" | grep -q '^cwdrace: won'; then
    echo "# $(grep '^cwdrace: won' <<<"$OUT") under podtrace: the cwd is in $D"
    for c in $CWDCALLS; do
        want "cwdrace $c: EACCES" "after a won chdir race, $c(AT_FDCWD, \"\") is decided: EACCES"
    done
else
    echo "# note: the chdir race was not won under podtrace this time ($OUT); the start-in-$D case above covers the check"
fi

# --- /proc: a thread's spelling is decided as the process's --------------------------------------
SPELLINGS="self thread-self self-task pid-task tid"
if [ -n "$NATIVE" ]; then
    out=$(native_ns "$L" proc net/dev 2>&1)
    for sp in $SPELLINGS; do
        check "native: /proc/<$sp>/net/dev reads the interfaces" grep -q "^$sp: ok" <<<"$out"
    done
fi
run_pt run -- "$L" proc net/dev
for sp in $SPELLINGS; do
    want "$sp: EACCES" "default: the $sp spelling of net/dev is the networkInterfaces fact: EACCES"
done
want_err_re 'denied sys access to "networkInterfaces"|--allow-sys=networkInterfaces' "default: the notice names --allow-sys=networkInterfaces"
run_pt run --allow-sys=networkInterfaces -- "$L" proc net/dev
for sp in $SPELLINGS; do
    want_re "^$sp: ok [0-9]+ lines\$" "--allow-sys=networkInterfaces: the $sp spelling reads (control)"
done
# a /proc rule, written per process, covers every thread's spelling; and written per thread
for rule in /proc/self/environ /proc/thread-self/environ; do
    run_pt run -A --deny-read="$rule" -- "$L" proc environ
    for sp in $SPELLINGS; do
        want "$sp: EACCES" "-A --deny-read=$rule: the $sp spelling of environ is denied"
    done
done
run_pt run -A -- "$L" proc environ
for sp in $SPELLINGS; do
    want_re "^$sp: ok" "-A: the $sp spelling of environ reads (control)"
done
run_pt run -A --deny-read=/proc/self/status -- "$L" proc status
for sp in $SPELLINGS; do
    want "$sp: EACCES" "-A --deny-read=/proc/self/status: the $sp spelling of status is denied"
done

finish
