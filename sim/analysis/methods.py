"""The report's Methods text: one sentence per method actually used, with its citation.

Also the words a policy reader needs: each lever's declared label beside its code name
(:func:`lever_label`), one sentence on what each index means (:data:`GLOSSARY`), and the
setting of the study (base scenario, horizon, replicates: :func:`setting`).
"""

from __future__ import annotations

from typing import Any

from sim.analysis import noise

CITATIONS: dict[str, str] = {
    "sobol": "First-order (S1) and total (ST) Sobol' indices were estimated with SALib from a "
             "Saltelli sample (Saltelli et al. 2010, Comput. Phys. Commun. 181:259-270; ST "
             "with the Jansen 1999 estimator), with SALib's bootstrap intervals "
             "(value +/- z sd); each lever's ST was tested against the level replicate noise "
             "alone produces (its noise floor), from the paired differences of each "
             "replicate (all points of a replicate share a seed), by an F test "
             "Holm-adjusted over the levers (Holm 1979).",
    "morris": "Levers were screened with Morris elementary effects (Morris 1991, "
              "Technometrics 33:161-174) summarised by mu* (Campolongo, Cariboni & Saltelli "
              "2007, Environ. Model. Softw. 22:1509-1518), mu and sigma from SALib, with BCa "
              "bootstrap intervals over trajectories (Efron 1987); each lever's mu* was "
              "tested against the level replicate noise alone produces, from the elementary "
              "effects of each replicate (all points of a replicate share a seed), "
              "Holm-adjusted over the levers (Holm 1979).",
    "pawn": "PAWN indices (Pianosi & Wagener 2015, Environ. Model. Softw. 67:1-11; SALib) "
            "measured how far each lever shifts the output's distribution, with row-bootstrap "
            "intervals and a dummy factor as the noise floor (Khorashadi Zadeh et al. 2017).",
    "anova": "Main effects on the full-factorial grid are the variance shares of the "
             "conditional means (a two-way ANOVA decomposition), with intervals from "
             "resampling replicates within grid points (value +/- z sd).",
    "spearman": "Directions are Spearman rank correlations across design points with "
                "Fisher-z intervals (standard error 1.06 / sqrt(n - 3); Fieller, Hartley & "
                "Pearson 1957).",
    "paired": "Scenarios were compared with the baseline by paired differences of runs that "
              "share a seed (common random numbers) with t intervals, Holm-adjusted over the "
              "family of scenario x output comparisons (Holm 1979); relative changes carry "
              "Fieller intervals (Fieller 1954) and are omitted when the baseline is not "
              "distinguishable from 0; differences over time carry simultaneous bands "
              "(max-|t| bootstrap over whole replicates).",
    "ofat": "Each lever was moved alone over evenly spaced levels of its declared range, the "
            "others held at a centre (one factor at a time); its trend over the range is the "
            "slope of the least-squares line through each replicate's curve times the range "
            "(every level of a replicate shares a seed), averaged over replicates with a t "
            "interval and tested against no trend, Holm-adjusted over levers x centres "
            "(Holm 1979). One-at-a-time effects hold at the centre only: they say nothing "
            "about interactions, and a curve that rises and falls again has no trend (see "
            "the dose-response figures).",
}
"""One sentence per method (keys: the ``method`` column), with its citation."""

PRIM_SENTENCE = ("Scenario discovery used PRIM (Friedman & Fisher 1999, Stat. Comput. 9:123-143) "
                 "as implemented in EMA Workbench, with a quasi-p-value for each restriction "
                 "(Bryant & Lempert 2010, Technol. Forecast. Soc. Change 77:34-49); limits are "
                 "sampled levels and later boxes are conditional on earlier ones.")
FRONTIER_SENTENCE = ("Cost-effectiveness compares neighbouring non-dominated policies by their "
                     "incremental cost and outcome, with paired bootstrap intervals over whole "
                     "replicates (common random numbers) made simultaneous over every pair of "
                     "policies by the bootstrap distribution of the largest pairwise error (a "
                     "Tukey-type range; the frontier is selected on the same means); a policy "
                     "stays on the frontier only when its incremental outcome is "
                     "distinguishable from 0.")
