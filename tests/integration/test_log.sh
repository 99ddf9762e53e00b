#!/bin/bash
# The verbose log and the notices (design 1.6, 1.7): -v writes one strace-like line per
# intercepted syscall with its result, decision and rule; a denial shows -1 EACCES and
# <deny read default>; the notice on stderr names the fix; -q suppresses notices;
# --log-format=json lines parse and carry time pid tid syscall args permission value decision
# rule result; --log-file=PATH writes the log there.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

F=$PROBES/fsop
S=$SCRATCH
mkdir -p "$S/d"
printf 'A' > "$S/d/a"
printf 'B' > "$S/d/b"
PY='
try: open("/etc/shadow")
except PermissionError: print("shadow denied")
print(open("/etc/passwd").readline().split(":")[0])'

# --- text log -------------------------------------------------------------------------------
run_pt run -v --allow-read=/etc/passwd -- python3 -c "$PY"
want_rc 0 "python ran with -v"
want "shadow denied" "the denied open failed in the worker"
want_err_re '^\[pid [0-9]+\] openat\(AT_FDCWD, "/etc/passwd", O_RDONLY\|O_CLOEXEC(, 0)?\) = [0-9]+ <allow read /etc/passwd>$' \
    "an allowed open is logged with the fd it returned"
want_err_re '^\[pid [0-9]+\] openat\(AT_FDCWD, "/etc/passwd", O_RDONLY\|O_CLOEXEC\) = [0-9]+ <allow read /etc/passwd>$' \
    "the allowed open's line has the contract's form (no mode argument without O_CREAT)"
want_err_re '^\[pid [0-9]+\] openat\(AT_FDCWD, "/etc/shadow", O_RDONLY\|O_CLOEXEC(, 0)?\) = -1 EACCES \(Permission denied\) <deny read default>$' \
    "a denied open is logged as -1 EACCES with <deny read default>"
want_err_re '^\[pid [0-9]+\] openat\(AT_FDCWD, "/etc/shadow", O_RDONLY\|O_CLOEXEC\) = -1 EACCES \(Permission denied\) <deny read default>$' \
    "the denied open's line has the contract's form"
want_err_re '^podtrace: denied read access to "/etc/shadow" \(python3[.0-9]*\[[0-9]+\] openat\); to allow it, run again with --allow-read=/etc/shadow$' \
    "the notice names the fix --allow-read=/etc/shadow"
check "exactly one notice for the one denied /etc/shadow open" \
    test "$(printf '%s\n' "$ERR" | grep -c '^podtrace: denied read access to "/etc/shadow"')" = 1

# one line per intercepted syscall: four calls on $S paths, four lines naming them
run_pt run -v --allow-read="$S/d" -- "$F" stat "$S/d/a" read "$S/d/b" access "$S/d/a" R stat "$S/nope"
want_rc 0 "fsop ran with -v"
lines=$(printf '%s\n' "$ERR" | grep -E '^\[pid [0-9]+\] ' | grep -F "\"$S/")
check "exactly four log lines for the four calls on the scratch dir (got: $(echo "$lines" | grep -c .))" \
    test "$(echo "$lines" | grep -c .)" = 4
check "stat is logged as newfstatat/stat/statx with its result 0" \
    grep -Eq "^\[pid [0-9]+\] (newfstatat\(AT_FDCWD, |stat\(|statx\(AT_FDCWD, )\"$S/d/a\".* = 0 <allow read $S/d>\$" <<<"$lines"
check "the open of b is logged with its decision" \
    grep -Eq "^\[pid [0-9]+\] openat\(AT_FDCWD, \"$S/d/b\", O_RDONLY(, 0)?\) = [0-9?]+ <allow read $S/d>\$" <<<"$lines"
check "access is logged with R_OK or 4 and result 0" \
    grep -Eq "^\[pid [0-9]+\] (access\(|faccessat2?\(AT_FDCWD, )\"$S/d/a\", (R_OK|4)(, 0)?\) = 0 <allow read $S/d>\$" <<<"$lines"
check "a stat outside the policy is logged as denied" \
    grep -Eq "^\[pid [0-9]+\] .*\"$S/nope\".* = -1 EACCES \(Permission denied\) <deny read default>\$" <<<"$lines"
check "the access line spells its mode like strace (R_OK)" grep -Eq "\"$S/d/a\", R_OK\)" <<<"$lines"

# --- -q -----------------------------------------------------------------------------------
run_pt run -q -- python3 -c "$PY"
want "shadow denied" "-q: the open is still denied"
no_err_re '^podtrace: denied' "-q: no notice on stderr"
run_pt run -- python3 -c "$PY"
want_err_re '^podtrace: denied read access to "/etc/shadow"' "without -q the notice is there"
no_err_re '^\[pid ' "without -v there is no syscall log"

