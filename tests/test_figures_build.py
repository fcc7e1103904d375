"""The figures folder: swapped in whole, never removed first, users' files refused, partial
data said plainly."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from analysis_sweeps import write_scenarios

from sim import outputs
from sim.cli import main
from sim.experiment import store
from sim.figures.build import make_figures

YEARS = tuple(float(y) for y in range(0, 6))
EFFECTS = {"status_quo": 0.0, "reform_package": 2.0, "platforms_only": 0.5}


@pytest.fixture
def sweep(tmp_path):
    return write_scenarios(tmp_path / "scn", EFFECTS, replicates=4, years=YEARS, noise=1.0)


def complete(figures) -> bool:
    """The folder's README exists and lists exactly the files present."""
    readme = figures / "README.md"
    if not readme.is_file():
        return False
    listed = set(re.findall(r"\]\(([^)/]+)\)", readme.read_text())) | {"README.md"}
    return listed == {p.name for p in figures.iterdir()}


def test_a_kill_at_any_moment_leaves_a_complete_figures_folder(sweep, monkeypatch):
    make_figures(sweep)
    assert complete(sweep / "figures")
    real = {"rename": os.rename, "rmtree": shutil.rmtree, "exchange": outputs._exchange}
    calls = []
    kill_at = [None]

    def wrap(name):
        def op(*args, **kwargs):
            result = real[name](*args, **kwargs)  # the operation happens, then the kill
            calls.append(name)
            if len(calls) == kill_at[0]:
                raise KeyboardInterrupt
            return result
        return op

    monkeypatch.setattr(os, "rename", wrap("rename"))
    monkeypatch.setattr(shutil, "rmtree", wrap("rmtree"))
    monkeypatch.setattr(outputs, "_exchange", wrap("exchange"))
    make_figures(sweep)  # count the file-system steps of one call
    steps = len(calls)
    assert steps >= 2
    for k in range(1, steps + 1):
        calls.clear()
        kill_at[0] = k
        with pytest.raises(KeyboardInterrupt):
            make_figures(sweep)
        assert complete(sweep / "figures"), f"killed after step {k}"


def test_figures_folder_holding_a_users_file_is_refused(sweep, capsys):
    make_figures(sweep)
    (sweep / "figures" / "my_plot.png").write_bytes(b"mine")
    with pytest.raises(SystemExit) as exc:
        main(["figures", str(sweep)])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "my_plot.png" in err[0]
    assert (sweep / "figures" / "my_plot.png").read_bytes() == b"mine"


def test_figures_of_a_partial_sweep_say_the_data_are_partial(sweep, capsys):
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    for part in store.part_files(sweep):  # platforms_only has not run yet
        table = pq.read_table(part)
        store.write_table(part, table.filter(pc.not_equal(table["scenario"], "platforms_only")))
    main(["figures", str(sweep)])
    captured = capsys.readouterr()
    note = ("partial sweep: 4 of 12 runs have no results (failed or not yet run); missing runs "
            "by scenario: scenario platforms_only: 4 of 4")
    assert f"warning: the figures show partial data: {note}" in captured.err
    assert f"**Partial data:** {note}." in (sweep / "figures" / "README.md").read_text()


def test_figures_of_a_complete_sweep_say_nothing_about_partial_data(sweep, capsys):
    main(["figures", str(sweep)])
    assert "partial" not in capsys.readouterr().err
    assert "Partial" not in (sweep / "figures" / "README.md").read_text()
