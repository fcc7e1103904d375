"""The one-factor-at-a-time (ofat) design: points, layout and validation."""

from __future__ import annotations

import numpy as np
import pytest

from sim.errors import ConfigError
from sim.experiment.design import build_design, n_points, ofat_layout, ofat_levels
from sim.experiment.spec import parse_experiment
from sim.policies import package_levers

OFAT = {"name": "d", "design": "ofat", "scenario": "status_quo", "replicates": 2,
        "ofat": {"levels": 5, "centres": ["status_quo", "reform_package"]},
        "factors": {"tax_credit": {}, "intern_subsidy": {"low": 0.0, "high": 4.0},
                    "choice_intensity": {}}}


def test_ofat_varies_one_factor_at_a_time_around_each_centre():
    exp = parse_experiment(OFAT)
    design = build_design(exp)
    layout = ofat_layout(list(exp.factor_names), ["status_quo", "reform_package"], 5)
    assert len(design) == n_points(exp) == 2 * 3 * 5 == len(layout)
    assert list(design.index) == list(layout["point"])
    base_choice = exp.bases["status_quo"]["behaviour.choice_intensity"]
    for centre in ("status_quo", "reform_package"):
        levers = package_levers(centre)
        centre_at = {"tax_credit": levers["tax_credit"],
                     "intern_subsidy": levers["intern_subsidy"],
                     "choice_intensity": base_choice}
        for f in exp.factors:
            rows = layout[(layout["centre"] == centre) & (layout["lever"] == f.name)]
            block = design.loc[rows["point"]]
            # the varied factor runs over evenly spaced levels from low to high
            np.testing.assert_allclose(block[f.name], np.linspace(f.low, f.high, 5))
            assert block[f.name].iloc[0] == f.low and block[f.name].iloc[-1] == f.high
            # every other factor stays at the centre's value
            for other, value in centre_at.items():
                if other != f.name:
                    assert (block[other] == value).all(), (centre, f.name, other)
    # the reform centre differs from the status quo where the package sets the lever
    assert package_levers("reform_package")["tax_credit"] != package_levers(
        "status_quo")["tax_credit"]


def test_ofat_levels_include_both_bounds():
    np.testing.assert_allclose(ofat_levels(0.0, 0.5, 11), np.arange(11) * 0.05)


def test_ofat_centres_default_to_status_quo():
    spec = {**OFAT, "ofat": {"levels": 3}}
    exp = parse_experiment(spec)
    assert exp.options["centres"] == ["status_quo"]
    assert n_points(exp) == len(build_design(exp)) == 3 * 3


@pytest.mark.parametrize("ofat, message", [
    ({"centres": ["status_quo"]}, r"\[ofat\] levels: missing"),
    ({"levels": 1}, r"ofat.levels = 1"),
    ({"levels": 5, "centres": ["nowhere"]}, r"unknown ofat centre 'nowhere'"),
    ({"levels": 5, "centres": []}, r"ofat.centres = \[\]"),
    ({"levels": 5, "centres": ["status_quo", "status_quo"]}, r"names repeat"),
    ({"levels": 5, "steps": 3}, r"unknown option in \[ofat\] 'steps'"),
])
def test_bad_ofat_options_name_the_key(ofat, message):
    with pytest.raises(ConfigError, match=message):
        parse_experiment({**OFAT, "ofat": ofat})


def test_ofat_lists_no_values():
    spec = {**OFAT, "factors": {"tax_credit": {"values": [0.0, 0.1]}}}
    with pytest.raises(ConfigError, match="only grid designs list values"):
        parse_experiment(spec)
