"""``report.md``: the analysis in plain words, ready to adapt for a methods section.

Built only from an :class:`~sim.analysis.pipeline.AnalysisResult` (its tables and ``info``);
no numbers are computed here except rankings and selections of the ones already there.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis import calibration_uncertainty, cost, direction, discovery, methods, noise, sobol
from sim.analysis.elementary import separated_tiers

TOP_INTERACTIONS = 3
"""Second-order pairs listed per output."""
FRONTIER_ROWS = 8
"""Frontier rows shown per output (the full frontier is in analysis.json)."""
WIDE_CI = 0.5
"""A confidence interval wider than this share of its index value counts as wide."""
NEGLIGIBLE_ST = 0.01
"""Total-effect index below which a factor is called without detectable effect."""
STABLE_TAU = 0.6
"""Kendall's tau (half against all trajectories) at or above which a Morris ranking is
called stable."""
TOP_FINDINGS = 3
"""Factors named per output in the summary at the top."""
PCT_WHOLE = 10.0
"""Percentages at or above this are shown as whole numbers."""
ROUNDING_DUST = 1e-9
"""Values smaller than this in magnitude are shown as 0."""
_SALIB = "SALib"
NOT_NOISE = "not distinguishable from noise"
"""Words for an index that does not exceed its replicate-noise floor."""
RATIO_WITHHELD = "— (no ratio: the cost difference's interval contains 0)"
"""Frontier cell for a ratio whose denominator is not distinguishable from 0."""


def _wide_intervals(rows):
    """Rows with a positive index whose interval half-width exceeds ``WIDE_CI`` of it."""
    big = rows[rows["value"] > 0]
    return big[(big["conf_high"] - big["conf_low"]) > WIDE_CI * big["value"] * 2]

def _f(v: Any, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "n/a"
    v = float(v)
    if v == 0:
        return "0"
    return f"{v:.{digits}g}"


def _pct(share: float | None) -> str:
    """A share as a percentage: whole numbers from 10%, two significant digits below."""
    if share is None or not math.isfinite(share):
        return "n/a"
    p = 100 * share
    return f"{p:.0f}%" if abs(p) >= PCT_WHOLE else f"{p:.2g}%"


def _snap(v: float) -> float:
    """Round away floating-point dust (e.g. 1e-15 from cancelling effects) for display."""
    return 0.0 if abs(v) < ROUNDING_DUST else v


def _ci(r: pd.Series) -> str:
    if not (math.isfinite(r["conf_low"]) and math.isfinite(r["conf_high"])):
        return _f(r["value"])
    return f"{_f(r['value'])} [{_f(r['conf_low'])}, {_f(r['conf_high'])}]"


def _pick(table: pd.DataFrame, method: str, index: str) -> pd.DataFrame:
    return table[(table["method"] == method) & (table["index"] == index)].set_index("lever")


MORRIS_WORDS = {
    "raises": "raises it",
    "lowers": "lowers it",
    "mixed": "direction not established (elementary effects of both signs)",
    "none": "no effect beyond replicate noise",
    "not_checked": "not checked against noise (one replicate)",
}
"""Plain words for a Morris lever's direction (see sim.analysis.morris._direction)."""


def _directions(table: pd.DataFrame, morris_info: dict[str, Any] | None = None
                ) -> dict[str, str]:
    words: dict[str, str] = {}
    rho = _pick(table, "spearman", "rho")
    for lever, r in rho.iterrows():
        words[lever] = (f"{direction.direction_word(r['value'], r['conf_low'], r['conf_high'])}"
                        f" (rho {_ci(r)})")
    ratio = _pick(table, "morris", "direction")
    effects = (morris_info or {}).get("effects") or {}
    for lever, r in ratio.iterrows():
        v = r["value"]
        kind = (effects.get(lever) or {}).get("direction", "not_checked")
        word = MORRIS_WORDS[kind]
        words.setdefault(lever, f"{word} (mu/mu* = {_f(_snap(v), 2)})")
    return words


