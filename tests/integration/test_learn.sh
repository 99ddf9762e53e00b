#!/bin/bash
# --learn (issue 6, design 7): a worker that reads two files, writes one, lists a directory,
# fetches from the test host through the proxy, runs one program and loads one shared
# object. The learned policy must run it again with zero denials, still deny a third file,
# and a second --learn run must merge into the file.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"
. "$(dirname "$TESTLIB")/nethost.sh"

command -v curl >/dev/null || skip "curl not installed"
# a plain system library (libcrypt1 is essential in Debian), copied outside the baseline
LIB=$(ls /lib/*/libcrypt.so.1 /usr/lib/*/libcrypt.so.1 /lib64/libcrypt.so.1 2>/dev/null | head -1)
[ -n "$LIB" ] || skip "no libcrypt.so.1 to load as the worker's shared object"
PIN="--resolve=testhost:$TH_ADDR"
D="$SCRATCH/learn"
mkdir -p "$D/app" "$D/data" "$D/listme" "$D/out" "$D/lib" "$D/many"
echo one > "$D/data/one.txt"
echo two > "$D/data/two.txt"
echo three > "$D/data/three.txt"
touch "$D/listme/x" "$D/listme/y"
for i in $(seq 10); do echo "$i" > "$D/many/f$i"; done
cp "$(readlink -f "$LIB")" "$D/lib/libpeer.so"
cat > "$D/app/worker.py" <<PY
import ctypes, os, subprocess, sys, urllib.request
print("read", open("$D/data/one.txt").read().strip(), open("$D/data/two.txt").read().strip())
open("$D/out/result.txt", "w").write("done\n")
print("listed", sorted(os.listdir("$D/listme")))
print("fetched", urllib.request.urlopen("http://testhost/index.html", timeout=10).read().decode().strip())
print("ran", subprocess.run(["/bin/echo", "hello"], capture_output=True, text=True).stdout.strip())
ctypes.CDLL("$D/lib/libpeer.so")
print("loaded")
print("many", sum(int(open("$D/many/f%d" % i).read()) for i in range(1, 11)))
if len(sys.argv) > 1:
    print("third", open("$D/data/three.txt").read().strip())
PY
POL="$D/policy.json"

run_pt run --learn="$POL" "$PIN" -- "$D/app/worker.py"
want_rc 0 "the worker runs to the end under --learn"
want "fetched hello from testhost" "... through the proxy"
want "loaded" "... with its shared object"
no_err_re '^podtrace: denied' "nothing is denied while learning"
want_err_re '^podtrace: --learn: [0-9]+ new rules .* written to ' "it says how much it learned and where"
want_err_re '^podtrace: --learn: as flags: .*--allow-net=testhost:80' "... the flags (net: host:port)"
want_err_re '^podtrace: --learn: as POD_POLICY_JSON=[A-Za-z0-9+/=]+$' "... and the POD_POLICY_JSON value"
check "the policy file is valid JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$POL"
jq_has() { python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); v=p.get(sys.argv[2], []); v=v.get("allow", []) if isinstance(v, dict) else v; sys.exit(0 if sys.argv[3] in v else 1)' "$POL" "$1" "$2"; }
check "learned: read of the first file" jq_has read "$D/data/one.txt"
check "learned: read of the second file" jq_has read "$D/data/two.txt"
check "learned: the listed directory" jq_has read "$D/listme"
check "learned: the written file (and only it)" jq_has write "$D/out/result.txt"
check "learned: the host and port" jq_has net "testhost:80"
check "learned: the program" jq_has run "/usr/bin/echo"
check "learned: the shared object" jq_has ffi "$D/lib/libpeer.so"
check "learned: ten files of one directory collapse to it" jq_has read "$D/many"
check "not learned: the third file" sh -c '! grep -q three.txt "$1"' sh "$POL"
check "not learned: the baseline (python's own files)" sh -c '! grep -q "/lib/python3" "$1"' sh "$POL"

run_pt run --policy="$POL" "$PIN" -- "$D/app/worker.py"
want_rc 0 "re-run with --policy=the learned file succeeds"
no_err_re '^podtrace: denied' "... with zero denials"
want "many 55" "... and the same results"
run_pt run --policy="$POL" "$PIN" -- "$D/app/worker.py" third
want_rc 1 "a variant that also reads a third file fails"
want_err_re "^podtrace: denied read access to \"$D/data/three.txt\"" "... denied the third file"

# the flags line and POD_POLICY_JSON say the same as the file
run_pt run --learn="$D/again.json" "$PIN" -- "$D/app/worker.py"
FLAGS=$(printf '%s\n' "$ERR" | sed -n 's/^podtrace: --learn: as flags: //p')
B64=$(printf '%s\n' "$ERR" | sed -n 's/^podtrace: --learn: as POD_POLICY_JSON=//p')
eval "set -- $FLAGS"
run_pt run "$@" "$PIN" -- "$D/app/worker.py"
want_rc 0 "the printed flags run it too"
no_err_re '^podtrace: denied' "... with zero denials"
POD_POLICY_JSON="$B64" run_pt run "$PIN" -- "$D/app/worker.py"
want_rc 0 "the printed POD_POLICY_JSON runs it too"
no_err_re '^podtrace: denied' "... with zero denials"

# a second --learn run merges: the variant adds the third file, keeps the rest
run_pt run --learn="$POL" "$PIN" -- "$D/app/worker.py" third
want_rc 0 "a second --learn run with the variant"
want_err_re '^podtrace: --learn: 1 new rule \(read 1\) merged into ' "... learns exactly the third file, merged"
check "the merged file still has the first run's rules" jq_has ffi "$D/lib/libpeer.so"
run_pt run --policy="$POL" "$PIN" -- "$D/app/worker.py" third
want_rc 0 "the merged policy runs the variant"
no_err_re '^podtrace: denied' "... with zero denials"

# explicit deny rules still decide while learning
run_pt run --learn="$D/deny.json" --deny-read="$D/data/two.txt" "$PIN" -- "$D/app/worker.py"
want_rc 1 "an explicit deny still denies under --learn"
check "... and is not learned as an allow" sh -c '! grep -q two.txt "$1"' sh "$D/deny.json"
printf 'not json' > "$D/bad.json"
run_pt run --learn="$D/bad.json" -- /bin/true
want_rc 2 "a learn file that is not a policy is refused before anything runs"
finish
