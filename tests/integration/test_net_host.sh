#!/bin/bash
# The host's own services under bare --allow-net (issue 10 item 4): every address of the
# host's interfaces (IPv4, IPv6, their v4-mapped forms) is the local machine, like loopback.
# A service listening on 0.0.0.0/[::] is reached from the worker, directly (the relay) or
# through the proxy (CONNECT, absolute-form GET, a name resolving to it), only with an
# address rule naming the address; an address that appears during a run counts at once.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"
command -v ip >/dev/null || skip "iproute2 (ip) not installed"

# --- a service on every host address: 0.0.0.0:PORT and [::]:PORT, in the host's namespace ----
cat > "$SCRATCH/serve.py" <<'PY'
import socket, sys, threading
def serve(s):
    while True:
        c, _ = s.accept()
        try:
            c.settimeout(5); c.recv(4096)
            c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 18\r\n\r\nhost service here\n")
        except OSError:
            pass
        c.close()
for _ in range(50):  # one port free on both families
    s4 = socket.socket(); s4.bind(("0.0.0.0", 0)); port = s4.getsockname()[1]
    try:
        s6 = socket.socket(socket.AF_INET6); s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s6.bind(("::", port)); s6.listen(64)
        threading.Thread(target=serve, args=(s6,), daemon=True).start()
        break
    except OSError:
        s4.close()
        s6 = None
if s6 is None:  # no IPv6 here: the IPv4 service alone
    s4 = socket.socket(); s4.bind(("0.0.0.0", 0)); port = s4.getsockname()[1]
s4.listen(64)
open(sys.argv[1], "w").write("%d\n" % port)
serve(s4)
PY
python3 "$SCRATCH/serve.py" "$SCRATCH/port" >"$SCRATCH/serve.log" 2>&1 &
SERVE_PID=$!
DUMMY="ptdh$$"
DUMMY=${DUMMY:0:15}
cleanup() {
    kill "$SERVE_PID" 2>/dev/null
    ip link del "$DUMMY" 2>/dev/null
    rm -rf "$SCRATCH"
}
trap cleanup EXIT
for _ in $(seq 100); do [ -s "$SCRATCH/port" ] && break; sleep 0.05; done
PORT=$(cat "$SCRATCH/port" 2>/dev/null)
[ -n "$PORT" ] || fail "the host service did not start: $(cat "$SCRATCH/serve.log")"

# --- the host's addresses: a real non-loopback one of each family, or one on a dummy of ours ---
# 198.18/15 is left out: the test hosts of other tests (nethost.sh) come and go there.
host_addrs() { # host_addrs 4|6: this namespace's addresses, scope global, usable (not tentative)
    ip -o "-$1" addr show scope global | grep -v tentative | awk '{ sub(/\/.*/, "", $4); print $4 }' |
        grep -Ev '^(169\.254|198\.1[89])\.'
}
# An interface of the test's own for addresses it adds: a dummy, or where the kernel has no
# dummy driver a veth pair with both ends in the host's namespace.
HAVE_DUMMY=
if ip link add "$DUMMY" type dummy 2>/dev/null && ip link set "$DUMMY" up; then
    HAVE_DUMMY=1
elif ip link add "$DUMMY" type veth peer name "${DUMMY}p" 2>/dev/null && ip link set "${DUMMY}p" up &&
    ip link set "$DUMMY" up; then
    HAVE_DUMMY=1
    echo "# note: no dummy driver; the test's addresses go on a veth pair ($DUMMY)"
else
    echo "# note: cannot create a dummy (or veth) interface; the cases that need one are skipped"
fi
N=$(( ($$ % 100) + 2 ))
V4=$(host_addrs 4 | head -1)
if [ -z "$V4" ] && [ -n "$HAVE_DUMMY" ] && ip addr add "198.51.100.$N/32" dev "$DUMMY"; then
    V4="198.51.100.$N"
    echo "# note: no global IPv4 address on this host; using $V4 on the test's dummy interface"