def _ranking(table: pd.DataFrame, info: dict[str, Any]) -> tuple[list[str], str]:
    lines: list[str] = []
    dirs = _directions(table, info.get("morris"))
    if info.get("noise_check", {}).get("suppress_claims") and "morris" not in info["methods"]:
        dirs = {k: "withheld: noise dominates the means" for k in dirs}
    lab = methods.lever_label
    if "sobol" in info["methods"]:
        st, s1 = _pick(table, "sobol", "ST"), _pick(table, "sobol", "S1")
        pawn = _pick(table, "pawn", "pawn")
        order = st.sort_values("value", ascending=False).index.tolist()
        effects = (info.get("sobol") or {}).get("effects") or {}
        real = _sobol_beyond_noise(st, info)
        tier = _tier_numbers(st.loc[[lv for lv in order if lv in real]])
        lines += ["| tier | factor | total effect ST [95% CI] | noise-only ST | ST beyond "
                  "noise (Holm p) | first order S1 [95% CI] | S1 beyond noise (Holm p) | "
                  "PAWN | direction |", "|---|---|---|---|---|---|---|---|---|"]
        for lever in order:
            e = effects.get(lever) or {}
            pw = _ci(pawn.loc[lever]) if lever in pawn.index else "n/a"
            word = dirs.get(lever, "see single levers below")
            if effects and not e.get("ST_detectable"):
                word = "none beyond replicate noise"
            lines.append(f"| {tier.get(lever, '—')} | {lab(lever)} | {_ci(st.loc[lever])} | "
                         f"{_f(e.get('ST_noise_floor'))} | "
                         f"{_beyond(e.get('ST_detectable'), e.get('ST_p_noise_holm'))} | "
                         f"{_ci(s1.loc[lever])} | "
                         f"{_beyond(e.get('S1_detectable'), e.get('S1_p_noise_holm'))} | "
                         f"{pw} | {word} |")
        single = [lv for lv in pawn.index if lv not in st.index]
        if single:
            floor = info.get("pawn", {}).get("noise_floor")
            lines += ["", "Single levers within the groups (PAWN and rank correlation over the "
                      "independent sample rows"
                      + (f"; PAWN below {_f(floor, 2)} is indistinguishable from no effect"
                         if floor is not None else "") + "):", "",
                      "| factor | PAWN [95% CI] | direction |", "|---|---|---|"]
            for lever in pawn.loc[single].sort_values("value", ascending=False).index:
                lines.append(f"| {lab(lever)} | {_ci(pawn.loc[lever])} | "
                             f"{dirs.get(lever, 'n/a')} |")
        return lines, "ST"
    if "morris" in info["methods"]:
        ms, sg = _pick(table, "morris", "mu_star"), _pick(table, "morris", "sigma")
        effects = (info.get("morris") or {}).get("effects") or {}
        order = ms.sort_values("value", ascending=False).index.tolist()
        lines += ["Levers listed by mu*, largest first: a listing, not a ranking (which levers "
                  "move the output more than others beyond noise is said in the Summary).", "",
                  "| # | lever | mu* [95% CI] | noise-only mu* | beyond noise (Holm p) | "
                  "sigma [95% CI] | direction |", "|---|---|---|---|---|---|---|"]
        for i, lever in enumerate(order, 1):
            sig = _ci(sg.loc[lever]) if lever in sg.index else "n/a"
            e = effects.get(lever) or {}
            if e.get("detectable") is None:
                beyond = "not checked"
            else:
                beyond = (f"{'yes' if e['detectable'] else 'no'} "
                          f"(p = {_f(e['p_noise_holm'], 2)})")
            lines.append(f"| {i} | {lab(lever)} | {_ci(ms.loc[lever])} | "
                         f"{_f(e.get('noise_floor'))} | {beyond} | {sig} | "
                         f"{dirs.get(lever, 'n/a')} |")
        return lines, "mu*"
    if "ofat" in info["methods"]:
        return _ofat_ranking(info), "|trend over the range|"
    if "pawn" in info["methods"]:
        pawn = _pick(table, "pawn", "pawn")
        order = pawn.sort_values("value", ascending=False).index.tolist()
        tier = _tier_numbers(pawn)
        lines += ["| tier | factor | PAWN [95% CI] | direction |", "|---|---|---|---|"]
        for lever in order:
            i = tier[lever]
            lines.append(f"| {i} | {lab(lever)} | {_ci(pawn.loc[lever])} | "
                         f"{dirs.get(lever, 'n/a')} |")
        return lines, "PAWN"
    if "anova" in info["methods"]:
        s1, rho = _pick(table, "anova", "S1"), _pick(table, "spearman", "rho")
        order = s1.sort_values("value", ascending=False).index.tolist()
        tier = _tier_numbers(s1)
        lines += ["| tier | factor | main effect S1 [95% CI] | Spearman rho [95% CI] | "
                  "direction |", "|---|---|---|---|---|"]
        for lever in order:
            i = tier[lever]
            r = rho.loc[lever] if lever in rho.index else None
            word = (direction.direction_word(r["value"], r["conf_low"], r["conf_high"])
                    if r is not None else "n/a")
            if info.get("noise_check", {}).get("suppress_claims"):
                word = "withheld: noise dominates the means"
            lines.append(f"| {i} | {lab(lever)} | {_ci(s1.loc[lever])} | "
                         f"{_ci(r) if r is not None else 'n/a'} | {word} |")
        return lines, "S1"
    rho = _pick(table, "spearman", "rho")
    if len(rho):
        order = rho["value"].abs().sort_values(ascending=False).index.tolist()
        ends = rho[["conf_low", "conf_high"]].abs()
        tier = _tier_numbers(rho.assign(
            value=rho["value"].abs(), conf_high=ends.max(axis=1),
            conf_low=ends.min(axis=1).where(rho["conf_low"] * rho["conf_high"] > 0, 0.0)))
        lines += ["| tier | factor | Spearman rho [95% CI] | direction |", "|---|---|---|---|"]
        for lever in order:
            i = tier[lever]
            r = rho.loc[lever]
            lines.append(f"| {i} | {lab(lever)} | {_ci(r)} | "
                         f"{direction.direction_word(r['value'], r['conf_low'], r['conf_high'])} |")
        return lines, "|rho|"
    return lines, ""


def _beyond(detectable: bool | None, p: float | None) -> str:
    """A table cell: whether an index exceeds its replicate-noise floor, with the Holm p."""
    if detectable is None:
        return "not checked"
    return (f"{'yes' if detectable else NOT_NOISE} (p = {_f(p, 2)})")


def _sobol_beyond_noise(st: pd.DataFrame, info: dict[str, Any]) -> list[str]:
    """The factors whose ST has a detectable effect (rows of ``st``, in their order).

    With replicates: ST above its noise floor beyond chance (``ST_detectable``, see
    :func:`sim.analysis.sobol.noise_floor`); in every case ST at least :data:`NEGLIGIBLE_ST`
    and, without replicates, an interval clear of 0.
    """
    effects = (info.get("sobol") or {}).get("effects") or {}
    keep = []
    for lever, r in st.iterrows():
        if r["value"] < NEGLIGIBLE_ST:
            continue
        if effects:
            if (effects.get(lever) or {}).get("ST_detectable"):
                keep.append(lever)
        elif not r["conf_low"] <= 0 <= r["conf_high"]:
            keep.append(lever)
    return keep


def _ofat_ranking(info: dict[str, Any]) -> list[str]:
    """Levers by the size of their trend over the range, per centre (one-at-a-time design)."""
    detail = (info.get("ofat") or {}).get("effects") or {}
    family = (info.get("ofat") or {}).get("family_size")
    lines = ["Levers listed by |trend over the range|, largest first: a listing, not a ranking "
             "(which levers move the output more than others beyond replicate noise is said "
             "in the Summary).", "",
             f"| # | lever | centre | trend over the range [95% CI] | beyond noise (Holm p over "
             f"{family} levers x centres) | direction |", "|---|---|---|---|---|---|"]
    flat = [(c, lv, e) for c, d in detail.items() for lv, e in d.items()]
    flat.sort(key=lambda t: -abs(t[2]["effect"]) if np.isfinite(t[2]["effect"]) else 0.0)
    for i, (centre, lever, e) in enumerate(flat, 1):
        if e.get("detectable") is None:
            beyond = "not checked"
        else:
            beyond = f"{'yes' if e['detectable'] else 'no'} (p = {_f(e['p_holm'], 2)})"
        word = {"raises": "raises it", "lowers": "lowers it",
                "none": "no trend beyond replicate noise"}.get(e["direction"], "not checked")
        lines.append(f"| {i} | {methods.lever_label(lever)} | `{centre}` | "
                     f"{_f(_snap(e['effect']))} [{_f(_snap(e['low']))}, "
                     f"{_f(_snap(e['high']))}] | {beyond} | {word} |")
    return lines


