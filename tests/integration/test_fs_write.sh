#!/bin/bash
# Write permission (design 1.2): create, append, truncate, O_EXCL, creat, mkdir, rmdir,
# unlink, rename (both directions; out of a read-denied place is denied), link, symlink,
# chmod, chown, utimes, truncate, allowed and denied, dirfd- and cwd-relative. Every case is
# checked on the host afterwards: the allowed change happened, the denied one did not.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

F=$PROBES/fsop
S=$SCRATCH
# w: read+write   w/secret: deny-write carve-out   ro: read only   wo: write only   none: nothing
mkdir -p "$S/w/secret" "$S/ro" "$S/wo" "$S/none" \
    "$S/w/rmme" "$S/w/secret/rmme" "$S/ro/rmme" "$S/w/dirA"
printf 'ORIG-W' > "$S/w/existing.txt"
printf 'ORIG-S' > "$S/w/secret/s.txt"
printf 'ORIG-R' > "$S/ro/r.txt"
printf 'ORIG-N' > "$S/none/n.txt"
printf 'TRUNC-ME' > "$S/w/trunc.txt"
printf 'ABCDEF' > "$S/w/t2.txt"
printf 'ORIG-WO' > "$S/wo/f"
for f in "$S/w/del.txt" "$S/w/secret/del.txt" "$S/ro/del.txt" "$S/w/mv1" "$S/w/mv2" "$S/ro/mv3" \
    "$S/w/secret/mv4" "$S/w/mv5" "$S/wo/mv6" "$S/w/mv7"; do
    printf 'CONTENT-%s' "$(basename "$f")" > "$f"
done
ln -s "$S/ro/r.txt" "$S/w/link_to_ro"
ln -s "$S/ro/created.txt" "$S/w/dangling"
touch -d @1500000000 "$S/ro/r.txt" "$S/w/secret/s.txt"
chmod 644 "$S/w/existing.txt" "$S/ro/r.txt" "$S/w/secret/s.txt"
worker_owns "$S" # the worker's own files: only the policy stands in its way
ctime_r=$(stat -c %z "$S/ro/r.txt")

POL=(--allow-read="$S/w,$S/ro" --allow-write="$S/w,$S/wo" --deny-write="$S/w/secret")

run_pt run "${POL[@]}" -- "$F" \
    write "$S/w/new.txt" NEW write "$S/w/secret/new.txt" NEW write "$S/ro/new.txt" NEW \
    write "$S/none/new.txt" NEW \
    append "$S/w/existing.txt" +APP append "$S/w/secret/s.txt" +APP append "$S/ro/r.txt" +APP \
    trunc "$S/w/trunc.txt" trunc "$S/ro/r.txt" trunc "$S/w/secret/s.txt" \
    create "$S/w/excl.txt" create "$S/ro/excl.txt" creat "$S/w/creat.txt" creat "$S/ro/creat.txt" \
    openrw "$S/w/existing.txt" openrw "$S/wo/f" write "$S/wo/f" WO-NEW read "$S/wo/f" \
    write "$S/w/link_to_ro" VIA-LINK write "$S/w/dangling" VIA-DANGLING \
    mkdir "$S/w/newdir" mkdir "$S/w/secret/newdir" mkdir "$S/ro/newdir" mkdir "$S/w/../ro/dotdot" \
    rmdir "$S/w/rmme" rmdir "$S/w/secret/rmme" rmdir "$S/ro/rmme" \
    unlink "$S/w/del.txt" unlink "$S/w/secret/del.txt" unlink "$S/ro/del.txt" \
    rename "$S/w/mv1" "$S/w/mv1b" rename "$S/w/mv2" "$S/ro/mv2" rename "$S/ro/mv3" "$S/w/mv3" \
    rename "$S/w/secret/mv4" "$S/w/mv4" rename "$S/w/mv5" "$S/w/secret/mv5" \
    rename "$S/wo/mv6" "$S/w/mv6" rename "$S/w/mv7" "$S/wo/mv7" rename "$S/w/dirA" "$S/w/dirB" \
    link "$S/w/existing.txt" "$S/w/hl" link "$S/ro/r.txt" "$S/w/hl2" link "$S/wo/f" "$S/w/hl3" \
    link "$S/w/existing.txt" "$S/ro/hl4" \
    symlink /etc/shadow "$S/w/sl" symlink x "$S/ro/sl" symlink x "$S/w/secret/sl" read "$S/w/sl" \
    chmod "$S/w/existing.txt" 600 chmod "$S/ro/r.txt" 600 chmod "$S/w/secret/s.txt" 600 \
    chown "$S/w/existing.txt" "$WORKER_UID" "$WORKER_GID" chown "$S/ro/r.txt" "$WORKER_UID" "$WORKER_GID" \
    lchown "$S/w/secret/s.txt" "$WORKER_UID" "$WORKER_GID" \
    utimes "$S/w/existing.txt" 1000000000 utimes "$S/ro/r.txt" 1000000000 \
    utimes "$S/w/secret/s.txt" 1000000000 \
    truncate "$S/w/t2.txt" 3 truncate "$S/ro/r.txt" 0 truncate "$S/w/secret/s.txt" 0
