from pathlib import Path

from sim import docs
from sim.params import PARAMS

ROOT = Path(__file__).resolve().parent.parent


def test_odd_parameter_tables_match_the_declarations():
    text = docs.ODD.read_text()
    assert docs.render(text) == text, "run `python -m sim.docs` to regenerate docs/ODD.md"
    for key in PARAMS:
        assert f"`{key}`" in text


def test_odd_lists_every_phase_and_reporter_in_code():
    from sim.metrics import OUTPUTS
    from sim.model import PHASES

    text = docs.ODD.read_text()
    assert docs.phase_table() in text
    for phase in PHASES:
        assert f"`{phase.name}`" in text
    for name in OUTPUTS:
        assert f"`{name}`" in text


def test_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
