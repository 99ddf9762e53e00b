#!/bin/bash
# Notices cannot be forged (issues 10 and 16): every byte the worker controls -- a path, its
# comm -- is escaped wherever podtrace prints it. A path holding a newline must not make a
# second, fake notice line; ESC, CR, BEL and the C1 CSI must not reach the terminal raw; the
# suggested --allow-read=... still names exactly that path when pasted into bash.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

S=$SCRATCH
cat >"$S/forge.py" <<'PY'
import ctypes, sys
libc = ctypes.CDLL(None)
libc.prctl(15, b"\x1b]0;pwned\x07\r", 0, 0, 0)  # PR_SET_NAME: the comm in every notice
for p in sys.argv[1:]:
    try:
        open(p.encode("utf-8", "surrogateescape"))
    except OSError as e:
        print("open:", e.errno)
PY
FAKE=$'/tmp/x\npodtrace: denied read access to "/FAKE" (python3[2] openat); to allow it, run again with --allow-read=/FAKE'
ESCAPE=$'/tmp/\x1b[2J\x1b]0;title\x07\r\xc2\x9b31m'
run_pt run --allow-ffi -- "$S/forge.py" "$FAKE" "$ESCAPE"
want "open: 13" "the opens are denied"
no_err_re '^podtrace: denied read access to "/FAKE"' "a newline in a path does not start a fake notice line"
check "no ESC byte reaches stderr" test "$(printf '%s' "$ERR" | tr -cd '\033' | wc -c)" = 0
check "no CR, BEL reaches stderr" test "$(printf '%s' "$ERR" | tr -cd '\r\a' | wc -c)" = 0
check "no C1 CSI (UTF-8 c2 9b) reaches stderr" test -z "$(printf '%s' "$ERR" | grep -a $'\xc2\x9b')"
want_err_re 'denied read access to "/tmp/x\\npodtrace: denied' "the path is shown escaped (\\n)"
want_err_re '\\x1b\]0;pwned\\x07\\x0d\[' "the comm is shown escaped"
# the suggestion is a shell word that gives back the path exactly
sugg=$(printf '%s\n' "$ERR" | grep -a 'x1b\[2J' | sed -n 's/.*--allow-read=//p' | head -1)
check "the suggested flag is bash's \$'...' form ($sugg)" grep -q "^\\$'" <<<"$sugg"
back=$(eval "printf '%s' $sugg")
check "pasted into bash, the suggestion names exactly the denied path" test "$back" = "$ESCAPE"
# the -v log (text) escapes too
run_pt run -v --allow-ffi -- "$S/forge.py" "$FAKE"
no_err_re '^podtrace: denied read access to "/FAKE"' "-v: no fake notice line either"
check "-v: no ESC byte in the log" test "$(printf '%s' "$ERR" | tr -cd '\033' | wc -c)" = 0
finish
