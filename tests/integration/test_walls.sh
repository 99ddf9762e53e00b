#!/bin/bash
# The sandbox's walls beyond the path rules: which sockets may exist (the kinds whose peer
# goes through connect/bind/sendto, which the net policy decides; not SCTP, whose
# SCTP_SOCKOPT_CONNECTX connects by setsockopt, not the host's uevents through
# NETLINK_KOBJECT_UEVENT, not vsock & co), Landlock refused to the worker (a layer of its own
# would not bind the supervisor's emulated opens), and a bounded /dev/shm. Each is tried
# natively first, in a throwaway namespace of its own (own session, pid and mount
# namespaces), then under podtrace, by default and under -A (none of it depends on the policy).
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

W=$PROBES/walls
E=$PROBES/escape

if ! declare -F native_ns >/dev/null; then
    have_native_ns() {
        command -v unshare >/dev/null && command -v setsid >/dev/null &&
            setsid -w unshare --mount --pid --fork --kill-child --propagation private --mount-proc true 2>/dev/null
    }
    native_ns() { setsid -w unshare --mount --pid --fork --kill-child --propagation private --mount-proc -- "$@"; }
fi
NATIVE=""
have_native_ns && NATIVE=1 || echo "# note: no throwaway namespace here (unshare/setsid): no native comparison"
line_of() { printf '%s\n' "$1" | grep -m1 "^$2: " || echo "$2: (no line)"; }

# --- sockets ------------------------------------------------------------------------------------
# kinds the policy governs: podtrace answers as the kernel does natively (MPTCP may be
# missing: whatever it says natively); ping sockets depend on the namespace's own
# ping_group_range (EACCES by default), not on podtrace
GOVERNED="unix-stream unix-dgram tcp tcp-explicit tcp6 udp udp6 udplite mptcp netlink-route
netlink-route-dgram socketpair-unix getifaddrs"
# everything else, with the errno podtrace gives (docs/policy.md, net)
REFUSED="sctp-stream:EPROTONOSUPPORT sctp-seqpacket:ESOCKTNOSUPPORT sctp6-seqpacket:ESOCKTNOSUPPORT
dccp:ESOCKTNOSUPPORT netlink-uevent:EPROTONOSUPPORT netlink-uevent-dgram:EPROTONOSUPPORT
netlink-audit:EPROTONOSUPPORT netlink-sockdiag:EPROTONOSUPPORT netlink-generic:EPROTONOSUPPORT
netlink-connector:EPROTONOSUPPORT vsock:EAFNOSUPPORT tipc:EAFNOSUPPORT alg:EAFNOSUPPORT
bluetooth:EAFNOSUPPORT can:EAFNOSUPPORT family-99:EAFNOSUPPORT socketpair-inet:EAFNOSUPPORT
socketpair-tipc:EAFNOSUPPORT"
NSOCK=""
if [ -n "$NATIVE" ]; then
    NSOCK=$(native_ns "$W" sockets 2>&1)
    echo "# natively: $(tr '\n' ' ' <<<"$NSOCK")"
    check "native: a NETLINK_KOBJECT_UEVENT socket opens" grep -qx 'netlink-uevent: ok' <<<"$NSOCK"
    check "native: the other netlink protocols open (audit, sock_diag, generic)" \
        test "$(grep -cE '^netlink-(audit|sockdiag|generic): ok$' <<<"$NSOCK")" = 3
    check "native: getifaddrs reads the interfaces" grep -qx 'getifaddrs: ok 1' <<<"$NSOCK"
    for k in sctp-stream vsock; do
        [ "$(line_of "$NSOCK" "$k")" = "$k: ok" ] && ok "native: $k opens" ||
            echo "# note: natively '$(line_of "$NSOCK" "$k")' (this kernel has no $k): its check cannot tell"
    done
    uev=$(native_ns "$W" uevent 1 2>&1)
    check "native: a uevent socket joins the kernel's group ($(tr '\n' ' ' <<<"$uev"))" grep -qx 'uevent-bind: ok' <<<"$uev"
