# podtrace's embedded default worker: shows what the sandbox allows and denies.
# Run with `podtrace run` and no program; its own policy allows reading /etc/os-release
# and writing /tmp/podtrace-demo, on top of the runtime baseline and your flags.
# It talks over the shared-memory channel it inherits (PODSHM_FD): podtrace answers it
# itself, or with --ipc=NAME the host program that opened NAME does.
import os
import sys

# -c puts the working directory first on sys.path; the demo imports nothing from there
sys.path = [p for p in sys.path if p not in ("", os.getcwd())]


def attempt(label, fn):
    try:
        result = fn()
        print(f"  allowed  {label}" + (f": {result}" if result else ""))
    except PermissionError:
        print(f"  denied   {label}")
    except OSError as e:
        print(f"  failed   {label}: {e.strerror}")


def read_first_line(path):
    with open(path) as f:
        return f.readline().strip()


def write_note():
    os.makedirs("/tmp/podtrace-demo", exist_ok=True)
    with open("/tmp/podtrace-demo/note.txt", "w") as f:
        f.write("written from inside the sandbox\n")
    return "/tmp/podtrace-demo/note.txt"


def channel():
    import time
    import podshm
    with podshm.connect() as ch:
        t = time.perf_counter()
        ch.send(b"hello from the demo worker")
        answer = ch.recv(timeout=2.0)
        us = (time.perf_counter() - t) * 1e6
    return f"{bytes(answer).decode(errors='replace')!r} in {us:.0f} us"


def net():
    import socket
    s = socket.create_connection(("198.18.0.1", 80), timeout=1)
    s.close()
    return "connected"


print(f"podtrace demo worker: python {sys.version.split()[0]}, pid {os.getpid()} in its own pid namespace")
print("files:")
attempt("read /etc/os-release", lambda: read_first_line("/etc/os-release"))
attempt("read /etc/shadow", lambda: read_first_line("/etc/shadow"))
attempt("list /root", lambda: f"{len(os.listdir('/root'))} entries")
attempt("write /tmp/podtrace-demo/note.txt", write_note)
attempt("write /etc/podtrace-demo.txt", lambda: open("/etc/podtrace-demo.txt", "w").close())
print("environment:")
pod = sorted(k for k in os.environ if k.startswith("POD_"))
print(f"  POD_* variables visible: {pod if pod else 'none'}")
print(f"  variables passed: {', '.join(sorted(os.environ))}")
print("network:")
attempt("connect to 198.18.0.1:80", net)
print("shared memory:")
attempt("channel to the host (libshm via ctypes)", channel)
