"""The kernel's barrier around a query worker: no network, bounded memory.

pyoxigraph runs SERVICE calls and has no switch to turn them off, so a query worker
confines itself before it opens any data: a seccomp filter (libseccomp, through ctypes)
makes `socket()` fail with EACCES for every address family but AF_UNIX (the pool talks
to its workers over a Unix socket pair made before the worker starts) and refuses
`io_uring_setup` (io_uring can open sockets without the `socket` system call). Syscalls
of any other ABI (i386 `socketcall`) kill the process: libseccomp's default for a
foreign architecture. The filter is inherited and cannot be removed: whatever the
worker parses or runs afterwards, it can open no TCP, UDP, raw or netlink socket.

Memory: RLIMIT_DATA caps the worker's heap and private mappings, so a query that
allocates past it fails (Rust aborts the worker, Python raises MemoryError).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import resource
import socket
import sys

_ALLOW = 0x7FFF0000  # SCMP_ACT_ALLOW
_ERRNO = 0x00050000  # SCMP_ACT_ERRNO(code): the syscall returns -code
_CMP_NE = 1  # SCMP_CMP_NE
_PR_GET_SECCOMP = 21
REFUSED_ERRNO = errno.EACCES
"""What a refused `socket()` fails with in a worker ("Permission denied")."""


class SandboxUnavailable(RuntimeError):
    """This platform cannot confine a worker: no Linux seccomp or no libseccomp."""


class _ArgCmp(ctypes.Structure):
    _fields_ = [
        ("arg", ctypes.c_uint),
        ("op", ctypes.c_int),
        ("datum_a", ctypes.c_uint64),
        ("datum_b", ctypes.c_uint64),
    ]


def _libseccomp() -> ctypes.CDLL:
    if sys.platform != "linux":
        raise SandboxUnavailable(f"seccomp is a Linux facility; this is {sys.platform}")
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    try:
        lib = ctypes.CDLL(name, use_errno=True)
    except OSError as exc:
        raise SandboxUnavailable(f"libseccomp cannot be loaded ({exc}); install libseccomp2") from None
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    lib.seccomp_load.argtypes = [ctypes.c_void_p]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.argtypes = [
        ctypes.c_void_p,
        ctypes.c_uint32,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.POINTER(_ArgCmp),
    ]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_GET_SECCOMP, 0, 0, 0, 0) < 0:
        raise SandboxUnavailable("this kernel has no seccomp filter support")
    return lib


def unavailable_reason() -> str | None:
    """Why workers cannot be confined here, or None when they can (checked without
    confining the calling process)."""
    try:
        _libseccomp()
    except SandboxUnavailable as exc:
        return str(exc)
    return None


def confine_network() -> None:
    """Install the filter in this process for good; `SandboxUnavailable` when impossible."""
    lib = _libseccomp()
    context = lib.seccomp_init(_ALLOW)
    if not context:
        raise SandboxUnavailable("seccomp_init failed")
    refuse = _ERRNO | REFUSED_ERRNO
    try:
        not_unix = (_ArgCmp * 1)(_ArgCmp(0, _CMP_NE, socket.AF_UNIX, 0))
        _check(lib.seccomp_rule_add_array(context, refuse, _syscall(lib, "socket"), 1, not_unix), "socket rule")
        io_uring = lib.seccomp_syscall_resolve_name(b"io_uring_setup")
        if io_uring >= 0:
            _check(lib.seccomp_rule_add_array(context, refuse, io_uring, 0, None), "io_uring rule")
        _check(lib.seccomp_load(context), "seccomp_load")  # also sets no_new_privs
    finally:
        lib.seccomp_release(context)


def _syscall(lib: ctypes.CDLL, name: str) -> int:
    number = lib.seccomp_syscall_resolve_name(name.encode())
    if number < 0:
        raise SandboxUnavailable(f"libseccomp does not know the {name} system call")
    return number


def _check(result: int, what: str) -> None:
    if result != 0:
        raise SandboxUnavailable(f"{what} failed: {errno.errorcode.get(-result, result)}")


def limit_memory(max_bytes: int) -> None:
    """Cap this process's data segment (heap and private writable mappings)."""
    resource.setrlimit(resource.RLIMIT_DATA, (max_bytes, max_bytes))
