"""Named errors and the exit codes the CLI gives them.

Exit codes (README "Output folders and exit codes"):

* ``0`` done;
* ``1`` the job failed (:class:`IeisimError`: runs failed, disk full, an internal error);
* ``2`` bad input (:class:`ConfigError`, :class:`UsageError`: nothing was written);
* ``130`` interrupted by Ctrl-C (SIGINT), ``143`` stopped by SIGTERM (e.g. a batch
  system's time limit): ``128 +`` the signal number, as a shell reports it.

This module imports nothing from ieisim, so every other module can use it without cycles.
"""

import signal
from contextlib import contextmanager

from sim.excerpt import excerpt  # noqa: F401 - re-exported: messages quote short excerpts


class ConfigError(ValueError):
    """A scenario, override or experiment value is invalid; the message is one line."""


EXIT_DONE = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM


class IeisimError(Exception):
    """Base for ieisim's named runtime errors (exit code 1 unless ``exit_code`` says)."""

    exit_code = EXIT_FAILED


class UsageError(ConfigError):
    """Bad input that is not a parameter value (exit code 2)."""


class DiskFull(IeisimError):
    """No space left on the device that holds an output folder (exit code 1)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM received: stops the work like Ctrl-C, but exits with code 143."""


class Interrupted(IeisimError):
    """A job stopped by a signal, with a message saying what was kept (exit 130 or 143)."""

    def __init__(self, message: str, terminated: bool = False):
        super().__init__(message)
        self.exit_code = EXIT_TERMINATED if terminated else EXIT_INTERRUPTED


def exit_code(exc: BaseException) -> int:
    """The exit code for an exception that ends a command."""
    if isinstance(exc, Terminated):
        return EXIT_TERMINATED
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(exc, ConfigError):
        return EXIT_BAD_INPUT
    return getattr(exc, "exit_code", EXIT_FAILED)


class SignalRecord:
    """Which stopping signal arrived inside :func:`sigterm_as_interrupt` (``received``)."""

    def __init__(self) -> None:
        self.received: int | None = None

    @property
    def exit_code(self) -> int:
        """143 after SIGTERM, else 130."""
        return EXIT_TERMINATED if self.received == signal.SIGTERM else EXIT_INTERRUPTED


@contextmanager
def sigterm_as_interrupt():
    """Let SIGTERM stop the work like Ctrl-C (raising :class:`Terminated`) in the block.

    Yields a :class:`SignalRecord`, so a caller whose framework turns the exception into a
    plain "interrupted" (click returns 130) can still tell SIGTERM apart.
    """
    current = signal.getsignal(signal.SIGTERM)
    outer = getattr(current, "ieisim_record", None)
    if outer is not None:  # already inside one (e.g. the CLI's): keep its record
        yield outer
        return
    record = SignalRecord()

    def handler(signum, frame):
        record.received = signum
        raise Terminated

    handler.ieisim_record = record
    try:
        old = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield record
        return
    try:
        yield record
    finally:
        signal.signal(signal.SIGTERM, old)


__all__ = ["ConfigError", "DiskFull", "EXIT_BAD_INPUT", "EXIT_DONE", "EXIT_FAILED",
           "EXIT_INTERRUPTED", "EXIT_TERMINATED", "IeisimError", "Interrupted", "SignalRecord",
           "Terminated", "UsageError", "excerpt", "exit_code", "sigterm_as_interrupt"]
