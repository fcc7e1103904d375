"""How a sweep's processes start: imports without garbage collection, cheap forks, one BLAS thread.

A sweep on a few cores spends a fixed part of its wall time before the first run: its
process imports pandas, pyarrow, Mesa and the model, then forks the workers
(:class:`sim.experiment.executors.ProcessExecutor`). Three measures, each the documented
advice of the library concerned, make that start-up and the workers' runs cheaper without
changing any number a run produces:

* **A start-up without the cyclic collector** (:func:`begin_start_up` to
  :func:`end_start_up`; :func:`collector_paused` for a block). Importing those libraries
  creates some 100,000 long-lived objects and sets off about 250 collections, one of them a
  full one, which find almost nothing to free: 0.056-0.066 s of the 0.86-1.0 s the imports
  took here (three timings each way; 0.75-0.76 s with the collector paused). Paused only
  around the imports, the collector walks the same objects soon after: the pause lasts
  until the objects are frozen and the workers have forked.
* **Objects frozen while the workers fork** (:func:`frozen_for_fork`). CPython's
  ``gc.freeze`` documentation: a process that forks without exec should freeze its objects
  right before the fork, so that the children's collections neither walk the parent's
  objects nor write to their pages (each write copies a page). A worker that inherits the
  imports ran its first full collection in 0.04-0.05 s; frozen, its collections took
  0.0015-0.0018 s over 24 status-quo runs (2.23 s of CPU instead of 2.29-2.39 s).
* **One BLAS thread per worker process** (:func:`one_blas_thread`), as Dask's nanny sets for
  its workers (``distributed.nanny.pre-spawn-environ``): a sweep already runs one model per
  core, the model makes no threaded BLAS call, and the OpenBLAS libraries of numpy and SciPy
  each start a thread that spins for about 0.05 s of CPU after loading, on the cores the
  workers need (a 48-run sweep took about 0.2 s less CPU with one thread, 5.45 s against
  5.67 s, 14 repeats; no wall time measurable by itself).

Together, on 48 status-quo runs with 2 workers: 0.957 [0.952, 0.979] of the sweep's wall
time before and 0.35 s less CPU (14 interleaved repeats; docs/sweeps.md, "Peers").
"""

from __future__ import annotations

import gc
import os
import sys
from contextlib import contextmanager
from typing import Iterator

ONE_BLAS_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
"""Environment that keeps numpy's and SciPy's BLAS (OpenBLAS, MKL, OpenMP) on one thread."""


def one_blas_thread() -> None:
    """Keep BLAS on one thread in this process and the workers it starts.

    Only before numpy is imported (BLAS reads its thread count when it loads; later, as in
    a program that calls the sweep in-process, this does nothing, so no variable is set that
    has no effect); a variable the user has set is left as it is.
    """
    if "numpy" in sys.modules:
        return
    for name, value in ONE_BLAS_THREAD.items():
        os.environ.setdefault(name, value)


_paused_for_start_up = False
"""Whether :func:`begin_start_up` paused the collector and :func:`end_start_up` has not yet
resumed it (a forked worker inherits the flag with the paused collector)."""


def begin_start_up() -> None:
    """Pause the cyclic garbage collector for a sweep's start-up.

    From the command line until the workers have forked: the imports, the experiment and the
    plan make long-lived objects, not garbage. :func:`end_start_up` resumes it; a collector
    the caller had paused stays paused.
    """
    global _paused_for_start_up
    if gc.isenabled() and not _paused_for_start_up:
        gc.disable()
        _paused_for_start_up = True


def end_start_up() -> None:
    """Resume the collector :func:`begin_start_up` paused (otherwise nothing; call freely).

    Called once the executor has started (its workers forked inside
    :func:`frozen_for_fork`), by every forked worker as it starts, and when the command ends
    in any case.
    """
    global _paused_for_start_up
    if _paused_for_start_up:
        _paused_for_start_up = False
        gc.enable()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside the block (for imports).

    Restores the collector's previous state on leaving, also after an error; a collector
    paused by the caller stays paused.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def frozen_for_fork() -> Iterator[None]:
    """Fork the workers inside this block: they inherit every object frozen (``gc.freeze``).

    The children's collections then skip what they inherit. On leaving, this process's
    objects are unfrozen (``gc.unfreeze``), so that a program that sweeps many times in one
    process (a notebook, the tests) still frees cyclic garbage made before a sweep. That
    includes the few hundred objects CPython 3.12 froze itself at start-up (375 here):
    they are alive and are then walked like any other.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
