"""``analyze``: from a sweep folder to sensitivity, discovery, frontier and diagnostics.

The methods follow from the sweep's design (:data:`METHODS_BY_DESIGN`); asking for a method
the design cannot support is refused with the reason (:data:`WHY_NOT`). Every index is
computed on the replicate means of the run summaries (:mod:`sim.analysis.loading`), one
value per design point in the sampler's order. Nothing is written here: see
:func:`sim.analysis.writing.write_analysis`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from sim.analysis import (
    anova,
    calibration_uncertainty,
    cost,
    direction,
    discovery,
    meeting,
    moment_free,
    morris,
    noise,
    ofat,
    robustness,
    sobol,
)
from sim.analysis import scenarios as scen
from sim.analysis.loading import Sweep, load_sweep, missing_points, read_manifest
from sim.analysis.settings import Settings, settings_from
from sim.analysis.table import frame
from sim.analysis.table import row as table_row
from sim.errors import UsageError
from sim.experiment.design import ofat_layout
from sim.experiment.store import completeness
from sim.version import MODEL_VERSION, changed_columns, manifest_version

METHODS_BY_DESIGN: Mapping[str, tuple[str, ...]] = {
    "sobol": ("sobol", "pawn", "spearman"),
    "morris": ("morris",),
    "lhs": ("pawn", "spearman"),
    "grid": ("anova", "spearman"),
    "scenarios": ("paired",),
    "ofat": ("ofat",),  # one factor at a time: trend over each lever's range, no global index
}
"""Methods run by default for each design (all a design supports)."""
METHODS: tuple[str, ...] = ("sobol", "morris", "pawn", "anova", "spearman", "paired", "ofat")
WHY_NOT: Mapping[str, str] = {
    "sobol": "Sobol' indices need a Saltelli sample (design = \"sobol\")",
    "morris": "Morris screening needs trajectories (design = \"morris\")",
    "pawn": "PAWN needs a continuous sample (design = \"lhs\" or \"sobol\")",
    "anova": "main effects need a full factorial (design = \"grid\")",
    "spearman": "rank correlations need factors varied across design points "
                "(design = \"lhs\", \"grid\" or \"sobol\")",
    "paired": "paired comparisons need a scenarios design (design = \"scenarios\")",
    "ofat": "trends over one lever's range need a one-factor-at-a-time design "
            "(design = \"ofat\")",
}
"""Why a method is refused for designs that cannot support it."""
COOPERATION_OUTPUTS: tuple[str, ...] = ("joint_rd_per_100_firms",
                                        "rd_ties_per_100_partner_firms", "share_joint_rd",
                                        "mean_rung", "enterprise_participation", "n_ties",
                                        "public_cost")
"""Outputs analysed by default for cooperation-model sweeps (those present). Since model
version 3 counts real firms, joint R&D per 100 *partner* firms and the number of ties say
more about cooperation than the shares of all the region's firms."""


@dataclass
class AnalysisResult:
    """Everything one analysis produced (DataFrames for a notebook, ``info`` for JSON).

    Attributes:
        path: the sweep folder.
        design: the sweep's design.
        outputs: outputs analysed.
        methods: methods run.
        settings: the settings that fix the numbers.
        sensitivity: the ``sensitivity.csv`` table.
        discovery: the ``discovery.csv`` table.
        frontier: output -> non-dominated (cost, outcome) table.
        points: one row per design point (factor columns and replicate means).
        info: the ``analysis.json`` content (targets, settings, diagnostics).

    """

    path: Path
    design: str
    outputs: list[str]
    methods: list[str]
    settings: Settings
    sensitivity: pd.DataFrame
    discovery: pd.DataFrame
    frontier: dict[str, pd.DataFrame]
    points: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)


def _default_outputs(manifest: Mapping[str, Any]) -> list[str] | None:
    known = list(manifest.get("outputs") or [])
    chosen = [o for o in COOPERATION_OUTPUTS if o in known]
    return chosen or None


