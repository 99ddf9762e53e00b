#!/bin/bash
# sys (Deno's names, docs/policy.md): uname gives neutral release/version and the sandbox's
# own hostname unless allowed; sysinfo zeroes what is denied; get/setpriority fail with
# EACCES; /proc files behind the same facts are decided as sys.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

HOST=$(uname -n)
REL=$(uname -r)
PY='
import ctypes, os
u = os.uname()
print("nodename", u.nodename)
print("release", u.release)
class SI(ctypes.Structure):
    _fields_ = [("uptime", ctypes.c_long), ("loads", ctypes.c_ulong * 3), ("totalram", ctypes.c_ulong),
                ("freeram", ctypes.c_ulong), ("sharedram", ctypes.c_ulong), ("bufferram", ctypes.c_ulong),
                ("totalswap", ctypes.c_ulong), ("freeswap", ctypes.c_ulong), ("procs", ctypes.c_ushort),
                ("pad", ctypes.c_char * 22)]
si = SI()
ctypes.CDLL(None).sysinfo(ctypes.byref(si))
print("uptime", "zero" if si.uptime == 0 else "set")
print("totalram", "zero" if si.totalram == 0 else "set")
print("procs", si.procs)
for f in ("/proc/meminfo", "/proc/uptime", "/proc/loadavg", "/proc/version", "/proc/cpuinfo"):
    try:
        open(f).read(); print(f, "ok")
    except PermissionError:
        print(f, "EACCES")
try:
    os.getpriority(os.PRIO_PROCESS, 0); print("getpriority ok")
except PermissionError:
    print("getpriority EACCES")
try:
    os.setpriority(os.PRIO_PROCESS, 0, 5); print("setpriority ok")
except PermissionError:
    print("setpriority EACCES")
'
run_pt run -- python3 -c "$PY"
want_rc 0 "python ran with no sys permission"
want "nodename podtrace" "hostname denied: the sandbox's own neutral hostname"
want "release 0.0.0-podtrace" "osRelease denied: a neutral release"
want "uptime zero" "osUptime denied: sysinfo uptime is zero"
want "totalram zero" "systemMemoryInfo denied: sysinfo memory is zero"
want "procs 0" "the host's process count is never shown"
for f in meminfo uptime loadavg version cpuinfo; do
    want "/proc/$f EACCES" "/proc/$f denied as sys"
done
want "getpriority EACCES" "getPriority denied"
want "setpriority EACCES" "setPriority denied"
want_err_re '^podtrace: denied sys access to "/proc/meminfo".*--allow-sys=systemMemoryInfo' "the notice for a sys file names the sys name"
want_err_re '^podtrace: denied sys access to "getPriority".*--allow-sys=getPriority' "the notice for getpriority"
no_err_re 'denied sys access to "osRelease"' "neutral answers print no notice"

run_pt run --allow-sys=hostname,osRelease,osUptime,systemMemoryInfo,loadavg,cpus,getPriority,setPriority -- python3 -c "$PY"
want "nodename $HOST" "hostname allowed: the host's name"
want "release $REL" "osRelease allowed: the real release"
want "uptime set" "osUptime allowed"
want "totalram set" "systemMemoryInfo allowed"
want "procs 0" "the process count stays hidden even then"
for f in meminfo uptime loadavg version cpuinfo; do
    want "/proc/$f ok" "/proc/$f allowed by its sys name"
done
want "getpriority ok" "getPriority allowed"
want "setpriority ok" "setPriority allowed"

run_pt run --allow-sys --deny-sys=systemMemoryInfo -- python3 -c "$PY"
want "totalram zero" "--deny-sys beats bare --allow-sys"
want "/proc/meminfo EACCES" "... for the file as well"
want "/proc/uptime ok" "... and the rest stays allowed"

run_pt run --allow-sys=nonsense -- /bin/true
want_rc 2 "an unknown sys name is a usage error"
finish
