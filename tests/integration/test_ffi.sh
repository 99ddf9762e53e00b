#!/bin/bash
# ffi (design 4.3): loading a shared object outside the runtime baseline is denied unless
# --allow-ffi covers it (ctypes, dlopen); the interpreter's own extension modules keep
# working; an allowed library loads and runs; a native dlopen from C is refused the same way.
. "$TESTLIB"
. "$(dirname "$TESTLIB")/checks.sh"

command -v cc >/dev/null || skip "no C compiler to build a test library"
S=$SCRATCH
printf 'int answer(void) { return 42; }\n' > "$S/lib.c"
cc -shared -fPIC -o "$S/libanswer.so" "$S/lib.c" || fail "cannot build the test library"
printf 'int answer(void) { return 7; }\n' > "$S/lib2.c"
mkdir -p "$S/other"
cc -shared -fPIC -o "$S/other/libother.so" "$S/lib2.c" || fail "cannot build the second library"

PY='
import ctypes, sys
for path in sys.argv[1:]:
    try:
        print(f"load {path}: ok {ctypes.CDLL(path).answer()}")
    except OSError as e:
        print(f"load {path}: error {e}")
import _json, _decimal, math, select   # extension modules from the interpreter prefix
print("extensions ok")
'
# natively both load
python3 -c "$PY" "$S/libanswer.so" "$S/other/libother.so" > "$S/native.txt"
check "natively the library loads" grep -Fxq "load $S/libanswer.so: ok 42" "$S/native.txt"

# readable but not ffi-allowed: the executable mapping is refused
run_pt run --allow-read="$S" -- python3 -c "$PY" "$S/libanswer.so"
want_rc 0 "python ran"
want_re "^load $S/libanswer.so: error .*(Permission denied|failed to map)" "ctypes.CDLL of a library outside --allow-ffi fails"
want "extensions ok" "the interpreter's own extension modules still load"
want_err_re "^podtrace: denied ffi access to \"$S/libanswer.so\".*--allow-ffi=$S/libanswer.so" "the notice names ffi and the fix"

# allowed by path, and by directory; the other one stays denied
run_pt run --allow-read="$S" --allow-ffi="$S/libanswer.so" -- python3 -c "$PY" "$S/libanswer.so" "$S/other/libother.so"
want "load $S/libanswer.so: ok 42" "a library allowed by --allow-ffi=PATH loads and runs"
want_re "^load $S/other/libother.so: error " "a library next to it, not allowed, does not"
run_pt run --allow-read="$S" --allow-ffi="$S/other" -- python3 -c "$PY" "$S/other/libother.so"
want "load $S/other/libother.so: ok 7" "a directory rule covers the libraries in it"

# deny beats allow
run_pt run --allow-read="$S" --allow-ffi="$S" --deny-ffi="$S/other" -- python3 -c "$PY" "$S/libanswer.so" "$S/other/libother.so"
want "load $S/libanswer.so: ok 42" "allowed by the directory rule"
want_re "^load $S/other/libother.so: error " "--deny-ffi carves a subdirectory out"

# a C program's dlopen goes through the same check
cat > "$S/dl.c" <<'C'
#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char **argv) {
    void *h = dlopen(argv[1], RTLD_NOW);
    if (!h) { printf("dlopen: error\n"); return 0; }
    int (*f)(void) = (int (*)(void))dlsym(h, "answer");
    printf("dlopen: ok %d\n", f ? f() : -1);
    return 0;
}
C
cc -o "$S/dl" "$S/dl.c" -ldl || fail "cannot build the dlopen probe"
run_pt run --allow-read="$S" -- "$S/dl" "$S/libanswer.so"
want "dlopen: error" "dlopen from C outside --allow-ffi fails"
run_pt run --allow-read="$S" --allow-ffi="$S/libanswer.so" -- "$S/dl" "$S/libanswer.so"
want "dlopen: ok 42" "dlopen from C of an allowed library works"

# anonymous executable memory is not ffi (JITs); mprotect(PROT_EXEC) of a file mapping is
python3 - "$S/libanswer.so" > "$S/mp.py" <<'EOF2'
import sys
print(r'''
import ctypes, mmap, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
PROT_READ, PROT_EXEC, MAP_PRIVATE, MAP_ANON = 1, 4, 2, 0x20
a = libc.mmap(None, 4096, PROT_READ, MAP_PRIVATE | MAP_ANON, -1, 0)
print("anon mprotect exec:", "ok" if libc.mprotect(a, 4096, PROT_READ | PROT_EXEC) == 0 else os.strerror(ctypes.get_errno()))
fd = os.open(sys.argv[1], os.O_RDONLY)
f = libc.mmap(None, 4096, PROT_READ, MAP_PRIVATE, fd, 0)
print("file mprotect exec:", "ok" if libc.mprotect(f, 4096, PROT_READ | PROT_EXEC) == 0 else os.strerror(ctypes.get_errno()))
''')
EOF2
run_pt run --allow-read="$S" -- python3 "$S/mp.py" "$S/libanswer.so"
want "anon mprotect exec: ok" "mprotect(PROT_EXEC) of anonymous memory is not ffi"
want "file mprotect exec: Permission denied" "mprotect(PROT_EXEC) of a file mapping outside --allow-ffi is refused"
run_pt run --allow-read="$S" --allow-ffi="$S" -- python3 "$S/mp.py" "$S/libanswer.so"
want "file mprotect exec: ok" "... and allowed with --allow-ffi"

finish
