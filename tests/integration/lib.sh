# Shared helpers for the integration tests (sourced). Each test is one script: it makes
# its own scratch directory, runs podtrace, and checks. `fail` ends the test with a reason,
# `skip` ends it as skipped (exit 77) with a reason; reaching the end passes.
set -u
: "${PODTRACE:?PODTRACE must point at the podtrace binary}"
: "${PROBES:?PROBES must point at the probe directory}"

T_NAME=$(basename "$0" .sh)
T_CHECKS=0

fail() { echo "FAIL [$T_NAME]: $*" >&2; exit 1; }
skip() { echo "SKIP [$T_NAME]: $*" >&2; exit 77; }
ok() { T_CHECKS=$((T_CHECKS + 1)); echo "ok $T_CHECKS - $*"; }

[ "$(id -u)" = 0 ] || skip "needs root (namespaces, ptrace and seccomp)"

# The worker runs as an unprivileged identity (uid 65534 when the tests run as root, design
# 1.8), so the fixtures the tests make as root must be open to it the way a user's own files
# are to themselves: the tests create them with umask 000, and podtrace itself runs with the
# usual 022 (run_pt), so what the worker creates gets ordinary modes.
umask 000
# A scratch directory under /tmp, removed at exit. Canonical (no symlinks) by construction.
SCRATCH=$(mktemp -d /tmp/podtrace-test.XXXXXX)
SCRATCH=$(readlink -f "$SCRATCH")
chmod 777 "$SCRATCH"
trap 'rm -rf "$SCRATCH"' EXIT

# The interpreter podtrace would pick (resolving a pyenv shim), for tests that need its path.
python_real() { python3 -I -S -c 'import sys; print(sys.executable)' | xargs readlink -f; }
command -v python3 >/dev/null || skip "python3 not installed"

# run_pt COMMAND ARGS...: runs podtrace; sets OUT, ERR (file contents) and RC. PT_EXTRA
# (set by the "slow paths" variant of the suite) goes right after the command.
run_pt() {
    local cmd=$1
    shift
    if [ "$cmd" = policy ]; then # "policy show": the options come after both words
        cmd="policy $1"
        shift
    fi
    # shellcheck disable=SC2086
    (umask 022 && exec "$PODTRACE" $cmd ${PT_EXTRA:-} "$@") >"$SCRATCH/.out" 2>"$SCRATCH/.err"
    RC=$?
    OUT=$(cat "$SCRATCH/.out")
    ERR=$(cat "$SCRATCH/.err")
}

expect_rc() { # expect_rc WANT WHAT
    [ "$RC" = "$1" ] || fail "$2: exit status $RC, expected $1; stdout: $OUT; stderr: $ERR"
    ok "$2 (exit $1)"
}
expect_out() { # expect_out REGEX WHAT
    printf '%s\n' "$OUT" | grep -Eq -- "$1" || fail "$2: stdout lacks /$1/; stdout: $OUT; stderr: $ERR"
    ok "$2"
}
expect_no_out() {
    printf '%s\n' "$OUT" | grep -Eq -- "$1" && fail "$2: stdout has /$1/; stdout: $OUT"
    ok "$2"
}
expect_err() {
    printf '%s\n' "$ERR" | grep -Eq -- "$1" || fail "$2: stderr lacks /$1/; stderr: $ERR"
    ok "$2"
}
expect_no_err() {
    printf '%s\n' "$ERR" | grep -Eq -- "$1" && fail "$2: stderr has /$1/; stderr: $ERR"
    ok "$2"
}

# native_ns CMD ARGS...: runs an escape probe natively, as root, but in a throwaway namespace
# of its own (own session, pid and mount namespaces, private propagation, a fresh /proc), so
# that a probe that really escapes (a kill(0, ...), a mount over /tmp) cannot hurt the
# machine or the test run. `have_native_ns` says whether it can run here.
have_native_ns() {
    command -v unshare >/dev/null && command -v setsid >/dev/null &&
        setsid -w unshare --mount --pid --fork --kill-child --propagation private --mount-proc true 2>/dev/null
}
native_ns() { # --kill-child: killing unshare (a timeout) takes the whole namespace down
    setsid -w unshare --mount --pid --fork --kill-child --propagation private --mount-proc -- "$@"
}

# The worker's identity when the tests run as root without sudo (design 1.8), and a helper
# that gives fixtures to it, the way a user's own files belong to the user: a test of the
# policy must not be decided by file permissions instead.
WORKER_UID=65534
WORKER_GID=65534
worker_owns() { chown -R -h "$WORKER_UID:$WORKER_GID" "$@"; }
