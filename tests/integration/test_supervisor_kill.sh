#!/bin/bash
# The supervisor's death (design 3: EXITKILL kills the tree, a closed listener fails every
# notified syscall, fail closed): SIGKILL podtrace while a worker tree keeps making notified
# syscalls; the whole tree must be gone within two seconds and no notified syscall may have
# succeeded after podtrace died. Signal forwarding (design 3, 1.1): SIGTERM to podtrace
# reaches the worker; podtrace exits 143 when the worker dies of it, or the worker's own
# status when it handles it.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

L=$PROBES/loop
S=$SCRATCH
printf 'x' > "$S/statme"
: > "$S/out"

now_ns() { date +%s%N; }
# descendants PID: every process below PID (ps, since /proc/*/task/*/children may be absent)
descendants() {
    local c
    for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        echo "$c"
        descendants "$c"
    done
}
# alive PID: the process exists and is not a zombie
alive() { [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
wait_for() { # wait_for TENTHS CMD...: poll until CMD succeeds
    local n=$1
    shift
    for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
    "$@"
}
lines_at_least() { [ "$(wc -l < "$1")" -ge "$2" ]; }

# --- SIGKILL of the supervisor ----------------------------------------------------------
"$PODTRACE" run ${PT_EXTRA:-} -q --allow-read="$S" --allow-write="$S" -- "$L" "$S/out" "$S/statme" 2 \
    > "$S/pt.out" 2> "$S/pt.err" &
PT=$!
wait_for 100 lines_at_least "$S/out" 300 || { kill -9 "$PT"; fail "the worker tree did not start (out: $(wc -l < "$S/out") lines; stderr: $(cat "$S/pt.err"))"; }
all_started() { [ "$(grep -c '^P2 ' "$S/out")" -gt 0 ] && [ "$(grep -c '^P99 ' "$S/out")" -gt 0 ]; }
wait_for 30 all_started || true
TREE=$(descendants "$PT")
ntree=$(echo "$TREE" | grep -c .)
echo "# podtrace $PT, tree: $(echo $TREE)"
check "the sandbox tree has init, the worker, 2 looping children, a sleeper and a daemon (>= 6 processes)" \
    test "$ntree" -ge 6
check "every looping process (the daemon too) made notified syscalls before the kill" \
    test "$(cut -d' ' -f1 "$S/out" | sort -u | paste -sd,)" = "P0,P1,P2,P99"

kill -9 "$PT"
wait "$PT" 2>/dev/null
T_DEAD=$(now_ns)
C1=$(grep -c ' ok ' "$S/out")
gone() {
    local p
    for p in $TREE; do alive "$p" && return 1; done
    return 0
}
wait_for 20 gone
check "the whole worker tree is gone within 2 s of SIGKILL to podtrace" gone
for p in $TREE; do
    alive "$p" && echo "# still alive: $p $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)"
done
check "no process with the scratch dir in its command line is left" \
    test -z "$(pgrep -f -- "$S/out" || true)"
sleep 0.5
C2=$(grep -c ' ok ' "$S/out")
check "the counter stopped: $C1 lines when podtrace was reaped, $C2 later (at most 1 in flight)" \
    test $((C2 - C1)) -le 1
late=$(awk -v t="$T_DEAD" '$3 == "ok" && $4 > t' "$S/out" | head -3)
check "no notified syscall succeeded after podtrace was reaped" test -z "$late"
[ -z "$late" ] || echo "# late lines: $late"

# --- SIGTERM is forwarded ----------------------------------------------------------------
"$PODTRACE" run ${PT_EXTRA:-} -- /bin/sleep 30 > "$S/pt2.out" 2> "$S/pt2.err" &
PT=$!
has_sleep() { [ -n "$(descendants "$PT" | xargs -r ps -o comm= -p 2>/dev/null | grep -x sleep)" ]; }
wait_for 50 has_sleep || fail "the sleep worker did not start: $(cat "$S/pt2.err")"
TREE=$(descendants "$PT")
t0=$(now_ns)
kill -TERM "$PT"
wait "$PT"
RC=$?
t1=$(now_ns)
ERR=$(cat "$S/pt2.err")
OUT=$(cat "$S/pt2.out")
want_rc 143 "SIGTERM to podtrace: the worker dies of it and podtrace exits 128+15"
check "... promptly ($(((t1 - t0) / 1000000)) ms)" test $(((t1 - t0) / 1000000)) -lt 2000
wait_for 20 gone
check "... and the sandbox tree is gone" gone

# a worker that handles SIGTERM: its own exit status comes back, and it saw the signal
cat > "$S/term.py" <<EOF
import signal, sys, time
def on_term(sig, frame):
    print("got SIGTERM", flush=True)
    sys.exit(5)
signal.signal(signal.SIGTERM, on_term)
open("$S/ready", "w").close()
time.sleep(30)
print("not interrupted")
EOF
"$PODTRACE" run ${PT_EXTRA:-} --allow-write="$S" -- "$S/term.py" > "$S/pt3.out" 2> "$S/pt3.err" &
PT=$!
wait_for 100 test -e "$S/ready" || { kill -9 "$PT"; fail "the python worker did not start: $(cat "$S/pt3.err")"; }
kill -TERM "$PT"
wait "$PT"
RC=$?
OUT=$(cat "$S/pt3.out")
ERR=$(cat "$S/pt3.err")
want_rc 5 "SIGTERM forwarded to a Python worker with a handler: its exit status (5)"
want "got SIGTERM" "the worker's handler ran"

# SIGINT sent to podtrace in person (not from a terminal) is forwarded too: 128+2
"$PODTRACE" run ${PT_EXTRA:-} -- /bin/sleep 30 > "$S/pt4.out" 2> "$S/pt4.err" &
PT=$!
wait_for 50 has_sleep || fail "the sleep worker did not start"
kill -INT "$PT"
wait "$PT"
RC=$?
OUT=$(cat "$S/pt4.out")
ERR=$(cat "$S/pt4.err")
want_rc 130 "SIGINT to podtrace: the worker dies of it, podtrace exits 128+2"

finish
