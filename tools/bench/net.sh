#!/bin/bash
# Network benchmarks (issue 4), ratios from one run on one machine:
#   setup      podtrace run /bin/true  vs  unshare --net /bin/true     (median ms, hyperfine)
#   tunnel     a 64 MiB download through a CONNECT tunnel  vs  the same curl straight to the host
#   requests   1000 small keep-alive requests through the proxy  vs  straight to the host
# The test host lives in a network namespace made here (198.18.0.0/15, never a real network).
# Usage: tools/bench/net.sh [path/to/podtrace]   (as root; installs hyperfine and curl if missing)
set -eu
PT=$(readlink -f "${1:-$(dirname "$0")/../../build/podtrace}")
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
command -v curl >/dev/null || apt-get install -y -qq curl >/dev/null
W=$(mktemp -d /tmp/podtrace-netbench.XXXXXX)
NS=pt-bench-$$
cleanup() { kill "${SRV:-}" 2>/dev/null || true; ip netns del "$NS" 2>/dev/null || true; ip link del ptbench0 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
ip netns add "$NS"
ip link add ptbench0 type veth peer name ptbench1
ip link set ptbench1 netns "$NS"
ip addr add 198.19.250.1/24 dev ptbench0 && ip link set ptbench0 up
ip -n "$NS" addr add 198.19.250.2/24 dev ptbench1 && ip -n "$NS" link set ptbench1 up && ip -n "$NS" link set lo up
mkdir -p "$W/www" && head -c $((64 << 20)) /dev/zero > "$W/www/big.bin" && echo small > "$W/www/s.txt"
(cd "$W/www" && exec ip netns exec "$NS" python3 -c '
import http.server, socketserver
class H(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms stalls
    def log_message(self, *a): pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
S(("198.19.250.2", 80), H).serve_forever()') &
SRV=$!
for _ in $(seq 50); do curl -s -o /dev/null http://198.19.250.2/s.txt && break; sleep 0.1; done
H=198.19.250.2
URLS=$(for i in $(seq 1000); do printf 'http://%s/s.txt ' "$H"; done)
FLAGS="-q --allow-net=$H"

median() { hyperfine -N --style none -w 2 -r "$1" --export-json "$W/h.json" "${@:2}" >/dev/null
           python3 -c 'import json,sys; print(" ".join("%.2f" % (r["median"]*1000) for r in json.load(open(sys.argv[1]))["results"]))' "$W/h.json"; }

read -r t_pt t_un <<<"$(median 40 "$PT run /bin/true" "unshare --net /bin/true")"
# curl -p: through the proxy's CONNECT tunnel (curl takes the proxy from http_proxy)
read -r d_pt d_direct <<<"$(median 5 "$PT run $FLAGS -- curl -s -p -o /dev/null http://$H/big.bin" \
    "curl -s --noproxy '*' -o /dev/null http://$H/big.bin")"
read -r r_pt r_direct <<<"$(median 5 "$PT run $FLAGS -- curl -s -o /dev/null $URLS" \
    "curl -s --noproxy '*' -o /dev/null $URLS")"
python3 - "$t_pt" "$t_un" "$d_pt" "$d_direct" "$r_pt" "$r_direct" <<'PY'
import sys
t_pt, t_un, d_pt, d_direct, r_pt, r_direct = map(float, sys.argv[1:])
mib = 64
print(f"{'':30} {'podtrace':>12} {'baseline':>12} {'ratio':>8}")
print(f"{'setup: run /bin/true (ms)':30} {t_pt:12.2f} {t_un:12.2f} {t_pt / t_un:7.2f}x   (baseline: unshare --net)")
print(f"{'64 MiB via CONNECT (MiB/s)':30} {mib / (d_pt / 1000):12.0f} {mib / (d_direct / 1000):12.0f} "
      f"{d_direct / d_pt:7.2f}x   (of direct throughput; includes podtrace's start-up)")
print(f"{'1000 small requests (req/s)':30} {1000 / (r_pt / 1000):12.0f} {1000 / (r_direct / 1000):12.0f} "
      f"{r_direct / r_pt:7.2f}x   (of direct; keep-alive, absolute-form through the proxy)")
PY
