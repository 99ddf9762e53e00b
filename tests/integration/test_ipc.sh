#!/bin/bash
# podtrace run --ipc=NAME (issue 5, design 6): the channel between a host program and the
# worker. The host (tests/shm/ipc_host.c) opens NAME; the worker inherits fd 3 (PODSHM_FD)
# and gets exactly libshm.so (read + ffi) and the podshm package (read) on top of its policy.
. "$TESTLIB"

HOST="$PROBES/ipc_host"
[ -x "$HOST" ] || fail "ipc_host not built ($HOST)"
# a directory of its own: Python lists the script's directory when it imports podshm
mkdir -p "$SCRATCH/w" && cp "$SRCDIR/tests/shm/py_worker.py" "$SCRATCH/w/"
WORKER="$SCRATCH/w/py_worker.py"
NAME="podtrace-it-$$"
# The sanitizer build's libshm.so is instrumented: a Python worker loading it needs the
# runtimes preloaded (and let through the environment filter).
PRE=()
if [ -n "${PODSHM_PRELOAD:-}" ]; then
    PRE=(env "LD_PRELOAD=$PODSHM_PRELOAD" ASAN_OPTIONS=detect_leaks=0)
    ENVX="--allow-env=LD_PRELOAD,ASAN_OPTIONS"
fi
cleanup_ipc() { rm -f "/dev/shm/$NAME" "/dev/shm/$NAME-2"; }
trap 'cleanup_ipc; rm -rf "$SCRATCH"' EXIT

# --- 100,000 messages each way between a C host and a Python worker under podtrace --------
"${PRE[@]}" "$PODTRACE" run ${PT_EXTRA:-} ${ENVX:-} --ipc="$NAME" --allow-read="$SCRATCH/w" -- "$WORKER" >"$SCRATCH/w.out" 2>"$SCRATCH/w.err" &
PT_PID=$!
timeout 240 "$HOST" "$NAME" exchange 100000 >"$SCRATCH/h.out" 2>&1
HOST_RC=$?
wait "$PT_PID"
RC=$?
cat "$SCRATCH/h.out"
[ "$HOST_RC" = 0 ] || fail "the host's exchange failed: $(cat "$SCRATCH/h.out"); worker: $(cat "$SCRATCH/w.err")"
ok "100,000 messages of random sizes each way, every CRC checked on both sides"
[ "$RC" = 0 ] || fail "podtrace exited $RC: $(cat "$SCRATCH/w.err")"
ok "the worker under podtrace exited 0"
grep -q '^py_worker: 100000 messages checked and answered' "$SCRATCH/w.err" ||
    fail "the worker did not report its count: $(cat "$SCRATCH/w.err")"
ok "the worker counted 100,000"
grep -q '^podtrace: denied' "$SCRATCH/w.err" && fail "the channel needed something denied: $(cat "$SCRATCH/w.err")"
ok "no denial: --ipc allowed what the channel needs"
[ -e "/dev/shm/$NAME" ] && fail "/dev/shm/$NAME is left behind"
ok "the name is removed at the end of the run"

# --- what the worker holds, and nothing more -----------------------------------------------
run_pt run --ipc="$NAME" -- python3 -c '
import os
print("fd3", os.readlink("/proc/self/fd/3"), os.environ["PODSHM_FD"])
try:
    os.fstat(4); print("fd4 open")
except OSError:
    print("fd4 closed")'