want_rc 0 "fsop ran"

# open for writing
want "write $S/w/new.txt: ok" "create+write in the allowed dir"
check "host: the new file holds what was written" file_is "$S/w/new.txt" NEW
want "write $S/w/secret/new.txt: EACCES" "create in the deny-write carve-out"
check "host: no file created in the carve-out" test ! -e "$S/w/secret/new.txt"
want "write $S/ro/new.txt: EACCES" "create in a read-only dir"
check "host: no file created in the read-only dir" test ! -e "$S/ro/new.txt"
want "write $S/none/new.txt: EACCES" "create in a dir not in the policy"
check "host: no file created there" test ! -e "$S/none/new.txt"
want "append $S/w/existing.txt: ok" "append allowed"
want "append $S/w/secret/s.txt: EACCES" "append to the carve-out denied"
want "append $S/ro/r.txt: EACCES" "append to a read-only file denied"
want "trunc $S/w/trunc.txt: ok" "O_TRUNC allowed"
check "host: the truncated file is empty" test -f "$S/w/trunc.txt" -a ! -s "$S/w/trunc.txt"
want "trunc $S/ro/r.txt: EACCES" "O_TRUNC of a read-only file denied"
want "trunc $S/w/secret/s.txt: EACCES" "O_TRUNC in the carve-out denied"
want "create $S/w/excl.txt: ok" "O_CREAT|O_EXCL allowed"
check "host: O_EXCL file exists" test -f "$S/w/excl.txt"
want "create $S/ro/excl.txt: EACCES" "O_CREAT|O_EXCL in a read-only dir denied"
check "host: no O_EXCL file in the read-only dir" test ! -e "$S/ro/excl.txt"
want "creat $S/w/creat.txt: ok" "creat() allowed"
want "creat $S/ro/creat.txt: EACCES" "creat() in a read-only dir denied"
check "host: no creat() file in the read-only dir" test ! -e "$S/ro/creat.txt"
want "openrw $S/w/existing.txt: ok" "O_RDWR where read and write are allowed"
want "openrw $S/wo/f: EACCES" "O_RDWR where only write is allowed: write does not imply read"
want "write $S/wo/f: ok" "O_WRONLY where only write is allowed"
want "read $S/wo/f: EACCES" "reading a write-only place is denied"
check "host: the write-only file holds the new text" file_is "$S/wo/f" WO-NEW
want "write $S/w/link_to_ro: EACCES" "write through a symlink to a read-only file denied"
want "write $S/w/dangling: EACCES" "O_CREAT through a dangling symlink into a read-only dir denied"
check "host: the dangling symlink's target was not created" test ! -e "$S/ro/created.txt"
# mkdir / rmdir / unlink
want "mkdir $S/w/newdir: ok" "mkdir allowed"
check "host: the new dir exists" test -d "$S/w/newdir"
want "mkdir $S/w/secret/newdir: EACCES" "mkdir in the carve-out denied"
check "host: no dir in the carve-out" test ! -e "$S/w/secret/newdir"
want "mkdir $S/ro/newdir: EACCES" "mkdir in a read-only dir denied"
check "host: no dir in the read-only dir" test ! -e "$S/ro/newdir"
want "mkdir $S/w/../ro/dotdot: EACCES" "mkdir via w/../ro denied (canonical path)"
check "host: no dir via .." test ! -e "$S/ro/dotdot"
want "rmdir $S/w/rmme: ok" "rmdir allowed"
check "host: the dir is gone" test ! -e "$S/w/rmme"
want "rmdir $S/w/secret/rmme: EACCES" "rmdir in the carve-out denied"
check "host: the carve-out dir is still there" test -d "$S/w/secret/rmme"
want "rmdir $S/ro/rmme: EACCES" "rmdir in a read-only dir denied"
check "host: the read-only dir's subdir is still there" test -d "$S/ro/rmme"
want "unlink $S/w/del.txt: ok" "unlink allowed"
check "host: the file is gone" test ! -e "$S/w/del.txt"
want "unlink $S/w/secret/del.txt: EACCES" "unlink in the carve-out denied"
check "host: the carve-out file is still there" test -f "$S/w/secret/del.txt"
want "unlink $S/ro/del.txt: EACCES" "unlink in a read-only dir denied"
check "host: the read-only file is still there" test -f "$S/ro/del.txt"
# rename
want "rename $S/w/mv1 $S/w/mv1b: ok" "rename within the allowed dir"
check "host: renamed" test -f "$S/w/mv1b" -a ! -e "$S/w/mv1"
want "rename $S/w/mv2 $S/ro/mv2: EACCES" "rename into a read-only dir denied"
check "host: not moved into the read-only dir" test -f "$S/w/mv2" -a ! -e "$S/ro/mv2"
want "rename $S/ro/mv3 $S/w/mv3: EACCES" "rename out of a read-only dir denied"
check "host: not moved out of the read-only dir" test -f "$S/ro/mv3" -a ! -e "$S/w/mv3"
want "rename $S/w/secret/mv4 $S/w/mv4: EACCES" "rename out of the carve-out denied"
check "host: not moved out of the carve-out" test -f "$S/w/secret/mv4" -a ! -e "$S/w/mv4"
want "rename $S/w/mv5 $S/w/secret/mv5: EACCES" "rename into the carve-out denied"
check "host: not moved into the carve-out" test -f "$S/w/mv5" -a ! -e "$S/w/secret/mv5"
want "rename $S/wo/mv6 $S/w/mv6: EACCES" "rename out of a read-denied (write-only) place denied"
check "host: the read-denied file was not moved into a readable place" test -f "$S/wo/mv6" -a ! -e "$S/w/mv6"
want "rename $S/w/mv7 $S/wo/mv7: ok" "rename into a write-only place allowed"
check "host: moved into the write-only place" test -f "$S/wo/mv7" -a ! -e "$S/w/mv7"
want "rename $S/w/dirA $S/w/dirB: ok" "rename of a directory"
check "host: directory renamed" test -d "$S/w/dirB" -a ! -e "$S/w/dirA"
# link / symlink
want "link $S/w/existing.txt $S/w/hl: ok" "hard link within the allowed dir"
check "host: the hard link is the same inode" test "$S/w/hl" -ef "$S/w/existing.txt"
want "link $S/ro/r.txt $S/w/hl2: EACCES" "hard link of a read-only file into a writable dir denied"
check "host: no hard link to the read-only file" test ! -e "$S/w/hl2"
want "link $S/wo/f $S/w/hl3: EACCES" "hard link of a read-denied file into a readable dir denied"
check "host: no hard link to the read-denied file" test ! -e "$S/w/hl3"
want "link $S/w/existing.txt $S/ro/hl4: EACCES" "hard link into a read-only dir denied"
check "host: no hard link in the read-only dir" test ! -e "$S/ro/hl4"
want "symlink /etc/shadow $S/w/sl: ok" "creating a symlink in the allowed dir"
check "host: the symlink exists" test -L "$S/w/sl"
want "read $S/w/sl: EACCES" "reading through the new symlink to /etc/shadow denied"
want "symlink x $S/ro/sl: EACCES" "symlink in a read-only dir denied"
check "host: no symlink in the read-only dir" test ! -L "$S/ro/sl"
want "symlink x $S/w/secret/sl: EACCES" "symlink in the carve-out denied"
check "host: no symlink in the carve-out" test ! -L "$S/w/secret/sl"
# attributes
want "chmod $S/w/existing.txt: ok" "chmod allowed"
check "host: mode is 600" test "$(stat -c %a "$S/w/existing.txt")" = 600
want "chmod $S/ro/r.txt: EACCES" "chmod of a read-only file denied"
check "host: read-only file's mode unchanged" test "$(stat -c %a "$S/ro/r.txt")" = 644
want "chmod $S/w/secret/s.txt: EACCES" "chmod in the carve-out denied"
check "host: carve-out file's mode unchanged" test "$(stat -c %a "$S/w/secret/s.txt")" = 644
want "chown $S/w/existing.txt: ok" "chown allowed"
want "chown $S/ro/r.txt: EACCES" "chown of a read-only file denied"
want "lchown $S/w/secret/s.txt: EACCES" "lchown in the carve-out denied"
want "utimes $S/w/existing.txt: ok" "utimes allowed"
check "host: mtime set" test "$(stat -c %Y "$S/w/existing.txt")" = 1000000000
want "utimes $S/ro/r.txt: EACCES" "utimes of a read-only file denied"
check "host: read-only file's mtime unchanged" test "$(stat -c %Y "$S/ro/r.txt")" = 1500000000
want "utimes $S/w/secret/s.txt: EACCES" "utimes in the carve-out denied"
check "host: carve-out file's mtime unchanged" test "$(stat -c %Y "$S/w/secret/s.txt")" = 1500000000
want "truncate $S/w/t2.txt: ok" "truncate(2) allowed"
check "host: truncated to 3 bytes" file_is "$S/w/t2.txt" ABC
want "truncate $S/ro/r.txt: EACCES" "truncate(2) of a read-only file denied"
want "truncate $S/w/secret/s.txt: EACCES" "truncate(2) in the carve-out denied"
# the read-only and carve-out files, after everything above
check "host: read-only file content unchanged" file_is "$S/ro/r.txt" ORIG-R
check "host: read-only file's ctime unchanged (no chmod/chown/utimes/truncate reached it)" \
    test "$(stat -c %z "$S/ro/r.txt")" = "$ctime_r"
