import math

import pytest

from sim.params import (
    BY_NAME,
    LEVER_GROUPS,
    LEVERS,
    PARAMS,
    ConfigError,
    Scenario,
    find_scenario,
    list_scenarios,
    load_scenario,
    parse_set_option,
)

REQUIRED_LEVERS = {
    "intern_subsidy", "tax_credit", "rd_cofunding", "retention_support",
    "teacher_practice_weight", "teacher_practice_requirement", "industry_professor_quota",
    "consortium_strength", "shared_base_investment", "major_adjustment_rate",
    "contribution_evaluation", "credit_conversion",
}


def test_twelve_levers_declared_with_units_sources_and_groups():
    assert {p.name for p in LEVERS} == REQUIRED_LEVERS
    for p in LEVERS:
        assert p.unit and p.source and p.label and p.label_zh and p.help_zh
        assert p.group in LEVER_GROUPS
        assert p.low <= p.default <= p.high


def test_every_declaration_is_consistent():
    for key, p in PARAMS.items():
        assert key == f"{p.section}.{p.name}"
        assert p.low < p.high, key
        assert p.check(p.default) == p.default, key
        assert p.unit and p.source and p.help, key
    assert len(BY_NAME) == len(PARAMS)


def test_levers_are_apart_from_behaviour():
    kinds = {p.kind for p in PARAMS.values()}
    assert kinds == {"world", "economy", "behaviour", "lever", "run"}
    assert all(p.section == "policy" for p in PARAMS.values() if p.kind == "lever")


def test_shipped_scenarios_load_by_name_and_path():
    names = list_scenarios()
    for required in ("status_quo", "reform_package", "classroom", "guangdong", "national"):
        assert required in names
        scn = load_scenario(required)
        assert scn.name == required
        assert load_scenario(find_scenario(required)).values == scn.values


def test_status_quo_meets_size_requirements():
    w = load_scenario("status_quo").world
    assert w.n_colleges >= 10 and w.n_enterprises >= 300
    assert w.n_colleges * w.students_per_college >= 5000


def test_reform_package_differs_only_in_policy():
    sq, rf = load_scenario("status_quo"), load_scenario("reform_package")
    changed = rf.diff(sq)
    assert changed and all(k.startswith("policy.") for k in changed)


@pytest.mark.parametrize("data, fragment", [
    ({"world": {"n_colleges": 0}}, "world.n_colleges = 0 is out of range"),
    ({"policy": {"tax_credit": "high"}}, "policy.tax_credit = 'high'"),
    ({"policy": {"tax_credit": 0.9}}, "policy.tax_credit = 0.9 is out of range: allowed [0, 0.5]"),
    ({"policy": {"tax_credits": 0.1}}, "unknown parameter 'policy.tax_credits' (did you mean"),
    ({"polcy": {"tax_credit": 0.1}}, "unknown section 'polcy' (did you mean 'policy'?)"),
    ({"world": {"n_colleges": 2.5}}, "expected a whole number"),
    ({"run": {"seed": True}}, "run.seed = True"),
    ({"economy": {"rd_value": float("nan")}}, "finite"),
    ({"world": {"firm_size_min": 500, "firm_size_max": 200}}, "firm_size_max = 200"),
])
def test_bad_values_get_one_line_errors(data, fragment):
    with pytest.raises(ConfigError) as err:
        Scenario.from_dict(data)
    msg = str(err.value)
    assert fragment in msg
    assert "\n" not in msg


def test_overrides_by_short_and_dotted_key_and_immutability():
    scn = load_scenario(None, ["policy.tax_credit=0.3", "world.n_cities=2"])
    assert scn.policy.tax_credit == 0.3 and scn.world.n_cities == 2
    assert scn.with_overrides({"tax_credit": 0.2})["policy.tax_credit"] == 0.2
    with pytest.raises(AttributeError):
        scn.policy.tax_credit = 0.1
    assert load_scenario().policy.tax_credit == PARAMS["policy.tax_credit"].default


def test_set_option_is_parsed_not_evaluated():
    assert parse_set_option("policy.tax_credit=0.3") == ("policy.tax_credit", 0.3)
    assert parse_set_option("run.years = 12") == ("run.years", 12)
    with pytest.raises(ConfigError, match="not a TOML"):
        parse_set_option("policy.tax_credit=__import__('os')")
    with pytest.raises(ConfigError, match="expected section.key=value"):
        parse_set_option("policy.tax_credit")


def test_unknown_scenario_names_shipped_ones():
    with pytest.raises(ConfigError, match="unknown scenario 'reform_pakage' \\(did you mean "
                                          "'reform_package'\\?\\)"):
        find_scenario("reform_pakage")
    with pytest.raises(ConfigError, match="not found"):
        find_scenario("missing/file.toml")


def test_invalid_toml_is_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[world\nn_colleges = 3\n")
    with pytest.raises(ConfigError) as err:
        load_scenario(bad)
    assert "invalid TOML" in str(err.value) and "\n" not in str(err.value)


def test_package_key_applies_policy_package(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('package = "subsidies_only"\n[policy]\ntax_credit = 0.1\n')
    scn = load_scenario(f)
    assert scn.policy.intern_subsidy == 4.0 and scn.policy.tax_credit == 0.1
    f.write_text('package = "nope"\n')
    with pytest.raises(ConfigError, match="unknown policy package 'nope'"):
        load_scenario(f)


def test_scenario_pickles_to_an_equal_scenario():
    import pickle

    scn = load_scenario("reform_package")
    back = pickle.loads(pickle.dumps(scn))
    assert back == scn and back.name == scn.name and back.policy.tax_credit == 0.5


def test_digest_is_stable_and_sensitive():
    a, b = load_scenario(), load_scenario()
    assert a.digest() == b.digest()
    assert a.with_overrides({"tax_credit": 0.2}).digest() != a.digest()
    assert not math.isnan(float(a.world.student_scale))
