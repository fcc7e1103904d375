"""Design matrices: the points of an experiment, one row per point, in sampler order.

``grid`` is the full factorial over the listed values (first factor varies slowest);
``lhs`` a Latin hypercube (SALib ``latin``), ``sobol`` Saltelli's extension of the Sobol'
sequence (SALib ``sobol``: ``N * (D + 2)`` points, ``N * (2D + 2)`` with second order),
``morris`` Morris trajectories (SALib ``morris``: ``trajectories * (D + 1)`` points), ``ofat``
one factor at a time (``centres * D * levels`` points, see :func:`ofat_layout`) and
``scenarios`` one point per scenario file. With ``groups = true``, Sobol' and Morris sample
lever groups (SALib ``groups``): ``D`` above is then the number of groups. SALib's analyzers
need the rows in exactly this order, so a point's index is its row here. The samplers draw from
:func:`sim.experiment.seeds.design_rng`, so a design is a pure function of the experiment.
Integer parameters are sampled on ``[low - 0.5, high + 0.5)`` and rounded (every whole value
equally likely); the matrix holds the values actually run.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd

from sim.experiment.seeds import design_rng
from sim.experiment.spec import Experiment

ROUNDING_MARGIN = 0.5
"""Half a unit: integer factors are sampled on [low - 0.5, high + 0.5) then rounded."""


def salib_problem(exp: Experiment) -> dict:
    """The SALib problem dict (``num_vars``, ``names``, ``bounds``, ``groups``) of ``exp``."""
    bounds = []
    for f in exp.factors:
        if f.dtype == "int":
            bounds.append([f.low - ROUNDING_MARGIN, f.high + ROUNDING_MARGIN])
        else:
            bounds.append([f.low, f.high])
    problem = {"num_vars": len(exp.factors), "names": list(exp.factor_names), "bounds": bounds}
    if exp.groups is not None:
        problem["groups"] = list(exp.groups)
    return problem


def n_points(exp: Experiment) -> int:
    """Number of design points without building the matrix (an exact Python integer)."""
    d = len(exp.factors) if exp.groups is None else len(set(exp.groups))
    if exp.design == "grid":
        return math.prod(len(f.values) for f in exp.factors)  # exact: no integer overflow
    if exp.design == "lhs":
        return exp.options["samples"]
    if exp.design == "sobol":
        return exp.options["n"] * (2 * d + 2 if exp.options["second_order"] else d + 2)
    if exp.design == "morris":
        return exp.options["trajectories"] * (d + 1)
    if exp.design == "ofat":
        return len(exp.options["centres"]) * len(exp.factors) * exp.options["levels"]
    return len(exp.scenarios)


def ofat_levels(low: float, high: float, levels: int) -> np.ndarray:
    """The ``levels`` evenly spaced values from ``low`` to ``high`` (both included)."""
    return np.linspace(float(low), float(high), int(levels))


def ofat_layout(factors: list[str], centres: list[str], levels: int) -> pd.DataFrame:
    """Which centre, factor and level each point of a one-factor-at-a-time design is.

    Points run centre by centre, within a centre factor by factor (in factor order), within
    a factor from the lowest level to the highest. Columns: ``point, centre, lever, level``
    (``level`` 0 .. levels-1). Pure function of its arguments, so the figures and the
    analysis rebuild it from the manifest (``experiment.options``).
    """
    rows = [(c, f, k) for c in centres for f in factors for k in range(int(levels))]
    df = pd.DataFrame(rows, columns=["centre", "lever", "level"])
    df.insert(0, "point", np.arange(len(df), dtype=np.int64))
    return df


def ofat_centre_values(exp: Experiment, centre: str) -> dict[str, float]:
    """Factor values at ``centre``: the package's lever values, other factors the base's."""
    from sim.params import BY_NAME
    from sim.policies import package_levers

    package = package_levers(centre)
    base = exp.bases[exp.scenario]
    return {f.name: package[f.name] if f.name in package else base[BY_NAME[f.name].key]
            for f in exp.factors}


def _ofat_design(exp: Experiment) -> pd.DataFrame:
    names = list(exp.factor_names)
    levels = exp.options["levels"]
    rows = []
    for centre in exp.options["centres"]:
        at = ofat_centre_values(exp, centre)
        for f in exp.factors:
            for value in ofat_levels(f.low, f.high, levels):
                row = dict(at)
                row[f.name] = value
                rows.append([row[n] for n in names])
    return pd.DataFrame(rows, columns=names)


DEFAULT_MAX_RUNS = 1_000_000
"""Most runs a sweep accepts unless told otherwise (``--max-runs``): a typo guard (a million
runs of the status quo take about 50 CPU-hours; the design matrix alone of 10^9 points would
not fit in memory)."""


def check_run_count(exp: Experiment, max_runs: int = DEFAULT_MAX_RUNS) -> int:
    """Count the runs of ``exp`` (points x replicates) before any design is built.

    Returns:
        The number of runs.

    Raises:
        UsageError: more than ``max_runs`` runs, or ``max_runs`` is not a whole number >= 1.

    """
    from sim.errors import UsageError

    if isinstance(max_runs, bool) or not isinstance(max_runs, int) or max_runs < 1:
        raise UsageError(f"--max-runs {max_runs!r}: expected a whole number >= 1")
    points = n_points(exp)
    runs = points * exp.replicates
    if runs > max_runs:
        raise UsageError(f"the {exp.design} design of {exp.name!r} has {runs:,} runs ({points:,} "
                         f"points x {exp.replicates} replicates), more than --max-runs "
                         f"{max_runs:,}; shrink the design or raise --max-runs")
    return runs


def build_design(exp: Experiment) -> pd.DataFrame:
    """The design matrix: one row per point (index = point), one column per factor.

    The scenarios design has a single ``scenario`` column instead.
    """
    names = list(exp.factor_names)
    if exp.design == "scenarios":
        return pd.DataFrame({"scenario": list(exp.scenarios)})
    if exp.design == "grid":
        rows = list(itertools.product(*(f.values for f in exp.factors)))
        df = pd.DataFrame(rows, columns=names)
        return _typed(exp, df)
    if exp.design == "ofat":
        df = _ofat_design(exp)
        for f in exp.factors:
            if f.dtype == "int":
                df[f.name] = np.clip(np.rint(df[f.name]), f.low, f.high)
        return _typed(exp, df)
    problem = salib_problem(exp)
    rng = design_rng(exp.seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib's advice on N; validated in spec
        if exp.design == "lhs":
            from SALib.sample import latin

            x = latin.sample(problem, exp.options["samples"], seed=rng)
        elif exp.design == "sobol":
            from SALib.sample import sobol

            x = sobol.sample(problem, exp.options["n"],
                             calc_second_order=exp.options["second_order"], seed=rng)
        else:
            from SALib.sample import morris

            x = morris.sample(problem, exp.options["trajectories"],
                              num_levels=exp.options["levels"], seed=rng)
    df = pd.DataFrame(x, columns=names)
    for f in exp.factors:
        if f.dtype == "int":
            df[f.name] = np.clip(np.rint(df[f.name]), f.low, f.high)
    return _typed(exp, df)


def _typed(exp: Experiment, df: pd.DataFrame) -> pd.DataFrame:
    for f in exp.factors:
        kind = {"float": "float64", "int": "int64", "bool": "bool"}[f.dtype]
        df[f.name] = df[f.name].astype(kind)
    df.index.name = "point"
    return df
