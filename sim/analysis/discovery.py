"""Scenario discovery: which factor ranges lead to a target outcome (PRIM, EMA Workbench).

A target is ``output OP threshold`` with OP one of ``>=, >, <=, <`` (e.g.
``joint_rd_per_100_firms >= 5``), optionally combined with further conditions on other
outputs joined by ``and`` (e.g. ``... >= 3 and public_cost <= 150``: a design point meets it
when its replicate means meet every condition). Without a threshold the default is the 75th
percentile of the design points' replicate means for ``>=`` (25th for ``public_cost``, where less is
better and the default operator is ``<=``), stated in the report.

``ema_workbench.analysis.prim.Prim`` peels boxes over the factor columns of the design
points (cases of interest: points whose replicate mean meets the target). On each peeling
trajectory the box kept is the one with the largest coverage among those with density at
least :data:`DENSITY_GOAL`; if none reaches it, the densest box. Each restriction carries
its quasi-p-value (Bryant & Lempert 2010); one above ``QP_MAX / d`` (Bonferroni over the
``d`` varied factors PRIM could restrict: the box is chosen by searching them all, and on
synthetic sweeps with no effect the unadjusted 0.05 flagged a restriction in 18% of 100
sweeps, the adjusted one in 2%) is flagged as not significant (the box may be over-fitted in
that factor), not dropped. Up to :data:`MAX_BOXES`
boxes are found in turn (PRIM removes the cases a box covers before the next search).
Coverage, density and mass are PRIM's own: coverage = share of the target points inside the
box; density = share of the points inside that meet the target; mass = share of all points
inside. A later box counts only points not inside an earlier one: it is *conditional* on the
earlier boxes. The base rate (share of all points meeting the target) is the density of the
unrestricted space, the yardstick for a box's density.

Limits are snapped to sampled levels (the lowest sampled value inside the box, the highest
inside), so that a bound never falls between two sampled levels and reads as a threshold.
Each box keeps its peeling trajectory (the coverage-density trade-off, as EMA Workbench's
``show_tradeoff``); ``box_choice`` picks a point on the first box's trajectory instead of the
automatic choice (as ``inspect(i)`` does; ``ieisim analyze --box N``).

PRIM needs a space-filling sample (lhs, sobol, grid); on a Morris one-at-a-time sample the
levels are unbalanced along trajectories and boxes are artefacts (a bound on a lever that
raises cost can come out as "needed for low cost"), so Morris designs are refused with that
reason (:data:`REFUSED_DESIGNS`), and so are one-factor-at-a-time (ofat) designs for the same
reason.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass
from typing import Any, Mapping

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
                            "density", "mass", "n_points", "n_target", "qp_value", "base_rate",
                            "significant", "conditional")
"""Columns of ``discovery.csv``: one row per restricted factor of each box. ``base_rate``:
share of all design points meeting the target; ``significant``: the restriction's quasi-p
is at most :data:`QP_MAX` divided by the number of varied factors; ``conditional``: the box
was searched after removing the points of earlier boxes."""

REFUSED_DESIGNS: dict[str, str] = {
    "morris": "PRIM needs a space-filling sample (lhs, sobol or grid); a Morris one-at-a-time "
              "sample has unbalanced levels, so its boxes would be artefacts of the design",
    "ofat": "PRIM needs a space-filling sample (lhs, sobol or grid); a one-factor-at-a-time "
            "sample moves one lever at a time around a centre, so its boxes would be "
            "artefacts of the design (see each lever's trend over its range instead)",
}
"""Designs on which scenario discovery is refused, with the one-line reason."""

_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_TARGET = re.compile(r"^\s*(?:([A-Za-z_][A-Za-z0-9_]*)\s*)?(>=|<=|>|<)\s*([-+0-9.eE]+)\s*$")
_OPS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}


@dataclass(frozen=True)
class Target:
    """A target ``output op threshold``, possibly with further conditions.

    ``conditions``: tuples ``(output, op, threshold)`` on other outputs, joined by ``and``;
    ``default`` says the threshold was chosen here.
    """

    output: str
    op: str
    threshold: float
    default: bool = False
    quantile: float | None = None
    conditions: tuple[tuple[str, str, float], ...] = ()

    @property
    def expression(self) -> str:
        """The target as text, e.g. ``joint_rd_per_100_firms >= 3 and public_cost <= 150``."""
        parts = [f"{self.output} {self.op} {self.threshold:.6g}"]
        parts += [f"{o} {op} {t:.6g}" for o, op, t in self.conditions]
        return " and ".join(parts)

    @property
    def outputs(self) -> list[str]:
        """Every output the target names."""
        return [self.output] + [o for o, _, _ in self.conditions]

    def met(self, values: np.ndarray, others: Mapping[str, np.ndarray] | None = None
            ) -> np.ndarray:
        """Boolean array: which points meet the target.

        ``others``: values of the outputs named in ``conditions``, same order as ``values``.
        """
        ok = _OPS[self.op](values, self.threshold)
        for name, op, thr in self.conditions:
            ok = ok & _OPS[op](np.asarray(others[name], dtype=float), thr)
        return ok


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


def split_target(text: str, outputs: list[str] | None = None) -> tuple[str | None, str]:
    """Split ``"name >= 3 and other <= 150"`` into (name or None, ``">= 3 and other <= 150"``).

    Raises:
        UsageError: a condition not of the form OUTPUT OP NUMBER, or naming an output that is
            not analysed.

    """
    parts = _AND.split(text.strip())
    name, op, threshold = parse_target(parts[0], outputs)
    for extra in parts[1:]:
        other, _, _ = parse_target(extra)  # checked against the sweep's outputs by analyze
        if other is None:
            raise UsageError(f"--target {text!r}: name the output in {extra.strip()!r}, e.g. "
                             f"'public_cost <= 150'")
    rest = " and ".join([f"{op} {threshold!r}", *(p.strip() for p in parts[1:])])
    return name, rest


def named_outputs(text: str) -> list[str]:
    """Outputs named in the ``and`` conditions of a target text (not its first part)."""
    names = []
    for part in _AND.split(text.strip())[1:]:
        name, _, _ = parse_target(part)
        if name is not None:
            names.append(name)
    return names


def make_target(output: str, values: np.ndarray, text: str | None) -> Target:
    """The target for ``output``: from ``text`` or the default quantile.

    ``text``: ``">= 5"``, optionally followed by ``"and other <= 150"`` conditions.
    """
    if text is not None:
        parts = _AND.split(text.strip())
        _, op, threshold = parse_target(parts[0])
        extra = []
        for part in parts[1:]:
            name, op2, thr2 = parse_target(part)
            if name is None:
                raise UsageError(f"target for {output!r}: name the output in {part.strip()!r}")
            extra.append((name, op2, thr2))
        return Target(output, op, threshold, conditions=tuple(extra))
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
    """Quasi-p-value of each restriction of box ``i``.

    The smaller of its two bounds' (Bryant & Lempert 2010): the chance that dropping it would
    leave the density as high.
    """
    _, table = box.inspect(i, style="data")[0]
    qp = table.filter(like="qp value").min(axis=1)
    return {str(k): float(v) for k, v in qp.items() if np.isfinite(v)}


def _snap(values: np.ndarray, lo: float, hi: float) -> tuple[float, float]:
    """Limits moved onto the sampled levels inside [lo, hi] (lowest and highest inside)."""
    inside = values[(values >= lo) & (values <= hi)]
    if inside.size == 0:
        return lo, hi
    return float(inside.min()), float(inside.max())


def _trajectory(box) -> list[dict[str, Any]]:
    """The box's peeling trajectory: coverage, density, mass and restricted dimensions."""
    traj = box.peeling_trajectory
    return [{"index": int(i), "coverage": float(r["coverage"]), "density": float(r["density"]),
             "mass": float(r["mass"]), "restricted": int(r["res_dim"])}
            for i, r in traj.iterrows()]


