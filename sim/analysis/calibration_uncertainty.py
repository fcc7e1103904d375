"""How much of each policy effect's uncertainty is calibration, how much replicate noise.

A sweep with ``[uncertainty]`` (:mod:`sim.experiment.posterior`) runs every design point
with the same ``D`` posterior draws x ``S`` seeds per draw; replicate ``r`` is draw
``r // S``. Within one replicate all points share the draw and the seed, so a policy effect
can be computed replicate by replicate (common random numbers), giving ``E[d, s]``:

* *scenario differences* (scenarios design): scenario minus baseline;
* *main effects* (grid, lhs, sobol, morris designs): the change of the output when a factor
  moves from its low to its high bound, the least-squares slope over the design points of
  the replicate with every factor scaled to [0, 1] (exact high-minus-low contrast on a
  two-level grid; the linear trend otherwise).

Each effect's ``E[d, s]`` is split by a one-way random-effects ANOVA (draws as groups,
seeds nested in draws): ``noise_var`` = mean variance between the seeds of one draw
(replicate noise of a single run's effect), ``calibration_var`` = (``S`` x variance of the
draw means - ``noise_var``) / ``S``, clipped at 0 (the spread of the true effect over the
posterior), ``calibration_share`` = calibration / (calibration + noise). Intervals resample
whole draws (with their seeds). The claim "calibration uncertainty moves this effect" is
made only when the F test of the draws (``F = S var(draw means) / noise_var`` on ``D - 1``
and ``D (S - 1)`` degrees of freedom), Holm-adjusted over every effect of every output
analysed (Morris ``mu*`` a family of its own), rejects "no variance between draws" at the
analysis' level; otherwise the spread between draws is said to be indistinguishable from
noise.

Morris designs also get each lever's (or group's) ``mu*`` replicate by replicate, split and
ranked the same way (``mu*`` of a single replicate carries that replicate's noise, so its
level is higher than that of the pooled ``mu*``; the split between draws and seeds is what
is read).

Ranking of levers (or scenarios) across the posterior: each draw ranks the effects by size
(absolute main effects; signed scenario differences) from its seeds' mean; the share of
draws that rank them as the pooled posterior mean does, and that agree on the first, are
reported. Because a draw's ranking also carries replicate noise, the claim that the
calibration changes the ranking is checked against noise: Kendall's tau between
single-seed rankings of the *same* draw (noise only) against tau between rankings of
*different* draws (noise and calibration); the ranking changes across the posterior only
when the within-draw agreement exceeds the between-draw agreement with an interval (draws
resampled) above 0.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import pandas as pd
from scipy.stats import f as f_dist
from scipy.stats import norm
from scipy.stats import t as student_t

from sim.analysis.settings import Settings
from sim.errors import UsageError

MIN_RESAMPLES = 1000
"""Draw-bootstrap resamples at least (cheap: a few small arrays per resample)."""
FEW_DRAWS = 20
"""Fewer complete draws than this: the report says the intervals rest on few draws."""


def uncertainty_of(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The sweep's resolved ``[uncertainty]`` block (empty when it drew no posterior)."""
    return dict((manifest.get("experiment") or {}).get("uncertainty") or {})


def _matrix(runs: pd.DataFrame, output: str, key: str, order: list,
            replicates: int) -> np.ndarray:
    """(replicates x points) of ``output``, replicate ``r`` in row ``r``, NaN where missing."""
    wide = runs.pivot_table(index="replicate", columns=key, values=output, aggfunc="mean",
                            dropna=False)
    return wide.reindex(index=range(replicates), columns=order).to_numpy(dtype=float)


