"""Writing an analysis: one set of four files that never mixes two analyses, and disk full."""

from __future__ import annotations

import errno
import json
import os

import pytest
from analysis_sweeps import factor, write_sweep

from sim import outputs
from sim.analysis import analyze, write_analysis
from sim.analysis.writing import FILES, read_analysis_set
from sim.cli import main
from sim.errors import UsageError
from sim.figures.folders import read_analysis


def _linear(x, year):
    return x["a"] + 3 * x["b"]


@pytest.fixture
def analysed(tmp_path):
    folder = write_sweep(tmp_path / "lhs", "lhs", [factor("a"), factor("b")], {"y": _linear},
                         n=30, replicates=2, noise=0.3)
    write_analysis(analyze(folder, methods=["spearman"], resamples=10, seed=1))
    return folder


def _files(folder):
    return {name: (folder / name).read_bytes() for name in FILES}


def test_analysis_json_records_the_digest_of_each_other_file(analysed):
    info = json.loads((analysed / "analysis.json").read_text())
    assert set(info["files"]) == {"sensitivity.csv", "discovery.csv", "report.md"}
    assert len(info["generation"]) == 32
    for name, digest in info["files"].items():
        assert digest == outputs.file_digest((analysed / name).read_bytes())
    assert set(read_analysis_set(analysed)) == set(FILES)
    assert read_analysis(analysed).sensitivity is not None


def test_a_file_from_another_analysis_is_refused_by_figures(analysed, tmp_path, capsys):
    other = write_sweep(tmp_path / "other", "lhs", [factor("a"), factor("b")],
                        {"y": lambda x, year: 3 * x["a"] - x["b"]}, n=30, replicates=2,
                        noise=0.3)
    write_analysis(analyze(other, methods=["spearman"], resamples=10, seed=2))
    # what a kill between two renames of the old writer left: a new sensitivity.csv beside
    # the old analysis.json and report.md
    mixed = (other / "sensitivity.csv").read_bytes()
    assert mixed != (analysed / "sensitivity.csv").read_bytes()
    (analysed / "sensitivity.csv").write_bytes(mixed)
    with pytest.raises(UsageError, match=r"the analysis files disagree \(sensitivity.csv"):
        read_analysis(analysed)
    with pytest.raises(SystemExit) as exc:
        main(["figures", str(analysed)])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "run 'ieisim analyze" in err[0]
    assert not (analysed / "figures").exists()


@pytest.mark.parametrize("renamed", [0, 1, 2, 3, 4])
def test_a_kill_between_renames_leaves_the_old_set_the_new_set_or_a_refusal(analysed,
                                                                            monkeypatch,
                                                                            renamed):
    old = _files(analysed)
    new_result = analyze(analysed, methods=["spearman"], resamples=10, seed=2)
    real = os.replace
    calls = []

    def killed(src, dst):
        if len(calls) == renamed:
            raise KeyboardInterrupt
        calls.append(dst)
        return real(src, dst)

    monkeypatch.setattr(outputs.os, "replace", killed)
    if renamed < len(FILES):
        with pytest.raises(KeyboardInterrupt):
            write_analysis(new_result)
    else:
        write_analysis(new_result)
    monkeypatch.setattr(outputs.os, "replace", real)
    now = _files(analysed)
    assert sorted(p.name for p in analysed.iterdir()) == sorted(["manifest.json", "runs",
                                                                 "design.parquet", *FILES])
    if renamed == 0:
        assert now == old
    if 0 < renamed < len(FILES):  # a mixture: figures refuse it
        with pytest.raises(UsageError, match="the analysis files disagree"):
            read_analysis(analysed)
    else:
        read_analysis(analysed)


def test_disk_full_leaves_the_old_analysis_and_no_temporary_file(analysed, monkeypatch,
                                                                 capsys):
    old = _files(analysed)
    real = outputs._write_synced
    calls = []

    def full(path, data):
        calls.append(path.name)
        if len(calls) == 3:
            path.write_bytes(b"")  # what a full device leaves: a 0-byte file
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data)

    monkeypatch.setattr(outputs, "_write_synced", full)
    with pytest.raises(SystemExit) as exc:
        main(["analyze", str(analysed), "--seed", "5", "--resamples", "10", "--method",
              "spearman", "--quiet"])
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: disk full: no space left to write into {analysed} (No space left "
                   "on device); free some space"]
    assert _files(analysed) == old
    assert sorted(p.name for p in analysed.iterdir()) == sorted(["manifest.json", "runs",
                                                                 "design.parquet", *FILES])
    assert not any(p.stat().st_size == 0 for p in analysed.rglob("*") if p.is_file())
