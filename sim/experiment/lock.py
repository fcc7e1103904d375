"""The sweep folder's writer lock: one writer per run, and no lock outlives its sweep.

A sweep takes ``<folder>/.lock`` with ``flock`` while it writes (exclusively; a shard takes
it shared, plus its own ``.lock-<shard>`` exclusively). The kernel releases a ``flock`` when
every file descriptor of it is closed, so a process killed by SIGKILL releases it, but a child
forked while the lock was held (a worker process started to replace a dead one) holds it too.
Workers die with their parent (:func:`sim.experiment.executors.die_with_parent`); should one
survive anyway, the lock file names the processes that took the lock (pid and start time, one
line each), and a lock held while none of them is alive is held only by orphans of a dead
sweep: it is replaced by a fresh lock file (a new inode), which the orphans do not hold. They
write nothing into the folder (only the parent writes), so the resume is safe.

Taking or replacing the lock happens under a short-lived guard lock (``.lock-guard``), so two
resumes racing to replace a stale lock cannot both win.
"""

from __future__ import annotations

import os
import socket
from contextlib import contextmanager
from pathlib import Path

from sim.errors import UsageError

LOCK = ".lock"
GUARD = ".lock-guard"


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux; ``""`` elsewhere).

    ``None`` if there is no such process.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:  # no /proc (not Linux): fall back to a signal-0 probe
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return ""
    return stat.rsplit(")", 1)[1].split()[19]  # field 22 of proc(5), after the command name


def _identity() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()} {pid} {_start_time(pid) or '-'}"


def _alive(line: str) -> bool:
    """Whether the process named by a lock-file line (``host pid start``) may still run.

    A process on another machine (a shared file system) counts as alive: it cannot be checked.
    """
    parts = line.split()
    if len(parts) != 3:
        return False
    host, pid, started = parts
    if host != socket.gethostname():
        return True
    try:
        now = _start_time(int(pid))
    except ValueError:
        return False
    if now is None:
        return False
    return started in ("-", now) or now == ""  # another start time: the pid was reused


def holders_alive(path: Path) -> bool:
    """Whether any process that took the lock file at ``path`` may still be running."""
    try:
        lines = Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return True  # cannot tell: assume a live writer
    return any(_alive(line) for line in lines)


def _try_lock(fh, exclusive: bool) -> bool:
    import fcntl

    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    try:
        fcntl.flock(fh, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _sign(fh, exclusive: bool) -> None:
    """Record this process in the lock file it holds (alone if it holds it exclusively)."""
    if exclusive:
        os.ftruncate(fh.fileno(), 0)
    os.write(fh.fileno(), f"{_identity()}\n".encode())


def _take(path: Path, exclusive: bool, busy: str, handles: list):
    """Open and lock ``path``; replace it if only orphans hold it; else raise ``busy``."""
    fh = open(path, "a+")
    handles.append(fh)
    if _try_lock(fh, exclusive):
        _sign(fh, exclusive)
        return fh
    if holders_alive(path):
        raise UsageError(busy)
    # held only by processes that did not take it (orphaned workers of a dead sweep)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.new")
    fresh = open(tmp, "w+")
    handles.append(fresh)
    _try_lock(fresh, exclusive)  # a new inode nobody else has opened: always succeeds
    _sign(fresh, exclusive)
    os.replace(tmp, path)
    return fresh


@contextmanager
def writer_lock(folder: Path, shard_tag: str | None = None):
    """Hold the folder's writer lock while a sweep writes into it.

    An unsharded sweep takes the folder's lock exclusively; a shard shares it with other
    shards and takes its own lock exclusively, so two writers never run the same runs. A lock
    held only by orphans of a dead sweep does not block (see the module docstring).

    Raises:
        UsageError: another sweep is writing the same runs into ``folder``.

    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no flock (Windows): no protection
        yield
        return
    folder = Path(folder)
    handles: list = []
    try:
        with open(folder / GUARD, "a+") as guard:
            fcntl.flock(guard, fcntl.LOCK_EX)  # held for milliseconds, never while running
            _take(folder / LOCK, shard_tag is None,
                  f"{folder}: another sweep is writing into this folder; wait for it or stop "
                  "it first", handles)
            if shard_tag is not None:
                _take(folder / f"{LOCK}-{shard_tag}", True,
                      f"{folder}: shard {shard_tag} is already running into this folder",
                      handles)
        yield
    finally:
        for fh in handles:
            fh.close()
