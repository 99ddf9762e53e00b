#!/bin/bash
# Running subprocesses (design 1.2 run, 4.3): a program the worker execs must be allowed by
# --allow-run (by name on PATH or by path); one that is not is refused with EACCES and a
# notice, whether or not its file is readable; the answer is the same with and without the
# Landlock fast path.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

F=$PROBES/fsop

for mode in default --no-landlock; do
    extra=()
    [ "$mode" = default ] || extra=("$mode")
    # allowed by path and by name
    run_pt run "${extra[@]}" --allow-run="$F,cat" -- /bin/sh -c "\"$F\" read /dev/null; echo rc=\$?; echo CAT-RAN | cat"
    want "read /dev/null: ok" "$mode: a program allowed by path (--allow-run=PATH) runs"
    want "rc=0" "$mode: ... and exits 0"
    want "CAT-RAN" "$mode: a program allowed by name (--allow-run=cat, found on PATH) runs"
    # not allowed: refused even when its file is readable
    run_pt run "${extra[@]}" --allow-read="$F" -- /bin/sh -c "\"$F\" read /dev/null; echo rc=\$?"
    want_rc 0 "$mode: the shell ran"
    want "rc=126" "$mode: exec of a program not in --allow-run fails (sh reports 126)"
    check "$mode: the program did not run" test -z "$(printf '%s\n' "$OUT" | grep -F 'read /dev/null')"
    want_err_re "^podtrace: denied run access to \"?$F\"?" "$mode: the notice names the run denial"
    want_err_re "--allow-run=" "$mode: the notice names the fix"
done

finish
