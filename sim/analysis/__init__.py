"""Sensitivity analysis of a finished sweep: which levers move which outcome, how surely.

``analyze(dir)`` returns an :class:`AnalysisResult` (DataFrames: ``sensitivity``,
``discovery``, ``frontier``, ``points``; ``info`` for ``analysis.json``);
``summary(result)`` is the report's Summary section (which factors move which outcome);
``write_analysis(result)`` writes ``sensitivity.csv``, ``discovery.csv``, ``analysis.json``
and ``report.md`` into the sweep folder. Modules: ``loading`` (sweep folder -> run summaries),
``settings`` (options and seeds), ``sobol``, ``morris``, ``moment_free`` (PAWN),
``direction`` (rank correlations), ``noise``, ``intervals`` (t intervals and whole-replicate
bootstrap, shared with the figures), ``breakpoint`` (dose-response thresholds), ``ofat``
(trends over one lever's range), ``discovery`` (PRIM), ``cost`` (frontier),
``scenarios`` (paired comparisons), ``meeting`` (whether a scenario meets a target, on its
interval), ``robustness``, ``report``, ``writing``, ``cli``.
"""

from sim.lazy import lazy_exports

_EXPORTS = {
    "METHODS": "pipeline",
    "METHODS_BY_DESIGN": "pipeline",
    "AnalysisResult": "pipeline",
    "analyze": "pipeline",
    "summary": "report",
    "COLUMNS": "table",
    "write_analysis": "writing",
}
"""Public name -> the submodule defining it, imported on first use: ``ieisim --help`` must not
load scipy.stats and SALib (issue 12, item 15)."""

__all__ = ["COLUMNS", "METHODS", "METHODS_BY_DESIGN", "AnalysisResult", "analyze", "summary",
           "write_analysis"]


__getattr__ = lazy_exports(__name__, _EXPORTS)