fi
for mode in default -A; do
    flags=()
    [ "$mode" = default ] || flags=(-A)
    run_pt run "${flags[@]}" -- "$W" sockets
    want_rc 0 "$mode: the socket probe ran"
    for k in $GOVERNED; do
        if [ -n "$NSOCK" ]; then
            want "$(line_of "$NSOCK" "$k")" "$mode: $k answers as natively"
        else
            want_re "^$k: " "$mode: $k was tried"
        fi
    done
    want_re '^ping: (ok|EACCES)$' "$mode: ICMP datagram sockets are the kernel's business (ping_group_range)"
    want_re '^ping6: (ok|EACCES)$' "$mode: ... IPv6 too"
    want "getifaddrs: ok 1" "$mode: getifaddrs (NETLINK_ROUTE, socket SOCK_RAW) works"
    want "netlink-route: ok" "$mode: a NETLINK_ROUTE socket opens"
    for row in $REFUSED; do
        want "${row%%:*}: ${row#*:}" "$mode: ${row%%:*} is refused with ${row#*:}"
    done
    run_pt run "${flags[@]}" -- "$W" uevent 1
    want "uevent-socket: EPROTONOSUPPORT" "$mode: no uevent socket, so no host device events"
done
run_pt run -v -- "$W" sockets
want_err_re '^\[pid [0-9]+\] socket\(16, 0x80003, 15\) = -1 EPROTONOSUPPORT .*<deny net socket kinds podtrace allows' \
    "-v: the refused uevent socket is in the log with its rule"
no_err_re 'denied net access' "no denial notice for a socket kind (no flag could allow it)"
run_pt run -- python3 -c 'import socket; print("if_nameindex:", [n for _, n in socket.if_nameindex()][:1])'
want "if_nameindex: ['lo']" "python: socket.if_nameindex() works (NETLINK_ROUTE)"

# --- Landlock: refused to the worker -----------------------------------------------------------------
if [ -n "$NATIVE" ]; then
    out=$(native_ns "$E" landlock 2>&1)
    if grep -qx 'landlock_create_ruleset: ok' <<<"$out"; then
        check "native: a process confines itself with Landlock ($(tr '\n' ' ' <<<"$out"))" \
            test "$(grep -cE '^landlock_(create_ruleset|add_rule|restrict_self): ok$' <<<"$out")" = 3
    else
        echo "# note: natively '$(head -1 <<<"$out")': this kernel has no Landlock, the check cannot tell"
    fi
fi
for mode in default -A; do
    flags=()
    [ "$mode" = default ] || flags=(-A)
    run_pt run "${flags[@]}" -- "$E" landlock
    for c in landlock_create_ruleset landlock_add_rule landlock_restrict_self; do
        want "$c: ENOSYS" "$mode: $c says ENOSYS (Landlock unavailable to the worker)"
    done
done

# --- /dev/shm: bounded -------------------------------------------------------------------------------
mem=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) * 1024))
limit=$((mem / 4 < 1073741824 ? mem / 4 : 1073741824))
if [ -n "$NATIVE" ]; then
    out=$(native_ns "$W" shm 2>&1)
    echo "# natively (the host's /dev/shm): $out"
    size=$(sed -n 's/^shm: size=\([0-9]*\) .*/\1/p' <<<"$out")
    [ -n "$size" ] && [ "$size" -gt "$limit" ] && ok "native: the host's /dev/shm is larger than the sandbox's bound ($size > $limit)" ||
        echo "# note: the host's /dev/shm is not larger than $limit: the size check cannot tell"
fi
run_pt run -A -- "$W" shm
size=$(sed -n 's/^shm: size=\([0-9]*\) .*/\1/p' <<<"$OUT")
check "-A: /dev/shm holds a quarter of RAM at most 1 GiB ($OUT; expected $limit)" \
    test -n "$size" -a "$size" -le "$limit" -a "$size" -gt $((limit - 8192))
want_re '^shm: size=[0-9]+ inodes=16384$' "-A: /dev/shm has 16384 inodes"
run_pt run --allow-read=/dev/shm --allow-write=/dev/shm -- "$W" shm-fill
want "shm-over: ENOSPC" "a file larger than /dev/shm's bound is refused (ENOSPC)"
want_re '^shm-files: 1638[0-9] ENOSPC$' "creating files in /dev/shm stops at the inode bound (ENOSPC)"
# what it is sized for: Python's semaphores, queues and shared memory
run_pt run -A -- python3 -c '
import multiprocessing as mp
from multiprocessing import shared_memory
locks = [mp.Lock() for _ in range(200)]
q = mp.Queue(); q.put(1); assert q.get() == 1
s = shared_memory.SharedMemory(create=True, size=64 << 20); s.buf[-1] = 7; s.close(); s.unlink()
print("multiprocessing: ok")'
want "multiprocessing: ok" "-A: 200 locks, a Queue and a 64 MiB SharedMemory fit in /dev/shm"

finish