def effects_by_replicate(runs: pd.DataFrame, output: str, design: str,
                         factors: list[Mapping[str, Any]], points: list, replicates: int,
                         baseline: str | None = None,
                         scenarios: list[str] | None = None) -> tuple[list[str], np.ndarray]:
    """Every policy effect of ``output`` in every replicate.

    Args:
        runs: one row per run (``point``, ``replicate``, ``scenario`` for scenarios, output).
        output: output column.
        design: the sweep's design.
        factors: the manifest's factor dicts (``name``, ``low``, ``high``); a factor held at
            one value has no effect to compute and is left out.
        points: design points in order (factor designs) -- the columns of the matrix.
        replicates: replicates per point (draws x seeds per draw).
        baseline: baseline scenario (scenarios design).
        scenarios: scenario names (scenarios design).

    Returns:
        Effect names and an array (effects x replicates), NaN for replicates missing a point.

    """
    if design == "scenarios":
        m = _matrix(runs, output, "scenario", list(scenarios or []), replicates)
        base = list(scenarios).index(baseline)
        names = [s for s in scenarios if s != baseline]
        cols = [list(scenarios).index(s) for s in names]
        return names, (m[:, cols] - m[:, [base]]).T
    m = _matrix(runs, output, "point", points, replicates)
    table = runs.drop_duplicates("point").set_index("point").reindex(points)
    factors = [f for f in factors if float(f["high"]) > float(f["low"])]  # varied ones
    names = [f["name"] for f in factors]
    if not names:
        return [], np.empty((0, replicates))
    u = np.column_stack([(table[f["name"]].to_numpy(dtype=float) - float(f["low"]))
                         / (float(f["high"]) - float(f["low"])) for f in factors])
    design_matrix = np.column_stack([np.ones(len(points)), u])
    coef = np.full((len(names), m.shape[0]), np.nan)
    full = np.isfinite(m).all(axis=1)
    if full.any():
        sol, *_ = np.linalg.lstsq(design_matrix, m[full].T, rcond=None)
        coef[:, full] = sol[1:]
    return names, coef


def by_draw(effects: np.ndarray, draws: int, seeds: int) -> np.ndarray:
    """(effects x replicates) -> (effects x draws x seeds): replicate ``r`` is draw ``r // S``."""
    return effects[:, :draws * seeds].reshape(effects.shape[0], draws, seeds)


def _components(e: np.ndarray) -> tuple[float, float, float]:
    """(noise_var, calibration_var, mean square between draws) of a complete (D x S) array."""
    s = e.shape[1]
    within = float(e.var(axis=1, ddof=1).mean())
    msb = s * float(e.mean(axis=1).var(ddof=1))
    return within, max(0.0, (msb - within) / s), msb


def decompose(e: np.ndarray, conf: float, resamples: int,
              rng: np.random.Generator) -> dict[str, Any]:
    """Calibration against replicate noise for one effect, ``e`` of shape (draws, seeds).

    Only draws with every seed finite are used. Returns the mean effect with a t interval
    over draw means, ``noise_var``, ``calibration_var`` and ``calibration_share`` with
    percentile intervals (draws resampled whole), the F test (``f_stat``, ``p_value``,
    ``calibration_detected``), the posterior range of the true effect (mean +/- z
    sqrt(calibration_var), noise removed) and the counts used.
    """
    e = e[np.isfinite(e).all(axis=1)]
    d, s = e.shape
    out: dict[str, Any] = {"draws": int(d), "seeds_per_draw": int(s), "mean": None,
                           "conf_low": None, "conf_high": None, "noise_var": None,
                           "calibration_var": None, "calibration_share": None,
                           "f_stat": None, "p_value": None, "calibration_detected": False,
                           "established": False}
    if d < 2 or s < 2:
        return out
    means = e.mean(axis=1)
    mean = float(means.mean())
    half = float(student_t.ppf(0.5 + conf / 2, d - 1)) * float(means.std(ddof=1)) / math.sqrt(d)
    within, cal, msb = _components(e)
    total = within + cal
    share = cal / total if total > 0 else 0.0
    if within > 0:
        f_stat = msb / within
        p = float(f_dist.sf(f_stat, d - 1, d * (s - 1)))
    else:
        f_stat, p = (math.inf, 0.0) if msb > 0 else (math.nan, 1.0)
    boot = np.empty((resamples, 3))
    for b in range(resamples):
        w, c, _ = _components(e[rng.integers(0, d, d)])
        boot[b] = (w, c, c / (w + c) if w + c > 0 else 0.0)
    lo, hi = np.quantile(boot, [(1 - conf) / 2, (1 + conf) / 2], axis=0)
    z = float(norm.ppf(0.5 + conf / 2))
    out.update(mean=mean, conf_low=mean - half, conf_high=mean + half,
               established=bool(mean - half > 0 or mean + half < 0),
               noise_var=within, noise_var_low=float(lo[0]), noise_var_high=float(hi[0]),
               calibration_var=cal, calibration_var_low=float(lo[1]),
               calibration_var_high=float(hi[1]), calibration_share=share,
               calibration_share_low=float(lo[2]), calibration_share_high=float(hi[2]),
               f_stat=float(f_stat), p_value=p, calibration_detected=bool(p <= 1 - conf),
               posterior_range=[mean - z * math.sqrt(cal), mean + z * math.sqrt(cal)])
    return out


