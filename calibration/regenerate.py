"""Regenerate everything that follows the model's defaults, after a deliberate change.

A changed model (or a new shipped posterior, whose point estimate is the scenarios' defaults)
changes numbers everywhere: the seeded baseline and run hashes, the partner-search
reference, the ODD's parameter tables, the README's validation and pattern tables, the
lesson plan's numbers and the figures the README shows. This script runs every generating
step in order, with the commands the documents name, and writes what a person then reads
into the documents (tables, analysis reports) to ``--out``:

=========  =================================================================================
step       what it does
=========  =================================================================================
posterior  copy a finished calibration's shipped files into ``posteriors/status_quo``
           (only with ``--posterior DIR``; replacing the shipped posterior is what it asks)
defaults   ``calibration/apply_defaults.py --posterior posteriors/status_quo``
odd        ``python -m sim.docs`` (the ODD's phase and parameter tables)
baseline   ``tests/update_baseline.py`` and ``tests/partner_search_reference.py``
tables     ``validation_table.py``, ``status_quo_table.py`` (seeds 0-39 and 40-79),
           ``main_partners.py`` and ``lesson_numbers.py`` into ``OUT/tables/*.md``
sweeps     the demo, ``scenarios`` and ``dose_response`` studies (sweep, analyze, figures)
           into ``OUT/results``
figures    copy the README's figures from ``OUT/results`` into ``docs/figures``
=========  =================================================================================

The prose numbers of README.md, docs/ODD.md, docs/analysis.md, docs/classroom.md and the
experiments' comments are then edited by hand from ``OUT/tables`` and the sweeps' reports:
a number in a sentence needs a reader who checks what it says.

Usage::

    PYTHONPATH=. python calibration/regenerate.py --out /path/new-folder \
        [--posterior results/calibration-status_quo_targets] [--steps defaults,odd,...] \
        [--workers 2] [--dry-run]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("posterior", "defaults", "odd", "baseline", "tables", "sweeps", "figures")
SHIPPED = ("posterior.parquet", "predictive.parquet", "calibration.json", "report.md",
           "screening.csv", "state.json")
"""The files of a calibration folder that are shipped (the pyabc database is not)."""
POSTERIOR = ROOT / "posteriors" / "status_quo"
FIGURES = {  # docs/figures name -> path under OUT/results
    "morris_demo.png": "demo/figures/morris.png",
    "network_status_quo_vs_reform.png": "demo-runs/status_quo/figures/network.png",
    "model_snapshot_status_quo_vs_reform.png":
        "demo-runs/status_quo/figures/model_snapshot.png",
    "dose_response_ties.png": "dose_response/figures/dose_response_n_ties.png",
    "dose_response_joint_rd.png":
        "dose_response/figures/dose_response_rd_ties_per_100_partner_firms.png",
    **{f"breakdown_{d}_scenarios.png": f"scenarios/figures/breakdown_{d}.png"
       for d in ("size_class", "sector", "ownership", "tier", "city")},
}
"""The README's figures (docs/figures/README.md says which command draws each)."""


class BadInput(Exception):
    """A one-line reason to refuse the command line (exit code 2, nothing written)."""


def commands(steps: tuple[str, ...], out: Path, workers: int,
             posterior: Path | None) -> list[tuple[str, list[str] | tuple[str, ...], Path | None]]:
    """The commands of the chosen steps in order: (step, argv or a copy, stdout file).

    A copy is ``("copy", source, destination)``; an argv runs from the repository root.
    """
    py, ieisim = sys.executable, [sys.executable, "-m", "sim"]
    res, tables = out / "results", out / "tables"
    w = ["--workers", str(workers)]
    plan: list[tuple[str, list[str] | tuple[str, ...], Path | None]] = []
    if "posterior" in steps:
        for name in SHIPPED:
            plan.append(("posterior", ("copy", str(posterior / name), str(POSTERIOR / name)),
                         None))
    if "defaults" in steps:
        plan.append(("defaults", [py, "calibration/apply_defaults.py", "--posterior",
                                  str(POSTERIOR)], None))
    if "odd" in steps:
        plan.append(("odd", [py, "-m", "sim.docs"], None))
    if "baseline" in steps:
        plan.append(("baseline", [py, "tests/update_baseline.py"], None))
        plan.append(("baseline", [py, "tests/partner_search_reference.py"], None))
    if "tables" in steps:
        for name, argv in (
                ("validation", ["calibration/validation_table.py"]),
                ("status_quo_seeds_0_39", ["calibration/status_quo_table.py", "--seeds", "40"]),
                ("status_quo_seeds_40_79", ["calibration/status_quo_table.py", "--seeds", "40",
                                            "--first-seed", "40"]),
                ("main_partners", ["calibration/main_partners.py", "--seeds", "40"]),
                ("lesson_numbers", ["calibration/lesson_numbers.py"])):
            plan.append(("tables", [py, *argv], tables / f"{name}.md"))
    if "sweeps" in steps:
        plan.append(("sweeps", [*ieisim, "demo", "--out", str(res), *w], out / "demo.log"))
        for exp in ("scenarios", "dose_response"):
            plan.append(("sweeps", [*ieisim, "sweep", exp, "--out", str(res / exp), "--quiet",
                                    *w], out / f"{exp}.log"))
            plan.append(("sweeps", [*ieisim, "analyze", str(res / exp)],
                         out / f"{exp}_analyze.log"))
            plan.append(("sweeps", [*ieisim, "figures", str(res / exp)],
                         out / f"{exp}_figures.log"))
    if "figures" in steps:
        for name, src in FIGURES.items():
            plan.append(("figures", ("copy", str(res / src), str(ROOT / "docs" / "figures"
                                                                / name)), None))
    return plan