expect_rc 0 "a worker with --ipc runs"
expect_out "^fd3 /dev/shm/.* 3\$" "the channel (a /dev/shm file) is fd 3, named by PODSHM_FD"
expect_out '^fd4 closed$' "no other descriptor is passed"
run_pt run --ipc="$NAME" -- python3 -c "open('/dev/shm/$NAME', 'rb')"
expect_rc 1 "the channel's name is not opened by path"
expect_err "denied read access to \"/dev/shm/$NAME\"" "... it is a read outside the policy"
LIB=$(python3 -c 'import sys; print(sys.argv[1])' "$(ls "$(dirname "$PODTRACE")"/src/shm/libshm.so.0 2>/dev/null || true)")
if [ -e "$LIB" ]; then
    cp "$(readlink -f "$LIB")" "$SCRATCH/other.so"
    run_pt run --ipc="$NAME" --allow-read="$SCRATCH" -- python3 -c "import ctypes; ctypes.CDLL('$SCRATCH/other.so')"
    expect_rc 1 "another library (a copy of libshm elsewhere) is not loaded"
    expect_err "denied ffi access to \"$SCRATCH/other.so\"" "... ffi is for libshm.so only"
    run_pt run --allow-read="$(readlink -f "$LIB")" -- python3 -c "import ctypes; ctypes.CDLL('$(readlink -f "$LIB")')"
    expect_rc 1 "without --ipc, libshm.so is not an allowed library"
fi
run_pt run -- python3 -c 'import os; print(os.environ.get("PODSHM_FD"))'
expect_out '^None$' "without --ipc there is no PODSHM_FD"

# --- bad names: one line, exit 2, nothing started ------------------------------------------
touch "/dev/shm/$NAME-2"
run_pt run --ipc="$NAME-2" -- /bin/true
expect_rc 2 "an existing name is refused"
[ "$(printf '%s\n' "$ERR" | grep -c .)" = 1 ] || fail "more than one error line: $ERR"
expect_err "^podtrace: --ipc=$NAME-2: cannot create the channel: .*exists" "... with one line naming it"
[ -e "/dev/shm/$NAME-2" ] || fail "the existing object was removed"
ok "... and the existing object is left alone"
run_pt run --ipc=a/b -- /bin/true
expect_rc 2 "a name with a slash is refused"
run_pt run --ipc= -- /bin/true
expect_rc 2 "an empty name is refused"

# --- either side dies: the other is told ---------------------------------------------------
# A forked child of the worker attaches and dies without closing; the worker itself closed
# its fd 3 and lives on. The host must hear at once, which shows no other copy (podtrace's,
# the sandbox init's) keeps the worker's side alive.
"${PRE[@]}" "$PODTRACE" run ${PT_EXTRA:-} ${ENVX:-} --ipc="$NAME" -- python3 -c '
import os, time, podshm
pid = os.fork()
if pid == 0:
    ch = podshm.connect()
    time.sleep(1.0)
    os._exit(1)  # no close: a crash
os.close(3)
os.waitpid(pid, 0)
time.sleep(8)' >/dev/null 2>&1 &
PT_PID=$!
timeout 30 "$HOST" "$NAME" wait-dead 6 >"$SCRATCH/h.out" 2>&1
HOST_RC=$?
cat "$SCRATCH/h.out"
kill "$PT_PID" 2>/dev/null
wait "$PT_PID" 2>/dev/null
[ "$HOST_RC" = 0 ] || fail "the host was not told the worker let go: $(cat "$SCRATCH/h.out")"
ok "the worker's side dying is seen by the host while podtrace and the worker still run"
"${PRE[@]}" "$PODTRACE" run ${PT_EXTRA:-} ${ENVX:-} --ipc="$NAME" -- python3 -c '
import podshm
with podshm.connect() as ch:
    try:
        ch.recv(timeout=20); print("got a message")
    except podshm.ChannelClosed:
        print("host gone")' >"$SCRATCH/w.out" 2>"$SCRATCH/w.err" &
PT_PID=$!
"$HOST" "$NAME" hold >"$SCRATCH/h.out" 2>&1 &
H_PID=$!
for _ in $(seq 100); do grep -q attached "$SCRATCH/h.out" && break; sleep 0.05; done
sleep 0.3
kill -9 "$H_PID"
wait "$PT_PID"
RC=$?
[ "$RC" = 0 ] && grep -q '^host gone$' "$SCRATCH/w.out" ||
    fail "the worker was not told the host died (rc $RC): $(cat "$SCRATCH/w.out" "$SCRATCH/w.err")"
ok "the host's death is seen by the worker (podshm.ChannelClosed)"