def _headline(table: pd.DataFrame, info: dict[str, Any], measure: str) -> str:
    if measure == "ST":
        st = _pick(table, "sobol", "ST").sort_values("value", ascending=False)
        real = _sobol_beyond_noise(st, info)
        nil = [lv for lv in st.index if lv not in real]
        checked = bool((info.get("sobol") or {}).get("noise_checked"))
        if real:
            text = (_lead(st.loc[real], "ST", "total effect") + ". ST is the share of the "
                    "output variance a factor accounts for on its own and through "
                    "interactions.")
        else:
            text = ("No factor's total effect ST exceeds what replicate noise alone gives: no "
                    "factor is shown to move this output." if checked else
                    "No factor has a detectable total effect ST.")
        effects = (info.get("sobol") or {}).get("effects") or {}
        noisy = [lv for lv in nil if not (effects.get(lv) or {}).get("ST_detectable")]
        small = [lv for lv in nil if lv not in noisy]
        if noisy and checked:
            text += (f" {NOT_NOISE.capitalize()} (ST within its replicate-noise floor): "
                     f"{', '.join(map(methods.lever_label, noisy))}; their order is noise.")
        if small and checked:
            text += (f" Beyond noise but negligible (ST below {NEGLIGIBLE_ST}): "
                     f"{', '.join(map(methods.lever_label, small))}.")
        elif nil and not checked:
            text += f" No detectable effect: {', '.join(map(methods.lever_label, nil))}."
        s1_sum = float(_pick(table, "sobol", "S1")["value"].sum())
        text += (f" First-order effects add up to {_f(s1_sum, 2)}; the rest "
                 f"({_f(max(0.0, 1 - s1_sum), 2)}) is due to interactions.")
        return text
    if measure == "mu*":
        ms = _pick(table, "morris", "mu_star").sort_values("value", ascending=False)
        effects = (info.get("morris") or {}).get("effects") or {}
        if not info.get("morris", {}).get("noise_checked"):
            return (_lead(ms, "mu*", "mean absolute elementary effect") + "; with one "
                    "replicate no lever could be checked against replicate noise.")
        real = [lv for lv in ms.index if (effects.get(lv) or {}).get("detectable")]
        none = [lv for lv in ms.index if lv not in real]
        if not real:
            return ("No lever's mu* exceeds what replicate noise alone produces: no lever is "
                    "shown to move this output.")
        first = ((info.get("morris") or {}).get("order") or {}).get("tiers") or [[real[0]]]
        tied = [lv for lv in first[0] if lv != real[0]]
        text = (f"{len(real)} of {len(ms)} levers move this output beyond replicate noise, "
                f"the largest mu* being that of {methods.lever_label(real[0])} (mu* = "
                f"{_ci(ms.loc[real[0]])}, noise-only level "
                f"{_f(effects[real[0]]['noise_floor'])})"
                + (f", not distinguishable from {', '.join(f'`{lv}`' for lv in tied)}."
                   if tied else "."))
        if none:
            text += (" No effect beyond noise: " + ", ".join(f"`{lv}`" for lv in none)
                     + "; their ranking is noise.")
        return text
    if measure == "S1":
        s1 = _pick(table, "anova", "S1").sort_values("value", ascending=False)
        rest = table[(table["method"] == "anova") & (table["index"] == "interactions")]
        text = _lead(s1, "S1", "main effect over the grid") + "."
        if len(rest):
            text += (f" Interactions between the factors account for {_ci(rest.iloc[0])} of "
                     "the variance of the grid's point means.")
        return text
    if measure == "PAWN":
        pw = _pick(table, "pawn", "pawn").sort_values("value", ascending=False)
        floor = info.get("pawn", {}).get("noise_floor")
        below = [lv for lv, r in pw.iterrows() if floor is not None and r["value"] < floor]
        text = _lead(pw, "PAWN", "shift of the output's distribution") + "."
        if below:
            text += (f" Below the noise floor of {_f(floor, 2)} (indistinguishable from no "
                     f"effect): {', '.join(below)}.")
        return text
    return ""


def _interactions(table: pd.DataFrame) -> list[str]:
    s2 = table[(table["method"] == "sobol") & (table["index"] == "S2")]
    if s2.empty:
        return []
    sig = s2[s2["conf_low"] > 0].sort_values("value", ascending=False).head(TOP_INTERACTIONS)
    if sig.empty:
        return ["No second-order interaction is distinguishable from zero."]
    return ["Strongest interactions (second-order S2 with 95% CI above zero): " + "; ".join(
        f"{r['lever']} x {r['lever2']} {_ci(r)}" for _, r in sig.iterrows()) + "."]


def _discovery(res: dict[str, Any]) -> list[str]:
    how = (f" (default: the {int(100 * res['quantile'])}th percentile of the design points' "
           "means)" if res.get("default_threshold") else "")
    base = res.get("base_rate")
    head = (f"Target `{res['target']}`{how}: met at {res['n_target']} of {res['n_points']} "
            "design points" + (f" (base rate {_f(base, 2)})" if base is not None else "") + ".")
    status = res.get("status")
    if status == "scenarios":
        return [_scenario_verdicts(res)]
    if status == "refused":
        return [head + f" No scenario discovery: {res['reason']}."]
    if status == "none":
        return [head + " No sampled setting reaches it; no ranges can be given."]
    if status == "all":
        return [head + " Every sampled setting reaches it; the factors' ranges do not matter."]
    if status == "too_few":
        return [head + " Too few varied design points for scenario discovery."]
    if not res["boxes"]:
        return [head + " PRIM found no box covering a useful share of them."]
    out = [head + " PRIM (EMA Workbench) finds these lever ranges (limits are sampled levels; "
           "coverage: share of the target points inside the box; density: share of the points "
           "inside that meet the target, against the base rate; each restriction with its "
           f"quasi-p, significant at most {_f(res.get('qp_threshold', discovery.QP_MAX), 2)} "
           f"({discovery.QP_MAX} over the varied factors, Bonferroni); box 2 and later are "
           "conditional "
           "on the earlier boxes: found among the points they leave):"]
    for b in res["boxes"]:
        parts = []
        for k, (lo, hi) in b["limits"].items():
            qp = b["qp_values"].get(k)
            sig = bool(b.get("significant", {}).get(k))
            text = f"{methods.lever_label(k)} in [{_f(lo)}, {_f(hi)}] (quasi-p {_f(qp, 2)})"
            parts.append(text if sig else f"{text}, not significant")
        cond = " conditional on the earlier boxes," if b.get("conditional") else ""
        chosen = (f" trade-off point {b['chosen']} chosen with --box" if b.get("user_choice")
                  else f" trade-off point {b.get('chosen')}")
        out.append(f"- box {b['box']} ({chosen.strip()};{cond} coverage "
                   f"{_f(b['coverage'], 2)}, density {_f(b['density'], 2)}): "
                   f"{'; '.join(parts) or 'no restriction'}.")
    return out


