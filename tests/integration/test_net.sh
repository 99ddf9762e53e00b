#!/bin/bash
# The worker's network (design 5, issue 4): the veth pair, the proxy on the supervisor's side,
# host rules and DNS-rebinding protection, direct sockets through the relay, real clients.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"
. "$(dirname "$TESTLIB")/nethost.sh"

command -v curl >/dev/null || skip "curl not installed"
PIN="--resolve=testhost:$TH_ADDR"
# Other tests run podtrace at the same time, so "no veth left" is asked of this test's own runs:
# each prints the host-side ifindex of its veth (veth-sbN's iflink), and ifindexes are not reused.
host_link_exists() { ip -o link show | grep -q "^$1: "; }

# --- the worker's side of the network -------------------------------------------------------
run_pt run -A -- python3 -c '
import os, socket, subprocess
print("proxy:", os.environ.get("http_proxy"), os.environ.get("https_proxy"), os.environ.get("NO_PROXY"))
print("links:", " ".join(sorted(os.listdir("/sys/class/net"))))
print("routes:", open("/proc/net/route").read().count("\n") - 1)'
want_re '^proxy: http://169\.254\.[0-9]+\.[0-9]+:8080 http://169\.254\.[0-9]+\.[0-9]+:8080 localhost,127\.0\.0\.1,::1$' \
    "the worker is pointed at the proxy; NO_PROXY keeps its own loopback direct"
want_re '^links: lo veth-sb[0-9]*$' "the worker's namespace has lo and its end of the veth, nothing else"
want "routes: 1" "one route (the veth's /30): no default route"

# --- through the proxy ---------------------------------------------------------------------
run_pt run --allow-net=testhost "$PIN" -- curl -s -m 10 http://testhost/index.html
want "hello from testhost" "curl: an allowed host through the proxy"
run_pt run --allow-net=testhost:443 --allow-read="$TH_CERT" "$PIN" -- curl -s -m 10 --cacert "$TH_CERT" https://testhost/index.html
want "hello from testhost" "curl: HTTPS through a CONNECT tunnel"
run_pt run --allow-net=testhost "$PIN" -- curl -s -m 10 http://testhost/index.html http://testhost:8000/index.html
check "curl: two requests on one kept-alive connection" test "$(printf '%s\n' "$OUT" | grep -c 'hello from testhost')" = 2
run_pt run --allow-net=testhost "$PIN" -- curl -s -m 10 http://testhost/conn http://testhost/conn http://testhost/conn
check "the proxy keeps its upstream connection for the same host (one client port for three requests)" \
    test "$(printf '%s\n' "$OUT" | grep '^conn ' | sort -u | wc -l)" = 1 -a "$(printf '%s\n' "$OUT" | grep -c '^conn ')" = 3
run_pt run --allow-net=testhost "$PIN" -- curl -s -m 10 http://testhost/conn http://testhost:8000/conn
check "another port on the same client connection gets a new upstream connection" \
    test "$(printf '%s\n' "$OUT" | grep '^conn ' | sort -u | wc -l)" = 2
run_pt run --allow-net=testhost:80 "$PIN" -- curl -s -m 10 -i http://testhost/conn http://testhost:8000/conn
want_re '^HTTP/1.1 403' "each request on a kept-alive connection is decided again (the second is denied)"
check "... after the first was answered" test "$(printf '%s\n' "$OUT" | grep -c '^conn ')" = 1
run_pt run --allow-net=testhost "$PIN" -- curl -s -m 10 http://testhost/drop http://testhost/conn http://testhost/drop http://testhost/conn
# drop(A) conn(B) drop(B) conn(C): every request answered, on three upstream connections
check "a kept connection the server cut is replaced (four answers on three connections)" \
    test "$(printf '%s\n' "$OUT" | grep -c '^conn ')" = 4 -a "$(printf '%s\n' "$OUT" | grep '^conn ' | sort -u | wc -l)" = 3
