"""``report.md`` of a calibration: parameters, targets, trade-offs, identifiability, verdict.

A target is *met* when the central half of the posterior-predictive runs (their weighted
interquartile range) overlaps its interval widened by its tolerance on each side: a good
share of the runs the posterior produces land near what was observed, allowing for replicate
noise (a point target can never hold every noisy run). The fit is *poor*
when any fitted target is not met; the report then says so in its first lines, so a
posterior is never delivered silently when the model cannot reproduce the targets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.calibration.posterior import (
    CONSTRAINED_WIDTH,
    CREDIBLE,
    ParameterSummary,
    weighted_quantile,
)
from sim.calibration.targets import Target

MET_RANGE = (0.25, 0.75)
"""Quantiles of the posterior-predictive runs whose range must overlap a target's interval
(widened by its tolerance) for the target to count as met."""
AT_PRIOR = 0.8
"""Width ratio (posterior 90% interval over prior's) from which a parameter is said to have
stayed at its prior."""


@dataclass(frozen=True)
class TargetCheck:
    """Posterior-predictive check of one target."""

    target: Target
    key: str
    median: float
    lo90: float
    hi90: float
    share_inside: float
    q25: float
    q75: float

    @property
    def met(self) -> bool:
        """Whether the posterior predictive reproduces the target (see module docstring)."""
        t = self.target
        return bool(self.q75 >= t.low - t.tolerance and self.q25 <= t.high + t.tolerance)


def check_targets(targets: tuple[Target, ...], keys: dict[str, str],
                  pred: pd.DataFrame) -> list[TargetCheck]:
    """Posterior-predictive median, 90% interval and shares inside for each target."""
    w = pred["weight"].to_numpy(float)
    out = []
    for t in targets:
        key = keys[t.name]
        y = pred[key].to_numpy(float) if key in pred else np.full(len(pred), np.nan)
        lo, med, hi = weighted_quantile(y, w, np.array([(1 - CREDIBLE) / 2, 0.5,
                                                        (1 + CREDIBLE) / 2]))
        fin = np.isfinite(y)
        inside = fin & (y >= t.low) & (y <= t.high)
        q25, q75 = weighted_quantile(y, w, np.array(MET_RANGE))
        out.append(TargetCheck(t, key, float(med), float(lo), float(hi),
                               float(w[inside].sum() / w.sum()), float(q25), float(q75)))
    return out


def _f(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.3g}"


def _target_table(checks: list[TargetCheck]) -> list[str]:
    lines = ["| target | statistic | observed | tolerance | predictive median [90%] | "
             "runs inside | met | source |", "|---|---|---|---|---|---|---|---|"]
    for c in checks:
        t = c.target
        lines.append(f"| {t.name} | {c.key} | {t.interval_text()} | {t.tolerance:g} | "
                     f"{_f(c.median)} [{_f(c.lo90)}, {_f(c.hi90)}] | {c.share_inside:.0%} | "
                     f"{'yes' if c.met else '**no**'} | {t.source} |")
    return lines


def render(info: dict, params: list[ParameterSummary], fit: list[TargetCheck],
           holdout: list[TargetCheck], pairs: list[tuple[str, str, float]],
           screening: pd.DataFrame | None) -> str:
    """The report as Markdown."""
    poor = [c for c in fit if not c.met]
    lines = [f"# Calibration: {info['targets']['name']}", ""]
    if poor:
        lines += [f"**The fit is poor:** {len(poor)} of {len(fit)} fitted targets are not "
                  "met by the posterior predictive (" + ", ".join(c.target.name for c in poor)
                  + "). The posterior below is the best the model reached, not a set of "
                  "parameters that reproduces what is known; do not use it as calibrated "
                  "defaults.", ""]
    else:
        lines += [f"All {len(fit)} fitted targets are met by the posterior predictive (the "
                  "central half of the posterior runs overlaps each interval widened by its "
                  "tolerance).", ""]
    res = info["result"]
    lines += [f"Scenario `{info['scenario']}`, model version {info['model_version']}, "
              f"{len(params)} parameters, {len(fit)} fitted and {len(holdout)} held-out "
              f"targets. {res['generations']} generations, {res['runs']} model runs, "
              f"{res['wall_seconds']:.0f} s wall time; stopped: {res['stop_reason']}. "
              f"Population {info['settings']['population']}, final ESS "
              f"{_f(res.get('final_ess', math.nan))}, final epsilon "
              f"{_f(res.get('final_epsilon', math.nan))}. Seed {info['settings']['seed']}.",
              ""]
    ess = res.get("final_ess")
    if ess is not None and ess < info["settings"]["min_ess"]:
        lines += [f"Warning: the final effective sample size ({ess:.0f}) is below "
                  f"{info['settings']['min_ess']}; credible intervals are rough.", ""]
    lines += ["## Parameters", "",
              f"90% credible intervals; *constrained* when the interval is at most "
              f"{CONSTRAINED_WIDTH:.0%} of the prior's 90% interval (log10 scale for "
              "log-uniform priors).", "",
              "| parameter | prior | range | posterior median | 90% interval | width / prior | "
              "constrained |", "|---|---|---|---|---|---|---|"]
    for p in params:
        lines.append(f"| {p.name} | {p.prior} | [{p.low:g}, {p.high:g}] | {_f(p.median)} | "
                     f"[{_f(p.lo90)}, {_f(p.hi90)}] | {p.width_ratio:.2f} | "
                     f"{'yes' if p.constrained else 'no'} |")
    lines += ["", "## Fitted targets: posterior predictive against observed", ""]
    lines += _target_table(fit)
    lines += ["", "## Held-out targets (out-of-sample check, not fitted)", ""]
    lines += _target_table(holdout) if holdout else ["None."]
    miss_h = [c for c in holdout if not c.met]
    if miss_h:
        lines += ["", "Held-out targets not met: " + ", ".join(c.target.name for c in miss_h)
                  + "."]
    lines += ["", "## Parameters that trade off", ""]
    if pairs:
        lines += [f"- {a} and {b}: weighted posterior correlation {r:+.2f}" for a, b, r in pairs]
    else:
        lines += ["No pair with |posterior correlation| >= 0.5."]
    lines += ["", "## Identifiability", ""]
    at_prior = [p for p in params if p.width_ratio >= AT_PRIOR]
    if at_prior:
        lines += ["Parameters that stayed at their prior (90% interval at least "
                  f"{AT_PRIOR:.0%} of the prior's): " + ", ".join(p.name for p in at_prior)
                  + "."]
    else:
        lines += ["Every parameter moved away from its prior."]
    if screening is not None and len(screening):
        lines += ["", "Screening before the fit (Morris on the distance; mu* as a share of "
                  "the largest, replicate-noise floor "
                  f"{screening['noise_floor'].iloc[0]:.3g}):", "",
                  "| parameter | mu* share | informative | statistic it moves most "
                  "(mu* / tolerance) |", "|---|---|---|---|"]
        for _, r in screening.iterrows():
            lines.append(f"| {r['parameter']} | {r['mu_star_share']:.2f} | "
                         f"{'yes' if r['informative'] else 'no'} | {r['most_moved']} "
                         f"({r['most_moved_effect']:.2g}) |")
        lines += ["", "Recommended data:"]
        by = screening.set_index("parameter")
        names = [p.name for p in at_prior] + [n for n in by.index
                                              if not by.loc[n, "informative"]
                                              and n not in {p.name for p in at_prior}]
        if not names:
            lines += ["- none needed: every parameter is informed by the targets."]
        for n in names:
            if n in by.index and by.loc[n, "most_moved_effect"] >= 1.0:
                lines.append(f"- {n}: a narrower interval for `{by.loc[n, 'most_moved']}` "
                             "(the target it moves most) would pin it.")
            else:
                lines.append(f"- {n}: none of the targets responds to it; it needs a direct "
                             "measurement or a new statistic that it moves.")
    return "\n".join(lines) + "\n"
