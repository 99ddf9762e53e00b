#!/bin/bash
# --backtrace (Python): a denied open() from a script names the script's file and line, read
# from the interpreter's memory (CPython 3.11 only), for the main thread and for a
# threading.Thread. Skipped, saying so, when the interpreter podtrace runs is not 3.11 (then
# the backtrace must say "unknown python version", never print frames).
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

S=$SCRATCH
mkdir -p "$S/d"
printf 'secret\n' > "$S/d/secret"
POL=(--allow-read="$S" --deny-read="$S/d/secret")

cat > "$S/reader.py" <<'EOF'
import sys
import threading


def read_secret(path):
    with open(path) as f:  # line 6
        return f.read()


def in_a_thread(path):
    try:
        open(path)  # line 12
    except PermissionError:
        print("thread: denied")


def main():
    if sys.argv[1] == "thread":
        t = threading.Thread(target=in_a_thread, args=(sys.argv[2],))
        t.start()
        t.join()
        return 0
    try:
        read_secret(sys.argv[2])  # line 24
    except PermissionError:
        print("main: denied")
    return 3


sys.exit(main())
EOF

# block: the backtrace printed for the denial of the secret (stderr)
block() {
    printf '%s\n' "$ERR" | awk -v want="(denied read \"$S/d/secret\")" '
        index($0, "podtrace: backtrace of ") == 1 && index($0, want) { on = 1; next }
        on && /^podtrace:   / { print; next }
        { on = 0 }'
}

PY=$(python_real)
VER=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
echo "# interpreter: $PY ($VER)"

run_pt run "${POL[@]}" -- "$S/reader.py" main "$S/d/secret"
want_rc 3 "without --backtrace: the script's exit status"
want "main: denied" "without --backtrace: PermissionError"
no_err_re "backtrace of|File \"" "without --backtrace: no backtrace"
OUT_PLAIN=$OUT

run_pt run --backtrace "${POL[@]}" -- "$S/reader.py" main "$S/d/secret"
want_rc 3 "with --backtrace: the same exit status"
check "with --backtrace: the same stdout" test "$OUT" = "$OUT_PLAIN"
B=$(block)
echo "$B" | sed 's/^/# /'
check "a backtrace follows the notice" test -n "$B"
check "its native frames include the interpreter's eval loop" grep -q "_PyEval_EvalFrameDefault" <<<"$B"

if [ "$VER" != 3.11 ]; then
    check "python $VER: says the version is unknown" grep -q "python: unknown python version $VER" <<<"$B"
    check "python $VER: prints no Python frame" test -z "$(grep 'File "' <<<"$B")"
    [ "$SOFT_FAILS" = 0 ] || finish
    skip "python $VER is not supported by --backtrace's Python reader (3.11 only): file:line checks not run"
fi

check "names the script's file and the line of the open() in read_secret" \
    grep -qF "File \"$S/reader.py\", line 6, in read_secret" <<<"$B"
check "names the caller's line in main" grep -qF "File \"$S/reader.py\", line 24, in main" <<<"$B"
check "innermost first" test "$(grep -n 'in read_secret' <<<"$B" | cut -d: -f1)" -lt \
    "$(grep -n 'in main$' <<<"$B" | cut -d: -f1)"

run_pt run --backtrace "${POL[@]}" -- "$S/reader.py" thread "$S/d/secret"
want_rc 0 "thread: the script's exit status"
want "thread: denied" "thread: PermissionError in the thread"
B=$(block)
echo "$B" | sed 's/^/# thread: /'
check "thread: names the thread's function and line" grep -qF "File \"$S/reader.py\", line 12, in in_a_thread" <<<"$B"
check "thread: not the main thread's Python stack" test -z "$(grep -F 'in main' <<<"$B")"

finish
