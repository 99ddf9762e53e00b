# SPDX-License-Identifier: MIT
"""The podshm binding: its API and its exceptions (run by ctest with PODSHM_LIB and
PYTHONPATH pointing into the build and source trees)."""
import errno
import mmap
import os
import struct
import subprocess
import sys
import threading
import time
import unittest

import podshm


def name(what):
    return "/podshm-pytest-%s-%d" % (what, os.getpid())


class Pair:
    def __init__(self, what, size=4096):
        self.name = name(what)
        self.host = podshm.Channel.create(self.name, size)
        self.worker = podshm.Channel.open(self.name, side=podshm.WORKER)

    def close(self):
        self.host.close()
        self.worker.close()
        podshm.unlink(self.name)


class TestChannel(unittest.TestCase):
    def test_round_trip(self):
        p = Pair("rt")
        try:
            p.host.send(b"ping")
            self.assertEqual(p.worker.recv(timeout=1), b"ping")
            p.worker.send(bytearray(b"pong"))
            self.assertEqual(p.host.recv(), b"pong")
            p.host.send(memoryview(b"xxview")[2:])
            self.assertEqual(p.worker.recv(0), b"view")
            p.host.send(b"")
            self.assertEqual(p.worker.recv(0), b"")
            arr = __import__("array").array("I", [1, 2, 3])
            p.host.send(arr)
            self.assertEqual(p.worker.recv(0), arr.tobytes())
            self.assertEqual(p.host.max_message, 4096 - 8)
            self.assertEqual(p.host.peer, "attached")
            self.assertEqual(p.host.stats()["sent"], 4)
            self.assertIn("peer=attached", repr(p.host))
        finally:
            p.close()

    def test_recv_into(self):
        p = Pair("into")
        try:
            p.host.send(b"0123456789")
            buf = bytearray(4)
            with self.assertRaises(podshm.MessageTooLarge):
                p.worker.recv_into(buf, timeout=0)
            buf = bytearray(16)
            self.assertEqual(p.worker.recv_into(buf, timeout=0), 10)
            self.assertEqual(bytes(buf[:10]), b"0123456789")
            with self.assertRaises(TypeError):
                p.worker.recv_into(b"readonly")
        finally:
            p.close()

    def test_large_messages_grow_the_buffer(self):
        p = Pair("large", 1 << 20)
        try:
            big = os.urandom((1 << 20) - 8)
            p.host.send(big)
            self.assertEqual(p.worker.recv(), big)
            small = b"s" * 10
            p.host.send(small)
            self.assertEqual(p.worker.recv(), small)
        finally:
            p.close()

    def test_timeouts(self):
        p = Pair("timeout")
        try:
            with self.assertRaises(BlockingIOError):
                p.host.recv(timeout=0)
            t0 = time.monotonic()
            with self.assertRaises(TimeoutError):
                p.host.recv(timeout=0.1)
            self.assertGreaterEqual(time.monotonic() - t0, 0.1)
            with self.assertRaises(ValueError):
                p.host.recv(timeout=-1)
            while True:
                try:
                    p.host.send(b"x" * 100, timeout=0)
                except BlockingIOError:
                    break
            with self.assertRaises(TimeoutError):
                p.host.send(b"x" * 100, timeout=0.05)
        finally:
            p.close()

    def test_too_large(self):
        p = Pair("big")
        try:
            with self.assertRaises(podshm.MessageTooLarge) as cm:
                p.host.send(b"x" * 4089)
            self.assertIsInstance(cm.exception, ValueError)
            p.host.send(b"x" * 4088, timeout=0)
        finally:
            p.close()

    def test_closed_peer(self):
        p = Pair("closed")
        try:
            p.worker.send(b"last")
            p.worker.close()
            self.assertEqual(p.host.recv(), b"last")
            with self.assertRaises(BrokenPipeError):
                p.host.recv()
            with self.assertRaises(podshm.ChannelClosed):
                p.host.send(b"x")
            self.assertEqual(p.host.peer, "closed")
            with self.assertRaises(ValueError):
                p.worker.recv()
            self.assertTrue(p.worker.closed)
        finally:
            p.close()

    def test_dead_peer(self):
        n = name("dead")
        with podshm.Channel.create(n, 4096) as host:
            code = (
                "import os, podshm\n"
                "ch = podshm.Channel.open(%r, side=podshm.WORKER)\n"
                "ch.send(b'bye')\n"
                "os._exit(0)\n" % n
            )
            subprocess.run([sys.executable, "-c", code], check=True)
            self.assertEqual(host.recv(timeout=5), b"bye")
            t0 = time.monotonic()
            with self.assertRaises(BrokenPipeError):
                host.recv(timeout=5)
            self.assertLess(time.monotonic() - t0, 1.0)
            self.assertEqual(host.peer, "dead")
        podshm.unlink(n)

    def test_context_manager_and_unlink(self):
        n = name("ctx")
        with podshm.Channel.create(n, 8192) as ch:
            self.assertFalse(ch.closed)
            self.assertTrue(os.path.exists("/dev/shm" + n))
            with self.assertRaises(FileExistsError):
                podshm.Channel.create(n, 8192)
            with self.assertRaises(OSError) as cm:
                podshm.Channel.open(n)  # the host side is taken
            self.assertEqual(cm.exception.errno, errno.EBUSY)
        self.assertTrue(ch.closed)
        podshm.unlink(n)
        with self.assertRaises(FileNotFoundError):
            podshm.Channel.open(n)
        with self.assertRaises(FileNotFoundError):
            podshm.unlink(n)
        with self.assertRaises(OSError):
            podshm.Channel.create("a/b")
        with self.assertRaises(OSError):
            podshm.Channel.create(n, 1000)

    def test_corrupt(self):
        n = name("corrupt")
        podshm.Channel.create(n, 4096).close()
        fd = os.open("/dev/shm" + n, os.O_RDWR)
        try:
            os.pwrite(fd, b"XXXX", 0)
            with self.assertRaises(podshm.ChannelCorrupt) as cm:
                podshm.Channel.open(n)
            self.assertIsInstance(cm.exception, ValueError)
            self.assertEqual(cm.exception.errno, errno.EPROTO)
            os.pwrite(fd, struct.pack("<I", 0x4D485354), 0)
            os.pwrite(fd, struct.pack("<I", 99), 4)
            with self.assertRaises(podshm.ChannelCorrupt) as cm:
                podshm.Channel.open(n)
            self.assertEqual(cm.exception.errno, errno.EPROTONOSUPPORT)
            os.pwrite(fd, struct.pack("<I", 1), 4)
            # a working pair, then the worker's head runs past the ring
            p_host = podshm.Channel.open(n)
            p_worker = podshm.Channel.open(n, side=podshm.WORKER)
            p_worker.send(b"ok")
            self.assertEqual(p_host.recv(0), b"ok")
            m = mmap.mmap(fd, 4096)
            ring1_head = 64 + 2 * 64 + 128  # offsetof(hdr, ring[1].head)
            m[ring1_head:ring1_head + 4] = struct.pack("<I", 1 << 20)
            with self.assertRaises(podshm.ChannelCorrupt):
                p_host.recv(timeout=1)
            with self.assertRaises(ValueError):
                p_host.send(b"x")  # stays broken
            m.close()
            p_host.close()
            p_worker.close()
        finally:
            os.close(fd)
            podshm.unlink(n)

    def test_connect(self):
        n = name("connect")
        with podshm.Channel.create(n, 4096) as host:
            fd = os.open("/dev/shm" + n, os.O_RDWR)
            old = os.environ.pop("PODSHM_FD", None)
            try:
                with self.assertRaises(OSError):
                    podshm.connect()
                os.environ["PODSHM_FD"] = "nope"
                with self.assertRaises(ValueError):
                    podshm.connect()
                os.environ["PODSHM_FD"] = str(fd)
                with podshm.connect() as ch:
                    ch.send(b"from worker")
                    self.assertEqual(host.recv(1), b"from worker")
                    self.assertNotEqual(ch.fileno(), fd)
            finally:
                os.environ.pop("PODSHM_FD", None)
                if old is not None:
                    os.environ["PODSHM_FD"] = old
                os.close(fd)
        podshm.unlink(n)

    def test_threads(self):
        p = Pair("threads", 8192)
        count = 20000
        try:
            def echo():
                for _ in range(count):
                    p.worker.send(p.worker.recv(timeout=10), timeout=10)

            t = threading.Thread(target=echo)
            t.start()
            got = []

            def reader():
                for _ in range(count):
                    got.append(p.host.recv(timeout=10))

            r = threading.Thread(target=reader)
            r.start()
            for i in range(count):
                p.host.send(struct.pack("<I", i) * (i % 50), timeout=10)
            r.join()
            t.join()
            self.assertEqual(len(got), count)
            for i, m in enumerate(got):
                self.assertEqual(m, struct.pack("<I", i) * (i % 50))
        finally:
            p.close()

    def test_library_path(self):
        env = dict(os.environ, PODSHM_LIB="/nonexistent/libshm.so")
        r = subprocess.run(
            [sys.executable, "-c", "import podshm; podshm.Channel.open('x')"],
            env=env,
            capture_output=True,
            text=True,
        )
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("PODSHM_LIB", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
