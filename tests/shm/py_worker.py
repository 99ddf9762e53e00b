# SPDX-License-Identifier: MIT
"""The Python worker of test_shm_python: started as a plain child with the channel fd
inherited and PODSHM_FD set (as podtrace --ipc will), it checks every message the C host
sends (sequence number, CRC-32 of the payload) and answers each with a message of its own
random size and CRC, plus the CRC it computed of the host's payload.

Message layout (little-endian): u32 seq, u32 kind, u32 crc_of_payload, u32 echo_crc, payload.
kind 1: data; kind 2: end (the worker answers with its count and exits).
"""
import os
import random
import struct
import sys
import zlib

import podshm

HDR = struct.Struct("<IIII")


def main():
    rng = random.Random(int(os.environ.get("SEED", "1")))
    expected = 0
    with podshm.connect() as ch:
        limit = ch.max_message - HDR.size
        while True:
            msg = ch.recv(timeout=30)
            seq, kind, crc, _ = HDR.unpack_from(msg)
            if kind == 2:
                ch.send(HDR.pack(expected, 2, 0, 0), timeout=30)
                break
            payload = memoryview(msg)[HDR.size:]
            if seq != expected:
                sys.exit("py_worker: message %d arrived as %d" % (expected, seq))
            got = zlib.crc32(payload)
            if got != crc:
                sys.exit("py_worker: message %d: crc %08x, expected %08x" % (seq, got, crc))
            expected += 1
            n = rng.randrange(0, 3000) if rng.random() < 0.99 else rng.randrange(0, limit + 1)
            mine = rng.randbytes(n)
            ch.send(HDR.pack(seq, 1, zlib.crc32(mine), got) + mine, timeout=30)
        stats = ch.stats()
    print("py_worker: %d messages checked and answered; %s" % (expected, stats), file=sys.stderr)


if __name__ == "__main__":
    main()