fi
V6=$(host_addrs 6 | head -1)
if [ -z "$V6" ] && [ -n "$HAVE_DUMMY" ] && ip -6 addr add "fd50:7074::$N/128" dev "$DUMMY" nodad 2>/dev/null; then
    V6="fd50:7074::$N"
    echo "# note: no global IPv6 address on this host; using $V6 on the test's dummy interface"
fi
[ -n "$V4" ] || skip "no non-loopback IPv4 address on this host, and none could be made on a dummy interface"
[ -z "$V6" ] && echo "# note: no IPv6 address on this host and none could be made (IPv6 off?): IPv6 cases skipped"
MAPPED="::ffff:$V4"
T4="$V4:$PORT"
TM="[$MAPPED]:$PORT"
T6="[$V6]:$PORT"
echo "# host service on 0.0.0.0:$PORT${V6:+ and [::]:$PORT}; host addresses used: $V4 ${V6:-}"

# The client: for each address, a direct connect (not for a name), then through the proxy
# (when there is one) CONNECT with a GET inside, and an absolute-form GET. One line each:
# "direct|connect|get TARGET: RESULT", RESULT the errno text or "STATUS | last body line"
# (the proxy answers a GET in HTTP/1.1 whatever the service's version).
PYCLIENT='
import os, socket, sys
port = int(sys.argv[1])
proxy = os.environ.get("http_proxy")
def is_ip(a):
    for f in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(f, a); return True
        except OSError:
            pass
    return False
def read_all(s):
    out = b""
    try:
        while (b := s.recv(65536)):
            out += b
    except OSError as e:
        out += b"<" + str(e.strerror or e).encode() + b">"
    return out
def summary(resp):
    head, _, body = resp.partition(b"\r\n\r\n")
    last = body.strip().split(b"\n")[-1] if body.strip() else b""
    return head.split(b"\r\n")[0].decode() + " | " + last.decode(errors="replace")
def via_proxy(req):
    h, p = proxy.rsplit("/", 1)[1].split(":")
    s = socket.socket(); s.settimeout(15); s.setsockopt(socket.SOL_SOCKET, socket.SO_DONTROUTE, 1)
    s.connect((h, int(p))); s.sendall(req)
    return s
