"""Experiment files: every bad file gets a one-line error naming the problem, exit 2, no output."""

import pytest

from sim.cli import main
from sim.errors import ConfigError
from sim.experiment.design import build_design, n_points
from sim.experiment.spec import list_experiments, load_experiment, parse_experiment

ISH = {"name": "t", "model": "ishigami", "design": "lhs", "lhs": {"samples": 10},
       "factors": {"x1": {}, "x2": {"low": -1.0, "high": 2.0}}}

GOOD = """
name = "bad"
design = "sobol"
replicates = 2
scenario = "status_quo"
years = 5
[sobol]
n = 8
[factors]
tax_credit = {}
"""

BAD_FILES = {
    "unknown lever": (GOOD.replace("tax_credit = {}", "tax_credt = {}"),
                      "unknown parameter 'tax_credt' (did you mean 'tax_credit'?)"),
    "inverted bounds": (GOOD.replace("tax_credit = {}", "tax_credit = { low = 0.4, high = 0.1 }"),
                        "factors.tax_credit: low = 0.4 must be below high = 0.1"),
    "bounds outside declared": (GOOD.replace("tax_credit = {}",
                                             "tax_credit = { low = 0, high = 0.9 }"),
                                "policy.tax_credit = 0.9 is out of range"),
    "sobol n not a power of two": (GOOD.replace("n = 8", "n = 12"),
                                   "sobol.n = 12: must be a power of two (e.g. 8 or 16)"),
    "empty design": (GOOD.replace("tax_credit = {}", ""),
                     "factors: empty design: a sobol design needs at least one factor"),
    "missing scenario": (GOOD.replace('"status_quo"', '"statu_quo"'),
                         "unknown scenario 'statu_quo' (did you mean 'status_quo'?)"),
    "missing scenario file": (GOOD.replace('"status_quo"', '"configs/nowhere.toml"'),
                              "scenario file 'configs/nowhere.toml' not found"),
    "unknown key": (GOOD.replace("replicates", "replicate"),
                    "unknown key 'replicate' (did you mean 'replicates'?)"),
    "bad design": (GOOD.replace('"sobol"', '"sobel"'), "unknown design 'sobel'"),
    "zero replicates": (GOOD.replace("replicates = 2", "replicates = 0"),
                        "replicates = 0: expected a whole number in [1, 100000]"),
    "unknown output": (GOOD.replace("years = 5", 'years = 5\noutputs = ["mean_rungs"]'),
                       "unknown output 'mean_rungs'"),
    "years out of range": (GOOD.replace("years = 5", "years = 0"), "years: run.years = 0"),
    "run parameter varied": (GOOD.replace("tax_credit = {}", "seed = {}"),
                             "factors.seed: run parameters cannot be varied"),
    "options of another design": (GOOD + "[morris]\ntrajectories = 4\n",
                                  "[morris]: options of the morris design, but design is "
                                  "'sobol'"),
    "grid without values": (GOOD.replace('"sobol"', '"grid"').replace("[sobol]\nn = 8\n", ""),
                            "factors.tax_credit: a grid design needs values = [...]"),
    "invalid TOML": (GOOD + "oops = \n", "invalid TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_one_line_exit_2_nothing_written(case, tmp_path, capsys, monkeypatch):
    text, message = BAD_FILES[case]
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(SystemExit) as exc:
        main(["sweep", str(path), "--quiet", "--workers", "1"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "bad.toml: " in err and err.count("\n") == 1, err
    assert message in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]  # no results/


@pytest.mark.parametrize("args, message", [
    (["--shard", "3/2"], "--shard 3/2: need 1 <= i <= n"),
    (["--shard", "x"], "--shard 'x': expected i/n"),
    (["--workers", "0"], "--workers 0: expected a whole number >= 1"),
    (["--scheduler", "8786"], "--scheduler '8786': expected 'local' or an address"),
])
def test_bad_options_one_line_exit_2(args, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "ish.toml"
    path.write_text('name = "ish"\nmodel = "ishigami"\ndesign = "lhs"\n[lhs]\nsamples = 4\n'
                    "[factors]\nx1 = {}\n")
    with pytest.raises(SystemExit) as exc:
        main(["sweep", str(path), "--quiet", *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ish.toml"]


def test_unknown_experiment_name_lists_shipped(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["sweep", "dem", "--dry-run"])
    assert exc.value.code == 2
    assert "unknown experiment 'dem' (did you mean 'demo'?)" in capsys.readouterr().err


@pytest.mark.parametrize("change, message", [
    ({"design": "scenarios"}, "design = 'scenarios' needs model = 'cooperation'"),
    ({"factors": {"x4": {}}}, "unknown ishigami input 'x4'"),
    ({"factors": {"x1": {"low": -4.0}}}, "factors.x1: -4.0 is out of range"),
    ({"lhs": {"samples": 0}}, "lhs.samples = 0: expected a whole number >= 1"),
    ({"factors": {"x1": {"values": [0.0, 1.0]}}}, "only grid designs list values"),
    ({"name": "a/b"}, "name = 'a/b': use letters"),
    ({"seed": -1}, "seed = -1"),
    ({"every": 2}, "every: only used with keep = 'timeseries'"),
    ({"keep": "all"}, "unknown keep 'all'"),
])
def test_ishigami_validation(change, message):
    with pytest.raises(ConfigError) as exc:
        parse_experiment({**ISH, **change})
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_grid_requires_listed_values_and_forbids_repeats():
    base = {"name": "g", "model": "ishigami", "design": "grid"}
    with pytest.raises(ConfigError, match="values repeat"):
        parse_experiment({**base, "factors": {"x1": {"values": [1.0, 1.0]}}})
    with pytest.raises(ConfigError, match="non-empty list"):
        parse_experiment({**base, "factors": {"x1": {"values": []}}})


def test_defaults_resolved_and_bounds_default_to_declared():
    exp = parse_experiment(ISH)
    assert exp.replicates == 1 and exp.keep == "final" and exp.outputs == ("y",)
    x1, x2 = exp.factors
    assert (x1.low, x1.high) == pytest.approx((-3.14159265, 3.14159265))
    assert (x2.low, x2.high) == (-1.0, 2.0)
    assert n_points(exp) == 10 == len(build_design(exp))


def test_digest_ignores_description_but_not_values():
    a = parse_experiment(ISH)
    b = parse_experiment({**ISH, "description": "another text"})
    c = parse_experiment({**ISH, "lhs": {"samples": 11}})
    assert a.digest() == b.digest() != c.digest()


def test_analysis_table_is_kept_for_the_analysis_but_not_hashed():
    a = parse_experiment(ISH)
    b = parse_experiment({**ISH, "analysis": {"targets": {"y": ">= 5"}, "resamples": 200}})
    assert b.to_dict()["analysis"] == {"targets": {"y": ">= 5"}, "resamples": 200}
    assert a.digest() == b.digest()
    with pytest.raises(ConfigError, match="unknown analysis key 'target' \\(did you mean "
                                          "'targets'\\?\\)"):
        parse_experiment({**ISH, "analysis": {"target": {"y": ">= 5"}}})
    with pytest.raises(ConfigError, match="expected a table"):
        parse_experiment({**ISH, "analysis": 3})


def test_cooperation_experiment_resolves_scenario_and_fixed():
    exp = parse_experiment({"name": "c", "design": "morris", "morris": {"trajectories": 2},
                            "fixed": {"n_enterprises": 120},
                            "factors": {"tax_credit": {}, "contacts_per_college": {}}})
    assert exp.scenario == "status_quo" and exp.years == 10
    assert exp.bases["status_quo"]["world.n_enterprises"] == 120
    tc, cc = exp.factors
    assert (tc.kind, tc.group, tc.low, tc.high) == ("lever", "fiscal", 0.0, 0.5)
    assert (cc.kind, cc.dtype) == ("behaviour", "int")
    with pytest.raises(ConfigError, match="factors.tax_credit: also set in"):
        parse_experiment({"name": "c", "design": "lhs", "lhs": {"samples": 2},
                          "fixed": {"policy.tax_credit": 0.2}, "factors": {"tax_credit": {}}})
    with pytest.raises(ConfigError, match="true/false|use the short name|unknown"):
        parse_experiment({"name": "c", "design": "lhs", "lhs": {"samples": 2},
                          "factors": {"policy.tax_credit": {}}})


@pytest.mark.parametrize("name", ["demo", "morris_screening", "policy_sobol",
                                  "subsidy_retention_grid", "scenarios", "ishigami_check"])
def test_shipped_experiments_validate(name):
    assert name in list_experiments()
    exp = load_experiment(name)
    assert exp.name == name
    assert len(build_design(exp)) == n_points(exp) > 0


def test_grouped_sobol_samples_lever_groups():
    exp = parse_experiment({"name": "g", "design": "sobol", "sobol": {"n": 8, "groups": True},
                            "factors": {"tax_credit": {}, "intern_subsidy": {},
                                        "retention_support": {}, "trust_gain": {}}})
    assert exp.groups == ("fiscal", "fiscal", "retention", "trust_gain")
    assert n_points(exp) == 8 * (3 + 2) == len(build_design(exp))


ISH_A = {"name": "a", "model": "ishigami", "design": "lhs", "lhs": {"samples": 10},
       "factors": {"x1": {}, "x2": {}}}


@pytest.mark.parametrize("table, message", [
    ({"resamples": "lots"}, r"\[analysis\] resamples = 'lots': expected an integer >= 10"),
    ({"resamples": 3}, r"\[analysis\] resamples = 3"),
    ({"conf_level": 1.5}, r"\[analysis\] conf_level = 1.5"),
    ({"seed": "x"}, r"\[analysis\] analysis seed = 'x'"),
    ({"groups": "yes"}, r"\[analysis\] groups = 'yes'"),
    ({"targets": {"z": ">= 1"}}, r"\[analysis\] targets.z: not an output of this experiment"),
    ({"targets": {"y": "lots"}}, r"\[analysis\] targets.y = 'lots': expected a comparison"),
    ({"targets": {"y": ">= nan"}}, r"\[analysis\] targets.y = '>= nan'"),
    ({"targets": {"y": 5}}, r"\[analysis\] targets.y = 5: expected text"),
    ({"targets": ["y >= 1"]}, r"\[analysis\] targets = \['y >= 1'\]: expected a table"),
    ({"baseline": "status_quo"}, r"\[analysis\] baseline = 'status_quo': only used by the "
                                 "scenarios design"),
    ({"resamples": [1] * 100_000}, r"\[analysis\] resamples = "),
    ({"willingness_to_pay": {"y": 0}}, r"\[analysis\] willingness_to_pay.y = 0: expected a "
                                       "positive number"),
    ({"willingness_to_pay": {"z": 5}}, r"\[analysis\] willingness_to_pay.z: not an output"),
])
def test_analysis_table_is_validated_before_the_sweep(tmp_path, table, message):
    from sim.experiment import run_sweep

    with pytest.raises(ConfigError, match=message) as err:
        run_sweep({**ISH_A, "analysis": table}, tmp_path / "o", quiet=True, workers=1)
    assert len(str(err.value)) < 400
    assert not (tmp_path / "o").exists()


def test_analysis_targets_and_groups_match_the_experiment():
    ok = parse_experiment({**ISH_A, "analysis": {"targets": {"y": ">= 5"}, "resamples": 50}})
    assert ok.analysis["targets"] == {"y": ">= 5"}
    with pytest.raises(ConfigError, match="names another output"):
        parse_experiment({**ISH_A, "outputs": ["y"], "analysis": {"targets": {"y": "x >= 1"}}})
    with pytest.raises(ConfigError, match=r"the sobol sample is not grouped; set groups = "
                                          r"true in \[sobol\]"):
        parse_experiment({"name": "g", "design": "sobol", "sobol": {"n": 8},
                          "factors": {"tax_credit": {}, "intern_subsidy": {}},
                          "analysis": {"groups": True}})
    with pytest.raises(ConfigError, match="baseline = 'nope': not one of the scenarios"):
        parse_experiment({"name": "s", "design": "scenarios",
                          "scenarios": ["status_quo", "classroom"],
                          "analysis": {"baseline": "nope"}})


def test_cli_refuses_a_bad_analysis_table_before_running(tmp_path, capsys):
    path = tmp_path / "a.toml"
    path.write_text('name = "a"\nmodel = "ishigami"\ndesign = "lhs"\n[lhs]\nsamples = 10\n'
                    '[factors]\nx1 = {}\n[analysis]\nresamples = "lots"\n')
    with pytest.raises(SystemExit) as exc:
        main(["sweep", str(path), "--out", str(tmp_path / "o"), "--quiet"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err == ("error: a.toml: [analysis] resamples = 'lots': expected an integer >= 10\n")
    assert not (tmp_path / "o").exists()
