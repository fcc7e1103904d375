"""Which figures a sweep folder gets, from its design and the analysis files present.

* scenarios design with time series kept: rung shares over time, mean and 90% band across
  replicates, one panel per scenario;
* scenarios design: joint R&D and participation by enterprise size class, sector,
  ownership, college tier and city with replicate intervals and paired differences from the
  baseline (family-wise); each of them also over time (joint R&D per category, replicate
  t intervals) when the time series was kept;
* any design recording ``public_cost``: the cost-effectiveness frontier of each outcome
  the analysis analysed (its default outcomes when not analysed yet);
* grid design with at least two levers: phase diagrams of those outcomes over the first
  two levers, with the analysis' target as a contour;
* ``sensitivity.csv``: Sobol' S1/ST bars (and an S2 heatmap per outcome when computed),
  Morris mu*-sigma, paired differences against the baseline scenario;
* ``discovery.csv``: the lever ranges scenario discovery found.

Run summaries (final value; mean over the run for yearly flows) and their replicate means
per design point come from :mod:`sim.analysis.loading`, as in the analysis.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.analysis import intervals
from sim.analysis.cost import COST_OUTPUT
from sim.analysis.discovery import LOWER_IS_BETTER
from sim.analysis.loading import Sweep, load_sweep
from sim.analysis.noise import noise_check
from sim.analysis.pipeline import COOPERATION_OUTPUTS
from sim.experiment.design import ofat_layout
from sim.figures import (
    comparison,
    convergence,
    discovery,
    dose,
    frontier,
    group_breakdowns,
    main_effects,
    phase,
    scenario_time,
    sensitivity,
    size_classes,
    tables,
    timeseries,
)
from sim.figures.build import Planned
from sim.figures.folders import AnalysisFiles, read_analysis
from sim.figures.labels import Labels

DEFAULT_BASELINE = "status_quo"
"""Baseline of the paired differences when ``analysis.json`` names none."""
DEFAULT_CONF_LEVEL = 0.95
"""Confidence level of intervals when ``analysis.json`` gives none."""


def _source(sweep: Sweep) -> str:
    m = sweep.manifest
    return (f"sweep `{sweep.path.name}` ({sweep.design} design, {m.get('n_points', '?')} "
            f"points x {m.get('replicates', '?')} replicates = {len(sweep.runs)} finished "
            f"runs, seed {m.get('seed', '?')})")


def outcomes(sweep: Sweep, analysis: AnalysisFiles) -> dict[str, tuple[str, float] | None]:
    """Outcomes for the frontier and phase diagrams, each with its target (op, threshold).

    The outcomes the analysis analysed (``analysis.json`` ``outputs``, with the target it
    used, explicit or default), constant ones and the cost left out; without an analysis,
    the analysis' default outcomes present in the sweep, without targets.
    """
    info = analysis.setting("outputs")
    chosen: dict[str, tuple[str, float] | None] = {}
    if isinstance(info, dict) and info:
        for name, d in info.items():
            if name == COST_OUTPUT or name not in sweep.outputs or not isinstance(d, dict):
                continue
            if d.get("constant"):
                continue
            t = d.get("target") or {}
            ok = t.get("op") in (">=", ">", "<=", "<") and t.get("threshold") is not None
            chosen[name] = (t["op"], float(t["threshold"])) if ok else None
        return chosen
    return {o: None for o in COOPERATION_OUTPUTS if o in sweep.outputs and o != COST_OUTPUT}


def analysed_frontier(analysis: AnalysisFiles) -> dict[str, set]:
    """Outcome -> the frontier points ``ieisim analyze`` found distinguishable (may be empty)."""
    info = analysis.setting("outputs")
    out: dict[str, set] = {}
    if isinstance(info, dict):
        for name, d in info.items():
            rows = ((d or {}).get("frontier") or {}).get("rows") if isinstance(d, dict) else None
            if rows:
                out[name] = {r["point"] for r in rows if r.get("distinguishable")}
    return out


def _higher_is_better(output: str, target: tuple[str, float] | None) -> bool:
    if target is not None:
        return target[0].startswith(">")
    return output not in LOWER_IS_BETTER


def noise_dominates(sweep: Sweep, output: str) -> bool:
    """Whether replicate noise dominates ``output`` (no contour, no directional claim).

    :func:`sim.analysis.noise.noise_check`'s ``suppress_claims``; with fewer than two
    replicates noise cannot be measured and the answer is False.
    """
    check = noise_check(sweep.runs, output, "point", intervals.RESAMPLES,
                        intervals.rng_for("noise", output))
    return bool(check.get("suppress_claims"))


def _plan_over_time(sweep: Sweep, analysis: AnalysisFiles, src: str,
                    labels: Labels) -> list[Planned]:
    """Outcome bands over time per scenario, and paired differences with simultaneous bands."""
    ts = sweep.timeseries
    outputs = [o for o in scenario_time.TIME_OUTPUTS if o in ts]
    if not outputs:
        return []
    scenarios = list(sweep.manifest.get("scenarios") or dict.fromkeys(ts["scenario"]))
    baseline = str(analysis.setting("baseline") or DEFAULT_BASELINE)
    if baseline not in scenarios:
        baseline = scenarios[0]
    others = [s for s in scenarios if s != baseline]
    planned = [Planned(
        "outcomes_over_time", "Participation, deep cooperation and yearly public cost over "
        "time per scenario: replicate mean with the 95% t interval of the mean", src,
        lambda: scenario_time.outcome_bands(ts, outputs, labels))]
    if others and sweep.replicates >= 2:
        for output in outputs:
            planned.append(Planned(
                f"difference_over_time_{output}", f"{output}: each scenario minus {baseline} "
                "at the same seeds over time, with a simultaneous 95% band over all years "
                "(whole-replicate max-|t| bootstrap)", src,
                lambda o=output: scenario_time.difference_bands(ts, o, baseline, others,
                                                                labels)))
    return planned


def _plan_size_classes(sweep: Sweep, analysis: AnalysisFiles, src: str,
                       labels: Labels) -> list[Planned]:
    """Breakdowns per scenario with replicate intervals.

    Size class, sector, ownership, college tier, and city when the worlds have more than
    one; each also over time when the sweep kept its time series.
    """
    outputs = size_classes.size_outputs(sweep.runs.columns)
    scenarios = list(sweep.manifest.get("scenarios") or dict.fromkeys(sweep.runs["scenario"]))
    baseline = str(analysis.setting("baseline") or DEFAULT_BASELINE)
    if baseline not in scenarios:
        baseline = scenarios[0]
    conf = float(analysis.setting("conf_level", DEFAULT_CONF_LEVEL))
    planned = []
    if outputs:
        planned.append(Planned(
            "breakdown_size_class", "Joint R&D ties per 100 firms and participation of each "
            f"enterprise size class at the horizon per scenario (replicate mean, "
            f"{100 * conf:g}% t interval), and each scenario minus {baseline} at the same "
            "seeds with t intervals family-wise over all scenarios x size classes of a measure "
            "(Bonferroni); filled where the interval excludes 0", src,
            lambda: size_classes.size_class_breakdown(sweep.runs, baseline, scenarios,
                                                      labels, conf)))
        planned += _plan_over_time_breakdown(sweep, "size_class", "enterprise size class",
                                             src, labels, conf)
    what = {"sector": "sector", "ownership": "ownership (private, state-owned, foreign-funded)",
            "tier": "college tier (ordinary, Double High; ties per college)",
            "city": "city (first three cities)"}
    for dim, words in what.items():
        if not group_breakdowns.available(dim, sweep.runs):
            continue
        planned.append(Planned(
            f"breakdown_{dim}", f"Joint R&D and participation by {words} at the horizon per "
            f"scenario (replicate mean, {100 * conf:g}% t interval), and each scenario minus "
            f"{baseline} at the same seeds with t intervals family-wise over all scenarios x "
            "categories of a measure (Bonferroni); filled where the interval excludes 0", src,
            lambda d=dim: group_breakdowns.breakdown_figure(sweep.runs, d, baseline, scenarios,
                                                            labels, conf)))
        planned += _plan_over_time_breakdown(sweep, dim, words, src, labels, conf)
    return planned


def _plan_over_time_breakdown(sweep: Sweep, dim: str, words: str, src: str, labels: Labels,
                              conf: float) -> list[Planned]:
    """``<dim>_over_time``: joint R&D of each category over time per scenario, when kept."""
    ts = sweep.timeseries
    if ts is None or not group_breakdowns.over_time_outputs(dim, ts):
        return []
    per = ("per college of each tier" if dim == "tier"
           else "per 100 firms of each category")
    return [Planned(
        f"{dim}_over_time", f"Joint R&D ties {per} by {words} over time per scenario: "
        f"replicate mean with the {100 * conf:g}% t interval of the mean at each recorded "
        "step (pointwise)", src,
        lambda: group_breakdowns.over_time_figure(ts, dim, labels, conf))]


def _plan_dose(sweep: Sweep, chosen: dict, src: str, labels: Labels) -> list[Planned]:
    """Dose-response figures of a one-factor-at-a-time sweep: one per outcome and the cost."""
    options = sweep.experiment.get("options") or {}
    centres = list(options.get("centres") or [])
    levels = int(options.get("levels") or 0)
    layout = ofat_layout(sweep.factor_names, centres, levels)
    shown = list(chosen) + ([COST_OUTPUT] if COST_OUTPUT in sweep.outputs else [])
    planned = []
    for output in shown:
        def draw(o=output):
            table = dose.dose_table(sweep.runs, layout, o)
            return dose.dose_response(table, o, labels, centres, sweep.factor_names)
        planned.append(Planned(
            f"dose_response_{output}", f"Dose-response of {output}: replicate mean against "
            f"each lever's value ({levels} levels, one lever at a time around "
            f"{', '.join(centres)}), 95% t band of the mean; thresholds only where a "
            "breakpoint's bootstrap interval is narrower than a third of the range", src, draw))
    return planned


def plan_sweep(folder: Path, labels: Labels) -> list[Planned]:
    """Read a sweep folder (and its analysis files) and list the figures it supports."""
    sweep = load_sweep(folder)
    analysis = read_analysis(folder)
    src = _source(sweep)
    a_src = f"{src}, analysed by `ieisim analyze`"
    points = sweep.point_table()
    planned: list[Planned] = []

    ts = sweep.timeseries
    if (sweep.design == "scenarios" and ts is not None
            and all(c in ts for c in timeseries.SHARE_COLUMNS)):
        planned.append(Planned(
            "rung_shares_by_scenario", "Share of ties on each rung over time per scenario: "
            f"mean and {timeseries.BAND_PCT:g}% band across replicates", src,
            lambda: timeseries.rung_bands(ts, labels, by="scenario")))
    if sweep.design == "scenarios" and ts is not None:
        planned += _plan_over_time(sweep, analysis, src, labels)
    if sweep.design == "scenarios":
        planned += _plan_size_classes(sweep, analysis, src, labels)

    chosen = outcomes(sweep, analysis)
    if chosen and COST_OUTPUT in sweep.outputs:
        better = {o: _higher_is_better(o, t) for o, t in chosen.items()}
        planned.append(Planned(
            "frontier", "Cost-effectiveness frontier: each outcome against mean yearly public "
            "cost per policy (replicate means) with 95% whole-replicate bootstrap error bars; "
            "non-dominated policies filled where distinguishable from the cheaper frontier "
            "point (paired bootstrap), hollow where not", src,
            lambda: frontier.frontier(points, better, labels, sweep.runs,
                                      analysed_frontier(analysis))))
    names = sweep.factor_names
    if sweep.design == "ofat":
        planned += _plan_dose(sweep, chosen, src, labels)
    if chosen and sweep.design == "grid" and len(names) >= 2:
        x, y = names[:2]
        rest = f", averaged over {', '.join(names[2:])}" if len(names) > 2 else ""
        noisy = {o: noise_dominates(sweep, o) for o in chosen}
        planned.append(Planned(
            "phase", f"Phase diagrams of each outcome over {x} and {y}{rest}; the "
            "analysis target as a dashed contour (hidden where replicate noise dominates), "
            "public-cost isolines in grey", src,
            lambda: phase.phase_diagrams(points, x, y, chosen, labels, noisy)))
        planned.append(Planned(
            "main_effects", "Main effects: each outcome's mean at each level of each lever "
            "(averaged over the other levers), 95% t interval across replicates", src,
            lambda: main_effects.main_effects(sweep.runs, names, list(chosen), labels)))

    sens = analysis.sensitivity
    if sens is not None and not sens.empty:
        levers = sweep.factor_names
        named = list(dict.fromkeys(sens.loc[sens["method"] == sensitivity.SOBOL, "lever"]))
        order = [lv for lv in levers if lv in named] + [lv for lv in named if lv not in levers]
        sobol = sens[(sens["method"] == sensitivity.SOBOL)
                     & sens["index"].isin([sensitivity.FIRST, sensitivity.TOTAL])]
        analytic = (convergence.analytic_ishigami()
                    if sweep.manifest.get("model") == "ishigami" else None)
        if not sobol.empty:
            planned.append(Planned(
                "sobol_indices", "Sobol' first-order (S1) and total (ST) indices with "
                "confidence intervals, one panel per outcome; dashed ticks: the ST replicate "
                "noise alone gives (noise floor), grey: not distinguishable from noise"
                + ("; analytic values of the Ishigami function marked" if analytic else ""),
                a_src, lambda: sensitivity.sobol_bars(
                    sens, labels, order, analytic,
                    1 - float(analysis.setting("conf_level", DEFAULT_CONF_LEVEL)))))
            outs = list(dict.fromkeys(sobol["output"]))
            grouped = bool(analysis.setting("levers_are_groups"))
            planned.append(Planned(
                "sobol_convergence", "Convergence of the Sobol' indices: S1 and ST "
                "recomputed on the first n = 4, 8, ..., N base samples with SALib's "
                "bootstrap interval" + ("; analytic values dashed" if analytic else ""),
                a_src, lambda: convergence.convergence_plot(
                    convergence.convergence_table(sweep.manifest, sweep.factors, points,
                                                  outs, groups=grouped),
                    labels, analytic)))
        s2 = sens[(sens["method"] == sensitivity.SOBOL) & (sens["index"] == sensitivity.SECOND)]
        for output in dict.fromkeys(s2["output"]):
            planned.append(Planned(
                f"sobol_s2_{output}", f"Second-order Sobol' indices (S2) of {output}",
                a_src, lambda o=output: sensitivity.sobol_second_order(sens, labels, order, o)))
        if (sens["method"] == sensitivity.MORRIS).any():
            planned.append(Planned(
                "morris", "Morris screening: mu* against sigma per outcome, levers "
                "numbered (key below the panels; negligible ones near the origin "
                "unnumbered)", a_src,
                lambda: sensitivity.morris_scatter(
                    sens, labels, levers,
                    1 - float(analysis.setting("conf_level", DEFAULT_CONF_LEVEL)))))
        paired = sens[(sens["method"] == comparison.PAIRED)
                      & (sens["index"] == comparison.MEAN_DIFF)]
        if not paired.empty:
            baseline = str(analysis.setting("baseline") or DEFAULT_BASELINE)
            conf = float(analysis.setting("conf_level", DEFAULT_CONF_LEVEL))
            planned.append(Planned(
                "paired_differences", f"Paired differences against {baseline} (same seeds) "
                f"with {100 * conf:g}% confidence intervals, per outcome", a_src,
                lambda: comparison.paired_differences(sens, labels, baseline, conf)))

    disc = analysis.discovery
    if disc is not None and disc["lever"].astype(str).isin(sweep.factor_names).any():
        planned.append(Planned(
            "discovery", "Scenario discovery (PRIM): the first box of lever ranges that "
            "leads to each target, over the swept ranges (all boxes in discovery.csv)", a_src,
            lambda: discovery.discovery_ranges(disc, sweep.factors, labels)))
    return planned


def sweep_tables(folder: Path, labels: Labels) -> dict[str, str]:
    """LaTeX (booktabs) tables of a sweep's main results: ``name -> text``.

    Sobol', Morris and paired differences from ``sensitivity.csv`` (when analysed), and the
    non-dominated policies of the cost-effectiveness frontier (when the sweep records
    ``public_cost``), from the same data as the figures.
    """
    sweep = load_sweep(folder)
    analysis = read_analysis(folder)
    out: dict[str, str] = {}

    def name_of(code: str) -> str:
        return labels.scenario(code) if code in sweep.manifest.get("scenarios", []) else (
            labels.lever(code, unit=False))

    if analysis.sensitivity is not None and not analysis.sensitivity.empty:
        out.update(tables.sensitivity_tables(
            analysis.sensitivity, name_of, lambda o: labels.metric(o),
            1 - float(analysis.setting("conf_level", DEFAULT_CONF_LEVEL))))
    chosen = outcomes(sweep, analysis)
    if chosen and COST_OUTPUT in sweep.outputs and sweep.design != "ofat":
        points = sweep.point_table()
        marked = analysed_frontier(analysis)
        parts = [frontier.frontier_table(points, o, _higher_is_better(o, t), sweep.runs,
                                         analysed=marked.get(o)).assign(output=o)
                 for o, t in chosen.items()]
        data = pd.concat(parts, ignore_index=True)

        def policy(r) -> str:
            if "scenario" in r and isinstance(r["scenario"], str):
                return labels.scenario(r["scenario"])
            return f"point {int(r['point'])}"

        out["table_frontier"] = tables.frontier_latex(data, lambda o: labels.metric(o),
                                                      policy)
    return out
