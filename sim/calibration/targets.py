"""Calibration targets as data: what is known, as statistics with intervals and sources.

A targets file (TOML; shipped ones live in ``configs/targets/`` and are addressed by name,
e.g. ``status_quo_targets``) has a header and a list of ``[[targets]]``::

    name = "status_quo_targets"
    description = "..."
    scenario = "status_quo"     # the scenario the targets describe
    year = 10                   # year-end read by default (the run's length)
    replicates = 1              # model runs pooled per particle (one survey of several regions)
    scales = "adaptive"         # distance scales: "adaptive" (per generation) or "tolerance"

    [[targets]]
    name = "internship_majority"
    statistic = "share_internship"   # a name from sim.calibration.statistics.registry()
    interval = [0.5, 1.0]            # or: value = 0.55 (a point); inf allowed on one side
    tolerance = 0.05                 # distance scale floor, in the statistic's unit
    weight = 1.0                     # relative weight in the distance
    use = "fit"                      # or "holdout" (out-of-sample check, not fitted)
    source = "Ran & Shi (2020) ..."  # citation (required)

Every problem is a one-line :class:`sim.errors.ConfigError` naming the key (exit code 2).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Mapping

from sim.errors import ConfigError
from sim.excerpt import excerpt

MAX_REPLICATES = 50
"""Most model runs pooled into one particle's statistics."""
SCALES = ("adaptive", "tolerance")
"""Distance scales: adapted each generation, or fixed at the targets' tolerances
(:class:`sim.calibration.distance.IntervalDistance`)."""
USES = ("fit", "holdout")
"""A target is fitted, or held out as an out-of-sample check."""
MODELS = ("ieisim", "normal_mean")
"""Models a targets file may describe: the cooperation model, or the test model with a known
posterior (:mod:`sim.testmodels`)."""
HEADER_KEYS = frozenset({"name", "description", "scenario", "year", "model", "targets",
                         "replicates", "scales"})
TARGET_KEYS = frozenset({"name", "statistic", "interval", "value", "tolerance", "weight",
                         "use", "source", "year", "note"})
MAX_YEAR = 200
"""Latest year a target may be read at (the longest run ``run.years`` allows)."""


@dataclass(frozen=True)
class Target:
    """One pattern: a statistic of a run, its accepted interval and where it comes from.

    Attributes:
        name: unique label of the target.
        statistic: registry name of the statistic.
        low, high: accepted interval (equal for a point; ``inf`` for one-sided), in the
            statistic's unit.
        tolerance: how far outside the interval is one unit of distance (statistic's unit).
        weight: relative weight in the distance (dimensionless, > 0).
        use: ``fit`` or ``holdout``.
        source: citation.
        year: year-end the statistic is read at.

    """

    name: str
    statistic: str
    low: float
    high: float
    tolerance: float
    weight: float
    use: str
    source: str
    year: int

    def miss(self, value: float) -> float:
        """How far ``value`` lies outside the interval (0 inside; NaN for a NaN value)."""
        if math.isnan(value):
            return math.nan
        return max(self.low - value, 0.0, value - self.high)

    def met(self, value: float) -> bool:
        """Whether ``value`` lies inside the interval."""
        return not math.isnan(value) and self.low <= value <= self.high

    def interval_text(self) -> str:
        """The interval as a reader writes it (``[0.4, 0.6]``, ``>= 0.2``, ``= 3``)."""
        if self.low == self.high:
            return f"= {self.low:g}"
        if math.isinf(self.high):
            return f">= {self.low:g}"
        if math.isinf(self.low):
            return f"<= {self.high:g}"
        return f"[{self.low:g}, {self.high:g}]"


