# podtrace's embedded default worker: shows what the sandbox allows and denies.
# Run with `podtrace run` and no program; its own policy allows reading /etc/os-release
# and writing /tmp/podtrace-demo, on top of the runtime baseline and your flags.
import os
import sys


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
