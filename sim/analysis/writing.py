"""Write an analysis into its sweep folder.

Files: sensitivity.csv, discovery.csv, analysis.json, report.md. Each file is written to a
temporary name and renamed, so a reader never sees a half-written file.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from sim.analysis.report import render

FILES = ("sensitivity.csv", "discovery.csv", "analysis.json", "report.md")
"""The files an analysis writes into the sweep folder."""


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


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def analysis_json(result) -> dict[str, Any]:
    """The ``analysis.json`` content of a result (JSON-safe)."""
    return _plain(result.info)


def write_analysis(result, out_dir: str | Path | None = None) -> list[Path]:
    """Write the four analysis files into ``out_dir`` (default: the sweep folder).

    Returns:
        the paths written.

    """
    out = Path(out_dir) if out_dir is not None else result.path
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / name for name in FILES]
    _atomic_write(paths[0], result.sensitivity.to_csv(index=False))
    _atomic_write(paths[1], result.discovery.to_csv(index=False))
    _atomic_write(paths[2], json.dumps(analysis_json(result), indent=2, sort_keys=False) + "\n")
    _atomic_write(paths[3], render(result))
    return paths