def _scenario_verdicts(res: dict[str, Any]) -> str:
    """Which scenarios meet a target, judged on the 95% interval of each scenario's mean."""
    how = (f" (default: the {int(100 * res['quantile'])}th percentile of the scenarios' "
           "means)" if res.get("default_threshold") else "")
    verdicts = res.get("verdicts")
    if verdicts is None:  # an analysis.json written before verdicts were kept
        met = res.get("scenarios_meeting") or []
        return (f"Target `{res['target']}`{how}: " + (f"scenarios meeting it: {', '.join(met)}."
                                                       if met else "no scenario meets it."))

    def shown(names: list[str]) -> str:
        parts = []
        for n in names:
            iv = verdicts[n]["intervals"]
            parts.append(f"{n} (" + ", ".join(
                f"{o} {_f(m)} [{_f(lo)}, {_f(hi)}]" if len(iv) > 1 else
                f"{_f(m)} [{_f(lo)}, {_f(hi)}]" for o, (m, lo, hi, _n) in iv.items()) + ")")
        return ", ".join(parts)

    met = res.get("scenarios_meeting") or []
    open_ = res.get("scenarios_undetermined") or []
    not_met = res.get("scenarios_not_meeting") or []
    text = (f"Target `{res['target']}`{how}, judged on the 95% interval of each scenario's "
            "mean over its replicates: met (the whole interval on the target's side) by "
            f"{shown(met) if met else 'no scenario'}")
    if open_:
        text += (f"; undetermined (interval straddles the threshold) for {shown(open_)}")
    text += f"; not met by {', '.join(not_met) if not_met else 'no scenario'}."
    return text


def _frontier(front: pd.DataFrame | None, output: str, info: dict[str, Any],
              factors: list[dict[str, Any]]) -> list[str]:
    if front is None or front.empty:
        return []
    summary = info["frontier"]
    nc = info.get("noise_check") or {}
    reps = nc.get("replicates") or 0
    checked = reps >= noise.MIN_NOISE_REPLICATES
    kept = int(front["distinguishable"].sum()) if "distinguishable" in front else len(front)
    out = [f"Cost-effectiveness: {summary['n_frontier']} of {summary['n_points']} sampled "
           f"policies are non-dominated on the replicate means (cost = {cost.COST_OUTPUT}, "
           f"{cost.COST_UNIT}, "
           + ("mean over the run" if summary["cost_summary"] == "mean" else "final value")
           + f"); walking from the cheapest, each compared with the last point kept, "
           f"{max(0, kept - 1)} more of them differ from it by more than replicate noise "
           "(paired bootstrap over "
           "whole replicates; "
           "intervals simultaneous over every pair of sampled policies, since the frontier is "
           "chosen on the same means: "
           + (f"{100 * summary['interval_level']:.3g}%" if summary.get("interval_level")
              else "n/a") + ")."]
    if not checked:
        out[-1] += (f" With {reps} replicate(s) (fewer than {noise.MIN_NOISE_REPLICATES}) "
                    "these intervals could not be checked against noise: no policy beyond the "
                    "cheapest is claimed to be on the frontier.")
    out.append("")
    behaviours = {f["name"] for f in factors if f.get("kind") == "behaviour"}
    label = "scenario" if "scenario" in front else "point"
    ratio_head = f"incremental {output} per CNY million a year [CI]"
    extra = [c for c in front.columns if c in {f["name"] for f in factors}
             and c not in behaviours]
    wtp = summary.get("willingness_to_pay")
    nb_head = ([f"incremental net benefit at {_f(wtp)} CNY million a year per unit of "
                f"{output} (CNY million a year) [CI]"] if wtp else [])
    head = [label, f"{cost.COST_OUTPUT} ({cost.COST_UNIT})", output, "compared with",
            "incremental cost [CI]", f"incremental {output} [CI]", ratio_head, *nb_head,
            "distinguishable from the point compared with", *extra]
    out += ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    shown = front if len(front) <= FRONTIER_ROWS else front.iloc[
        [round(i * (len(front) - 1) / (FRONTIER_ROWS - 1)) for i in range(FRONTIER_ROWS)]]

    def ci(r, key):
        if (key == "incremental_ratio" and math.isfinite(r.get("incremental_cost", math.nan))
                and not math.isfinite(r.get(key, math.nan))):
            return RATIO_WITHHELD
        if key not in r or not math.isfinite(r[key]):
            return "n/a"
        lo, hi = r.get(f"{key}_low"), r.get(f"{key}_high")
        value = _snap(r[key])
        if lo is None or not (math.isfinite(lo) and math.isfinite(hi)):
            return _f(value)
        return f"{_f(value)} [{_f(_snap(lo))}, {_f(_snap(hi))}]"

    name_of = (dict(zip(front["point"], front[label], strict=True))
               if label == "scenario" and "point" in front else {})
    for i, (_, r) in enumerate(shown.iterrows()):
        ident = r[label] if label == "scenario" else int(r[label])
        if i == 0 and "distinguishable" in r:
            word = "reference (cheapest)"
        elif "distinguishable" in r:
            word = "yes" if (r["distinguishable"] and checked) else (
                "not checked" if not checked else "no")
        else:
            word = "n/a"
        ref = r.get("compared_with", math.nan)
        ref = ("—" if i == 0 or ref is None or (isinstance(ref, float) and math.isnan(ref))
               else str(name_of.get(ref, ref) if label == "scenario" else int(ref)))
        cells = [str(ident), _f(r[cost.COST_OUTPUT]), _f(r[output]), ref,
                 ci(r, "incremental_cost"), ci(r, "incremental_effect"),
                 ci(r, "incremental_ratio"),
                 *([ci(r, "incremental_net_benefit")] if wtp else []), word,
                 *(_f(r[c]) for c in extra)]
        out.append("| " + " | ".join(cells) + " |")
    if behaviours:
        out.append(f"\nBehavioural parameters ({', '.join(sorted(behaviours))}) vary across these "
                   "points too (values in analysis.json): part of a frontier point's advantage "
                   "may come from favourable behaviour rather than from its policy.")
    if len(front) > FRONTIER_ROWS:
        out.append(f"\n({FRONTIER_ROWS} of {len(front)} frontier points shown, evenly spread "
                   "along cost; all are in analysis.json, with their lever values.)")
    return out


