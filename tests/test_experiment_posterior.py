"""Issue 10, item 4: experiments that draw calibrated parameters from a posterior.

Validation (one line, exit 2, nothing written), draws crossed with seeds and shared by every
design point (common random numbers), draws that do not move when a lever changes, the
posterior's content in the experiment digest (resume refuses a changed posterior), and the
draw index recorded with every run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from posterior_files import write_posterior

from sim.errors import ConfigError, UsageError
from sim.experiment import load_results, run_sweep
from sim.experiment.posterior import MIN_DRAWS, draw_of, load_posterior
from sim.experiment.rerun import task_of
from sim.experiment.seeds import replicate_seed
from sim.experiment.spec import parse_experiment
from sim.experiment.store import load_manifest
from sim.experiment.sweep import make_plan

ROOT = Path(__file__).resolve().parent.parent
RUNNER = "sim.testmodels:run_synthetic_policy"


def _exp(posterior: Path, **over) -> dict:
    exp = {"name": "cu", "design": "grid", "replicates": 2, "years": 1, "seed": 5,
           "outputs": ["joint_rd_per_100_firms", "public_cost"],
           "factors": {"tax_credit": {"values": [0.0, 0.5]},
                       "intern_subsidy": {"values": [0.0, 4.0]}},
           "uncertainty": {"posterior": str(posterior), "draws": MIN_DRAWS}}
    for key, value in over.items():
        if value is None:
            exp.pop(key, None)
        else:
            exp[key] = value
    return exp


def test_draws_are_crossed_with_seeds_and_shared_by_every_point(tmp_path):
    exp = parse_experiment(_exp(write_posterior(tmp_path / "p")))
    assert exp.replicates == MIN_DRAWS * 2
    plan = make_plan(exp)
    n_points = len(plan.design)
    assert n_points == 4
    pairs = {}
    for point in range(n_points):
        tasks = [plan.task(point * exp.replicates + r) for r in range(exp.replicates)]
        got = [(t.draw, t.seed, t.values["trust_step"]) for t in tasks]
        pairs.setdefault("first", got)
        assert got == pairs["first"]  # the same draw-seed pairs at every design point
    draws = [d for d, _, _ in pairs["first"]]
    assert draws == [r // 2 for r in range(exp.replicates)] == \
        [draw_of(exp.uncertainty, r) for r in range(exp.replicates)]
    seeds = [s for _, s, _ in pairs["first"]]
    assert len(set(seeds)) == len(seeds)  # each (draw, seed) pair has its own seed
    assert seeds == [replicate_seed(exp.seed, r) for r in range(exp.replicates)]
    post = load_posterior(tmp_path / "p")
    values = [v for _, _, v in pairs["first"]][::2]
    assert values == [post.rows[i][0] for i in exp.uncertainty["rows"]]


def test_draws_follow_the_weights(tmp_path):
    folder = write_posterior(tmp_path / "p", {"trust_step": [0.1, 0.2, 0.3]},
                             weights=[0.0, 0.0, 1.0])
    exp = parse_experiment(_exp(folder))
    assert set(exp.uncertainty["rows"]) == {2}
    assert {v["trust_step"] for v in exp.uncertainty["values"]} == {0.3}


def test_changing_a_lever_or_the_design_leaves_the_draws_unchanged(tmp_path):
    post = write_posterior(tmp_path / "p")
    a = parse_experiment(_exp(post))
    b = parse_experiment(_exp(post, factors={"tax_credit": {"values": [0.1, 0.2, 0.4]},
                                             "rd_cofunding": {"values": [0.0, 0.6]}},
                              fixed={"intern_subsidy": 2.0}))
    c = parse_experiment(_exp(post, seed=6))
    assert a.uncertainty["rows"] == b.uncertainty["rows"]
    assert a.uncertainty["values"] == b.uncertainty["values"]
    assert a.uncertainty["rows"] != c.uncertainty["rows"]  # the master seed picks them


def test_digest_follows_the_posterior_content_not_its_path(tmp_path):
    post = write_posterior(tmp_path / "p")
    a = parse_experiment(_exp(post))
    moved = tmp_path / "elsewhere"
    shutil.copytree(post, moved)
    assert parse_experiment(_exp(moved)).digest() == a.digest()
    df = pd.read_parquet(post / "posterior.parquet")
    df.loc[len(df) - 1, "trust_step"] = 0.3  # one particle moves
    df.to_parquet(moved / "posterior.parquet")
    assert load_posterior(moved).digest != load_posterior(post).digest
    assert parse_experiment(_exp(moved)).digest() != a.digest()
    df = pd.read_parquet(post / "posterior.parquet")
    w = df["weight"].to_numpy().copy()
    w[0], w[1] = w[0] * 1.5, w[1] * 0.5  # same particles, other weights
    df["weight"] = w
    df.to_parquet(moved / "posterior.parquet")
    assert parse_experiment(_exp(moved)).digest() != a.digest()
    assert parse_experiment(_exp(post, uncertainty={"posterior": str(post), "draws": 21})
                            ).digest() != a.digest()


def test_sweep_records_draws_and_resume_refuses_a_changed_posterior(tmp_path):
    post = write_posterior(tmp_path / "p")
    out = tmp_path / "sweep"
    s = run_sweep(_exp(post), out, workers=1, quiet=True, runner=RUNNER)
    assert s.done == 4 * MIN_DRAWS * 2 and s.failed == 0
    rows = load_results(out)
    assert (rows["draw"] == rows["replicate"] // 2).all()
    manifest = load_manifest(out)
    unc = manifest["experiment"]["uncertainty"]
    assert unc["draws"] == MIN_DRAWS and unc["seeds_per_draw"] == 2 and unc["params"] == \
        ["trust_step"]
    task = task_of(out, manifest, 4 * MIN_DRAWS * 2 - 1)  # last run: last draw, second seed
    assert task.draw == MIN_DRAWS - 1
    assert task.values["trust_step"] == unc["values"][-1]["trust_step"]
    again = run_sweep(_exp(post), out, workers=1, quiet=True, runner=RUNNER)
    assert again.done == 0 and again.skipped == s.done  # the same posterior resumes
    df = pd.read_parquet(post / "posterior.parquet")
    df["trust_step"] = np.clip(df["trust_step"] + 0.01, 0.05, 0.5)
    df.to_parquet(post / "posterior.parquet")
    with pytest.raises(UsageError, match=r"different experiment \(changed: uncertainty"):
        run_sweep(_exp(post), out, workers=1, quiet=True, runner=RUNNER)


def _bad_posteriors(tmp_path: Path) -> dict[str, tuple[dict, str]]:
    good = write_posterior(tmp_path / "good")
    cases: dict[str, tuple[dict, str]] = {}
    cases["missing folder"] = (_exp(tmp_path / "nowhere"), "no such calibration folder")
    cases["unknown name"] = (_exp("status_quo_posterior"), "not a calibration folder or a "
                             "shipped posterior")
    no_json = tmp_path / "nojson"
    shutil.copytree(good, no_json)
    (no_json / "calibration.json").unlink()
    cases["no calibration.json"] = (_exp(no_json), "calibration.json': missing")
    garbage = tmp_path / "garbage"
    shutil.copytree(good, garbage)
    (garbage / "posterior.parquet").write_bytes(b"not parquet at all")
    cases["bad parquet"] = (_exp(garbage), "not a readable Parquet file")
    cases["unknown parameter"] = (_exp(write_posterior(tmp_path / "u", {"trust_stpe": [0.1]})),
                                  "'trust_stpe' in")
    cases["run parameter"] = (_exp(write_posterior(tmp_path / "r", {"years": [10]})),
                              "years is a run parameter")
    cases["also a factor"] = (_exp(write_posterior(tmp_path / "f", {"tax_credit": [0.1]})),
                              "tax_credit is calibrated in the posterior and also a factor")
    cases["also fixed"] = (_exp(good, fixed={"trust_step": 0.2}),
                           "trust_step is calibrated in the posterior and also set in [fixed]")
    cases["model version"] = (_exp(write_posterior(tmp_path / "v", model_version="1")),
                              "calibrated with model version '1'")
    cases["params disagree"] = (_exp(write_posterior(tmp_path / "d", params=["trust_gain"])),
                                "lists params")
    cases["weights sum"] = (_exp(write_posterior(tmp_path / "w", {"trust_step": [0.1, 0.2]},
                                                 [0.5, 0.6])), "weights sum to 1.1")
    cases["negative weight"] = (_exp(write_posterior(tmp_path / "n", {"trust_step": [0.1, 0.2]},
                                                     [1.5, -0.5])), "weights must be finite")
    cases["out of range"] = (_exp(write_posterior(tmp_path / "o", {"trust_step": [0.9]})),
                             "trust_step = 0.9")
    cases["few draws"] = (_exp(good, uncertainty={"posterior": str(good), "draws": 5}),
                          "uncertainty.draws = 5: expected a whole number >= 20")
    cases["one seed"] = (_exp(good, replicates=1), "replicates = 1: with [uncertainty]")
    cases["unknown key"] = (_exp(good, uncertainty={"posterior": str(good), "drawz": 20}),
                            "unknown key 'drawz'")
    cases["test function"] = ({"name": "i", "model": "ishigami", "design": "lhs",
                               "lhs": {"samples": 4}, "replicates": 2, "factors": {"x1": {}},
                               "uncertainty": {"posterior": str(good)}},
                              "needs model = 'cooperation'")
    return cases


def test_bad_posteriors_are_named_in_one_line(tmp_path):
    for what, (exp, message) in _bad_posteriors(tmp_path).items():
        with pytest.raises(ConfigError) as info:
            parse_experiment(exp)
        text = str(info.value)
        assert message in text, (what, text)
        assert "\n" not in text, what


def test_allow_few_accepts_a_quick_look(tmp_path):
    post = write_posterior(tmp_path / "p")
    exp = parse_experiment(_exp(post, uncertainty={"posterior": str(post), "draws": 3,
                                                   "allow_few": True}))
    assert exp.replicates == 6


def test_posterior_differing_between_compared_scenarios_is_refused(tmp_path):
    post = write_posterior(tmp_path / "p", {"tax_credit": [0.1, 0.2]})
    exp = {"name": "s", "design": "scenarios", "replicates": 2, "years": 1,
           "scenarios": ["status_quo", "subsidies_only"],
           "uncertainty": {"posterior": str(post), "draws": MIN_DRAWS}}
    with pytest.raises(ConfigError, match="tax_credit differs between the scenarios"):
        parse_experiment(exp)


def test_cli_refuses_a_bad_posterior_with_exit_2_and_writes_nothing(tmp_path):
    post = write_posterior(tmp_path / "p", model_version="0")
    spec = tmp_path / "cu.toml"
    spec.write_text('name = "cu"\ndesign = "grid"\nreplicates = 2\nyears = 1\n'
                    '[factors]\ntax_credit = { values = [0.0, 0.5] }\n'
                    f'[uncertainty]\nposterior = "{post}"\ndraws = 20\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "sim", "sweep", str(spec), "--out", str(out)],
                         capture_output=True, text=True, cwd=tmp_path, env=env)
    assert res.returncode == 2, res.stderr
    assert res.stderr.startswith("error: ") and res.stderr.count("\n") == 1, res.stderr
    assert "model version '0'" in res.stderr and "Traceback" not in res.stderr
    assert not out.exists()
    assert json.loads((post / "calibration.json").read_text())["model_version"] == "0"


def test_cooperation_runs_use_their_draw_and_rerun_to_the_same_rows(tmp_path, monkeypatch):
    from sim.experiment import models
    from sim.experiment.rerun import rerun

    post = write_posterior(tmp_path / "p", {"trust_step": [0.1, 0.45]}, [0.5, 0.5])
    seen = []
    real = models.cooperation_scenario

    def spy(ctx, scenario, values):
        scn = real(ctx, scenario, values)
        seen.append((values["trust_step"], scn["trust_step"]))
        return scn

    monkeypatch.setattr(models, "cooperation_scenario", spy)
    exp = {"name": "coop", "design": "grid", "replicates": 2, "years": 1, "seed": 3,
           "outputs": ["mean_rung", "public_cost"], "fixed": {"n_enterprises": 40},
           "factors": {"tax_credit": {"values": [0.3]}},
           "uncertainty": {"posterior": str(post), "draws": 2, "allow_few": True}}
    out = tmp_path / "coop"
    s = run_sweep(exp, out, workers=1, quiet=True)
    assert s.done == 4 and s.failed == 0
    unc = load_manifest(out)["experiment"]["uncertainty"]
    assert [v for v, _ in seen] == [unc["values"][r // 2]["trust_step"] for r in range(4)]
    assert all(a == b for a, b in seen)  # the model ran with the drawn value
    again = rerun(out, 3)
    assert again.task.draw == 1 and again.identical


def test_a_shipped_posterior_is_found_by_name_and_seeds_default_to_two(tmp_path, monkeypatch):
    from sim.experiment import posterior

    shipped = tmp_path / "posteriors"
    write_posterior(shipped / "status_quo_test")
    (shipped / "not_a_posterior").mkdir()
    monkeypatch.setattr(posterior, "posteriors_dir", lambda: shipped)
    assert posterior.list_posteriors() == ["status_quo_test"]
    exp = parse_experiment(_exp("status_quo_test", replicates=None))
    assert exp.uncertainty["posterior"] == "status_quo_test"
    assert exp.uncertainty["seeds_per_draw"] == 2 and exp.replicates == 2 * MIN_DRAWS
    with pytest.raises(ConfigError, match="shipped posteriors are status_quo_test"):
        parse_experiment(_exp("status_quo_tset"))