for a in sys.argv[2:]:
    t = ("[%s]:%d" if ":" in a else "%s:%d") % (a, port)
    if is_ip(a):
        s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET); s.settimeout(10)
        try:
            s.connect((a, port)); s.sendall(b"GET / HTTP/1.0\r\n\r\n"); print("direct %s: %s" % (t, summary(read_all(s))))
        except OSError as e:
            print("direct %s: %s" % (t, e.strerror or e))
    if not proxy:
        continue
    s = via_proxy(b"CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (t.encode(), t.encode()))
    head = b""
    while b"\r\n\r\n" not in head and (b := s.recv(1)):
        head += b
    status = head.split(b"\r\n")[0].decode()
    if " 200 " in status:
        s.sendall(b"GET / HTTP/1.0\r\n\r\n"); print("connect %s: %s | %s" % (t, status, summary(read_all(s))))
    else:
        print("connect %s: %s" % (t, status))
    s = via_proxy(b"GET http://%s/ HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (t.encode(), t.encode()))
    print("get %s: %s" % (t, summary(read_all(s))))
'
OKLINE='HTTP/1.0 200 OK | host service here'

# --- natively the service answers on those addresses (so the refusals below mean something) ----
OUT=$(env -u http_proxy python3 -c "$PYCLIENT" "$PORT" "$V4" "$MAPPED" ${V6:+"$V6"} 2>&1)
ERR=
want "direct $T4: $OKLINE" "natively, the host service answers on the host's address $V4"
want "direct $TM: $OKLINE" "natively, ... and on its v4-mapped form"
[ -n "$V6" ] && want "direct $T6: $OKLINE" "natively, ... and on the host's IPv6 address $V6"

# --- bare --allow-net: refused, directly and through the proxy ----------------------------------
run_pt run --allow-net -- python3 -c "$PYCLIENT" "$PORT" "$V4" "$MAPPED" ${V6:+"$V6"}
want "direct $T4: Permission denied" "--allow-net: a direct connect to the host's address is refused"
want "connect $T4: HTTP/1.1 403 Forbidden" "--allow-net: CONNECT to it through the proxy gets 403"
want_re "^get $T4: HTTP/1.1 403 Forbidden \| podtrace: denied net access to \"$T4\"" \
    "--allow-net: an absolute-form GET to it through the proxy gets 403"
want "direct $TM: Permission denied" "--allow-net: its v4-mapped form, directly, is refused"
want "connect $TM: HTTP/1.1 403 Forbidden" "--allow-net: ... through CONNECT, 403"
want_re "^get \[$MAPPED\]:$PORT: HTTP/1.1 403 Forbidden" "--allow-net: ... through an absolute-form GET, 403"
if [ -n "$V6" ]; then
    want "direct $T6: Permission denied" "--allow-net: a direct connect to the host's IPv6 address is refused"
    want "connect $T6: HTTP/1.1 403 Forbidden" "--allow-net: ... CONNECT to it gets 403"
    want_re "^get \[$V6\]:$PORT: HTTP/1.1 403 Forbidden" "--allow-net: ... an absolute-form GET to it gets 403"
fi
want_err_re "^podtrace: denied net access to \"$T4\" \(python3[^)]* connect\); to allow it, run again with --allow-net=$T4\$" \
    "the notice names the address rule that would allow it"
want_re "^get $T4: .*one of this machine's own interfaces' addresses" "the proxy's 403 says why"

# every address of every interface of the host, IPv4 and IPv6, link-local included (not
# loopback: 127.0.0.1 and ::1 in the worker are its own namespace's, always reachable)
ALL=$(ip -o addr show | awk '{ sub(/\/.*/, "", $4); print $4 }' | grep -Ev '^(198\.1[89]\.|127\.|::1$)' | sort -u | head -40)
# shellcheck disable=SC2086
run_pt run --allow-net -- python3 -c "$PYCLIENT" "$PORT" $ALL
for a in $ALL; do
    case $a in *:*) t="[$a]:$PORT" ;; *) t="$a:$PORT" ;; esac
    want "direct $t: Permission denied" "--allow-net: the host's address $a is refused"
done

# a name that resolves to the host's address (the proxy resolves names)
run_pt run --allow-net --resolve="hostsvc:$V4" -- python3 -c "$PYCLIENT" "$PORT" hostsvc
want "connect hostsvc:$PORT: HTTP/1.1 403 Forbidden" "a name resolving to the host's address gets 403 (CONNECT)"
want_re "^get hostsvc:$PORT: HTTP/1.1 403 Forbidden \| .*--allow-net=$V4 \(it resolves to that internal address\)" \
    "... and (absolute-form GET) the fix names the address"

# --- an explicit address rule reaches each ----------------------------------------------------
RULES="$T4${V6:+,$T6}"
run_pt run --allow-net="$RULES" -- python3 -c "$PYCLIENT" "$PORT" "$V4" "$MAPPED" ${V6:+"$V6"}
want "direct $T4: $OKLINE" "--allow-net=$T4: the direct connection works (the relay)"
want "connect $T4: HTTP/1.1 200 Connection Established | $OKLINE" "--allow-net=$T4: CONNECT works"
want "get $T4: HTTP/1.1 200 OK | host service here" "--allow-net=$T4: an absolute-form GET works"
want "direct $TM: $OKLINE" "--allow-net=$T4 covers the v4-mapped form, directly"
want "connect $TM: HTTP/1.1 200 Connection Established | $OKLINE" "... and through CONNECT"
want "get $TM: HTTP/1.1 200 OK | host service here" "... and through an absolute-form GET"
if [ -n "$V6" ]; then
    want "direct $T6: $OKLINE" "--allow-net=$T6: the direct connection works"
    want "connect $T6: HTTP/1.1 200 Connection Established | $OKLINE" "--allow-net=$T6: CONNECT works"
    want "get $T6: HTTP/1.1 200 OK | host service here" "--allow-net=$T6: an absolute-form GET works"