# --- JSON lines -----------------------------------------------------------------------------
run_pt run -v --log-format=json --allow-read=/etc/passwd -- python3 -c "$PY"
want_rc 0 "python ran with --log-format=json"
printf '%s\n' "$ERR" | grep '^{' > "$S/log.json"
check "JSON log lines were written" test -s "$S/log.json"
check "every JSON line parses" python3 -c 'import json,sys;[json.loads(l) for l in sys.stdin]' < "$S/log.json"
check "every JSON line carries time pid tid syscall args permission value decision rule result" python3 -c '
import json, sys
need = "time pid tid syscall args permission value decision rule result".split()
bad = [l for l in sys.stdin if any(k not in json.loads(l) for k in need)]
sys.exit(1 if bad else 0)' < "$S/log.json"
check "the denied open: syscall openat, permission read, value /etc/shadow, decision deny, an error result" python3 -c '
import json, sys
es = [json.loads(l) for l in sys.stdin]
e = [e for e in es if e["syscall"] == "openat" and e["value"] == "/etc/shadow"]
assert len(e) == 1, e
e = e[0]
assert e["permission"] == "read" and e["decision"] == "deny", e
assert e["args"][1] == "/etc/shadow", e
assert isinstance(e["pid"], int) and isinstance(e["tid"], int), e
assert e["result"] not in (None, 0) and ("EACCES" in str(e["result"]) or e["result"] == -13), e' < "$S/log.json"
check "the allowed open: decision allow, rule /etc/passwd, the fd as its result" python3 -c '
import json, sys
es = [json.loads(l) for l in sys.stdin]
e = [e for e in es if e["syscall"] == "openat" and e["value"] == "/etc/passwd"]
assert len(e) == 1, e
e = e[0]
assert e["permission"] == "read" and e["decision"] == "allow" and e["rule"] == "/etc/passwd", e
assert isinstance(e["result"], int) and e["result"] >= 0, e' < "$S/log.json"
check "no text log lines mixed into the JSON output" test -z "$(printf '%s\n' "$ERR" | grep '^\[pid ')"

# --- --log-file -----------------------------------------------------------------------------
run_pt run -v --log-file="$S/pt.log" --allow-read=/etc/passwd -- python3 -c "$PY"
want_rc 0 "python ran with --log-file"
check "the log file has the syscall lines" grep -Eq '^\[pid [0-9]+\] openat\(AT_FDCWD, "/etc/shadow"' "$S/pt.log"
no_err_re '^\[pid ' "--log-file: no syscall log on stderr"
want_err_re '^podtrace: denied read access to "/etc/shadow"' "--log-file: the notice stays on stderr"
run_pt run -v --log-format=json --log-file="$S/pt.jsonl" --allow-read=/etc/passwd -- python3 -c "$PY"
check "the JSON log file parses" python3 -c 'import json,sys;[json.loads(l) for l in sys.stdin]' < "$S/pt.jsonl"
check "the JSON log file has the /etc/shadow denial" grep -q '"/etc/shadow"' "$S/pt.jsonl"
# logging to a file while keeping the terminal quiet: -q silences only the notices
run_pt run -q -v --log-file="$S/pt2.log" --allow-read=/etc/passwd -- python3 -c "$PY"
want_rc 0 "-q with -v --log-file is accepted (notices off, log on)"
no_err_re '^podtrace: denied' "-q -v --log-file: no notice on stderr"
check "-q -v --log-file: the log file still records the denial" grep -q '"/etc/shadow".*EACCES' "$S/pt2.log"

# --- Deno's audit fields: v, datetime, and permission/value as Deno names them ---------------
check "JSON lines carry Deno's audit fields (v, datetime) and Deno's permission names" python3 -c '
import json, sys
es = [json.loads(l) for l in sys.stdin]
assert all(e["v"] == 1 and e["datetime"].endswith("Z") for e in es)
assert {e["permission"] for e in es} <= {"read", "write", "net", "env", "run", "ffi", "sys"}
r = [e for e in es if e["decision"] == "allow" and e["value"] == "/etc/passwd"]
assert r and r[0]["permission"] == "read", r' < "$S/log.json"

# --- the log is complete when the worker is killed -------------------------------------------
run_pt run -v --log-format=json --log-file="$S/kill.jsonl" -- python3 -c '
import os, signal
for i in range(50):
    try: os.stat("/nonexistent-marker-%d" % i)
    except OSError: pass
os.kill(os.getpid(), signal.SIGKILL)'
want_rc 137 "a worker that kills itself with SIGKILL: 128+9"
check "every access before the kill is in the log (50 markers)" sh -c \
    'test "$(grep -c "nonexistent-marker-" "$1")" = 50' sh "$S/kill.jsonl"
check "... and every line of it parses" python3 -c 'import json,sys;[json.loads(l) for l in sys.stdin]' < "$S/kill.jsonl"

# --- --summary ---------------------------------------------------------------------------------
run_pt run --summary -- python3 -c '
for i in range(7):
    try: open("/etc/shadow")
    except PermissionError: pass'
want_rc 0 "--summary: the worker runs"
want_err_re '^% time +seconds +usecs/call +calls +allowed +denied +undecided +permission +syscall$' "--summary prints strace -c style columns"
want_err_re '^ *[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+ +[0-9]+ +7 +[0-9]+ read +openat$' "... with the 7 denied opens counted on openat/read"
want_err_re '^100\.00 .* total$' "... and a total line"
run_pt run --summary --log-format=json --log-file="$S/sum.jsonl" -- python3 -c '
for i in range(3):
    try: open("/etc/shadow")
    except PermissionError: pass'
check "--summary with JSON logs: the last line is one object with the same counts" python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
s = json.loads(lines[-1])["summary"]
row = [r for r in s if r["syscall"] == "openat" and r["permission"] == "read"][0]
assert row["denied"] == 3 and row["calls"] >= 3 and row["seconds"] > 0, row' "$S/sum.jsonl"
run_pt run -- /bin/true
no_err_re 'usecs/call' "without --summary there is no table"

finish
