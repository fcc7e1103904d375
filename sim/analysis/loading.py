"""Read a finished sweep folder into per-run and per-design-point tables for analysis.

The sweep folder layout is the contract of ``docs/DEVELOPING.md`` ("Sweep folder"):
``manifest.json`` plus ``runs/part-*.parquet``, read through
:func:`sim.experiment.load_results`. Each run is reduced to one number per output (its *summary*):

* ``final``: the value at the last recorded step of the run (all outputs but the ones below);
* ``mean``: the run's mean yearly value, used for flows such as ``public_cost`` (CNY million
  per year), so that the summary is the average yearly spending over the run rather than the
  spending in its last semester. It is the flow's running total at the last step divided by
  the years elapsed (``cumulative_public_cost / year``: exact, and available when the sweep
  kept only final values) when the sweep recorded the total, else the mean over the recorded
  steps after the start (``year > 0``). With neither, the final value is used;
  :attr:`Sweep.summaries` records the rule actually applied.

Sensitivity indices are computed on the replicate means of these summaries, one value per
design point, in the sampler's point order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import UsageError

FLOW_TOTALS: dict[str, str] = {"public_cost": "cumulative_public_cost"}
"""Outputs that are yearly flows (summarised by their mean over the run) -> their running
total since the start (same money unit, not per year)."""
FLOW_OUTPUTS: frozenset[str] = frozenset(FLOW_TOTALS)

DESIGNS: tuple[str, ...] = ("grid", "lhs", "sobol", "morris", "scenarios")
"""Designs a sweep manifest may name."""

ID_COLUMNS: tuple[str, ...] = ("run_id", "point", "replicate", "seed", "step", "year")
"""Columns every results table carries besides factors and outputs."""


def summary_rule(output: str) -> str:
    """How a run's time series of ``output`` is reduced to one number: ``final`` or ``mean``."""
    return "mean" if output in FLOW_OUTPUTS else "final"


@dataclass(frozen=True)
class Sweep:
    """A loaded sweep, ready for analysis.

    Attributes:
        path: the sweep folder.
        manifest: the parsed ``manifest.json``.
        design: ``grid``, ``lhs``, ``sobol``, ``morris`` or ``scenarios``.
        factors: the manifest's factor dicts (``name, kind, group, low, high, values``) in
            sample-column order.
        outputs: the outputs analysed (a subset of the manifest's outputs, in that order).
        runs: one row per run: ``point, replicate, seed`` (and ``scenario``), the factor
            columns, and one summary value per output (see :func:`summary_rule`).
        timeseries: the full results rows for the analysed outputs when the sweep kept more
            than the final step (used for the time to effect of scenario comparisons), else
            ``None``.
        summaries: output -> rule applied (``final`` or ``mean``).

    """

    path: Path
    manifest: dict[str, Any]
    design: str
    factors: list[dict[str, Any]]
    outputs: list[str]
    runs: pd.DataFrame
    timeseries: pd.DataFrame | None = field(default=None, repr=False)
    summaries: dict[str, str] = field(default_factory=dict)

    @property
    def factor_names(self) -> list[str]:
        """Factor short names in sample-column order."""
        return [f["name"] for f in self.factors]

    @property
    def replicates(self) -> int:
        """Replicates per design point (the largest count found in the results)."""
        return int(self.runs.groupby("point").size().max())

    @property
    def experiment(self) -> dict[str, Any]:
        """The resolved experiment dict stored in the manifest (empty if absent)."""
        return dict(self.manifest.get("experiment") or {})

    def point_table(self) -> pd.DataFrame:
        """One row per design point present, in point order: factor columns and output means.

        Output columns hold the replicate mean of each run summary; ``n_replicates`` counts
        the runs averaged.
        """
        keys = ["point"] + (["scenario"] if "scenario" in self.runs else [])
        grouped = self.runs.groupby(keys, sort=True)
        table = grouped[self.factor_names + self.outputs].mean() if self.factor_names else (
            grouped[self.outputs].mean())
        table["n_replicates"] = grouped.size()
        return table.reset_index().sort_values("point", kind="stable").reset_index(drop=True)


