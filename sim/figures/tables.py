r"""LaTeX tables (booktabs) of the main results, written beside the figures.

Each table is a ``table`` environment with ``\toprule``/``\midrule``/``\bottomrule``
(``\usepackage{booktabs}``), a caption saying what the numbers are and how the intervals
were made, and a label ``tab:<name>``; text is escaped for LaTeX, numbers are printed with
three significant digits and intervals as ``[low, high]``. The tables come from the same
data as the figures (``sensitivity.csv`` rows, the frontier table), so a table and its
figure never disagree.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
            "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
            "^": r"\textasciicircum{}", "≥": r"$\geq$", "≤": r"$\leq$", "μ": r"$\mu$",
            "σ": r"$\sigma$"}


def escape(text: object) -> str:
    """``text`` with LaTeX's special characters escaped."""
    return "".join(_ESCAPES.get(ch, ch) for ch in str(text))


def number(value: object, digits: int = 3) -> str:
    """A number with ``digits`` significant digits ("--" when missing)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return escape(value)
    if not math.isfinite(v):
        return "--"
    return f"{v:.{digits}g}"


def interval(low: object, high: object) -> str:
    """``[low, high]`` with :func:`number` ("--" when either end is missing)."""
    a, b = number(low), number(high)
    return "--" if "--" in (a, b) else f"[{a}, {b}]"


def latex_table(rows: list[list[str]], header: list[str], caption: str, label: str,
                align: str | None = None) -> str:
    """A booktabs ``table`` of already formatted cells (escape text before passing it)."""
    align = align or ("l" + "r" * (len(header) - 1))
    lines = [r"\begin{table}[htbp]", r"\centering", r"\small",
             rf"\caption{{{caption}}}", rf"\label{{tab:{label}}}",
             rf"\begin{{tabular}}{{{align}}}", r"\toprule",
             " & ".join(header) + r" \\", r"\midrule"]
    lines += [" & ".join(r) + r" \\" for r in rows]
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def sensitivity_tables(sens: pd.DataFrame, lever_label, metric_label,
                       alpha: float = 0.05) -> dict[str, str]:
    """The Sobol', Morris and paired-difference tables present in ``sens``.

    ``lever_label``/``metric_label`` turn code names into display names (the figures'
    :class:`~sim.figures.labels.Labels` methods); ``alpha`` is the analysis' family-wise
    error for "beyond noise". Returns ``name -> LaTeX``.
    """
    out: dict[str, str] = {}
    sobol = sens[(sens["method"] == "sobol") & sens["index"].isin(["S1", "ST"])]
    if not sobol.empty:
        rows = []
        noise = sens[(sens["method"] == "sobol")
                     & sens["index"].isin(["ST_noise_floor", "ST_p_noise_holm"])]
        at = {(o, lv, ix): v for o, lv, ix, v in zip(noise["output"], noise["lever"],
                                                     noise["index"], noise["value"],
                                                     strict=True)}
        for (output, lever), d in sobol.groupby(["output", "lever"], sort=False):
            by = d.set_index("index")
            cells = [escape(metric_label(output)), escape(lever_label(lever)),
                     rf"\texttt{{{escape(lever)}}}"]
            for ix in ("S1", "ST"):
                r = by.loc[ix] if ix in by.index else None
                cells += ([number(r["value"]), interval(r["conf_low"], r["conf_high"])]
                          if r is not None else ["--", "--"])
            floor = at.get((output, lever, "ST_noise_floor"))
            p = at.get((output, lever, "ST_p_noise_holm"))
            st = by.loc["ST", "value"] if "ST" in by.index else math.nan
            cells += ([number(floor), "yes" if (p <= alpha and st > 0) else
                       "not distinguishable from noise"] if p is not None and floor is not None
                      else ["--", "not checked"])
            rows.append(cells)
        out["table_sobol"] = latex_table(
            rows, ["Outcome", "Lever", "Code", "S1", "95\\% CI", "ST", "95\\% CI",
                   "Noise-only ST", "ST beyond noise"],
            "Sobol' indices: S1 is the share of the outcome's variance due to the lever "
            "alone, ST including its interactions; intervals from SALib's bootstrap "
            "(Saltelli 2010, Jansen estimator). Noise-only ST: the ST replicate noise alone "
            "gives a lever with no effect (paired replicate differences); ST beyond noise: "
            f"F test against it, Holm-adjusted over the levers, at {alpha:g}.", "sobol",
            "lllrrrrrl")
    morris = sens[(sens["method"] == "morris") & sens["index"].isin(["mu_star", "sigma"])]
    if not morris.empty:
        rows = []
        for (output, lever), d in morris.groupby(["output", "lever"], sort=False):
            by = d.set_index("index")
            mu, sd = by.loc["mu_star"], by.loc["sigma"] if "sigma" in by.index else None
            rows.append([escape(metric_label(output)), escape(lever_label(lever)),
                         rf"\texttt{{{escape(lever)}}}", number(mu["value"]),
                         interval(mu["conf_low"], mu["conf_high"]),
                         number(sd["value"]) if sd is not None else "--"])
        out["table_morris"] = latex_table(
            rows, ["Outcome", "Lever", "Code", r"$\mu^*$", "95\\% CI", r"$\sigma$"],
            r"Morris screening: $\mu^*$ is the mean absolute change of the outcome over one "
            r"step of the lever (in the outcome's unit per lever range), $\sigma$ the spread "
            "of those changes (Morris 1991; Campolongo et al. 2007).", "morris", "lllrrr")
    paired = sens[(sens["method"] == "paired") & (sens["index"] == "mean_diff")]
    if not paired.empty:
        holm = sens[(sens["method"] == "paired") & (sens["index"] == "p_holm")]
        p_at = {(o, s): v for o, s, v in zip(holm["output"], holm["lever"], holm["value"],
                                            strict=True)}
        rows = [[escape(metric_label(o)), escape(lever_label(s)), number(v),
                 interval(lo, hi), number(p_at.get((o, s), math.nan), 2)]
                for o, s, v, lo, hi in zip(paired["output"], paired["lever"], paired["value"],
                                           paired["conf_low"], paired["conf_high"],
                                           strict=True)]
        out["table_paired_differences"] = latex_table(
            rows, ["Outcome", "Scenario", "Paired difference", "95\\% CI", "Holm $p$"],
            "Paired differences against the baseline scenario at the same seeds (common "
            "random numbers): mean over replicates with a t interval; $p$ Holm-adjusted over "
            "all scenario-outcome comparisons.", "paired", "llrrr")
    return out


def frontier_latex(frontier: pd.DataFrame, metric_label, point_label) -> str:
    """The cost-effectiveness table of the frontier figure's data."""
    rows = [[escape(metric_label(r["output"])), escape(point_label(r)),
             number(r["public_cost"]), interval(r["public_cost_low"], r["public_cost_high"]),
             number(r["value"]), interval(r["value_low"], r["value_high"]),
             "yes" if r["distinguishable"] else "no"]
            for _, r in frontier[frontier["non_dominated"]].iterrows()]
    return latex_table(
        rows, ["Outcome", "Policy", "Cost", "95\\% CI", "Outcome value", "95\\% CI",
               "Distinguishable"],
        "Non-dominated policies: mean yearly public cost (CNY million a year) and outcome, "
        "replicate means with whole-replicate bootstrap intervals; a step along the "
        "frontier is distinguishable when the paired bootstrap interval of its incremental "
        "outcome, simultaneous over all pairs of policies, excludes 0.", "frontier", "llrrrrl")


def write_tables(tables: dict[str, str], out_dir: Path) -> list[str]:
    """Write each table as ``<name>.tex`` in ``out_dir``; return the file names."""
    names = []
    for name, text in tables.items():
        (Path(out_dir) / f"{name}.tex").write_text(text, encoding="utf-8")
        names.append(f"{name}.tex")
    return names
