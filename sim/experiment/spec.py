"""Experiment files: parse, validate and resolve ``experiments/*.toml`` into an Experiment.

Everything is checked here, before a single run starts or a file is written: unknown keys,
unknown parameters or outputs, bounds outside the declared ones or inverted, a Sobol' N that
is not a power of two, an empty design, a missing scenario file. Each problem raises
:class:`sim.errors.ConfigError` with a one-line message naming the key and value.

File format (all keys but ``name`` and ``design`` optional)::

    name = "demo"                    # results go to results/<name>/
    description = "..."
    model = "cooperation"            # or "ishigami" (the built-in test function)
    scenario = "status_quo"          # base scenario: a name in configs/ or a path
    design = "morris"                # grid | lhs | sobol | morris | ofat | scenarios
    replicates = 3                   # runs per design point (seeds: sim.experiment.seeds)
    years = 10                       # horizon (default: the base scenario's run.years)
    seed = 20251125                  # master seed (default: the base scenario's run.seed)
    outputs = ["mean_rung"]          # default: every output of the model
    keep = "final"                   # "final" (last step only) or "timeseries"
    every = 1                        # with keep = "timeseries": every k-th step and the last
    scenarios = ["status_quo", ...]  # the scenarios design only

    [fixed]                          # parameters set for every run (short or dotted keys)
    n_enterprises = 200

    [factors]                        # what varies: any declared parameter, by short name
    tax_credit = {}                  # bounds default to the declared ones
    intern_subsidy = { low = 0, high = 4 }
    retention_support = { values = [0, 0.4, 0.8] }   # grid designs list values

    [sobol]   n = 64, second_order = false           # base sample size: a power of two
    [morris]  trajectories = 10, levels = 4
              # sobol and morris: groups = true samples lever groups (SALib ``groups``):
              # a lever's group is its declared group, any other factor is its own group
    [lhs]     samples = 100
    [ofat]    levels = 9, centres = ["status_quo", "reform_package"]
              # one factor at a time: each factor over ``levels`` evenly spaced values from
              # low to high, the others at the centre's values (a policy package on the base
              # scenario); every centre in turn (sim.experiment.design.ofat_layout)
    [analysis]                       # optional settings of `ieisim analyze` (not of the runs)
    targets = { joint_rd_per_100_firms = ">= 5" }    # also groups, baseline, resamples, ...
    [uncertainty]                    # optional: draw calibrated parameters from a posterior
    posterior = "DIR"                # a calibration folder or a shipped posterior name
    draws = 20                       # >= 20 (allow_few = true: >= 2); each draw runs with
                                     # `replicates` (>= 2) seeds (sim.experiment.posterior)
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from sim.errors import ConfigError, excerpt
from sim.excerpt import shorten
from sim.params import (
    BY_NAME,
    Scenario,
    data_dir,
    find_shipped,
    load_scenario,
    read_toml,
    resolve_key,
)
from sim.version import MODEL_VERSION, VERSIONED_MODELS

MODELS = ("cooperation", "ishigami")
DESIGNS = ("grid", "lhs", "sobol", "morris", "ofat", "scenarios")
KEEP = ("final", "timeseries")
_TOP_KEYS = ("name", "description", "model", "scenario", "design", "replicates", "years", "seed",
             "outputs", "keep", "every", "scenarios", "fixed", "factors", "sobol", "morris",
             "lhs", "ofat", "analysis", "uncertainty")
ANALYSIS_KEYS = ("groups", "targets", "baseline", "resamples", "conf_level", "seed",
                 "willingness_to_pay")
"""Keys of an experiment's optional ``[analysis]`` table (read by :mod:`sim.analysis`, which
validates their values); it does not change the runs, so it is not part of the digest."""
_OPTION_KEYS = {"sobol": {"n": int, "second_order": bool, "groups": bool},
                "morris": {"trajectories": int, "levels": int, "groups": bool},
                "lhs": {"samples": int},
                "ofat": {"levels": int, "centres": list}}
_OPTION_DEFAULTS = {"sobol": {"second_order": False, "groups": False},
                    "morris": {"levels": 4, "groups": False},
                    "ofat": {"centres": ["status_quo"]}}
_REQUIRED_OPTIONS = {"sobol": ("n",), "morris": ("trajectories",), "lhs": ("samples",),
                     "ofat": ("levels",)}
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
MESSAGE_CHARS = 300
"""Longest error message passed on from another module's check."""
MAX_REPLICATES = 100_000
"""Upper bound on replicates per point (a typo guard, not a model limit)."""


