#!/bin/bash
# The run permission from Python and against tricks (design 1.2 run, 1.6, 4.3; docs/policy.md
# "run"): subprocess.run, os.system, os.posix_spawn(p) and os.execv each run an allowed
# program and get PermissionError/126/127 and a notice for a denied one; --deny-run beats
# --allow-run; bare --allow-run runs anything; a #! script is decided by its own path (its
# interpreter allowed for that exec only); the initial program is always allowed (unless
# --deny-run covers it); a memfd copy of an allowed program is not that program; a thread
# flipping the exec path between an allowed and a denied program never gets the denied one
# to run (the check at PTRACE_EVENT_EXEC), with and without Landlock; programs the worker may
# run it may also read (policy show).
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

S=$SCRATCH
M=$PROBES/marker
X=$PROBES/execrace
BASENAME=$(readlink -f "$(type -P basename)")
SH=$(readlink -f /bin/sh)
[ -x "$BASENAME" ] || skip "basename(1) not installed"
NOTICE='^podtrace: denied run access to "?'

cat > "$S/run.py" <<'EOF'
import os, subprocess, sys
mode, prog = sys.argv[1], sys.argv[2]
args = [prog] + sys.argv[3:]
try:
    if mode == "subprocess":
        print("subprocess: rc=%d" % subprocess.run(args).returncode)
    elif mode == "system":
        sys.stdout.flush()
        print("system: rc=%d" % os.waitstatus_to_exitcode(os.system(" ".join(args))))
    elif mode in ("posix_spawn", "posix_spawnp"):
        spawn = os.posix_spawn if mode == "posix_spawn" else os.posix_spawnp
        pid = spawn(prog, args, os.environ)
        print("%s: rc=%d" % (mode, os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])))
    elif mode == "execv":
        sys.stdout.flush()
        os.execv(prog, args)
except OSError as e:
    print("%s: %s %s" % (mode, type(e).__name__, e.errno))
EOF

# no_line REGEX WHAT: stdout of the last run has no line matching REGEX
no_line() { if printf '%s\n' "$OUT" | grep -Eq -- "$1"; then soft_fail "$2: stdout has /$1/: $OUT"; else ok "$2"; fi; }

# --- Python: each way of starting a program, allowed and denied ------------------------------
run_pt run --allow-run=basename -- "$S/run.py" subprocess basename /x/RAN-SUB
want "RAN-SUB" "subprocess.run: a program allowed by name runs"
want "subprocess: rc=0" "subprocess.run: ... and exits 0"
run_pt run -- "$S/run.py" subprocess basename /x/RAN-SUB
want "subprocess: PermissionError 13" "subprocess.run: a program not allowed raises PermissionError (EACCES)"
no_line "RAN-SUB" "subprocess.run: ... and did not run"
want_err_re "$NOTICE$BASENAME\"? .*--allow-run=" "subprocess.run: the notice names the program and --allow-run"

run_pt run --allow-run=sh,basename -- "$S/run.py" system "$BASENAME" /x/RAN-SYS
want "RAN-SYS" "os.system: sh and the program allowed: it runs"
want "system: rc=0" "os.system: ... exit 0"
run_pt run --allow-run=sh -- "$S/run.py" system "$BASENAME" /x/RAN-SYS
want "system: rc=126" "os.system: the shell's exec of a program not allowed fails (126)"
no_line "RAN-SYS" "os.system: ... and it did not run"
want_err_re "$NOTICE$BASENAME\"? \\(" "os.system: the notice names the program"
run_pt run --allow-run=basename -- "$S/run.py" system "$BASENAME" /x/RAN-SYS
want "system: rc=127" "os.system: /bin/sh not allowed: system() cannot start the shell (127)"
no_line "RAN-SYS" "os.system: ... nothing ran"
want_err_re "$NOTICE$SH\"? \\(" "os.system: the notice names the shell ($SH)"

for how in posix_spawn posix_spawnp; do
    prog=$BASENAME
    [ "$how" = posix_spawnp ] && prog=basename
    run_pt run --allow-run=basename -- "$S/run.py" "$how" "$prog" /x/RAN-SPAWN
    want "RAN-SPAWN" "os.$how($prog): allowed, it runs (libc's clone3 falls back to clone)"
    want "$how: rc=0" "os.$how: ... exit 0"
    run_pt run -- "$S/run.py" "$how" "$prog" /x/RAN-SPAWN
    want "$how: PermissionError 13" "os.$how($prog): not allowed: PermissionError"
    no_line "RAN-SPAWN" "os.$how: ... it did not run"
    want_err_re "$NOTICE$BASENAME\"? " "os.$how: notice"
done

run_pt run --allow-run=basename -- "$S/run.py" execv "$BASENAME" /x/RAN-EXECV
want "RAN-EXECV" "os.execv: allowed, the process becomes the program"
want_rc 0 "os.execv: the program's exit status is podtrace's"
run_pt run -- "$S/run.py" execv "$BASENAME" /x/RAN-EXECV
want "execv: PermissionError 13" "os.execv: not allowed: PermissionError, Python goes on"
no_line "RAN-EXECV" "os.execv: ... it did not run"
want_err_re "$NOTICE$BASENAME\"? .*--allow-run=" "os.execv: notice"

