#!/bin/bash
# The check-to-use race (design 4.1): a thread rewrites the path buffer in place between an
# allowed and a denied file while another opens it >= 100,000 times; the denied content must
# never be read. With the Landlock fast path (default), with every open emulated
# (--no-landlock), and with the allowed file under a deny carve-out (emulated path even by
# default). Also a symlink re-pointed between the two by the worker itself. A native run
# first shows the probe does see the race when nothing enforces the policy.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

R=$PROBES/race
S=$SCRATCH
N=${RACE_OPENS:-100000}
NLINK=${RACE_LINK_OPENS:-30000}
mkdir -p "$S/aaaa" "$S/bbbb" "$S/d/public" "$S/d/secret" "$S/w"
# same-length paths: the flipper's in-place rewrite changes only the differing bytes' meaning
printf 'ALLOWED-MARKER\n' > "$S/aaaa/file.txt"
printf 'DENIED-MARKER\n' > "$S/bbbb/file.txt"
printf 'ALLOWED-MARKER\n' > "$S/d/public/file.txt"
printf 'DENIED-MARKER\n' > "$S/d/secret/file.txt"

# judge LABEL MIN_OPENS: the last run's line shows >= MIN_OPENS opens, both outcomes, no leak
judge() {
    local l=$1 min=$2 line opens ok eacces leaked
    line=$(printf '%s\n' "$OUT" | grep -E '^race (buf|sbuf|cwd|link): ' | tail -1)
    if [ -z "$line" ]; then
        soft_fail "$l: no result line (exit $RC)
--- stdout:
$OUT
--- stderr:
$(printf '%s\n' "$ERR" | tail -20)"
        return
    fi
    echo "# $l: $line"
    opens=$(sed -E 's/.* opens=([0-9]+).*/\1/' <<<"$line")
    ok=$(sed -E 's/.* ok=([0-9]+).*/\1/' <<<"$line")
    eacces=$(sed -E 's/.* eacces=([0-9]+).*/\1/' <<<"$line")
    leaked=$(sed -E 's/.* leaked=([0-9]+).*/\1/' <<<"$line")
    want_rc 0 "$l: the probe ran"
    check "$l: at least $min opens" test "$opens" -ge "$min"
    check "$l: some opens succeeded (the allowed file was read)" test "$ok" -gt 0
    check "$l: some opens were denied (the race was exercised)" test "$eacces" -gt 0
    check "$l: the denied file's content was never read (leaked=$leaked)" test "$leaked" = 0
}

# --- native: the race is real (the probe catches the denied content when nothing stops it)
OUT=$("$R" buf "$S/aaaa/file.txt" "$S/bbbb/file.txt" DENIED-MARKER 20000)
echo "# native: $OUT"
check "native: the probe does read the denied file when nothing enforces" \
    grep -Eq 'leaked=[1-9]' <<<"$OUT"

# --- the path buffer rewritten in place ------------------------------------------------
run_pt run -q --allow-read="$S/aaaa" -- "$R" buf "$S/aaaa/file.txt" "$S/bbbb/file.txt" DENIED-MARKER "$N"
judge "buffer flip, default flags" "$N"
run_pt run -q --no-landlock --allow-read="$S/aaaa" -- "$R" buf "$S/aaaa/file.txt" "$S/bbbb/file.txt" DENIED-MARKER "$N"
judge "buffer flip, --no-landlock" "$N"
run_pt run -q --allow-read="$S/d" --deny-read="$S/d/secret" -- \
    "$R" buf "$S/d/public/file.txt" "$S/d/secret/file.txt" DENIED-MARKER "$N"
judge "buffer flip, allowed file under a deny carve-out" "$N"
run_pt run -q --no-landlock --allow-read="$S/d" --deny-read="$S/d/secret" -- \
    "$R" buf "$S/d/public/file.txt" "$S/d/secret/file.txt" DENIED-MARKER "$N"
judge "buffer flip, carve-out, --no-landlock" "$N"

# --- the same with stat(): a leak is the denied file's inode in a successful stat ----------
INO=$(stat -c %i "$S/bbbb/file.txt")
OUT=$("$R" sbuf "$S/aaaa/file.txt" "$S/bbbb/file.txt" "$INO" 20000)
check "native stat: the probe does see the denied inode when nothing enforces" grep -Eq 'leaked=[1-9]' <<<"$OUT"
run_pt run -q --allow-read="$S/aaaa" -- "$R" sbuf "$S/aaaa/file.txt" "$S/bbbb/file.txt" "$INO" "$N"
judge "stat buffer flip, default flags" "$N"
run_pt run -q --no-landlock --allow-read="$S/aaaa" -- "$R" sbuf "$S/aaaa/file.txt" "$S/bbbb/file.txt" "$INO" "$N"
judge "stat buffer flip, --no-landlock" "$N"

# --- the cwd switched under a relative open (fchdir is not notified); the denied dir is stdin --
mkdir -p "$S/cwd_ok" "$S/cwd_no"
printf 'ALLOWED-MARKER\n' > "$S/cwd_ok/f"
printf 'DENIED-MARKER\n' > "$S/cwd_no/f"
OUT=$("$R" cwd "$S/cwd_ok" f DENIED-MARKER 20000 < "$S/cwd_no")
check "native cwd race: the probe does read the denied file when nothing enforces" grep -Eq 'leaked=[1-9]' <<<"$OUT"
run_pt run -q --allow-read="$S/cwd_ok" -- "$R" cwd "$S/cwd_ok" f DENIED-MARKER "$N" < "$S/cwd_no"
judge "cwd flip, default flags" "$N"
run_pt run -q --no-landlock --allow-read="$S/cwd_ok" -- "$R" cwd "$S/cwd_ok" f DENIED-MARKER "$N" < "$S/cwd_no"
judge "cwd flip, --no-landlock" "$N"

# --- a symlink the worker re-points between the allowed and the denied file -------------
run_pt run -q --allow-read="$S/aaaa,$S/w" --allow-write="$S/w" -- \
    "$R" link "$S/w/link" "$S/aaaa/file.txt" "$S/bbbb/file.txt" DENIED-MARKER "$NLINK"
judge "symlink swap, default flags" "$NLINK"
check "symlink swap: the link was re-pointed" grep -Eq 'flips=[1-9]' <<<"$OUT"
run_pt run -q --allow-read="$S/d,$S/w" --deny-read="$S/d/secret" --allow-write="$S/w" -- \
    "$R" link "$S/w/link" "$S/d/public/file.txt" "$S/d/secret/file.txt" DENIED-MARKER "$NLINK"
judge "symlink swap, carve-out" "$NLINK"
check "symlink swap (carve-out): the link was re-pointed" grep -Eq 'flips=[1-9]' <<<"$OUT"
# the swapped symlink is a directory component: LINK/file.txt, LINK -> aaaa or bbbb
run_pt run -q --allow-read="$S/aaaa,$S/w" --allow-write="$S/w" -- \
    "$R" link "$S/w/dirlink" "$S/aaaa" "$S/bbbb" DENIED-MARKER "$NLINK" file.txt
judge "directory symlink swap, default flags" "$NLINK"
check "directory symlink swap: the link was re-pointed" grep -Eq 'flips=[1-9]' <<<"$OUT"
run_pt run -q --no-landlock --allow-read="$S/aaaa,$S/w" --allow-write="$S/w" -- \
    "$R" link "$S/w/dirlink" "$S/aaaa" "$S/bbbb" DENIED-MARKER "$NLINK" file.txt
judge "directory symlink swap, --no-landlock" "$NLINK"

finish
