"""Particles that pool several runs as one survey (a targets file's ``replicates``)."""

import json

import numpy as np
import pytest
from test_calibration_fit import NORMAL_MEAN

from sim.calibration.priors import select_priors
from sim.calibration.run import calibrate
from sim.calibration.simulator import RunModel, replicate_seeds
from sim.calibration.statistics import pool_final, pool_statistics, run_record, run_statistics
from sim.calibration.targets import parse_targets
from sim.errors import ConfigError
from sim.model import CooperationModel
from sim.params import load_scenario

WANTED = {"share_internship": 3, "willingness_gap": 2, "service_funding_q90": 3,
          "intern_loss_share": 3, "partner_order": 3, "apprentice_mean_net": 3}


def _row(**over):
    row = {f"{p}_{c}": 0.0 for p in ("intern", "apprentice")
           for c in ("firms", "students", "net_sum", "losing", "profiting")}
    row.update({"partner_small_micro": 0.5, "partner_medium": 0.5, "partner_large": 0.5,
                "costly_0": 0.1, "costly_1": 0.2, "costly_2": 0.3, "costly_3": 0.4,
                "deep_ties_per_100_partner_firms": 1.0})
    row.update(over)
    return row


def test_pooled_host_firms_are_one_survey_and_orders_come_from_pooled_shares():
    a = _row(intern_firms=2, intern_students=10, intern_net_sum=-20, intern_losing=2,
             partner_medium=0.9, partner_large=0.3, partner_small_micro=0.4)
    b = _row(intern_firms=8, intern_students=30, intern_net_sum=60, intern_losing=2,
             partner_medium=0.7, partner_large=0.7, partner_small_micro=0.4, costly_0=np.nan)
    p = pool_final([a, b])
    assert p["intern_mean_net"] == pytest.approx(40 / 40)  # pooled net over pooled students
    assert p["intern_loss_share"] == pytest.approx(4 / 10)  # not the mean of 1.0 and 0.25
    assert np.isnan(p["apprentice_mean_net"])  # no apprentice hosted anywhere
    assert p["costly_0"] == pytest.approx(0.1)  # a run without such firms does not count
    # run a alone misses the order (large 0.3 < small 0.4), run b alone too (medium = large
    # and large 0.7 > small 0.4 holds, so b meets it); pooled: 0.8 >= 0.5 > 0.4
    assert pool_final([a])["partner_order"] == 0.0
    assert p["partner_order"] == 1.0
    assert p["partner_medium_over_large"] == pytest.approx(0.8 / 0.5)


@pytest.fixture(scope="module")
def tiny():
    return load_scenario("status_quo").with_overrides({
        "world.n_colleges": 3, "world.n_enterprises": 60, "world.students_per_college": 60,
        "run.years": 3})


def _run(scn, seed):
    m = CooperationModel(scn, seed=seed)
    m.run()
    return m


def test_one_replicate_is_that_run_and_several_are_pooled(tiny):
    priors = select_priors("contacts_per_college", "ieisim")
    wanted = tuple(WANTED.items())
    one = RunModel("ieisim", tiny, priors, wanted, 3)
    two = RunModel("ieisim", tiny, priors, wanted, 3, replicates=2)
    values = {"contacts_per_college": 12}
    got1 = one.simulate(values, 11)
    m = _run(tiny.with_overrides(values), 11)
    expect = run_statistics(m, WANTED, 3)
    assert {k: v for k, v in got1.items() if k != "_seed"} == pytest.approx(expect,
                                                                            nan_ok=True)
    seeds = replicate_seeds(11, 2)
    assert seeds[0] == 11 and seeds[1] != 11 and replicate_seeds(11, 2) == seeds
    runs = [_run(tiny.with_overrides(values), s) for s in seeds]
    got2 = two.simulate(values, 11)
    per_run = [run_statistics(r, WANTED, 3) for r in runs]
    assert got2["share_internship"] == pytest.approx(
        np.mean([r["share_internship"] for r in per_run]))
    assert got2["willingness_gap@2"] == pytest.approx(
        np.mean([r["willingness_gap@2"] for r in per_run]))
    funding = np.concatenate([r.colleges.research_funding() for r in runs])
    assert got2["service_funding_q90"] == pytest.approx(np.quantile(funding, 0.9))
    records = [run_record(r, WANTED, 3) for r in runs]
    assert got2["intern_loss_share"] == pytest.approx(
        pool_statistics(records, WANTED, 3)["intern_loss_share"], nan_ok=True)


POOLED = ('model = "normal_mean"\nreplicates = 3\nscales = "{scales}"\n')
"""Header lines that make the normal-mean check's particles pool three runs."""


@pytest.mark.parametrize("scales", ["tolerance", "adaptive"])
def test_budget_counts_every_pooled_run(tmp_path, scales):
    f = tmp_path / "nm.toml"
    f.write_text(NORMAL_MEAN.format(value=1.3).replace('model = "normal_mean"\n',
                                                       POOLED.format(scales=scales)))
    out = calibrate(str(f), out=tmp_path / "o", workers=1, population=30, budget=900,
                    screening=0, seed=7, echo=lambda s: None)
    info = json.loads((out / "calibration.json").read_text())
    runs = info["result"]["runs"]
    assert runs % 3 == 0 and runs <= 900 + 3 * 4 * 2  # three runs a particle; batches in flight
    assert "budget of 900 runs spent" in info["result"]["stop_reason"]
    assert info["targets"]["replicates"] == 3 and info["targets"]["scales"] == scales
    state = json.loads((out / "state.json").read_text())
    assert bool(state["scales"]) == (scales == "adaptive")  # fixed scales are not stored


@pytest.mark.parametrize("over, says", [
    ({"replicates": 0}, "replicates = 0: expected a whole number in [1, 50]"),
    ({"replicates": 2.5}, "replicates = 2.5"),
    ({"replicates": True}, "replicates = True"),
    ({"scales": "mad"}, "scales = 'mad': expected one of adaptive, tolerance"),
])
def test_bad_pooling_settings_are_refused(over, says):
    data = {"name": "t", "targets": [{"name": "a", "statistic": "share_internship",
                                      "interval": [0.5, 1.0], "source": "somewhere"}]}
    data.update(over)
    with pytest.raises(ConfigError) as err:
        parse_targets(data)
    assert says in str(err.value) and "\n" not in str(err.value)


def test_shipped_targets_pool_four_regions_with_fixed_scales():
    from sim.calibration.targets import load_targets

    t = load_targets("status_quo_targets")
    assert (t.replicates, t.scales) == (4, "tolerance")
