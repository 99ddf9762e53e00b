#!/bin/bash
# --backtrace (native): a denied call is followed by the stack of the thread that made it,
# with function names, innermost first; the worker's output and exit status are the same
# with and without it; nothing is printed without it, for an allowed call, or under -q; the
# -v log (text and JSON) carries it; a call from a second thread gets that thread's stack.
# The probe (tests/probes/backtrace.c) is built with frame pointers, which a stack read
# from the thread's syscall registers alone (pc, sp) cannot get past.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

P=$PROBES/backtrace
S=$SCRATCH
mkdir -p "$S/d"
printf 'secret\n' > "$S/d/secret"
printf 'other\n' > "$S/d/other"
POL=(--allow-read="$S" --deny-read="$S/d/secret,$S/d/other")

# block PATH: the backtrace printed for the denial of PATH (stderr), one frame a line
block() {
    printf '%s\n' "$ERR" | awk -v want="(denied read \"$1\")" '
        index($0, "podtrace: backtrace of ") == 1 && index($0, want) { on = 1; next }
        on && /^podtrace:   / { print; next }
        { on = 0 }'
}
# frame_no BLOCK FUNCTION: the frame number (#N) naming FUNCTION, or nothing
frame_no() { printf '%s\n' "$1" | grep -E " $2\+0x[0-9a-f]+ " | head -1 | sed -E 's/^podtrace:   #([0-9]+) .*/\1/'; }

# --- the denied call, without and with --backtrace
run_pt run "${POL[@]}" -- "$P" main "$S/d/secret"
want_rc 7 "without --backtrace: the probe's own exit status"
want "open_the_secret: EACCES" "without --backtrace: the call is denied"
no_err_re "backtrace of" "without --backtrace: no backtrace"
no_err_re "open_the_secret" "without --backtrace: no frame names"
OUT_PLAIN=$OUT

run_pt run --backtrace "${POL[@]}" -- "$P" main "$S/d/secret"
want_rc 7 "with --backtrace: the same exit status"
check "with --backtrace: the same stdout" test "$OUT" = "$OUT_PLAIN"
want_err_re "^podtrace: denied read access to \"$S/d/secret\"" "the denial notice is still there"
B=$(block "$S/d/secret")
echo "$B" | sed 's/^/# /'
check "a backtrace follows the notice" test -n "$B"
n_open=$(frame_no "$B" open_the_secret)
n_conf=$(frame_no "$B" read_the_config)
n_main=$(frame_no "$B" main)
check "it names open_the_secret (the function that made the call)" test -n "$n_open"
check "it names read_the_config (its caller)" test -n "$n_conf"
check "it names main" test -n "$n_main"
check "innermost first: open_the_secret < read_the_config < main" \
    test "${n_open:-99}" -lt "${n_conf:-0}" -a "${n_conf:-99}" -lt "${n_main:-0}"
check "frames name their object file" \
    grep -qE " open_the_secret\+0x[0-9a-f]+ \($P\)$" <<<"$B"
check "frame #0 is in libc (the open wrapper)" grep -qE '^podtrace:   #0 .*libc' <<<"$B"

# --- an allowed call, and -q: nothing
run_pt run --backtrace --allow-read="$S" -- "$P" main "$S/d/secret"
want "open_the_secret: opened" "allowed: the call succeeds"
no_err_re "backtrace of" "allowed: no backtrace"
run_pt run -q --backtrace "${POL[@]}" -- "$P" main "$S/d/secret"
want_rc 7 "-q: the same exit status"
no_err_re "backtrace of|open_the_secret" "-q without -v: no notice, so no backtrace"

# --- the -v log, text and JSON
run_pt run -v --backtrace "${POL[@]}" -- "$P" main "$S/d/secret"
want_rc 7 "-v: the same exit status"
want_err_re "^\[pid [0-9]+\]   #[0-9]+ +0x[0-9a-f]+ open_the_secret\+0x" "-v: the backtrace is in the log"
line_after_call() { grep -A1 -E "^\[pid [0-9]+\] openat\(AT_FDCWD, \"$S/d/secret\".*EACCES" <<<"$ERR" | tail -1; }
check "-v: the backtrace comes right after the denied call's line" grep -q "backtrace of" <<<"$(line_after_call)"
check "-v on stderr: printed once" test "$(grep -c 'backtrace of' <<<"$ERR")" = 1
run_pt run -v --log-format=json --backtrace "${POL[@]}" -- "$P" main "$S/d/secret"
want_rc 7 "JSON log: the same exit status"
check "JSON log: a backtrace line that parses, naming open_the_secret then read_the_config" \
    python3 -c '
import json, sys
for line in sys.stdin:
    if not line.startswith("{"):
        continue
    d = json.loads(line)
    if "backtrace" in d:
        names = [f["function"] for f in d["backtrace"]]
        sys.exit(0 if d["syscall"] == "openat" and names.index("open_the_secret") < names.index("read_the_config") else 1)
sys.exit(1)' <<<"$ERR"

# --- two threads, each denied at the same time: each gets its own stack
run_pt run --backtrace "${POL[@]}" -- "$P" thread "$S/d/other" "$S/d/secret"
want_rc 7 "threads: the same exit status"
want "thread_opens_the_secret: EACCES" "threads: the second thread's call is denied"
want "main_opens_its_file: EACCES" "threads: the main thread's call is denied"
BT=$(block "$S/d/secret")
BM=$(block "$S/d/other")
echo "$BT" | sed 's/^/# second thread: /'
echo "$BM" | sed 's/^/# main thread: /'
check "second thread: names thread_opens_the_secret" test -n "$(frame_no "$BT" thread_opens_the_secret)"
check "second thread: names second_thread_main" test -n "$(frame_no "$BT" second_thread_main)"
check "second thread: not the main thread's stack" test -z "$(frame_no "$BT" main_opens_its_file)$(frame_no "$BT" main)"
check "main thread: names main_opens_its_file and main" \
    test -n "$(frame_no "$BM" main_opens_its_file)" -a -n "$(frame_no "$BM" main)"
check "main thread: not the second thread's stack" test -z "$(frame_no "$BM" second_thread_main)"

finish