def _methods(design: str, requested: Iterable[str] | None) -> list[str]:
    supported = METHODS_BY_DESIGN[design]
    if not requested:
        return list(supported)
    chosen = list(dict.fromkeys(requested))
    for m in chosen:
        if m not in METHODS:
            raise UsageError(f"--method {m!r}: choose from {', '.join(METHODS)}")
        if m not in supported:
            raise UsageError(f"--method {m}: this sweep's design is {design!r}; {WHY_NOT[m]}")
    return chosen


def _targets(texts: Iterable[str] | Mapping[str, str] | None,
             outputs: list[str]) -> dict[str, str]:
    """Output -> ``"op threshold"`` from ``--target`` texts (each naming its output)."""
    if not texts:
        return {}
    if isinstance(texts, Mapping):
        items = list(texts.items())
    else:
        items = []
        for text in texts:
            name, rest = discovery.split_target(text, outputs)
            if name is None:
                if len(outputs) != 1:
                    raise UsageError(f"--target {text!r}: name the output, e.g. "
                                     f"'{outputs[0]} {rest}'")
                name = outputs[0]
            items.append((name, rest))
    for name, _ in items:
        if name not in outputs:
            raise UsageError(f"target for {name!r}: not an analysed output "
                             f"({', '.join(outputs)})")
    return dict(items)


def _output_label(name: str) -> tuple[str, str]:
    try:
        from sim.metrics import OUTPUT_INFO
    except ImportError:  # the cooperation model's metrics may be absent (e.g. ishigami only)
        return name, ""
    label, unit, *_ = OUTPUT_INFO.get(name, (name, ""))
    return label, unit


def _factor_kinds(sweep: Sweep) -> tuple[list[str], list[str]]:
    levers = [f["name"] for f in sweep.factors if f.get("kind") != "behaviour"]
    behaviours = [f["name"] for f in sweep.factors if f.get("kind") == "behaviour"]
    return levers, behaviours


def _check_complete(sweep: Sweep, method: str) -> None:
    gone = missing_points(sweep)
    if gone:
        shown = ", ".join(map(str, gone[:5])) + (" ..." if len(gone) > 5 else "")
        raise UsageError(f"{method} needs every design point, but {len(gone)} have no finished "
                         f"run (points {shown}); re-run the sweep to complete it")


def analyze(path: str | Path, outputs: list[str] | None = None,
            target: Iterable[str] | Mapping[str, str] | None = None,
            methods: Iterable[str] | None = None, *, seed: int | None = None,
            resamples: int | None = None, groups: bool | None = None,
            baseline: str | None = None, box: int | None = None) -> AnalysisResult:
    """Analyse a finished sweep folder.

    Args:
        path: the sweep folder.
        outputs: outputs to analyse (default: the cooperation outcomes
            :data:`COOPERATION_OUTPUTS` present in the sweep, else all its outputs).
        target: target expressions such as ``"joint_rd_per_100_firms >= 5"`` (or a mapping
            output -> ``">= 5"``); outputs without one get the default quantile target.
        methods: methods to run (default: all the design supports).
        seed: analysis seed (overrides the experiment's ``[analysis]`` table, as do the
            next three; see :mod:`sim.analysis.settings`).
        resamples: bootstrap resamples.
        groups: indices for lever groups.
        baseline: baseline scenario of a scenarios design.
        box: point on the first PRIM box's coverage-density trade-off (peeling trajectory
            index) to report instead of the automatic choice.

    Raises:
        UsageError: bad folder, unknown output, unsupported method, bad target, or a
            structured design (sobol, morris) with missing points.

    """
    path = Path(path)
    manifest = read_manifest(path)  # validate everything before loading rows
    made_by = manifest_version(manifest)
    stale = {o: m for o, m in changed_columns(made_by).items()
             if o in (manifest.get("outputs") or [])}
    for o in outputs or []:
        if o in stale:
            raise UsageError(f"--output {o}: this sweep was made by model version {made_by!r}; "
                             f"the meaning of {o} changed since (now: {stale[o]}); see "
                             "docs/schema.md")
    chosen = outputs or _default_outputs(manifest)
    if chosen:
        chosen = [o for o in chosen if o not in stale]
    design = manifest["design"]
    run_methods = _methods(design, methods)
    known = [o for o in manifest.get("outputs") or [] if o not in stale]
    analysed = list(dict.fromkeys(chosen or known))
    targets = _targets(target, [o for o in analysed if o in known] or analysed)
    settings = settings_from(manifest, seed=seed, resamples=resamples, groups=groups,
                             baseline=baseline, targets=targets)
    load = analysed + ([cost.COST_OUTPUT] if cost.COST_OUTPUT in known and
                       cost.COST_OUTPUT not in analysed else [])
    for expr in settings.targets.values():
        for name in discovery.named_outputs(expr):
            if name not in known:
                raise UsageError(f"target {expr!r}: {name!r} is not an output of this sweep: "
                                 f"choose from {', '.join(known)}")
            if name not in load:
                load.append(name)
    sweep = load_sweep(path, load)
    for name in settings.targets:
        if name not in analysed:
            raise UsageError(f"[analysis] target for {name!r}: not an analysed output")
    if box is not None and box < 0:
        raise UsageError(f"--box {box}: expected an index >= 0 on the trade-off")
    result = _run(sweep, analysed, run_methods, settings, box)
    result.info["model_version"] = made_by
    if stale:
        result.info["skipped_outputs"] = sorted(stale)
        result.info["notes"].append(version_note(made_by, stale))
    return result


