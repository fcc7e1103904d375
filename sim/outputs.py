"""Output folders: where ieisim writes, what it may replace, and how it replaces it.

Every command that writes (``run``, ``sweep``, ``analyze``, ``figures``, and later
``calibrate`` and the app's stored data) follows the same rules, implemented here once:

* **Default paths stay inside** ``results/``: :func:`results_path` joins names that are
  checked like experiment names (:func:`check_name`: letters, digits, ``_``, ``-``, ``.``;
  starting with a letter or digit) and refuses a path that resolves outside ``results/``.
* **Nothing a user has is replaced.** :func:`check_output` accepts a new path, an empty
  folder, or a folder written earlier by the same kind of ieisim command (its
  ``manifest.json`` says so, see :class:`FolderKind`) that holds only what ieisim writes
  there. A file, a symbolic link, or a folder ieisim did not write is refused in one line
  (exit code 2), with ``--overwrite`` or without. ``--overwrite`` only allows replacing an
  earlier ieisim folder of that kind that also holds other files.
* **Replacement is atomic.** :func:`staging_folder` builds the new folder under a hidden
  temporary name beside the old one; :func:`swap_in` exchanges the two in one system call
  (Linux ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames) and only then removes the
  old one. A kill at any moment leaves either the old folder or the new one in place, plus
  at most a hidden ``.ieisim-tmp-*`` folder that the next writer on the same machine
  removes (:func:`remove_stale`).
* **Sets of files agree.** :func:`write_file_set` writes a set of files (an analysis) into
  a hidden staging folder, fsyncs them and only then renames them into place; the set
  records each file's digest (:func:`file_digest`) so that readers can check that the
  files they read belong together (e.g. :func:`sim.analysis.writing.read_analysis_set`).
* **Disk full and permissions are named.** :func:`named_os_errors` turns ``OSError`` into
  :class:`sim.errors.DiskFull` (exit code 1) or :class:`sim.errors.UsageError` (exit code
  2) naming the folder.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import re
import shutil
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

from sim.errors import DiskFull, IeisimError, UsageError

RESULTS_DIR = Path("results")
"""Parent of every default output folder (relative to the working directory)."""
MANIFEST = "manifest.json"
"""The file that says which ieisim command wrote a folder (key ``kind``)."""
TMP_PREFIX = ".ieisim-tmp-"
"""Hidden temporary folders and files of a writer: ``.ieisim-tmp-<pid>-<host>-<id>-<name>``."""
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
"""Names that may become a folder name: no separators, no leading dot."""
MAX_NAME_CHARS = 100
"""Longest name accepted for a folder name (file systems allow 255 bytes)."""
SHOWN = 3
"""Offending entries named in a refusal (the rest are counted)."""
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@dataclass(frozen=True)
class FolderKind:
    """What one ieisim command writes into its output folder.

    Attributes:
        kind: the ``manifest.json`` ``kind`` that marks a folder as written by it.
        command: the command, for messages (``ieisim run``).
        files: names of the files it writes at the top of the folder.
        folders: names of sub-folders written by ieisim inside it (e.g. ``figures``).

    """

    kind: str
    command: str
    files: frozenset[str]
    folders: frozenset[str] = frozenset()


FIGURES = "figures"
"""Sub-folder written by ``ieisim figures`` in a run or sweep folder."""
SWEEP = FolderKind("sweep", "ieisim sweep",
                   frozenset({MANIFEST, "design.parquet", "failures.jsonl", ".lock"}),
                   frozenset({"runs", "figures"}))
"""A sweep folder (``ieisim sweep``; resumed, never replaced)."""
FIGURES_RECORD = "ieisim figures wrote:"
"""Start of the hidden line of ``figures/README.md`` that lists the files written there."""
RUN = FolderKind("run", "ieisim run",
                 frozenset({"timeseries.csv", "enterprises.csv", "colleges.csv", "ties.csv",
                            MANIFEST}), frozenset({FIGURES}))
"""A run folder (``ieisim run``)."""


# -- names and default paths -------------------------------------------------------------

def check_name(value: object, key: str = "name") -> str:
    """Return ``value`` if it may name a folder, else raise a one-line ``ConfigError``.

    Args:
        value: the name (e.g. a scenario's or an experiment's ``name``).
        key: what the name is, for the message (``name``, ``scenario name``).

    """
    from sim.params import ConfigError

    if not isinstance(value, str):
        raise ConfigError(f"{key} = {_excerpt(value)}: expected a string")
    if len(value) > MAX_NAME_CHARS or not NAME_RE.match(value):
        raise ConfigError(f"{key} = {_excerpt(value)}: use letters, digits, '_', '-' or '.' "
                          f"only (starting with a letter or digit, at most {MAX_NAME_CHARS} "
                          "characters)")
    return value


def results_path(*names: str, root: str | os.PathLike | None = None) -> Path:
    """The default output path ``results/<name>`` (``root`` replaces ``results``).

    Each name is checked with :func:`check_name`, and the path must resolve inside the root
    (a symbolic link inside ``results/`` pointing elsewhere is refused).

    Raises:
        ConfigError: a bad name.
        UsageError: the path resolves outside the root.

    """
    base = Path(root) if root is not None else RESULTS_DIR
    path = base.joinpath(*(check_name(n) for n in names))
    inside = base.resolve()
    if not path.resolve().is_relative_to(inside):
        raise UsageError(f"{path}: resolves to {path.resolve()}, outside {base}/; give --out "
                         "explicitly")
    return path


def _excerpt(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 5] + "...'"


# -- what a folder holds ----------------------------------------------------------------

def read_kind(folder: Path) -> str | None:
    """The ``kind`` in ``folder/manifest.json``, or ``None`` (absent or unreadable)."""
    try:
        data = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kind = data.get("kind") if isinstance(data, dict) else None
    return kind if isinstance(kind, str) else None


def _is_ours_tmp(name: str) -> bool:
    return name.startswith(TMP_PREFIX)


def check_figures_folder(folder: str | os.PathLike) -> None:
    """Refuse to replace a ``figures/`` folder that holds anything ieisim did not write.

    Raises:
        UsageError: ``folder`` is a file or a link, or holds other files (nothing written).

    """
    folder = Path(folder)
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise UsageError(f"{folder}: exists and is not a figures folder written by ieisim; "
                         "move it away first (nothing was written)")
    if folder.is_dir():
        foreign = figures_foreign(folder)
        if foreign:
            raise UsageError(f"{folder}: holds files ieisim did not write "
                             f"({_listing(foreign)}); move them out first, 'ieisim figures' "
                             "replaces this folder whole (nothing was written)")


def figures_foreign(folder: Path) -> list[str]:
    """Entries of a ``figures/`` folder that ieisim did not write (empty: all its own).

    ieisim's figures folder holds ``README.md`` (written by ``ieisim figures``) and the
    files that README lists in its hidden ``<!-- ieisim figures wrote: ... -->`` line (or,
    in folders written before that line existed, links to).
    """
    folder = Path(folder)
    readme = folder / "README.md"
    entries = sorted(p.name for p in folder.iterdir() if not _is_ours_tmp(p.name))
    try:
        text = readme.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return entries
    if "ieisim figures" not in text:
        return entries
    record = re.search(f"<!-- {FIGURES_RECORD} ([^>]*) -->", text)
    names = record.group(1).split() if record else re.findall(r"\]\(([^)/]+)\)", text)
    listed = set(names) | {"README.md"}
    return [name for name in entries
            if name not in listed or not (folder / name).is_file()]


def foreign_entries(folder: Path, kind: FolderKind) -> list[str]:
    """Entries of ``folder`` that a command of ``kind`` did not write (sorted)."""
    folder = Path(folder)
    out = []
    for p in sorted(folder.iterdir()):
        name = p.name
        if _is_ours_tmp(name) or (name in kind.files and p.is_file() and not p.is_symlink()):
            continue
        if name in kind.folders and p.is_dir() and not p.is_symlink():
            inner = figures_foreign(p) if name == FIGURES else []
            out += [f"{name}/{x}" for x in inner]
            continue
        out.append(name)
    return out


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN])
    return shown + (f" and {len(names) - SHOWN} more" if len(names) > SHOWN else "")


NEW, EMPTY, REPLACE = "new", "empty", "replace"
"""What :func:`check_output` found: nothing there, an empty folder, an earlier output."""


def check_output(path: str | os.PathLike, kind: FolderKind, overwrite: bool = False,
                 option: str = "--out", resume: bool = False) -> str:
    """Check that ``path`` may receive a new output folder of ``kind``.

    Args:
        path: the output folder.
        kind: what the command writes there.
        overwrite: the user asked to replace an earlier folder of ``kind`` that also holds
            other files.
        option: the option that named ``path``, for messages.
        resume: the command adds to its earlier folder and never removes anything there
            (a sweep): other files and a link to the folder are then fine.

    Returns:
        :data:`NEW` (nothing there), :data:`EMPTY` (an empty folder) or :data:`REPLACE`
        (a folder written earlier by the same command: replaced whole, or resumed).

    Raises:
        UsageError: ``path`` is a file, a symbolic link, a folder not written by this
            command, or (without ``overwrite``) one that also holds other files. Nothing is
            written or changed.

    """
    path = Path(path)
    what = f"{option} {path}" if option else str(path)
    if path.name in ("", ".", "..") or Path.cwd().is_relative_to(path.resolve()):
        raise UsageError(f"{what}: is the current folder or holds it; name a new folder, e.g. "
                         f"{RESULTS_DIR / 'my-run'} (nothing was written)")
    if path.is_symlink() and not (resume and path.is_dir()):
        raise UsageError(f"{what}: is a symbolic link; give the folder it points to, or "
                         "another path (nothing was written)")
    if not path.exists():
        return NEW
    if not path.is_dir():
        raise UsageError(f"{what}: exists and is not a folder; {kind.command} writes a new "
                         "folder and never replaces a file (nothing was written)")
    try:
        entries = [p for p in path.iterdir() if not _is_ours_tmp(p.name)]
    except OSError as exc:
        raise UsageError(f"{what}: cannot read the folder: {exc.strerror}") from None
    if not entries:
        return EMPTY
    found = read_kind(path)
    if found != kind.kind:
        held = f"an ieisim {found} folder" if found else "files ieisim did not write"
        raise UsageError(f"{what}: exists and holds {held}, not an earlier {kind.command} "
                         "output; choose another path (nothing was written; --overwrite "
                         f"replaces only folders written by {kind.command})")
    foreign = [] if resume else foreign_entries(path, kind)
    if foreign and not overwrite:
        raise UsageError(f"{what}: holds an earlier {kind.command} output and also files "
                         f"ieisim did not write ({_listing(foreign)}); move them out, choose "
                         "another path, or pass --overwrite to replace the whole folder "
                         "(nothing was written)")
    return REPLACE


# -- writing a folder atomically ---------------------------------------------------------

def _host_tag() -> str:
    """A short tag of this machine, so writers on a shared file system tell theirs apart."""
    import socket

    return hashlib.sha1(socket.gethostname().encode("utf-8")).hexdigest()[:6]


def _tmp_name(final: Path, tag: str = "") -> Path:
    return final.with_name(f"{TMP_PREFIX}{os.getpid()}-{_host_tag()}-{uuid.uuid4().hex[:8]}"
                           f"{tag}-{final.name}"[:255])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def remove_stale(folder: str | os.PathLike) -> int:
    """Remove temporary folders and files left in ``folder`` by killed ieisim writers.

    Only entries named ``.ieisim-tmp-<pid>-<host>-...`` written on this machine whose
    process is gone are removed (a writer on another machine sharing the folder is left
    alone). Returns how many.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    n = 0
    host = _host_tag()
    for p in folder.iterdir():
        if not _is_ours_tmp(p.name):
            continue
        pid, _, rest = p.name[len(TMP_PREFIX):].partition("-")
        if not pid.isdigit() or not rest.startswith(host + "-") or _pid_alive(int(pid)):
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        n += 1
    return n


