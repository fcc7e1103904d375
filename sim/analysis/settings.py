"""Analysis settings: defaults, the experiment's ``[analysis]`` table, and analysis seeds.

An experiment file may carry an ``[analysis]`` table; the sweep stores it in
``manifest["experiment"]["analysis"]`` and this module reads these keys (all optional):

``groups``      ``true``: Sobol'/Morris indices for the factors' groups (e.g. fiscal,
                retention, ...) instead of single levers. The sample must have been drawn
                with groups (the sweep's point count tells); otherwise this is refused.
                Also read from the design options (``[sobol] groups = true`` or
                ``[morris] groups = true``, i.e. ``experiment["options"]["groups"]``).
``targets``     table ``output = "expression"``, e.g. ``joint_rd_per_100_firms = ">= 5"``
                (the command line's ``--target`` wins).
``baseline``    scenario name the scenarios design compares against (default
                ``status_quo``, else the first scenario listed).
``resamples``   bootstrap resamples for confidence intervals (default 100).
``conf_level``  confidence level of every interval (default 0.95).
``seed``        analysis seed (default: derived from the sweep's master seed).
``willingness_to_pay``  table ``output = number``: CNY million a year the payer would give
                for one more unit of the outcome (e.g. one more joint R&D tie per 100
                firms); the frontier then reports each step's incremental net benefit
                ``wtp x incremental outcome - incremental cost`` with its interval.

Seeds: every SALib call that takes a seed gets a nonzero 32-bit integer spawned from the
analysis seed with :class:`numpy.random.SeedSequence`, keyed by output and method, so the same
sweep analysed twice gives the same numbers and no call falls back to global random state.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from sim.errors import UsageError
from sim.experiment.spec import ANALYSIS_KEYS

DEFAULT_RESAMPLES = 100
"""Bootstrap resamples per confidence interval (SALib's default)."""
DEFAULT_CONF_LEVEL = 0.95
"""Confidence level of all intervals."""
DEFAULT_SEED = 20251125
"""Analysis seed used when the manifest has no master seed."""
MIN_RESAMPLES = 10
"""Fewest bootstrap resamples accepted (fewer give meaningless intervals)."""
_KEYS = ANALYSIS_KEYS


@dataclass(frozen=True)
class Settings:
    """Everything that fixes the numbers of an analysis (stored in ``analysis.json``).

    Attributes:
        seed: analysis master seed (nonnegative integer).
        resamples: bootstrap resamples for confidence intervals.
        conf_level: confidence level in (0, 1).
        groups: analyse factor groups instead of single factors (Sobol', Morris).
        targets: output name -> target expression text (``">= 5"``) from the experiment or
            the command line.
        baseline: scenario compared against in a scenarios design (``None``: automatic).
        willingness_to_pay: output name -> CNY million a year per unit of the outcome.

    """

    seed: int = DEFAULT_SEED
    resamples: int = DEFAULT_RESAMPLES
    conf_level: float = DEFAULT_CONF_LEVEL
    groups: bool = False
    targets: Mapping[str, str] = field(default_factory=dict)
    baseline: str | None = None
    willingness_to_pay: Mapping[str, float] = field(default_factory=dict)

    def seed_for(self, *keys: str) -> int:
        """A nonzero 32-bit seed for the SALib call identified by ``keys`` (output, method)."""
        words = [zlib.crc32(k.encode()) for k in keys]
        state = np.random.SeedSequence([self.seed, *words]).generate_state(1)[0]
        return int(state) or 1

    def rng_for(self, *keys: str) -> np.random.Generator:
        """A numpy Generator for resampling done here, identified by ``keys``."""
        return np.random.default_rng(self.seed_for(*keys))

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly copy."""
        return {"seed": self.seed, "resamples": self.resamples, "conf_level": self.conf_level,
                "groups": self.groups, "targets": dict(self.targets),
                "baseline": self.baseline,
                "willingness_to_pay": dict(self.willingness_to_pay)}


def settings_from(manifest: Mapping[str, Any], **overrides: Any) -> Settings:
    """Settings from the manifest's experiment ``[analysis]`` table and explicit overrides.

    ``overrides`` with value ``None`` are ignored; ``targets`` overrides are merged over the
    experiment's targets.

    Raises:
        UsageError: an unknown key or a value of the wrong type or range.

    """
    experiment = manifest.get("experiment") or {}
    table = dict(experiment.get("analysis") or {})
    unknown = [k for k in table if k not in _KEYS]
    if unknown:
        raise UsageError(f"[analysis] {unknown[0]!r} is not an analysis setting: known are "
                         f"{', '.join(_KEYS)}")
    targets = dict(table.get("targets") or {})
    targets.update(overrides.pop("targets", None) or {})
    values = {k: v for k, v in table.items() if k != "targets"}
    options = experiment.get("options") or {}
    if "groups" not in values and "groups" in options:
        values["groups"] = options["groups"]
    values.update({k: v for k, v in overrides.items() if v is not None})
    master = manifest.get("seed")
    seed = values.get("seed", master if isinstance(master, int) else DEFAULT_SEED)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError(f"analysis seed = {seed!r}: expected a nonnegative integer")
    resamples = values.get("resamples", DEFAULT_RESAMPLES)
    if isinstance(resamples, bool) or not isinstance(resamples, int) or (
            resamples < MIN_RESAMPLES):
        raise UsageError(f"resamples = {resamples!r}: expected an integer >= {MIN_RESAMPLES}")
    conf = values.get("conf_level", DEFAULT_CONF_LEVEL)
    if isinstance(conf, bool) or not isinstance(conf, (int, float)) or not 0 < conf < 1:
        raise UsageError(f"conf_level = {conf!r}: expected a number between 0 and 1")
    groups = values.get("groups", False)
    if not isinstance(groups, bool):
        raise UsageError(f"[analysis] groups = {groups!r}: expected true or false")
    baseline = values.get("baseline")
    if baseline is not None and not isinstance(baseline, str):
        raise UsageError(f"[analysis] baseline = {baseline!r}: expected a scenario name")
    for name, expr in targets.items():
        if not isinstance(expr, str):
            raise UsageError(f"target for {name!r} = {expr!r}: expected text such as '>= 5'")
    wtp = values.get("willingness_to_pay") or {}
    if not isinstance(wtp, Mapping):
        raise UsageError(f"[analysis] willingness_to_pay = {wtp!r}: expected a table such as "
                         "{ joint_rd_per_100_firms = 40 }")
    for name, value in wtp.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                math.isfinite(value) and value > 0):
            raise UsageError(f"[analysis] willingness_to_pay.{name} = {value!r}: expected a "
                             "positive number (CNY million a year per unit of the outcome)")
    return Settings(seed=seed, resamples=resamples, conf_level=float(conf), groups=groups,
                    targets=targets, baseline=baseline,
                    willingness_to_pay={k: float(v) for k, v in wtp.items()})