def version_note(made_by: str, stale: Mapping[str, str]) -> str:
    """The note naming the outputs of an older sweep left out because their meaning changed."""
    return (f"this sweep was made by model version {made_by} (this is version "
            f"{MODEL_VERSION}): not analysed, because their meaning changed since: "
            f"{', '.join(sorted(stale))} (see docs/schema.md)")


@dataclass
class _Context:
    """What every output's analysis shares: the sweep, its points, the layouts, settings."""

    sweep: Sweep
    methods: list[str]
    settings: Settings
    points: pd.DataFrame
    x: np.ndarray
    bounds: list[list[float]]
    levers: list[str]
    behaviours: list[str]
    lay: sobol.SobolLayout | None = None
    mor: tuple | None = None
    scenarios: list[str] = field(default_factory=list)
    baseline: str | None = None
    box: int | None = None

    @property
    def names(self) -> list[str]:
        return self.sweep.factor_names


def _context(sweep: Sweep, methods: list[str], settings: Settings) -> _Context:
    """Validate the design against the methods and build the shared context."""
    points = sweep.point_table()
    names = sweep.factor_names
    levers, behaviours = _factor_kinds(sweep)
    x = points[names].to_numpy(dtype=float) if names else np.empty((len(points), 0))
    ctx = _Context(sweep, methods, settings, points, x,
                   [[float(f["low"]), float(f["high"])] for f in sweep.factors],
                   levers, behaviours)
    if "sobol" in methods:
        _check_complete(sweep, "Sobol' analysis")
        ctx.lay = sobol.layout(sweep.manifest, sweep.factors, settings.groups)
    if "morris" in methods:
        _check_complete(sweep, "Morris analysis")
        ctx.mor = morris.problem_for(sweep.factors, len(points), settings.groups,
                                     sobol.groups_of(sweep.manifest, sweep.factors))
    if sweep.design == "scenarios":
        ctx.scenarios = list(sweep.manifest.get("scenarios")
                             or list(dict.fromkeys(points["scenario"])))
        ctx.baseline = scen.baseline_of(ctx.scenarios, settings.baseline)
    return ctx


