"""Reading what ``ieisim figures`` draws from: run folders, sweep folders, analysis files.

A run folder (``ieisim run``) holds ``manifest.json`` with ``kind: "run"`` and the CSVs
``timeseries``, ``enterprises``, ``colleges`` and ``ties``. A sweep folder (``ieisim
sweep``) holds ``manifest.json`` with ``kind: "sweep"`` and ``runs/``; after ``ieisim
analyze`` also ``sensitivity.csv``, ``discovery.csv`` and ``analysis.json``. Sweeps are read
through :func:`sim.analysis.loading.load_sweep`, so figures summarise runs exactly as the
analysis does.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import UsageError

RUN_TABLES = ("timeseries", "enterprises", "colleges", "ties")
"""CSV tables of a run folder (``<name>.csv``)."""
KINDS = ("run", "sweep")
"""Folder kinds ``ieisim figures`` accepts (``manifest.json`` ``kind``)."""


def read_manifest(path: Path) -> dict[str, Any]:
    """The parsed ``manifest.json`` of a run or sweep folder.

    Raises:
        UsageError: not a folder, no manifest, invalid JSON or an unknown ``kind``.

    """
    path = Path(path)
    if not path.is_dir():
        raise UsageError(f"{path}: not a folder")
    file = path / "manifest.json"
    if not file.is_file():
        raise UsageError(f"{path}: no manifest.json: expected a folder written by 'ieisim run' "
                         "or 'ieisim sweep'")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{file}: invalid JSON: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("kind") not in KINDS:
        kind = manifest.get("kind") if isinstance(manifest, dict) else None
        raise UsageError(f"{path}: manifest kind is {kind!r}, expected 'run' or 'sweep'")
    return manifest


@dataclass(frozen=True)
class RunFolder:
    """The tables of one run folder.

    Attributes:
        path: the folder.
        name: the scenario's name (from the manifest; the folder name if absent).
        manifest: the parsed manifest.
        tables: ``timeseries``, ``enterprises``, ``colleges``, ``ties`` DataFrames.

    """

    path: Path
    name: str
    manifest: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(repr=False)

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]

    @property
    def seed(self) -> Any:
        """The run's seed as recorded in the manifest (None if absent)."""
        return self.manifest.get("seed")


def _scenario_name(manifest: dict[str, Any], path: Path) -> str:
    if isinstance(manifest.get("scenario_name"), str):
        return manifest["scenario_name"]
    scn = manifest.get("scenario")
    if isinstance(scn, dict) and isinstance(scn.get("name"), str):
        return scn["name"]
    return path.name


def read_run(path: str | Path) -> RunFolder:
    """Read a run folder.

    Raises:
        UsageError: not a run folder, or a table is missing or unreadable.

    """
    path = Path(path)
    manifest = read_manifest(path)
    if manifest["kind"] != "run":
        raise UsageError(f"{path}: a {manifest['kind']} folder, expected a run folder")
    tables = {}
    for name in RUN_TABLES:
        file = path / f"{name}.csv"
        if not file.is_file():
            raise UsageError(f"{path}: no {name}.csv: not a complete run folder")
        try:
            tables[name] = pd.read_csv(file, keep_default_na=False, na_values=[""])
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise UsageError(f"{file}: unreadable CSV: {exc}") from None
    return RunFolder(path, _scenario_name(manifest, path), manifest, tables)


@dataclass(frozen=True)
class AnalysisFiles:
    """What ``ieisim analyze`` wrote in a sweep folder (each None when absent)."""

    sensitivity: pd.DataFrame | None = None
    discovery: pd.DataFrame | None = None
    settings: dict[str, Any] | None = None

    def setting(self, key: str, default: Any = None) -> Any:
        """An analysis setting from ``analysis.json`` (top level or its ``settings`` table)."""
        if not self.settings:
            return default
        inner = self.settings.get("settings")
        if isinstance(inner, dict) and inner.get(key) is not None:
            return inner[key]
        value = self.settings.get(key)
        return default if value is None else value

    @property
    def targets(self) -> dict[str, str]:
        """Output name -> target expression (e.g. ``">= 5"``) from ``analysis.json``."""
        targets = self.setting("targets", {})
        return {str(k): str(v) for k, v in targets.items()} if isinstance(targets, dict) else {}


def read_analysis(path: str | Path) -> AnalysisFiles:
    """Read ``sensitivity.csv``, ``discovery.csv`` and ``analysis.json`` where present.

    Raises:
        UsageError: a file is present but unreadable, or the files come from different
            analyses (``analysis.json`` records the others' digests).

    """
    from sim.analysis.writing import read_analysis_set

    path = Path(path)
    raw = read_analysis_set(path)  # bytes read once, checked to come from one analysis
    found: dict[str, Any] = {}
    for key, name in (("sensitivity", "sensitivity.csv"), ("discovery", "discovery.csv")):
        if name in raw:
            try:
                found[key] = pd.read_csv(io.BytesIO(raw[name]), keep_default_na=False,
                                         na_values=[""])
            except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
                raise UsageError(f"{path / name}: unreadable CSV: {exc}") from None
    if "analysis.json" in raw:
        try:
            found["settings"] = json.loads(raw["analysis.json"].decode("utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path / 'analysis.json'}: invalid JSON: {exc}") from None
    if "sensitivity" in found and "lever2" in found["sensitivity"]:
        found["sensitivity"]["lever2"] = found["sensitivity"]["lever2"].astype(object).fillna("")
    return AnalysisFiles(**found)
