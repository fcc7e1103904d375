"""Recovery on the cooperation model: targets made by the model at known values are found.

A cheap version of ``benchmarks/calibration_recovery.py`` (which checks >= 3 parameters at
the default population): a tiny world, two parameters with strong, separate effects (the
screening's most informative), self-generated targets, a small population.
"""

import numpy as np
import pytest

from sim.calibration.fit import PYABC_PROPOSAL, Settings, run_abc
from sim.calibration.posterior import posterior_frame, read_history, summarise_parameters
from sim.calibration.priors import select_priors
from sim.calibration.targets import parse_targets
from sim.experiment.executors import make_executor
from sim.model import CooperationModel
from sim.params import BY_NAME, load_scenario

TINY = {"world.n_colleges": 2, "world.n_enterprises": 40, "world.students_per_college": 30,
        "run.years": 3}
PARAMS = ("initial_trust", "teaching_share")
STATISTICS = ("mean_rung", "share_internship", "dual_qualified_share")


@pytest.mark.slow
def test_self_generated_targets_are_recovered(tmp_path):
    scn = load_scenario("status_quo").with_overrides(TINY)
    obs = []
    for seed in range(500, 510):
        m = CooperationModel(scn, seed=seed)
        m.run()
        obs.append([m.records[-1][k] for k in STATISTICS])
    obs = np.array(obs, float)
    targets = parse_targets({"name": "recovery", "year": 3, "targets": [
        {"name": k, "statistic": k, "value": float(mu), "tolerance": float(max(sd, 1e-3)),
         "source": "self-generated at the declared defaults"}
        for k, mu, sd in zip(STATISTICS, obs.mean(0), obs.std(0, ddof=1), strict=True)]})
    priors = select_priors(",".join(PARAMS))
    # pyabc's own proposal, as this check was measured (the CLI's default widens it)
    run_abc(tmp_path, targets, priors, scn, Settings(population=30, max_generations=4, seed=2,
                                                     **PYABC_PROPOSAL),
            make_executor(1), lambda s: None)
    post = posterior_frame(read_history(tmp_path / "abc.db"), priors)
    for s in summarise_parameters(post, priors):
        truth = BY_NAME[s.name].default
        assert s.lo90 <= truth <= s.hi90, s
    ratio = {s.name: s.width_ratio for s in summarise_parameters(post, priors)}
    # Narrowed by dual-qualified teachers: 0.45 of the prior's width on the model of the first
    # version of this test, 0.52 on the merged model of 2026-12-02 (chosen intake; 0.53 with
    # 40 particles and 5 generations), 0.63 on model version 4 (2026-12-03). The issue's
    # criterion (<= half the prior for >= 3 parameters at the default population) is the
    # benchmark's (test below), not this 30-particle check's: this one fails when the
    # statistics stop informing teaching_share at all (a ratio near 1).
    assert ratio["teaching_share"] < 0.75


@pytest.mark.slow
def test_three_informative_parameters_are_recovered(tmp_path, capsys):
    """Issue 10 item 6b: the recovery benchmark at its defaults (small world of 3 colleges and
    60 firms, 5 years, targets = means of 20 seeded runs at the declared defaults, 4
    parameters, 200 particles, 10 generations, 2 worker processes; about 10,700 runs, 11
    minutes beside other jobs). The posterior is reproducible from its seed on the process
    pool, so this is a fixed computation, not a chance. Measured 2026-12-03 at the calibrated
    defaults (contacts per college 17): contacts 0.25, choice intensity 0.46, poaching base
    0.23 of their priors' width with the truth inside, vacancies per graduate 0.37 (not
    informative). With 8 generations, as before, choice intensity stayed at 0.59 of its
    prior's width (epsilon 1.28 tolerances; 1.00 after 10)."""
    import json
    import runpy
    from pathlib import Path

    bench = runpy.run_path(str(Path(__file__).parents[1] / "benchmarks"
                               / "calibration_recovery.py"))
    out = tmp_path / "recovery"
    assert bench["main"](["--out", str(out), "--workers", "2"]) == 0
    summary = json.loads((out / "recovery.json").read_text())
    assert len(summary["recovered"]) >= 3
    assert set(summary["recovered"]) <= set(summary["informative"])