@dataclass(frozen=True)
class Factor:
    """One varied input: a declared parameter (or a test-model input) and its range.

    Attributes:
        name: short name, also the result column.
        kind: ``lever``, ``behaviour``, ``economy``, ``world`` or ``input`` (test models).
        group: lever group (levers only, else ``""``).
        low, high: sampling bounds (in the parameter's unit), within the declared bounds.
        values: the grid values, or ``None`` for sampled designs.
        dtype: ``"float"``, ``"int"`` or ``"bool"``.
        unit: the parameter's unit.

    """

    name: str
    kind: str
    group: str
    low: float
    high: float
    values: tuple | None
    dtype: str
    unit: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The manifest's entry: ``{name, kind, group, low, high, values}`` plus dtype and unit."""
        return {"name": self.name, "kind": self.kind, "group": self.group, "low": self.low,
                "high": self.high, "values": None if self.values is None else list(self.values),
                "dtype": self.dtype, "unit": self.unit}


@dataclass(frozen=True)
class Experiment:
    """A validated experiment, every default resolved. Build it with :func:`load_experiment`."""

    name: str
    description: str
    model: str
    scenario: str
    design: str
    replicates: int
    years: int | None
    seed: int
    outputs: tuple[str, ...]
    keep: str
    every: int
    factors: tuple[Factor, ...]
    fixed: Mapping[str, Any]
    scenarios: tuple[str, ...]
    options: Mapping[str, Any]
    bases: Mapping[str, Mapping[str, Any]] = field(repr=False)
    source_path: str | None = None
    analysis: Mapping[str, Any] = field(default_factory=dict)
    uncertainty: Mapping[str, Any] = field(default_factory=dict)
    """Resolved ``[uncertainty]`` block (:func:`sim.experiment.posterior.parse_uncertainty`),
    empty without a posterior; ``replicates`` then counts draws x seeds per draw."""

    @property
    def groups(self) -> tuple[str, ...] | None:
        """SALib group of each factor when the design samples groups, else ``None``.

        A lever's group is its declared ``group``; any other factor forms its own group.
        """
        if not self.options.get("groups"):
            return None
        return tuple(f.group or f.name for f in self.factors)

    @property
    def factor_names(self) -> tuple[str, ...]:
        """Short names of the varied inputs, in sample-column order."""
        return tuple(f.name for f in self.factors)

    def to_dict(self) -> dict[str, Any]:
        """The experiment as resolved (JSON-friendly; stored in the manifest)."""
        return {"name": self.name, "description": self.description, "model": self.model,
                "scenario": self.scenario, "design": self.design,
                "replicates": self.replicates, "years": self.years, "seed": self.seed,
                "outputs": list(self.outputs), "keep": self.keep, "every": self.every,
                "factors": [f.to_dict() for f in self.factors], "fixed": dict(self.fixed),
                "scenarios": list(self.scenarios), "options": dict(self.options),
                "analysis": dict(self.analysis),
                **({"uncertainty": dict(self.uncertainty)} if self.uncertainty else {})}

    def digest(self) -> str:
        """Hash of everything that determines the results (not the description or analysis).

        Includes the model version (:data:`sim.version.MODEL_VERSION`) and the resolved
        values of every base scenario, so a new model version or editing a scenario file the
        experiment uses also changes the hash.
        """
        body = self.to_dict()
        body.pop("description")
        body.pop("analysis")
        if self.model in VERSIONED_MODELS:  # a test function never changes meaning
            body["model_version"] = MODEL_VERSION
        body["bases"] = {k: dict(sorted(v.items())) for k, v in sorted(self.bases.items())}
        if self.uncertainty:  # the posterior's content, not where its folder is
            from sim.experiment.posterior import digest_part

            body["uncertainty"] = digest_part(self.uncertainty)
        blob = json.dumps(body, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def experiments_dir() -> Path:
    """Folder of the shipped experiments (the repo's ``experiments/`` or the installed copy)."""
    d = data_dir("experiments")
    if d is None:
        raise ConfigError("cannot find the shipped experiments (experiments/)")
    return d


def list_experiments() -> list[str]:
    """Names of the shipped experiments."""
    return sorted(p.stem for p in experiments_dir().glob("*.toml"))


def find_experiment(name_or_path: str | Path) -> Path:
    """Resolve an experiment name (``demo``) or a path to an existing TOML file."""
    return find_shipped(name_or_path, experiments_dir(), "experiment")


def load_experiment(source: str | Path | Mapping[str, Any]) -> Experiment:
    """Read and validate an experiment from a name, a TOML path or a mapping.

    Raises:
        ConfigError: the first problem found, in one line prefixed by the file name.

    """
    if isinstance(source, Mapping):
        return parse_experiment(source)
    path = find_experiment(source)
    data = read_toml(path)
    try:
        return parse_experiment(data, source_path=str(path))
    except ConfigError as exc:
        raise ConfigError(f"{path.name}: {exc}") from None


# ------------------------------------------------------------------ parsing helpers
def _unknown(kind: str, key: str, allowed) -> ConfigError:
    hint = difflib.get_close_matches(key, list(allowed), n=1)
    extra = f" (did you mean {hint[0]!r}?)" if hint else ""
    return ConfigError(f"unknown {kind} {excerpt(key)}{extra}: allowed are "
                       f"{', '.join(allowed)}")


def _int(key: str, value: Any, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{key} = {excerpt(value)}: expected a whole number")
    if value < low or (high is not None and value > high):
        rng = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ConfigError(f"{key} = {value}: expected a whole number {rng}")
    return value


def _str(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{key} = {excerpt(value)}: expected a string")
    return value


def _choice(key: str, value: Any, allowed) -> str:
    value = _str(key, value)
    if value not in allowed:
        raise _unknown(key, value, allowed)
    return value


def _base_values(name: str) -> tuple[str, dict[str, Any]]:
    scn = load_scenario(name)  # raises ConfigError naming a missing file
    return scn.name, dict(scn.values)


def _model_outputs(model: str) -> tuple[str, ...]:
    if model == "ishigami":
        from sim.testmodels import ISHIGAMI_OUTPUTS

        return ISHIGAMI_OUTPUTS
    try:
        from sim.metrics import OUTPUTS
    except ModuleNotFoundError as exc:  # the cooperation model is not installed
        raise ConfigError(f"model = 'cooperation': the model is not available ({exc})") from None
    return tuple(OUTPUTS)


def _factor(model: str, name: str, spec: Any, design: str) -> Factor:
    key = f"factors.{name}"
    if not isinstance(spec, Mapping):
        raise ConfigError(f"{key} = {excerpt(spec)}: expected a table such as "
                          "{ low = 0, high = 1 } or { values = [...] }")
    for k in spec:
        if k not in ("low", "high", "values"):
            raise _unknown(f"key in {key}", k, ("low", "high", "values"))
    if model == "ishigami":
        from sim.testmodels import ISHIGAMI_FACTORS

        if name not in ISHIGAMI_FACTORS:
            raise _unknown("ishigami input", name, ISHIGAMI_FACTORS)
        t = ISHIGAMI_FACTORS[name]
        decl_low, decl_high, dtype, kind, group, unit = t.low, t.high, "float", "input", "", ""

        def check(v):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ConfigError(f"{key}: {excerpt(v)} is not a finite number")
            if not decl_low <= v <= decl_high:
                raise ConfigError(f"{key}: {v} is out of range: allowed [{decl_low}, "
                                  f"{decl_high}]")
            return float(v)
    else:
        try:
            p = resolve_key(name)
        except ConfigError as exc:
            raise ConfigError(f"factors: {exc}") from None
        if name != p.name:
            raise ConfigError(f"factors.{name}: use the short name {p.name!r}")
        if p.section == "run":
            raise ConfigError(f"factors.{name}: run parameters cannot be varied (set 'years' "
                              "and 'seed' in the experiment)")
        decl_low, decl_high, kind, group, unit = p.low, p.high, p.kind, p.group, p.unit
        dtype = p.dtype.__name__

        def check(v):
            try:
                return p.check(v)
            except ConfigError as exc:
                raise ConfigError(f"{key}: {exc}") from None

    if "values" in spec:
        if design != "grid":
            raise ConfigError(f"{key}.values: only grid designs list values (design is "
                              f"{excerpt(design)}); give low and high instead")
        if "low" in spec or "high" in spec:
            raise ConfigError(f"{key}: give either values or low/high, not both")
        values = spec["values"]
        if not isinstance(values, list) or not values:
            raise ConfigError(f"{key}.values = {excerpt(values)}: expected a non-empty list")
        checked = tuple(check(v) for v in values)
        if len(set(checked)) != len(checked):
            raise ConfigError(f"{key}.values = {excerpt(values)}: values repeat")
        low, high = (min(checked), max(checked)) if dtype != "bool" else (0.0, 1.0)
        return Factor(name, kind, group, float(low), float(high), checked, dtype, unit)
    if design == "grid":
        raise ConfigError(f"{key}: a grid design needs values = [...]")
    if dtype == "bool":
        raise ConfigError(f"{key}: a true/false parameter can only be varied in a grid design")
    low = check(spec.get("low", decl_low))
    high = check(spec.get("high", decl_high))
    if not low < high:
        raise ConfigError(f"{key}: low = {low} must be below high = {high}")
    return Factor(name, kind, group, float(low), float(high), None, dtype, unit)


def _ofat_centres(model: str, centres: Any) -> list[str]:
    """Check ``[ofat] centres``: a non-empty list of distinct policy package names."""
    if model != "cooperation":
        raise ConfigError("ofat: the one-factor design centres on policy packages, which need "
                          "model = 'cooperation'")
    from sim.policies import PACKAGES

    if not isinstance(centres, list) or not centres:
        raise ConfigError(f"ofat.centres = {centres!r}: expected a non-empty list of policy "
                          f"packages ({', '.join(PACKAGES)})")
    for c in centres:
        if not isinstance(c, str) or c not in PACKAGES:
            raise _unknown("ofat centre", str(c), PACKAGES)
    if len(set(centres)) != len(centres):
        raise ConfigError(f"ofat.centres = {centres!r}: names repeat")
    return list(centres)


def check_analysis(analysis: Mapping[str, Any], *, design: str, outputs: tuple[str, ...],
                   scenarios: tuple[str, ...], options: Mapping[str, Any], seed: int) -> None:
    """Validate an experiment's ``[analysis]`` table before any run starts.

    The values are checked by the same code ``ieisim analyze`` uses
    (:func:`sim.analysis.settings.settings_from`, :func:`sim.analysis.discovery.split_target`),
    and against the experiment: every target names one of its outputs, ``baseline`` is one of
    its scenarios, ``groups = true`` has a grouped sample to read.

    Raises:
        ConfigError: one line naming the key and value.

    """
    if not analysis:
        return
    from sim.analysis.discovery import named_outputs, split_target
    from sim.analysis.settings import settings_from

    try:
        settings_from({"experiment": {"analysis": {k: v for k, v in analysis.items()
                                                   if k != "targets"},
                                      "options": dict(options)}, "seed": seed})
    except ConfigError as exc:
        text = shorten(str(exc), MESSAGE_CHARS)  # settings_from may repeat a huge value
        raise ConfigError(text if text.startswith("[analysis]") else f"[analysis] {text}") \
            from None
    targets = analysis.get("targets", {})
    if not isinstance(targets, Mapping):
        raise ConfigError(f"[analysis] targets = {excerpt(targets)}: expected a table such as "
                          "{ joint_rd_per_100_firms = \">= 5\" }")
    for name, text in targets.items():
        key = f"[analysis] targets.{shorten(name)}"
        if name not in outputs:
            raise ConfigError(f"{key}: not an output of this experiment (outputs: "
                              f"{', '.join(outputs)})")
        if not isinstance(text, str):
            raise ConfigError(f"{key} = {excerpt(text)}: expected text such as \">= 5\"")
        try:
            named, _ = split_target(text)
            others = named_outputs(text)
        except ConfigError:
            raise ConfigError(f"{key} = {excerpt(text)}: expected a comparison and a number, "
                              "such as \">= 5\" or \"< 0.2\", optionally with \"and "
                              "OUTPUT <= NUMBER\" conditions") from None
        if named is not None and named != name:
            raise ConfigError(f"{key} = {excerpt(text)}: names another output ({named})")
        for other in others:
            if other not in outputs:
                raise ConfigError(f"{key} = {excerpt(text)}: {other!r} is not an output of "
                                  f"this experiment (outputs: {', '.join(outputs)})")
    if analysis.get("groups") is True and design in ("sobol", "morris") and \
            not options.get("groups"):
        raise ConfigError(f"[analysis] groups = true: the {design} sample is not grouped; set "
                          f"groups = true in [{design}] as well")
    for name in analysis.get("willingness_to_pay") or {}:
        if name not in outputs:
            raise ConfigError(f"[analysis] willingness_to_pay.{shorten(name)}: not an output of "
                              f"this experiment (outputs: {', '.join(outputs)})")
    baseline = analysis.get("baseline")
    if baseline is not None:
        if design != "scenarios":
            raise ConfigError(f"[analysis] baseline = {excerpt(baseline)}: only used by the "
                              f"scenarios design (design is {design!r})")
        if baseline not in scenarios:
            raise ConfigError(f"[analysis] baseline = {excerpt(baseline)}: not one of the "
                              f"scenarios ({', '.join(scenarios)})")


def parse_experiment(data: Mapping[str, Any], source_path: str | None = None) -> Experiment:
    """Validate a parsed experiment mapping (see the module docstring for the format)."""
    for key in data:
        if key not in _TOP_KEYS:
            raise _unknown("key", key, _TOP_KEYS)
    if "name" not in data:
        raise ConfigError("name: missing (the results folder is results/<name>)")
    name = _str("name", data["name"])
    if not _NAME_RE.match(name):
        raise ConfigError(f"name = {excerpt(name)}: use letters, digits, '_', '-' or '.' only")
    description = _str("description", data.get("description", ""))
    model = _choice("model", data.get("model", "cooperation"), MODELS)
    if "design" not in data:
        raise ConfigError(f"design: missing (one of {', '.join(DESIGNS)})")
    design = _choice("design", data["design"], DESIGNS)
    replicates = _int("replicates", data.get("replicates", 2 if "uncertainty" in data else 1),
                      1, MAX_REPLICATES)  # with a posterior: seeds per draw, at least 2

    # base scenario(s)
    bases: dict[str, dict[str, Any]] = {}
    scenarios: tuple[str, ...] = ()
    if model == "ishigami":
        for key in ("scenario", "scenarios", "fixed", "years"):
            if key in data:
                raise ConfigError(f"{key}: not used by model 'ishigami'")
        if design == "scenarios":
            raise ConfigError("design = 'scenarios' needs model = 'cooperation'")
        scenario = ""
        seed_default = 1
    else:
        if design == "scenarios":
            if "scenario" in data:
                raise ConfigError("scenario: the scenarios design takes 'scenarios = [...]' "
                                  "instead")
            raw = data.get("scenarios")
            if not isinstance(raw, list) or not raw:
                raise ConfigError(f"scenarios = {excerpt(raw)}: the scenarios design needs a "
                                  "non-empty list of scenario names or files")
            names = []
            for item in raw:
                _str("scenarios", item)
                sname, values = _base_values(item)
                if sname in bases:
                    raise ConfigError(f"scenarios: {excerpt(item)} is listed twice")
                bases[sname] = values
                names.append(sname)
            scenarios = tuple(names)
            scenario = scenarios[0]
        else:
            if "scenarios" in data:
                raise ConfigError(f"scenarios: only used by the scenarios design (design is "
                                  f"{excerpt(design)})")
            scenario, values = _base_values(_str("scenario", data.get("scenario",
                                                                      "status_quo")))
            bases[scenario] = values
        seed_default = bases[scenario]["run.seed"]

    # fixed overrides, checked against every base
    fixed: dict[str, Any] = {}
    raw_fixed = data.get("fixed", {})
    if not isinstance(raw_fixed, Mapping):
        raise ConfigError("fixed: expected a table of parameter = value")
    for key, value in raw_fixed.items():
        try:
            p = resolve_key(key)
        except ConfigError as exc:
            raise ConfigError(f"fixed: {exc}") from None
        if p.section == "run":
            raise ConfigError(f"fixed.{key}: set 'years' and 'seed' in the experiment instead")
        try:
            fixed[p.key] = p.check(value)
        except ConfigError as exc:
            raise ConfigError(f"fixed: {exc}") from None
    for sname, values in bases.items():
        try:
            bases[sname] = dict(Scenario(values, name=sname).with_overrides(fixed).values)
        except ConfigError as exc:
            raise ConfigError(f"fixed on scenario {excerpt(sname)}: {exc}") from None

    # factors
    raw_factors = data.get("factors", {})
    if not isinstance(raw_factors, Mapping):
        raise ConfigError("factors: expected a table of parameter = { low, high } or "
                          "{ values }")
    if design == "scenarios" and raw_factors:
        raise ConfigError("factors: the scenarios design compares whole scenario files; "
                          "vary parameters with a grid, lhs, sobol or morris design")
    factors = tuple(_factor(model, k, v, design) for k, v in raw_factors.items())
    if design != "scenarios" and not factors:
        raise ConfigError(f"factors: empty design: a {design} design needs at least one "
                          "factor")
    for f in factors:
        full = f.name if model == "ishigami" else BY_NAME[f.name].key
        if full in fixed:
            raise ConfigError(f"factors.{f.name}: also set in [fixed]")

    # design options
    options: dict[str, Any] = {}
    for table in _OPTION_KEYS:
        if table in data and table != design:
            raise ConfigError(f"[{table}]: options of the {table} design, but design is "
                              f"{excerpt(design)}")
    if design in _OPTION_KEYS:
        raw_opt = data.get(design, {})
        if not isinstance(raw_opt, Mapping):
            raise ConfigError(f"[{design}]: expected a table of options")
        for key in raw_opt:
            if key not in _OPTION_KEYS[design]:
                raise _unknown(f"option in [{design}]", key, _OPTION_KEYS[design])
        for key in _REQUIRED_OPTIONS[design]:
            if key not in raw_opt:
                raise ConfigError(f"[{design}] {key}: missing")
        options = {**_OPTION_DEFAULTS.get(design, {}), **raw_opt}
        for key, kind in _OPTION_KEYS[design].items():
            if kind is bool and not isinstance(options[key], bool):
                raise ConfigError(f"{design}.{key} = {excerpt(options[key])}: expected true "
                                  "or false")
        if design == "sobol":
            n = _int("sobol.n", options["n"], 1)
            if n & (n - 1):
                raise ConfigError(f"sobol.n = {n}: must be a power of two (e.g. "
                                  f"{1 << (n.bit_length() - 1)} or {1 << n.bit_length()})")
        elif design == "morris":
            _int("morris.trajectories", options["trajectories"], 2)
            _int("morris.levels", options["levels"], 2)
        elif design == "lhs":
            _int("lhs.samples", options["samples"], 1)
        elif design == "ofat":
            _int("ofat.levels", options["levels"], 2)
            options["centres"] = _ofat_centres(model, options["centres"])

    # horizon, seed, outputs
    years = None
    if model == "cooperation":
        years = data.get("years", bases[scenario]["run.years"])
        try:
            years = BY_NAME["years"].check(years)
        except ConfigError as exc:
            raise ConfigError(f"years: {exc}") from None
    seed = _int("seed", data.get("seed", seed_default), 0, 2**63 - 1)
    known = _model_outputs(model)
    raw_out = data.get("outputs", list(known))
    if not isinstance(raw_out, list) or not raw_out:
        raise ConfigError(f"outputs = {excerpt(raw_out)}: expected a non-empty list of output "
                          "names")
    for o in raw_out:
        if o not in known:
            raise _unknown("output", str(o), known)
    if len(set(raw_out)) != len(raw_out):
        raise ConfigError(f"outputs = {excerpt(raw_out)}: names repeat")
    keep = _choice("keep", data.get("keep", "final"), KEEP)
    every = _int("every", data.get("every", 1), 1)
    if keep == "final" and "every" in data:
        raise ConfigError("every: only used with keep = 'timeseries'")

    analysis = data.get("analysis", {})
    if not isinstance(analysis, Mapping):
        raise ConfigError("analysis: expected a table [analysis]")
    for key in analysis:
        if key not in ANALYSIS_KEYS:
            raise _unknown("analysis key", key, ANALYSIS_KEYS)
    check_analysis(analysis, design=design, outputs=tuple(raw_out), scenarios=scenarios,
                   options=options, seed=seed)

    uncertainty: dict[str, Any] = {}
    if "uncertainty" in data:  # draws x seeds per draw replace the replicates of each point
        from sim.experiment.posterior import check_runs_per_point, parse_uncertainty

        uncertainty = parse_uncertainty(data["uncertainty"], replicates=replicates,
                                        factors=tuple(f.name for f in factors), fixed=fixed,
                                        bases=bases, model=model, seed=seed)
        check_runs_per_point(uncertainty["draws"], replicates, MAX_REPLICATES)
        replicates = uncertainty["draws"] * replicates

    return Experiment(name=name, description=description, model=model, scenario=scenario,
                      design=design, replicates=replicates, years=years, seed=seed,
                      outputs=tuple(raw_out), keep=keep, every=every, factors=factors,
                      fixed=fixed, scenarios=scenarios, options=options, bases=bases,
                      source_path=source_path, analysis=dict(analysis),
                      uncertainty=uncertainty)
