"""One run: build the model, run it, collect tidy tables, write a run folder.

``simulate`` is what sweeps call (time series only, no I/O); ``run_scenario`` returns every
table; ``write_run`` writes them atomically (a temporary folder swapped into place, so an
interrupted write never leaves a half-written run folder) and never replaces anything but an
earlier run folder (:mod:`sim.outputs`).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.ladder import JOINT_RD, RUNGS, holds
from sim.memory import check_memory
from sim.params import Scenario, load_scenario
from sim.population import OWNERSHIPS
from sim.sectors import SECTOR_NAMES, SIZE_CLASSES
from sim.version import MODEL_VERSION

RUN_SCHEMA_VERSION = 2


def _prepare(scenario: Scenario | str | None, seed: int | None, years: int | None) -> Scenario:
    scn = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    overrides: dict[str, Any] = {}
    if seed is not None:
        overrides["run.seed"] = int(seed)
    if years is not None:
        overrides["run.years"] = int(years)
    scn = scn.with_overrides(overrides) if overrides else scn
    check_memory(scn.values, what=f"a run of {scn.name}")  # refuse worlds that cannot fit
    return scn


def simulate(scenario: Scenario | str | None = None, seed: int | None = None,
             years: int | None = None, every: int = 1) -> pd.DataFrame:
    """Run one simulation and return its time series (every ``every``-th step and the last).

    Args:
        scenario: a :class:`Scenario`, a shipped scenario name or a TOML path.
        seed: master seed (default: the scenario's ``run.seed``).
        years: horizon (default: the scenario's ``run.years``).
        every: keep every ``every``-th step (the last step is always kept).

    """
    from sim.model import CooperationModel

    scn = _prepare(scenario, seed, years)
    model = CooperationModel(scn)
    last = int(round(scn.run.years * scn.run.steps_per_year))
    if every > 1:  # reporters only at the steps kept (they read the state, change nothing)
        model.record_steps = lambda step: step % every == 0 or step == last
    model.run()
    return model.timeseries()


def final_record(scenario: Scenario | str | None = None, seed: int | None = None,
                 years: int | None = None) -> dict[str, float]:
    """Run one simulation and return its reporters at the last step only (no time series).

    What a sweep keeping the final step needs: the same numbers as the last row of
    :func:`simulate`, without computing the reporters at step 0 or building a DataFrame.
    """
    from sim.model import CooperationModel

    scn = _prepare(scenario, seed, years)
    last = int(round(scn.run.years * scn.run.steps_per_year))
    model = CooperationModel(scn, record_steps=lambda step: step == last)
    model.run()
    return model.records[-1]


@dataclass
class RunResult:
    """Tables of one run (tidy pandas DataFrames) and its manifest."""

    timeseries: pd.DataFrame
    enterprises: pd.DataFrame
    colleges: pd.DataFrame
    ties: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)

    def breakdown(self, by: str) -> pd.DataFrame:
        """Shares on each rung by ``sector``, ``size_class``, ``city`` or college ``tier``.

        By sector, size class or city: enterprises by highest rung (``none`` included); by
        tier: active ties by rung.
        """
        if by == "tier":
            table = pd.crosstab(self.ties["college_tier"], self.ties["rung"], normalize="index")
            return table.reindex(columns=list(RUNGS), fill_value=0.0)
        if by not in ("sector", "size_class", "city"):
            raise ValueError(f"breakdown by {by!r}: use sector, size_class, city or tier")
        table = pd.crosstab(self.enterprises[by], self.enterprises["rung"], normalize="index")
        return table.reindex(columns=["none", *RUNGS], fill_value=0.0)


def enterprises_table(model) -> pd.DataFrame:
    """One row per enterprise agent: id, sector, size, city, weight, capacity, ties, rung.

    ``weight`` is the real firms the agent stands for, ``n_ties`` the real ties of its firms.
    """
    f = model.firms
    top = model.highest_rung_of_firms()
    n_ties = np.bincount(model.ties.firm[model.ties.active_rows()], minlength=f.n)
    return pd.DataFrame({
        "unique_id": [a.unique_id for a in model.enterprise_agents],
        "sector": [SECTOR_NAMES[s] for s in f.sector],
        "employees": f.employees.astype(int),
        "size_class": [SIZE_CLASSES[k] for k in f.size_class()],
        "ownership": [OWNERSHIPS[k] for k in f.ownership],
        "weight": f.weight,  # real firms the agent stands for (its members)
        "city": f.city,
        "absorptive_capacity": f.absorptive,
        "payback_years": f.payback,
        "expected_retention": f.belief_retention,
        "n_ties": n_ties,
        "rung": ["none" if r < 0 else RUNGS[r] for r in top],
    })


def colleges_table(model) -> pd.DataFrame:
    """One row per college: tier, city, majors, equipment and outcomes."""
    from sim.population import TIERS

    c = model.colleges
    t = model.teachers
    rows = model.ties.active_rows()
    dq = t.dual_qualified(model.params)
    funding = c.research_funding()
    out = []
    for i, agent in enumerate(model.college_agents):
        mine = rows[model.ties.college[rows] == i]
        ft = (t.college == i) & ~t.professor
        rungs = model.ties.rung[mine]
        out.append({
            "unique_id": agent.unique_id,
            "tier": TIERS[c.tier[i]],
            "city": int(c.city[i]),
            "majors": ";".join(c.majors(i)),
            "facility": float(c.facility[i]),
            "budget": float(c.budget[i]),
            "performance_funding": float(c.performance_funding[i]),
            "research_capacity": float(c.capacity[i]),
            "research_service_funding": float(funding[i]),
            "n_ties": int(mine.size),
            "mean_rung": float(rungs.mean()) if mine.size else 0.0,
            "joint_rd_ties": int(holds(model.ties.activities[mine], JOINT_RD).sum()),
            "dual_qualified_share": float(dq[ft].mean()) if ft.any() else 0.0,
            "industry_professors": int(((t.college == i) & t.professor).sum()),
            "graduate_match_rate": float(np.nanmean(c.match_rate[i]))
            if np.isfinite(c.match_rate[i]).any() else float("nan"),
        })
    return pd.DataFrame(out)


def ties_table(model) -> pd.DataFrame:
    """One row per active tie.

    Columns: college (and its tier), enterprise (agent), real_firm (the real firm of the agent
    the tie is with), sector, city, rung, trust, age (years).
    """
    from sim.population import TIERS

    rows = model.ties.active_rows()
    ties = model.ties
    firms = ties.firm[rows]
    college_ids = [a.unique_id for a in model.college_agents]  # the views, read once
    enterprise_ids = [a.unique_id for a in model.enterprise_agents]
    return pd.DataFrame({
        "college": [college_ids[i] for i in ties.college[rows]],
        "college_tier": [TIERS[model.colleges.tier[i]] for i in ties.college[rows]],
        "enterprise": [enterprise_ids[j] for j in firms],
        "real_firm": ties.real[rows],
        "sector": [SECTOR_NAMES[s] for s in model.firms.sector[firms]],
        "city": model.firms.city[firms],
        "rung": [RUNGS[r] for r in ties.rung[rows]],
        "rung_index": ties.rung[rows],
        "trust": ties.trust[rows],
        "age": ties.age[rows],
    })


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                             cwd=Path(__file__).resolve().parent, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def versions() -> dict[str, str]:
    """Versions of ieisim and the libraries that shape its numbers."""
    import mesa
    import networkx

    import sim

    return {"ieisim": sim.__version__, "mesa": mesa.__version__, "numpy": np.__version__,
            "networkx": networkx.__version__, "pandas": pd.__version__,
            "python": platform.python_version()}


def run_scenario(scenario: Scenario | str | None = None, seed: int | None = None,
                 years: int | None = None,
                 stop: Callable[[], bool] | None = None) -> RunResult:
    """Run a scenario and return all its tables and a manifest.

    ``stop`` (optional) is asked after the world is built and after every step; when it says
    yes the run ends with ``KeyboardInterrupt`` (``ieisim run`` passes "a Ctrl-C was seen",
    so a Ctrl-C that a finalizer swallowed still stops a long run within one step).
    """
    from sim.model import CooperationModel

    scn = _prepare(scenario, seed, years)
    t0 = time.perf_counter()
    model = CooperationModel(scn)
    t1 = time.perf_counter()
    model.run(stop=stop)
    if stop is not None and stop():
        raise KeyboardInterrupt
    t2 = time.perf_counter()
    manifest = {
        "kind": "run",
        "schema_version": RUN_SCHEMA_VERSION,
        "model_version": MODEL_VERSION,
        "scenario_name": scn.name,
        "scenario": scn.to_dict(),
        "scenario_digest": scn.digest(),
        "seed": scn.run.seed,
        "years": scn.run.years,
        "versions": versions(),
        "git_commit": _git_commit(),
        "timings": {"build_s": round(t1 - t0, 4), "run_s": round(t2 - t1, 4)},
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    return RunResult(model.timeseries(), enterprises_table(model), colleges_table(model),
                     ties_table(model), manifest)


def write_run(result: RunResult, out_dir: str | os.PathLike, overwrite: bool = False) -> Path:
    """Write a run folder atomically (see :mod:`sim.outputs` for the rules).

    ``out_dir`` may be new, an empty folder, or the folder of an earlier run (its manifest
    says ``kind: "run"``), replaced whole only once the new one is complete. An earlier run
    folder that also holds other files is replaced only with ``overwrite``.

    Raises:
        UsageError: ``out_dir`` is a file, a link or a folder that is not an earlier run
            (nothing is written).
        DiskFull: no space left (the earlier folder, if any, is untouched).

    """
    from sim.outputs import RUN, check_output, named_os_errors, staging_folder, swap_in

    out = Path(out_dir)
    check_output(out, RUN, overwrite)
    with staging_folder(out) as tmp, named_os_errors(out.parent):
        result.timeseries.to_csv(tmp / "timeseries.csv", index=False)
        result.enterprises.to_csv(tmp / "enterprises.csv", index=False)
        result.colleges.to_csv(tmp / "colleges.csv", index=False)
        result.ties.to_csv(tmp / "ties.csv", index=False)
        (tmp / "manifest.json").write_text(json.dumps(result.manifest, indent=2, default=str))
        check_output(out, RUN, overwrite)  # nothing foreign appeared while we wrote
        swap_in(tmp, out)
    return out


def print_summary(result: RunResult) -> None:
    """Print the final values of the main outputs as a table."""
    from rich.console import Console
    from rich.table import Table

    from sim.metrics import OUTPUT_INFO

    last = result.timeseries.iloc[-1]
    table = Table(title=f"{result.manifest.get('scenario_name', 'run')}: year "
                        f"{last['year']:.0f}, seed {result.manifest.get('seed')}")
    table.add_column("output")
    table.add_column("value", justify="right")
    table.add_column("unit")
    for name, (label, unit, _) in OUTPUT_INFO.items():
        table.add_row(label, f"{last[name]:.3f}", unit)
    Console().print(table)