def _tau_matrix(scores: np.ndarray) -> np.ndarray:
    """Kendall's tau-a between the rankings of every pair of rows of ``scores`` (n x K)."""
    k = scores.shape[1]
    i, j = np.triu_indices(k, 1)
    signs = np.sign(scores[:, i] - scores[:, j])
    return signs @ signs.T / len(i)


def ranking(e: np.ndarray, names: list[str], signed: bool, conf: float, resamples: int,
            rng: np.random.Generator) -> dict[str, Any] | None:
    """Whether the ranking of the effects holds across the posterior draws.

    Args:
        e: (effects x draws x seeds).
        names: effect names.
        signed: rank by the signed effect (scenarios) instead of its size (levers).
        conf: interval level.
        resamples: draw-bootstrap resamples.
        rng: generator of the resamples.

    Returns:
        ``None`` for fewer than two effects or two complete draws; else the pooled order,
        ``same_ranking_share`` and ``same_top_share`` over draws, ``tau_within`` (same draw,
        different seeds), ``tau_between`` (different draws), their difference with an
        interval, and ``verdict``: ``changes`` (the difference's interval lies above 0:
        draws rank differently beyond noise) or ``holds`` (draws disagree no more than the
        seeds of one draw: no change of the ranking by the calibration is shown).

    """
    keep = np.isfinite(e).all(axis=(0, 2))
    e = e[:, keep, :]
    k, d, s = e.shape
    if k < 2 or d < 2 or s < 2:
        return None
    score = e if signed else np.abs(e)
    pooled = e.mean(axis=(1, 2))
    pooled_score = pooled if signed else np.abs(pooled)
    order = list(np.argsort(-pooled_score, kind="stable"))
    draw_means = e.mean(axis=2)  # (k, d)
    draw_scores = draw_means if signed else np.abs(draw_means)
    same = [list(np.argsort(-draw_scores[:, j], kind="stable")) == order for j in range(d)]
    top = [int(np.argmax(draw_scores[:, j])) == order[0] for j in range(d)]
    runs = score.reshape(k, d * s).T  # run (draw-major) x effect
    tau = _tau_matrix(runs)
    owner = np.repeat(np.arange(d), s)
    same_draw = owner[:, None] == owner[None, :]
    off = ~np.eye(d * s, dtype=bool)
    w = np.array([tau[np.ix_(owner == j, owner == j)][~np.eye(s, dtype=bool)].mean()
                  for j in range(d)])
    block = np.zeros((d, d))
    for a in range(d):
        for b in range(d):
            if a != b:
                block[a, b] = tau[np.ix_(owner == a, owner == b)].mean()
    tau_within = float(w.mean())
    tau_between = float(tau[off & ~same_draw].mean())
    diffs = np.empty(resamples)
    for r in range(resamples):
        idx = rng.integers(0, d, d)
        pair = idx[:, None] != idx[None, :]
        between = block[np.ix_(idx, idx)][pair].mean() if pair.any() else tau_between
        diffs[r] = w[idx].mean() - between
    lo, hi = np.quantile(diffs, [(1 - conf) / 2, (1 + conf) / 2])
    verdict = "changes" if lo > 0 else "holds"
    return {"order": [names[i] for i in order], "signed": signed, "draws": int(d),
            "same_ranking_share": float(np.mean(same)), "same_top_share": float(np.mean(top)),
            "tau_within": tau_within, "tau_between": tau_between,
            "tau_difference": tau_within - tau_between, "tau_difference_low": float(lo),
            "tau_difference_high": float(hi), "verdict": verdict}


