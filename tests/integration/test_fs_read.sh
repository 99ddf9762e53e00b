#!/bin/bash
# Read permission (design 1.2): open O_RDONLY with a content check, stat/lstat/statx/access,
# readlink and readdir, allowed and denied; a deny carve-out inside an allowed directory,
# reached by absolute path, relative path (podtrace's cwd) and a dirfd; the denial notice.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

F=$PROBES/fsop
S=$SCRATCH
mkdir -p "$S/allowed/sub" "$S/allowed/secret" "$S/denied" "$S/allowed/emptydir"
printf 'ALLOWED-A\n' > "$S/allowed/a.txt"
printf 'ALLOWED-B\n' > "$S/allowed/sub/b.txt"
printf 'SECRET-S\n' > "$S/allowed/secret/s.txt"
printf 'DENIED-D\n' > "$S/denied/d.txt"
ln -s sub/b.txt "$S/allowed/rel_link"
POL=(--allow-read="$S/allowed" --deny-read="$S/allowed/secret")
A_=$S/allowed

# --- absolute paths ------------------------------------------------------------------------
run_pt run "${POL[@]}" -- "$F" \
    read "$S/allowed/a.txt" read "$S/allowed/sub/b.txt" \
    read "$S/denied/d.txt" read "$S/allowed/secret/s.txt" \
    read "$S/allowed/nonexistent" read "$S/denied/nonexistent" read "$S/allowed/secret/nonexistent" \
    stat "$S/allowed/a.txt" stat "$S/denied/d.txt" stat "$S/allowed/secret/s.txt" \
    lstat "$S/allowed/a.txt" lstat "$S/denied/d.txt" lstat "$S/allowed/secret/s.txt" \
    statx "$S/allowed/a.txt" statx "$S/denied/d.txt" statx "$S/allowed/secret/s.txt" \
    access "$S/allowed/a.txt" R access "$S/allowed/a.txt" F \
    access "$S/denied/d.txt" R access "$S/denied/d.txt" F access "$S/allowed/secret/s.txt" F \
    stat "$S/denied/nonexistent" stat "$S/allowed/nonexistent" \
    readlink "$S/allowed/rel_link" \
    readdir "$S/allowed/sub" readdir "$S/allowed/emptydir" readdir "$S/denied" readdir "$S/allowed/secret"
want_rc 0 "fsop ran"
want "read $S/allowed/a.txt: ok ALLOWED-A" "allowed file is read, content intact"
want "read $S/allowed/sub/b.txt: ok ALLOWED-B" "allowed subtree file is read"
want "read $S/denied/d.txt: EACCES" "file outside the allowed dir: EACCES"
want "read $S/allowed/secret/s.txt: EACCES" "deny carve-out inside an allowed dir: EACCES"
want "read $S/allowed/nonexistent: ENOENT" "missing file in an allowed dir: ENOENT"
want "read $S/denied/nonexistent: EACCES" "missing file in a denied dir: EACCES (existence not leaked)"
want "read $S/allowed/secret/nonexistent: EACCES" "missing file in the carve-out: EACCES"
want "stat $S/allowed/a.txt: ok size=10" "stat allowed"
want "stat $S/denied/d.txt: EACCES" "stat denied"
want "stat $S/allowed/secret/s.txt: EACCES" "stat carve-out denied"
want "lstat $S/allowed/a.txt: ok size=10" "lstat allowed"
want "lstat $S/denied/d.txt: EACCES" "lstat denied"
want "lstat $S/allowed/secret/s.txt: EACCES" "lstat carve-out denied"
want "statx $S/allowed/a.txt: ok size=10" "statx allowed"
want "statx $S/denied/d.txt: EACCES" "statx denied"
want "statx $S/allowed/secret/s.txt: EACCES" "statx carve-out denied"
want "access $S/allowed/a.txt: ok" "access(R_OK) allowed"
want "access $S/denied/d.txt: EACCES" "access denied"
want "access $S/allowed/secret/s.txt: EACCES" "access(F_OK) carve-out denied"
want "stat $S/denied/nonexistent: EACCES" "stat of a missing file in a denied dir: EACCES"
want "stat $S/allowed/nonexistent: ENOENT" "stat of a missing file in an allowed dir: ENOENT"
want "readlink $S/allowed/rel_link: ok sub/b.txt" "readlink allowed"
want "readdir $S/allowed/sub: ok b.txt" "readdir allowed lists the entries"
want "readdir $S/allowed/emptydir: ok (empty)" "readdir of an empty allowed dir"
want "readdir $S/denied: EACCES" "readdir denied"
want "readdir $S/allowed/secret: EACCES" "readdir of the carve-out denied"
want_err_re "^podtrace: denied read access to \"$S/denied/d.txt\" \(fsop\[[0-9]+\] open(at)?\); to allow it, run again with --allow-read=$S/denied/d.txt\$" \
    "the denial notice names the path, the process and the fix"
