"""Calibration: fit parameters to published patterns with ABC-SMC (pyabc).

Modules, one concept each: ``statistics`` (what a target may name), ``targets`` (targets
files), ``priors`` (priors from declared ranges), ``simulator`` (one particle = one run),
``distance`` (adaptive interval distance), ``sampler`` (pyabc sampler over ieisim's
executors), ``fit`` (generations, stopping, resume), ``screening`` (identifiability),
``posterior`` (particles and summaries), ``report`` (``report.md``), ``figures``, ``run``
(the command) and ``cli``. See ``docs/calibration.md``.
"""

from sim.lazy import lazy_exports

_EXPORTS = {
    "calibrate": "run",
    "load_targets": "targets",
    "registry": "statistics",
}
"""Public name -> submodule, imported on first use (``ieisim --help`` must stay fast)."""

__all__ = ["calibrate", "load_targets", "registry"]

__getattr__ = lazy_exports(__name__, _EXPORTS)
