"""The sweep's progress display: runs done, failures, runs per second and time left (rich)."""

from __future__ import annotations

import time


class SweepProgress:
    """A progress bar on stderr, or nothing at all when ``quiet``."""

    def __init__(self, total: int, label: str, quiet: bool = False):
        self.quiet = quiet
        self.total = total
        self.done = 0
        self.failed = 0
        self._start = time.perf_counter()
        self._progress = None
        if not quiet:  # rich is imported only when shown (it costs ~0.2 s)
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("runs"), TextColumn("{task.fields[failed]} failed"),
                TextColumn("{task.fields[rate]} runs/s"), TextColumn("ETA"),
                TimeRemainingColumn(), console=Console(stderr=True), transient=False)
            self._task = self._progress.add_task(label, total=total, failed=0, rate="-")

    def __enter__(self) -> "SweepProgress":
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()

    @property
    def rate(self) -> float:
        """Runs finished (done or failed) per second of wall time so far."""
        elapsed = time.perf_counter() - self._start
        return (self.done + self.failed) / elapsed if elapsed > 0 else 0.0

    def advance(self, done: int, failed: int) -> None:
        """Count ``done`` finished and ``failed`` failed runs."""
        self.done += done
        self.failed += failed
        if self._progress is not None:
            self._progress.update(self._task, advance=done + failed, failed=self.failed,
                                  rate=f"{self.rate:.1f}")
