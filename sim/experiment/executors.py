"""Executors: where batches run. Serial (in-process), a local process pool, or Dask.

Each executor has one method, :meth:`imap_unordered`, that pulls batches from an iterator as
slots free up (at most ``slots`` in flight, so the parent never holds more than a few
batches) and yields ``(batch, result_or_exception)`` in completion order. The sweep does
not depend on that order: every row carries its run id and seed.
"""

from __future__ import annotations

import concurrent.futures as cf
import importlib
import logging
import multiprocessing
import os
import threading
from typing import Any, Callable, Iterator

from sim.errors import IeisimError, UsageError
from sim.startup import collector_paused, end_start_up, frozen_for_fork

IN_FLIGHT_PER_WORKER = 2
"""Batches queued per worker, so a worker never waits for the parent between batches."""
DASK_CONNECT_TIMEOUT = "20s"
"""How long to wait for a Dask scheduler before giving up."""
DASK_PROTOCOLS = ("tcp://", "tls://", "ucx://", "ws://", "wss://", "inproc://")


COOPERATION_MODULES = ("sim.experiment.worker", "sim.experiment.models", "sim.run", "sim.model")
"""What a worker imports to run the cooperation model (preloaded before the first batch)."""


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class SerialExecutor:
    """Runs batches one after the other in this process (``--workers 1``; for debugging)."""

    slots = 1
    workers = 1
    description = "serial, in-process"

    def imap_unordered(self, fn: Callable, batches: Iterator) -> Iterator[tuple[Any, Any]]:
        """Yield ``(batch, fn(batch))``; an exception is yielded, not raised."""
        for batch in batches:
            try:
                yield batch, fn(batch)
            except Exception as exc:  # noqa: BLE001 - reported as failed runs
                yield batch, exc

    def close(self) -> None:
        """Nothing to release."""


def start_method() -> str:
    """``fork`` when safe, else ``forkserver`` or ``spawn``.

    Safe: this process runs a single Python thread on a platform that has ``fork`` (workers
    start at once, modules already imported).
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


PR_SET_PDEATHSIG = 1
"""Linux ``prctl`` option: the signal a process receives when its parent thread exits."""
PARENT_WATCH_SECONDS = 1.0
"""Where no parent-death signal exists: how often a worker checks that its sweep still runs."""


def _parent_death_signal() -> bool:
    """Ask the kernel to SIGKILL this process when its parent exits (Linux).

    Returns ``False`` where the platform has no such request.
    """
    import ctypes
    import ctypes.util
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _sweep_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - a pid reused by another user's process
        return True
    return True


def _watch_parent(pid: int) -> None:  # pragma: no cover - platforms without prctl
    import time

    while _sweep_alive(pid):
        time.sleep(PARENT_WATCH_SECONDS)
    os._exit(1)


def die_with_parent(sweep_pid: int) -> None:
    """Worker initializer: end this worker when the sweep process that started it ends.

    On Linux the kernel sends SIGKILL when the worker's parent exits (``prctl
    PR_SET_PDEATHSIG``; with ``forkserver`` the parent is the fork server, which exits with
    the sweep). Elsewhere a daemon thread polls the sweep's pid. Either way a ``kill -9`` of
    the sweep leaves no worker behind to compute for nobody (or hold the folder's lock).
    """
    import signal

    # a worker forked inside the CLI inherits its SIGTERM handler (stop like Ctrl-C); the pool
    # ends a worker with SIGTERM (e.g. after another worker died), so it must simply exit
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    armed = _parent_death_signal()
    if not _sweep_alive(sweep_pid):  # the sweep died before the signal was armed
        os._exit(1)
    if not armed:  # pragma: no cover - not Linux
        threading.Thread(target=_watch_parent, args=(sweep_pid,), daemon=True).start()


def start_worker(sweep_pid: int) -> None:
    """Worker initializer: resume garbage collection, then end with the sweep.

    A worker forked during the sweep's start-up inherits its paused collector
    (:func:`sim.startup.end_start_up`); :func:`die_with_parent` ends it with the sweep.
    """
    end_start_up()
    die_with_parent(sweep_pid)


class ProcessExecutor:
    """A pool of local worker processes.

    With ``fork`` every worker is started when the pool is created, before the progress
    bar's thread exists, from this process once it has imported ``preload`` (with the
    garbage collector paused, its objects then frozen: :mod:`sim.startup`); with
    ``forkserver`` workers fork from a server that has imported ``preload`` once.
    """

    def __init__(self, workers: int, preload: tuple[str, ...] = ()):
        self.workers = workers
        self.slots = workers * IN_FLIGHT_PER_WORKER
        self.method = start_method()
        self.description = f"{workers} worker processes"
        self._ctx = multiprocessing.get_context(self.method)
        self._preload = tuple(preload)
        if self.method == "forkserver" and preload:
            self._ctx.set_forkserver_preload(list(preload))
        self._pool = self._new_pool()

    def _new_pool(self) -> cf.ProcessPoolExecutor:
        if self.method == "fork":
            with collector_paused():  # workers inherit the modules instead of importing them
                for module in self._preload:
                    importlib.import_module(module)
        pool = cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=self._ctx,
                                      initializer=start_worker, initargs=(os.getpid(),))
        if self.method == "fork":
            with frozen_for_fork():  # the workers' collections skip what they inherit
                pool.submit(int).result()  # with fork, the first submit starts every worker
        return pool

    def _submit(self, fn: Callable, batch: Any) -> cf.Future:
        try:
            return self._pool.submit(fn, batch)
        except cf.process.BrokenProcessPool:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
            try:
                return self._pool.submit(fn, batch)
            except cf.process.BrokenProcessPool as exc:
                raise IeisimError(f"worker processes cannot start: {exc}") from None

    def imap_unordered(self, fn: Callable, batches: Iterator) -> Iterator[tuple[Any, Any]]:
        """Yield ``(batch, result)`` as batches finish.

        A dead worker yields an exception for each batch in flight and the pool is replaced.
        """
        pending: dict[cf.Future, Any] = {}
        source = iter(batches)
        exhausted = False
        while True:
            while not exhausted and len(pending) < self.slots:
                batch = next(source, None)
                if batch is None:
                    exhausted = True
                    break
                pending[self._submit(fn, batch)] = batch
            if not pending:
                return
            done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            broken = False
            for fut in done:
                batch = pending.pop(fut)
                try:
                    yield batch, fut.result()
                except cf.process.BrokenProcessPool as exc:
                    broken = True
                    yield batch, exc
                except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable result
                    yield batch, exc
            if broken:
                for batch in list(pending.values()):
                    yield batch, IeisimError("worker process died")
                pending.clear()
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()

    def close(self) -> None:
        """Stop the workers (pending batches are cancelled)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def import_modules(modules: tuple[str, ...]) -> None:
    """Import ``modules`` (run on every Dask worker to preload the model)."""
    for module in modules:
        importlib.import_module(module)


