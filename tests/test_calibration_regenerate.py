"""calibration/regenerate.py: the plan of every generating step, its checks and its runner."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "calibration" / "regenerate.py"
spec = importlib.util.spec_from_file_location("calibration_regenerate", SCRIPT)
regen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(regen)


def _calibration(folder: Path, status: str = "finished", missing: str | None = None) -> Path:
    folder.mkdir()
    for name in regen.SHIPPED:
        if name != missing:
            (folder / name).write_text("{}")
    (folder / "calibration.json").write_text(json.dumps({"status": status}))
    return folder


def test_dry_run_prints_every_step_in_order_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "new"
    cal = _calibration(tmp_path / "cal")
    assert regen.main(["--out", str(out), "--posterior", str(cal), "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    steps = [ln.split("]")[0].lstrip("[") for ln in lines]
    assert steps == sorted(steps, key=regen.STEPS.index)  # declared order
    assert set(steps) == set(regen.STEPS)
    assert sum(s == "posterior" for s in steps) == len(regen.SHIPPED)
    assert any("apply_defaults.py --posterior" in ln for ln in lines)
    assert any("status_quo_table.py --seeds 40 --first-seed 40" in ln for ln in lines)
    assert sum(s == "figures" for s in steps) == len(regen.FIGURES)
    assert not out.exists()


def test_without_a_posterior_the_shipped_one_stays(tmp_path, capsys):
    assert regen.main(["--out", str(tmp_path / "new"), "--dry-run"]) == 0
    assert "[posterior]" not in capsys.readouterr().out


@pytest.mark.parametrize("args, says", [
    (["--steps", "tables,nope"], "--steps 'tables,nope': unknown step 'nope'"),
    (["--steps", "figures"], "figures copies what the sweeps step draws"),
    (["--workers", "0"], "--workers 0"),
    (["--steps", "posterior"], "--posterior: the posterior step needs"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, capsys, args, says):
    out = tmp_path / "new"
    assert regen.main(["--out", str(out), *args]) == 2
    err = capsys.readouterr().err.strip()
    assert says in err and "\n" not in err and not out.exists()


@pytest.mark.parametrize("status, missing, says", [
    ("running", None, "calibration status is 'running', not 'finished'"),
    ("finished", "predictive.parquet", "missing predictive.parquet"),
])
def test_only_a_finished_complete_calibration_is_shipped(tmp_path, capsys, status, missing,
                                                         says):
    cal = _calibration(tmp_path / "cal", status, missing)
    assert regen.main(["--out", str(tmp_path / "new"), "--posterior", str(cal)]) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "new").exists()


def test_an_existing_out_folder_is_refused(tmp_path, capsys):
    (tmp_path / "mine").mkdir()
    assert regen.main(["--out", str(tmp_path / "mine"), "--dry-run"]) == 2
    assert "exists; choose a new folder" in capsys.readouterr().err


def test_the_runner_copies_captures_output_and_stops_at_a_failing_step(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("shipped")
    said = []
    plan = [("posterior", ("copy", str(src), str(tmp_path / "b.txt")), None),
            ("tables", [sys.executable, "-c", "print('| table |')"], tmp_path / "t" / "x.md"),
            ("sweeps", [sys.executable, "-c", "raise SystemExit(3)"], None),
            ("figures", [sys.executable, "-c", "open('never', 'w')"], None)]
    with pytest.raises(SystemExit, match="step sweeps: .* exited 3"):
        regen.run(plan, said.append)
    assert (tmp_path / "b.txt").read_text() == "shipped"
    assert (tmp_path / "t" / "x.md").read_text() == "| table |\n"
    assert len(said) == 2 and not (regen.ROOT / "never").exists()


def test_the_figures_step_copies_exactly_the_figures_the_readme_lists():
    """``FIGURES`` and docs/figures agree: the folder's PNGs, each named in its README with
    the file under the results the step copies it from."""
    import re

    figures = SCRIPT.parent.parent / "docs" / "figures"
    assert set(regen.FIGURES) == {p.name for p in figures.glob("*.png")}
    listing = (figures / "README.md").read_text(encoding="utf-8")
    dimension = re.compile(r"breakdown_(size_class|sector|ownership|tier|city)")
    for name, source in regen.FIGURES.items():
        assert dimension.sub("breakdown_<dimension>", name) in listing, name
        assert dimension.sub("breakdown_<dimension>", source.rsplit("/", 1)[1]) in listing, source