run_pt run --allow-net=testhost "$PIN" -- curl -s -m 10 -d 'some-body-data' http://testhost/post
want "got 14 bytes: some-body-data" "curl: a POST body is forwarded"
run_pt run --allow-net=testhost "$PIN" -- python3 -c '
import urllib.request
print(urllib.request.urlopen("http://testhost/index.html", timeout=10).read().decode().strip())'
want "hello from testhost" "python urllib through the proxy"
if /usr/bin/python3 -c 'import requests' 2>/dev/null; then
    run_pt run --allow-net=testhost:443 --allow-read="$TH_CERT" "$PIN" -- /usr/bin/python3 -c "
import requests
print(requests.get('https://testhost/index.html', verify='$TH_CERT', timeout=10).text.strip())"
    want "hello from testhost" "python requests over HTTPS through the proxy"
else
    echo "# note: python3-requests not installed for /usr/bin/python3; requests case skipped"
fi

# --- CONNECT tunnels: bulk both ways, pipelined bytes, half-close, many in a row -------------
# 5433 on the test host: says "bye", shuts its sending side, then records what still comes
ip netns exec "$TH_NS" python3 -c '
import socket, sys
srv = socket.create_server((sys.argv[1], 5433)); open(sys.argv[3], "w").close()
while True:
    c, _ = srv.accept(); c.sendall(b"bye\n"); c.shutdown(socket.SHUT_WR); got = b""
    while (b := c.recv(100)):
        got += b
    c.close(); open(sys.argv[2], "ab").write(got)' "$TH_ADDR" "$SCRATCH/half.txt" "$SCRATCH/half.ready" &
TH_PIDS="$TH_PIDS $!"
for _ in $(seq 100); do [ -e "$SCRATCH/half.ready" ] && break; sleep 0.05; done
run_pt run --allow-net=testhost:443 --allow-read="$TH_CERT" "$PIN" -- python3 -c "
import hashlib, ssl, urllib.request
ctx = ssl.create_default_context(cafile='$TH_CERT')
print('sha256:', hashlib.sha256(urllib.request.urlopen('https://testhost/big.bin', context=ctx, timeout=30).read()).hexdigest())"
want "sha256: $(sha256sum < "$TH_DIR/www/big.bin" | cut -d' ' -f1)" "a 3 MB HTTPS download through a CONNECT tunnel arrives intact"
PYTUN='
import os, socket, threading
host, port = os.environ["http_proxy"].rsplit("/", 1)[1].split(":")
def tunnel(target, first=b""):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_DONTROUTE, 1)
    s.connect((host, int(port))); s.sendall(b"CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n%s" % (target, target, first))
    return s
def read_all(s):
    out = b""
    while (b := s.recv(65536)):
        out += b
    return out
'
run_pt run --allow-net=testhost:5432,testhost:5433 "$PIN" -- python3 -c "$PYTUN"'
lines = [b"line %d %s\n" % (i, b"x" * (i % 300)) for i in range(20000)]
data = b"".join(lines)
s = tunnel(b"testhost:5432", data[:1000])  # the first bytes in the same write as the head
def rest():
    s.sendall(data[1000:]); s.shutdown(socket.SHUT_WR)
t = threading.Thread(target=rest); t.start()
head, _, body = read_all(s).partition(b"\r\n\r\n"); t.join()
print("status:", head.decode())
print("echo:", "same" if body == b"".join(b"echo:" + l for l in lines) else "differs (%d bytes)" % len(body))
s = tunnel(b"testhost:5433")
print("half:", read_all(s).partition(b"\r\n\r\n")[2].decode().strip(), "then EOF")
s.sendall(b"still here\n"); s.shutdown(socket.SHUT_WR)
print("end:", s.recv(10))
ok = 0
for i in range(300):  # more than the proxy takes at once (256): each must be counted out
    s = tunnel(b"testhost:5432", b"n%d\n" % i)
    if i % 3 == 0:
        s.close()  # gone before the echo comes back: the proxy writes into a reset connection
        continue
    s.shutdown(socket.SHUT_WR)
    ok += read_all(s).endswith(b"echo:n%d\n" % i)
