# SPDX-License-Identifier: MIT
# Line tables of every code object in a few stdlib modules and the tests' own shapes, with
# CPython's answer (co_lines), for check_linetables.c. Python 3.11 only (exit 77 otherwise).
import sys
import types

if sys.version_info[:2] != (3, 11):
    print("SKIP: this is Python %d.%d, the decoder is for 3.11" % sys.version_info[:2], file=sys.stderr)
    sys.exit(77)

import argparse, asyncio.base_events, dataclasses, email.message, json.decoder, threading  # noqa: E401

SRC = '''
def f(a,
      b):
    x = [i for i in range(a)
         if i % b]
    try:
        return open("/x")
    except OSError:
        pass
    ''' + "\n" * 300 + '''
    return x  # a long jump in lines
'''


def codes(co):
    yield co
    for c in co.co_consts:
        if isinstance(c, types.CodeType):
            yield from codes(c)


def objects():
    yield compile(SRC, "<test>", "exec")
    for m in (argparse, asyncio.base_events, dataclasses, email.message, json.decoder, threading):
        yield compile(open(m.__file__).read(), m.__file__, "exec")


for top in objects():
    for co in codes(top):
        ranges = " ".join("%d:%d:%d" % (s, e, -1 if l is None else l) for s, e, l in co.co_lines())
        print(co.co_firstlineno, co.co_linetable.hex() or "-", ranges)
