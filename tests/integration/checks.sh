# Soft checks for the integration tests (sourced after $TESTLIB). lib.sh's expect_* end the
# test at the first failure; these report a failure and go on, so that one broken case does
# not hide the others. `finish` at the end of a script fails the test if any check failed.
#
#   want 'read /x: EACCES' [WHAT]  stdout of the last run_pt has exactly this line
#   want_re REGEX WHAT             stdout has a line matching REGEX (grep -E)
#   want_err_re REGEX WHAT         stderr has a line matching REGEX
#   no_err_re REGEX WHAT           stderr has no line matching REGEX
#   want_rc N WHAT                 the last run_pt exited with N
#   check WHAT CMD...              CMD succeeds (e.g. a test(1) on the host's files)
SOFT_FAILS=0

soft_fail() {
    SOFT_FAILS=$((SOFT_FAILS + 1))
    echo "FAIL [$T_NAME]: $*" >&2
    echo "not ok - ${1%%$'\n'*}"
}

want() {
    if printf '%s\n' "$OUT" | grep -Fxq -- "$1"; then ok "${2:-$1}"; else
        soft_fail "${2:-$1}: stdout has no line '$1'
--- stdout:
$OUT
--- stderr:
$ERR
---"
    fi
}

want_re() {
    if printf '%s\n' "$OUT" | grep -Eq -- "$1"; then ok "$2"; else
        soft_fail "$2: stdout has no line matching /$1/
--- stdout:
$OUT
--- stderr:
$ERR
---"
    fi
}

want_err_re() {
    if printf '%s\n' "$ERR" | grep -Eq -- "$1"; then ok "$2"; else
        soft_fail "$2: stderr has no line matching /$1/
--- stderr:
$ERR
---"
    fi
}

no_err_re() {
    if printf '%s\n' "$ERR" | grep -Eq -- "$1"; then
        soft_fail "$2: stderr has a line matching /$1/
--- stderr:
$ERR
---"
    else ok "$2"; fi
}

want_rc() {
    if [ "$RC" = "$1" ]; then ok "$2 (exit $1)"; else
        soft_fail "$2: exit status $RC, expected $1
--- stdout:
$OUT
--- stderr:
$ERR
---"
    fi
}

check() {
    local what=$1
    shift
    if "$@"; then ok "$what"; else soft_fail "$what: '$*' is false"; fi
}

# file_is PATH CONTENT: the host file holds exactly CONTENT (no trailing newline added).
file_is() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

finish() {
    if [ "$SOFT_FAILS" != 0 ]; then
        fail "$SOFT_FAILS of $((T_CHECKS + SOFT_FAILS)) checks failed (see the FAIL lines above)"
    fi
    echo "# $T_NAME: all $T_CHECKS checks passed"
}