LOCAL_CLUSTER_CONFIG = {"distributed.worker.profile.enabled": False}
"""Dask configuration of the LocalCluster a sweep starts. Dask's statistical profiler samples
every worker thread's stack every 10 ms; off, a status-quo run inside a worker took 98.8 ms
of compute instead of 104.9 (240 runs, 2 workers; 92 ms in a process pool)."""


def start_forkserver(preload: tuple[str, ...]) -> bool:
    """Start the fork server a LocalCluster's workers fork from; it imports ``preload`` once.

    Dask spawns LocalCluster workers by default: each imports Dask, the model and Mesa
    itself (about 1 s of a 2-worker cluster's start-up here). Forked from a server that has
    imported them, they start with everything loaded. The command line starts the server
    first thing (:func:`sim.experiment.cli.sweep`), so it imports the model on another core
    while the sweep's own process imports and plans; a later call finds it running. Returns
    whether this platform has a fork server.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(["distributed", *preload])
    forkserver.ensure_running()
    return True


class DaskExecutor:
    """Batches on a Dask distributed cluster: an existing scheduler or a LocalCluster."""

    def __init__(self, scheduler: str, workers: int, processes: bool = True,
                 preload: tuple[str, ...] = ()):
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise UsageError(f"--scheduler needs dask.distributed: {exc}") from None
        self._cluster = None
        if scheduler == "local":
            import dask

            config = dict(LOCAL_CLUSTER_CONFIG)
            if processes and start_forkserver(preload):
                config["distributed.worker.multiprocessing-method"] = "forkserver"
            with dask.config.set(config):  # the workers' configuration
                self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                             processes=processes, dashboard_address=None,
                                             silence_logs=logging.ERROR)
            self._client = Client(self._cluster)
            self.description = (f"Dask LocalCluster, {workers} "
                                f"{'processes' if processes else 'threads'}")
        else:
            try:
                self._client = Client(scheduler, timeout=DASK_CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise IeisimError(f"cannot connect to the Dask scheduler at {scheduler}: "
                                  f"{exc}") from None
            self.description = f"Dask scheduler {scheduler}"
        if preload:  # every worker imports the model once, before the first batch arrives
            self._client.run(import_modules, tuple(preload))
        nthreads = sum(self._client.nthreads().values()) or workers
        self.workers = nthreads
        self.slots = max(1, nthreads) * IN_FLIGHT_PER_WORKER

    def imap_unordered(self, fn: Callable, batches: Iterator) -> Iterator[tuple[Any, Any]]:
        """Yield ``(batch, result)`` as Dask tasks finish (a failed task yields its error)."""
        from distributed import as_completed

        source = iter(batches)
        futures = {}
        stream = as_completed()
        for batch in source:
            fut = self._client.submit(fn, batch, pure=False)
            futures[fut.key] = batch
            stream.add(fut)
            if len(futures) >= self.slots:
                break
        for fut in stream:
            batch = futures.pop(fut.key)
            try:
                yield batch, fut.result()
            except Exception as exc:  # noqa: BLE001 - reported as failed runs
                yield batch, exc
            fut.release()
            nxt = next(source, None)
            if nxt is not None:
                new = self._client.submit(fn, nxt, pure=False)
                futures[new.key] = nxt
                stream.add(new)

    def close(self) -> None:
        """Disconnect (and stop the LocalCluster if this executor started it)."""
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def check_scheduler(scheduler: str | None) -> None:
    """Validate ``--scheduler`` (``local`` or an address such as ``tcp://host:8786``)."""
    if scheduler is None or scheduler == "local":
        return
    if not scheduler.startswith(DASK_PROTOCOLS):
        raise UsageError(f"--scheduler {scheduler!r}: expected 'local' or an address such as "
                         "tcp://host:8786")


def make_executor(workers: int | None = None, scheduler: str | None = None,
                  preload: tuple[str, ...] = (), dask_processes: bool = True):
    """The executor for ``--workers`` / ``--scheduler``.

    ``workers == 1`` without a scheduler runs serially in this process.
    """
    check_scheduler(scheduler)
    n = workers or default_workers()
    if scheduler is not None:
        executor = DaskExecutor(scheduler, n, processes=dask_processes, preload=preload)
    elif n == 1:
        executor = SerialExecutor()
    else:
        executor = ProcessExecutor(n, preload)
    end_start_up()  # the start-up is over: its workers have forked (sim.startup)
    return executor
