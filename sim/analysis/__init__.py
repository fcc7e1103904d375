"""Sensitivity analysis of a finished sweep: which levers move which outcome, how surely.

``analyze(dir)`` returns an :class:`AnalysisResult` (DataFrames: ``sensitivity``,
``discovery``, ``frontier``, ``points``; ``info`` for ``analysis.json``);
``summary(result)`` is the report's Summary section (which factors move which outcome);
``write_analysis(result)`` writes ``sensitivity.csv``, ``discovery.csv``, ``analysis.json``
and ``report.md`` into the sweep folder. Modules: ``loading`` (sweep folder -> run summaries),
``settings`` (options and seeds), ``sobol``, ``morris``, ``moment_free`` (PAWN),
``direction`` (rank correlations), ``noise``, ``discovery`` (PRIM), ``cost`` (frontier),
``scenarios`` (paired comparisons), ``robustness``, ``report``, ``writing``, ``cli``.
"""

from sim.analysis.pipeline import METHODS, METHODS_BY_DESIGN, AnalysisResult, analyze
from sim.analysis.report import summary
from sim.analysis.table import COLUMNS
from sim.analysis.writing import write_analysis

__all__ = ["COLUMNS", "METHODS", "METHODS_BY_DESIGN", "AnalysisResult", "analyze", "summary",
           "write_analysis"]