@contextmanager
def staging_folder(final: str | os.PathLike) -> Iterator[Path]:
    """A new hidden folder beside ``final`` to write into; removed if the block fails.

    The parent of ``final`` is created if needed. Use :func:`swap_in` inside the block to
    put the finished folder in place.
    """
    final = Path(final)
    with named_os_errors(final.parent):
        final.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(final.parent)
        tmp = _tmp_name(final)
        tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux); ``False`` where the call is not supported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                   ctypes.c_uint]
    fn.restype = ctypes.c_int
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_in(staged: Path, final: Path) -> None:
    """Put the finished folder ``staged`` at ``final``, replacing what is there whole.

    With an existing ``final`` the two are exchanged atomically where the system allows it
    (else ``final`` is renamed aside and ``staged`` renamed in, the window between being two
    renames), and the old folder is removed only after the new one is in place.
    """
    staged, final = Path(staged), Path(final)
    with named_os_errors(final.parent):
        if not final.exists():
            os.rename(staged, final)
            return
        if final.is_dir() and not any(final.iterdir()):
            os.rename(staged, final)  # onto an empty folder: atomic
            return
        if _exchange(staged, final):
            shutil.rmtree(staged, ignore_errors=True)  # now holds the old folder
            return
        old = _tmp_name(final, "-old")
        os.rename(final, old)
        os.rename(staged, final)
        shutil.rmtree(old, ignore_errors=True)


