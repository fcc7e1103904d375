"""Scenario discovery: which factor ranges lead to a target outcome (PRIM, EMA Workbench).

A target is ``output OP threshold`` with OP one of ``>=, >, <=, <`` (e.g.
``joint_rd_per_100_firms >= 5``). Without a threshold the default is the 75th percentile of
the design points' replicate means for ``>=`` (25th for ``public_cost``, where less is
better and the default operator is ``<=``), stated in the report.

``ema_workbench.analysis.prim.Prim`` peels boxes over the factor columns of the design
points (cases of interest: points whose replicate mean meets the target). On each peeling
trajectory the box kept is the one with the largest coverage among those with density at
least :data:`DENSITY_GOAL`; if none reaches it, the densest box. Each restriction carries
its quasi-p-value (Bryant & Lempert 2010); one above :data:`QP_MAX` is flagged as not
significant (the box may be over-fitted in that factor), not dropped. Up to :data:`MAX_BOXES`
boxes are found in turn (PRIM removes the cases a box covers before the next search).
Coverage, density and mass are PRIM's own: coverage = share of the target points inside the
box; density = share of the points inside that meet the target; mass = share of all points
inside. A later box counts only points not inside an earlier one.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import UsageError

DENSITY_GOAL = 0.8
"""Box density sought when choosing a box on the peeling trajectory."""
PEEL_ALPHA = 0.05
"""Share of points PRIM peels off per step (EMA Workbench's default)."""
PASTE_ALPHA = 0.05
"""Share of points PRIM pastes back per step (EMA Workbench's default)."""
MASS_MIN = 0.05
"""Smallest share of all points a PRIM box may hold (EMA Workbench's default)."""
QP_MAX = 0.05
"""Quasi-p-value above which a box restriction is reported as not significant."""
MAX_BOXES = 3
"""Most boxes reported per target."""
MIN_BOX_COVERAGE = 0.1
"""Boxes covering less than this share of the target points are not reported."""
DEFAULT_QUANTILE_HIGH = 0.75
"""Default threshold quantile for ``>=`` targets."""
DEFAULT_QUANTILE_LOW = 0.25
"""Default threshold quantile for ``<=`` targets (outputs where less is better)."""
LOWER_IS_BETTER: frozenset[str] = frozenset({"public_cost", "cumulative_public_cost",
                                             "willingness_gap"})
"""Outputs whose default target is ``<=`` (less is better)."""
MIN_POINTS = 10
"""Fewest design points for a PRIM search."""
COLUMNS: tuple[str, ...] = ("output", "target", "box", "lever", "low", "high", "coverage",
                            "density", "mass", "n_points", "n_target", "qp_value")
"""Columns of ``discovery.csv``: one row per restricted factor of each box."""

_TARGET = re.compile(r"^\s*(?:([A-Za-z_][A-Za-z0-9_]*)\s*)?(>=|<=|>|<)\s*([-+0-9.eE]+)\s*$")
_OPS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}


@dataclass(frozen=True)
class Target:
    """A target ``output op threshold``; ``default`` says the threshold was chosen here."""

    output: str
    op: str
    threshold: float
    default: bool = False
    quantile: float | None = None

    @property
    def expression(self) -> str:
        """The target as text, e.g. ``joint_rd_per_100_firms >= 4.2``."""
        return f"{self.output} {self.op} {self.threshold:.6g}"

    def met(self, values: np.ndarray) -> np.ndarray:
        """Boolean array: which values meet the target."""
        return _OPS[self.op](values, self.threshold)


def parse_target(text: str, outputs: list[str] | None = None) -> tuple[str | None, str, float]:
    """Parse ``"name >= 5"`` or ``">= 5"`` into (name or None, op, threshold).

    Raises:
        UsageError: not of that form, or a name that is not an analysed output.

    """
    m = _TARGET.match(text)
    if not m:
        raise UsageError(f"--target {text!r}: expected OUTPUT >= NUMBER (or >, <=, <)")
    name, op, raw = m.groups()
    try:
        threshold = float(raw)
    except ValueError:
        raise UsageError(f"--target {text!r}: {raw!r} is not a number") from None
    if not np.isfinite(threshold):
        raise UsageError(f"--target {text!r}: the threshold must be finite")
    if name is not None and outputs is not None and name not in outputs:
        raise UsageError(f"--target {text!r}: {name!r} is not an analysed output "
                         f"({', '.join(outputs)})")
    return name, op, threshold