# --- deny beats allow; bare --allow-run ------------------------------------------------------
run_pt run --allow-run=basename --deny-run=basename -- "$S/run.py" subprocess basename /x/RAN-DENY
want "subprocess: PermissionError 13" "--deny-run=NAME beats --allow-run=NAME"
no_line "RAN-DENY" "... it did not run"
want_err_re "$NOTICE$BASENAME\"? .*deny rule" "... the notice names the deny rule"
run_pt run --allow-run=basename --deny-run="$BASENAME" -- "$S/run.py" subprocess basename /x/RAN-DENY
want "subprocess: PermissionError 13" "--deny-run=PATH beats --allow-run=NAME"
run_pt run --allow-run --deny-run=basename -- "$S/run.py" subprocess basename /x/RAN-DENY
want "subprocess: PermissionError 13" "--deny-run=NAME beats bare --allow-run"
run_pt run --allow-run=basename --deny-run -- "$BASENAME" /x/RAN-DENY
want_rc 126 "bare --deny-run beats --allow-run=NAME, even for the initial program (126)"
no_line "RAN-DENY" "... it did not run"
want_err_re "${NOTICE}$BASENAME\"? .*all run access is denied by --deny-run" "... the notice says why"

run_pt run --allow-run -- "$S/run.py" subprocess basename /x/RAN-BARE
want "RAN-BARE" "bare --allow-run: subprocess.run of a program by name runs"
run_pt run --allow-run -- "$S/run.py" subprocess "$M"
want_re '^marker: ran [0-9]+$' "bare --allow-run: a program by path anywhere runs"
want "subprocess: rc=42" "bare --allow-run: ... with its exit status"
run_pt run --allow-run -- "$S/run.py" system basename /x/RAN-BARE-SH
want "RAN-BARE-SH" "bare --allow-run: os.system('basename ...') finds the program on PATH and runs it"
want "system: rc=0" "bare --allow-run: ... exit 0"

# --- #! scripts ------------------------------------------------------------------------------
printf '#!/bin/sh\necho SCRIPT-RAN "$@"\n/bin/sh -c "echo NESTED-SH"\necho nested=$?\n' > "$S/ok.sh"
cp "$S/ok.sh" "$S/no.sh"
chmod 755 "$S/ok.sh" "$S/no.sh"
run_pt run --allow-run="$S/ok.sh" -- "$S/run.py" subprocess "$S/ok.sh" arg1
want "SCRIPT-RAN arg1" "a #! script allowed by path runs (its interpreter allowed for that exec)"
want "nested=126" "... but the interpreter is not allowed in general: the script's own /bin/sh -c is refused"
no_line "NESTED-SH" "... the nested shell did not run"
want "subprocess: rc=0" "... the script exits 0"
run_pt run --allow-run=sh -- "$S/run.py" subprocess "$S/no.sh"
want "subprocess: PermissionError 13" "a #! script not allowed is refused, even with its interpreter allowed"
no_line "SCRIPT-RAN" "... it did not run"
want_err_re "$NOTICE$S/no.sh\"? " "... the notice names the script"
run_pt run -- "$S/ok.sh" first
want "SCRIPT-RAN first" "a #! script as the initial program runs without --allow-run"

# --- the initial program ----------------------------------------------------------------------
run_pt run -- "$M"
want_rc 42 "the initial program is always allowed (no --allow-run)"
want_re '^marker: ran [0-9]+$' "... it ran"
run_pt run --deny-run="$M" -- "$M"
want_rc 126 "--deny-run covering the initial program: not executable (126)"
no_line '^marker: ran' "... it did not run"
want_err_re "$NOTICE$M\"? " "... notice"

# --- memfd_create + execveat: a copy of an allowed program is not that program ------------------
native=$("$X" memfd "$M")
check "native: execveat(memfd, \"\", AT_EMPTY_PATH) runs the copy ($native)" grep -Eq '^marker: ran' <<<"$native"
for how in memfd memfd-proc; do
    run_pt run --allow-run="$M" -- "$X" "$how" "$M"
    if [ "$RC" = 137 ]; then ok "$how: the copy of the allowed marker was killed at exec"; else
        want "$how-exec: EACCES" "$how: exec of a memfd copy of the allowed marker fails with EACCES"
    fi
    no_line '^marker: ran' "$how: the copy did not run"
done
TRUE=$(readlink -f "$(type -P true)")
run_pt run --allow-run=true --allow-read="$TRUE" -- "$X" memfd "$TRUE"
if [ "$RC" = 137 ]; then ok "memfd copy of an allowed /bin/true: killed at exec"; else
    want "memfd-exec: EACCES" "memfd copy of an allowed true(1) is refused (EACCES)"
fi

