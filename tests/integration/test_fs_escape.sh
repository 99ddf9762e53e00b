#!/bin/bash
# Escapes from an allowed directory (design 1.2: decisions on canonical paths, symlinks
# resolved at the moment of access in the worker's view): symlinks pointing out of it (file,
# directory, relative, absolute, to "/"), to the deny carve-out, and to another allowed place;
# symlink loops and the 40-link limit; ".." out of the allowed dir, also after a symlinked
# directory (physical, not lexical, ".."). Run with the Landlock fast path and with
# --no-landlock (everything emulated): the answers must be the same.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

F=$PROBES/fsop
S=$SCRATCH
A=$S/allowed
mkdir -p "$A/sub" "$A/secret" "$S/denied/inner" "$S/other"
printf 'ALLOWED-A\n' > "$A/a.txt"
printf 'ALLOWED-B\n' > "$A/sub/b.txt"
printf 'SECRET-S\n' > "$A/secret/s.txt"
printf 'DENIED-D\n' > "$S/denied/d.txt"
printf 'OTHER-O\n' > "$S/other/o.txt"
# A decoy where a lexical "A/dir_out_inner/.." would land: reading it means ".." was folded
# on the string instead of being resolved physically (the real target is denied/d.txt).
printf 'DECOY-LEXICAL\n' > "$A/d.txt"
ln -s "$S/denied/d.txt" "$A/out_abs"
ln -s ../denied/d.txt "$A/out_rel"
ln -s "$S/other/o.txt" "$A/to_other"
ln -s sub/b.txt "$A/in_rel"
ln -s "$A/sub/b.txt" "$A/in_abs"
ln -s secret/s.txt "$A/to_secret"
ln -s secret "$A/secret_dir"
ln -s "$S/denied" "$A/dir_out"
ln -s "$S/denied/inner" "$A/dir_out_inner"
ln -s .. "$A/up"
ln -s / "$A/root_link"
ln -s loop2 "$A/loop1"
ln -s loop1 "$A/loop2"
ln -s self "$A/self"
ln -s "$A/a.txt" "$S/denied/to_allowed"
# a chain: c1 -> c2 -> ... -> c40 -> a.txt is 40 links (allowed by the kernel), c0 is 41
ln -s a.txt "$A/c40"
for i in $(seq 39 -1 0); do ln -s "c$((i + 1))" "$A/c$i"; done