def _diagnostics(output: str, info: dict[str, Any], table: pd.DataFrame) -> list[str]:
    out: list[str] = []
    nz = info["noise"]
    if nz["noise_share"] is None:
        out.append(f"Replicate noise cannot be measured with {nz['replicates']} replicate per "
                   "design point; indices may include noise. Run at least 2 replicates.")
    elif info.get("scenarios"):
        out.append(f"Replicate noise is {_pct(nz['noise_share'])} of a single run's variance "
                   f"({nz['replicates']} replicates per scenario). The comparisons pair runs "
                   "with the same seed, which removes the noise the scenarios share; the "
                   "intervals of the paired differences above carry what remains. Where an "
                   "interval is too wide to decide, add replicates.")
    else:
        text = (f"Replicate noise is {_pct(nz['noise_share'])} of a single run's variance "
                f"({nz['replicates']} replicates per point).")
        if nz["noise_dominates"]:
            text += " Noise dominates single runs."
        out.append(text)
    conv = info.get("convergence")
    if conv:
        if conv["n_half"] is None:
            out.append(f"Sobol' base sample N = {conv['n_base']} is too small for a "
                       "convergence check.")
        else:
            verdict = ("converged" if conv["converged"] else
                       "not converged: use a larger N")
            out.append(f"Convergence: between N = {conv['n_half']} and N = {conv['n_base']} the "
                       f"largest change of any S1 is {_f(conv['max_change_S1'], 2)} and of any "
                       f"ST {_f(conv['max_change_ST'], 2)} ({verdict}; tolerance "
                       f"{sobol.CONVERGED_TOL}).")
        wide = _wide_intervals(_pick(table, "sobol", "ST"))
        if len(wide):
            out.append(f"Confidence intervals are wide relative to the indices for "
                       f"{', '.join(wide.index)} (half-width over {int(100 * WIDE_CI)}% of ST): "
                       "a larger N would sharpen them.")
    ms = _pick(table, "morris", "mu_star")
    wide = _wide_intervals(ms)
    if len(wide):
        out.append(f"The mu* intervals are wide relative to mu* (half-width over "
                   f"{int(100 * WIDE_CI)}%) for {len(wide)} of {len(ms)} factors: more "
                   "trajectories, or more replicates where noise is large, would sharpen them.")
    mo = info.get("morris")
    if mo and mo.get("kendall_tau_halves") is not None:
        tau = mo["kendall_tau_halves"]
        out.append(f"Screening stability: the mu* rankings from two disjoint halves of the "
                   f"{mo['trajectories']} trajectories agree with Kendall tau = {_f(tau, 2)}"
                   + (" (stable)." if tau >= STABLE_TAU else
                      " (unstable: the ranking of levers below the noise floor is noise; add "
                      "trajectories to rank the others)."))
    nc = info.get("noise_check") or {}
    if nc.get("noise_share_of_means") is not None and not info.get("scenarios"):
        out.append(f"Resampling whole replicates (all points of a replicate share a seed), "
                   f"noise is {_pct(nc['noise_share_of_means'])} of the variance of the design "
                   f"points' means ({nc['replicates']} complete replicates)"
                   + (": over half, so no directional or ranking claim is made from the means."
                      if nc["suppress_claims"] else ".")
                   + (f" To sharpen the indices, use more replicates: about "
                      f"{nc['suggested_replicates']} would bring it to "
                      f"{_pct(noise.TARGET_NOISE_IN_MEANS)}." if nc.get("suggested_replicates")
                      else ""))
    if nc and not nc.get("checked"):
        out.append(f"Only {nc.get('replicates')} complete replicate(s): claims resting on the "
                   "whole-replicate bootstrap (noise share of the means, frontier neighbours) "
                   f"need at least {noise.MIN_NOISE_REPLICATES} and could not be checked "
                   "against noise.")
    if nc.get("zero_inflated"):
        out.append(f"Zero-inflated: {_pct(nc['zero_share'])} of runs are exactly 0, so means "
                   "and indices rest on the few runs that are not.")
    return out


def _robustness(rob: dict[str, Any] | None) -> list[str]:
    if not rob or not rob["by_factor"]:
        return []
    out = [f"Robustness to behavioural uncertainty (lever ranking by {rob['measure']} within the "
           "low and high half of each behavioural parameter):"]
    for b, r in rob["by_factor"].items():
        if r.get("holds") is None:
            out.append(f"- {b}: too few points in a half to rank the levers.")
            continue
        word = "holds" if r["holds"] else "does not hold"
        out.append(f"- {b} (split at {_f(r['split'])}): the ranking {word} (Kendall tau "
                   f"{_f(r['kendall_tau'], 2)}; top lever {r['top_low']} vs {r['top_high']}).")
    ref = rob.get("reference_tau")
    if rob["holds"] is not None:
        if rob["holds"]:
            out.append("Overall the lever ranking holds across the behavioural ranges sampled.")
        elif ref is not None and ref < rob["holds_tau"]:
            out.append(f"The ranking is unstable even between two arbitrary halves of the "
                       f"sample (Kendall tau {_f(ref, 2)}), so these failures say more about "
                       "sample size than about behaviour: add trajectories or points before "
                       "judging robustness.")
        else:
            out.append("Overall the lever ranking depends on how agents behave (two arbitrary "
                       f"halves of the sample agree with Kendall tau {_f(ref, 2)}): state it "
                       "as conditional on the behavioural assumptions.")
    return out


def _scenarios(info: dict[str, Any], output: str) -> list[str]:
    sc = info.get("scenarios")
    if not sc:
        return []
    first = next(iter(sc["comparisons"].values()), {})
    family = first.get("family_size", "n/a")
    out = [f"Paired differences against `{sc['baseline']}` (same seeds per replicate): the "
           "absolute difference first, mean [Holm-adjusted 95% CI]; *established* means the "
           f"Holm-adjusted p over all {family} scenario x output comparisons is at most 0.05. "
           "Every interval in this table is Holm-adjusted over the same family (Holm-"
           "compatible: the interval of the k-th smallest p has level 1 - 0.05/(m - k + 1), "
           "held at the first step Holm does not reject), so an interval excludes 0 exactly "
           "when the difference is established; the unadjusted 95% intervals are in "
           "analysis.json. Relative changes only where the baseline is distinguishable from "
           "0 (Fieller interval, at the same adjusted level); time to effect from a "
           "simultaneous band over time, given only for established differences.", "",
           "| scenario | difference [Holm-adjusted 95% CI] | Holm p | established | relative "
           "change [Holm-adjusted Fieller 95% CI] | effect size d_z | time to effect (years) |",
           "|---|---|---|---|---|---|---|"]
    for name, c in sc["comparisons"].items():
        lo, hi = c.get("holm_low", c["conf_low"]), c.get("holm_high", c["conf_high"])
        diff = f"{_f(c['mean_diff'])} [{_f(lo)}, {_f(hi)}]"
        if "relative_change_holm_low" in c:
            rel = (f"{_pct(c['relative_change'])} [{_pct(c['relative_change_holm_low'])}, "
                   f"{_pct(c['relative_change_holm_high'])}]")
        elif "relative_change" in c and "holm_conf" in c:
            rel = ("omitted: baseline mean not distinguishable from 0 at the Holm-adjusted "
                   "level")
        elif "relative_change" in c:
            rel = (f"{_pct(c['relative_change'])} [{_pct(c['relative_change_low'])}, "
                   f"{_pct(c['relative_change_high'])}]")
        else:
            rel = f"omitted: {c.get('relative_change_suppressed', 'n/a')}"
        if "effect_size_dz" in c:
            dz = _f(c["effect_size_dz"], 2)
        elif c["mean_diff"] == 0:
            dz = "none (identical in every replicate)"
        else:
            dz = "exact (the same difference in every replicate)"
        status = c.get("effect_over_time", "none")
        if c["time_to_effect_years"] is not None and c.get("established"):
            tte = _f(c["time_to_effect_years"], 2)
        elif c["time_to_effect_years"] is not None:
            tte = "none (the difference is not established)"
        elif status == "not_established":
            tte = "not established (first appears at the horizon)"
        elif c.get("established"):
            # the Holm test on the run summaries holds, but no year's band is clear of 0
            # for good: the path over time is not established beyond noise
            tte = "not established over time (the simultaneous band includes 0)"
        else:
            tte = "none"
        est = "yes" if c.get("established") else "no"
        out.append(f"| {name} | {diff} | {_f(c.get('p_holm'), 2)} | {est} | {rel} | {dz} | "
                   f"{tte} |")
    return out


