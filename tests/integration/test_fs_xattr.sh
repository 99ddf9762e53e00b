#!/bin/bash
# Extended attributes (design 1.2: xattrs are write; reading them is read): setxattr,
# getxattr, listxattr, removexattr, allowed and denied, checked on the host; the Linux 6.13
# *xattrat syscalls must not be a way around the policy (refused or decided, never unchecked).
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

F=$PROBES/fsop
S=$SCRATCH
mkdir -p "$S/w" "$S/ro" "$S/none"
printf 'W' > "$S/w/f"
printf 'R' > "$S/ro/f"
printf 'N' > "$S/none/f"
host_get() { python3 -c 'import os,sys
try: print(os.getxattr(sys.argv[1], sys.argv[2]).decode())
except OSError as e: print("errno", e.errno)' "$1" "$2"; }
python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.probe", b"1")' "$S/w/f" 2>/dev/null ||
    skip "the filesystem of $S has no user xattrs"
python3 -c 'import os,sys
for p in sys.argv[1:]: os.setxattr(p, "user.orig", b"ORIG")' "$S/w/f" "$S/ro/f" "$S/none/f"

run_pt run --allow-read="$S/w,$S/ro" --allow-write="$S/w" -- "$F" \
    setxattr "$S/w/f" user.new NEWVAL setxattr "$S/ro/f" user.new NEWVAL setxattr "$S/none/f" user.new NEWVAL \
    getxattr "$S/w/f" user.orig getxattr "$S/ro/f" user.orig getxattr "$S/none/f" user.orig \
    listxattr "$S/ro/f" listxattr "$S/none/f" \
    removexattr "$S/w/f" user.probe removexattr "$S/ro/f" user.orig removexattr "$S/none/f" user.orig \
    setxattrat "$S/ro/f" user.at ATVAL setxattrat "$S/none/f" user.at ATVAL \
    getxattrat "$S/none/f" user.orig
want_rc 0 "fsop ran"
want "setxattr $S/w/f: ok" "setxattr where write is allowed"
check "host: the new xattr is set" test "$(host_get "$S/w/f" user.new)" = NEWVAL
want "setxattr $S/ro/f: EACCES" "setxattr on a read-only file denied"
want "setxattr $S/none/f: EACCES" "setxattr outside the policy denied"
check "host: no xattr set on the read-only file" test "$(host_get "$S/ro/f" user.new)" = "errno 61"
check "host: no xattr set outside the policy" test "$(host_get "$S/none/f" user.new)" = "errno 61"
want "getxattr $S/w/f: ok ORIG" "getxattr where read is allowed"
want "getxattr $S/ro/f: ok ORIG" "getxattr on a read-only file allowed"
want "getxattr $S/none/f: EACCES" "getxattr outside the read policy denied"
want "listxattr $S/ro/f: ok user.orig" "listxattr allowed"
want "listxattr $S/none/f: EACCES" "listxattr outside the read policy denied"
want "removexattr $S/w/f: ok" "removexattr where write is allowed"
check "host: the xattr is removed" test "$(host_get "$S/w/f" user.probe)" = "errno 61"
want "removexattr $S/ro/f: EACCES" "removexattr on a read-only file denied"
want "removexattr $S/none/f: EACCES" "removexattr outside the policy denied"
check "host: the read-only file keeps its xattr" test "$(host_get "$S/ro/f" user.orig)" = ORIG
check "host: the file outside the policy keeps its xattr" test "$(host_get "$S/none/f" user.orig)" = ORIG
want_re "^setxattrat $S/ro/f: (EACCES|ENOSYS|EPERM)\$" "setxattrat on a read-only file refused"
want_re "^setxattrat $S/none/f: (EACCES|ENOSYS|EPERM)\$" "setxattrat outside the policy refused"
check "host: setxattrat changed nothing" test "$(host_get "$S/ro/f" user.at)$(host_get "$S/none/f" user.at)" = "errno 61errno 61"
want_re "^getxattrat $S/none/f: (EACCES|ENOSYS|EPERM)\$" "getxattrat outside the read policy refused"

finish
