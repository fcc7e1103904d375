"""Figures of run folders, the style module and the ``ieisim figures`` command."""

from __future__ import annotations

import dataclasses
import os
import shutil

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from figure_checks import check_figure_files, check_pdf_fonts

from sim.cli import main
from sim.errors import UsageError
from sim.figures import network, style, timeseries
from sim.figures.build import make_figures
from sim.figures.folders import read_run
from sim.figures.labels import Labels
from sim.ladder import RUNGS
from sim.metrics import OUTPUT_INFO
from sim.params import BY_NAME, load_scenario
from sim.policies import apply_package
from sim.run import run_scenario, write_run

RUN_FIGURES = ["model_snapshot", "rung_shares", "network", "breakdowns"]
YEARS = 3


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two small real run folders: status quo and reform package (classroom world)."""
    root = tmp_path_factory.mktemp("runs")
    base = load_scenario("classroom")
    folders = {}
    for name in ("status_quo", "reform_package"):
        scn = dataclasses.replace(apply_package(base, name), name=name)
        folders[name] = write_run(run_scenario(scn, years=YEARS), root / name)
    return folders


@pytest.fixture(scope="module")
def drawn(runs, tmp_path_factory):
    """Figures of the status-quo run alone, and of both runs side by side."""
    root = tmp_path_factory.mktemp("drawn")
    single = shutil.copytree(runs["status_quo"], root / "single")
    pair = shutil.copytree(runs["status_quo"], root / "pair")
    return {"single": (single, make_figures(single)),
            "pair": (pair, make_figures(pair, compare=runs["reform_package"]))}


def test_run_folder_gets_each_figure_as_pdf_png_csv_and_an_index(drawn):
    for folder, records in drawn.values():
        assert [r.name for r in records] == RUN_FIGURES
        out = folder / "figures"
        for name in RUN_FIGURES:
            check_figure_files(out, name)
        index = (out / "README.md").read_text(encoding="utf-8")
        for name in RUN_FIGURES:
            assert f"`{name}`" in index and f"({name}.csv)" in index
        assert "seed" in index and "scenario status_quo" in index
        assert f"Regenerate them with `ieisim figures {folder.name}" in index
        assert not (folder / ".figures.partial").exists()


def test_the_index_command_works_where_ieisim_ran(runs, tmp_path, monkeypatch):
    """The figures README names a command that works as typed (not `ieisim figures demo`)."""
    project = tmp_path / "project"
    folder = shutil.copytree(runs["status_quo"], project / "results" / "sq")
    other = shutil.copytree(runs["reform_package"], project / "results" / "rp")
    monkeypatch.chdir(project)
    main(["figures", "results/sq", "--compare", "results/rp"])
    index = (folder / "figures" / "README.md").read_text(encoding="utf-8")
    command = "ieisim figures results/sq --compare results/rp"
    assert f"Regenerate them with `{command}`." in index
    main(command.split()[1:])  # as written, from where it ran
    assert other.is_dir() and (folder / "figures" / "README.md").is_file()


def test_the_index_says_where_to_run_the_command_outside_the_working_folder(drawn):
    folder, _ = drawn["single"]
    index = (folder / "figures" / "README.md").read_text(encoding="utf-8")
    assert (f"Regenerate them with `ieisim figures {folder.name}` in the folder that holds "
            f"`{folder.name}/`.") in index


def test_compare_run_is_named_in_the_index(drawn, runs):
    folder, records = drawn["pair"]
    index = (folder / "figures" / "README.md").read_text(encoding="utf-8")
    assert "scenario reform_package" in index and "--compare ../" in index
    assert all("one panel per run" in r.title or "one line per run" in r.title
               for r in records)


def test_snapshot_and_rung_csvs_hold_the_run_time_series(drawn):
    folder, _ = drawn["single"]
    ts = pd.read_csv(folder / "timeseries.csv")
    snap = pd.read_csv(folder / "figures" / "model_snapshot.csv")
    assert list(snap.columns) == ["run", "year", *timeseries.SNAPSHOT_OUTPUTS]
    assert (snap["run"] == "status_quo").all()
    for col in ("year", *timeseries.SNAPSHOT_OUTPUTS):
        np.testing.assert_array_equal(snap[col].to_numpy(), ts[col].to_numpy())
    shares = pd.read_csv(folder / "figures" / "rung_shares.csv")
    for col in timeseries.SHARE_COLUMNS:
        np.testing.assert_array_equal(shares[col].to_numpy(), ts[col].to_numpy())


def test_snapshot_lines_are_the_csv_numbers(runs):
    ts = pd.read_csv(runs["status_quo"] / "timeseries.csv")
    with style.styled("en"):
        fig, data = timeseries.snapshot_panels({"status_quo": ts}, Labels("en"))
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.lines]
    assert len(axes) == len(timeseries.SNAPSHOT_OUTPUTS)
    for ax, out in zip(axes, timeseries.SNAPSHOT_OUTPUTS, strict=False):
        line = ax.lines[0]
        np.testing.assert_array_equal(line.get_xdata(), data["year"].to_numpy())
        np.testing.assert_array_equal(line.get_ydata(), data[out].to_numpy())
        label, unit, _ = OUTPUT_INFO[out]
        title = ax.get_title(loc="left").replace("\n", " ")  # wrapped to the panel
        assert label in title and ax.get_ylabel().lower() == unit.lower()


def test_network_csv_draws_every_tie_once_with_one_layout_for_both_runs(drawn, runs):
    folder, _ = drawn["pair"]
    net = pd.read_csv(folder / "figures" / "network.csv", keep_default_na=False,
                      na_values=[""])
    for name, run in runs.items():
        ties = pd.read_csv(run / "ties.csv")
        drawn_ties = net[(net["run"] == name) & (net["element"] == "tie")]
        assert len(drawn_ties) == len(ties)
        assert set(drawn_ties["id"]) == {f"c{c}-e{e}" for c, e in
                                         zip(ties["college"], ties["enterprise"], strict=False)}
        assert sorted(drawn_ties["rung"]) == sorted(ties["rung"])
        colleges = pd.read_csv(run / "colleges.csv")
        assert (net[(net["run"] == name)]["element"] == "college").sum() == len(colleges)
    nodes = net[net["element"] != "tie"]
    by_run = {n: g.set_index("id")[["x", "y"]] for n, g in nodes.groupby("run")}
    common = by_run["status_quo"].index.intersection(by_run["reform_package"].index)
    assert len(common) > 0
    pd.testing.assert_frame_equal(by_run["status_quo"].loc[common],
                                  by_run["reform_package"].loc[common])
    # a tie starts at its college and ends at its enterprise
    tie = net[net["element"] == "tie"].iloc[0]
    college, enterprise = tie["id"].split("-")
    pos = nodes[nodes["run"] == tie["run"]].set_index("id")
    assert (tie["x"], tie["y"]) == tuple(pos.loc[college, ["x", "y"]])
    assert (tie["x2"], tie["y2"]) == tuple(pos.loc[enterprise, ["x", "y"]])


def test_a_large_network_draws_the_ties_of_a_seeded_sample_of_colleges(runs, monkeypatch):
    """Above MAX_DRAWN_TIES pairs (a province, the nation) the snapshot draws every tie of a
    seeded sample of colleges, the same colleges in both panels, and says so."""
    tables = {name: read_run(folder).tables for name, folder in runs.items()}
    ties = {n: t["ties"] for n, t in tables.items()}
    colleges = {n: t["colleges"] for n, t in tables.items()}
    pairs = pd.concat(ties.values())[["college", "enterprise"]].drop_duplicates()
    assert network.drawn_colleges(ties, colleges, max_ties=len(pairs)) is None  # all drawn
    cap = len(pairs) // 3
    sample = network.drawn_colleges(ties, colleges, max_ties=cap)
    assert sample == network.drawn_colleges(ties, colleges, max_ties=cap)  # seeded
    n_colleges = len(colleges["status_quo"])
    assert 0 < len(sample) < n_colleges
    assert pairs["college"].isin(sample).sum() <= cap
    monkeypatch.setattr(network, "MAX_DRAWN_TIES", cap)
    fig, data = network.network_snapshot(tables, Labels("en"))
    for name, tie_table in ties.items():
        mine = data[data["run"] == name]
        drawn_ties = mine[mine["element"] == "tie"]
        want = tie_table[tie_table["college"].isin(sample)]
        assert sorted(drawn_ties["id"]) == sorted(
            f"c{c}-e{e}" for c, e in zip(want["college"], want["enterprise"], strict=True))
        assert set(mine.loc[mine["element"] == "college", "id"]) == {f"c{c}" for c in sample}
    titles = [" ".join(ax.get_title(loc=where).split())  # as wrapped to the panel
              for ax in fig.axes for where in ("left", "center")]
    assert sum(f"of {n_colleges} colleges (seeded sample)" in t for t in titles) == 2
    matplotlib_close(fig)


def matplotlib_close(fig) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_breakdown_shares_match_the_enterprise_and_tie_tables(drawn, runs):
    folder, _ = drawn["single"]
    table = pd.read_csv(folder / "figures" / "breakdowns.csv", keep_default_na=False)
    ent = pd.read_csv(runs["status_quo"] / "enterprises.csv", keep_default_na=False)
    for kind in ("sector", "size_class"):
        got = table[table["breakdown"] == kind]
        for (cat, rung), share in got.set_index(["category", "rung"])["share"].items():
            in_cat = ent[ent[kind] == cat]
            assert share == pytest.approx((in_cat["rung"] == rung).mean())
        assert got.groupby("category")["count"].sum().sum() == len(ent)
    ties = pd.read_csv(runs["status_quo"] / "ties.csv")
    tiers = table[table["breakdown"] == "tier"]
    assert tiers["count"].sum() == len(ties)
    assert set(tiers["rung"]) == set(RUNGS)


def test_same_data_gives_byte_identical_files(runs, drawn, tmp_path):
    again = shutil.copytree(runs["status_quo"], tmp_path / "again")
    make_figures(again, compare=runs["reform_package"])
    first, _ = drawn["pair"]
    for name in RUN_FIGURES:
        for ext in ("csv", "png", "pdf"):
            a = (first / "figures" / f"{name}.{ext}").read_bytes()
            b = (again / "figures" / f"{name}.{ext}").read_bytes()
            assert a == b, f"{name}.{ext} differs between two renderings"


def test_rung_colours_separate_in_greyscale_and_never_change():
    def grey(hex_colour):
        r, g, b = mcolors.to_rgb(hex_colour)
        return 0.299 * r + 0.587 * g + 0.114 * b

    levels = [grey(style.NO_TIE_COLOR)] + [grey(style.RUNG_STYLE[r].color) for r in RUNGS]
    assert all(a - b >= 0.15 for a, b in zip(levels, levels[1:], strict=False)), levels
    for attr in ("color", "hatch", "marker", "linestyle"):
        assert len({getattr(style.RUNG_STYLE[r], attr) for r in RUNGS}) == len(RUNGS)


def test_style_embeds_truetype_and_fits_journal_columns():
    rc = style.rc_params("en")
    assert rc["pdf.fonttype"] == 42 and rc["savefig.dpi"] == style.PNG_DPI == 300
    assert style.SINGLE_COLUMN_IN == 3.5 and style.DOUBLE_COLUMN_IN == 7.2
    assert rc["font.size"] >= 7 and rc["xtick.labelsize"] >= 6
    import matplotlib

    assert matplotlib.get_backend().lower() == "agg"


def test_labels_come_from_the_declarations():
    en = Labels("en")
    label, unit, label_zh = OUTPUT_INFO["public_cost"]
    assert en.metric("public_cost") == f"{label} ({unit})"
    assert Labels("zh").metric("public_cost", unit=False) == label_zh
    p = BY_NAME["tax_credit"]
    assert en.lever("tax_credit") == f"{p.label} ({p.unit})"
    assert Labels("zh").lever("tax_credit", unit=False) == p.label_zh


def test_chinese_labels_use_an_installed_cjk_font(runs, tmp_path):
    font = style.find_cjk_font()
    if font is None:
        if os.environ.get("CI"):
            pytest.fail("no Chinese TrueType font: .ci/run installs fonts-wqy-microhei")
        pytest.skip("no Chinese TrueType font installed (apt-get install fonts-wqy-microhei)")
    folder = shutil.copytree(runs["status_quo"], tmp_path / "zh")
    english = make_figures(folder)
    before = {p.name: p.read_bytes() for p in (folder / "figures").iterdir()}
    make_figures(folder, lang="zh")
    # the Chinese figures sit in their own folder; the English ones are untouched
    zh = folder / "figures_zh"
    assert {p.name: p.read_bytes() for p in (folder / "figures").iterdir()} == before
    assert sorted(p.name for p in zh.iterdir()) == sorted(before)
    assert len(english) == len(list(zh.glob("*.pdf")))
    pdf = (zh / "model_snapshot.pdf").read_bytes()
    assert font.replace(" ", "").lower().encode() in pdf.lower()
    assert "Chinese" in (zh / "README.md").read_text(encoding="utf-8")
    check_figure_files(zh, "breakdowns")
    # the CJK font is embedded as TrueType (Type 42), never CFF or Type 3
    fonts = check_pdf_fonts(zh / "model_snapshot.pdf")
    assert any(font.replace(" ", "") in name for name, _, _ in fonts), fonts


def test_cjk_fonts_with_cff_outlines_are_not_used(tmp_path):
    from matplotlib import font_manager

    assert style.has_truetype_outlines(font_manager.findfont("DejaVu Sans"))
    assert not style.has_truetype_outlines(str(tmp_path / "missing.otf"))
    cff = tmp_path / "cff.otf"
    from fontTools.fontBuilder import FontBuilder

    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder([".notdef"])
    fb.setupCharacterMap({})
    fb.setupCFF("Probe", {"FullName": "Probe"}, {".notdef": _empty_charstring()}, {})
    fb.setupHorizontalMetrics({".notdef": (500, 0)})
    fb.setupHorizontalHeader()
    fb.setupNameTable({"familyName": "Probe", "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    fb.save(str(cff))
    assert not style.has_truetype_outlines(str(cff))


def _empty_charstring():
    from fontTools.misc.psCharStrings import T2CharString

    return T2CharString(program=["endchar"])


def test_missing_chinese_font_is_a_one_line_error_and_writes_nothing(runs, tmp_path,
                                                                     monkeypatch, capsys):
    monkeypatch.setattr(style, "find_cjk_font", lambda: None)
    folder = shutil.copytree(runs["status_quo"], tmp_path / "nofont")
    with pytest.raises(UsageError, match="fonts-wqy-microhei"):
        make_figures(folder, lang="zh")
    assert not (folder / "figures_zh").exists()
    with pytest.raises(SystemExit) as exit_info:
        main(["figures", str(folder), "--lang", "zh"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: --lang zh needs a Chinese font") and "\n" not in err
    assert not (folder / "figures_zh").exists() and not (folder / "figures").exists()


@pytest.mark.parametrize("args, message", [
    (["--lang", "fr"], "--lang 'fr'"),
    (["--compare", "{missing}"], "not a folder"),
])
def test_bad_options_exit_2_without_output(runs, tmp_path, capsys, args, message):
    folder = shutil.copytree(runs["status_quo"], tmp_path / "bad")
    args = [a.format(missing=tmp_path / "missing") for a in args]
    with pytest.raises(SystemExit) as exit_info:
        main(["figures", str(folder), *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert not (folder / "figures").exists()


def test_a_folder_without_manifest_is_refused(tmp_path):
    with pytest.raises(UsageError, match="no manifest.json"):
        make_figures(tmp_path)
    assert not (tmp_path / "figures").exists()


def test_cli_writes_the_figures_and_lists_them(runs, tmp_path, capsys):
    folder = shutil.copytree(runs["reform_package"], tmp_path / "cli")
    main(["figures", str(folder)])
    out = capsys.readouterr().out
    for name in RUN_FIGURES:
        assert name in out
    assert f"{len(RUN_FIGURES)} figures written" in out
    check_figure_files(folder / "figures", "network")


def test_point_labels_are_placed_apart_and_inside_the_axes():
    from sim.figures.layout import annotate_apart, new_figure

    with style.styled("en"):
        fig, axes = new_figure("single")
        ax = axes[0, 0]
        ax.scatter([0, 0, 1], [0, 0, 1])
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        annotate_apart(ax, [0, 0, 1], [0, 0, 1], ["first", "second", "far corner"])
        fig.draw_without_rendering()
        from matplotlib.text import Text

        boxes = [Text.get_window_extent(t) for t in ax.texts]  # the text, not its leader
        assert len(boxes) == 3
        assert not boxes[0].overlaps(boxes[1])
        frame = ax.get_window_extent()
        corner = boxes[2]
        assert corner.x1 <= frame.x1 + 1 and corner.y1 <= frame.y1 + 1


def test_titles_print_typographic_comparison_signs():
    from sim.figures.discovery import _target_text

    en = Labels("en")
    assert en.word("target", op=">=", value=5) == "Target ≥ 5"
    assert en.word("target", op="<=", value=5) == "Target ≤ 5"
    assert "≥" in en.category("size_class", "large") and ">=" not in en.category(
        "size_class", "large")
    assert _target_text("joint_rd_per_100_firms >= 3", en).endswith("≥ 3")
    combined = _target_text("joint_rd_per_100_firms >= 3 and public_cost <= 150", en)
    assert "≥ 3" in combined and "≤ 150" in combined and ">=" not in combined
