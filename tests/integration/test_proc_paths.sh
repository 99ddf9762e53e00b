#!/bin/bash
# /proc magic links (design 4.2: "where path-string checks die"): /proc/self/root/<path>,
# /proc/self/fd/N/<name> with N a dirfd of an allowed dir and of a dir the worker got another
# way (an inherited stdin), /proc/self/cwd/<file>, /dev/fd/N, /proc/<own pid>/..., reopening
# a write-only fd for reading through /proc/self/fd/N; /proc/1 (podtrace's init) is off
# limits; /proc/self/status is baseline.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

F=$PROBES/fsop
S=$SCRATCH
A=$S/allowed
mkdir -p "$A/sub" "$A/secret" "$S/denied" "$S/wo"
printf 'ALLOWED-A\n' > "$A/a.txt"
printf 'SECRET-S\n' > "$A/secret/s.txt"
printf 'DENIED-D\n' > "$S/denied/d.txt"
printf 'WRITEONLY-W\n' > "$S/wo/w.txt"
POL=(--allow-read="$A" --deny-read="$A/secret" --allow-write="$S/wo")

# --- /proc/self/root, /proc/self/fd/N/<name> and /dev/fd/N for an allowed dirfd ----------
run_pt run "${POL[@]}" -- "$F" \
    read "/proc/self/root$A/a.txt" read "/proc/self/root$S/denied/d.txt" \
    read "/proc/self/root$A/secret/s.txt" read /proc/self/root/etc/passwd \
    read "/proc/thread-self/root$S/denied/d.txt" read "/proc/{pid}/root$S/denied/d.txt" \
    opendir "$A" \
    read "/proc/self/fd/{fd}/a.txt" read "/proc/self/fd/{fd}/secret/s.txt" \
    read "/proc/self/fd/{fd}/../denied/d.txt" readdir "/proc/self/fd/{fd}/.." \
    read "/proc/{pid}/fd/{fd}/secret/s.txt" read "/proc/thread-self/fd/{fd}/secret/s.txt" \
    read "/dev/fd/{fd}/a.txt" read "/dev/fd/{fd}/secret/s.txt" read "/dev/fd/{fd}/../denied/d.txt" \
    chdir "$A" read /proc/self/cwd/a.txt read /proc/self/cwd/secret/s.txt \
    read /proc/self/cwd/../denied/d.txt stat /proc/self/cwd/secret/s.txt \
    read /proc/self/status read "/proc/{pid}/status" read /proc/thread-self/status \
    read /proc/1/environ read /proc/1/mem read /proc/1/cmdline read "/proc/1/root$S/denied/d.txt" \
    read /proc/1/cwd/d.txt
want_rc 0 "fsop ran"
want "read /proc/self/root$A/a.txt: ok ALLOWED-A" "/proc/self/root + allowed path: allowed"
want "read /proc/self/root$S/denied/d.txt: EACCES" "/proc/self/root + denied path: denied"
want "read /proc/self/root$A/secret/s.txt: EACCES" "/proc/self/root + carve-out: denied"
want "read /proc/self/root/etc/passwd: EACCES" "/proc/self/root/etc/passwd: denied"
want "read /proc/thread-self/root$S/denied/d.txt: EACCES" "/proc/thread-self/root + denied path: denied"
want_re "^read /proc/[0-9]+/root$S/denied/d.txt: EACCES\$" "/proc/<own pid>/root + denied path: denied"
want "opendir $A: ok fd=3" "a dirfd on the allowed dir"
want "read /proc/self/fd/3/a.txt: ok ALLOWED-A" "/proc/self/fd/N/<allowed file>: allowed"
want "read /proc/self/fd/3/secret/s.txt: EACCES" "/proc/self/fd/N/<carve-out>: denied"
want "read /proc/self/fd/3/../denied/d.txt: EACCES" "/proc/self/fd/N/../<denied>: denied"
want "readdir /proc/self/fd/3/..: EACCES" "listing /proc/self/fd/N/.. (not allowed): denied"
want_re "^read /proc/[0-9]+/fd/3/secret/s.txt: EACCES\$" "/proc/<own pid>/fd/N/<carve-out>: denied"
want "read /proc/thread-self/fd/3/secret/s.txt: EACCES" "/proc/thread-self/fd/N/<carve-out>: denied"
want "read /dev/fd/3/a.txt: ok ALLOWED-A" "/dev/fd/N/<allowed file>: allowed"
want "read /dev/fd/3/secret/s.txt: EACCES" "/dev/fd/N/<carve-out>: denied"
want "read /dev/fd/3/../denied/d.txt: EACCES" "/dev/fd/N/../<denied>: denied"
want "chdir $A: ok" "chdir into the allowed dir"
want "read /proc/self/cwd/a.txt: ok ALLOWED-A" "/proc/self/cwd/<allowed file>: allowed"
want "read /proc/self/cwd/secret/s.txt: EACCES" "/proc/self/cwd/<carve-out>: denied"
want "read /proc/self/cwd/../denied/d.txt: EACCES" "/proc/self/cwd/../<denied>: denied"
want "stat /proc/self/cwd/secret/s.txt: EACCES" "stat /proc/self/cwd/<carve-out>: denied"
want "read /proc/self/status: ok Name:	fsop" "/proc/self/status is baseline (and is the worker's own)"
want_re "^read /proc/[0-9]+/status: ok Name:	fsop\$" "/proc/<own pid>/status is the worker's own: allowed"
want "read /proc/thread-self/status: ok Name:	fsop" "/proc/thread-self/status: allowed"
want "read /proc/1/environ: EACCES" "/proc/1/environ (podtrace's init) denied"
want "read /proc/1/mem: EACCES" "/proc/1/mem denied"
want "read /proc/1/cmdline: EACCES" "/proc/1/cmdline denied (not the worker's business)"
want "read /proc/1/root$S/denied/d.txt: EACCES" "/proc/1/root + denied path: denied"
want "read /proc/1/cwd/d.txt: EACCES" "/proc/1/cwd/...: denied"
no_err_re "ALLOWED|SECRET|DENIED-D" "no file content leaked to stderr"

