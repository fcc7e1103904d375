"""Output paths: where ieisim may create or fill a results folder (``--out``).

Checked before anything runs or is written, so that a bad ``--out`` is one line (exit 2),
never an ``OSError`` halfway: the current folder or one of its parents (``--out .``), a
system folder (``/proc``, ``/sys``, ``/dev``), a path below an existing file, a device or
other non-folder, or a folder this user cannot write into (read-only mount, permissions).
"""

from __future__ import annotations

import os
from pathlib import Path

from sim.errors import UsageError
from sim.excerpt import shorten

SYSTEM_FOLDERS = ("/proc", "/sys", "/dev")
"""Kernel and device file systems: never a place for results."""
PATH_CHARS = 200
"""Longest excerpt of a path shown in a message."""


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return Path(path.anchor or "/")


def check_out_path(out: str | os.PathLike, flag: str = "--out") -> Path:
    """Validate a results folder path and return it as given.

    Raises:
        UsageError: one line naming the path and the reason (see the module docstring).

    """
    shown = f"{flag} {shorten(os.fspath(out), PATH_CHARS)}"
    path = Path(out)
    try:
        full = path.resolve()
        cwd = Path.cwd().resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop, a vanished cwd
        raise UsageError(f"{shown}: cannot resolve the path ({exc})") from None
    if full == cwd or full in cwd.parents:
        raise UsageError(f"{shown}: is the current folder or one of its parents; name a new "
                         "folder for the results, e.g. --out results/mine")
    for system in SYSTEM_FOLDERS:
        if full == Path(system) or Path(system) in full.parents:
            raise UsageError(f"{shown}: inside {system}, a system folder; choose a folder "
                             "among your files")
    if full.exists() and not full.is_dir():
        raise UsageError(f"{shown}: exists and is not a folder")
    base = _nearest_existing(full)
    if not base.is_dir():
        raise UsageError(f"{shown}: {shorten(str(base), PATH_CHARS)} is a file, not a folder")
    if not os.access(base, os.W_OK | os.X_OK):
        raise UsageError(f"{shown}: cannot write into {shorten(str(base), PATH_CHARS)} "
                         "(read-only or no permission); choose another folder")
    return path
