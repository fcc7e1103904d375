"""Publication figures of run and sweep folders: ``make_figures(folder, lang="en")``.

Modules: ``style`` (the one style: sizes, fonts, palette, Chinese font look-up),
``layout`` (column-wide figures, panel grids, legends, point labels), ``labels`` (all
text drawn), ``output`` (PDF + PNG + CSV and the index), ``folders``
(reading run/sweep/analysis files), ``build`` (which figures a folder gets) and one module
per kind of figure: ``timeseries``, ``network``, ``breakdowns``, ``sensitivity``, ``phase``,
``frontier``, ``discovery``, ``comparison``, ``group_breakdowns`` (breakdowns with replicate
intervals by size class, sector, ownership, tier, city), with ``sweep`` planning a sweep's figures.
"""


def make_figures(folder, lang="en", compare=None):
    """Draw every figure ``folder`` supports into ``folder/figures/`` (see sim.figures.build)."""
    from sim.figures.build import make_figures as _make

    return _make(folder, lang=lang, compare=compare)


__all__ = ["make_figures"]
