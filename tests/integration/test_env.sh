#!/bin/bash
# env (design 1.4): POD_* never reaches the worker or its children (os.environ,
# /proc/self/environ, a child's environment); the default set passes; --allow-env adds names
# and PREFIX_*; bare --allow-env passes everything but POD_*; --deny-env removes; another
# process's /proc/PID/environ is an env access.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

export POD_ALLOW_READ=/nonexistent-but-valid POD_SECRET=pod-secret-value MYAPP_TOKEN=tok OTHER=other
export LANG=C.UTF-8 PYTHONUNBUFFERED=1
PY='
import os, subprocess
print("environ:", " ".join(sorted(os.environ)))
raw = open("/proc/self/environ", "rb").read().decode()
print("proc-self-environ-has-pod:", "POD_" in raw)
child = subprocess.run(["/usr/bin/env"], capture_output=True, text=True).stdout
print("child-has-pod:", "POD_" in child)
print("child-env:", " ".join(sorted(l.split("=")[0] for l in child.splitlines())))
'
run_pt run --allow-run=/usr/bin/env -- python3 -c "$PY"
want_rc 0 "python ran"
want_re '^environ: .*\bPATH\b' "PATH passes by default"
want_re '^environ: .*\bLANG\b' "LANG passes by default"
want_re '^environ: .*\bPYTHONUNBUFFERED\b' "PYTHONUNBUFFERED passes by default"
want_re '^environ: .*\bPODTRACE\b' "PODTRACE=1 marks the sandbox"
check "POD_* is not in os.environ" bash -c '! printf "%s\n" "$1" | grep -E "^environ:.*POD_" ' _ "$OUT"
check "MYAPP_TOKEN is not passed by default" bash -c '! printf "%s\n" "$1" | grep -E "^environ:.*MYAPP_TOKEN" ' _ "$OUT"
want "proc-self-environ-has-pod: False" "POD_* is not in /proc/self/environ"
want "child-has-pod: False" "POD_* is not in a child's environment"

run_pt run --allow-env=MYAPP_* --allow-env=OTHER -- python3 -c 'import os; print(os.environ.get("MYAPP_TOKEN"), os.environ.get("OTHER"), os.environ.get("POD_SECRET"))'
want "tok other None" "--allow-env=PREFIX_* and NAME add variables; POD_* stays out"

run_pt run --allow-env --deny-env=OTHER,LANG -- python3 -c 'import os; print(os.environ.get("MYAPP_TOKEN"), os.environ.get("OTHER"), os.environ.get("LANG"), [k for k in os.environ if k.startswith("POD_")])'
want "tok None None []" "bare --allow-env passes all but POD_* and what --deny-env removes (even from the default set)"

# another process's environment: the child's /proc/PID/environ
PY2='
import os, subprocess, time
p = subprocess.Popen(["/bin/sleep", "5"])
time.sleep(0.2)
try:
    open(f"/proc/{p.pid}/environ").read(); print("other-environ: ok")
except PermissionError:
    print("other-environ: EACCES")
p.kill()
'
run_pt run --allow-run=/bin/sleep -- python3 -c "$PY2"
want "other-environ: EACCES" "another process's /proc/PID/environ is denied without --allow-env"
want_err_re '^podtrace: denied env access to "/proc/[0-9]+/environ".*--allow-env$' "the notice names env and the fix"
run_pt run --allow-run=/bin/sleep --allow-env --allow-read=/proc -- python3 -c "$PY2"
want "other-environ: ok" "with bare --allow-env (and read of /proc) it is allowed"
finish