check "host: carve-out file content unchanged" file_is "$S/w/secret/s.txt" ORIG-S
check "host: appended file holds ORIG-W+APP" file_is "$S/w/existing.txt" ORIG-W+APP
check "host: the untouched file outside the policy is unchanged" file_is "$S/none/n.txt" ORIG-N
want_err_re "^podtrace: denied write access to \"$S/ro/new.txt\" \(fsop\[[0-9]+\] open(at)?\); to allow it, run again with --allow-write=$S/ro/new.txt\$" \
    "the write-denial notice names the fix"

# --- mknod, RENAME_EXCHANGE, O_TMPFILE and linking an fd by its /proc name -------------------
printf 'EX-W' > "$S/w/ex_w"
printf 'EX-WO' > "$S/wo/ex_wo"
printf 'EX-W2' > "$S/w/ex_w2"
printf 'EX-RO' > "$S/ro/ex_ro"
run_pt run "${POL[@]}" -- "$F" \
    mkfifo "$S/w/fifo" mkfifo "$S/ro/fifo" mkfifo "$S/w/secret/fifo" \
    exchange "$S/w/ex_w" "$S/wo/ex_wo" exchange "$S/w/ex_w2" "$S/ro/ex_ro" \
    tmpfile "$S/ro" tmpfile "$S/w" linkfd "$S/w/from_tmpfile" linkfd "$S/ro/from_tmpfile" \
    openfd "$S/wo/f" w linkfd "$S/w/stolen"
