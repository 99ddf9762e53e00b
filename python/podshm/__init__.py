# SPDX-License-Identifier: MIT
"""podshm: a podtrace shared-memory channel, from Python (ctypes over libshm.so).

In a worker started by ``podtrace run --ipc=NAME``::

    import podshm
    with podshm.connect() as ch:          # the fd named by $PODSHM_FD
        ch.send(b"hello")
        reply = ch.recv(timeout=1.0)

On the host side::

    ch = podshm.Channel.open("NAME")      # or Channel.create("NAME", size)

Messages are bytes, delivered whole and in order. Timeouts are in seconds: ``None`` waits
forever, ``0`` does not wait at all. Errors are exceptions:

- ``TimeoutError``: nothing arrived (or no room) within the timeout
- ``BlockingIOError``: the same, with ``timeout=0``
- ``ChannelClosed`` (a ``BrokenPipeError``): the peer closed its end or died
- ``ChannelCorrupt`` (a ``ValueError``): the shared state is inconsistent; close the channel
- ``MessageTooLarge`` (a ``ValueError``): a message longer than ``max_message``
- ``OSError`` for anything else (e.g. ``FileNotFoundError`` for an unknown name)

The library is ``$PODSHM_LIB`` if set, else the one installed with this package, else
``libshm.so.0`` from the dynamic loader's search path. A channel may be used by one sending
and one receiving thread at a time; calls are serialised per direction.
"""

import ctypes
import errno
import math
import os
import threading
import time

__all__ = [
    "Channel",
    "ChannelClosed",
    "ChannelCorrupt",
    "MessageTooLarge",
    "connect",
    "unlink",
    "HOST",
    "WORKER",
    "ENV_FD",
    "ENV_LIB",
]

HOST = 0
WORKER = 1
ENV_FD = "PODSHM_FD"
ENV_LIB = "PODSHM_LIB"

# enum pt_shm_peer
PEER_NONE, PEER_ATTACHED, PEER_CLOSED, PEER_DEAD = 0, 1, 2, 3
_PEER_NAMES = {PEER_NONE: "none", PEER_ATTACHED: "attached", PEER_CLOSED: "closed", PEER_DEAD: "dead"}


class ChannelClosed(BrokenPipeError):
    """The peer closed its end of the channel, or died."""


class ChannelCorrupt(ValueError):
    """The shared memory does not hold a consistent channel (corrupt, hostile, or another version)."""

    def __init__(self, err, message):
        super().__init__(message)
        self.errno = err


class MessageTooLarge(ValueError):
    """A message is longer than the ring can ever hold."""


class _Stats(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_uint64)
        for name in (
            "sent",
            "received",
            "bytes_sent",
            "bytes_received",
            "spin_waits",
            "futex_waits",
            "futex_wakes",
            "late_wakeups",
        )
    ]


_lib = None
_lib_lock = threading.Lock()


def _candidates():
    env = os.environ.get(ENV_LIB)
    if env:
        return [env]  # an explicit choice: do not fall back to another copy
    paths = []
    try:
        from . import _paths  # written at install time

        paths += _paths.LIBRARIES
    except ImportError:
        pass
    paths += ["libshm.so.0", "libshm.so"]
    return paths


def _load():
    global _lib
    with _lib_lock:
        if _lib is not None:
            return _lib
        errors = []
        for path in _candidates():
            try:
                lib = ctypes.CDLL(path)
                break
            except OSError as e:
                errors.append(str(e))
        else:
            raise OSError(errno.ENOENT, "podshm: cannot load libshm (set %s): %s" % (ENV_LIB, "; ".join(errors)))
        vp, c_int, c_size_t = ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t
        pp = ctypes.POINTER(ctypes.c_void_p)
        sig = {
            "pt_shm_create": (c_int, [ctypes.c_char_p, c_size_t, c_int, pp]),
            "pt_shm_open": (c_int, [ctypes.c_char_p, c_int, pp]),
            "pt_shm_open_fd": (c_int, [c_int, c_int, pp]),
            "pt_shm_unlink": (c_int, [ctypes.c_char_p]),
            "pt_shm_close": (None, [vp]),
            "pt_shm_send": (c_int, [vp, vp, c_size_t, c_int]),
            "pt_shm_recv": (ctypes.c_ssize_t, [vp, vp, c_size_t, c_int]),
            "pt_shm_max_message": (c_size_t, [vp]),
            "pt_shm_max_recv": (c_size_t, [vp]),
            "pt_shm_fd": (c_int, [vp]),
            "pt_shm_set_spin": (None, [vp, ctypes.c_uint]),
            "pt_shm_peer_state": (c_int, [vp]),
            "pt_shm_get_stats": (None, [vp, ctypes.POINTER(_Stats)]),
        }
        for name, (restype, argtypes) in sig.items():
            fn = getattr(lib, name)
            fn.restype = restype
            fn.argtypes = argtypes
        _lib = lib
        return lib