fi
run_pt run --allow-net="hostsvc,$T4" --resolve="hostsvc:$V4" -- python3 -c "$PYCLIENT" "$PORT" hostsvc
want "connect hostsvc:$PORT: HTTP/1.1 200 Connection Established | $OKLINE" \
    "a name resolving to the host's address works once the address is allowed"
run_pt run --allow-net --allow-net="$V4:1" -- python3 -c "$PYCLIENT" "$PORT" "$V4"
want "direct $T4: Permission denied" "bare --allow-net with a rule for another port of the address: still refused"

# --- an address that appears during the run counts from then on --------------------------------
if [ -n "$HAVE_DUMMY" ]; then
    NEW4="198.51.100.$((N + 100))"
    NEW6=
    [ -n "$V6" ] && NEW6="fd50:7074:1::$N"
    # shellcheck disable=SC2086
    "$PODTRACE" run ${PT_EXTRA:-} --allow-net --allow-read="$SCRATCH" -- python3 -c '
import os, sys, time
port, first, flag = sys.argv[1], sys.argv[2], sys.argv[3]
client, later = sys.argv[4], sys.argv[5:]
def run(*addrs):  # the client in this same process (its decisions are this run'"'"'s)
    sys.argv = ["client", port] + list(addrs)
    exec(client, {})
run(first)  # the host'"'"'s addresses are read now: the new one is not among them yet
print("waiting", flush=True)
for _ in range(400):
    if os.path.exists(flag):
        break
    time.sleep(0.05)
run(*later)' "$PORT" "$V4" "$SCRATCH/added" "$PYCLIENT" "$NEW4" ${NEW6:+"$NEW6"} \
        >"$SCRATCH/late.out" 2>"$SCRATCH/late.err" &
    LATE=$!
    for _ in $(seq 400); do grep -q '^waiting' "$SCRATCH/late.out" && break; sleep 0.05; done
    check "the run decided on a host address before the change" grep -q '^waiting' "$SCRATCH/late.out"
    ip addr add "$NEW4/32" dev "$DUMMY" || fail "cannot add $NEW4 to $DUMMY"
    [ -n "$NEW6" ] && { ip -6 addr add "$NEW6/128" dev "$DUMMY" nodad || fail "cannot add $NEW6 to $DUMMY"; }
    touch "$SCRATCH/added"
    wait "$LATE"
    RC=$?
    OUT=$(cat "$SCRATCH/late.out")
    ERR=$(cat "$SCRATCH/late.err")
    want_rc 0 "a run during which host addresses appear"
    want "direct $T4: Permission denied" "during a run: the host's address is refused before the change"
    want "direct $NEW4:$PORT: Permission denied" "an IPv4 address added to the host during the run is refused directly"
    want "connect $NEW4:$PORT: HTTP/1.1 403 Forbidden" "... and through the proxy"
    if [ -n "$NEW6" ]; then
        want "direct [$NEW6]:$PORT: Permission denied" "an IPv6 address added during the run is refused directly"
        want "connect [$NEW6]:$PORT: HTTP/1.1 403 Forbidden" "... and through the proxy"
    fi
    OUT=$(env -u http_proxy python3 -c "$PYCLIENT" "$PORT" "$NEW4" ${NEW6:+"$NEW6"} 2>&1)
    want "direct $NEW4:$PORT: $OKLINE" "natively, the host service answers on the added address $NEW4"
    [ -n "$NEW6" ] && want "direct [$NEW6]:$PORT: $OKLINE" "natively, ... and on $NEW6"
else
    echo "# skipped: an address added during a run (no dummy interface could be made)"
fi
finish