want "mkfifo $S/w/fifo: ok" "mknod(FIFO) where write is allowed"
check "host: the fifo exists" test -p "$S/w/fifo"
want "mkfifo $S/ro/fifo: EACCES" "mknod(FIFO) in a read-only dir denied"
want "mkfifo $S/w/secret/fifo: EACCES" "mknod(FIFO) in the carve-out denied"
check "host: no fifo in the read-only dir or the carve-out" test ! -e "$S/ro/fifo" -a ! -e "$S/w/secret/fifo"
want "exchange $S/w/ex_w $S/wo/ex_wo: EACCES" "RENAME_EXCHANGE with a read-denied (write-only) file denied: it would move it into a readable place"
check "host: the exchange did not happen" file_is "$S/w/ex_w" EX-W
check "host: ... on either side" file_is "$S/wo/ex_wo" EX-WO
want "exchange $S/w/ex_w2 $S/ro/ex_ro: EACCES" "RENAME_EXCHANGE with a read-only file denied"
check "host: the read-only side is unchanged" file_is "$S/ro/ex_ro" EX-RO
want "tmpfile $S/ro: EACCES" "O_TMPFILE in a read-only dir denied"
want_re "^tmpfile $S/w: ok fd=[0-9]+\$" "O_TMPFILE in the writable dir"
want "linkfd $S/w/from_tmpfile: ok" "linking the O_TMPFILE into the writable dir"
check "host: the linked tmpfile exists" test -f "$S/w/from_tmpfile"
want "linkfd $S/ro/from_tmpfile: EACCES" "linking an fd into a read-only dir denied"
check "host: nothing linked into the read-only dir" test ! -e "$S/ro/from_tmpfile"
want_re "^openfd $S/wo/f: ok fd=[0-9]+\$" "an O_WRONLY fd on a write-only file"
want "linkfd $S/w/stolen: EACCES" "linking a read-denied file (by its /proc/self/fd name) into a readable dir denied"
check "host: the read-denied file was not linked into the readable dir" test ! -e "$S/w/stolen"

