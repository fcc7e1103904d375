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


def test_trace_document_cites_only_tests_and_files_that_exist():
    """docs/TRACE.md points at evidence; every test and file it names must exist."""
    import re

    text = (ROOT / "docs" / "TRACE.md").read_text()
    cited = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", text)
    assert cited, "TRACE.md cites no tests"
    for path, name in cited:
        source = ROOT / path
        assert source.is_file(), f"TRACE.md cites missing {path}"
        if name:
            assert f"def {name}(" in source.read_text(), f"TRACE.md cites missing {path}::{name}"
    for path in re.findall(r"`((?:docs|calibration|sim|configs)/[\w/.]+\.(?:md|py|toml))`", text):
        assert (ROOT / path).exists(), f"TRACE.md cites missing {path}"
