#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""podshm (libshm from Python) against os.pipe: 64-byte round trips and 1 MiB messages
between two processes pinned to two CPUs, plus the cost Python itself adds per message.

    PODSHM_LIB=build/src/shm/libshm.so PYTHONPATH=python tools/bench/shm_bench.py [--cpus A,B]
        [--c-inproc NS] [--quick]

--c-inproc: the C in-process send+recv cost from shm_bench (same machine), to report
Python's overhead as the difference (tools/bench/shm_bench.sh passes it).
"""
import argparse
import os
import signal
import statistics
import sys
import time

import podshm

MIB = 1 << 20


def pin(cpu):
    os.sched_setaffinity(0, {cpu})


def fork_child(cpu, fn):
    pid = os.fork()
    if pid == 0:
        try:
            pin(cpu)
            fn()
        finally:
            os._exit(0)
    return pid


def summary(name, samples_ns):
    samples_ns.sort()
    n = len(samples_ns)
    print("%-40s %9.0f ns median %9.0f ns p99 %9.0f ns mean  (%d round trips)"
          % (name, samples_ns[n // 2], samples_ns[n * 99 // 100], statistics.fmean(samples_ns), n))
    sys.stdout.flush()


def rt_podshm(args, n):
    name = "/podshm-pybench-%d" % os.getpid()
    try:
        podshm.unlink(name)
    except OSError:
        pass
    host = podshm.Channel.create(name, MIB)

    def echo():
        w = podshm.Channel.open(name, side=podshm.WORKER)
        for _ in range(n + 1000):
            w.send(w.recv())
        w.close()

    pid = fork_child(args.b, echo)
    msg = b"x" * 64
    t = []
    clock = time.perf_counter_ns
    for i in range(n + 1000):
        t0 = clock()
        host.send(msg)
        host.recv()
        if i >= 1000:
            t.append(clock() - t0)
    os.waitpid(pid, 0)
    host.close()
    podshm.unlink(name)
    summary("podshm 64 B round trip", t)
    return t


def rt_pipe(args, n):
    a_r, a_w = os.pipe()
    b_r, b_w = os.pipe()

    def echo():
        for _ in range(n + 1000):
            os.write(b_w, os.read(a_r, 64))

    pid = fork_child(args.b, echo)
    msg = b"x" * 64
    t = []
    clock = time.perf_counter_ns
    for i in range(n + 1000):
        t0 = clock()
        os.write(a_w, msg)
        os.read(b_r, 64)
        if i >= 1000:
            t.append(clock() - t0)
    os.waitpid(pid, 0)
    for fd in (a_r, a_w, b_r, b_w):
        os.close(fd)
    summary("os.pipe 64 B round trip", t)


def tp_podshm(args, n):
    name = "/podshm-pybench-tp-%d" % os.getpid()
    try:
        podshm.unlink(name)
    except OSError:
        pass
    host = podshm.Channel.create(name, 8 * MIB)

    def sink():
        w = podshm.Channel.open(name, side=podshm.WORKER)
        buf = bytearray(MIB)
        for _ in range(n):
            w.recv_into(buf)
        w.send(b"k")
        w.close()

    pid = fork_child(args.b, sink)
    msg = b"y" * MIB
    t0 = time.perf_counter()
    for _ in range(n):
        host.send(msg)
    host.recv()
    dt = time.perf_counter() - t0
    os.waitpid(pid, 0)
    host.close()
    podshm.unlink(name)
    print("%-40s %9.2f GB/s  (%d x 1 MiB in %.2f s)" % ("podshm 1 MiB messages (recv_into)", n * MIB / dt / 1e9, n, dt))


def tp_pipe(args, n):
    r, w = os.pipe()
    k_r, k_w = os.pipe()

    def sink():
        buf = bytearray(MIB)
        mv = memoryview(buf)
        f = os.fdopen(r, "rb", buffering=0)
        for _ in range(n):
            got = 0
            while got < MIB:
                got += f.readinto(mv[got:])
        os.write(k_w, b"k")

    pid = fork_child(args.b, sink)
    msg = b"y" * MIB
    t0 = time.perf_counter()
    for _ in range(n):
        mv = memoryview(msg)
        while mv:
            mv = mv[os.write(w, mv):]
    os.read(k_r, 1)
    dt = time.perf_counter() - t0
    os.waitpid(pid, 0)
    for fd in (r, w, k_r, k_w):
        try:
            os.close(fd)
        except OSError:
            pass
    print("%-40s %9.2f GB/s  (%d x 1 MiB in %.2f s)" % ("os.pipe 1 MiB messages", n * MIB / dt / 1e9, n, dt))


def overhead(args, c_inproc):
    """Per-message costs inside one process, nobody waiting: what Python adds."""
    name = "/podshm-pybench-ov-%d" % os.getpid()
    try:
        podshm.unlink(name)
    except OSError:
        pass
    host = podshm.Channel.create(name, MIB)
    worker = podshm.Channel.open(name, side=podshm.WORKER)
    msg = b"z" * 64
    n = 200000
    clock = time.perf_counter_ns

    t0 = clock()
    for _ in range(n):
        pass
    empty = (clock() - t0) / n

    lib = podshm._load()
    h = host._h
    t0 = clock()
    for _ in range(n):
        lib.pt_shm_max_message(h)
    bare = (clock() - t0) / n - empty

    t0 = clock()
    for _ in range(n):
        host.send(msg)
        worker.recv()
    pair = (clock() - t0) / n - empty

    buf = bytearray(64)
    t0 = clock()
    for _ in range(n):
        host.send(msg)
        worker.recv_into(buf)
    pair_into = (clock() - t0) / n - empty

    r, w = os.pipe()
    t0 = clock()
    for _ in range(n):
        os.write(w, msg)
        os.read(r, 64)
    pipe_pair = (clock() - t0) / n - empty
    os.close(r)
    os.close(w)
    host.close()
    worker.close()
    podshm.unlink(name)

    print("%-40s %9.0f ns" % ("a bare ctypes call (pt_shm_max_message)", bare))
    print("%-40s %9.0f ns per send+recv pair" % ("podshm in-process, 64 B (recv)", pair))
    print("%-40s %9.0f ns per send+recv pair" % ("podshm in-process, 64 B (recv_into)", pair_into))
    print("%-40s %9.0f ns per write+read pair" % ("os.pipe in-process, 64 B", pipe_pair))
    if c_inproc:
        print("%-40s %9.0f ns per send+recv pair (C alone: %.0f ns)"
              % ("=> Python's overhead on podshm", pair - c_inproc, c_inproc))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cpus", default="0,1")
    ap.add_argument("--c-inproc", type=float, default=0.0)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    args.a, args.b = (int(x) for x in args.cpus.split(","))
    pin(args.a)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    rt_n, rt_slow, mib_n = (5000, 2000, 64) if args.quick else (100000, 20000, 1024)
    print("# Python %s, processes pinned to CPUs %d and %d" % (sys.version.split()[0], args.a, args.b))
    print("## 64-byte round trip")
    rt_podshm(args, rt_n)
    rt_pipe(args, rt_slow)
    print("## 1 MiB messages, one way")
    tp_podshm(args, mib_n)
    tp_pipe(args, mib_n // 4)
    print("## Python's own overhead (one process, no waiting)")
    overhead(args, args.c_inproc)


if __name__ == "__main__":
    main()