@dataclass(frozen=True)
class TargetSet:
    """A validated targets file."""

    name: str
    description: str
    scenario: str
    year: int
    model: str
    targets: tuple[Target, ...]
    source_path: str | None = None
    replicates: int = 1
    scales: str = "adaptive"

    @property
    def fit(self) -> tuple[Target, ...]:
        """Targets used in the fit."""
        return tuple(t for t in self.targets if t.use == "fit")

    @property
    def holdout(self) -> tuple[Target, ...]:
        """Held-out targets (out-of-sample check)."""
        return tuple(t for t in self.targets if t.use == "holdout")

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for ``calibration.json``; ``inf`` written as a string)."""
        def clean(d):
            return {k: (str(v) if isinstance(v, float) and math.isinf(v) else v)
                    for k, v in d.items()}
        return {"name": self.name, "description": self.description, "scenario": self.scenario,
                "year": self.year, "model": self.model, "replicates": self.replicates,
                "scales": self.scales,
                "targets": [clean(asdict(t)) for t in self.targets]}

    def digest(self) -> str:
        """Content hash of the targets (a resumed calibration must have the same)."""
        blob = json.dumps(self.to_dict(), sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:16]


def targets_dir() -> Path:
    """Folder of shipped targets files (``configs/targets/``)."""
    from sim.params import configs_dir

    return configs_dir() / "targets"


def list_targets() -> list[str]:
    """Names of the shipped targets files."""
    d = targets_dir()
    return sorted(p.stem for p in d.glob("*.toml")) if d.is_dir() else []


def find_targets(name_or_path: str | Path) -> Path:
    """Resolve a shipped targets name (``status_quo_targets``) or a path to a TOML file."""
    from sim.params import find_shipped

    return find_shipped(name_or_path, targets_dir(), "targets file")


def _number(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{key} = {excerpt(value)}: expected a number")
    if math.isnan(float(value)):
        raise ConfigError(f"{key} = nan: expected a number")
    return float(value)


def _statistic_names(model: str) -> dict[str, str]:
    """Statistic name -> kind for ``model``."""
    if model == "normal_mean":
        from sim.testmodels import NORMAL_MEAN_STATISTICS

        return {n: "final" for n in NORMAL_MEAN_STATISTICS}
    from sim.calibration.statistics import registry

    return {n: s.kind for n, s in registry().items()}


def _target(raw: Any, i: int, year: int, stats: Mapping[str, str]) -> Target:
    where = f"targets[{i}]"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table ([[targets]])")
    unknown = sorted(set(raw) - TARGET_KEYS)
    if unknown:
        raise ConfigError(f"{where}.{unknown[0]}: unknown key; allowed: "
                          f"{', '.join(sorted(TARGET_KEYS))}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}.name: missing (a unique label is required)")
    where = f"target {name!r}"
    stat = raw.get("statistic")
    if not isinstance(stat, str):
        raise ConfigError(f"{where}: statistic missing (a name from 'ieisim calibrate "
                          "--list-statistics')")
    if stat not in stats:
        hint = difflib.get_close_matches(stat, list(stats), n=1)
        extra = f" (did you mean {hint[0]!r}?)" if hint else ""
        raise ConfigError(f"{where}: unknown statistic {excerpt(stat)}{extra}")
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ConfigError(f"{where}: source missing (every target cites where its value "
                          "comes from)")
    if ("interval" in raw) == ("value" in raw):
        raise ConfigError(f"{where}: give exactly one of interval = [low, high] or value = x")
    if "value" in raw:
        low = high = _number(raw["value"], f"{where}.value")
        if math.isinf(low):
            raise ConfigError(f"{where}.value = {low}: expected a finite number")
    else:
        iv = raw["interval"]
        if not isinstance(iv, list) or len(iv) != 2:
            raise ConfigError(f"{where}.interval = {excerpt(iv)}: expected [low, high]")
        low, high = (_number(v, f"{where}.interval") for v in iv)
        if low > high:
            raise ConfigError(f"{where}.interval = [{low:g}, {high:g}]: low is above high")
        if math.isinf(low) and math.isinf(high):
            raise ConfigError(f"{where}.interval: at least one end must be finite")
    if "tolerance" in raw:
        tol = _number(raw["tolerance"], f"{where}.tolerance")
    elif math.isfinite(high - low) and high > low:
        tol = (high - low) / 2.0
    else:
        raise ConfigError(f"{where}: tolerance missing (needed for a point or one-sided "
                          "interval: how far outside counts as one unit of distance)")
    if not (tol > 0 and math.isfinite(tol)):
        raise ConfigError(f"{where}.tolerance = {tol:g}: expected a positive number")
    weight = _number(raw.get("weight", 1.0), f"{where}.weight")
    if not (weight > 0 and math.isfinite(weight)):
        raise ConfigError(f"{where}.weight = {weight:g}: expected a positive number")
    use = raw.get("use", "fit")
    if use not in USES:
        raise ConfigError(f"{where}.use = {excerpt(use)}: expected 'fit' or 'holdout'")
    t_year = raw.get("year", year)
    if isinstance(t_year, bool) or not isinstance(t_year, int) or not 1 <= t_year <= year:
        raise ConfigError(f"{where}.year = {excerpt(t_year)}: expected a whole number in "
                          f"[1, {year}] (the file's year)")
    if t_year != year and stats[stat] != "reporter":
        raise ConfigError(f"{where}.year = {t_year}: statistic {stat!r} describes the end of "
                          f"the run; only reporters can be read at an earlier year")
    return Target(name, stat, low, high, tol, weight, use, source.strip(), t_year)


def parse_targets(data: Mapping[str, Any], source_path: str | None = None) -> TargetSet:
    """Validate a parsed targets file; one-line :class:`ConfigError` on any problem."""
    unknown = sorted(set(data) - HEADER_KEYS)
    if unknown:
        raise ConfigError(f"{unknown[0]}: unknown key in a targets file; allowed: "
                          f"{', '.join(sorted(HEADER_KEYS))}")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigError("name: missing (a targets file names itself)")
    model = data.get("model", "ieisim")
    if model not in MODELS:
        raise ConfigError(f"model = {excerpt(model)}: expected one of {', '.join(MODELS)}")
    scenario = data.get("scenario", "status_quo")
    if not isinstance(scenario, str):
        raise ConfigError(f"scenario = {excerpt(scenario)}: expected a scenario name")
    year = data.get("year", 10)
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= MAX_YEAR:
        raise ConfigError(f"year = {excerpt(year)}: expected a whole number in [1, {MAX_YEAR}]")
    replicates = data.get("replicates", 1)
    if (isinstance(replicates, bool) or not isinstance(replicates, int)
            or not 1 <= replicates <= MAX_REPLICATES):
        raise ConfigError(f"replicates = {excerpt(replicates)}: expected a whole number in "
                          f"[1, {MAX_REPLICATES}] (model runs pooled per particle)")
    scales = data.get("scales", "adaptive")
    if scales not in SCALES:
        raise ConfigError(f"scales = {excerpt(scales)}: expected one of {', '.join(SCALES)}")
    raw = data.get("targets")
    if not isinstance(raw, list) or not raw:
        raise ConfigError("targets: missing; give at least one [[targets]] table")
    stats = _statistic_names(model)
    targets = tuple(_target(t, i, year, stats) for i, t in enumerate(raw))
    seen: set[str] = set()
    for t in targets:
        if t.name in seen:
            raise ConfigError(f"target {t.name!r}: name used twice")
        seen.add(t.name)
    if not any(t.use == "fit" for t in targets):
        raise ConfigError("targets: every target is held out; at least one must have "
                          "use = 'fit'")
    return TargetSet(name, str(data.get("description", "")), scenario, year, model, targets,
                     source_path, replicates, scales)


def load_targets(name_or_path: str | Path) -> TargetSet:
    """Read and validate a shipped targets name or a targets file path."""
    from sim.params import read_toml

    path = find_targets(name_or_path)
    return parse_targets(read_toml(path), str(path))
