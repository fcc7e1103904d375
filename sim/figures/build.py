"""Which figures a folder gets, and writing them all to ``DIR/figures/`` with an index.

What is drawn follows from what the folder holds:

* a run folder: model snapshot panels, rung shares over time, the network snapshot and the
  breakdowns by sector, size class and tier. ``compare`` names a second run folder (e.g.
  the reform package next to the status quo): every figure then shows both runs (panels or
  lines side by side) and is written in the first folder's ``figures/``;
* a sweep folder: rung shares with bands across replicates per scenario (scenarios design
  with time series kept), the cost-effectiveness frontier, a phase diagram per target
  outcome (grid design with two or more levers), and from the analysis files when present
  (``ieisim analyze``): Sobol' bars and S2 heatmaps, Morris mu*-sigma, scenario discovery
  ranges and paired differences against the baseline scenario.

Everything is read and checked before anything is written; figures are drawn into a
temporary folder that then replaces ``DIR/figures/`` whole, in one atomic swap
(:mod:`sim.outputs`); a ``figures/`` folder holding files ieisim did not write is refused.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sim.errors import UsageError
from sim.figures import breakdowns, network, timeseries
from sim.figures.folders import RunFolder, read_manifest, read_run
from sim.figures.labels import Labels
from sim.figures.output import FigureRecord, save_figure, write_index
from sim.figures.style import styled
from sim.outputs import check_figures_folder, named_os_errors, staging_folder, swap_in

FIGURES_DIR = "figures"
"""Sub-folder of DIR that receives the figures (English labels)."""
FIGURES_DIRS = {"en": FIGURES_DIR, "zh": "figures_zh"}
"""Sub-folder of DIR per label language: Chinese figures sit beside the English ones and
never replace them."""


def figures_dir(lang: str = "en") -> str:
    """Sub-folder of DIR that receives the figures labelled in ``lang``."""
    return FIGURES_DIRS[lang]


@dataclass(frozen=True)
class Planned:
    """A figure to draw: its file stem, index entry and the function that draws it."""

    name: str
    title: str
    source: str
    draw: Callable[[], tuple]


def _run_source(runs: list[RunFolder]) -> str:
    parts = []
    for r in runs:
        years = r["timeseries"]["year"].max() if len(r["timeseries"]) else 0
        parts.append(f"run `{r.path.name}` (scenario {r.name}, seed {r.seed}, "
                     f"{years:g} years)")
    return "; ".join(parts)


def plan_runs(runs: list[RunFolder], labels: Labels) -> list[Planned]:
    """The figures of one run folder, or of two compared side by side."""
    names = [r.name for r in runs]
    if len(set(names)) < len(names):  # same scenario twice: tell them apart by folder
        names = [f"{r.name} ({r.path.name})" for r in runs]
    ts = {n: r["timeseries"] for n, r in zip(names, runs, strict=False)}
    tables = {n: r.tables for n, r in zip(names, runs, strict=False)}
    src = _run_source(runs)
    vs = " (one panel per run)" if len(runs) > 1 else ""
    lines = " (one line per run)" if len(runs) > 1 else ""
    return [
        Planned("model_snapshot", "Model snapshot over time: enterprise participation, "
                "willingness gap, dual-qualified teacher share, graduate match, public cost "
                "(yearly and cumulative)" + lines, src,
                lambda: timeseries.snapshot_panels(ts, labels)),
        Planned("rung_shares", "Share of ties on each rung of the cooperation ladder over "
                "time (stacked)" + vs, src, lambda: timeseries.rung_shares_run(ts, labels)),
        Planned("network", "Network snapshot at the end of the run: colleges and enterprises "
                "with a tie, ties coloured by rung, seeded layout shared across panels (above "
                f"{network.MAX_DRAWN_TIES:,} ties, those of a seeded sample of colleges)" + vs,
                src, lambda: network.network_snapshot(tables, labels)),
        Planned("breakdowns", "Cooperation at the end of the run by sector, enterprise size "
                "class and college tier" + vs, src,
                lambda: breakdowns.breakdowns(tables, labels)),
    ]


def plan(folder: Path, labels: Labels, compare: Path | None = None) -> tuple[list[Planned], str]:
    """Read ``folder`` (and ``compare``) and return the figures to draw and an index heading.

    Raises:
        UsageError: unreadable folders, or ``compare`` given for a sweep folder.

    """
    manifest = read_manifest(folder)
    if manifest["kind"] == "run":
        runs = [read_run(folder)] + ([read_run(compare)] if compare is not None else [])
        heading = "Figures of run " + " vs ".join(f"`{r.path.name}`" for r in runs)
        return plan_runs(runs, labels), heading
    if compare is not None:
        raise UsageError("--compare works on run folders only (give two 'ieisim run' folders)")
    from sim.figures.sweep import plan_sweep

    return plan_sweep(folder, labels), f"Figures of sweep `{folder.name}`"


def manifest_kind(folder: Path) -> str:
    """``run`` or ``sweep`` (from ``manifest.json``)."""
    return str(read_manifest(folder)["kind"])


def _write_tables(folder: Path, labels: Labels, out_dir: Path, kind: str) -> list[str]:
    """The LaTeX tables of a sweep folder (none for a run folder), written to ``out_dir``."""
    if kind != "sweep":
        return []
    from sim.figures.sweep import sweep_tables
    from sim.figures.tables import write_tables

    return write_tables(sweep_tables(folder, labels), out_dir)


def make_figures(folder: str | Path, lang: str = "en",
                 compare: str | Path | None = None) -> list[FigureRecord]:
    """Draw every figure ``folder`` supports into ``folder/figures/``; return the records.

    Chinese figures (``lang="zh"``) go to ``folder/figures_zh/`` (:func:`figures_dir`).

    Args:
        folder: a run folder or a sweep folder.
        lang: label language, ``"en"`` or ``"zh"``.
        compare: a second run folder drawn beside ``folder`` (run folders only).

    Raises:
        UsageError: bad folder, unknown language or no Chinese font for ``"zh"`` (nothing is
            written then).

    """
    folder = Path(folder)
    labels = Labels(lang)
    out = folder / figures_dir(lang)
    with styled(lang):  # checks the font before anything is read or written
        planned, heading = plan(folder, labels, Path(compare) if compare is not None else None)
        check_figures_folder(out)  # never replace a user's files
        note = partial_note(folder)
        with staging_folder(out) as partial, named_os_errors(folder):
            records = []
            for p in planned:
                fig, data = p.draw()
                records.append(save_figure(fig, data, partial, p.name, p.title, p.source))
            tex = _write_tables(folder, labels, partial, manifest_kind(folder))
            about = (f"Labels: {'Chinese' if lang == 'zh' else 'English'}. "
                     f"Source folder: `{folder.name}`" +
                     (f"; compared with `{Path(compare).name}`." if compare is not None
                      else ".") + (f"\n\n**Partial data:** {note}." if note else "")
                     + (f" LaTeX tables (booktabs): {', '.join(f'[{t}]({t})' for t in tex)}."
                        if tex else ""))
            # as typed where ieisim ran (e.g. `results/demo` from the project folder), else
            # in the folder's parent: either way the index reads the same on any machine
            base, shown, where = Path.cwd().resolve(), None, ""
            with contextlib.suppress(ValueError):
                shown = folder.resolve().relative_to(base).as_posix()
            if shown is None:
                base, shown = folder.resolve().parent, folder.name
                where = f" in the folder that holds `{folder.name}/`"
            other = (["--compare", os.path.relpath(compare, base)]
                     if compare is not None else [])
            command = " ".join(["ieisim figures", shown, *other]
                               + (["--lang", lang] if lang != "en" else []))
            write_index(records, partial, heading, about, command, where)
            swap_in(partial, out)  # the old figures stay until the new ones are complete
    return records


def partial_note(folder: str | Path) -> str:
    """For a sweep folder with missing runs, the sentence saying which; else ``""``."""
    from sim.experiment.store import completeness
    from sim.outputs import read_kind

    folder = Path(folder)
    if read_kind(folder) != "sweep":
        return ""
    return completeness(folder).describe()