def make_target(output: str, values: np.ndarray, text: str | None) -> Target:
    """The target for ``output``: from ``text`` (``">= 5"``) or the default quantile."""
    if text is not None:
        _, op, threshold = parse_target(text)
        return Target(output, op, threshold)
    finite = values[np.isfinite(values)]
    if output in LOWER_IS_BETTER:
        q, op = DEFAULT_QUANTILE_LOW, "<="
    else:
        q, op = DEFAULT_QUANTILE_HIGH, ">="
    return Target(output, op, float(np.quantile(finite, q)), default=True, quantile=q)


def _prim_class():
    logging.getLogger("EMA").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ema_workbench warns about optional extras
        from ema_workbench.analysis import prim
    return prim


def _choose(trajectory: pd.DataFrame) -> int:
    dense = trajectory[trajectory["density"] >= DENSITY_GOAL]
    if len(dense):
        best = dense.sort_values(["coverage", "density"], ascending=False, kind="stable")
        return int(best.index[0])
    return int(trajectory["density"].idxmax())


def _qp_values(box, i: int) -> dict[str, float]:
    """Quasi-p-value of each restriction of box ``i`` (Bryant & Lempert 2010).

    The smaller of its two bounds': the chance that dropping it would leave the density as high.
    """
    _, table = box.inspect(i, style="data")[0]
    qp = table.filter(like="qp value").min(axis=1)
    return {str(k): float(v) for k, v in qp.items() if np.isfinite(v)}


def discover(target: Target, x: pd.DataFrame, values: np.ndarray) -> dict[str, Any]:
    """Run PRIM for ``target`` on design points ``x`` (factor columns) with means ``values``.

    Returns:
        dict with ``target`` (expression), ``n_points``, ``n_target``, ``status`` (``ok``,
        ``none`` when no point meets the target, ``all`` when every point does, ``too_few``)
        and ``boxes``: list of ``{box, coverage, density, mass, limits: {factor: [lo, hi]},
        qp_values: {factor: qp}}`` (only the restricted factors).

    """
    keep = np.isfinite(values)
    x, values = x.loc[keep].reset_index(drop=True), values[keep]
    y = target.met(values)
    out: dict[str, Any] = {"target": target.expression, "threshold": target.threshold,
                           "op": target.op, "default_threshold": target.default,
                           "quantile": target.quantile, "n_points": int(len(y)),
                           "n_target": int(y.sum()), "boxes": [], "status": "ok"}
    varying = [c for c in x.columns if np.ptp(x[c].to_numpy(dtype=float)) > 0]
    if len(y) < MIN_POINTS or not varying:
        out["status"] = "too_few"
        return out
    if not y.any():
        out["status"] = "none"
        return out
    if y.all():
        out["status"] = "all"
        return out
    prim = _prim_class()
    xs = x[varying].astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alg = prim.Prim(xs, y, peel_alpha=PEEL_ALPHA, paste_alpha=PASTE_ALPHA,
                        mass_min=MASS_MIN)
        for number in range(1, MAX_BOXES + 1):
            box = alg.find_box()
            if box is None:
                break
            chosen = _choose(box.peeling_trajectory)
            box.select(chosen)
            stats = box.peeling_trajectory.loc[chosen]
            lims = box.box_lims[chosen]
            qp = _qp_values(box, chosen)
            limits = {}
            for col in varying:
                lo, hi = float(lims[col].iloc[0]), float(lims[col].iloc[1])
                if lo > xs[col].min() or hi < xs[col].max():
                    limits[col] = [lo, hi]
            if float(stats["coverage"]) < MIN_BOX_COVERAGE:
                break
            out["boxes"].append({"box": number, "coverage": float(stats["coverage"]),
                                 "density": float(stats["density"]),
                                 "mass": float(stats["mass"]), "limits": limits,
                                 "qp_values": {k: qp.get(k) for k in limits}})
    return out


def discovery_frame(results: list[dict[str, Any]], outputs: list[str]) -> pd.DataFrame:
    """The ``discovery.csv`` table: one row per restricted factor per box.

    ``lever`` is empty for a box that restricts nothing.
    """
    rows = []
    for output, res in zip(outputs, results, strict=False):
        for b in res["boxes"]:
            base = {"output": output, "target": res["target"], "box": b["box"],
                    "coverage": b["coverage"], "density": b["density"], "mass": b["mass"],
                    "n_points": res["n_points"], "n_target": res["n_target"]}
            if not b["limits"]:
                rows.append({**base, "lever": "", "low": np.nan, "high": np.nan,
                             "qp_value": np.nan})
            for lever, (lo, hi) in b["limits"].items():
                qp = b["qp_values"].get(lever)
                rows.append({**base, "lever": lever, "low": lo, "high": hi,
                             "qp_value": np.nan if qp is None else qp})
    return pd.DataFrame(rows, columns=list(COLUMNS))
