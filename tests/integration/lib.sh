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

# A scratch directory under /tmp, removed at exit. Canonical (no symlinks) by construction.
SCRATCH=$(mktemp -d /tmp/podtrace-test.XXXXXX)
SCRATCH=$(readlink -f "$SCRATCH")
chmod 755 "$SCRATCH"
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
    "$PODTRACE" $cmd ${PT_EXTRA:-} "$@" >"$SCRATCH/.out" 2>"$SCRATCH/.err"
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