print("tunnels:", ok)'
want "status: HTTP/1.1 200 Connection Established" "a raw CONNECT is answered 200"
want "echo: same" "4 MB both ways at once through a tunnel, with bytes pipelined after the CONNECT head, in order"
want "half: bye then EOF" "the server's half-close reaches the client as EOF after its last bytes"
want "end: b''" "the tunnel closes once both sides have shut down"
for _ in $(seq 50); do [ -s "$SCRATCH/half.txt" ] && break; sleep 0.1; done
check "... and the client's bytes sent after that EOF still reach the server" file_is "$SCRATCH/half.txt" "still here"
want "tunnels: 200" "300 tunnels in a row, a third of them cut by the client: none is left counted"

# --- the proxy's requests in the log and the summary ---------------------------------------
run_pt run -v --allow-net=testhost "$PIN" -- curl -s -m 10 http://testhost/index.html
want_err_re '^\[proxy\] GET testhost:80 = connected <allow net testhost>$' "-v: a proxied request is logged with the rule that allowed it"
run_pt run -v "$PIN" -- curl -s -m 10 http://testhost/index.html
want_err_re '^\[proxy\] GET testhost:80 = 403 Forbidden <deny net default>$' "-v: a denied request is logged with its status and the default that denied it"
run_pt run --log-format=json --log-file="$SCRATCH/px.jsonl" --allow-net=testhost:443 "$PIN" -- \
    curl -s -m 10 http://testhost/index.html
check "JSON: a denied proxy request is one line with Deno's net fields and the status" python3 -c '
import json, sys
px = [o for o in map(json.loads, open(sys.argv[1])) if o.get("syscall") == "proxy"]
assert len(px) == 1, px
o = px[0]
assert (o["permission"], o["value"], o["decision"], o["result"]) == ("net", "testhost:80", "deny", 403), o
assert o["args"] == ["GET", "testhost:80"], o' "$SCRATCH/px.jsonl"
run_pt run --summary --allow-net=testhost:80 "$PIN" -- curl -s -m 10 http://testhost/index.html http://testhost:8000/index.html
want_err_re '^ *[0-9.]+ +[0-9.]+ +[0-9]+ +2 +1 +1 +0 +net +\(proxy request\)$' "--summary counts the proxy's requests (one allowed, one denied)"

# --- denials ------------------------------------------------------------------------------
run_pt run "$PIN" -- curl -s -i -m 10 http://testhost/index.html
want_re '^HTTP/1.1 403' "a host not allowed gets 403"
want_re '^X-Podtrace-Denied: denied net access to "testhost:80".*--allow-net=testhost:80' "with the X-Podtrace-Denied header"
want_re '^podtrace: denied net access to "testhost:80"' "and the body says the same"
want_err_re '^podtrace: denied net access to "testhost:80" \(proxy GET\)' "and the notice on podtrace's stderr"
run_pt run --allow-net=testhost:443 "$PIN" -- curl -s -i -m 10 http://testhost/index.html
want_re '^HTTP/1.1 403' "host:port rules: port 80 is not port 443"
run_pt run --allow-net=testhost --deny-net=testhost:8000 "$PIN" -- curl -s -i -m 10 http://testhost:8000/
want_re '^HTTP/1.1 403' "deny beats allow in the proxy"
run_pt run --allow-net=evil --resolve=evil:127.0.0.1 -- curl -s -i -m 10 http://evil/
want_re '^HTTP/1.1 403' "a name pinned to 127.0.0.1 is refused (DNS rebinding)"
want_re '^X-Podtrace-Denied: .*--allow-net=127\.0\.0\.1 \(it resolves to that internal address\)' "... and the fix names the address"
run_pt run --allow-net=evil --resolve=evil:169.254.1.1 -- curl -s -i -m 10 http://evil:8080/
want_re '^HTTP/1.1 403' "a name pinned to the proxy's own 169.254 address is refused"
run_pt run --allow-net=evil --resolve=evil:10.1.2.3 -- curl -s -i -m 10 http://evil/
want_re '^HTTP/1.1 403' "a name pinned to a private address is refused"
PYRAW='
import os, socket, sys
host, port = os.environ["http_proxy"].rsplit("/", 1)[1].split(":")
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_DONTROUTE, 1)
s.connect((host, int(port))); s.sendall(sys.argv[1].encode() + b"\r\n\r\n")
print(s.recv(200).split(b"\r\n")[0].decode())'
run_pt run -N -- python3 -c "$PYRAW" "GET http://127.0.0.1:22/ HTTP/1.1"
want_re '^HTTP/1.1 403' "even bare --allow-net does not reach the host's loopback through the proxy"
run_pt run -N -- python3 -c "$PYRAW" "CONNECT 169.254.1.1:22 HTTP/1.1"
want_re '^HTTP/1.1 403' "... nor the supervisor's link-local side"
# --no-dns: the tests never send a DNS query (no traffic leaves this machine)
run_pt run --no-dns --allow-net=nowhere.invalid -- curl -s -i -m 10 http://nowhere.invalid/
want_re '^HTTP/1.1 502' "a name that cannot be resolved gets 502 with a reason"
want_re 'name resolution is off' "... which says why"
run_pt run --allow-net="$TH_ADDR:81" -- curl -s -i -m 10 "http://$TH_ADDR:81/"
want_re '^HTTP/1.1 502' "a refused upstream connection gets 502"

