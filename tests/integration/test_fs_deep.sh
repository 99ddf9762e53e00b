#!/bin/bash
# Long paths: a 4,000-byte absolute path in an allowed dir opens like natively; a path over
# PATH_MAX is ENAMETOOLONG (or EACCES), never a crash. A directory deeper than PATH_MAX has no
# canonical path podtrace can decide on (the kernel's d_path stops at a page): a worker that
# walks (chdir by chdir) down there gets ENAMETOOLONG for what it does there — a documented
# limit (docs/policy.md) that fails closed (the chdir there fails, so later relative names are
# not found) — and never sees the carve-out's content.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

F=$PROBES/fsop
S=$SCRATCH
X=$(printf 'x%.0s' $(seq 200))
Y=$(printf 'y%.0s' $(seq 200))
mkdir -p "$S/a" "$S/a/secret"
p=$S/a
while [ ${#p} -lt 3800 ]; do p=$p/$X; done
mkdir -p "$p"
printf 'DEEP\n' > "$p/f"
long="$p/$X/$X/f" # over PATH_MAX
# 25 levels of 200 bytes: over 5,000 bytes deep, made step by step from the host
( cd "$S/a" && for _ in $(seq 25); do mkdir "$Y" && cd "$Y" || exit 1; done && printf 'DEEPER\n' > f ) ||
    fail "cannot build the deep tree"
( cd "$S/a/secret" && for _ in $(seq 25); do mkdir "$Y" && cd "$Y" || exit 1; done && printf 'HIDDEN\n' > f ) ||
    fail "cannot build the deep secret tree"
short() { sed -E 's/[xy]{200}/L/g'; }

run_pt run --allow-read="$S/a" -- "$F" read "$p/f" read "$long"
want "read $p/f: ok DEEP" "a $((${#p} + 2))-byte absolute path in an allowed dir"
want_re "^read $long: (ENAMETOOLONG|EACCES)\$" "a path over PATH_MAX: ENAMETOOLONG"

args=(chdir "$S/a")
for _ in $(seq 25); do args+=(chdir "$Y"); done
args+=(read f stat f)
native=$("$F" "${args[@]}" | short | tail -2 | paste -sd' ')
check "natively the deep file is read after 25 chdirs ($native)" test "$native" = "read f: ok DEEPER stat f: ok size=7"
run_pt run --allow-read="$S/a" --deny-read="$S/a/secret" -- "$F" "${args[@]}"
OUT=$(printf '%s\n' "$OUT" | short)
check "chdir works until the cwd would pass PATH_MAX" test "$(printf '%s\n' "$OUT" | grep -c '^chdir .*: ok$')" -ge 20
want_re "^read f: (ok DEEPER|ENAMETOOLONG|ENOENT)\$" "a relative read more than PATH_MAX below /: the file or ENAMETOOLONG (fails closed)"
want_re "^stat f: (ok size=7|ENAMETOOLONG|ENOENT)\$" "a relative stat there: the answer or ENAMETOOLONG"

sargs=(chdir "$S/a/secret")
for _ in $(seq 25); do sargs+=(chdir "$Y"); done
sargs+=(read f)
run_pt run --allow-read="$S/a" -- "$F" "${sargs[@]}"
OUT=$(printf '%s\n' "$OUT" | short)
want_re "^read f: (ok HIDDEN|ENAMETOOLONG|ENOENT)\$" "without a carve-out the deep file under secret/: readable, or ENAMETOOLONG"
run_pt run --allow-read="$S/a" --deny-read="$S/a/secret" -- "$F" "${sargs[@]}"
OUT=$(printf '%s\n' "$OUT" | short)
check "with the carve-out the deep file under secret/ is never read" test -z "$(printf '%s\n' "$OUT" | grep HIDDEN)"

finish