run_escape() { # run_escape LABEL PODTRACE-FLAGS...
    local l=$1
    shift
    run_pt run "$@" --allow-read="$A,$S/other" --deny-read="$A/secret" -- "$F" \
        read "$A/out_abs" read "$A/out_rel" stat "$A/out_abs" lstat "$A/out_abs" readlink "$A/out_abs" \
        read "$A/to_other" read "$A/in_rel" read "$A/in_abs" read "$A/to_secret" \
        read "$A/secret_dir/s.txt" readdir "$A/secret_dir" \
        read "$A/dir_out/d.txt" readdir "$A/dir_out" stat "$A/dir_out/d.txt" \
        read "$A/dir_out_inner/../d.txt" \
        read "$A/up/denied/d.txt" read "$A/up/allowed/a.txt" \
        read "$A/root_link/etc/passwd" read "$A/root_link$A/a.txt" read "$A/root_link$S/denied/d.txt" \
        read "$A/loop1" stat "$A/loop1" read "$A/self" \
        read "$A/c1" read "$A/c0" \
        read "$S/denied/to_allowed" \
        read "$A/../denied/d.txt" read "$A/sub/../a.txt" read "$A/sub/../secret/s.txt" \
        read "$A/../../../../../../..$S/denied/d.txt" read "$A/sub/../../allowed/secret/s.txt" \
        stat "$A/../denied/d.txt" readdir "$A/.." readdir "$A/sub/.." \
        read "$A/a.txt/../a.txt"
    want_rc 0 "$l: fsop ran"
    want "read $A/out_abs: EACCES" "$l: absolute symlink to a denied file"
    want "read $A/out_rel: EACCES" "$l: relative symlink to a denied file"
    want "stat $A/out_abs: EACCES" "$l: stat follows the symlink to a denied file"
    local target="$S/denied/d.txt"
    want "lstat $A/out_abs: ok size=${#target}" "$l: lstat of the link itself (in the allowed dir)"
    want "readlink $A/out_abs: ok $S/denied/d.txt" "$l: readlink of the link itself"
    want "read $A/to_other: ok OTHER-O" "$l: symlink to another allowed place"
    want "read $A/in_rel: ok ALLOWED-B" "$l: relative symlink inside the allowed dir"
    want "read $A/in_abs: ok ALLOWED-B" "$l: absolute symlink inside the allowed dir"
    want "read $A/to_secret: EACCES" "$l: symlink to the carve-out"
    want "read $A/secret_dir/s.txt: EACCES" "$l: through a symlinked dir into the carve-out"
    want "readdir $A/secret_dir: EACCES" "$l: listing the carve-out through a symlink"
    want "read $A/dir_out/d.txt: EACCES" "$l: through a symlinked dir out of the allowed dir"
    want "readdir $A/dir_out: EACCES" "$l: listing a denied dir through a symlink"
    want "stat $A/dir_out/d.txt: EACCES" "$l: stat through a symlinked dir out"
    want "read $A/dir_out_inner/../d.txt: EACCES" "$l: '..' after a symlinked dir is physical (denied/d.txt), not lexical"
    want "read $A/up/denied/d.txt: EACCES" "$l: symlink to '..' then into the denied dir"
    want "read $A/up/allowed/a.txt: ok ALLOWED-A" "$l: symlink to '..' then back into the allowed dir"
    want "read $A/root_link/etc/passwd: EACCES" "$l: symlink to / then /etc/passwd"
    want "read $A/root_link$A/a.txt: ok ALLOWED-A" "$l: symlink to / then back into the allowed dir"
    want "read $A/root_link$S/denied/d.txt: EACCES" "$l: symlink to / then the denied file"
    want "read $A/loop1: ELOOP" "$l: symlink loop gives ELOOP"
    want "stat $A/loop1: ELOOP" "$l: stat of a symlink loop gives ELOOP"
    want "read $A/self: ELOOP" "$l: self-referencing symlink gives ELOOP"
    want "read $A/c1: ok ALLOWED-A" "$l: a chain of 40 symlinks resolves (the kernel's limit)"
    want "read $A/c0: ELOOP" "$l: a chain of 41 symlinks gives ELOOP"
    want "read $S/denied/to_allowed: ok ALLOWED-A" "$l: symlink in a denied dir to an allowed file (canonical path allowed)"
    want "read $A/../denied/d.txt: EACCES" "$l: allowed/../denied is denied"
    want "read $A/sub/../a.txt: ok ALLOWED-A" "$l: sub/../a.txt stays inside: allowed"
    want "read $A/sub/../secret/s.txt: EACCES" "$l: sub/../secret is the carve-out"
    want "read $A/../../../../../../..$S/denied/d.txt: EACCES" "$l: '..' past the root then the denied file"
    want "read $A/sub/../../allowed/secret/s.txt: EACCES" "$l: out and back into the carve-out"
    want "stat $A/../denied/d.txt: EACCES" "$l: stat of allowed/../denied"
    want "readdir $A/..: EACCES" "$l: listing allowed/.. (the scratch dir) denied"
    want "readdir $A/sub/..: ok $(cd "$A" && ls -A | sort | paste -sd,)" "$l: listing sub/.. is listing the allowed dir"
    want "read $A/a.txt/../a.txt: ENOTDIR" "$l: '..' after a file is ENOTDIR, like the kernel"
}

run_escape landlock
no_err_re "DECOY|$A/d.txt\"" "landlock: the decoy was never the decided path"
run_escape no-landlock --no-landlock

# --- the rule side: symlinks in --allow/--deny paths are resolved at start-up ---------------
mkdir -p "$S/real/inner"
printf 'REAL-R\n' > "$S/real/r.txt"
printf 'REAL-INNER\n' > "$S/real/inner/i.txt"
ln -s real "$S/rule_link"
ln -s "$S/real/inner" "$S/inner_link"
run_pt run --allow-read="$S/rule_link" --deny-read="$S/inner_link" -- "$F" \
    read "$S/real/r.txt" read "$S/rule_link/r.txt" read "$S/real/inner/i.txt" read "$S/rule_link/inner/i.txt"
want "read $S/real/r.txt: ok REAL-R" "an allow rule given as a symlink covers its target"
want "read $S/rule_link/r.txt: ok REAL-R" "... reached through the symlink too"
want "read $S/real/inner/i.txt: EACCES" "a deny rule given as a symlink covers its target"
want "read $S/rule_link/inner/i.txt: EACCES" "... reached through the other symlink too"

# The same probes natively (no podtrace, everything readable) give the kernel's answers for
# the cases that do not depend on the policy: podtrace must agree with them.
"$F" read "$A/loop1" read "$A/c1" read "$A/c0" read "$A/a.txt/../a.txt" read "$A/dir_out_inner/../d.txt" \
    > "$S/native.txt" 2>&1
check "native: loop ELOOP" grep -Fxq "read $A/loop1: ELOOP" "$S/native.txt"
check "native: 40 links resolve" grep -Fxq "read $A/c1: ok ALLOWED-A" "$S/native.txt"
check "native: 41 links ELOOP" grep -Fxq "read $A/c0: ELOOP" "$S/native.txt"
check "native: a.txt/.. ENOTDIR" grep -Fxq "read $A/a.txt/../a.txt: ENOTDIR" "$S/native.txt"
check "native: physical '..' reaches denied/d.txt" grep -Fxq "read $A/dir_out_inner/../d.txt: ok DENIED-D" "$S/native.txt"

finish
