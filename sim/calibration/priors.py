"""Priors from the declared parameter ranges, and which parameters a calibration fits.

Each fitted parameter's prior is uniform over its declared range (``sim/params.py``), or
log-uniform where the range spans at least one order of magnitude (``high / low >= 10`` with
``low > 0``: rates and costs whose plausible values differ by factors, not by amounts).
A log-uniform parameter is sampled and perturbed on the log10 scale: pyabc sees it as
``log10_<name>``, uniform on ``[log10 low, log10 high]``. Whole-number parameters are
rounded when a run is built.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

from sim.errors import ConfigError

LOG_UNIFORM_SPAN = 10.0
"""Ratio high / low at or above which a prior is log-uniform (one order of magnitude)."""
DEFAULT_GROUP = "status_quo"
"""The ``--params`` group fitted by default."""
STATUS_QUO_PARAMS = ("intern_recovery", "trainee_productivity_spread", "partner_hire_intern",
                     "recruit_value", "apprentice_gross_cost", "productive_recovery",
                     "research_grant_per_capacity", "college_capacity_sigma",
                     "contact_size_elasticity", "contacts_per_college")
"""The ten parameters the status-quo patterns depend on (host firms' net on interns and
apprentices and how it varies between hosts, colleges' funding, who partners with whom):
among those of the issue 9 search. Model version 4 replaced ``intern_net_cost`` by
``intern_recovery`` and ``firm_heterogeneity`` (which the version-3 screening found not
informed by the targets) by ``trainee_productivity_spread``."""


@dataclass(frozen=True)
class Prior:
    """The prior of one fitted parameter.

    Attributes:
        name: short parameter name (``sim.params.BY_NAME``).
        low, high: declared range, in the parameter's unit.
        log: log-uniform (sampled as log10) rather than uniform.
        integer: whole-number parameter (rounded when a run is built).
        unit: the parameter's unit.

    """

    name: str
    low: float
    high: float
    log: bool
    integer: bool
    unit: str

    @property
    def abc_name(self) -> str:
        """The name pyabc samples (``log10_<name>`` for a log-uniform prior)."""
        return f"log10_{self.name}" if self.log else self.name

    def natural(self, x: float) -> float:
        """A sampled value in the parameter's own unit."""
        v = 10.0 ** x if self.log else float(x)
        v = min(max(v, self.low), self.high)
        return float(round(v)) if self.integer else v

    @property
    def kind(self) -> str:
        """``log-uniform`` or ``uniform``."""
        return "log-uniform" if self.log else "uniform"


def prior_for(name: str, low: float, high: float, integer: bool = False,
              unit: str = "") -> Prior:
    """The prior over ``[low, high]``: log-uniform when it spans an order of magnitude."""
    log = low > 0 and high / low >= LOG_UNIFORM_SPAN
    return Prior(name, float(low), float(high), log, integer, unit)


def select_priors(spec: str | None, model: str = "ieisim") -> tuple[Prior, ...]:
    """The priors of ``--params``: a group name or comma-separated parameter names.

    Groups: ``status_quo`` (:data:`STATUS_QUO_PARAMS`, the default) and the parameter kinds
    ``behaviour`` and ``economy``. For the test model ``normal_mean`` only ``theta`` exists.

    Raises:
        ConfigError: an unknown group or parameter, a lever, or a parameter without a range.

    """
    if model == "normal_mean":
        from sim.testmodels import NORMAL_MEAN_FACTORS

        names = list(NORMAL_MEAN_FACTORS) if spec in (None, DEFAULT_GROUP) else _split(spec)
        for n in names:
            if n not in NORMAL_MEAN_FACTORS:
                raise ConfigError(f"--params {n!r}: the normal_mean test model has only "
                                  "'theta'")
        return tuple(prior_for(n, NORMAL_MEAN_FACTORS[n].low, NORMAL_MEAN_FACTORS[n].high)
                     for n in names)
    from sim.params import BY_NAME, resolve_key

    spec = spec or DEFAULT_GROUP
    groups: Mapping[str, tuple[str, ...]] = {
        DEFAULT_GROUP: STATUS_QUO_PARAMS,
        "behaviour": tuple(p.name for p in BY_NAME.values()
                           if p.kind == "behaviour" and p.dtype is not bool),
        "economy": tuple(p.name for p in BY_NAME.values()
                         if p.kind == "economy" and p.dtype is not bool),
    }
    names = list(groups[spec]) if spec in groups else _split(spec)
    out = []
    for n in names:
        p = resolve_key(n)
        if p.kind in ("lever", "run"):
            raise ConfigError(f"--params {n!r}: a {p.kind} parameter; calibration fits "
                              "world, economic and behavioural parameters (levers stay at "
                              "the scenario's policy)")
        if p.dtype is bool or not (math.isfinite(p.low) and math.isfinite(p.high)) \
                or p.high <= p.low:
            raise ConfigError(f"--params {n!r}: has no range to draw a prior from")
        out.append(prior_for(p.name, p.low, p.high, p.dtype is int, p.unit))
    if len({p.name for p in out}) != len(out):
        raise ConfigError(f"--params {spec!r}: a parameter is named twice")
    return tuple(out)


def _split(spec: str) -> list[str]:
    names = [s.strip() for s in spec.split(",") if s.strip()]
    if not names:
        raise ConfigError(f"--params {spec!r}: name a group or parameters")
    return names


def pyabc_prior(priors: tuple[Prior, ...]):
    """The pyabc ``Distribution`` of the priors (on the log10 scale where log-uniform)."""
    import pyabc

    rvs = {}
    for p in priors:
        lo, hi = (math.log10(p.low), math.log10(p.high)) if p.log else (p.low, p.high)
        rvs[p.abc_name] = pyabc.RV("uniform", lo, hi - lo)
    return pyabc.Distribution(**rvs)


def to_natural(priors: tuple[Prior, ...], abc_values: Mapping[str, float]) -> dict[str, float]:
    """Parameter values by short name, in their own units, from pyabc's sampled values."""
    return {p.name: p.natural(abc_values[p.abc_name]) for p in priors}
