"""Model versions keep stored results honest (issue 9, item 12)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from analysis_sweeps import factor, write_sweep

from sim.analysis import analyze
from sim.errors import UsageError
from sim.experiment import load_manifest, run_sweep
from sim.experiment.rerun import rerun
from sim.experiment.spec import load_experiment
from sim.metrics import OUTPUT_INFO
from sim.version import (
    COLUMN_CHANGES,
    LEGACY_MODEL_VERSION,
    MODEL_VERSION,
    VERSIONS,
    changed_columns,
    check_same_version,
    manifest_version,
)

ROOT = Path(__file__).resolve().parent.parent
TINY = {"name": "tiny", "scenario": "classroom", "design": "lhs", "lhs": {"samples": 2},
        "replicates": 1, "years": 1, "seed": 3,
        "outputs": ["enterprise_participation", "public_cost"],
        "factors": {"tax_credit": {}}}


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin"})


def _set_version(folder: Path, version: str | None) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    if version is None:
        manifest.pop("model_version")
    else:
        manifest["model_version"] = version
    path.write_text(json.dumps(manifest))


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("ver") / "tiny"
    run_sweep(TINY, out, workers=1, quiet=True)
    return out


def test_version_three_and_legacy_default():
    assert MODEL_VERSION == "4" and LEGACY_MODEL_VERSION == "1"
    assert manifest_version({}) == "1"
    assert manifest_version({"model_version": "2"}) == "2"
    assert manifest_version({"model": "ishigami"}) == MODEL_VERSION  # test functions


def test_changed_columns_between_versions():
    assert changed_columns("3") == {}
    assert set(changed_columns("2")) == set(COLUMN_CHANGES["3"])
    assert set(changed_columns("1")) == set(COLUMN_CHANGES["2"]) | set(COLUMN_CHANGES["3"])
    assert "public_cost" in changed_columns("1") and "public_cost" not in changed_columns("2")
    assert "n_ties" in changed_columns("2") and "dual_qualified_share" not in changed_columns("1")


def test_sweep_and_run_manifests_carry_the_version(sweep, tmp_path):
    assert load_manifest(sweep)["model_version"] == MODEL_VERSION
    res = _cli("run", "classroom", "--years", "1", "--quiet", "--out", tmp_path / "r")
    assert res.returncode == 0, res.stderr
    assert json.loads((tmp_path / "r" / "manifest.json").read_text())["model_version"] == "4"


def test_digest_includes_the_model_version(monkeypatch):
    exp = load_experiment(TINY)
    before = exp.digest()
    monkeypatch.setattr("sim.experiment.spec.MODEL_VERSION", "5")
    assert exp.digest() != before


@pytest.mark.parametrize("stored", [None, "1"])
def test_resume_across_versions_is_refused_in_one_line(sweep, tmp_path, stored):
    import shutil

    old = tmp_path / "old"
    shutil.copytree(sweep, old)
    _set_version(old, stored)
    before = sorted(p.name for p in old.rglob("*"))
    with pytest.raises(UsageError, match="model version '1'"):
        run_sweep(TINY, old, workers=1, quiet=True)
    exp = tmp_path / "tiny.toml"
    exp.write_text('name = "tiny"\nscenario = "classroom"\ndesign = "lhs"\nreplicates = 1\n'
                   'years = 1\nseed = 3\noutputs = ["enterprise_participation", "public_cost"]\n'
                   '[lhs]\nsamples = 2\n[factors]\ntax_credit = {}\n')
    res = _cli("sweep", exp, "--out", old, "--quiet", "--workers", "1")
    assert res.returncode == 2
    assert re.fullmatch(r"error: cannot resume the sweep in .* model version '1' .*\n",
                        res.stderr), res.stderr
    assert sorted(p.name for p in old.rglob("*")) == before


def test_rerun_across_versions_is_refused(sweep, tmp_path):
    import shutil

    old = tmp_path / "old"
    shutil.copytree(sweep, old)
    assert rerun(old, 1).identical is True
    _set_version(old, "1")
    with pytest.raises(UsageError, match="cannot rerun .* model version '1'"):
        rerun(old, 1)
    res = _cli("rerun", old, "--run", "1")
    assert res.returncode == 2 and res.stderr.count("\n") == 1, res.stderr


def _old_cooperation_sweep(folder: Path) -> Path:
    outputs = {"dual_qualified_share": lambda x, t: x["a"] + 0.1 * x["b"],
               "public_cost": lambda x, t: 2 * x["b"],
               "college_willingness": lambda x, t: x["a"]}
    write_sweep(folder, "lhs", [factor("a"), factor("b")], outputs, n=60, replicates=2,
                noise=0.01)
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["model"] = "cooperation"  # written by model version 1 (no model_version field)
    path.write_text(json.dumps(manifest))
    return folder


def test_analyze_an_older_sweep_skips_columns_whose_meaning_changed(tmp_path):
    folder = _old_cooperation_sweep(tmp_path / "v1")
    result = analyze(folder, methods=["spearman"])
    assert result.outputs == ["dual_qualified_share"]
    assert set(result.sensitivity["output"]) == {"dual_qualified_share"}
    assert result.info["model_version"] == "1"
    assert result.info["skipped_outputs"] == ["college_willingness", "public_cost"]
    assert any("college_willingness, public_cost" in n for n in result.info["notes"])
    with pytest.raises(UsageError, match="--output public_cost: .*model version '1'"):
        analyze(folder, outputs=["public_cost"])
    res = _cli("analyze", folder, "--method", "spearman", "--quiet")
    assert res.returncode == 0, res.stderr
    assert "college_willingness, public_cost" in res.stderr
    assert "college_willingness, public_cost" in (folder / "report.md").read_text()


def test_analyze_a_current_sweep_keeps_every_column(tmp_path):
    folder = _old_cooperation_sweep(tmp_path / "v2")
    _set_version(folder, MODEL_VERSION)
    result = analyze(folder, methods=["spearman"])
    # the default outputs present in the sweep (dual_qualified_share is not one of them)
    assert set(result.outputs) == {"public_cost"}
    assert "skipped_outputs" not in result.info


def test_check_same_version_message_is_short():
    with pytest.raises(UsageError) as err:
        check_same_version({"model_version": "9" * 10_000}, "resume x")
    assert len(str(err.value)) < 300


def test_schema_doc_records_every_column_per_version():
    text = (ROOT / "docs" / "schema.md").read_text()
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `(\w+)` \|.*$", text, re.M)}
    assert set(OUTPUT_INFO) <= set(rows)
    header = next(line for line in text.splitlines() if line.startswith("| column |"))
    versions = [c.strip().removeprefix("version ") for c in header.strip("|").split("|")[1:]]
    assert versions == list(VERSIONS)
    for k, version in enumerate(versions[1:], start=2):  # cell k of a row is that version's
        changed = {name for name, row in rows.items()
                   if "**changed**" in row.strip("|").split("|")[k]}
        assert changed == set(COLUMN_CHANGES[version]), version
    assert "the time series starts with a step-0 row, the initial state" in text