def _main_table(table: pd.DataFrame, info: dict[str, Any]) -> pd.DataFrame:
    """The ranking index of the factors with a detectable effect, largest first.

    Columns ``value``, ``conf_low``, ``conf_high`` per lever; not for one-at-a-time designs.

    Rank correlations enter as |rho| with the interval of |rho| (its lower end 0 when the
    interval of rho contains 0).
    """
    if "sobol" in info["methods"]:
        main = _pick(table, "sobol", "ST")
        main = main.loc[_sobol_beyond_noise(main, info)]  # as the headline says
    elif "morris" in info["methods"]:
        main = _pick(table, "morris", "mu_star")
        effects = (info.get("morris") or {}).get("effects") or {}
        if info.get("morris", {}).get("noise_checked"):
            main = main[[bool((effects.get(lv) or {}).get("detectable")) for lv in main.index]]
    elif "anova" in info["methods"]:
        main = _pick(table, "anova", "S1")
        floors = (info.get("anova") or {}).get("noise_floor") or {}
        main = main[[r["conf_low"] > floors.get(lv, 0.0) for lv, r in main.iterrows()]]
    elif "pawn" in info["methods"]:
        main = _pick(table, "pawn", "pawn")
        floor = info.get("pawn", {}).get("noise_floor", 0.0)
        main = main[main["value"] > floor]
    else:
        rho = _pick(table, "spearman", "rho")
        ends = rho[["conf_low", "conf_high"]].abs()
        main = rho.assign(value=rho["value"].abs(),
                          conf_low=ends.min(axis=1).where(
                              rho["conf_low"] * rho["conf_high"] > 0, 0.0),
                          conf_high=ends.max(axis=1))
    main = main[main["conf_low"].fillna(0) > 0] if "conf_low" in main else main
    return main.sort_values("value", ascending=False)


def _effects(table: pd.DataFrame, info: dict[str, Any]) -> list[tuple[str, str]]:
    """(factor, direction words) of the factors with a detectable effect, strongest first."""
    dirs = _directions(table, info.get("morris"))
    if "ofat" in info["methods"]:
        detail = (info.get("ofat") or {}).get("effects") or {}
        best: dict[str, tuple[float, str]] = {}
        for centre, d in detail.items():
            for lever, e in d.items():
                if e.get("detectable") and abs(e["effect"]) > best.get(lever, (0.0, ""))[0]:
                    best[lever] = (abs(e["effect"]), f"{e['direction']} it at `{centre}`")
        return [(lv, w) for lv, (_, w) in sorted(best.items(), key=lambda t: -t[1][0])]
    return [(lever, dirs.get(lever, "")) for lever in _main_table(table, info).index]


MEASURE_WORDS = {"sobol": "total-effect index ST", "morris": "mu*", "anova": "main effect S1",
                 "pawn": "PAWN index", "spearman": "|Spearman rho|"}
"""How the order sentence names the index whose intervals separate tiers."""


def _effect_tiers(table: pd.DataFrame, info: dict[str, Any], names: list[str]
                  ) -> tuple[list[list[str]], str]:
    """Tiers of ``names`` (factors with a detectable effect) and how they were formed.

    The Morris order (paired bootstrap, Holm; :func:`sim.analysis.elementary.mu_star_order`)
    when the analysis made one; otherwise the factors' 95% intervals of the ranking index:
    a factor is placed above another only where its interval lies wholly above the other's
    (:func:`sim.analysis.elementary.separated_tiers`).
    """
    order = (info.get("morris") or {}).get("order")
    ordered = {lv for t in (order or {}).get("tiers") or [] for lv in t}
    if "morris" in info["methods"] and set(names) <= ordered:
        kept = [[lv for lv in t if lv in names] for t in order["tiers"]]
        how = (f"mu* compared pairwise by a bootstrap over whole trajectories, the same "
               f"resample for every lever, Holm-adjusted over {order['pairs']} pair(s) of "
               "levers")
        return [t for t in kept if t], how
    main = _main_table(table, info).reindex(names)
    method = next((m for m in ("sobol", "morris", "anova", "pawn") if m in info["methods"]),
                  "spearman")
    how = (f"a factor is placed above another only where its 95% interval of the "
           f"{MEASURE_WORDS[method]} lies wholly above the other's")
    return separated_tiers(names, main["value"], main["conf_low"], main["conf_high"]), how


def _tier_numbers(rows: pd.DataFrame) -> dict[str, int]:
    """Tier (1 = largest) of each factor of an index table, by separated 95% intervals."""
    grouped = separated_tiers(list(rows.index), rows["value"], rows["conf_low"],
                              rows["conf_high"])
    return {lv: i for i, t in enumerate(grouped, 1) for lv in t}


def _lead(rows: pd.DataFrame, measure: str, what: str) -> str:
    """The headline's first sentence: the largest factor, or the leading tier unranked.

    One factor is named as largest only when its 95% interval lies wholly above every other
    factor's; otherwise the leading tier's factors are listed as not distinguishable.
    """
    grouped = separated_tiers(list(rows.index), rows["value"], rows["conf_low"],
                              rows["conf_high"])
    first = grouped[0]
    if len(first) == 1:
        lever = first[0]
        return (f"{methods.lever_label(lever)} has the largest {what} ({measure} = "
                f"{_ci(rows.loc[lever])}; its 95% interval lies above every other factor's)")
    listed = "; ".join(f"{methods.lever_label(lv)} {_ci(rows.loc[lv])}" for lv in first)
    return (f"No single factor has the largest {what}: the leading {len(first)} are not "
            f"distinguishable from one another (their 95% intervals of {measure} overlap), "
            f"so they form one tier: {listed}")


