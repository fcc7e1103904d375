"""Issue 11 item 1 for Sobol': ST has a replicate-noise floor, and a factor is called
detectable only above it. Synthetic Saltelli sweeps of models with known effects
(sim.testmodels), so the checks survive changes to the cooperation model."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from analysis_sweeps import design, model_factors, write_model_sweep
from SALib.sample import sobol as sobol_sample
from scipy import stats

from sim.analysis import analyze, sobol
from sim.analysis.report import NOT_NOISE, render
from sim.analysis.settings import Settings
from sim.figures.labels import Labels
from sim.figures.sensitivity import sobol_bars
from sim.testmodels import KNOWN_EFFECT, NO_EFFECT, SYNTHETIC_FACTORS

OUTCOME = "joint_rd_per_100_firms"
NAMES = list(SYNTHETIC_FACTORS)
PROBLEM = {"num_vars": 4, "names": NAMES, "bounds": [[0.0, 1.0]] * 4}


def _layout(n_base: int, second_order: bool = False) -> sobol.SobolLayout:
    block = 2 * 4 + 2 if second_order else 4 + 2
    return sobol.SobolLayout(n_base, block, second_order, False, NAMES, dict(PROBLEM))


def test_noise_floor_is_the_mean_noise_variance_of_the_differences_over_2_var():
    """The floor by hand: d[r, j, i] = y[r, A_j] - y[r, AB^i_j]; floor = mean_j var_r(d) /
    R / (2 Var(A and B means)); ST / floor is the F statistic of elementary.noise_test."""
    rng = np.random.default_rng(7)
    n_base, reps = 16, 5
    lay = _layout(n_base)
    y_r = rng.normal(0.0, 1.0, (reps, n_base * lay.block))
    y_r[:, 1::lay.block] += 3.0  # lever1's AB rows moved: a real effect of lever1
    y = y_r.mean(axis=0)
    si = {"S1": np.zeros(4), "S1_conf": np.full(4, 0.1), "ST": np.zeros(4)}
    out = sobol.noise_floor(lay, y, y_r, si, 0.95)
    var = np.var(np.r_[y[0::lay.block], y[lay.block - 1::lay.block]])
    for i, name in enumerate(NAMES):
        d = y_r[:, 0::lay.block] - y_r[:, i + 1::lay.block]
        want = 0.5 * np.mean(np.var(d, axis=0, ddof=1)) / reps / var
        assert out[name]["ST_noise_floor"] == pytest.approx(want, rel=1e-12)
        st = 0.5 * np.mean(d.mean(axis=0) ** 2) / var  # Jansen, on the replicate means
        f = st / want
        dfn = np.var(d, axis=0, ddof=1).sum() ** 2 / (np.var(d, axis=0, ddof=1) ** 2).sum()
        assert out[name]["ST_p_noise"] == pytest.approx(stats.f.sf(f, dfn, dfn * (reps - 1)),
                                                         rel=1e-9)
        assert out[name]["S1_noise_floor"] == 0.0
    assert out["lever1"]["ST_detectable"]
    assert not any(out[n]["ST_detectable"] for n in NAMES[1:])
    # one replicate: nothing can be checked against noise
    assert sobol.noise_floor(lay, y, y_r[:1], si, 0.95) is None


def test_noise_floor_matches_the_st_of_a_factor_without_effect():
    """Averaged over sweeps of a model with no effect, ST equals its noise floor (it is the
    estimator's expectation under noise alone), about 1 here since all variance is noise."""
    st, floor = [], []
    for s in range(20):
        x = sobol_sample.sample(PROBLEM, 32, calc_second_order=False, seed=s + 1)
        y_r = NO_EFFECT.replicates(x, [100 * s + r for r in range(10)])[OUTCOME]
        rows, conv = sobol.sobol_indices(OUTCOME, y_r.mean(axis=0), _layout(32),
                                         Settings(resamples=100), y_r)
        st += [r["value"] for r in rows if r["index"] == "ST"]
        floor += [conv["noise"][n]["ST_noise_floor"] for n in NAMES]
    assert np.mean(st) == pytest.approx(np.mean(floor), rel=0.05)
    assert np.mean(st) > 0.5  # the old rule (ST interval above 0) would call every lever


SWEEPS = 200
N_BASE = 32
REPS = 10


def _detections(model, index: str) -> np.ndarray:
    """(sweeps x levers) whether ``index`` (ST or S1) was called beyond noise."""
    out = np.zeros((SWEEPS, 4), dtype=bool)
    for s in range(SWEEPS):
        x = sobol_sample.sample(PROBLEM, N_BASE, calc_second_order=False, seed=s + 1)
        y_r = model.replicates(x, [1000 * s + r for r in range(REPS)])[OUTCOME]
        _, conv = sobol.sobol_indices(OUTCOME, y_r.mean(axis=0), _layout(N_BASE),
                                      Settings(seed=s, resamples=100), y_r)
        out[s] = [conv["noise"][n][f"{index}_detectable"] for n in NAMES]
    return out


@pytest.mark.slow
def test_no_effect_is_rarely_detectable_and_a_realistic_effect_usually_is():
    none_st = _detections(NO_EFFECT, "ST")
    assert none_st.any(axis=1).sum() <= 0.05 * SWEEPS   # measured: 3 of 200 sweeps
    none_s1 = _detections(NO_EFFECT, "S1")
    assert none_s1.mean(axis=0).max() <= 0.05           # measured: at most 5 of 200 a lever
    known = _detections(KNOWN_EFFECT, "ST")
    assert known[:, 0].sum() >= 0.8 * SWEEPS            # measured: 193 of 200
    assert known[:, 1:].any(axis=1).sum() <= 0.05 * SWEEPS


def _sweep(tmp_path, model, n_base=16):
    x = design("sobol", model_factors(model), n_base)
    folder = write_model_sweep(tmp_path / "sweep", "sobol", model, replicates=REPS, x=x)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.update(sobol_n=n_base, second_order=False)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return analyze(folder, outputs=[OUTCOME], methods=["sobol"], resamples=100)


def test_report_table_and_figure_say_not_distinguishable_from_noise(tmp_path):
    result = _sweep(tmp_path, NO_EFFECT)
    text = render(result)
    rows = [ln for ln in text.splitlines() if ln.startswith("| — | `lever")]
    assert len(rows) == 4 and all(f"| {NOT_NOISE} (p = " in r for r in rows)
    assert "| noise-only ST | ST beyond noise (Holm p) |" in text
    assert "No factor's total effect ST exceeds what replicate noise alone gives" in text
    assert f"{NOT_NOISE.capitalize()} (ST within its replicate-noise floor): `lever" in text
    assert "Beyond noise but negligible" not in text
    assert "has the largest total effect" not in text
    sens = result.sensitivity
    floors = sens[(sens["method"] == "sobol") & (sens["index"] == "ST_noise_floor")]
    assert sorted(floors["lever"]) == sorted(NAMES) and (floors["value"] > 0).all()
    info = result.info["outputs"][OUTCOME]["sobol"]
    assert info["noise_checked"] and info["replicates"] == REPS
    assert not any(e["ST_detectable"] for e in info["effects"].values())

    fig, data = sobol_bars(sens, Labels("en"), NAMES)
    st = data[data["index"] == "ST"].set_index("lever")
    np.testing.assert_allclose(st.loc[floors["lever"], "noise_floor"], floors["value"])
    assert not data["beyond_noise"].any()
    texts = [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    assert any("noise floor" in t for t in texts)
    assert any("not distinguishable from noise" in t for t in texts)

    from sim.figures.tables import sensitivity_tables

    latex = sensitivity_tables(sens, str, str)["table_sobol"]
    assert "Noise-only ST & ST beyond noise" in latex
    assert latex.count("& not distinguishable from noise \\\\") == 4


def test_a_known_effect_is_tiered_and_the_others_are_not(tmp_path):
    text = render(_sweep(tmp_path, KNOWN_EFFECT, n_base=32))
    first = next(ln for ln in text.splitlines() if ln.startswith("| 1 | "))
    assert first.startswith("| 1 | `lever1` |") and "| yes (p = " in first
    assert sum(ln.startswith("| — | `lever") for ln in text.splitlines()) == 3
    assert "`lever1` has the largest total effect" in text
    line = next(ln for ln in text.splitlines() if ln.startswith(f"- `{OUTCOME}`:"))
    assert "`lever1`" in line and "`lever2`" not in line


def test_without_replicates_the_old_rule_and_no_noise_column_values():
    """One replicate: no floor, the table says 'not checked', figure bars keep their colour."""
    x = sobol_sample.sample(PROBLEM, 8, calc_second_order=False, seed=1)
    y_r = KNOWN_EFFECT.replicates(x, [1])[OUTCOME]
    rows, conv = sobol.sobol_indices(OUTCOME, y_r[0], _layout(8), Settings(), y_r)
    assert conv["noise"] is None
    assert not any(r["index"].endswith(("noise_floor", "p_noise_holm")) for r in rows)
    _, data = sobol_bars(pd.DataFrame(rows), Labels("en"), NAMES)
    assert data["beyond_noise"].all() and data["noise_floor"].isna().all()


def test_headline_separates_noise_from_negligible_effects():
    """A lever beyond its noise floor but with ST below NEGLIGIBLE_ST is called negligible,
    not 'not distinguishable from noise'; neither is tiered or counted in the Summary."""
    from sim.analysis.report import NEGLIGIBLE_ST, _effects, _headline

    rows = [("a", 0.6, 0.5, 0.7), ("b", NEGLIGIBLE_ST / 2, 0.002, 0.008),
            ("c", 0.2, 0.1, 0.3)]
    table = pd.DataFrame([{"output": "y", "method": "sobol", "lever": lv, "index": ix,
                           "value": v, "conf_low": lo, "conf_high": hi, "lever2": ""}
                          for lv, v, lo, hi in rows for ix in ("ST", "S1")])
    info = {"methods": ["sobol"], "sobol": {"noise_checked": True, "effects": {
        "a": {"ST_detectable": True}, "b": {"ST_detectable": True},
        "c": {"ST_detectable": False}}}}
    assert [lv for lv, _ in _effects(table, info)] == ["a"]
    head = _headline(table, info, "ST")
    assert head.startswith("`a` has the largest total effect")
    assert f"{NOT_NOISE.capitalize()} (ST within its replicate-noise floor): `c`;" in head
    assert f"Beyond noise but negligible (ST below {NEGLIGIBLE_ST}): `b`." in head
