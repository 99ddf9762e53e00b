#!/usr/bin/env python3
"""Drive an interactive program on a pseudo-terminal, as a user at a terminal would.

    pty_repl.py SCRIPT -- COMMAND ARGS...

SCRIPT is a list of steps, one a line:
    send TEXT        write TEXT (\\n, \\x03 escapes allowed) to the terminal
    expect REGEX     wait (up to 20 s) until the output so far matches REGEX
    eof              wait until the program closes the terminal; print its exit status
Each step that succeeds prints "step N ok"; the first that fails prints the output seen and
exits 1. The program runs in its own session with the pty as its controlling terminal and
in the foreground, so ^C from the pty reaches it the way a terminal's does.
"""
import os
import pty
import re
import select
import sys
import time


def main():
    sep = sys.argv.index("--")
    script = open(sys.argv[1]).read().splitlines()
    cmd = sys.argv[sep + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    seen = b""
    pos = 0  # expects match after what an earlier expect consumed

    def read_some(timeout):
        nonlocal seen
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return True
        try:
            data = os.read(fd, 4096)
        except OSError:
            return False
        if not data:
            return False
        seen += data
        return True

    for n, line in enumerate(script, 1):
        if not line.strip():
            continue
        op, _, arg = line.partition(" ")
        if op == "send":
            os.write(fd, arg.encode().decode("unicode_escape").encode())
        elif op == "expect":
            deadline = time.time() + 20
            rx = re.compile(arg.encode())
            while True:
                m = rx.search(seen, pos)
                if m:
                    pos = m.end()
                    break
                if time.time() > deadline or not read_some(0.2):
                    if rx.search(seen, pos):
                        continue
                    print(f"step {n} failed: no /{arg}/ in:\n{seen.decode(errors='replace')}")
                    return 1
        elif op == "eof":
            deadline = time.time() + 20
            while time.time() < deadline and read_some(0.2):
                pass
            _, status = os.waitpid(pid, 0)
            print(f"exit status {os.waitstatus_to_exitcode(status)}")
        else:
            print(f"step {n}: unknown op {op}")
            return 2
        print(f"step {n} ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
