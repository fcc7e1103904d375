"""ieisim: agent-based simulator of school-enterprise cooperation in higher vocational education.

The public Python API::

    from sim import load_scenario, CooperationModel, run_scenario, load_results
    result = run_scenario(load_scenario("reform_package"), years=10)
    result.timeseries  # tidy pandas DataFrame, one row per step
    df = load_results("results/demo", columns=["tax_credit", "share_joint_rd"])  # a sweep

Every name is imported on first use, so ``import sim`` (and the ``ieisim`` command's start-up)
loads neither Mesa nor pandas.
"""

from importlib import import_module

_EXPORTS = {
    "ConfigError": "sim.params",
    "Scenario": "sim.params",
    "load_scenario": "sim.params",
    "CooperationModel": "sim.model",
    "run_scenario": "sim.run",
    "simulate": "sim.run",
    "load_results": "sim.experiment.store",
}
"""Public name -> the module that defines it (imported lazily by ``__getattr__``)."""

__all__ = ["ConfigError", "Scenario", "load_scenario", "__version__", "CooperationModel",
           "run_scenario", "simulate", "load_results"]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ieisim")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0+source"


def __getattr__(name):
    """Import a public name on first use (PEP 562): importing sim must stay instant."""
    if name == "__version__":
        value = _version()
    elif name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
    else:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    globals()[name] = value
    return value
