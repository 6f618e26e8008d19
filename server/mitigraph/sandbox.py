"""The sandbox of every process that evaluates a user's SPARQL query: no network, no writes, a memory cap.

A public endpoint runs queries written by strangers in an engine we did not write. Oxigraph follows
`SERVICE` to the network, and an engine bug could do worse; refusing keywords by reading the query text
(`query_guard`) gives clear messages but cannot be complete. So the process that evaluates a query is
confined by the kernel, first thing, before it reads a query or starts a thread (`confine`):

- **No network.** The process moves into a new, empty network namespace (`unshare(CLONE_NEWNET)`; as a
  user without root, inside a new user namespace that maps only its own uid and gid). The namespace has
  only a loopback interface that is down: every connect fails with "network unreachable", whatever the
  address, including 127.0.0.1 and the host's other interfaces, and no name resolves. The pipe to the web
  worker was opened before and keeps working. This is the mechanism containers use, enforced by the kernel
  for every syscall, so it needs no list of what to block. Python 3.11 has no `os.unshare`, so libc's
  `unshare` is called through ctypes (one call, one flag); pyroute2, the maintained netlink library,
  manages named namespaces bind-mounted under /run/netns, which needs root and is more than a process
  leaving the network needs.
- **No writes.** Where the kernel has Landlock (Linux 5.13+), the process restricts itself from creating,
  writing, truncating, renaming or removing any file anywhere; reading stays allowed, which is all a
  read-only store needs. From Landlock ABI 4 the same ruleset also refuses every TCP connect and bind (a
  second lock on the network), and from ABI 6 it cannot reach abstract Unix sockets or signal processes
  outside the sandbox. Landlock is three syscalls and two structs, called through ctypes: the PyPI
  bindings are pre-1.0 development releases, not yet something to build a boundary on. Whatever the
  kernel, `RLIMIT_FSIZE` is 0 (a write to any regular file fails with EFBIG; SIGXFSZ is ignored so it
  fails instead of killing) and `RLIMIT_CORE` is 0 (no core dumps of query memory). The store itself is
  opened read-only. seccomp was not added: the maintained way to write filters from Python is libseccomp's
  own bindings, which are not on PyPI, and the namespace and Landlock already cover what a filter would.
- **A memory cap.** `RLIMIT_DATA` bounds the process's private writable memory (heap, anonymous maps,
  thread stacks). Past it an allocation fails, Oxigraph aborts the process (SIGABRT) and the query pool
  answers `QueryOutOfMemory` and starts another. `RLIMIT_AS` was measured and rejected: it counts address
  space the process only reserves (a query process reserves ~370 MB before its first query), so a cap of
  a few hundred MB stopped every query, while `RLIMIT_DATA` tracks what the process really uses (a cap of
  256 MiB stopped a query at 220 MB resident).

`check` runs `confine` in a throwaway process, so `mitigraph serve` learns at start whether the kernel
allows the sandbox (it refuses to start otherwise, unless `--unsandboxed`) without confining itself.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import resource
import signal
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, SpawnContext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mitigraph.settings import Settings

log = logging.getLogger(__name__)

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
PR_SET_NO_NEW_PRIVS = 38
SYS_LANDLOCK_CREATE_RULESET = 444
"""Landlock's syscall numbers are the same on every architecture Linux supports (444, 445, 446)."""
SYS_LANDLOCK_RESTRICT_SELF = 446
LANDLOCK_CREATE_RULESET_VERSION = 1

_WRITE_ACCESS_BY_ABI = {
    1: sum(1 << bit for bit in (1, 4, 5, 6, 7, 8, 9, 10, 11, 12)),
    2: 1 << 13,
    3: 1 << 14,
}
"""Landlock filesystem rights that change something, by the ABI that introduced them: write file, remove
dir/file, make char/dir/reg/sock/fifo/block/sym (1); refer, i.e. rename or link across dirs (2);
truncate (3). Read and execute rights are not handled, so they stay allowed."""
_TCP_BIND_AND_CONNECT = (1 << 0) | (1 << 1)
"""Landlock ABI 4: handling these with no rule refuses every TCP bind and connect."""
_SCOPE_ABSTRACT_UNIX_AND_SIGNAL = (1 << 0) | (1 << 1)
"""Landlock ABI 6: no abstract Unix sockets and no signals outside the sandbox."""
CHECK_TIMEOUT = 30.0
"""Seconds the start-up check waits for its throwaway process (it imports little and exits at once)."""