def read_manifest(path: Path) -> dict[str, Any]:
    """The sweep's manifest, checked to be a sweep with a known design (else UsageError)."""
    file = path / "manifest.json"
    if not path.is_dir():
        raise UsageError(f"{path}: not a folder")
    if not file.is_file():
        raise UsageError(f"{path}: no manifest.json: not a sweep folder")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{file}: invalid JSON: {exc}") from None
    if manifest.get("kind") != "sweep":
        raise UsageError(f"{path}: manifest kind is {manifest.get('kind')!r}, expected 'sweep'")
    if manifest.get("design") not in DESIGNS:
        raise UsageError(f"{path}: unknown design {manifest.get('design')!r} in manifest.json")
    return manifest


def _read_results(path: Path, columns: list[str]) -> pd.DataFrame:
    """All result rows, only ``columns`` (memory-light), through :mod:`sim.experiment`."""
    from sim.experiment import load_results

    return load_results(path, columns=columns)


def _summarise(rows: pd.DataFrame, keys: list[str],
               rules: dict[str, str]) -> pd.DataFrame:
    """One row per run with each output reduced by its rule.

    Rules: ``final``, ``mean`` from the running total, or ``mean`` over the recorded steps.
    """
    rows = rows.sort_values(["run_id", "step"], kind="stable")
    by_run = rows.groupby("run_id", sort=True)
    runs = by_run[keys].last()
    last_year = by_run["year"].last()
    for name, rule in rules.items():
        total = FLOW_TOTALS.get(name)
        if rule == "mean" and total in rows:
            per_year = by_run[total].last() / last_year.where(last_year > 0)
            runs[name] = per_year.fillna(by_run[name].last())
        elif rule == "mean":
            later = rows[rows["year"] > 0]
            means = later.groupby("run_id")[name].mean()
            # a run recorded only at its start keeps its single value
            runs[name] = means.reindex(runs.index).fillna(by_run[name].last())
        else:
            runs[name] = by_run[name].last()
    return runs.reset_index()


def load_sweep(path: str | Path, outputs: list[str] | None = None) -> Sweep:
    """Load a sweep folder for analysis.

    Args:
        path: the sweep folder (``manifest.json`` and ``runs/``).
        outputs: output names to analyse (default: all outputs of the manifest).

    Raises:
        UsageError: not a sweep folder, no results, or an unknown output name.

    """
    path = Path(path)
    manifest = read_manifest(path)
    known = list(manifest.get("outputs") or [])
    if outputs:
        unknown = [o for o in outputs if o not in known]
        if unknown:
            raise UsageError(f"--output {unknown[0]!r} is not an output of this sweep: "
                             f"choose from {', '.join(known)}")
        chosen = list(dict.fromkeys(outputs))
    else:
        chosen = known
    if not chosen:
        raise UsageError(f"{path}: the manifest lists no outputs")
    factors = list(manifest.get("factors") or [])
    names = [f["name"] for f in factors]
    scenario_col = ["scenario"] if manifest["design"] == "scenarios" else []
    keys = ["point", "replicate", "seed"] + scenario_col + names
    totals = [FLOW_TOTALS[o] for o in chosen if o in FLOW_TOTALS
              and FLOW_TOTALS[o] in known and FLOW_TOTALS[o] not in chosen]
    rows = _read_results(path, list(ID_COLUMNS) + scenario_col + names + chosen + totals)
    if rows.empty:
        raise UsageError(f"{path}: the sweep has no finished runs")
    kept_steps = rows.groupby("run_id")["step"].nunique().max()
    timeseries = rows if kept_steps > 1 else None
    rules = {o: summary_rule(o) if (timeseries is not None or FLOW_TOTALS.get(o) in known)
             else "final" for o in chosen}
    runs = _summarise(rows, keys, rules)
    return Sweep(path, manifest, manifest["design"], factors, chosen, runs, timeseries, rules)


def missing_points(sweep: Sweep) -> list[int]:
    """Design points of the manifest with no finished run (e.g. all replicates failed)."""
    expected = int(sweep.manifest.get("n_points") or 0)
    present = set(sweep.runs["point"].astype(int))
    return [p for p in range(expected) if p not in present]

