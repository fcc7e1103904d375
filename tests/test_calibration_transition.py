"""The perturbation kernel: pyabc's normal kernel, or a defensive mixture with the prior."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyabc
import pytest

from sim.calibration.run import calibrate
from sim.calibration.transition import DefensiveTransition, perturbation_kernel
from sim.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
PRIOR = pyabc.Distribution(a=pyabc.RV("uniform", 0, 1), b=pyabc.RV("uniform", 0, 2))


def _fitted(share: float) -> DefensiveTransition:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.uniform(0.45, 0.55, 200), "b": rng.uniform(0.9, 1.1, 200)})
    t = DefensiveTransition(PRIOR, share)
    t.fit(X, np.full(200, 1 / 200))
    return t


def test_density_is_the_mixture_and_bounds_every_weight():
    t = _fitted(0.2)
    kernel = pyabc.MultivariateNormalTransition()
    kernel.fit(t.X, t.w)
    corner = pd.Series({"a": 0.01, "b": 1.98})
    # far from the population the kernel's density vanishes: the prior's share remains
    assert t.pdf(corner) == pytest.approx(0.2 * 0.5 + 0.8 * kernel.pdf(corner))
    assert PRIOR.pdf(pyabc.Parameter(corner.to_dict())) / t.pdf(corner) <= 1 / 0.2 + 1e-9
    inside = t.X.iloc[:5]
    assert np.allclose(t.pdf(inside), 0.2 * 0.5 + 0.8 * kernel.pdf(inside))


def test_a_share_of_proposals_comes_from_the_prior():
    t = _fitted(0.3)
    np.random.seed(3)  # noqa: NPY002 (pyabc's kernels draw from numpy's global stream)
    draws = t.rvs(4000)
    outside = ((draws["a"] - 0.5).abs() > 0.2) | ((draws["b"] - 1.0).abs() > 0.4)
    # a prior draw lands outside that box with probability 1 - 0.4 * 0.4 = 0.84
    assert outside.mean() == pytest.approx(0.3 * 0.84, abs=0.03)
    assert draws["a"].between(0, 1).all() or (draws["a"] < 0).mean() < 0.01


def test_share_zero_is_pyabcs_own_kernel():
    assert type(perturbation_kernel(PRIOR, 2.0, 0.0)) is pyabc.MultivariateNormalTransition
    assert isinstance(perturbation_kernel(PRIOR, 2.0, 0.1), DefensiveTransition)


NORMAL_MEAN = """name = "normal_mean_check"
model = "normal_mean"
[[targets]]
name = "mean"
statistic = "sample_mean"
value = 1.3
tolerance = 0.05
source = "synthetic: one dataset of the normal-mean test model"
"""


def test_prior_share_is_recorded_reproducible_and_shared_by_a_resume(tmp_path):
    targets = tmp_path / "nm.toml"
    targets.write_text(NORMAL_MEAN)

    def run(out, **kw):
        return calibrate(str(targets), out=out, workers=1, population=30, max_generations=3,
                         screening=0, seed=7, echo=lambda s: None, **kw)

    a = pd.read_parquet(run(tmp_path / "a", prior_share=0.2) / "posterior.parquet")
    b = pd.read_parquet(run(tmp_path / "b", prior_share=0.2) / "posterior.parquet")
    pd.testing.assert_frame_equal(a, b)  # bit for bit from the seed
    plain = pd.read_parquet(run(tmp_path / "p") / "posterior.parquet")
    assert not a.equals(plain)
    info = json.loads((tmp_path / "a" / "calibration.json").read_text())
    assert info["settings"]["prior_share"] == 0.2
    out = calibrate(str(targets), out=tmp_path / "c", workers=1, population=30, budget=150,
                    screening=0, seed=7, echo=lambda s: None, prior_share=0.2)
    with pytest.raises(UsageError, match="another --prior-share"):
        calibrate(str(targets), out=out, workers=1, population=30, budget=400, screening=0,
                  seed=7, echo=lambda s: None)


@pytest.mark.parametrize("bad", ["1", "-0.1", "nan"])
def test_bad_prior_share_is_refused_before_anything_is_written(tmp_path, bad):
    targets = tmp_path / "nm.toml"
    targets.write_text(NORMAL_MEAN)
    out = tmp_path / "o"
    res = subprocess.run([sys.executable, "-m", "sim", "calibrate", str(targets), "--out",
                          str(out), "--prior-share", bad, "--screening", "0"],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    assert res.returncode == 2 and not out.exists()
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and f"--prior-share {float(bad)}" in lines[0]