# --- the exec path race ------------------------------------------------------------------------
# Two programs with paths of the same length: ok_prog (exits 0) is allowed, no_prog (the
# marker, exits 42 and appends to marks/m) is not; both are readable, and marks/ writable.
cp "$PROBES/noop" "$S/ok_prog"
cp "$M" "$S/no_prog"
mkdir "$S/marks"
chmod 777 "$S/marks"
native=$("$X" race "$S/ok_prog" "$S/no_prog" 400 10 "$S/marks/native" | grep '^execrace: ')
echo "# natively: $native"
check "native: the race harness runs both programs (denied_ran > 0, allowed > 0)" \
    grep -Eq 'allowed=[1-9][0-9]* denied_ran=[1-9]' <<<"$native"
rm -f "$S/marks/native"
for mode in default --no-landlock; do
    extra=()
    [ "$mode" = default ] || extra=("$mode")
    run_pt run "${extra[@]}" --allow-run="$S/ok_prog" --allow-read="$S" --allow-write="$S/marks" -- \
        "$X" race "$S/ok_prog" "$S/no_prog" 2000 60 "$S/marks/m"
    want_rc 0 "$mode: the race probe finished"
    summary=$(printf '%s\n' "$OUT" | grep '^execrace: ')
    echo "# $mode: $summary"
    want_re '^execrace: iterations=[0-9]+ .*denied_ran=0 ' "$mode: the denied program never ran (no exit 42)"
    no_line '^marker: ran' "$mode: no marker line on stdout"
    check "$mode: no marker file ($S/marks/m)" test ! -e "$S/marks/m"
    want_re '^execrace: iterations=([2-9][0-9]{2}|[0-9]{4,}) ' "$mode: at least 200 iterations were run"
    want_re 'allowed=[1-9]' "$mode: the allowed program did run (the harness exercised both)"
    want_re '(eacces=[1-9]|killed=[1-9])' "$mode: the denied program was refused (EACCES) or killed"
    want_re 'other=0$' "$mode: no other outcome"
    killed=$(grep -o 'killed=[0-9]*' <<<"$summary")
    echo "# $mode: $killed exec(s) were decided on the allowed path and caught at PTRACE_EVENT_EXEC"
done

# --- the #! interpreter grant, raced ---------------------------------------------------------------
# An allowed script ok_scr whose #! interpreter (the probe interp) is not a program of its own:
# the grant lets one exec of ok_scr become interp, but only with the arguments the kernel gives
# it (interp, ok_scr). Flipping the exec path to interp itself after the check would run the
# interpreter with the caller's arguments: interp then exits 42.
cp "$PROBES/interp" "$S/interp"
printf '#!%s\n' "$S/interp" >"$S/ok_scr"
chmod 755 "$S/ok_scr" "$S/interp"
native=$("$X" race "$S/ok_scr" "$S/interp" 400 10 | grep '^execrace: ')
echo "# #! race natively: $native"
check "native: both the script and the bare interpreter run (allowed > 0, denied_ran > 0)" \
    grep -Eq 'allowed=[1-9][0-9]* denied_ran=[1-9]' <<<"$native"
for mode in default --no-landlock; do
    extra=()
    [ "$mode" = default ] || extra=("$mode")
    run_pt run "${extra[@]}" --allow-run="$S/ok_scr" --allow-read="$S" -- "$X" race "$S/ok_scr" "$S/interp" 2000 60
    summary=$(printf '%s\n' "$OUT" | grep '^execrace: ')
    echo "# #! race, $mode: $summary"
    want_re '^execrace: iterations=[0-9]+ .*denied_ran=0 ' "$mode: the interpreter never ran with the racer's arguments"
    want_re 'allowed=[1-9]' "$mode: the script itself ran through its interpreter"
    no_line '^interp: ran directly' "$mode: no direct run of the interpreter"
done

# --- what you may run you may read -----------------------------------------------------------------
# (not through run_pt: PT_EXTRA would land between "policy" and "show")
show() { OUT=$("$PODTRACE" policy show "$@" 2>"$SCRATCH/.err"); RC=$?; ERR=$(cat "$SCRATCH/.err"); }
show --allow-run=cat
want_rc 0 "policy show --allow-run=cat"
CAT=$(readlink -f "$(type -P cat)")
want_re "^read +allow +$CAT +--allow-run" "policy show lists cat's path ($CAT) as read, from --allow-run"
want_re "^run +allow +cat +--allow-run \\(found at $CAT\\)" "policy show: the run rule, resolved on PATH"
show --allow-run="$S/ok.sh"
want_re "^read +allow +$S/ok.sh +--allow-run" "policy show: an allowed script is readable"
want_re "^read +allow +$SH +--allow-run" "policy show: ... and so is its interpreter ($SH)"
no_line "^run +allow +$SH " "policy show: ... which is not a run rule of its own"
run_pt run --allow-run=cat -- /bin/sh -c "cat '$CAT' >/dev/null && echo CAT-READ-OK"
want "CAT-READ-OK" "the worker reads an allowed program's file (cat reads itself)"

finish
