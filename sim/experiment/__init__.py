"""Experiments: designs over parameters, replicated runs, executors and the sweep folder.

Python API::

    from sim.experiment import run_sweep, load_results, load_manifest, design_matrix
    summary = run_sweep("demo", workers=2)
    df = load_results(summary.folder, columns=["tax_credit", "mean_rung"], final_only=True)

Modules: :mod:`~sim.experiment.spec` (experiment files), :mod:`~sim.experiment.design`
(design matrices), :mod:`~sim.experiment.seeds`, :mod:`~sim.experiment.worker` and
:mod:`~sim.experiment.models` (what a worker runs), :mod:`~sim.experiment.executors`
(serial, processes, Dask), :mod:`~sim.experiment.store` (the folder),
:mod:`~sim.experiment.sweep` (orchestration), :mod:`~sim.experiment.rerun`,
:mod:`~sim.experiment.cli`.
"""

from sim.lazy import lazy_exports

_EXPORTS = {
    "build_design": "design",
    "Experiment": "spec",
    "load_experiment": "spec",
    "design_matrix": "store",
    "load_failures": "store",
    "load_manifest": "store",
    "load_results": "store",
    "merge_sweeps": "store",
    "SweepSummary": "sweep",
    "run_sweep": "sweep",
}
"""Public name -> the submodule defining it, imported on first use: ``ieisim --help`` must not
load pandas and scipy (issue 12, item 15)."""

__all__ = ["Experiment", "SweepSummary", "build_design", "design_matrix", "load_experiment",
           "load_failures", "load_manifest", "load_results", "merge_sweeps", "run_sweep"]


__getattr__ = lazy_exports(__name__, _EXPORTS)
