#!/bin/bash
# Escapes an adversarial review found (issue 10, items 1-3), each attempted natively -- in a
# throwaway namespace of its own (own session, pid and mount namespaces) so that an escape
# that works cannot hurt the machine -- to show the probe detects it, then under podtrace.
#   1. an untraced child (clone(CLONE_UNTRACED)); a run rule for a name not on PATH
#   2. signals sent to the process group, the session, every process: nothing outside is hit;
#      ^C and an interactive python3 REPL still work on a terminal
#   3. set-user-ID / set-group-ID files and setgid directories, by every call that sets a mode
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

S=$SCRATCH
chmod 777 "$S"
P=$PROBES
NATIVE_OK=0
if have_native_ns; then NATIVE_OK=1; else echo "# note: no throwaway namespace (unshare/setsid): native halves skipped"; fi

# --- 1. untraced children -------------------------------------------------------------
if [ $NATIVE_OK = 1 ]; then
    NAT=$(native_ns "$P/untraced" 2>&1)
    check "native: clone(CLONE_UNTRACED) makes a child" grep -qx "clone-untraced: ok" <<<"$NAT"
fi
for mode in default -A; do
    flags=()
    [ $mode = default ] || flags=(-A)
    run_pt run -q "${flags[@]}" -- "$P/untraced" /bin/true
    want "clone-untraced: EPERM" "$mode: clone(CLONE_UNTRACED) is refused"
done

# an allow rule for a name that is not on PATH allows nothing: a file the worker wrote under
# that name (a #! script, whose interpreter would be granted for the exec) does not run
mkdir -m 777 "$S/bin"
printf '#!/bin/sh\necho mytool ran\n' >"$S/bin/mytool"
chmod 755 "$S/bin/mytool"
run_pt run --allow-run=mytool --allow-read="$S" -- /bin/sh -c "$S/bin/mytool; echo status=\$?"
want "status=126" "--allow-run=mytool (not on PATH) does not allow $S/bin/mytool"
check "...and it did not run" test -z "$(grep -x 'mytool ran' <<<"$OUT")"
want_err_re 'warning: --allow-run=mytool: not found on PATH, so it allows nothing' "a warning names the rule"
want_err_re 'denied run access to ".*/bin/mytool"' "the exec's notice"
# the same name on PATH is allowed (the rule is resolved at start-up)
PATH="$S/bin:$PATH" run_pt run --allow-run=mytool -- /bin/sh -c "mytool; echo status=\$?"
want "mytool ran" "--allow-run=mytool found on PATH runs it"

# --- 2. signals stay inside -------------------------------------------------------------
# A canary in the caller's process group writes a file after a second, unless it was killed
# or stopped. Natively the probe's signal reaches it; under podtrace it must not.
canary_run() { # canary_run FILE CMD...: in a new session; the canary shares the caller's group
    local f=$1
    shift
    rm -f "$f"
    # a regression can stop the whole session (SIGSTOP to the group): the outer timeout ends
    # the wait, then everything left in that session is killed
    timeout -s KILL 15 setsid -w bash -c 'echo $$ >"$0.sid"; (sleep 1; echo alive >"$0") & "$@"; echo "rc=$?" >"$0.rc"; sleep 1.5' \
        "$f" "$@" >"$f.out" 2>&1
    [ -s "$f.sid" ] && pkill -KILL -s "$(cat "$f.sid")" 2>/dev/null
    return 0
}
for m in pgrp stop session all; do
    if [ $NATIVE_OK = 1 ]; then
        rm -f "$S/n-$m"
        # the outer timeout ends a stopped namespace: unshare --kill-child takes it down
        timeout -s KILL 6 setsid -w unshare --mount --pid --fork --kill-child --propagation private \
            --mount-proc -- bash -c '(sleep 1; echo alive >"$0") & "$1" "$2"; sleep 1.5' \
            "$S/n-$m" "$P/sigout" "$m" >/dev/null 2>&1
        check "native: sigout $m reaches a process of its group (canary silenced)" test ! -e "$S/n-$m"
    fi
    # shellcheck disable=SC2086
    # --foreground: timeout leaves podtrace in the canary's process group
    canary_run "$S/c-$m" timeout --foreground -s KILL 5 "$PODTRACE" run -q ${PT_EXTRA:-} -- "$P/sigout" "$m"
    check "podtrace: sigout $m does not reach podtrace's process group (canary alive)" test -e "$S/c-$m"
    check "podtrace: the probe really sent it ($m)" grep -q "sigout $m: \(sent\|pid\)" "$S/c-$m.out"
done
check "podtrace: kill(0, SIGKILL) ends only the worker (exit 137)" grep -qx "rc=137" "$S/c-pgrp.rc"

# ^C at a terminal and an interactive REPL (a pty; the worker's session is not the terminal's)
cat >"$S/repl.steps" <<'STEPS'
expect >>> 
send print(6 * 7)\n
expect 42
send import time\n
expect >>> 
send while True: time.sleep(0.05)\n
expect \.\.\. 
send \n
send \x03
expect KeyboardInterrupt
send print("after", "interrupt")\n
expect after interrupt
send exit(3)\n
eof
STEPS
# shellcheck disable=SC2086
REPL=$(cd "$S" && timeout 60 python3 "$(dirname "$TESTLIB")/pty_repl.py" "$S/repl.steps" -- \
    "$PODTRACE" run -q ${PT_EXTRA:-} -- python3 -q -i 2>&1)
check "REPL: an expression prints its value" grep -q "^step 3 ok" <<<"$REPL"
check "REPL: ^C interrupts a running loop with KeyboardInterrupt" grep -q "^step 10 ok" <<<"$REPL"
check "REPL: the REPL goes on after ^C" grep -q "^step 12 ok" <<<"$REPL"
check "REPL: exit(3) is podtrace's exit status" grep -qx "exit status 3" <<<"$REPL"
[ "$SOFT_FAILS" = 0 ] || echo "$REPL" | sed 's/^/#   /'

# --- 3. no set-id bits -----------------------------------------------------------------
setid_dirs() { # a fresh directory the worker may write, with a setgid directory inside
    rm -rf "$1"
    mkdir -m 777 "$1"
    mkdir "$1/sgid-parent"
    chmod 2777 "$1/sgid-parent"
}
WAYS="chmod fchmod fchmodat fchmodat2 open-creat creat mknod mkdir mkdir-in-setgid-dir"
if [ $NATIVE_OK = 1 ]; then
    setid_dirs "$S/native"
    NAT=$(native_ns "$P/setid" "$S/native" 2>&1)
    # (mkdir itself ignores S_ISGID in its mode on Linux: only the inherited bit sticks)
    for w in ${WAYS/mkdir /}; do
        check "native: $w leaves a set-id bit ($(grep "^$w: " <<<"$NAT"))" grep -Eq "^$w: [2467][0-7]{3}$" <<<"$NAT"
    done
fi
for mode in narrow all root; do
    setid_dirs "$S/$mode"
    case $mode in
    narrow) flags=(--allow-read="$S/$mode" --allow-write="$S/$mode") ;;
    all) flags=(-A) ;;
    root) flags=(-A --user=0) ;;
    esac
    run_pt run -q "${flags[@]}" -- "$P/setid" "$S/$mode"
    for w in $WAYS; do
        want_re "^$w: [01][0-7]{3}$" "$mode: $w leaves no set-id bit"
    done
    check "$mode: nothing under the directory carries a set-id bit" \
        test -z "$(find "$S/$mode" -mindepth 1 -perm /6000 ! -path "$S/$mode/sgid-parent" -print)"
done
finish
