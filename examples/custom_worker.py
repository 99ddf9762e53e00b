# An example worker for the podtrace container image (docs/container.md): the seed's
# `docker run --rm --privileged IMAGE run custom_worker.py`. It tries what a typical job does
# and reports what the policy let through:
#   custom_worker.py [URL...]
# - writes /tmp/output/result.txt      (allow it with --allow-write=/tmp/output)
# - fetches each URL through the proxy  (allow the host with --allow-net=HOST or POD_ALLOW_NET)
# - lists the environment it was given (POD_* never reaches it)
# Exit status: 0 when everything it tried was allowed, 1 when something was denied.
import os
import sys
import urllib.error
import urllib.request

denied = 0


def report(what, fn):
    global denied
    try:
        result = fn()
        print(f"allowed  {what}" + (f": {result}" if result else ""))
    except PermissionError:
        denied += 1
        print(f"denied   {what}")
    except urllib.error.HTTPError as e:
        denied += 1
        print(f"denied   {what}: HTTP {e.code} {e.headers.get('X-Podtrace-Denied', e.reason)}")
    except OSError as e:
        denied += 1
        print(f"failed   {what}: {e}")


def write_result():
    os.makedirs("/tmp/output", exist_ok=True)
    with open("/tmp/output/result.txt", "w") as f:
        f.write("written by custom_worker.py\n")
    return "/tmp/output/result.txt"


def fetch(url):
    # urllib takes the proxy (http://169.254.1.1:8080) from http_proxy, set by podtrace
    with urllib.request.urlopen(url, timeout=10) as r:
        return f"{r.status} {r.read(200).decode(errors='replace').strip()}"


print(f"custom_worker.py: python {sys.version.split()[0]}, pid {os.getpid()}")
report("write /tmp/output/result.txt", write_result)
for url in sys.argv[1:]:
    report(f"fetch {url}", lambda: fetch(url))
print("environment: " + " ".join(sorted(os.environ)))
sys.exit(1 if denied else 0)
