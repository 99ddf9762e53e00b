#!/bin/bash
# AF_UNIX sockets are files (design 1.2: write covers creating; Deno asks read+write for a
# unix socket path): bind() creates a socket file, so it must follow the write rules like
# mknod; connect() to a socket the policy does not cover (a host daemon's socket) must be
# refused. Abstract sockets live in the network namespace: the host's are out of reach.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

F=$PROBES/fsop
S=$SCRATCH
mkdir -p "$S/w" "$S/ro" "$S/none"
ABSTRACT="podtrace-test-$$-$RANDOM"

# A host "daemon": listens on a path socket in a place the policy does not name, and on an
# abstract socket; it records every connection it accepts.
python3 - "$S/none/daemon.sock" "$ABSTRACT" "$S/accepted" <<'EOF' &
import os, socket, sys, select
p = socket.socket(socket.AF_UNIX); p.bind(sys.argv[1]); p.listen(8)
a = socket.socket(socket.AF_UNIX); a.bind("\0" + sys.argv[2]); a.listen(8)
open(sys.argv[3] + ".ready", "w").close()
while True:
    r, _, _ = select.select([p, a], [], [], 30)
    if not r:
        break
    for s in r:
        c, _ = s.accept()
        with open(sys.argv[3], "a") as f:
            f.write("path\n" if s is p else "abstract\n")
        c.close()
EOF
DAEMON=$!
trap 'kill $DAEMON 2>/dev/null; wait $DAEMON 2>/dev/null; rm -rf "$SCRATCH"' EXIT
for _ in $(seq 50); do [ -e "$S/accepted.ready" ] && break; sleep 0.1; done
[ -e "$S/accepted.ready" ] || fail "the host socket daemon did not start"
"$F" connect-unix "$S/none/daemon.sock" > "$S/native.txt"
check "native: the daemon accepts connections" grep -Fxq "connect-unix $S/none/daemon.sock: ok" "$S/native.txt"
sleep 0.2
: > "$S/accepted"

run_pt run --allow-read="$S/w,$S/ro" --allow-write="$S/w" -- "$F" \
    bind-unix "$S/w/ok.sock" bind-unix "$S/ro/bad.sock" bind-unix "$S/none/bad.sock" \
    connect-unix "$S/none/daemon.sock" connect-unix "@$ABSTRACT"
want_rc 0 "fsop ran"
want "bind-unix $S/w/ok.sock: ok" "bind() of a socket file where write is allowed"
check "host: the allowed socket file exists" test -S "$S/w/ok.sock"
want "bind-unix $S/ro/bad.sock: EACCES" "bind() of a socket file in a read-only dir denied"
check "host: no socket file created in the read-only dir" test ! -e "$S/ro/bad.sock"
want "bind-unix $S/none/bad.sock: EACCES" "bind() of a socket file outside the policy denied"
check "host: no socket file created outside the policy" test ! -e "$S/none/bad.sock"
want_re "^connect-unix $S/none/daemon.sock: (EACCES|EPERM)\$" "connect() to a host daemon's socket outside the policy refused"
want_re "^connect-unix @$ABSTRACT: (ECONNREFUSED|EACCES|EPERM)\$" "the host's abstract socket is out of reach"
sleep 0.2
check "host: the daemon accepted no connection from the sandbox" test ! -s "$S/accepted"

finish
