"""Write an analysis into its sweep folder as one set that never mixes two analyses.

The files are ``sensitivity.csv``, ``discovery.csv``, ``analysis.json`` and ``report.md``.
The four files are written and fsynced in a hidden staging folder first, then renamed into
place, ``analysis.json`` first (:func:`sim.outputs.write_file_set`). ``analysis.json``
records a ``generation`` id and the digest of each other file (``files``), so a reader
(``ieisim figures``, :func:`read_analysis_set`) refuses a set in which one file comes
from another analysis (a kill between two renames). A failure while staging (disk full,
Ctrl-C) leaves the previous analysis untouched and no temporary file behind.
"""

from __future__ import annotations

import json
import math
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.report import render
from sim.errors import UsageError
from sim.outputs import file_digest, write_file_set

FILES = ("sensitivity.csv", "discovery.csv", "analysis.json", "report.md")
"""The files an analysis writes into the sweep folder."""
INDEX = "analysis.json"
"""The file that records the generation and the digests of the other files."""


def _plain(obj: Any) -> Any:
    """JSON-safe copy: numpy scalars to Python, NaN and infinities to None."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def analysis_json(result) -> dict[str, Any]:
    """The ``analysis.json`` content of a result (JSON-safe)."""
    return _plain(result.info)


def write_analysis(result, out_dir: str | Path | None = None) -> list[Path]:
    """Write the four analysis files into ``out_dir`` (default: the sweep folder).

    Returns:
        the paths written, in :data:`FILES` order.

    Raises:
        DiskFull: no space left (the previous analysis files are untouched).

    """
    out = Path(out_dir) if out_dir is not None else result.path
    others = {
        "sensitivity.csv": result.sensitivity.to_csv(index=False).encode("utf-8"),
        "discovery.csv": result.discovery.to_csv(index=False).encode("utf-8"),
        "report.md": render(result).encode("utf-8"),
    }
    info = analysis_json(result)
    info["generation"] = uuid.uuid4().hex
    info["files"] = {name: file_digest(data) for name, data in others.items()}
    index = (json.dumps(info, indent=2, sort_keys=False) + "\n").encode("utf-8")
    write_file_set(out, {INDEX: index, **others})
    return [out / name for name in FILES]


def read_analysis_set(folder: str | Path) -> dict[str, bytes]:
    """The analysis files present in ``folder`` (name -> bytes), checked to belong together.

    ``analysis.json`` lists the digest of each other file; a missing file or another digest
    means the set mixes two analyses (e.g. ``ieisim analyze`` was killed while renaming).
    The bytes returned are the ones checked, so a concurrent ``ieisim analyze`` cannot slip
    a newer file in between. An ``analysis.json`` written before digests were recorded is
    accepted as it is.

    Raises:
        UsageError: the files disagree (one line naming them).

    """
    folder = Path(folder)
    raw: dict[str, bytes] = {}
    for name in FILES:
        try:
            raw[name] = (folder / name).read_bytes()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise UsageError(f"{folder / name}: cannot read: {exc.strerror}") from None
    try:
        info = json.loads(raw[INDEX].decode("utf-8")) if INDEX in raw else None
    except (ValueError, UnicodeDecodeError):
        return raw  # the reader reports invalid JSON
    digests = info.get("files") if isinstance(info, dict) else None
    if not isinstance(digests, dict):
        return raw
    bad = [str(name) for name, digest in digests.items()
           if name not in raw or file_digest(raw[name]) != digest]
    if bad:
        raise UsageError(f"{folder}: the analysis files disagree ({', '.join(bad)} not the ones "
                         f"{INDEX} records: an interrupted 'ieisim analyze'?); run 'ieisim "
                         f"analyze {folder}' again")
    return raw
