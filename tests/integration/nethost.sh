# A test host of the test's own making (sourced): a network namespace with a veth to the host
# side, addresses in 198.18.0.0/15 (benchmarking range, never a real network), serving HTTP
# on 80 and 8000, HTTPS (self-signed for "testhost") on 443, and a plain TCP line service on
# 5432. Sets TH_NS, TH_ADDR, TH_HOSTADDR, TH_CERT. Torn down at exit.
command -v ip >/dev/null || skip "iproute2 (ip) not installed"
command -v openssl >/dev/null || skip "openssl not installed"

# The /24 is claimed with an atomic mkdir (another test host may be running at the same time;
# two on one /24 would route to each other); a claim whose owner is dead is taken over.
TH_CLAIMS=/run/podtrace-testhost
mkdir -p "$TH_CLAIMS"
TH_ID=
for i in $(seq 0 199); do
    id=$(( (($$ + i) % 200) + 20 ))
    if mkdir "$TH_CLAIMS/$id" 2>/dev/null; then TH_ID=$id; break; fi
    owner=$(cat "$TH_CLAIMS/$id/pid" 2>/dev/null)
    if [ -n "$owner" ] && ! kill -0 "$owner" 2>/dev/null && rm -rf "$TH_CLAIMS/$id" && mkdir "$TH_CLAIMS/$id" 2>/dev/null; then
        TH_ID=$id; break
    fi
done
[ -n "$TH_ID" ] || fail "no free 198.18.x.0/24 for a test host"
echo $$ > "$TH_CLAIMS/$TH_ID/pid"
TH_NS="pt-th-$$"
TH_VETH="ptth$$"
TH_VETH=${TH_VETH:0:12}
TH_ADDR="198.18.$TH_ID.2"
TH_HOSTADDR="198.18.$TH_ID.1"
TH_DIR="$SCRATCH/testhost"
mkdir -p "$TH_DIR/www"

nethost_down() {
    [ -n "${TH_PIDS:-}" ] && kill $TH_PIDS 2>/dev/null
    ip netns del "$TH_NS" 2>/dev/null
    ip link del "${TH_VETH}a" 2>/dev/null
    rm -rf "$SCRATCH" "$TH_CLAIMS/$TH_ID"
}
trap nethost_down EXIT

ip netns add "$TH_NS" || skip "cannot create a network namespace"
ip link add "${TH_VETH}a" type veth peer name "${TH_VETH}b" || fail "cannot create the test veth"
ip link set "${TH_VETH}b" netns "$TH_NS"
ip addr add "$TH_HOSTADDR/24" dev "${TH_VETH}a"
ip link set "${TH_VETH}a" up
ip -n "$TH_NS" addr add "$TH_ADDR/24" dev "${TH_VETH}b"
ip -n "$TH_NS" link set "${TH_VETH}b" up
ip -n "$TH_NS" link set lo up

printf 'hello from testhost\n' > "$TH_DIR/www/index.html"
head -c 3000000 /dev/urandom > "$TH_DIR/www/big.bin"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TH_DIR/key.pem" -out "$TH_DIR/cert.pem" -days 2 \
    -subj "/CN=testhost" -addext "subjectAltName=DNS:testhost" >/dev/null 2>&1 || fail "cannot make a certificate"
TH_CERT="$TH_DIR/cert.pem"
cat > "$TH_DIR/serve.py" <<'PY'
import http.server, os, socketserver, ssl, sys, threading
addr, www, cert, key = sys.argv[1:5]
os.chdir(www)
class H(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def log_message(self, *a): pass
    def do_GET(self):
        if self.path not in ("/conn", "/drop"):
            return super().do_GET()
        # /conn: which client port this connection has (the proxy's keep-alive is visible);
        # /drop: a complete keep-alive response, then the connection is cut without notice
        out = b"conn %d\n" % self.client_address[1]
        self.send_response(200); self.send_header("Content-Length", str(len(out))); self.end_headers()
        self.wfile.write(out)
        if self.path == "/drop":
            self.wfile.flush(); self.close_connection = True
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        out = b"got %d bytes: %s" % (len(body), body[:40])
        self.send_response(200); self.send_header("Content-Length", str(len(out))); self.end_headers()
        self.wfile.write(out)
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
def run(port, tls=False):
    s = S((addr, port), H)
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(cert, key)
        s.socket = ctx.wrap_socket(s.socket, server_side=True)
    threading.Thread(target=s.serve_forever, daemon=True).start()
class Line(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            self.wfile.write(b"echo:" + line)
class LS(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
run(80); run(8000); run(443, True)
threading.Thread(target=LS((addr, 5432), Line).serve_forever, daemon=True).start()
open(sys.argv[5], "w").close()
threading.Event().wait()
PY
ip netns exec "$TH_NS" python3 "$TH_DIR/serve.py" "$TH_ADDR" "$TH_DIR/www" "$TH_DIR/cert.pem" "$TH_DIR/key.pem" \
    "$TH_DIR/ready" >"$TH_DIR/serve.log" 2>&1 &
TH_PIDS=$!
for _ in $(seq 100); do [ -e "$TH_DIR/ready" ] && break; sleep 0.05; done
[ -e "$TH_DIR/ready" ] || fail "the test host did not start: $(cat "$TH_DIR/serve.log")"