def _findings(result) -> list[str]:
    lines = []
    for output in result.outputs:
        oi = result.info["outputs"][output]
        if oi.get("constant"):
            lines.append(f"- `{output}`: constant across the design; no factor moves it.")
            continue
        table = result.sensitivity[result.sensitivity["output"] == output]
        if oi.get("scenarios"):
            comps = oi["scenarios"]["comparisons"]
            est = {n: c for n, c in comps.items() if c.get("established")}
            up = [f"{n} (+{_f(c['mean_diff'])})" for n, c in est.items() if c["mean_diff"] > 0]
            down = [f"{n} ({_f(c['mean_diff'])})" for n, c in est.items() if c["mean_diff"] < 0]
            family = next((c.get("family_size") for c in comps.values()), None)
            text = (f"- `{output}`: raised by {', '.join(up) or 'no scenario'}; lowered by "
                    f"{', '.join(down) or 'no scenario'} (absolute differences against "
                    f"{oi['scenarios']['baseline']}; Holm-adjusted over {family} comparisons).")
            lines.append(text)
            continue
        nc = oi.get("noise_check") or {}
        zero = (f" Zero-inflated: {_pct(nc['zero_share'])} of runs are exactly 0."
                if nc.get("zero_inflated") else "")
        morris_checked = (oi.get("morris") or {}).get("noise_checked")
        own_test = "morris" in oi["methods"] or "ofat" in oi["methods"]
        if nc.get("suppress_claims") and not own_test:
            lines.append(f"- `{output}`: replicate noise is {_pct(nc['noise_share_of_means'])} "
                         "of the variance of the design points' means (over "
                         f"{_pct(noise.SUPPRESS_SHARE)}): no ranking or direction is claimed."
                         + zero)
            continue
        eff = _effects(table, oi)
        unchecked = ""
        if "morris" in oi["methods"] and not morris_checked:
            unchecked = " Not checked against noise (one replicate)."
        elif "ofat" in oi["methods"]:
            if not (oi.get("ofat") or {}).get("family_size"):
                unchecked = " Not checked against noise (fewer than two replicates)."
        elif "morris" not in oi["methods"] and not nc.get("checked"):
            unchecked = (f" Could not be checked against noise: {nc.get('replicates')} "
                         f"replicate(s), fewer than {noise.MIN_NOISE_REPLICATES}; the ranking "
                         "and directions are provisional.")
        if not eff:
            lines.append(f"- `{output}`: no lever has an effect distinguishable from noise."
                         + unchecked + zero)
            continue
        order = (oi.get("ofat") or {}).get("order")
        if "ofat" in oi["methods"] and order and order.get("tiers"):
            lines.append(f"- `{output}`: " + _ofat_order_text(order) + unchecked + zero)
            continue
        words = dict(eff)

        def named(lever: str, words=words) -> str:
            word = words.get(lever) or ""
            return (f"{methods.lever_label(lever)} ({word.split(' (')[0]})" if word
                    else methods.lever_label(lever))

        grouped, how = _effect_tiers(table, oi, list(words))
        noise_word = "replicate noise" if "morris" in oi["methods"] else "noise"
        text = (f"- `{output}`: " + _order_text(grouped, named, how, noise_word) + unchecked
                + zero)
        kinds = {f["name"]: f.get("kind") for f in result.info["factors"]}
        if "behaviour" in kinds.values() and not result.info.get("levers_are_groups"):
            policy = {lv for lv in words if kinds.get(lv) not in ("behaviour", None)}
            kept = [t for t in ([lv for lv in t if lv in policy] for t in grouped) if t]
            text += (" Among the policy levers: " + _tier_words(kept, named) + "."
                     if kept else " No policy lever has a detectable effect beside the "
                     "behavioural parameters.")
        if result.info.get("levers_are_groups") and "spearman" in oi["methods"]:
            rho = _pick(table, "spearman", "rho")
            clear = rho[(rho["conf_low"] > 0) | (rho["conf_high"] < 0)]
            if len(clear):
                ends = clear[["conf_low", "conf_high"]].abs()
                grouped = separated_tiers(list(clear.index), clear["value"].abs(),
                                          ends.min(axis=1), ends.max(axis=1))

                def single(lever: str, clear=clear) -> str:
                    value = clear.loc[lever, "value"]
                    verb = "raises" if value > 0 else "lowers"
                    return f"{methods.lever_label(lever)} ({verb} it, rho {_f(value, 2)})"

                text += (" Single levers with the clearest direction (rank correlation; a "
                         "lever above another only where their |rho| intervals separate): "
                         + _tier_words(grouped, single) + ".")
        lines.append(text)
    return lines


def _ofat_order_text(order: dict[str, Any]) -> str:
    """The levers that move an output most, as tiers: an order only where it exceeds noise.

    Whole tiers are named until at least :data:`TOP_FINDINGS` levers are; the levers in a
    tier are not distinguishable from one another, and every lever of an earlier tier moves
    the output more than every lever of a later one (paired over the replicates, Holm).
    """
    def lever(e: dict[str, Any]) -> str:
        return f"{methods.lever_label(e['lever'])} ({e['direction']} it at `{e['centre']}`)"

    how = (f"paired differences of the trends over the replicates, Holm-adjusted over "
           f"{order['pairs']} pair(s) of levers")
    return _order_text(order["tiers"], lever, how)


def _tier_words(tiers: list[list[Any]], lever) -> str:
    """Tiers of levers in words, whole tiers until :data:`TOP_FINDINGS` levers are named.

    The levers of a tier are said to be not distinguishable from one another; a later tier
    is introduced by "then, by less".
    """
    def tier(t: list[Any]) -> str:
        if len(t) == 1:
            return lever(t[0])
        return (", ".join(lever(e) for e in t[:-1]) + f" and {lever(t[-1])} (not "
                "distinguishable from one another)")

    if not tiers:
        return "no factor"
    shown, count = [], 0
    for t in tiers:
        if count >= TOP_FINDINGS:
            break
        shown.append(t)
        count += len(t)
    text = tier(shown[0])
    for t in shown[1:]:
        text += "; then, by less, " + tier(t)
    rest = sum(len(t) for t in tiers) - count
    if rest:
        text += (f"; {rest} more factor(s) with a detectable effect, each smaller than those "
                 "named")
    return text