def morris_by_replicate(runs: pd.DataFrame, output: str, points: list, replicates: int,
                        morris_problem: tuple, seed: int) -> np.ndarray:
    """``mu*`` of every Morris effect in every replicate: (effects x replicates).

    NaN where the replicate misses a point. ``morris_problem`` = (SALib problem, effect
    names, design matrix in point order, levels).
    """
    from sim.analysis import morris

    problem, names, x, levels = morris_problem
    m = _matrix(runs, output, "point", points, replicates)
    out = np.full((len(names), replicates), np.nan)
    for r in range(replicates):
        if np.isfinite(m[r]).all():
            out[:, r] = morris.mu_star(problem, x, m[r], levels, seed)
    return out


def analyse(runs: pd.DataFrame, manifest: Mapping[str, Any], outputs: list[str],
            settings: Settings, baseline: str | None = None,
            scenarios: list[str] | None = None,
            morris_problem: tuple | None = None) -> dict[str, Any] | None:
    """The calibration-uncertainty section of ``analysis.json`` (``None`` without a posterior).

    Args:
        runs: one row per run (see :func:`effects_by_replicate`).
        manifest: the sweep's manifest.
        outputs: outputs analysed.
        settings: confidence level, resamples, seeds.
        baseline: baseline scenario (scenarios design).
        scenarios: scenario names (scenarios design).
        morris_problem: (SALib problem, effect names, design matrix, levels) of a Morris
            design, to split ``mu*`` as well.

    Returns:
        ``posterior`` (digest, params, draws, seeds per draw), ``effect_kind``
        (``scenario_difference`` or ``main_effect``) and per output: ``effects`` (name ->
        :func:`decompose`), ``ranking`` (:func:`ranking`) and, for Morris designs,
        ``morris`` (``effects`` and ``ranking`` of ``mu*``).

    """
    unc = uncertainty_of(manifest)
    if not unc:
        return None
    design = manifest["design"]
    try:
        draws, seeds = int(unc["draws"]), int(unc["seeds_per_draw"])
    except (KeyError, TypeError, ValueError):
        raise UsageError("manifest.json: experiment.uncertainty is damaged (no whole draws "
                         "and seeds_per_draw)") from None
    if draws < 1 or seeds < 1:
        raise UsageError(f"manifest.json: experiment.uncertainty has {draws} draws x {seeds} "
                         "seeds")
    head = {"posterior": unc.get("posterior"), "digest": unc.get("digest"),
            "params": list(unc.get("params") or []), "draws": draws, "seeds_per_draw": seeds,
            "calibration_scenario": unc.get("scenario")}
    factors = list(manifest.get("factors") or [])
    if design == "ofat" or (design != "scenarios" and not factors):
        return {**head, "effect_kind": None, "outputs": {},
                "note": f"no policy effect is defined per replicate for a {design} design"}
    kind = "scenario_difference" if design == "scenarios" else "main_effect"
    points = sorted(runs["point"].unique().tolist())
    resamples = max(settings.resamples, MIN_RESAMPLES)
    per_output: dict[str, Any] = {}
    for output in outputs:
        names, eff = effects_by_replicate(runs, output, design, factors, points,
                                          draws * seeds, baseline, scenarios)
        cube = by_draw(eff, draws, seeds)
        rng = settings.rng_for(output, "calibration-uncertainty")
        per_output[output] = {
            "effects": {n: decompose(cube[i], settings.conf_level, resamples, rng)
                        for i, n in enumerate(names)},
            "ranking": ranking(cube, names, kind == "scenario_difference",
                               settings.conf_level, resamples, rng)}
        if design == "morris" and morris_problem is not None:
            mu = by_draw(morris_by_replicate(runs, output, points, draws * seeds,
                                             morris_problem,
                                             settings.seed_for(output, "calibration-morris")),
                         draws, seeds)
            effects = morris_problem[1]
            per_output[output]["morris"] = {
                "effects": {n: decompose(mu[i], settings.conf_level, resamples, rng)
                            for i, n in enumerate(effects)},
                "ranking": ranking(mu, list(effects), True, settings.conf_level, resamples,
                                   rng)}
    for block in ("effects", "morris"):
        _holm_family([(o, b[block] if block == "effects" else b[block]["effects"])
                      for o, b in per_output.items() if block in b], settings.conf_level)
    return {**head, "effect_kind": kind, "outputs": per_output}