def _indices(ctx: _Context, output: str, values: np.ndarray, info: dict[str, Any]) -> list:
    """Sensitivity-table rows of every method for one (non-constant) output."""
    rows: list[dict] = []
    settings = ctx.settings
    reps = None
    if "sobol" in ctx.methods or "morris" in ctx.methods:  # replicates x points (same seeds)
        reps, _ = noise.replicate_matrix(ctx.sweep.runs, output, "point",
                                         ctx.points["point"].tolist())
    if "sobol" in ctx.methods:
        full = noise.complete_replicates(reps)
        r, conv = sobol.sobol_indices(output, _finite(values, output, "Sobol' analysis"),
                                      ctx.lay, settings, full)
        floors = conv.pop("noise")
        info["convergence"] = conv
        info["sobol"] = {"noise_checked": floors is not None, "replicates": int(len(full)),
                         "effects": floors or {}}
        rows += r
    if "morris" in ctx.methods:
        problem, effects, traj_len = ctx.mor
        levels = int(ctx.sweep.manifest.get("morris_levels") or morris.DEFAULT_LEVELS)
        r, info["morris"] = morris.morris_indices(
            output, ctx.x, _finite(values, output, "Morris analysis"), problem, effects,
            traj_len, levels, settings, noise.complete_replicates(reps))
        rows += r
    sel = _given_data_rows(ctx, values)
    if "pawn" in ctx.methods:
        r, info["pawn"] = moment_free.pawn_indices(output, ctx.x[sel], values[sel], ctx.names,
                                                   ctx.bounds, settings)
        rows += r
    if "anova" in ctx.methods:
        rows += anova.main_effects(output, ctx.points, ctx.sweep.runs, ctx.names, settings)
        floors = anova.noise_floors(ctx.points, output, ctx.names,
                                    info["noise_check"].get("noise_var"))
        if floors is not None:
            info["anova"] = {"noise_floor": floors}
            rows += [table_row(output, "anova", n, "S1_noise_floor", v)
                     for n, v in floors.items()]
    if "spearman" in ctx.methods:
        rows += direction.rank_correlations(output, ctx.x[sel], values[sel], ctx.names,
                                            settings.conf_level)
    if "ofat" in ctx.methods:
        options = ctx.sweep.experiment.get("options") or {}
        layout = ofat_layout(ctx.names, list(options.get("centres") or []),
                             int(options.get("levels") or 0))
        r, info["ofat"] = ofat.range_effects(ctx.sweep.runs, layout, output,
                                             settings.conf_level)
        info["ofat"]["order"] = ofat.lever_order(info["ofat"]["effects"], settings.conf_level)
        rows += r
    if "paired" in ctx.methods:
        r, detail = scen.compare(ctx.sweep.runs, ctx.sweep.timeseries, [output], ctx.baseline,
                                 ctx.scenarios, settings.conf_level,
                                 settings.seed_for(output, "paired"))
        rows += r
        info["scenarios"] = {"baseline": ctx.baseline, "comparisons": detail[output]}
    info["methods"] = list(ctx.methods)
    return rows


def _given_data_rows(ctx: _Context, values: np.ndarray) -> np.ndarray:
    """Rows for given-data methods.

    Finite values and, in a Saltelli sample, only the independent A and B rows.
    """
    sel = np.isfinite(values)
    if ctx.lay is not None:
        ab = np.zeros(len(values), dtype=bool)
        ab[ctx.lay.ab_rows()] = True
        sel &= ab
    return sel


def _target(ctx: _Context, output: str, values: np.ndarray) -> dict[str, Any]:
    """Scenario discovery for the output's target (PRIM; for scenarios: which meet it)."""
    tgt = discovery.make_target(output, values, ctx.settings.targets.get(output))
    for name in tgt.outputs[1:]:
        if name not in ctx.points:
            raise UsageError(f"target {tgt.expression!r}: {name!r} is not an analysed output "
                             "of this sweep")
    others = {n: ctx.points[n].to_numpy(dtype=float) for n in tgt.outputs[1:]}
    if ctx.sweep.design != "scenarios":
        return discovery.discover(tgt, ctx.points[ctx.names], values, others,
                                  ctx.sweep.design, ctx.box)
    # judged on each scenario's interval, not its mean: a threshold inside the interval
    # leaves the verdict undetermined (sim.analysis.meeting)
    verdicts = meeting.scenario_verdicts(tgt, ctx.sweep.runs, ctx.points["scenario"].tolist(),
                                         ctx.settings.conf_level)
    met = meeting.names_by_status(verdicts, meeting.MET)
    return {"target": tgt.expression, "threshold": tgt.threshold, "op": tgt.op,
            "default_threshold": tgt.default, "quantile": tgt.quantile,
            "n_points": int(len(values)), "n_target": len(met),
            "base_rate": len(met) / len(values) if len(values) else None,
            "status": "scenarios", "scenarios_meeting": met,
            "scenarios_undetermined": meeting.names_by_status(verdicts, meeting.UNDETERMINED),
            "scenarios_not_meeting": meeting.names_by_status(verdicts, meeting.NOT_MET),
            "verdicts": verdicts, "boxes": []}