# --- a directory the worker holds without having opened it: its stdin -------------------
run_pt run "${POL[@]}" -- "$F" usefd 0 at-read d.txt at-stat d.txt read /proc/self/fd/0/d.txt \
    read /dev/fd/0/d.txt read /dev/stdin/d.txt readdir /proc/self/fd/0 fchdir read d.txt \
    read /proc/self/cwd/d.txt < "$S/denied"
want_rc 0 "fsop ran with a denied dir as stdin"
want "at-read d.txt: EACCES" "openat(inherited dirfd of a denied dir, name): denied"
want "at-stat d.txt: EACCES" "fstatat(inherited dirfd of a denied dir, name): denied"
want "read /proc/self/fd/0/d.txt: EACCES" "/proc/self/fd/0/<name> on a denied dir: denied"
want "read /dev/fd/0/d.txt: EACCES" "/dev/fd/0/<name> on a denied dir: denied"
want "read /dev/stdin/d.txt: EACCES" "/dev/stdin/<name> on a denied dir: denied"
want "readdir /proc/self/fd/0: EACCES" "listing the denied dir through /proc/self/fd/0: denied"
want "fchdir fd: ok" "fchdir to the inherited fd (not notified)"
want "read d.txt: EACCES" "cwd-relative read after fchdir into the denied dir: denied"
want "read /proc/self/cwd/d.txt: EACCES" "/proc/self/cwd/<name> in the denied dir: denied"
# ... and an allowed dir as stdin behaves as allowed
run_pt run "${POL[@]}" -- "$F" usefd 0 at-read a.txt read /proc/self/fd/0/a.txt \
    read /proc/self/fd/0/secret/s.txt < "$A"
want "at-read a.txt: ok ALLOWED-A" "openat(inherited dirfd of the allowed dir): allowed"
want "read /proc/self/fd/0/a.txt: ok ALLOWED-A" "/proc/self/fd/0/<name> on the allowed dir: allowed"
want "read /proc/self/fd/0/secret/s.txt: EACCES" "/proc/self/fd/0/<carve-out>: denied"

# --- reopening an fd through /proc/self/fd/N must not upgrade its access -----------------
run_pt run "${POL[@]}" -- "$F" openfd "$S/wo/w.txt" w read "/proc/self/fd/{fd}" read "/dev/fd/{fd}" \
    openfd "$S/wo/w.txt" path
want "openfd $S/wo/w.txt: ok fd=3" "open a write-only-allowed file for writing"
want "read /proc/self/fd/3: EACCES" "reopening an O_WRONLY fd for reading via /proc/self/fd: denied"
want "read /dev/fd/3: EACCES" "reopening an O_WRONLY fd for reading via /dev/fd: denied"
want "openfd $S/wo/w.txt: EACCES" "O_PATH of a write-only file (an existence probe: read) denied"
# O_PATH of an allowed file and directory, then reading through /proc/self/fd/N
run_pt run "${POL[@]}" -- "$F" openfd "$A/a.txt" path read "/proc/self/fd/{fd}" \
    openfd "$A" path at-read a.txt at-read secret/s.txt
want_re "^openfd $A/a.txt: ok fd=[0-9]+\$" "O_PATH open of an allowed file"
want "read /proc/self/fd/3: ok ALLOWED-A" "reopening an O_PATH fd of an allowed file: allowed"
want_re "^openfd $A: ok fd=[0-9]+\$" "O_PATH open of an allowed dir"
want "at-read a.txt: ok ALLOWED-A" "openat(O_PATH dirfd of the allowed dir, file): allowed"
want "at-read secret/s.txt: EACCES" "openat(O_PATH dirfd of the allowed dir, carve-out): denied"

# --- the worker's cwd inherited from podtrace in a denied dir ---------------------------
cd "$S/denied" || fail "cd"
run_pt run "${POL[@]}" -- "$F" read d.txt read /proc/self/cwd/d.txt read ./d.txt readdir .
want "read d.txt: EACCES" "cwd (inherited) in a denied dir: relative read denied"
want "read /proc/self/cwd/d.txt: EACCES" "cwd (inherited) in a denied dir: /proc/self/cwd read denied"
want "readdir .: EACCES" "cwd (inherited) in a denied dir: listing denied"
cd / || fail "cd"

finish