def _error(r, what):
    """The exception for a negative errno from libshm."""
    err = -r
    msg = "%s: %s" % (what, os.strerror(err))
    if err == errno.EPIPE:
        return ChannelClosed(err, "%s: the peer closed the channel or died" % what)
    if err in (errno.EPROTO, errno.EPROTONOSUPPORT):
        return ChannelCorrupt(err, "%s: corrupt or incompatible channel (%s)" % (what, os.strerror(err)))
    if err == errno.EMSGSIZE:
        return MessageTooLarge(msg)
    if err == errno.ETIMEDOUT:
        return TimeoutError(err, "%s: timed out" % what)
    return OSError(err, msg)


def _name(name):
    if isinstance(name, str):
        name = name.encode()
    if not isinstance(name, bytes):
        raise TypeError("a channel name is str or bytes")
    return name


def _deadline(timeout):
    if timeout is None:
        return None
    timeout = float(timeout)
    if timeout < 0 or math.isnan(timeout):
        raise ValueError("timeout must be None or >= 0")
    return timeout


def _timeout_ms(remaining):
    if remaining is None:
        return -1
    if remaining <= 0:
        return 0
    return min(max(1, math.ceil(remaining * 1000)), 2**31 - 1)


class Channel:
    """One side of a channel. Use ``create``, ``open``, ``from_fd`` or ``connect()``."""

    def __init__(self, handle, lib):
        # private: the classmethods make channels
        self._h = ctypes.c_void_p(handle)
        self._lib = lib
        self._send = lib.pt_shm_send
        self._recv = lib.pt_shm_recv
        self._send_lock = threading.Lock()
        self._recv_lock = threading.Lock()
        self.max_message = lib.pt_shm_max_message(self._h)
        self.max_recv = lib.pt_shm_max_recv(self._h)
        # a receive buffer for recv(): small at first, the largest message size if needed
        self._set_buf(min(self.max_recv, 65536))

    @classmethod
    def _make(cls, what, call):
        lib = _load()
        h = ctypes.c_void_p()
        r = call(lib, ctypes.byref(h))
        if r < 0:
            raise _error(r, what)
        return cls(h.value, lib)

    @classmethod
    def create(cls, name, size=0, side=HOST):
        """Create the named channel (/dev/shm/NAME, mode 0600; an error if it exists) with
        two rings of ``size`` bytes (a power of two from 4096 to 1 GiB; 0: 1 MiB)."""
        n = _name(name)
        return cls._make("create %r" % name, lambda lib, h: lib.pt_shm_create(n, size, side, h))

    @classmethod
    def open(cls, name, side=HOST):
        """Open an existing named channel."""
        n = _name(name)
        return cls._make("open %r" % name, lambda lib, h: lib.pt_shm_open(n, side, h))

    @classmethod
    def from_fd(cls, fd, side=WORKER):
        """Attach through a descriptor of the channel (duplicated; ``fd`` stays yours)."""
        fd = int(fd)
        return cls._make("fd %d" % fd, lambda lib, h: lib.pt_shm_open_fd(fd, side, h))

    @staticmethod
    def unlink(name):
        """Remove a channel's name; attached processes keep their mapping."""
        r = _load().pt_shm_unlink(_name(name))
        if r < 0:
            raise _error(r, "unlink %r" % name)

    def _handle(self):
        if self._h is None:
            raise ValueError("operation on a closed channel")
        return self._h

    # The calls below keep the common case short (one ctypes call under a lock): the
    # timeout is converted once, and only a signal (EINTR) or an error takes a slower path.

    def _retry(self, fn, args, ms, t0):
        """The library returned EINTR: a signal handler ran, and Python has run its own (an
        exception such as KeyboardInterrupt propagates from here). Retry with what is left
        of the timeout (PEP 475)."""
        while True:
            if ms > 0:
                left = ms - (time.monotonic() - t0) * 1000.0
                r = fn(*args, max(0, math.ceil(left)))
            else:
                r = fn(*args, ms)
            if r != -errno.EINTR:
                return r

    def _raise(self, what, r, ms):
        if r == -errno.EAGAIN:
            if ms != 0:  # the retry after a signal ran out of time
                raise TimeoutError(errno.ETIMEDOUT, "%s: timed out" % what)
            raise BlockingIOError(errno.EAGAIN, "%s: would block" % what)
        raise _error(r, what)

    def send(self, data, timeout=None):
        """Send one message (bytes-like). Waits up to ``timeout`` seconds for room."""
        keep = None
        if type(data) is bytes:
            ptr, n = data, len(data)
        else:
            view = memoryview(data).cast("B")
            n = view.nbytes
            if view.readonly:
                ptr = keep = bytes(view)
            elif n:
                keep = (ctypes.c_char * n).from_buffer(view)
                ptr = ctypes.addressof(keep)
            else:
                ptr = None
        if n > self.max_message:
            raise MessageTooLarge("send: %d bytes, at most %d fit" % (n, self.max_message))
        ms = -1 if timeout is None else _timeout_ms(_deadline(timeout))
        t0 = time.monotonic() if ms > 0 else 0.0
        with self._send_lock:
            h = self._h
            if h is None:
                raise ValueError("send on a closed channel")
            r = self._send(h, ptr, n, ms)
            if r == -errno.EINTR:
                r = self._retry(self._send, (h, ptr, n), ms, t0)
        del keep
        if r < 0:
            self._raise("send", r, ms)

    def recv(self, timeout=None):
        """Receive one message as bytes. Waits up to ``timeout`` seconds for one."""
        ms = -1 if timeout is None else _timeout_ms(_deadline(timeout))
        t0 = time.monotonic() if ms > 0 else 0.0
        with self._recv_lock:
            h = self._h
            if h is None:
                raise ValueError("recv on a closed channel")
            r = self._recv(h, self._buf_addr, self._buf_len, ms)
            if r == -errno.EINTR:
                r = self._retry(self._recv, (h, self._buf_addr, self._buf_len), ms, t0)
            if r == -errno.EMSGSIZE and self._buf_len < self.max_recv:
                # longer than the buffer so far: grow it to the largest possible, once
                self._set_buf(self.max_recv)
                r = self._recv(h, self._buf_addr, self._buf_len, 0)
            if r >= 0:
                return self._buf_view[:r].tobytes()
        self._raise("recv", r, ms)

    def recv_into(self, buffer, timeout=None):
        """Receive one message into a writable buffer; returns its length. A message longer
        than the buffer raises MessageTooLarge and stays queued."""
        view = memoryview(buffer).cast("B")
        if view.readonly:
            raise TypeError("recv_into needs a writable buffer")
        n = view.nbytes
        target = (ctypes.c_char * n).from_buffer(view) if n else None
        addr = ctypes.addressof(target) if n else None
        ms = -1 if timeout is None else _timeout_ms(_deadline(timeout))
        t0 = time.monotonic() if ms > 0 else 0.0
        with self._recv_lock:
            h = self._h
            if h is None:
                raise ValueError("recv on a closed channel")
            r = self._recv(h, addr, n, ms)
            if r == -errno.EINTR:
                r = self._retry(self._recv, (h, addr, n), ms, t0)
        del target
        if r < 0:
            self._raise("recv", r, ms)
        return r

    def _set_buf(self, size):
        self._buf = bytearray(max(1, size))
        self._buf_view = memoryview(self._buf)
        self._buf_addr = ctypes.addressof((ctypes.c_char * len(self._buf)).from_buffer(self._buf))
        self._buf_len = size

    def fileno(self):
        return self._lib.pt_shm_fd(self._handle())

    def set_spin(self, ns):
        """How long a wait spins (nanoseconds) before it sleeps; 0 sleeps at once."""
        self._lib.pt_shm_set_spin(self._handle(), int(ns))

    @property
    def peer(self):
        """The other side: "none" (not attached yet), "attached", "closed" or "dead"."""
        return _PEER_NAMES.get(self._lib.pt_shm_peer_state(self._handle()), "dead")

    def stats(self):
        """This handle's counters, as a dict."""
        s = _Stats()
        self._lib.pt_shm_get_stats(self._handle(), ctypes.byref(s))
        return {name: getattr(s, name) for name, _ in _Stats._fields_}

    @property
    def closed(self):
        return self._h is None

    def close(self):
        """Close this side; the peer's receives end with ChannelClosed. Waits for calls in
        progress in other threads."""
        with self._send_lock, self._recv_lock:
            h, self._h = self._h, None
            if h is not None:
                self._lib.pt_shm_close(h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            if self._h is not None:
                self._lib.pt_shm_close(self._h)
                self._h = None
        except Exception:
            pass

    def __repr__(self):
        state = "closed" if self._h is None else "fd=%d peer=%s" % (self.fileno(), self.peer)
        return "<podshm.Channel %s>" % state


def connect(fd=None, side=WORKER):
    """The worker's channel: attach through ``fd``, or the descriptor named by $PODSHM_FD."""
    if fd is None:
        value = os.environ.get(ENV_FD)
        if value is None:
            raise OSError(errno.ENOENT, "podshm.connect: %s is not set (run under podtrace --ipc=NAME)" % ENV_FD)
        try:
            fd = int(value, 10)
        except ValueError:
            raise ValueError("podshm.connect: %s=%r is not a descriptor number" % (ENV_FD, value)) from None
    return Channel.from_fd(fd, side)


def unlink(name):
    """Remove a channel's name (see Channel.unlink)."""
    Channel.unlink(name)