def discover(target: Target, x: pd.DataFrame, values: np.ndarray,
             others: Mapping[str, np.ndarray] | None = None, design: str | None = None,
             box_choice: int | None = None) -> dict[str, Any]:
    """Run PRIM for ``target`` on design points ``x`` (factor columns) with means ``values``.

    Args:
        target: the target (possibly combined).
        x: factor columns of the design points.
        values: the target output's replicate means.
        others: replicate means of the other outputs a combined target names.
        design: the sweep's design (:data:`REFUSED_DESIGNS` are refused with the reason).
        box_choice: index on the first box's peeling trajectory to use instead of the
            automatic choice (``--box N``).

    Returns:
        dict with ``target`` (expression), ``n_points``, ``n_target``, ``base_rate``,
        ``status`` (``ok``; ``refused`` with ``reason``; ``none`` when no point meets the
        target, ``all`` when every point does, ``too_few``) and ``boxes``: list of ``{box,
        coverage, density, mass, limits: {factor: [lo, hi]} (snapped to sampled levels),
        qp_values: {factor: qp}, significant: {factor: bool}, conditional (later boxes),
        chosen (trajectory index), trajectory: [{index, coverage, density, mass,
        restricted}]}``.

    Raises:
        UsageError: ``box_choice`` is not an index of the first box's trajectory.

    """
    keep = np.isfinite(values)
    for name in target.outputs[1:]:
        keep &= np.isfinite(np.asarray(others[name], dtype=float))
    x, values = x.loc[keep].reset_index(drop=True), values[keep]
    rest = {k: np.asarray(v, dtype=float)[keep] for k, v in (others or {}).items()}
    y = target.met(values, rest)
    out: dict[str, Any] = {"target": target.expression, "threshold": target.threshold,
                           "op": target.op, "default_threshold": target.default,
                           "quantile": target.quantile, "n_points": int(len(y)),
                           "n_target": int(y.sum()),
                           "base_rate": float(y.mean()) if len(y) else None,
                           "boxes": [], "status": "ok"}
    if design in REFUSED_DESIGNS:
        out["status"] = "refused"
        out["reason"] = REFUSED_DESIGNS[design]
        return out
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
    threshold = QP_MAX / len(varying)
    out["qp_threshold"] = threshold
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alg = prim.Prim(xs, y, peel_alpha=PEEL_ALPHA, paste_alpha=PASTE_ALPHA,
                        mass_min=MASS_MIN)
        for number in range(1, MAX_BOXES + 1):
            box = alg.find_box()
            if box is None:
                break
            trajectory = _trajectory(box)
            if number == 1 and box_choice is not None:
                if not 0 <= box_choice < len(trajectory):
                    raise UsageError(f"--box {box_choice}: the first box's coverage-density "
                                     f"trade-off has points 0 to {len(trajectory) - 1}")
                chosen = box_choice
            else:
                chosen = _choose(box.peeling_trajectory)
            box.select(chosen)
            stats = box.peeling_trajectory.loc[chosen]
            lims = box.box_lims[chosen]
            qp = _qp_values(box, chosen)
            limits = {}
            for col in varying:
                lo, hi = float(lims[col].iloc[0]), float(lims[col].iloc[1])
                if lo > xs[col].min() or hi < xs[col].max():
                    limits[col] = list(_snap(xs[col].to_numpy(), lo, hi))
            if float(stats["coverage"]) < MIN_BOX_COVERAGE and not (
                    number == 1 and box_choice is not None):
                break
            qps = {k: qp.get(k) for k in limits}
            out["boxes"].append({"box": number, "coverage": float(stats["coverage"]),
                                 "density": float(stats["density"]),
                                 "mass": float(stats["mass"]), "limits": limits,
                                 "qp_values": qps,
                                 "significant": {k: bool(v is not None and v <= threshold)
                                                 for k, v in qps.items()},
                                 "conditional": number > 1, "chosen": int(chosen),
                                 "user_choice": bool(number == 1 and box_choice is not None),
                                 "trajectory": trajectory})
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
                    "n_points": res["n_points"], "n_target": res["n_target"],
                    "base_rate": res.get("base_rate"), "conditional": b.get("conditional",
                                                                           b["box"] > 1)}
            if not b["limits"]:
                rows.append({**base, "lever": "", "low": np.nan, "high": np.nan,
                             "qp_value": np.nan, "significant": False})
            for lever, (lo, hi) in b["limits"].items():
                qp = b["qp_values"].get(lever)
                rows.append({**base, "lever": lever, "low": lo, "high": hi,
                             "qp_value": np.nan if qp is None else qp,
                             "significant": bool(b["significant"].get(lever))})
    return pd.DataFrame(rows, columns=list(COLUMNS))