def check_new_file(path: str | os.PathLike, overwrite: bool = False,
                   option: str = "--out") -> None:
    """Check that a single output file may be written at ``path``.

    An existing file may be replaced only with ``overwrite`` (the user asked for exactly
    that); anything else that exists (a folder, a link) is refused.

    Raises:
        UsageError: the path exists (nothing written).

    """
    path = Path(path)
    what = f"{option} {path}" if option else str(path)
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise UsageError(f"{what}: exists and is not a file; choose another path (nothing "
                         "was written)")
    if path.exists() and not overwrite:
        raise UsageError(f"{what}: exists; choose another path or pass --overwrite to "
                         "replace it (nothing was written)")


def write_new_file(path: str | os.PathLike, data: bytes, overwrite: bool = False,
                   option: str = "--out") -> Path:
    """Write one file (e.g. ``ieisim rerun --out rows.csv``) atomically.

    Raises:
        UsageError: see :func:`check_new_file` (nothing written).
        DiskFull: no space left (nothing written, no temporary file).

    """
    path = Path(path)
    check_new_file(path, overwrite, option)
    with named_os_errors(path.parent):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = _tmp_name(path)
        try:
            _write_synced(tmp, data)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return path


# -- writing a set of files that belong together -------------------------------------------

def file_digest(data: bytes) -> str:
    """``sha256:<hex>`` of a file's bytes (recorded so readers can check a file set)."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def write_file_set(folder: str | os.PathLike, files: Mapping[str, bytes]) -> list[Path]:
    """Write ``files`` (name -> bytes) into ``folder`` so that none is half-written.

    All files are written and fsynced in a hidden staging folder inside ``folder`` first;
    only then are they renamed into place, in the order given (put the file that records
    the others' digests first, so a kill between renames is detected by readers). A failure
    while staging (disk full, a kill) leaves the old files untouched and no temporary file.

    Raises:
        DiskFull: no space left in ``folder`` (nothing changed).

    """
    folder = Path(folder)
    with named_os_errors(folder):
        folder.mkdir(parents=True, exist_ok=True)
        remove_stale(folder)
        stage = _tmp_name(folder / "set")
        stage.mkdir()
        try:
            for name, data in files.items():
                _write_synced(stage / name, data)
            paths = []
            for name in files:
                os.replace(stage / name, folder / name)
                paths.append(folder / name)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    return paths


# -- naming OS errors ------------------------------------------------------------------------

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.ENOENT, errno.EEXIST,
           errno.ENAMETOOLONG, errno.EISDIR, errno.ENOTEMPTY}


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` says the device (or the user's quota) is full."""
    return isinstance(exc, OSError) and exc.errno in _FULL


def is_write_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a file-system error of writing (disk full, permissions, paths)."""
    return isinstance(exc, OSError) and not isinstance(exc, ConnectionError) and \
        exc.errno in _FULL | _DENIED


def os_error(exc: OSError, folder: str | os.PathLike, saved: str = "") -> Exception:
    """The named error for an ``OSError`` met while writing into ``folder``.

    Args:
        exc: the error.
        folder: the folder being written.
        saved: appended to the disk-full message (e.g. what is saved and how to resume).

    """
    reason = exc.strerror or type(exc).__name__
    if exc.errno in _FULL:
        return DiskFull(f"disk full: no space left to write into {folder} ({reason}); free "
                        "some space" + (f"; {saved}" if saved else ""))
    if exc.errno in _DENIED:
        shown = exc.filename and TMP_PREFIX not in str(exc.filename)
        return UsageError(f"cannot write into {folder}: {reason}"
                          + (f" ({exc.filename})" if shown else ""))
    return IeisimError(f"cannot write into {folder}: {reason}")


@contextmanager
def named_os_errors(folder: str | os.PathLike, saved: str = "") -> Iterator[None]:
    """Turn an ``OSError`` inside the block into :func:`os_error`'s named error."""
    try:
        yield
    except OSError as exc:
        raise os_error(exc, folder, saved) from None
