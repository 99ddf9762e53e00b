#!/bin/bash
# The worker cannot stall its own supervisor (issue 10, item 6): opens that block (a FIFO with
# no writer yet) finish on waiter threads, so 1,000 of them pending leave the deciding threads
# free -- another thread's 200 opens of an allowed file are answered meanwhile -- and all of
# them return once a writer comes. Before, 70 such opens filled the 64-thread pool and every
# later call hung. Also FIFO opens from both ends under a narrow policy, and a denied FIFO.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

S=$SCRATCH
mkdir -m 777 "$S/d" "$S/n"
printf 'X\n' >"$S/d/file"
N=1000
NAT=$("$PROBES/fifoflood" "$S/n" $N "$S/d/file" 2>&1)
echo "# natively: $(tr '\n' ';' <<<"$NAT")"
check "native: the probe can hold $N opens pending" grep -qx "waiting: $N of $N" <<<"$NAT"
rm -f "$S/d/fifo"

# shellcheck disable=SC2086
# the carve-out keeps $S/d out of the Landlock fast path: every open there is emulated
timeout -s KILL 120 "$PODTRACE" run ${PT_EXTRA:-} --allow-read="$S/d" --allow-write="$S/d" \
    --deny-read="$S/d/secret" -- \
    "$PROBES/fifoflood" "$S/d" $N "$S/d/file" >"$S/out" 2>"$S/err"
RC=$?
OUT=$(cat "$S/out") ERR=$(cat "$S/err")
want_rc 0 "the run ends (it used to hang: the pool was full)"
want "waiting: $N of $N" "$N FIFO opens are pending at once"
want_re "^other: 200 opens in [0-9]+ ms$" "another thread's 200 opens and fstats are answered meanwhile"
want "released: $N of $N" "every pending open returns once a writer comes"
echo "# under podtrace: $(grep '^other' <<<"$OUT")"

# a FIFO the policy denies is refused before anything waits; an allowed one works both ways
mkfifo -m 666 "$S/n/denied"
run_pt run --allow-read="$S/d" --allow-write="$S/d" --deny-read="$S/d/secret" -- python3 -c '
import os, threading

try:
    open("'"$S/n/denied"'")
except PermissionError as e:
    print("denied fifo:", e.errno)
os.mkfifo("'"$S/d/pipe"'")
t = threading.Thread(target=lambda: print("reader got:", open("'"$S/d/pipe"'").read().strip()))
t.start()
with open("'"$S/d/pipe"'", "w") as w:
    w.write("through the fifo\n")
t.join()
'
want "denied fifo: 13" "a denied FIFO is refused at once (EACCES), nothing waits"
want "reader got: through the fifo" "an allowed FIFO carries data between two blocking opens"
finish
