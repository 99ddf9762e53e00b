#!/bin/sh
# SPDX-License-Identifier: MIT
# `cmake --install --component shm` into a scratch prefix: the library (and its soname link),
# the header, libshm.pc and the Python package. Then a C program built from the .pc alone
# and a Python program that finds the installed library by itself (no PODSHM_LIB) talk
# through a channel; and nm shows that libshm.so exports the public API and nothing else.
#
#   test_install.sh BUILD_DIR C_COMPILER PYTHON
set -eu
build=$1
cc=$2
python=$3
tmp=$(mktemp -d /tmp/podshm-install.XXXXXX)
name="/podshm-install-$$"
trap 'rm -rf "$tmp"; rm -f "/dev/shm$name"' EXIT
fail() {
        echo "not ok - $*"
        exit 1
}

echo "1..5"
cmake --install "$build" --prefix "$tmp/p" --component shm >"$tmp/install.log" || fail "cmake --install"
header=$tmp/p/include/podtrace/shm.h
pc=$(find "$tmp/p" -name libshm.pc)
so=$(find "$tmp/p" -name libshm.so.0)
dev=$(find "$tmp/p" -name libshm.so)
pkg=$(find "$tmp/p" -type d -name podshm)
[ -f "$header" ] && [ -n "$pc" ] && [ -n "$so" ] && [ -L "$dev" ] && [ -f "$pkg/__init__.py" ] && [ -f "$pkg/_paths.py" ] ||
        fail "installed files: header=$header pc=$pc so=$so dev=$dev pkg=$pkg"
echo "ok 1 - installed: ${header#$tmp/p/}, ${pc#$tmp/p/}, ${so#$tmp/p/}, ${pkg#$tmp/p/}"

exported=$(nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }' | sort | tr '\n' ' ')
declared=$(grep -o 'PT_SHM_EXPORT [a-z_ ]*\*\{0,1\}pt_shm_[a-z_]*' "$header" | grep -o 'pt_shm_[a-z_]*' | sort | tr '\n' ' ')
[ "$exported" = "$declared" ] || fail "exports: [$exported] declared: [$declared]"
echo "ok 2 - libshm.so exports exactly the $(echo "$declared" | wc -w) functions of shm.h"

export PKG_CONFIG_PATH=$(dirname "$pc")
flags=$(pkg-config --cflags --libs libshm) || fail "pkg-config libshm"
libdir=$(pkg-config --variable=libdir libshm)
[ "$(cd "$libdir" && pwd -P)" = "$(cd "$(dirname "$so")" && pwd -P)" ] || fail "libdir $libdir"
cat >"$tmp/host.c" <<'C'
#include <podtrace/shm.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
        struct pt_shm *ch;
        char buf[64];
        int r = pt_shm_create(argv[1], 0, PT_SHM_HOST, &ch);
        if (r < 0)
                return fprintf(stderr, "create: %s\n", strerror(-r)), 1;
        puts("ready");
        fflush(stdout);
        if ((r = pt_shm_send(ch, "hello", 5, 10000)) < 0)
                return fprintf(stderr, "send: %s\n", strerror(-r)), 1;
        ssize_t n = pt_shm_recv(ch, buf, sizeof(buf), 10000);
        if (n != 5 || memcmp(buf, "world", 5) != 0)
                return fprintf(stderr, "recv: %zd\n", n), 1;
        pt_shm_close(ch);
        return pt_shm_unlink(argv[1]) < 0;
}
C
# shellcheck disable=SC2086
"$cc" -Wall -Werror "$tmp/host.c" -o "$tmp/host" $flags -Wl,-rpath,"$libdir" || fail "build against libshm.pc"
echo "ok 3 - a program builds from libshm.pc: $flags"

# sanitizer builds: uninstrumented programs must load the sanitizer runtimes first
if [ -n "${PODSHM_PRELOAD:-}" ]; then
        export LD_PRELOAD=$PODSHM_PRELOAD ASAN_OPTIONS=detect_leaks=0
fi
"$tmp/host" "$name" >"$tmp/host.out" &
hostpid=$!
i=0
until [ -s "$tmp/host.out" ] || [ $i -ge 100 ]; do
        sleep 0.05
        i=$((i + 1))
done
env -u PODSHM_LIB PYTHONPATH="$(dirname "$pkg")" "$python" -c "
import podshm
assert podshm._load()._name.startswith('$tmp/p/'), podshm._load()._name
with podshm.Channel.open('$name', side=podshm.WORKER) as ch:
    assert ch.recv(timeout=10) == b'hello'
    ch.send(b'world')
print('python found', podshm._load()._name)
" || fail "python worker with the installed package"
wait $hostpid || fail "C host"
echo "ok 4 - the C host and the installed Python package talk (library found without PODSHM_LIB)"

pkg-config --modversion libshm | grep -q . || fail "version"
echo "ok 5 - libshm $(pkg-config --modversion libshm)"