def _run(sweep: Sweep, outputs: list[str], methods: list[str],
         settings: Settings, box: int | None = None) -> AnalysisResult:
    ctx = _context(sweep, methods, settings)
    ctx.box = box
    points = ctx.points
    rows: list[dict] = []
    found: list[tuple[str, dict]] = []
    frontiers: dict[str, pd.DataFrame] = {}
    per_output: dict[str, Any] = {}
    notes: list[str] = []
    have = completeness(sweep.path)  # which runs are missing, said plainly (report, terminal)
    if have.partial:
        notes.append(have.describe() + "; the analysis uses the runs present and design "
                     "points are averaged over the replicates present")
    if box is not None and sweep.design in discovery.REFUSED_DESIGNS:
        notes.append(f"--box {box} was not used: "
                     f"{discovery.REFUSED_DESIGNS[sweep.design]}")
    key = "scenario" if sweep.design == "scenarios" else "point"
    for output in outputs:
        values = points[output].to_numpy(dtype=float)
        label, unit = _output_label(output)
        info: dict[str, Any] = {"label": label, "unit": unit, "summary": sweep.summaries[output],
                                "methods": [], "noise": noise.decompose(sweep.runs, output, key),
                                "noise_check": noise.noise_check(
                                    sweep.runs, output, "point", settings.resamples,
                                    settings.rng_for(output, "noise-check"))}
        per_output[output] = info
        finite = values[np.isfinite(values)]
        if finite.size == 0 or noise.is_constant(finite):
            info["constant"] = True
            info["value"] = float(finite[0]) if finite.size else None
            notes.append(f"{output} is constant across the design"
                         + (f" (= {finite[0]:.6g})" if finite.size else " (no finite value)")
                         + ": no sensitivity indices")
            continue
        info.update(constant=False, mean=float(finite.mean()), min=float(finite.min()),
                    max=float(finite.max()))
        rows += _indices(ctx, output, values, info)
        info["target"] = _target(ctx, output, values)
        found.append((output, info["target"]))
        if cost.COST_OUTPUT in points and output != cost.COST_OUTPUT:
            better = output not in discovery.LOWER_IS_BETTER
            front = cost.frontier(points, output, ctx.names, higher_is_better=better)
            order = points["point"].tolist()
            o_reps, _ = noise.replicate_matrix(sweep.runs, output, "point", order)
            c_reps, _ = noise.replicate_matrix(sweep.runs, cost.COST_OUTPUT, "point", order)
            full = np.isfinite(o_reps).all(axis=1) & np.isfinite(c_reps).all(axis=1)
            front = cost.frontier_uncertainty(front, o_reps[full], c_reps[full], order, better,
                                              settings.conf_level, settings.resamples,
                                              settings.rng_for(output, "frontier"),
                                              settings.willingness_to_pay.get(output))
            frontiers[output] = front
            info["frontier"] = cost.frontier_summary(front, output, len(points),
                                                     sweep.summaries[cost.COST_OUTPUT])
        if ctx.behaviours and sweep.design != "scenarios":
            info["robustness"] = _robustness(ctx, output, values)

    if sweep.design == "scenarios" and "paired" in methods:
        detail = {o: per_output[o]["scenarios"]["comparisons"] for o in outputs
                  if per_output[o].get("scenarios")}
        rows += scen.holm_family(detail, settings.conf_level)
    disc = discovery.discovery_frame([r for _, r in found], [o for o, _ in found])
    manifest = sweep.manifest
    grouped = bool((ctx.lay and ctx.lay.grouped) or (ctx.mor and ctx.mor[1] != ctx.names))
    info_all = {
        "kind": "analysis", "schema_version": 1, "sweep": str(sweep.path),
        "experiment": (manifest.get("experiment") or {}).get("name") or manifest.get("name"),
        "model": manifest.get("model"), "design": sweep.design,
        "n_points": int(len(points)), "replicates": sweep.replicates,
        "n_runs": int(len(sweep.runs)), "methods": methods, "levers_are_groups": grouped,
        "effects": (ctx.lay.names if ctx.lay else ctx.mor[1] if ctx.mor else ctx.names),
        "factors": [{"name": f["name"], "kind": f.get("kind"), "group": f.get("group"),
                     "low": f.get("low"), "high": f.get("high")} for f in sweep.factors],
        "morris_levels": manifest.get("morris_levels"),
        "study": {"scenario": (manifest.get("experiment") or {}).get("scenario"),
                  "years": manifest.get("years")},
        "settings": settings.to_dict(), "outputs": per_output, "notes": notes,
        "summaries": dict(sweep.summaries),
    }
    if sweep.design == "ofat":
        options = sweep.experiment.get("options") or {}
        info_all["design_options"] = {"centres": list(options.get("centres") or []),
                                      "levels": options.get("levels")}
    if have.partial:
        info_all["partial"] = have.to_dict()
    mor = None
    if ctx.mor is not None:  # Morris: also split each replicate's mu*
        levels = int(manifest.get("morris_levels") or morris.DEFAULT_LEVELS)
        mor = (ctx.mor[0], ctx.mor[1], ctx.x, levels)
    calibration = calibration_uncertainty.analyse(sweep.runs, manifest, outputs, settings,
                                                  ctx.baseline, ctx.scenarios, mor)
    if calibration is not None:  # the sweep drew calibrated parameters from a posterior
        info_all["calibration_uncertainty"] = calibration
    if sweep.design == "scenarios":
        info_all["baseline"] = ctx.baseline
        info_all["scenarios"] = ctx.scenarios
    return AnalysisResult(sweep.path, sweep.design, outputs, methods, settings, frame(rows),
                          disc, frontiers, points, info_all)