# --- dirfd-relative and cwd-relative writes -------------------------------------------------
run_pt run "${POL[@]}" -- "$F" opendir "$S/w" \
    at-write at_new.txt AT at-write secret/at_new.txt AT at-write ../ro/at_new.txt AT \
    at-mkdir at_dir at-mkdir secret/at_dir at-unlink hl at-unlink secret/s.txt
want "opendir $S/w: ok fd=3" "dirfd on the writable dir"
want "at-write at_new.txt: ok" "openat(dirfd, new, O_CREAT) allowed"
check "host: dirfd-relative file created" file_is "$S/w/at_new.txt" AT
want "at-write secret/at_new.txt: EACCES" "openat(dirfd, carve-out/new, O_CREAT) denied"
check "host: nothing created in the carve-out" test ! -e "$S/w/secret/at_new.txt"
want "at-write ../ro/at_new.txt: EACCES" "openat(dirfd, ../ro/new, O_CREAT) denied"
check "host: nothing created in the read-only dir" test ! -e "$S/ro/at_new.txt"
want "at-mkdir at_dir: ok" "mkdirat(dirfd) allowed"
check "host: mkdirat made the dir" test -d "$S/w/at_dir"
want "at-mkdir secret/at_dir: EACCES" "mkdirat(dirfd, carve-out) denied"
check "host: no mkdirat dir in the carve-out" test ! -e "$S/w/secret/at_dir"
want "at-unlink hl: ok" "unlinkat(dirfd) allowed"
check "host: unlinkat removed it" test ! -e "$S/w/hl"
want "at-unlink secret/s.txt: EACCES" "unlinkat(dirfd, carve-out) denied"
check "host: carve-out file survives unlinkat" file_is "$S/w/secret/s.txt" ORIG-S

run_pt run "${POL[@]}" -- "$F" chdir "$S/w" write cwd_new.txt CWD write secret/cwd_new.txt CWD \
    write ../ro/cwd_new.txt CWD chdir "$S/w/secret" write cwd2.txt CWD unlink s.txt
want "chdir $S/w: ok" "chdir into the writable dir"
want "write cwd_new.txt: ok" "cwd-relative create allowed"
check "host: cwd-relative file created" file_is "$S/w/cwd_new.txt" CWD
want "write secret/cwd_new.txt: EACCES" "cwd-relative create in the carve-out denied"
want "write ../ro/cwd_new.txt: EACCES" "cwd-relative ../ro create denied"
check "host: nothing created by the denied cwd-relative writes" \
    test ! -e "$S/w/secret/cwd_new.txt" -a ! -e "$S/ro/cwd_new.txt"
want "chdir $S/w/secret: ok" "chdir into the carve-out (readable)"
want "write cwd2.txt: EACCES" "create relative to a cwd inside the carve-out denied"
want "unlink s.txt: EACCES" "unlink relative to a cwd inside the carve-out denied"
check "host: carve-out untouched" test ! -e "$S/w/secret/cwd2.txt" -a -f "$S/w/secret/s.txt"

finish
