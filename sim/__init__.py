"""ieisim: agent-based simulator of school-enterprise cooperation in higher vocational education.

The public Python API::

    from sim import load_scenario, CooperationModel, run_scenario
    result = run_scenario(load_scenario("reform_package"), years=10)
    result.timeseries  # tidy pandas DataFrame, one row per step
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ieisim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+source"

from sim.params import ConfigError, Scenario, load_scenario  # noqa: E402

__all__ = ["ConfigError", "Scenario", "load_scenario", "__version__", "CooperationModel",
           "run_scenario", "simulate"]


def __getattr__(name):  # lazy: importing sim must not import mesa for the CLI's --help
    if name == "CooperationModel":
        from sim.model import CooperationModel

        return CooperationModel
    if name in ("run_scenario", "simulate"):
        import sim.run

        return getattr(sim.run, name)
    raise AttributeError(name)
