#!/bin/bash
# Network benchmarks (issue 4), ratios from one run on one machine:
#   setup      podtrace run /bin/true  vs  unshare --net /bin/true     (median ms, hyperfine)
#   tunnel     a 64 MiB download through a CONNECT tunnel  vs  the same curl straight to the host:
#              the transfer's own throughput (curl's speed_download), podtrace's start-up not counted;
#              median of TUNNEL_RUNS runs of each (default 9, alternating), with their range
#   requests   1000 small keep-alive requests through the proxy  vs  straight to the host
# The test host lives in a network namespace made here, on a /24 picked by pid among 198.19.100-199.x
# (the benchmarking range 198.18.0.0/15: never a real network).
# Usage: tools/bench/net.sh [path/to/podtrace]   (as root; installs hyperfine and curl if missing)
set -eu
PT=$(readlink -f "${1:-$(dirname "$0")/../../build/podtrace}")
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
command -v curl >/dev/null || apt-get install -y -qq curl >/dev/null
W=$(mktemp -d /tmp/podtrace-netbench.XXXXXX)
# names and a /24 of this run's own: two benchmarks at once (or a test host) do not collide
NS=pt-bench-$$
V=ptb$$
V=${V:0:12}
NET=198.19.$(( $$ % 100 + 100 ))
H=$NET.2
cleanup() { kill "${SRV:-}" 2>/dev/null || true; ip netns del "$NS" 2>/dev/null || true; ip link del "${V}a" 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
ip netns add "$NS"
ip link add "${V}a" type veth peer name "${V}b"
ip link set "${V}b" netns "$NS"
ip addr add "$NET.1/24" dev "${V}a" && ip link set "${V}a" up
ip -n "$NS" addr add "$H/24" dev "${V}b" && ip -n "$NS" link set "${V}b" up && ip -n "$NS" link set lo up
mkdir -p "$W/www" && head -c $((64 << 20)) /dev/zero > "$W/www/big.bin" && echo small > "$W/www/s.txt"
(cd "$W/www" && exec ip netns exec "$NS" python3 -c '
import http.server, socketserver, sys
class H(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms stalls
    def log_message(self, *a): pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
S((sys.argv[1], 80), H).serve_forever()' "$H") &
SRV=$!
for _ in $(seq 50); do curl -s --noproxy '*' -o /dev/null "http://$H/s.txt" && break; sleep 0.1; done
URLS=$(for i in $(seq 1000); do printf 'http://%s/s.txt ' "$H"; done)
FLAGS="-q --allow-net=$H"

median() { hyperfine -N --style none -w 2 -r "$1" --export-json "$W/h.json" "${@:2}" >/dev/null
           python3 -c 'import json,sys; print(" ".join("%.2f" % (r["median"]*1000) for r in json.load(open(sys.argv[1]))["results"]))' "$W/h.json"; }

read -r t_pt t_un <<<"$(median 40 "$PT run /bin/true" "unshare --net /bin/true")"
# curl -p: through the proxy's CONNECT tunnel (curl takes the proxy from http_proxy); the same
# curl, the same -w, straight to the host; one of each in turn, so a noisy moment hits both
SPEED=(-s -o /dev/null -w '%{speed_download}\n' "http://$H/big.bin")
: > "$W/pt.txt"; : > "$W/direct.txt"
for _ in $(seq "${TUNNEL_RUNS:-9}"); do
    "$PT" run $FLAGS -- curl -p "${SPEED[@]}" >> "$W/pt.txt"
    curl --noproxy '*' "${SPEED[@]}" >> "$W/direct.txt"
done
read -r r_pt r_direct <<<"$(median 5 "$PT run $FLAGS -- curl -s -o /dev/null $URLS" \
    "curl -s --noproxy '*' -o /dev/null $URLS")"
python3 - "$t_pt" "$t_un" "$W/pt.txt" "$W/direct.txt" "$r_pt" "$r_direct" <<'PY'
import statistics, sys
t_pt, t_un = map(float, sys.argv[1:3])
d_pt, d_direct = ([float(x) / (1 << 20) for x in open(f).read().split()] for f in sys.argv[3:5])
r_pt, r_direct = map(float, sys.argv[5:])
print(f"{'':30} {'podtrace':>12} {'baseline':>12} {'ratio':>8}")
print(f"{'setup: run /bin/true (ms)':30} {t_pt:12.2f} {t_un:12.2f} {t_pt / t_un:7.2f}x   (baseline: unshare --net)")
m_pt, m_direct = statistics.median(d_pt), statistics.median(d_direct)
print(f"{'64 MiB via CONNECT (MiB/s)':30} {m_pt:12.0f} {m_direct:12.0f} {m_pt / m_direct:7.2f}x   (of direct; "
      f"the transfer only, median of {len(d_pt)}; ranges {min(d_pt):.0f}-{max(d_pt):.0f} and "
      f"{min(d_direct):.0f}-{max(d_direct):.0f})")
print(f"{'1000 small requests (req/s)':30} {1000 / (r_pt / 1000):12.0f} {1000 / (r_direct / 1000):12.0f} "
      f"{r_direct / r_pt:7.2f}x   (of direct; keep-alive, absolute-form through the proxy)")
PY
