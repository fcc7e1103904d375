"""How the perturbation kernel's settings spread the importance weights (one ABC-SMC step).

The status-quo posterior pins one of its ten parameters, narrows two and leaves seven at
their uniform prior (docs/calibration.md). This script builds a stylised population of that
shape on the unit box, and for each kernel setting (``--kernel-scaling`` x ``--prior-share``,
the kernels ``ieisim calibrate`` uses: :func:`sim.calibration.transition.perturbation_kernel`)
runs one generation the way pyabc does: propose from the kernel fitted to the population,
redraw proposals outside the box without a model run, accept those inside the acceptance
region (the stand-in for "distance below epsilon": the region the population fills), weight
each accepted particle by prior / proposal density. It prints, per setting, the effective
sample size of the weights as a share of the particles (ESS / n), the acceptance per model
run, and the ESS per 1,000 model runs, as median [min, max] over replicate populations.

The stand-in has no replicate noise and a sharp region, so its numbers say how the kernel
alone spreads the weights, not what a calibration reaches.

Usage::

    PYTHONPATH=. python calibration/kernel_weights.py [--particles 500] [--replicates 5]
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import pyabc

from sim.calibration.sampler import PARTICLE_STREAM
from sim.calibration.transition import perturbation_kernel

DIMENSIONS = 10
"""Fitted parameters, as the status-quo calibration's ten."""
HALF_WIDTHS = (0.065, 0.265, 0.29)
"""Half-widths (share of the prior's range) of the region the constrained parameters fill,
centred in the box: the status-quo posterior's 90% intervals were 0.13, 0.53 and 0.58 of
their priors' widths; the other seven fill their whole range."""
SCALINGS = (1.0, 2.0, 4.0)
PRIOR_SHARES = (0.0, 0.1)


def population(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """``n`` particles uniform on the acceptance region (the previous generation)."""
    cols = {}
    for i in range(DIMENSIONS):
        h = HALF_WIDTHS[i] if i < len(HALF_WIDTHS) else 0.5
        cols[f"p{i}"] = rng.uniform(0.5 - h, 0.5 + h, n)
    return pd.DataFrame(cols)


def accepted(x: pd.Series) -> bool:
    """Inside the acceptance region (the stand-in for a distance below epsilon)."""
    return all(abs(x[f"p{i}"] - 0.5) <= h for i, h in enumerate(HALF_WIDTHS))


def one_generation(prior: pyabc.Distribution, X: pd.DataFrame, scaling: float, share: float,
                   seed: int) -> tuple[float, float]:
    """(ESS / n, acceptance per model run) of one generation of ``len(X)`` particles."""
    n = len(X)
    kernel = perturbation_kernel(prior, scaling, share)
    kernel.fit(X, np.full(n, 1.0 / n))
    np.random.seed(seed)  # noqa: NPY002 (pyabc's kernels draw from numpy's global stream)
    token = PARTICLE_STREAM.set(np.random.default_rng(seed))
    try:
        kept, runs = [], 0
        while len(kept) < n:
            x = kernel.rvs_single()
            if prior.pdf(x) == 0:
                continue  # pyabc redraws outside the prior's support: no model run
            runs += 1
            if accepted(x):
                kept.append(dict(x))
    finally:
        PARTICLE_STREAM.reset(token)
    A = pd.DataFrame(kept)[list(X.columns)]
    w = 1.0 / np.asarray(kernel.pdf(A))  # the prior is 1 on the unit box
    w /= w.sum()
    return 1.0 / float(np.sum(w ** 2)) / n, n / runs


def main(argv: list[str] | None = None) -> None:
    """Print the table of kernel settings (Markdown)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--particles", type=int, default=500)
    ap.add_argument("--replicates", type=int, default=5)
    args = ap.parse_args(argv)
    prior = pyabc.Distribution(**{f"p{i}": pyabc.RV("uniform", 0, 1)
                                  for i in range(DIMENSIONS)})
    print("| --kernel-scaling | --prior-share | ESS / n | acceptance | ESS per 1,000 runs |")
    print("|---|---|---|---|---|")
    for scaling in SCALINGS:
        for share in PRIOR_SHARES:
            rows = []
            for r in range(args.replicates):
                X = population(np.random.default_rng(100 + r), args.particles)
                ess, acc = one_generation(prior, X, scaling, share, seed=r)
                rows.append((ess, acc, 1000 * ess * acc))
            a = np.array(rows)
            cells = [f"{np.median(a[:, j]):.3g} [{a[:, j].min():.3g}, {a[:, j].max():.3g}]"
                     for j in range(3)]
            print(f"| {scaling:g} | {share:g} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
