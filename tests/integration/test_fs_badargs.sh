#!/bin/bash
# Bad pointers in notified syscalls (design 4.1: the supervisor reads the worker's strings
# page by page, stops at NUL, ENAMETOOLONG past PATH_MAX, and writes results back with
# process_vm_writev): NULL, a path ending at a page boundary, straddling pages, running into
# a PROT_NONE page, longer than PATH_MAX; stat/statx/readlink results aimed at NULL,
# PROT_NONE and read-only memory. Under podtrace every answer must be the kernel's own.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

B=$PROBES/badptr
S=$SCRATCH
printf 'FILE\n' > "$S/file"
"$B" "$S/file" > "$S/native.txt" 2>&1 || fail "the probe failed natively: $(cat "$S/native.txt")"
echo "# native answers:"
sed 's/^/#   /' "$S/native.txt"
check "native: a path ending at a page boundary opens" grep -Fxq "open path ending at a page boundary: ok" "$S/native.txt"
check "native: an unterminated path is EFAULT" grep -Fxq "open unterminated path running into PROT_NONE: EFAULT" "$S/native.txt"

for mode in default --no-landlock; do
    extra=()
    [ "$mode" = default ] || extra=("$mode")
    run_pt run "${extra[@]}" --allow-read="$S" -- "$B" "$S/file"
    want_rc 0 "$mode: the probe ran to the end (the supervisor survived every case)"
    while IFS= read -r line; do
        want "$line" "$mode: $line"
    done < "$S/native.txt"
done

finish
