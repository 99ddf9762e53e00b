#!/bin/bash
# Exit statuses of design 1.1: the worker's own, 128+signal, 2, 126, 127.
. "$TESTLIB"

run_pt run -- /bin/sh -c 'exit 7'
expect_rc 7 "worker's exit code passes through"

run_pt run -- /bin/true
expect_rc 0 "success is 0"

run_pt run -- /bin/sh -c 'kill -SEGV $$'
expect_rc 139 "death by SIGSEGV is 128+11"

run_pt run -- /bin/sh -c 'kill -KILL $$'
expect_rc 137 "death by SIGKILL is 128+9"

run_pt run --allow-net=not_a_host:99999 -- /bin/true
expect_rc 2 "bad policy is 2"
expect_err 'allow-net' "the error names the flag"

run_pt run --no-such-flag /bin/true
expect_rc 2 "unknown flag is 2"

run_pt run -- /nonexistent/program
expect_rc 127 "missing program is 127"

run_pt run -- no-such-program-anywhere
expect_rc 127 "program not on PATH is 127"

printf 'not a program\n' > "$SCRATCH/notexec"
chmod 644 "$SCRATCH/notexec"
run_pt run -- "$SCRATCH/notexec"
expect_rc 126 "a file without execute permission is 126"
