"""The calibration search script: pattern statistics, tolerances and sampling."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.model import CooperationModel
from sim.params import BY_NAME, load_scenario

SCRIPT = Path(__file__).resolve().parent.parent / "calibration" / "search.py"
spec = importlib.util.spec_from_file_location("calibration_search", SCRIPT)
search = importlib.util.module_from_spec(spec)
sys.modules["calibration_search"] = search  # dataclasses look their module up
spec.loader.exec_module(search)


def test_factors_are_declared_parameters():
    for f in search.FACTORS:
        assert f in BY_NAME


def test_latin_hypercube_has_one_point_per_stratum():
    u = search.latin_hypercube(8, 3, np.random.default_rng(0))
    for j in range(3):
        assert sorted(np.floor(u[:, j] * 8).astype(int).tolist()) == list(range(8))


def test_met_checks_each_pattern_range():
    stats = {p.name: p.low for p in search.PATTERNS}
    assert all(search.met(stats).values())
    stats["share_internship"] = 0.4
    assert not search.met(stats)["share_internship"]


def test_firm_statistics_of_a_run_are_shares_where_they_should_be():
    m = CooperationModel(load_scenario("classroom").with_overrides({"run.years": 2}), seed=1)
    m.run()
    st = search.firm_statistics(m)
    for k in ("partner_medium", "costly_3"):
        assert np.isnan(st[k]) or 0.0 <= st[k] <= 1.0
    # host firms counted from the realised ledger: losing and profiting firms are host firms
    for k in ("intern", "apprentice"):
        assert 0 <= st[f"{k}_losing"] + st[f"{k}_profiting"] <= st[f"{k}_firms"]
    assert st["deep_ties_per_100_partner_firms"] >= 0


def test_existing_out_folder_is_refused(tmp_path, capsys):
    assert search.main(["--points", "0", "--out", str(tmp_path)]) == 2
    assert "exists" in capsys.readouterr().err


@pytest.mark.parametrize("bad", [["--points", "-1"], ["--seeds", "1"]])
def test_bad_sizes_are_refused(tmp_path, bad, capsys):
    assert search.main([*bad, "--out", str(tmp_path / "new")]) == 2
    assert not (tmp_path / "new").exists()


def test_centre_names_only_searched_factors_inside_their_ranges(tmp_path, capsys):
    out = tmp_path / "new"
    assert search.main(["--points", "0", "--centre", "nope=1", "--out", str(out)]) == 2
    assert "nope" in capsys.readouterr().err and not out.exists()
    assert search.main(["--points", "0", "--centre", "partner_hire_intern=5",
                        "--out", str(out)]) == 2
    assert "partner_hire_intern" in capsys.readouterr().err and not out.exists()


def test_miss_distance_is_zero_only_when_every_pattern_is_met():
    stats = {p.name: p.low if np.isfinite(p.low) else p.high for p in search.PATTERNS}
    stats.update(main_partner_medium=0.9, main_partner_large=0.8, main_partner_small_micro=0.7,
                 costly_0=0.0, costly_1=0.0, costly_2=0.1, costly_3=0.2)
    assert search.miss_distance(stats) == 0.0
    stats["intern_loss_share"] = 0.70  # 0.10 above a 0.20-wide range: half a width
    assert search.miss_distance(stats) == pytest.approx(0.5)
    # The main partners' order broken by 0.05 (large above medium): half an order scale more.
    stats.update(main_partner_large=0.95, main_partner_order=0.0)
    assert search.miss_distance(stats) == pytest.approx(0.5 + (0.05 + 0.01) / 0.1)


def test_wilson_interval_contains_the_share():
    spec2 = importlib.util.spec_from_file_location(
        "status_quo_table", SCRIPT.with_name("status_quo_table.py"))
    table = importlib.util.module_from_spec(spec2)
    spec2.loader.exec_module(table)
    p, lo, hi = table.wilson(4, 14)
    assert p == pytest.approx(4 / 14) and 0 < lo < p < hi < 1