# --- a malformed request gets 400 and the proxy keeps serving ------------------------------
run_pt run --allow-net=testhost "$PIN" -- python3 -c '
import os, socket, urllib.request
host, port = os.environ["http_proxy"].rsplit("/", 1)[1].split(":")
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_DONTROUTE, 1)
s.connect((host, int(port))); s.sendall(b"NOT HTTP AT ALL\r\n\r\n"); print("garbage:", s.recv(100).split(b"\r\n")[0].decode())
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_DONTROUTE, 1)
s.connect((host, int(port))); s.sendall(b"GET /relative HTTP/1.1\r\nHost: x\r\n\r\n"); print("origin-form:", s.recv(100).split(b"\r\n")[0].decode())
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_DONTROUTE, 1)
s.connect((host, int(port))); s.sendall(b"GET http://testhost/ HTTP/1.1\r\n" + b"X-Big: " + b"a" * 40000 + b"\r\n\r\n")
print("huge head:", s.recv(100).split(b"\r\n")[0].decode())
print("after:", urllib.request.urlopen("http://testhost/index.html", timeout=10).read().decode().strip())'
want "garbage: HTTP/1.1 400 Bad Request" "a malformed request gets 400"
want "origin-form: HTTP/1.1 400 Bad Request" "a request that is not absolute-form gets 400"
want_re '^huge head: HTTP/1.1 (431|400)' "a head over the bound is refused"
want "after: hello from testhost" "the proxy still serves afterwards"

# --- direct sockets -----------------------------------------------------------------------
PYDIRECT="
import socket
s = socket.socket()
try:
    s.connect(('$TH_ADDR', 5432)); s.sendall(b'ping\n'); print('direct:', s.recv(100).decode().strip())
except OSError as e:
    print('direct:', e.strerror)"
run_pt run -- python3 -c "$PYDIRECT"
want "direct: Permission denied" "a direct connect to an address not allowed is refused"
want_err_re "^podtrace: denied net access to \"$TH_ADDR:5432\"" "with a notice"
run_pt run --allow-net="$TH_ADDR:5432" -- python3 -c "$PYDIRECT"
want "direct: echo:ping" "an allowed direct TCP connection works through the relay"
run_pt run --allow-net="$TH_ADDR" -- curl -s -m 10 --noproxy '*' "http://$TH_ADDR/index.html"
want "hello from testhost" "a real HTTP exchange over an allowed direct connection (curl --noproxy)"
run_pt run -- python3 -c '
import socket, os
host = os.environ["http_proxy"].rsplit("/", 1)[1].split(":")[0]
for port in (22, 53, 8081):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_DONTROUTE, 1)
    try:
        s.connect((host, port)); print(port, "connected")
    except OSError as e:
        print(port, e.strerror)'