want_err_re "^podtrace: denied read access to \"$S/allowed/secret/s.txt\"" "the carve-out denial has a notice"

# --- rule matching is by path component, not by string prefix; odd names -----------------
mkdir -p "$S/allowedX" "$S/allowed/secretive" "$S/allowed/sp ace" "$S/allowed/ünï"
printf 'PREFIX-X\n' > "$S/allowedX/x.txt"
printf 'SECRETIVE\n' > "$S/allowed/secretive/t.txt"
printf 'SECRET-FILE\n' > "$S/allowed/secret.txt"
printf 'SPACE\n' > "$S/allowed/sp ace/f"
printf 'UNICODE\n' > "$S/allowed/ünï/f"
printf 'NEWLINE\n' > "$S/allowed/new
line"
run_pt run "${POL[@]}" -- "$F" read "$S/allowedX/x.txt" read "$S/allowed/secretive/t.txt" \
    read "$S/allowed/secret.txt" read "$S/allowed/sp ace/f" read "$S/allowed/ünï/f" read "$S/allowed/new
line" read "$S/allowed//secret//s.txt" read "$S/allowed/./secret/./s.txt"
want "read $S/allowedX/x.txt: EACCES" "--allow-read=D does not cover DX (a sibling sharing the prefix)"
want "read $S/allowed/secretive/t.txt: ok SECRETIVE" "--deny-read=D/secret does not cover D/secretive"
want "read $S/allowed/secret.txt: ok SECRET-FILE" "--deny-read=D/secret does not cover D/secret.txt"
want "read $S/allowed/sp ace/f: ok SPACE" "a name with a space"
want "read $S/allowed/ünï/f: ok UNICODE" "a UTF-8 name"
want "line: ok NEWLINE" "a name with a newline (the result line after the name's newline)"
want "read $S/allowed//secret//s.txt: EACCES" "the carve-out spelled with //"
want "read $S/allowed/./secret/./s.txt: EACCES" "the carve-out spelled with /./"

# --- openat2 called directly -------------------------------------------------------------
run_pt run "${POL[@]}" -- "$F" openat2 "$A_/a.txt" 0 openat2 "$S/denied/d.txt" 0 \
    openat2 "$A_/secret/s.txt" 0 openat2 "$S/denied/d.txt" beneath
want "openat2 $A_/a.txt: ok ALLOWED-A" "openat2 (no RESOLVE flags) of an allowed file"
want "openat2 $S/denied/d.txt: EACCES" "openat2 of a denied file: EACCES"
want "openat2 $A_/secret/s.txt: EACCES" "openat2 of the carve-out: EACCES"
want_re "^openat2 $S/denied/d.txt: (EACCES|ENOSYS|EXDEV)\$" "openat2 with RESOLVE_BENEATH never opens a denied file"

# --- the same outcomes with every open emulated by the supervisor -------------------------
run_pt run --no-landlock "${POL[@]}" -- "$F" \
    read "$S/allowed/a.txt" read "$S/denied/d.txt" read "$S/allowed/secret/s.txt" readdir "$S/denied"
want "read $S/allowed/a.txt: ok ALLOWED-A" "--no-landlock: allowed read"
want "read $S/denied/d.txt: EACCES" "--no-landlock: denied read"
want "read $S/allowed/secret/s.txt: EACCES" "--no-landlock: carve-out denied"
want "readdir $S/denied: EACCES" "--no-landlock: readdir denied"