def _robustness(ctx: _Context, output: str, values: np.ndarray) -> dict[str, Any]:
    """Lever ranking within the halves of each behavioural factor (see robustness)."""
    sweep, x, settings, mor = ctx.sweep, ctx.x, ctx.settings, ctx.mor
    levers, behaviours = ctx.levers, ctx.behaviours
    sel = _given_data_rows(ctx, values)
    names = sweep.factor_names
    col = {n: i for i, n in enumerate(names)}
    if sweep.design == "morris" and mor is not None and np.isfinite(values).all():
        problem, effects, traj_len = mor
        levels = int(sweep.manifest.get("morris_levels") or morris.DEFAULT_LEVELS)
        groups = problem.get("groups") or names
        lever_groups = list(dict.fromkeys(g for g, n in zip(groups, names, strict=False)
                                          if n in levers))
        pick = [effects.index(g) for g in lever_groups]
        blocks = np.arange(len(values)).reshape(-1, traj_len)
        split_by = {b: x[:, col[b]][blocks].mean(axis=1) for b in behaviours}

        def importance(mask: np.ndarray, tag: str) -> np.ndarray | None:
            rows = blocks[mask].ravel()
            if np.ptp(values[rows]) == 0:
                return None
            return morris.mu_star(problem, x[rows], values[rows], levels,
                                  settings.seed_for(output, "robust", tag))[pick]

        return robustness.lever_ranking_robustness(lever_groups, split_by, importance,
                                                   "mu_star")
    xs, ys = x[sel], values[sel]
    lever_cols = [col[n] for n in levers]
    split_by = {b: xs[:, col[b]] for b in behaviours}
    pawn_ok = sweep.design in moment_free.SUPPORTED_DESIGNS

    def importance(mask: np.ndarray, tag: str) -> np.ndarray | None:
        y = ys[mask]
        if len(y) < 2 or np.ptp(y) == 0:
            return None
        sub = xs[mask][:, lever_cols]
        if pawn_ok:
            return moment_free.pawn_median(sub, y, settings.seed_for(output, "robust", tag))
        return robustness.abs_spearman(sub, y)

    return robustness.lever_ranking_robustness(levers, split_by, importance,
                                               "pawn" if pawn_ok else "abs_spearman")


def _finite(values: np.ndarray, output: str, method: str) -> np.ndarray:
    if not np.isfinite(values).all():
        raise UsageError(f"{output}: {int((~np.isfinite(values)).sum())} design point(s) have "
                         f"no finite value; {method} needs every point of the design")
    return values
