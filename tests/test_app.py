"""The classroom app without a browser: controls, presets, session, charts, page, CLI, assets.

The page is rendered in-process with ``solara.render`` (solara's test utilities); the real
browser tests are in ``test_app_browser.py``.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tarfile

import ipyvuetify as v
import numpy as np
import pandas as pd
import pytest
import solara
from waiting import SAFETY_TIMEOUT_S

from sim.app import assets
from sim.app.charts import annual_spending, chart_options, joint_rd_ties
from sim.app.controls import (
    MAIN_LEVERS,
    MAX_MAIN_LEVERS,
    SLIDER_STEPS,
    advanced_sliders,
    main_sliders,
)
from sim.app.network_view import NetworkLayout, network_option
from sim.app.page import Page, network_title
from sim.app.presets import matching_preset, preset_label, preset_names
from sim.app.session import ClassroomSession
from sim.app.text import (
    LANGUAGES,
    RUNG_LABELS,
    explanation,
    no_cjk_breaks,
    stray_cjk_spaces,
    string_keys,
    tr,
)
from sim.ladder import RUNGS
from sim.model import CooperationModel
from sim.params import LEVERS, load_scenario
from sim.policies import PACKAGE_LABELS, PACKAGES, apply_package, package_levers


# ------------------------------------------------------------------ controls and presets
def test_sliders_cover_every_lever_once_with_declared_bounds():
    main, advanced = main_sliders(), advanced_sliders()
    assert len(main) <= MAX_MAIN_LEVERS
    names = [s.name for s in main + advanced]
    assert sorted(names) == sorted(p.name for p in LEVERS)
    assert len(set(names)) == len(names)
    for spec in main + advanced:
        assert spec.param is next(p for p in LEVERS if p.name == spec.name)
        assert 0 < spec.step <= spec.param.high - spec.param.low
        assert spec.clip(spec.param.high * 10 + 1) == spec.param.high
        assert spec.clip(spec.param.low - 1) == spec.param.low
        assert spec.label("en") == spec.param.label and spec.label("zh") == spec.param.label_zh


def test_defaults_and_package_values_lie_on_the_slider_grid():
    for spec in main_sliders() + advanced_sliders():
        values = {spec.param.default} | {package_levers(n)[spec.name] for n in PACKAGES}
        for value in values:
            ticks = (value - spec.param.low) / spec.step
            assert abs(ticks - round(ticks)) < 1e-6, (spec.name, value, spec.step)
        assert (spec.param.high - spec.param.low) / spec.step >= SLIDER_STEPS


def test_every_package_is_a_preset_and_is_recognised():
    assert preset_names() == tuple(PACKAGES)
    for name in preset_names():
        assert matching_preset(package_levers(name)) == name
        assert preset_label(name, "zh") == PACKAGE_LABELS[name][1]
    custom = {**package_levers("status_quo"), MAIN_LEVERS[0]: 0.0}
    assert matching_preset(custom) is None


def test_interface_text_exists_in_both_languages():
    for key in string_keys():
        texts = [tr(key, lang) for lang in LANGUAGES]
        assert all(texts) and texts[0] != texts[1], key
    assert set(RUNG_LABELS) == set(RUNGS)
    assert "joint R&D" in explanation("en") and "联合研发" in explanation("zh")


def test_chinese_text_has_no_spaces_between_chinese_characters():
    import markdown

    assert stray_cjk_spaces("合作 阶梯") == ["作 阶"] and stray_cjk_spaces("合作\n\n阶梯") == []
    assert no_cjk_breaks("由浅\n入深。\n\n下一段") == "由浅入深。\n\n下一段"
    for key in string_keys():
        assert stray_cjk_spaces(tr(key, "zh")) == [], key
    html = markdown.markdown(explanation("zh"))
    assert stray_cjk_spaces(re.sub("<[^>]+>", "", html)) == []


# ------------------------------------------------------------------ session
def test_reset_applies_levers_and_seed_to_the_model():
    session = ClassroomSession()
    levers = package_levers("reform_package")
    session.reset(levers, seed=7, compare=False)
    assert session.applied_levers() == levers
    assert session.policy.params["seed"] == 7
    assert session.year == 0.0


def test_step_advances_the_year_and_stops_at_the_horizon():
    session = ClassroomSession()
    steps_per_year = session.base.run.steps_per_year
    assert session.step()
    assert session.year == pytest.approx(1 / steps_per_year)
    while session.can_step():
        session.step()
    assert session.year == pytest.approx(session.horizon_years)
    assert not session.step()
    assert session.year == pytest.approx(session.horizon_years)


def test_side_by_side_twin_is_the_status_quo_with_the_same_seed():
    session = ClassroomSession()
    session.reset(package_levers("reform_package"), seed=11, compare=False)
    for _ in range(3):
        session.step()
    session.set_compare(True)  # turned on mid-run: the twin catches up
    for _ in range(2):
        session.step()
    roles = [role for role, _ in session.runs()]
    assert roles == ["status_quo_run", "policy_run"]
    alone = CooperationModel(apply_package(session.base.with_overrides({"run.seed": 11}),
                                           "status_quo"), seed=11)
    for _ in range(5):
        alone.step()
    twin = dict(session.timeseries())["status_quo_run"]
    assert twin["year"].iloc[0] == 0.0  # the model's step-0 row: the initial state
    np.testing.assert_allclose(twin.drop(columns="step").to_numpy(dtype=float),
                               alone.timeseries().drop(columns="step").to_numpy(dtype=float),
                               equal_nan=True)
    session.set_compare(False)
    assert [role for role, _ in session.runs()] == ["policy_run"]


def test_sessions_do_not_share_models():
    a, b = ClassroomSession(), ClassroomSession()
    a.step()
    assert a.policy is not b.policy
    assert (a.year, b.year) == (pytest.approx(0.5), 0.0)


# ------------------------------------------------------------------ charts and network
def _runs(session):
    from sim.app.page import run_data

    return run_data(session)


def test_charts_are_options_with_year_zero_fixed_axes_and_both_runs():
    session = ClassroomSession()
    (panel, option), *_ = panels = chart_options(_runs(session), session.horizon_years, "en")
    assert [n for n, _ in panels] == ["shares_policy_run", "joint_rd", "participation",
                                      "spending"]
    assert [s["data"] for s in option["series"]][0][0][0] == 0.0  # the first screen: year 0
    session.set_compare(True)
    for _ in range(3):
        session.step()
    panels = dict(chart_options(_runs(session), session.horizon_years, "zh", projector=True))
    assert set(panels) == {"shares_status_quo_run", "shares_policy_run", "joint_rd",
                           "participation", "spending"}
    part = panels["participation"]
    assert (part["yAxis"]["min"], part["yAxis"]["max"]) == (0, 1)  # willingness on 0-1
    assert len(part["series"]) == 6 and all(len(s["data"]) == 4 for s in part["series"])
    quo = [s for s in part["series"] if s["name"].endswith("现状")]
    assert len(quo) == 3 and all(s["z"] > 3 and s["lineStyle"]["type"] == "dashed"
                                 for s in quo)  # drawn over the policy's lines
    assert part["textStyle"]["fontSize"] >= 22 and "Noto Sans SC" in part["textStyle"][
        "fontFamily"]
    assert panels["joint_rd"]["yAxis"]["minInterval"] == 1


def test_rung_areas_are_stacked_in_the_share_direction():
    session = ClassroomSession()
    for _ in range(4):
        session.step()
    (name, option), *_ = chart_options(_runs(session), session.horizon_years, "en")
    frame = session.timeseries()[0][1]
    tops = {s["name"]: [y for _, y in s["data"]] for s in option["series"]}
    shares = frame[["share_internship", "share_expert_exchange", "share_joint_training",
                    "share_joint_rd"]].to_numpy()
    assert tops["Internship"] == pytest.approx(shares[:, 0], abs=1e-4)
    assert tops["Joint training"] == pytest.approx(shares[:, :3].sum(axis=1), abs=1e-4)
    deepest = tops["Joint R&D / technical service"]
    assert deepest[1:] == pytest.approx([1.0] * (len(frame) - 1))  # ties exist
    assert [s["name"] for s in option["series"]][-1] == "Internship"  # drawn last, on top
    assert [s["data"][i][0] for s in option["series"][:1] for i in range(3)] == [0, 0.5, 1]


def test_joint_rd_is_counted_in_ties_and_spending_is_annual():
    frame = pd.DataFrame({"year": [0, 0.5, 1.0, 1.5, 2.0],
                          "joint_rd_per_100_firms": [0, 1 / 0.6, 2 / 0.6, 2 / 0.6, 5],
                          "cumulative_public_cost": [0, 4, 10, 14, 20]})
    assert joint_rd_ties(frame, 60).tolist() == [0, 1, 2, 2, 3]
    # past year: first year scaled to a year, then differences over two semesters
    assert annual_spending(frame, 2).tolist() == [0, 8, 10, 10, 10]


def test_a_live_lever_change_is_marked_and_leaves_the_status_quo_alone():
    from sim.app.page import change_marks

    session = ClassroomSession()
    session.set_compare(True)
    for _ in range(4):
        session.step()
    pending = session.apply_levers({**session.levers, "rd_cofunding": 0.6,
                                    "industry_professor_quota": 0.2})
    assert pending == {}  # every lever acts live, the professor quota too
    assert session.applied_levers()["rd_cofunding"] == 0.6
    assert session.applied_levers()["industry_professor_quota"] == 0.2
    status_quo = dict(session.runs())["status_quo_run"].params
    assert status_quo["rd_cofunding"] == package_levers("status_quo")["rd_cofunding"] != 0.6
    (mark,) = change_marks(session, "en")
    assert mark.year == 2.0 and mark.label == ("Public co-funding of joint R&D → 0.6; "
                                               "Industry professors (share of posts) → 0.2")
    for _ in range(2):
        session.step()
    option = dict(chart_options(_runs(session), session.horizon_years, "en",
                                marks=change_marks(session, "en")))["joint_rd"]
    (line,) = option["series"][0]["markLine"]["data"]
    assert line == {"xAxis": 2.0, "name": mark.label}


def test_network_layout_is_fixed_while_ties_change():
    session = ClassroomSession()
    model = session.policy
    layout = session.layout(model)
    before = dict(layout.positions)
    title = network_title("policy_run", False, "en")
    options = [network_option(model.network, layout, title, "en")]
    for _ in range(4):
        session.step()
        options.append(network_option(model.network, layout, title, "en"))
    assert session.layout(model) is layout and layout.positions == before
    assert set(before) == set(model.network.nodes)
    (series,) = options[-1]["series"]
    assert len(series["data"]) == model.network.number_of_nodes()
    assert len(series["links"]) == model.network.number_of_edges()
    assert [n["x"] for n in series["data"]] == [n["x"] for n in options[0]["series"][0]["data"]]
    assert len({str(o["series"][0]["links"]) for o in options}) > 1  # the ties change
    legend = options[-1]["legend"]["data"]
    assert legend[:4] == ["Internship", "Expert exchange", "Joint training",
                           "Joint R&D / technical service"]
    top = model.highest_rung_of_firms()
    firms = [n for n in series["data"] if n["name"].startswith("('e'")]
    assert [n["category"] for n in firms][:5] == [
        t if t >= 0 else 4 for t in (top[int(n["name"][6:-1])] for n in firms[:5])]
    again = NetworkLayout(model.network)  # deterministic: same nodes, same places
    assert again.positions == before


# ------------------------------------------------------------------ the page, in-process
def _year_text(rc) -> str:
    return rc.find(v.Html, class_="ieisim-year").widget.children[0]


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", None) or []:
        if not isinstance(child, str):
            yield from _walk(child)


def _running_policy(box) -> str:
    (widget,) = [w for w in _walk(box) if "ieisim-running"
                 in (getattr(w, "attributes", None) or {}).get("class", "")]
    return widget.unsafe_innerHTML


def _lever_slider(box, name: str) -> v.Slider:
    (sheet,) = [w for w in _walk(box)
                if f"ieisim-lever-{name}" in (getattr(w, "class_", None) or "").split()]
    (slider,) = [w for w in sheet.children if isinstance(w, v.Slider)]
    return slider


def _lever_value(box, name: str) -> float:
    return _lever_slider(box, name).v_model


def test_page_steps_resets_presets_and_switches_language():
    box, rc = solara.render(Page(), handle_error=False)
    try:
        assert _year_text(rc).startswith("Year 0.0")
        for _ in range(3):
            rc.find(v.Btn, children=["Step"]).widget.click()
        assert _year_text(rc).startswith("Year 1.5")

        # a slider change acts on the running model at once (no Reset), read back from it
        name = MAIN_LEVERS[0]
        _lever_slider(box, name).v_model = 3.0
        assert not rc.find(v.Alert).widgets  # nothing waits for Reset
        assert _year_text(rc).startswith("Year 1.5")
        assert "<strong>3</strong>" in _running_policy(box).split("</li>")[0]
        assert "Custom policy" in str(rc.find(v.ExpansionPanelTitle).widgets)
        rc.find(v.Btn, children=["Step"]).widget.click()
        assert _year_text(rc).startswith("Year 2.0")
        # the professor quota is live too (professors are hired over time)
        _lever_slider(box, "industry_professor_quota").v_model = 0.2
        assert not rc.find(v.Alert).widgets
        assert _year_text(rc).startswith("Year 2.0")
        # the seed waits for Reset, and the page says so
        rc.find(v.TextField, label="Random seed").widget.v_model = "777"
        (alert,) = rc.find(v.Alert).widgets
        assert "Reset" in str(alert.children) and "seed" in str(alert.children)
        rc.find(v.Btn, children=["Reset"]).widget.click()
        assert _year_text(rc).startswith("Year 0.0")
        assert not rc.find(v.Alert).widgets
        # presets: one click sets the sliders and restarts
        rc.find(v.Btn, children=["Step"]).widget.click()
        rc.find(v.Btn, children=[preset_label("reform_package", "en")]).widget.click()
        assert _year_text(rc).startswith("Year 0.0")
        assert _lever_value(box, name) == package_levers("reform_package")[name]
        assert "Full reform package" in str(rc.find(v.ExpansionPanelTitle).widgets)

        # the seed applies on Reset too
        rc.find(v.TextField, label="Random seed").widget.v_model = "12345"
        rc.find(v.Btn, children=["Reset"]).widget.click()
        assert "seed 12345" in str(rc.find(v.ExpansionPanelTitle).widgets)

        rc.find(v.Btn, children=["中文"]).widget.click()
        assert rc.find(v.Btn, children=["单步"]).widgets
        assert _year_text(rc).startswith("第 0.0 年")
    finally:
        rc.close()


# ------------------------------------------------------------------ CLI and assets
def test_cli_rejects_a_bad_port_in_one_line():
    proc = subprocess.run([sys.executable, "-m", "sim", "app", "--port", "70000"],
                          capture_output=True, text=True, timeout=SAFETY_TIMEOUT_S)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["error: --port 70000: expected a port number "
                                                "in 1-65535"]


def test_cli_rejects_a_port_in_use():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "sim", "app", "--port", str(port)],
                              capture_output=True, text=True, timeout=SAFETY_TIMEOUT_S)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: --port {port}: cannot listen on 127.0.0.1:{port}")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_required_assets_are_the_versions_in_solaras_template():
    import ipywidgets

    template = (assets._solara_root() / "server/templates/solara.html.j2").read_text()
    found = {a.url_path for a in assets.required_assets()}
    requirejs = [u for u in found if u.startswith("requirejs@") and u.endswith("/require.js")]
    assert requirejs and requirejs[0].split("/")[0] in template
    major = ipywidgets.__version__.split(".")[0]
    bundles = [u for u in found if u.endswith(f"solara-vuetify-app{major}.min.js")]
    assert bundles and all(u.split("/dist/")[0].split("@")[-1] in template for u in bundles)
    assert any(u.startswith("font-awesome@") for u in found)
    assert all("{{" not in u for u in found)


def test_unpack_writes_the_cache_layout_and_derives_min_js(tmp_path):
    tarball = tmp_path / "pkg.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        data = b"define('x', [], function () { return 1; });"
        info = tarfile.TarInfo("package/require.js")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    target = tmp_path / "cache" / "requirejs@2.3.6"
    target.parent.mkdir()
    assets._unpack(tarball, target)
    assert (target / "require.js").read_bytes() == data
    assets._derive_minified(target / "require.min.js")
    assert (target / "require.min.js").read_bytes() == data
    assert (target / assets._MARKER).is_file()
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".staging")]


def test_missing_lists_everything_for_an_empty_cache(tmp_path):
    assert len(assets.missing(tmp_path)) == len(assets.required_assets())


@pytest.mark.skipif(os.environ.get("IEISIM_REQUIRE_BROWSER") != "1",
                    reason="offline assets are installed by `make install`; checked in CI")
def test_offline_assets_are_installed():
    assert [a.url_path for a in assets.missing()] == []


def test_every_scenario_lever_survives_the_page_round_trip():
    base = load_scenario("classroom")
    session = ClassroomSession(base)
    assert session.levers == {p.name: base[p.name] for p in LEVERS}


def test_readout_shows_latest_values_and_the_policy_difference():
    from sim.app.readout import READOUT_OUTPUTS, readout_rows

    session = ClassroomSession()
    session.reset(package_levers("reform_package"), seed=5, compare=True)
    for _ in range(6):
        session.step()
    runs = session.timeseries()
    header, *rows = readout_rows(runs, "en")
    assert header[-3:] == ["Status quo", "Chosen policy", "Difference"]
    assert len(rows) == len(READOUT_OUTPUTS)
    cost = rows[READOUT_OUTPUTS.index("cumulative_public_cost")]
    status_quo, policy = (float(df["cumulative_public_cost"].iloc[-1]) for _, df in runs)
    assert float(cost[2]) == pytest.approx(status_quo, rel=1e-2)
    assert float(cost[3]) == pytest.approx(policy, rel=1e-2)
    assert float(cost[4]) == pytest.approx(policy - status_quo, rel=1e-2, abs=1e-9)
    session.set_compare(False)
    header, *rows = readout_rows(session.timeseries(), "zh")
    assert header[-1] == "所选政策" and len(header) == 3


def test_lesson_plan_names_the_apps_own_presets_and_levers():
    from pathlib import Path

    from sim.params import BY_NAME

    text = (Path(__file__).resolve().parents[1] / "docs" / "classroom.md").read_text()
    for name in ("status_quo", "subsidies_only", "retention_only", "evaluation_reform",
                 "reform_package"):
        assert preset_label(name, "en").lower() in text.lower()
        assert preset_label(name, "zh") in text
    lever = BY_NAME["consortium_strength"]
    assert lever.label in text and lever.label_zh in text
    assert tr("projector", "zh") in text and "set_levers" in text


def test_cli_rejects_a_bad_class_code_in_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sim", "app", "--class", "a b", "--board",
                           str(tmp_path / "b.sqlite")], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["error: --class 'a b': expected 1-32 letters, "
                                                "digits, '-' or '_'"]
    assert not (tmp_path / "b.sqlite").exists()