# --- nothing allowed: only the baseline ---------------------------------------------------
run_pt run -- "$F" read "$S/allowed/a.txt" read /etc/passwd read /dev/null
want "read $S/allowed/a.txt: EACCES" "default: a file not in the policy is denied"
want "read /etc/passwd: EACCES" "default: /etc/passwd is denied"
want "read /dev/null: ok" "baseline: /dev/null is readable"

# --- relative paths: the policy's against podtrace's cwd, the worker's against its cwd ----
cd "$S" || fail "cd"
run_pt run --allow-read=allowed --deny-read=allowed/secret -- "$F" \
    read allowed/a.txt read allowed/secret/s.txt read denied/d.txt read ./allowed/./secret/s.txt \
    read "$S/allowed/secret/s.txt"
want "read allowed/a.txt: ok ALLOWED-A" "relative rule and relative path: allowed"
want "read allowed/secret/s.txt: EACCES" "relative carve-out: denied"
want "read ./allowed/./secret/s.txt: EACCES" "relative carve-out spelled with ./: denied"
want "read denied/d.txt: EACCES" "relative path outside: denied"
want "read $S/allowed/secret/s.txt: EACCES" "relative carve-out rule applies to the absolute path"
cd "$S/allowed" || fail "cd"
run_pt run "${POL[@]}" -- "$F" read a.txt read secret/s.txt read sub/../secret/s.txt read ../denied/d.txt
want "read a.txt: ok ALLOWED-A" "cwd-relative read (cwd = podtrace's) allowed"
want "read secret/s.txt: EACCES" "cwd-relative carve-out denied"
want "read sub/../secret/s.txt: EACCES" "cwd-relative carve-out via sub/.. denied"
want "read ../denied/d.txt: EACCES" "cwd-relative ../ outside denied"
cd / || fail "cd"

# --- a dirfd opened on the allowed dir -----------------------------------------------------
run_pt run "${POL[@]}" -- "$F" opendir "$S/allowed" \
    at-read a.txt at-read secret/s.txt at-read ./secret/../secret/s.txt at-read ../denied/d.txt \
    at-stat secret/s.txt at-stat sub/b.txt at-read "$S/denied/d.txt" at-read sub/b.txt
want "opendir $S/allowed: ok fd=3" "open the allowed dir as a dirfd"
want "at-read a.txt: ok ALLOWED-A" "openat(dirfd, allowed)"
want "at-read sub/b.txt: ok ALLOWED-B" "openat(dirfd, allowed subdir file)"
want "at-read secret/s.txt: EACCES" "openat(dirfd, carve-out) denied"
want "at-read ./secret/../secret/s.txt: EACCES" "openat(dirfd, carve-out via ..) denied"
want "at-read ../denied/d.txt: EACCES" "openat(dirfd, ../outside) denied"
want "at-read $S/denied/d.txt: EACCES" "openat(dirfd, absolute outside) denied"
want "at-stat secret/s.txt: EACCES" "fstatat(dirfd, carve-out) denied"
want "at-stat sub/b.txt: ok size=10" "fstatat(dirfd, allowed)"
run_pt run "${POL[@]}" -- "$F" opendir "$S/allowed/secret" opendir "$S/denied" opendir "$S"
want "opendir $S/allowed/secret: EACCES" "a dirfd on the carve-out cannot be opened"
want "opendir $S/denied: EACCES" "a dirfd on a denied dir cannot be opened"
want "opendir $S: EACCES" "a dirfd on the parent of the allowed dir cannot be opened"

# --- os.listdir in Python ------------------------------------------------------------------
cat > "$S/listdir.py" <<EOF
import os
for d in ["$S/allowed/sub", "$S/denied", "$S/allowed/secret"]:
    try:
        print("listdir", d, "ok", ",".join(sorted(os.listdir(d))))
    except PermissionError as e:
        print("listdir", d, "PermissionError", e.errno)
EOF
run_pt run "${POL[@]}" -- "$S/listdir.py"
want_rc 0 "python listdir script ran"
want "listdir $S/allowed/sub ok b.txt" "os.listdir allowed"
want "listdir $S/denied PermissionError 13" "os.listdir denied raises PermissionError"
want "listdir $S/allowed/secret PermissionError 13" "os.listdir carve-out raises PermissionError"

finish