def _holm_family(family: list[tuple[str, dict[str, dict]]], conf: float) -> None:
    """Holm-adjust the F tests of a family (every output's effects) and decide the claims.

    Sets ``p_holm``, ``family_size`` and ``calibration_detected`` (``p_holm <= 1 - conf``)
    in place: with several outputs and levers, calibration is claimed for an effect only
    when it survives the adjustment for all the effects tested.
    """
    from sim.analysis.elementary import holm

    cells = [r for _, effects in family for r in effects.values()]
    adjusted = holm(np.array([math.nan if r["p_value"] is None else r["p_value"]
                              for r in cells], dtype=float))
    for r, a in zip(cells, adjusted, strict=True):
        r["p_holm"] = None if not math.isfinite(a) else float(a)
        r["family_size"] = len(cells)
        r["calibration_detected"] = bool(math.isfinite(a) and a <= 1 - conf)


# ----------------------------------------------------------------------------- report words
def _g(v: Any) -> str:
    return "n/a" if v is None or not math.isfinite(float(v)) else f"{float(v):.3g}"


def _pct(v: Any) -> str:
    return "n/a" if v is None else f"{100 * float(v):.0f}%"


def report_lines(info: Mapping[str, Any]) -> list[str]:
    """The ``## Calibration uncertainty`` section of ``report.md`` (empty without one)."""
    cu = info.get("calibration_uncertainty")
    if not cu:
        return []
    conf = info.get("settings", {}).get("conf_level", 0.95)
    lines = ["## Calibration uncertainty", "",
             f"Calibrated parameters ({', '.join(cu['params'])}) were drawn from the posterior "
             f"`{cu['posterior']}` (calibrated on `{cu.get('calibration_scenario')}`, "
             f"content digest {cu['digest']}): {cu['draws']} draws x "
             f"{cu['seeds_per_draw']} seeds, the same draw-seed pairs at every design point. "
             "For each effect, the variance of a single run's effect is split into calibration "
             "uncertainty (between draws) and replicate noise (between the seeds of a draw); "
             f"intervals are {100 * conf:.0f}% (draws resampled). Calibration is said to move "
             "an effect only when the variance between draws exceeds what noise gives (F "
             "test, Holm-adjusted over all effects and outputs). The indices and "
             "replicate-noise diagnostics above treat every (draw, seed) pair as a "
             "replicate: they are averaged over the posterior, and "
             "their \"noise\" includes calibration uncertainty, which this section "
             "separates.", ""]
    if cu.get("note"):
        return lines + [cu["note"] + ".", ""]
    what = "difference from the baseline" if cu["effect_kind"] == "scenario_difference" else \
        "main effect (low to high bound)"
    for output, block in cu["outputs"].items():
        lines += [f"### `{output}`", ""]
        lines += _block_lines(block, what, conf)
        if block.get("morris"):
            lines += ["Morris mu* of single replicates (a replicate's mu* includes its noise):",
                      ""] + _block_lines(block["morris"], "mu*", conf)
    return lines