def check(args: argparse.Namespace) -> tuple[str, ...]:
    """The chosen steps; :class:`BadInput` for anything that cannot run as asked."""
    steps = tuple(s for s in args.steps.split(",") if s)
    unknown = [s for s in steps if s not in STEPS]
    if unknown or not steps:
        raise BadInput(f"--steps {args.steps!r}: unknown step {unknown[0]!r} (known: "
                       f"{', '.join(STEPS)})" if unknown else "--steps: no step given")
    if args.workers < 1:
        raise BadInput(f"--workers {args.workers}: expected a whole number >= 1")
    if args.out.exists():
        raise BadInput(f"--out {args.out}: exists; choose a new folder (nothing was written)")
    if "posterior" in steps:
        if args.posterior is None:
            raise BadInput("--posterior: the posterior step needs a finished calibration "
                           "folder (or leave the step out)")
        info_file = args.posterior / "calibration.json"
        try:
            info = json.loads(info_file.read_text())
        except (OSError, ValueError):
            raise BadInput(f"--posterior {args.posterior}: no readable calibration.json "
                           "(not a calibration folder)") from None
        if info.get("status") != "finished":
            raise BadInput(f"--posterior {args.posterior}: calibration status is "
                           f"{info.get('status')!r}, not 'finished'")
        missing = [n for n in SHIPPED if not (args.posterior / n).is_file()]
        if missing:
            raise BadInput(f"--posterior {args.posterior}: missing {missing[0]}")
    if "figures" in steps and "sweeps" not in steps:
        raise BadInput("--steps: figures copies what the sweeps step draws; add sweeps")
    return steps


def run(plan, echo=print) -> None:
    """Carry out a plan of :func:`commands`; stop at the first failing step."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for step, cmd, stdout in plan:
        start = time.monotonic()
        if cmd[0] == "copy":
            shutil.copyfile(cmd[1], cmd[2])
            echo(f"[{step}] copied {cmd[1]} -> {cmd[2]}")
            continue
        if stdout is None:
            res = subprocess.run(list(cmd), cwd=ROOT, env=env)
        else:
            stdout.parent.mkdir(parents=True, exist_ok=True)
            with open(stdout, "w") as sink:
                res = subprocess.run(list(cmd), cwd=ROOT, env=env, stdout=sink)
        if res.returncode != 0:
            raise SystemExit(f"error: step {step}: {' '.join(cmd)} exited {res.returncode}")
        echo(f"[{step}] {' '.join(cmd)} ({time.monotonic() - start:.0f} s)")


def main(argv: list[str] | None = None) -> int:
    """Command line; exit code 2 with one line for bad input."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True, help="new folder for tables and sweeps")
    ap.add_argument("--posterior", type=Path, default=None,
                    help="finished calibration folder to ship as posteriors/status_quo "
                    "(adds the posterior step)")
    ap.add_argument("--steps", default=",".join(s for s in STEPS if s != "posterior"),
                    help=f"steps separated by commas (known: {', '.join(STEPS)})")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dry-run", action="store_true", help="print the plan; run nothing")
    args = ap.parse_args(argv)
    if args.posterior is not None and "posterior" not in args.steps.split(","):
        args.steps = "posterior," + args.steps
    try:
        steps = check(args)
    except BadInput as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    plan = commands(steps, args.out, args.workers, args.posterior)
    if args.dry_run:
        for step, cmd, stdout in plan:
            print(f"[{step}] {' '.join(cmd)}" + (f" > {stdout}" if stdout else ""))
        return 0
    args.out.mkdir(parents=True)
    run(plan)
    return 0


if __name__ == "__main__":
    sys.exit(main())
