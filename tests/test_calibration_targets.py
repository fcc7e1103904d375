"""Targets files: the shipped patterns load; bad files are refused in one line, exit 2."""

from types import SimpleNamespace

import pytest

from sim.calibration.statistics import registry
from sim.calibration.targets import load_targets, parse_targets
from sim.cli import main
from sim.errors import ConfigError


@pytest.fixture
def ieisim(capsys, monkeypatch, tmp_path):
    """Run the command line in this process (from ``tmp_path``): returncode, stdout, stderr."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IEISIM_DEBUG", raising=False)

    def run(*args):
        with pytest.raises(SystemExit) as done:
            main(list(args))
        out = capsys.readouterr()
        return SimpleNamespace(returncode=done.value.code, stdout=out.out, stderr=out.err)

    return run


def test_shipped_status_quo_targets_cite_every_pattern():
    t = load_targets("status_quo_targets")
    assert t.scenario == "status_quo" and t.year == 10
    stats = {x.statistic for x in t.targets}
    # issue 9, item 10: every pattern is there
    assert {"share_internship", "deep_ties_per_100_partner_firms", "intern_mean_net",
            "intern_loss_share", "apprentice_mean_net", "apprentice_profit_share",
            "willingness_gap", "dual_qualified_share", "service_funding_10m_share",
            "main_partner_order", "costly_by_size"} <= stats
    assert all(x.source for x in t.targets)
    assert len(t.holdout) >= 1 and len(t.fit) >= 5
    loss = next(x for x in t.targets if x.statistic == "intern_loss_share")
    assert (loss.low, loss.high) == (0.40, 0.60)
    assert loss.miss(0.3) == pytest.approx(0.1) and loss.miss(0.5) == 0.0


def _file(**over):
    target = {"name": "a", "statistic": "share_internship", "interval": [0.5, 1.0],
              "source": "somewhere"}
    target.update(over)
    return {"name": "t", "targets": [{k: v for k, v in target.items() if v is not None}]}


@pytest.mark.parametrize("over, says", [
    ({"statistic": "share_intern"}, "unknown statistic 'share_intern' (did you mean "
                                    "'share_internship'?)"),
    ({"source": None}, "source missing"),
    ({"source": "  "}, "source missing"),
    ({"interval": [0.6, 0.5]}, "low is above high"),
    ({"interval": [0.5]}, "expected [low, high]"),
    ({"interval": "0.5-0.6"}, "expected [low, high]"),
    ({"interval": [0.5, "x"]}, "expected a number"),
    ({"interval": [float("-inf"), float("inf")]}, "at least one end must be finite"),
    ({"value": 0.5}, "exactly one of"),
    ({"interval": [0.5, float("inf")]}, "tolerance missing"),
    ({"tolerance": 0}, "tolerance = 0: expected a positive number"),
    ({"use": "test"}, "expected 'fit' or 'holdout'"),
    ({"use": "holdout"}, "at least one must have use = 'fit'"),
    ({"year": 20}, "year = 20: expected a whole number in [1, 10]"),
    ({"statistic": "intern_loss_share", "year": 5}, "only reporters"),
    ({"colour": 1}, "targets[0].colour: unknown key"),
])
def test_bad_targets_are_refused_naming_the_key(over, says):
    with pytest.raises(ConfigError) as err:
        parse_targets(_file(**over))
    assert says in str(err.value)
    assert "\n" not in str(err.value)


def test_reporters_may_be_read_at_an_earlier_year():
    t = parse_targets(_file(year=5))
    assert t.targets[0].year == 5


def test_every_statistic_is_described():
    reg = registry()
    assert "share_internship" in reg and reg["share_internship"].kind == "reporter"
    assert reg["intern_loss_share"].kind == "final"
    assert all(s.unit and s.description for s in reg.values())


BAD = """name = "bad"
[[targets]]
name = "x"
statistic = "no_such_statistic"
interval = [0, 1]
source = "s"
"""


@pytest.mark.parametrize("body, says", [
    (BAD, "unknown statistic 'no_such_statistic'"),
    (BAD.replace('source = "s"\n', ""), "unknown statistic"),
    (BAD.replace("no_such_statistic", "share_internship").replace('source = "s"\n', ""),
     "source missing"),
    (BAD.replace("no_such_statistic", "share_internship").replace("[0, 1]", "[1, 0]"),
     "low is above high"),
])
def test_cli_refuses_bad_targets_with_exit_2_and_writes_nothing(ieisim, tmp_path, body,
                                                                 says):
    f = tmp_path / "t.toml"
    f.write_text(body)
    out = tmp_path / "out"
    proc = ieisim("calibrate", str(f), "--out", str(out))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and says in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["t.toml"]


def test_cli_refuses_unknown_targets_name_and_parameters(ieisim, tmp_path):
    proc = ieisim("calibrate", "status_quo_targetz")
    assert proc.returncode == 2 and "did you mean 'status_quo_targets'" in proc.stderr
    proc = ieisim("calibrate", "status_quo_targets", "--params", "trust_stepp")
    assert proc.returncode == 2 and "unknown parameter 'trust_stepp'" in proc.stderr
    proc = ieisim("calibrate", "status_quo_targets", "--params", "tax_credit")
    assert proc.returncode == 2 and "lever parameter" in proc.stderr
    assert list(tmp_path.iterdir()) == []
    proc = ieisim("calibrate", "status_quo_targets", "--population", "1")
    assert proc.returncode == 2 and "--population 1" in proc.stderr
    assert list(tmp_path.iterdir()) == []