def _order_text(tiers: list[list[Any]], lever, how: str, noise_word: str = "replicate noise"
                ) -> str:
    """The tiers in words after "moved most by", with how an order was established.

    An order is stated only between tiers, i.e. where it exceeds ``noise_word``.
    """
    text = "moved most by " + _tier_words(tiers, lever)
    if len(tiers) == 1 and len(tiers[0]) > 1:
        return text + f" (no order among them exceeds {noise_word}: {how})."
    return text + f" (an order is stated only where it exceeds {noise_word}: {how})."


def _summaries(rules: dict[str, str]) -> str:
    means = [o for o, r in rules.items() if r == "mean"]
    text = "its final value"
    if means:
        text += (f", except {', '.join(means)} (its mean yearly value over the run: for "
                 f"{cost.COST_OUTPUT}, average public spending in {cost.COST_UNIT})")
    if cost.COST_OUTPUT in rules and rules[cost.COST_OUTPUT] == "final":
        text += (f"; {cost.COST_OUTPUT} is the spending in the final step, since the sweep "
                 "kept only final values")
    return text


def summary(result) -> str:
    """The report's ``## Summary`` section: per output, the effects beyond noise.

    The factors (or scenarios) with an effect distinguishable from replicate noise, strongest
    first, with their direction, after the study's setting.
    """
    calibration = calibration_uncertainty.summary_lines(result.info)
    return "\n".join(["## Summary", "", methods.setting(result.info), "",
                      "Effects distinguishable from replicate noise, strongest first "
                      "(details in report.md):", ""] + _findings(result)
                     + ([""] + calibration if calibration else []))


def _partial(info: dict[str, Any]) -> list[str]:
    """A warning at the top of the report when runs are missing (see the Notes)."""
    part = info.get("partial")
    if not part:
        return []
    by = part.get("missing_by_scenario") or part.get("missing_by_point") or {}
    what = "scenario" if "missing_by_scenario" in part else "design point"
    shown = ", ".join(f"{k} {v} of {part.get('replicates', '?')}" for k, v in list(by.items())[:8])
    where = (f"; missing runs by {what}: {shown}" + (", ..." if len(by) > 8 else "")
             if by else "")
    return [f"**Partial data: {part['missing']} of {part['n_runs']} runs are missing** (failed "
            f"or not yet run){where}. Numbers below use the runs present; run the same "
            "`ieisim sweep` command again to complete the sweep.", ""]


DESIGN_WORDS = {"ofat": "a one-factor-at-a-time (ofat) design", "grid": "a full-factorial "
                "grid design", "lhs": "a Latin hypercube (lhs) design", "sobol": "a Saltelli "
                "(sobol) design", "morris": "a Morris (morris) design",
                "scenarios": "a scenarios design"}
"""How the Methods paragraph names each design."""


def _design_words(design: str, info: dict[str, Any]) -> str:
    text = DESIGN_WORDS.get(design, f"a {design} design")
    opts = info.get("design_options") or {}
    if design == "ofat" and opts.get("centres"):
        text += (f" ({opts.get('levels')} levels per lever, around "
                 + ", ".join(f"`{c}`" for c in opts["centres"]) + ")")
    return text


def render(result) -> str:
    """The report as Markdown text."""
    info = result.info
    n_runs, reps = info["n_runs"], info["replicates"]
    lines = [f"# Sensitivity analysis: {info.get('experiment') or result.path.name}", "",
             *_partial(info), "## Methods", "",
             f"The sweep ran the {info.get('model') or 'ieisim'} model on "
             f"{_design_words(result.design, info)} of {info['n_points']} design points with "
             f"up to {reps} replicate(s) each ({n_runs} runs). Each run is reduced to one "
             f"number per output: {_summaries(info['summaries'])}; "
             + ("trends are computed on each replicate's curve. " if result.design == "ofat"
                else "each scenario's runs are paired with the baseline's run of the same "
                "replicate (same seed). " if result.design == "scenarios"
                else "indices are computed on the replicate means of the design points. ")
             + " ".join(methods.paragraph(result))]
    words = methods.glossary(result.methods, (info.get("morris_levels")))
    if words:
        lines += ["", "How to read the indices: " + " ".join(words)]
    if info.get("levers_are_groups"):
        lines.append("Indices are given for groups of levers (the sample was drawn by group).")
    lines += ["", summary(result), ""]
    for output in result.outputs:
        oi = info["outputs"][output]
        title = oi["label"] if oi["label"] != output else output
        lines += [f"## {title} (`{output}`)", ""]
        if oi.get("constant"):
            lines += [f"This output is constant across the design (= {_f(oi.get('value'))}): "
                      "none of the varied factors moves it here, so no sensitivity index is "
                      "reported.", ""]
            continue
        table = result.sensitivity[result.sensitivity["output"] == output]
        ranking, measure = _ranking(table, oi)
        if ranking:
            intro = ([] if "ofat" in oi["methods"] or "morris" in oi["methods"]
                     else [f"Factors listed by {measure}, largest first, in tiers: the factors "
                           "of one tier are not distinguishable from one another (their 95% "
                           "intervals overlap), and every factor of a tier has its interval "
                           "wholly above those of every factor in later tiers."
                           + (" Only factors whose ST exceeds its noise-only level (the ST "
                              "replicate noise alone gives a factor with no effect, from the "
                              "replicates' paired differences) beyond chance (F test, Holm over "
                              f"the factors) are tiered; the others (tier —) are {NOT_NOISE}. "
                              "S1 has no noise bias (noise-only level 0) and is beyond noise "
                              "when its Holm-adjusted interval lies above 0."
                              if (oi.get("sobol") or {}).get("noise_checked") else ""), ""])
            lines += intro + ranking + [""]
            head = _headline(table, oi, measure)
            if head:
                lines += [head, ""]
        inter = _interactions(table)
        if inter:
            lines += inter + [""]
        lines += _scenarios(oi, output) + ([""] if oi.get("scenarios") else [])
        nc = oi.get("noise_check") or {}
        if (ranking and nc.get("suppress_claims") and "morris" not in oi["methods"]
                and "ofat" not in oi["methods"]):
            lines += [f"Replicate noise is {_pct(nc['noise_share_of_means'])} of the variance "
                      "of the design points' means, more than half: the ranking and directions "
                      "above are not findings.", ""]
        lines += _discovery(oi["target"]) + [""]
        fr = _frontier(result.frontier.get(output), output, oi, info["factors"])
        if fr:
            lines += fr + [""]
        rob = _robustness(oi.get("robustness"))
        if rob:
            lines += rob + [""]
        lines += ["Diagnostics: " + " ".join(_diagnostics(output, oi, table)), ""]
    lines += calibration_uncertainty.report_lines(info)
    if info["notes"]:
        lines += ["## Notes", ""] + [f"- {n}" for n in info["notes"]] + [""]
    return "\n".join(lines)
