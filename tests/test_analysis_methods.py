"""Issue 11, claims 3 and 10: a Methods paragraph with one sentence per method actually
used (with its citation), the study's setting in the Summary, lever labels beside code
names and one-sentence explanations of the indices."""

from __future__ import annotations

from analysis_sweeps import factor, write_model_sweep, write_scenarios, write_sweep

from sim.analysis import analyze, methods
from sim.analysis.report import render, summary
from sim.testmodels import KNOWN_EFFECT

OUTCOME = "joint_rd_per_100_firms"


def _methods_section(text: str) -> str:
    return text.split("## Methods")[1].split("## Summary")[0]


def test_scenarios_methods_name_paired_tests_not_salib_bootstrap(tmp_path):
    folder = write_scenarios(tmp_path / "s", {"status_quo": 0.0, "reform_package": 2.0},
                             replicates=10, years=(0.0, 5.0), noise=1.0)
    result = analyze(folder)
    text = _methods_section(render(result))
    assert methods.CITATIONS["paired"] in text
    assert "Holm 1979" in text and "Fieller 1954" in text
    for other in ("sobol", "morris", "pawn", "anova"):
        assert methods.CITATIONS[other] not in text
    assert "SALib" not in text
    assert "baseline `status_quo`" in summary(result)
    assert "10 replicate(s)" in summary(result)


def test_morris_methods_cite_morris_and_campolongo_and_state_the_setting(tmp_path):
    folder = write_model_sweep(tmp_path / "m", "morris", KNOWN_EFFECT, n=6, replicates=3)
    result = analyze(folder)
    text = _methods_section(render(result))
    assert "Morris 1991" in text and "Campolongo" in text and "BCa" in text
    assert methods.CITATIONS["sobol"] not in text and "Friedman" not in text  # PRIM refused
    head = summary(result)
    assert "base scenario `status_quo`" in head and "horizon 10 years" in head
    assert "3 replicate(s) per design point" in head
    glossary = render(result).split("How to read the indices:")[1].split("\n")[0]
    for word in ("mu* is", "sigma is", "step size", "0.667"):
        assert word in glossary


def test_sobol_methods_cite_saltelli_and_jansen_and_explain_s1_st(tmp_path):
    factors = [factor("tax_credit", 0.0, 0.5), factor("retention_support", 0.0, 0.8)]
    folder = write_sweep(tmp_path / "sb", "sobol", factors,
                         {OUTCOME: lambda v, y: 4 * v["tax_credit"] + v["retention_support"]},
                         n=64, replicates=2, noise=0.1)
    text = render(analyze(folder))
    methods_text = _methods_section(text)
    assert "Saltelli et al. 2010" in methods_text and "Jansen" in methods_text
    assert "Pianosi & Wagener 2015" in methods_text and "Friedman & Fisher 1999" in methods_text
    assert "S1 (first-order index) is" in text and "ST (total index) is" in text
    # declared levers appear with their labels beside their code names
    assert "Tax credit for integration enterprises (`tax_credit`)" in text
    assert methods.lever_label("not_a_lever") == "`not_a_lever`"