want "22 Permission denied" "the supervisor's side of the veth is not a way to the host's services (22)"
want "8081 Permission denied" "... nor any other port but the proxy's"
run_pt run -- python3 -c '
import socket
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen()
c = socket.create_connection(srv.getsockname()); a, _ = srv.accept(); c.sendall(b"x"); print("loopback:", a.recv(1).decode())'
want "loopback: x" "the sandbox's own loopback is always reachable"

# --- the send family: the destination is decided, data and fds pass ----------------------
PYSEND="
import os, socket
a, b = socket.socketpair()
r, w = os.pipe()
socket.send_fds(a, [b'fd!'], [w])
msg, fds, _, _ = socket.recv_fds(b, 10, 1)
os.write(fds[0], b'via the passed fd'); print('scm_rights:', msg.decode(), os.read(r, 100).decode())
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0))
v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); v.sendto(b'udp hello', u.getsockname()); print('loopback udp:', u.recv(100).decode())
for name, send in (('sendto', lambda: v.sendto(b'x', ('$TH_ADDR', 53))),
                   ('sendmsg', lambda: v.sendmsg([b'x'], [], 0, ('$TH_ADDR', 53))),
                   ('mapped', lambda: socket.socket(socket.AF_INET6).connect(('::ffff:$TH_ADDR', 5432)))):
    try:
        send(); print(name + ': sent')
    except OSError as e:
        print(name + ':', e.strerror)
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
try:
    d.sendto(b'x', '$SCRATCH/host.sock'); print('unix dgram: sent')
except OSError as e:
    print('unix dgram:', e.strerror)"
python3 -c "import socket; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind('$SCRATCH/host.sock')"
run_pt run -- python3 -c "$PYSEND"
want "scm_rights: fd! via the passed fd" "sendmsg with SCM_RIGHTS passes the worker's fds"
want "loopback udp: udp hello" "UDP on the sandbox's own loopback"
want "sendto: Permission denied" "UDP sendto to an address not allowed is refused"
want "sendmsg: Permission denied" "sendmsg with a destination not allowed is refused"
want "mapped: Permission denied" "an IPv4-mapped IPv6 address is decided as the IPv4 one"
want "unix dgram: Permission denied" "a datagram to a host AF_UNIX socket path is a file access (refused)"
run_pt run --allow-net="$TH_ADDR" -- python3 -c "$PYSEND"
want_re '^sendto: (sent|Network is unreachable)$' "an allowed UDP destination is not refused (no route: unreachable)"
run_pt run --allow-net="$TH_ADDR" -- python3 -c "
import socket
s = socket.socket(socket.AF_INET6); s.connect(('::ffff:$TH_ADDR', 5432)); s.sendall(b'v6\n'); print('mapped:', s.recv(100).decode().strip())"
want "mapped: echo:v6" "an allowed IPv4-mapped destination works through the relay"

PYTFO="
import socket
s = socket.socket()
try:
    s.sendto(b'tfo\n', socket.MSG_FASTOPEN, ('$TH_ADDR', 5432)); print('fastopen:', s.recv(100).decode().strip())
except OSError as e:
    print('fastopen:', e.strerror)"
run_pt run -- python3 -c "$PYTFO"
want "fastopen: Permission denied" "MSG_FASTOPEN (connect + send) to an address not allowed is refused"
run_pt run --allow-net="$TH_ADDR:5432" -- python3 -c "$PYTFO"
want "fastopen: echo:tfo" "MSG_FASTOPEN to an allowed address connects through the relay and sends"

# --- four concurrent runs, each its own veth and /30 ---------------------------------------
for i in 1 2 3 4; do
    "$PODTRACE" run -q --allow-net=testhost --allow-run=curl,sleep,cat --allow-read=/sys "$PIN" -- sh -c \
        'curl -s -m 20 http://testhost/index.html; echo "$http_proxy"; echo "iflink $(cat /sys/class/net/veth-sb*/iflink)"; sleep 1' \
        > "$SCRATCH/c$i.txt" 2>&1 &
    PIDS="${PIDS:-} $!"
