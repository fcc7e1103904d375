"""Sweeps of the cooperation model (classroom scenario, short horizons, so they run fast)."""

import pandas as pd
import pytest

from sim.experiment import design_matrix, load_manifest, load_results, run_sweep
from sim.experiment.rerun import rerun
from sim.experiment.seeds import replicate_seed
from sim.metrics import OUTPUTS
from sim.params import load_scenario
from sim.run import simulate

LHS = {"name": "coop", "scenario": "classroom", "design": "lhs", "lhs": {"samples": 3},
       "replicates": 2, "years": 2, "seed": 99,
       "factors": {"tax_credit": {}, "contacts_per_college": {"low": 2, "high": 8}}}


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    out = tmp_path_factory.mktemp("coop") / "serial"
    s = run_sweep(LHS, out, workers=1, quiet=True)
    assert s.done == 6 and s.failed == 0
    return out


def test_final_rows_match_a_bare_simulate_call(serial):
    df = load_results(serial)
    assert list(df.columns) == (["run_id", "point", "replicate", "seed", "step", "year",
                                 "tax_credit", "contacts_per_college", *OUTPUTS])
    assert len(df) == 6 and (df["year"] == 2.0).all()
    design = design_matrix(serial)
    assert design["contacts_per_college"].dtype == "int64"
    row = df.iloc[3]  # point 1, replicate 1
    scn = load_scenario("classroom").with_overrides(
        {"tax_credit": float(design.loc[1, "tax_credit"]),
         "contacts_per_college": int(design.loc[1, "contacts_per_college"])})
    bare = simulate(scn, seed=replicate_seed(99, 1), years=2).iloc[-1]
    for name in OUTPUTS:
        assert row[name] == pytest.approx(bare[name], nan_ok=True, rel=0, abs=0), name


def test_process_pool_and_dask_give_serial_numbers(serial, tmp_path):
    ref = load_results(serial)
    run_sweep(LHS, tmp_path / "p", workers=2, quiet=True)
    pd.testing.assert_frame_equal(load_results(tmp_path / "p"), ref)
    run_sweep(LHS, tmp_path / "d", workers=2, scheduler="local", quiet=True,
              dask_processes=False)
    pd.testing.assert_frame_equal(load_results(tmp_path / "d"), ref)


def test_rerun_reproduces_a_cooperation_run(serial):
    res = rerun(serial, 5)
    assert res.identical is True


def test_scenarios_design_keeps_time_series_with_common_seeds(tmp_path):
    exp = {"name": "sc", "design": "scenarios", "scenarios": ["classroom", "status_quo"],
           "fixed": {"n_enterprises": 40, "n_colleges": 2, "students_per_college": 60},
           "replicates": 2, "years": 2, "seed": 5, "keep": "timeseries", "every": 2,
           "outputs": ["mean_rung", "n_ties"]}
    s = run_sweep(exp, tmp_path / "sc", workers=1, quiet=True)
    assert s.done == 4
    df = load_results(tmp_path / "sc")
    assert list(df.columns) == ["run_id", "point", "replicate", "seed", "step", "year",
                                "scenario", "mean_rung", "n_ties"]
    steps = sorted(df["step"].unique())
    assert steps[-1] == 4 and all(s % 2 == 0 for s in steps)
    seeds = df.groupby(["scenario", "replicate"])["seed"].first().unstack()
    assert (seeds.loc["classroom"] == seeds.loc["status_quo"]).all()
    m = load_manifest(tmp_path / "sc")
    assert m["scenarios"] == ["classroom", "status_quo"] and m["keep"] == "timeseries"
    assert m["bases"]["status_quo"]["world.n_enterprises"] == 40
    final = load_results(tmp_path / "sc", columns=["scenario", "n_ties"], final_only=True)
    assert len(final) == 4 and list(final.columns) == ["run_id", "scenario", "n_ties"]


def test_cli_sweep_then_dry_run_resume(tmp_path, capsys):
    from sim.cli import main

    path = tmp_path / "c.toml"
    path.write_text('name = "c"\nscenario = "classroom"\ndesign = "grid"\nyears = 1\n'
                    'outputs = ["mean_rung", "public_cost"]\n'
                    "[factors]\nintern_subsidy = { values = [0.0, 4.0] }\n")
    out = tmp_path / "c"
    main(["sweep", str(path), "--out", str(out), "--workers", "2", "--quiet"])
    assert "sweep c: 2 runs done, 0 already on disk, 0 failed, of 2" in capsys.readouterr().out
    main(["sweep", str(path), "--out", str(out), "--dry-run"])
    assert "2 runs, 2 already on disk, 0 to run" in capsys.readouterr().out
    df = load_results(out)
    assert list(df["intern_subsidy"]) == [0.0, 4.0] and (df["step"] == 2).all()