def _block_lines(block: Mapping[str, Any], what: str, conf: float) -> list[str]:
    """Table, calibration claims and ranking of one set of effects."""
    lines = [f"| effect | {what} | calibration share | calibration var | noise var | "
             "beyond noise? |", "|---|---|---|---|---|---|"]
    few = False
    for name, r in block["effects"].items():
        if r["mean"] is None:
            lines.append(f"| `{name}` | n/a (fewer than 2 complete draws) | | | | |")
            continue
        few = few or r["draws"] < FEW_DRAWS
        verdict = ("yes (Holm p = " + _g(r.get("p_holm", r["p_value"])) + ")"
                   if r["calibration_detected"]
                   else "no: the effect does not vary" if r["noise_var"] == 0
                   and r["calibration_var"] == 0
                   else "no: not distinguishable from noise")
        lines.append(
            f"| `{name}` | {_g(r['mean'])} [{_g(r['conf_low'])}, {_g(r['conf_high'])}] | "
            f"{_pct(r['calibration_share'])} [{_pct(r['calibration_share_low'])}, "
            f"{_pct(r['calibration_share_high'])}] | {_g(r['calibration_var'])} | "
            f"{_g(r['noise_var'])} | {verdict} |")
    lines.append("")
    moved = [n for n, r in block["effects"].items() if r["calibration_detected"]]
    if moved:
        ranges = "; ".join(
            f"`{n}` {_g(block['effects'][n]['posterior_range'][0])} to "
            f"{_g(block['effects'][n]['posterior_range'][1])}" for n in moved)
        lines += [f"Calibration uncertainty moves {', '.join(f'`{n}`' for n in moved)} "
                  f"beyond replicate noise; over the posterior the effect lies about "
                  f"({100 * conf:.0f}%, noise removed): {ranges}.", ""]
    else:
        lines += ["No effect varies between posterior draws beyond replicate noise.", ""]
    rk = block.get("ranking")
    if rk:
        if rk["verdict"] == "changes":
            words = ("the calibration changes the ranking: draws agree less with each "
                     "other than seeds of one draw do")
        else:
            words = ("draws disagree no more than seeds of one draw do: the ranking is "
                     "not shown to depend on the calibration")
        lines += [f"Ranking across the posterior ({' > '.join(rk['order'])}): "
                  f"{_pct(rk['same_ranking_share'])} of draws give the same ranking, "
                  f"{_pct(rk['same_top_share'])} the same first; Kendall's tau within "
                  f"draws {_g(rk['tau_within'])}, between draws {_g(rk['tau_between'])} "
                  f"(difference {_g(rk['tau_difference'])} "
                  f"[{_g(rk['tau_difference_low'])}, {_g(rk['tau_difference_high'])}]): "
                  f"{words}.", ""]
    if few:
        lines += [f"Fewer than {FEW_DRAWS} complete draws: the intervals rest on few "
                  "draws.", ""]
    return lines


def summary_lines(info: Mapping[str, Any]) -> list[str]:
    """One line per output for the report's summary (and the terminal); empty without one."""
    cu = info.get("calibration_uncertainty")
    if not cu or not cu.get("outputs"):
        return []
    lines = [f"Calibration uncertainty ({cu['draws']} posterior draws x "
             f"{cu['seeds_per_draw']} seeds; details in report.md):", ""]
    for output, block in cu["outputs"].items():
        moved = [n for n, r in block["effects"].items() if r["calibration_detected"]]
        what = (f"moves {', '.join(f'`{n}`' for n in moved)} beyond replicate noise" if moved
                else "moves no effect beyond replicate noise")
        rk = block.get("ranking")
        rank = ""
        if rk:
            rank = ("; the ranking of effects changes across the posterior" if
                    rk["verdict"] == "changes" else
                    f"; the ranking is not shown to depend on it ({_pct(rk['same_top_share'])} "
                    "of draws agree on the first)")
        lines.append(f"- `{output}`: {what}{rank}.")
    return lines