NOISE_SENTENCE = ("Replicate noise in the design points' means was estimated by resampling "
                  "whole replicates (every point of a replicate shares a seed, so noise is "
                  "correlated across points); directional and ranking claims are withheld "
                  f"when noise exceeds {int(100 * noise.SUPPRESS_SHARE)}% of the variance of "
                  "the means, and need at least "
                  f"{noise.MIN_NOISE_REPLICATES} replicates to be checked at all.")

GLOSSARY: dict[str, str] = {
    "mu_star": "mu* is the mean absolute change of the output when the lever moves by one "
               "step (scaled to the lever's full range), over all trajectories: how much the "
               "lever matters, whatever the direction.",
    "sigma": "sigma is the spread of those changes: large when the lever's effect depends on "
             "the other levers' settings (interactions) or on its own level (non-linearity).",
    "step": "The step size is the distance between two neighbouring levels of the Morris grid "
            "({step} of a lever's range with {levels} levels); effects are divided by it, so "
            "they read as changes per full range.",
    "S1": "S1 (first-order index) is the share of the output's variance that the lever "
          "explains on its own.",
    "ST": "ST (total index) is the share of variance the lever explains on its own and "
          "through interactions; ST near 0 means the lever can be fixed anywhere in its "
          "range.",
    "pawn": "PAWN is the median distance between the output's distribution with the lever "
            "fixed and without (0: no effect, 1: the lever alone decides).",
    "trend": "The trend over the range is the change of the output from the lever's lowest "
             "to its highest swept value along the straight line fitted to each replicate's "
             "curve, in the output's units, the other levers at the centre.",
    "rho": "rho (Spearman) is the rank correlation of the lever with the output: its sign "
           "gives the direction.",
}
"""One sentence per index a report may show."""

_GLOSSARY_FOR = {"morris": ("mu_star", "sigma", "step"), "sobol": ("S1", "ST"),
                 "pawn": ("pawn",), "anova": ("S1",), "spearman": ("rho",),
                 "ofat": ("trend",)}


def lever_label(name: str) -> str:
    """``Declared label (`code_name`)`` for a declared parameter, else the code name."""
    try:
        from sim.params import resolve_key
        label = resolve_key(name).label
    except Exception:  # not a declared parameter (groups, test models, scenarios)
        return f"`{name}`"
    return f"{label} (`{name}`)"


def setting(info: dict[str, Any]) -> str:
    """Base scenario, horizon and replicates of the study, in one sentence."""
    exp = info.get("study") or {}
    parts = []
    if exp.get("scenario"):
        parts.append(f"base scenario `{exp['scenario']}`")
    if info.get("design") == "scenarios" and info.get("baseline"):
        parts.append(f"baseline `{info['baseline']}`")
    if exp.get("years") is not None:
        parts.append(f"horizon {exp['years']:g} years")
    parts.append(f"{info['replicates']} replicate(s) per design point")
    return "Study setting: " + ", ".join(parts) + "."


def paragraph(result) -> list[str]:
    """The Methods section's sentences for the methods this analysis used."""
    info = result.info
    st = result.settings
    out = [setting(info)]
    for m in result.methods:
        if m in CITATIONS:
            out.append(CITATIONS[m])
    outs = info["outputs"].values()
    if any((o.get("target") or {}).get("status") not in (None, "scenarios", "refused")
           for o in outs):
        out.append(PRIM_SENTENCE)
    if any(o.get("frontier") for o in outs):
        out.append(FRONTIER_SENTENCE)
    out.append(NOISE_SENTENCE)
    out.append(f"Intervals are {int(round(100 * st.conf_level))}% intervals; the analysis "
               f"seed is {st.seed}, so re-running it gives the same numbers.")
    return out


def glossary(methods: list[str], levels: int | None = None) -> list[str]:
    """One sentence per index shown for these methods."""
    keys: list[str] = []
    for m in methods:
        keys += [k for k in _GLOSSARY_FOR.get(m, ()) if k not in keys]
    out = []
    for k in keys:
        text = GLOSSARY[k]
        if k == "step":
            lv = levels or 4
            text = text.format(step=f"{lv / (2 * (lv - 1)):.3g}", levels=lv)
        out.append(text)
    return out