class SandboxUnavailable(Exception):
    """The kernel refuses the sandbox; the message says what failed and what the operator can do."""


class _LandlockRuleset(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


@dataclass(frozen=True)
class Confinement:
    """What confines a query process: which layers the kernel applied, and what it refused."""

    network_isolated: bool
    landlock_abi: int
    """0 when the kernel has no Landlock (writes are then limited by RLIMIT_FSIZE alone)."""
    memory_bytes: int
    refused: tuple[str, ...] = ()

    def describe(self) -> str:
        network = "own empty network namespace" if self.network_isolated else "NETWORK NOT ISOLATED"
        writes = (
            f"no writes (Landlock ABI {self.landlock_abi}, RLIMIT_FSIZE 0)"
            if self.landlock_abi
            else "no file growth (RLIMIT_FSIZE 0; this kernel has no Landlock)"
        )
        return f"{network}, {writes}, memory cap {format_bytes(self.memory_bytes)}"


def confine(*, memory_bytes: int, unsandboxed: bool = False) -> Confinement:
    """Confine this process for good; call it first thing, before any thread starts.

    Raises SandboxUnavailable when the kernel refuses the network namespace, unless `unsandboxed`, in which
    case the process goes on without it (and says so in the returned Confinement).
    """
    refused: list[str] = []
    try:
        _leave_the_network()
        network_isolated = True
    except SandboxUnavailable as error:
        if not unsandboxed:
            raise
        network_isolated = False
        refused.append(str(error))
    _forbid_file_growth()
    _cap_memory(memory_bytes)
    landlock_abi = _forbid_writes_with_landlock()
    return Confinement(
        network_isolated=network_isolated,
        landlock_abi=landlock_abi,
        memory_bytes=memory_bytes,
        refused=tuple(refused),
    )


def check(*, memory_bytes: int) -> Confinement:
    """Whether the kernel allows the sandbox, tried in a throwaway process; SandboxUnavailable if not.

    The process is forked when this one runs a single thread (as `serve` does when it starts: a few
    milliseconds), else spawned (a fresh interpreter: a few hundred, but safe beside other threads)."""
    context: ForkContext | SpawnContext = (
        multiprocessing.get_context("fork")
        if threading.active_count() == 1
        else multiprocessing.get_context("spawn")
    )
    parent_end, child_end = context.Pipe(duplex=False)
    probe = context.Process(
        target=_probe, args=(child_end, memory_bytes), name="mitigraph-sandbox-check", daemon=True
    )
    probe.start()
    child_end.close()
    try:
        if not parent_end.poll(CHECK_TIMEOUT):
            raise SandboxUnavailable(f"the sandbox check did not answer within {CHECK_TIMEOUT:g} s")
        status, payload = parent_end.recv()
    except EOFError as error:
        raise SandboxUnavailable("the sandbox check process ended without an answer") from error
    finally:
        probe.join(timeout=CHECK_TIMEOUT)
        if probe.is_alive():
            probe.kill()
            probe.join()
        parent_end.close()
    if status != "ok":
        raise SandboxUnavailable(str(payload))
    assert isinstance(payload, Confinement)
    return payload


def start_up_notice(settings: Settings) -> list[str]:
    """What `serve` tells the operator about the query processes' sandbox before it starts.

    Raises SandboxUnavailable, with the operator's choices, when the kernel refuses the sandbox and
    `--unsandboxed` was not given. With `--unsandboxed` the notice is a warning, on every start.
    """
    if settings.sparql_endpoint is not None:
        return [f"queries are evaluated by {settings.sparql_endpoint}, not by sandboxed local processes"]
    try:
        confinement = check(memory_bytes=settings.query_memory)
    except SandboxUnavailable as error:
        if not settings.unsandboxed:
            raise SandboxUnavailable(_refusal_advice(error)) from error
        return [_unsandboxed_warning(str(error))]
    lines = [f"query processes: {confinement.describe()}"]
    if settings.unsandboxed:
        lines.append(_unsandboxed_warning(None))
    return lines


def _unsandboxed_warning(refusal: str | None) -> str:
    if refusal is None:
        state = (
            "this kernel allows the sandbox, so query processes are sandboxed all the same; "
            "drop --unsandboxed"
        )
    else:
        state = (
            f"the kernel refuses the sandbox ({refusal}), so query processes run WITHOUT it: a query's "
            "SERVICE clause can reach any address this machine can reach"
        )
    return f"WARNING: --unsandboxed: {state}. NEVER serve untrusted clients like this."


def _refusal_advice(error: SandboxUnavailable) -> str:
    return (
        f"query processes cannot be sandboxed: {error}. Not serving: allow unprivileged user namespaces "
        "(sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone) or run as root; or pass "
        "--unsandboxed to serve without the sandbox, only where no untrusted client can reach the server"
    )


def format_bytes(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"


def _probe(connection: Connection, memory_bytes: int) -> None:
    try:
        connection.send(("ok", confine(memory_bytes=memory_bytes)))
    except SandboxUnavailable as error:
        connection.send(("refused", str(error)))


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _leave_the_network() -> None:
    """Move into a new, empty network namespace (inside a new user namespace when not root)."""
    libc = _libc()
    if os.geteuid() == 0 and libc.unshare(CLONE_NEWNET) == 0:
        return
    uid, gid = os.geteuid(), os.getegid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        code = ctypes.get_errno()
        raise SandboxUnavailable(f"unshare(CLONE_NEWUSER | CLONE_NEWNET) failed: {os.strerror(code)}")
    try:
        _write_proc("/proc/self/setgroups", "deny")
        _write_proc("/proc/self/uid_map", f"{uid} {uid} 1")
        _write_proc("/proc/self/gid_map", f"{gid} {gid} 1")
    except OSError as error:
        raise SandboxUnavailable(f"cannot map the user namespace's ids: {error}") from error


def _write_proc(path: str, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY)
    try:
        os.write(descriptor, text.encode("ascii"))
    finally:
        os.close(descriptor)


def _forbid_file_growth() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _cap_memory(memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))


def _forbid_writes_with_landlock() -> int:
    """Refuse every filesystem change (and TCP, and outside scopes, where the ABI has them); 0 if no Landlock.

    A kernel without Landlock, or one that refuses it, leaves RLIMIT_FSIZE as the only lock on writes.
    """
    libc = _libc()
    libc.syscall.restype = ctypes.c_long
    abi = libc.syscall(
        ctypes.c_long(SYS_LANDLOCK_CREATE_RULESET),
        ctypes.c_void_p(None),
        ctypes.c_long(0),
        ctypes.c_long(LANDLOCK_CREATE_RULESET_VERSION),
    )
    if abi < 1:
        log.warning("this kernel has no Landlock: query processes rely on RLIMIT_FSIZE to forbid writes")
        return 0
    ruleset = _LandlockRuleset(
        handled_access_fs=sum(access for level, access in _WRITE_ACCESS_BY_ABI.items() if level <= abi),
        handled_access_net=_TCP_BIND_AND_CONNECT if abi >= 4 else 0,
        scoped=_SCOPE_ABSTRACT_UNIX_AND_SIGNAL if abi >= 6 else 0,
    )
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    descriptor = libc.syscall(
        ctypes.c_long(SYS_LANDLOCK_CREATE_RULESET),
        ctypes.byref(ruleset),
        ctypes.c_long(size),
        ctypes.c_long(0),
    )
    if descriptor < 0:
        log.warning("Landlock refused a ruleset: %s", os.strerror(ctypes.get_errno()))
        return 0
    try:
        restricted = libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 and (
            libc.syscall(
                ctypes.c_long(SYS_LANDLOCK_RESTRICT_SELF), ctypes.c_long(descriptor), ctypes.c_long(0)
            )
            == 0
        )
    finally:
        os.close(descriptor)
    if not restricted:
        log.warning("Landlock refused to restrict the process: %s", os.strerror(ctypes.get_errno()))
        return 0
    return int(abi)
