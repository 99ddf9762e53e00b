#!/usr/bin/env python3
"""podtrace start-up and syscall-heavy benchmarks (issue 2), ratios measured in one run.

Three workloads, each run natively, under `podtrace run` (policy allowing its files), and
under `strace -f -o /dev/null`, with hyperfine:
  pass      python3 -c pass
  imports   an import-heavy start (json, decimal, email, http.client, xml, asyncio, unittest...)
  compile   python3 -m compileall -f -q over a few hundred stdlib files copied to a scratch dir
Prints medians and ratios to native. Needs root, hyperfine and strace (installed if missing).
Usage: tools/bench/startup.py [--podtrace build/podtrace] [--runs N] [--json out.json]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile

IMPORTS = ("import json, decimal, email.mime.multipart, http.client, xml.etree.ElementTree, "
           "asyncio, unittest, argparse, logging, subprocess, csv, sqlite3, urllib.request, "
           "dataclasses, typing, pathlib, tempfile, zipfile, tarfile, gzip")
PACKAGES = ["email", "json", "xml", "asyncio", "unittest", "http", "logging", "concurrent",
            "urllib", "importlib", "sqlite3", "wsgiref", "multiprocessing", "lib2to3", "idlelib",
            "distutils", "ctypes", "encodings", "curses", "dbm", "html", "xmlrpc", "collections",
            "zoneinfo", "tomllib", "pydoc_data", "venv", "re"]


def need(tool, package):
    if shutil.which(tool):
        return
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True,
                   stdout=subprocess.DEVNULL)


def real_python():
    out = subprocess.run(["python3", "-I", "-S", "-c", "import sys;print(sys.executable)"],
                         check=True, capture_output=True, text=True).stdout.strip()
    return os.path.realpath(out)


def make_tree(py, dest):
    stdlib = subprocess.run([py, "-I", "-S", "-c", "import sysconfig;print(sysconfig.get_paths()['stdlib'])"],
                            check=True, capture_output=True, text=True).stdout.strip()
    for pkg in PACKAGES:
        src = os.path.join(stdlib, pkg)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(dest, pkg),
                            ignore=shutil.ignore_patterns("__pycache__", "test", "tests"))
    return sum(1 for _, _, files in os.walk(dest) for f in files if f.endswith(".py"))


def hyperfine(commands, runs, warmup, prepare=None):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = ["hyperfine", "-N", "--style", "none", "-w", str(warmup), "-r", str(runs),
               "--export-json", out.name]
        if prepare:
            cmd += ["--prepare", prepare]
        subprocess.run(cmd + commands, check=True, stdout=subprocess.DEVNULL)
        data = json.load(open(out.name))
    return [r["median"] * 1000 for r in data["results"]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--podtrace", default=os.path.join(os.path.dirname(__file__), "../../build/podtrace"))
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--json")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("startup.py: needs root (podtrace needs namespaces and ptrace)")
    need("hyperfine", "hyperfine")
    need("strace", "strace")
    pt = os.path.realpath(a.podtrace)
    py = real_python()
    scratch = tempfile.mkdtemp(prefix="podtrace-bench.")
    tree = os.path.join(scratch, "tree")
    os.mkdir(tree)
    nfiles = make_tree(py, tree)
    results = {}
    workloads = [
        ("pass", f"{py} -c pass", "", None, a.runs),
        ("imports", f"{py} -c '{IMPORTS}'", "", None, a.runs),
        ("compile", f"{py} -m compileall -f -q {tree}", f"--allow-read={tree} --allow-write={tree} ", None,
         max(5, a.runs // 4)),
    ]
    try:
        for name, cmd, flags, prep, runs in workloads:
            variants = [cmd, f"{pt} run -q {flags}-- {cmd}", f"strace -f -o /dev/null {cmd}"]
            med = hyperfine(variants, runs, 2, prep)
            results[name] = {"native_ms": med[0], "podtrace_ms": med[1], "strace_ms": med[2],
                             "podtrace_ratio": med[1] / med[0], "strace_ratio": med[2] / med[0]}
    finally:
        shutil.rmtree(scratch)
    print(f"python {py}; compileall over {nfiles} files; medians of hyperfine runs, same machine, same run")
    print(f"{'workload':10} {'native':>10} {'podtrace':>10} {'strace -f':>10} {'podtrace/native':>16} {'strace/native':>14}")
    for name, r in results.items():
        print(f"{name:10} {r['native_ms']:9.1f}ms {r['podtrace_ms']:9.1f}ms {r['strace_ms']:9.1f}ms "
              f"{r['podtrace_ratio']:15.2f}x {r['strace_ratio']:13.2f}x")
    if a.json:
        json.dump(results, open(a.json, "w"), indent=2)


if __name__ == "__main__":
    main()