done
wait $PIDS
for i in 1 2 3 4; do
    check "concurrent run $i fetched through its proxy" grep -q 'hello from testhost' "$SCRATCH/c$i.txt"
done
check "the four runs had four different proxies" test "$(cat "$SCRATCH"/c?.txt | grep -c '^http://169.254' )" = 4 -a \
    "$(cat "$SCRATCH"/c?.txt | grep '^http://169.254' | sort -u | wc -l)" = 4
IFLINKS=$(sed -n 's/^iflink \([0-9][0-9]*\)$/\1/p' "$SCRATCH"/c?.txt)

# --- someone else listens on the first pair's address: the run takes the next pair ----------
BUSY="ptbz$$"
BUSY=${BUSY:0:12}
exec 9>/run/podtrace-test-busy.lock
flock 9 # one test at a time holds 169.254.1.1:8080 (the it/ and it-slow/ runs of this test overlap)
if ip link add "$BUSY" type veth peer name "${BUSY}p"; then
    ip addr add 169.254.1.1/32 dev "$BUSY" && ip link set "$BUSY" up
    python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
for _ in range(300):  # another test'"'"'s run may hold the first pair for a while
    try: s.bind(("169.254.1.1", 8080)); break
    except OSError: time.sleep(0.1)
else: sys.exit("169.254.1.1:8080 stayed taken")
s.listen(1); print("listening", flush=True); time.sleep(60)' > "$SCRATCH/busy.txt" 2>&1 &
    BUSY_PID=$!
    for _ in $(seq 700); do grep -q listening "$SCRATCH/busy.txt" && break; sleep 0.05; done
    check "another program listens on 169.254.1.1:8080" grep -q listening "$SCRATCH/busy.txt"
    run_pt run -q -- sh -c 'echo "proxy=$http_proxy"'
    want_rc 0 "a run starts although 169.254.1.1:8080 is taken by another program"
    want_re '^proxy=http://169\.254\.[0-9]+\.[0-9]+:8080$' "... with a proxy of its own"
    check "... on another pair's address" eval '! printf "%s\n" "$OUT" | grep -qx "proxy=http://169.254.1.1:8080"'
    kill "$BUSY_PID" 2>/dev/null; wait "$BUSY_PID" 2>/dev/null
    ip link del "$BUSY"
else
    soft_fail "cannot create a veth pair for the taken-address case"
fi
flock -u 9
exec 9>&-

# --- nothing left behind --------------------------------------------------------------------
# the kernel removes a pair with its namespace, in deferred work: some ms after the exit
links_left() { left=; for l in $IFLINKS; do host_link_exists "$l" && left="$left $l"; done; }
for _ in $(seq 50); do links_left; [ -z "$left" ] && break; sleep 0.1; done
check "the four runs named their host-side links" test "$(echo $IFLINKS | wc -w)" = 4
check "no veth left behind after normal exits${left:+ (left: $left)}" test -z "$left"
"$PODTRACE" run -q --allow-read=/sys --allow-run=cat,sleep -- sh -c \
    'echo "iflink $(cat /sys/class/net/veth-sb*/iflink)"; exec sleep 30' > "$SCRATCH/k.txt" 2>&1 &
PT=$!
for _ in $(seq 100); do grep -q '^iflink [0-9]' "$SCRATCH/k.txt" && break; sleep 0.05; done
KLINK=$(sed -n 's/^iflink \([0-9][0-9]*\)$/\1/p' "$SCRATCH/k.txt")
check "the killed run named its host-side link (it existed while it ran)" eval 'test -n "$KLINK" && host_link_exists "$KLINK"'
kill -9 $PT
wait $PT 2>/dev/null
for _ in $(seq 50); do host_link_exists "$KLINK" || break; sleep 0.1; done
check "no veth left behind after SIGKILL of podtrace" eval '! host_link_exists "$KLINK"'
finish
