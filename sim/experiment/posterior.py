"""Calibrated posteriors in experiments: read, check and draw from a calibration folder.

An experiment may say::

    [uncertainty]
    posterior = "results/calibrate-status_quo"   # a calibration folder, or a shipped name
    draws = 20                                   # posterior draws (>= 20)

The folder is what ``ieisim calibrate`` writes (the contract this module reads, never
writes): ``posterior.parquet`` holds one column per calibrated parameter, named by its
short name (:data:`sim.params.BY_NAME`), and a ``weight`` column (weights >= 0 summing to 1);
``calibration.json`` holds at least ``params`` (the short names), ``scenario`` and
``model_version``. A bare name is looked up as ``posteriors/<name>/`` among the shipped data
(the repo's ``posteriors/`` or the installed ``sim/posteriors_data/``), like scenarios.

Draws and seeds are crossed: ``draws`` posterior draws (weighted resampling with replacement
from the stream :data:`sim.experiment.seeds.POSTERIOR_STREAM` of the experiment's master
seed, so they depend on the seed and the posterior only) each run with ``replicates`` seeds.
Replicate ``r`` of every design point runs draw ``r // replicates`` with the seed of
replicate ``r`` (:func:`sim.experiment.seeds.replicate_seed`), so every point shares the
same (draw, seed) pairs and common random numbers still pair points; the seeds of different
draws differ, so the variance between draws is calibration uncertainty plus replicate noise
of known size (:mod:`sim.analysis.calibration_uncertainty`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from sim.errors import ConfigError, excerpt

POSTERIOR_FILE = "posterior.parquet"
"""The particles and their weights."""
CALIBRATION_FILE = "calibration.json"
"""The calibration's settings; read here for ``params``, ``scenario`` and ``model_version``."""
WEIGHT = "weight"
"""Column of the particle weights."""
KEYS = ("posterior", "draws", "allow_few")
"""Keys of an experiment's ``[uncertainty]`` table."""
MIN_DRAWS = 20
"""Fewest posterior draws of a study (the issue's floor: fewer give no usable variance
between draws); ``allow_few = true`` lowers it to :data:`FEW_DRAWS` for quick looks."""
FEW_DRAWS = 2
"""Fewest draws with ``allow_few = true`` (two are needed for any variance between draws)."""
MIN_SEEDS = 2
"""Fewest seeds per draw: replicate noise is measured between seeds of one draw."""
DEFAULT_DRAWS = MIN_DRAWS
"""Draws when ``[uncertainty]`` does not say."""
WEIGHT_TOLERANCE = 1e-6
"""How far the weights may sum from 1 (rounding in the writer)."""
SHIPPED = "posteriors"
"""Folder of shipped posteriors in the source tree (``sim/posteriors_data`` when installed)."""


def posteriors_dir() -> Path | None:
    """Folder of the shipped posteriors, or ``None`` when none is shipped."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package.parent / SHIPPED, package / "posteriors_data"):
        if candidate.is_dir():
            return candidate
    return None


def list_posteriors() -> list[str]:
    """Names of the shipped posteriors (folders holding ``posterior.parquet``)."""
    d = posteriors_dir()
    if d is None:
        return []
    return sorted(p.name for p in d.iterdir() if (p / POSTERIOR_FILE).is_file())


def find_posterior(name_or_path: str) -> Path:
    """Resolve a shipped posterior's name or a calibration folder's path.

    A value containing ``/`` or naming an existing path is a path (relative to the current
    folder, like scenario paths); anything else is a shipped name.

    Raises:
        ConfigError: no such folder or name.

    """
    s = str(name_or_path)
    path = Path(s)
    key = "uncertainty.posterior"
    if "/" in s or path.exists():
        if not path.is_dir():
            raise ConfigError(f"{key} = {excerpt(s)}: no such calibration folder")
        return path
    names = list_posteriors()
    if s in names:
        return posteriors_dir() / s  # type: ignore[operator]
    shipped = f"shipped posteriors are {', '.join(names)}" if names else "none is shipped yet"
    raise ConfigError(f"{key} = {excerpt(s)}: not a calibration folder or a shipped posterior "
                      f"({shipped}); give the folder 'ieisim calibrate' wrote")


@dataclass(frozen=True)
class Posterior:
    """A checked posterior: particles (one tuple per row) and their weights.

    Attributes:
        path: the calibration folder.
        params: calibrated parameters (short names), in column order.
        rows: one tuple of values per particle (Python scalars of the declared types).
        weights: particle weights (>= 0, summing to 1).
        scenario: the scenario the calibration fitted.
        model_version: the model version it was fitted with.
        digest: hash of the content (names, values, weights, scenario, model version), not
            of the path: a moved folder keeps its digest, any changed number changes it.

    """

    path: Path
    params: tuple[str, ...]
    rows: tuple[tuple, ...]
    weights: tuple[float, ...]
    scenario: str
    model_version: str
    digest: str


def _bad(path: Path, name: str, what: str) -> ConfigError:
    return ConfigError(f"uncertainty.posterior: {excerpt(str(path / name))}: {what}")


def _read_calibration(path: Path) -> dict[str, Any]:
    file = path / CALIBRATION_FILE
    if not file.is_file():
        raise _bad(path, CALIBRATION_FILE, "missing (not a calibration folder)")
    try:
        info = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(path, CALIBRATION_FILE, f"unreadable ({type(exc).__name__})") from None
    if not isinstance(info, dict):
        raise _bad(path, CALIBRATION_FILE, "expected a JSON object")
    for key in ("params", "scenario", "model_version"):
        if key not in info:
            raise _bad(path, CALIBRATION_FILE, f"no {key!r} key")
    params = info["params"]
    if not isinstance(params, list) or not params or \
            not all(isinstance(p, str) for p in params):
        raise _bad(path, CALIBRATION_FILE, f"params = {excerpt(params)}: expected a list of "
                   "parameter names")
    return info


def load_posterior(source: str | Path) -> Posterior:
    """Read and check a calibration folder (see the module docstring for the contract).

    Raises:
        ConfigError: one line naming the folder and the problem: missing folder or file,
            unreadable Parquet, a column that is not a declared parameter, a run parameter,
            values outside the declared bounds, bad weights, a ``calibration.json`` whose
            ``params`` disagree with the columns, or a model version other than this one.

    """
    import numpy as np
    import pyarrow.parquet as pq

    from sim.params import BY_NAME
    from sim.version import MODEL_VERSION

    path = find_posterior(str(source))
    info = _read_calibration(path)
    file = path / POSTERIOR_FILE
    if not file.is_file():
        raise _bad(path, POSTERIOR_FILE, "missing")
    try:
        table = pq.read_table(file)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is bad input
        raise _bad(path, POSTERIOR_FILE, f"not a readable Parquet file "
                   f"({type(exc).__name__})") from None
    columns = list(table.column_names)
    if WEIGHT not in columns:
        raise _bad(path, POSTERIOR_FILE, f"no {WEIGHT!r} column")
    params = [c for c in columns if c != WEIGHT]
    for name in params:
        p = BY_NAME.get(name)
        if p is None:
            raise ConfigError(f"uncertainty.posterior: parameter {excerpt(name)} in "
                              f"{excerpt(str(file))} is not a declared parameter (ieisim params)")
        if p.section == "run":
            raise ConfigError(f"uncertainty.posterior: {name} is a run parameter and cannot be "
                              "calibrated")
        if p.dtype is bool:
            raise ConfigError(f"uncertainty.posterior: {name} is true/false; a posterior holds "
                              "numeric parameters")
    if not params:
        raise _bad(path, POSTERIOR_FILE, "no parameter column")
    if sorted(info["params"]) != sorted(params):
        raise ConfigError(f"uncertainty.posterior: {CALIBRATION_FILE} lists params "
                          f"{excerpt(info['params'])} but {POSTERIOR_FILE} has columns "
                          f"{excerpt(params)}")
    if str(info["model_version"]) != MODEL_VERSION:
        raise ConfigError(f"uncertainty.posterior: {excerpt(str(path))} was calibrated with "
                          f"model version {excerpt(str(info['model_version']))}; this is "
                          f"version {MODEL_VERSION}: calibrate again")
    if table.num_rows == 0:
        raise _bad(path, POSTERIOR_FILE, "no particles")
    try:
        w = np.asarray(table.column(WEIGHT).to_numpy(zero_copy_only=False), dtype=float)
    except (TypeError, ValueError):
        raise _bad(path, POSTERIOR_FILE, "weights are not numbers") from None
    if not np.isfinite(w).all() or (w < 0).any():
        raise _bad(path, POSTERIOR_FILE, "weights must be finite and >= 0")
    if abs(float(w.sum()) - 1.0) > WEIGHT_TOLERANCE:
        raise _bad(path, POSTERIOR_FILE, f"weights sum to {float(w.sum()):.6g}, not 1")
    values = []
    for name in params:
        p = BY_NAME[name]
        try:
            col = np.asarray(table.column(name).to_numpy(zero_copy_only=False), dtype=float)
        except (TypeError, ValueError):
            raise _bad(path, POSTERIOR_FILE, f"column {name}: not numbers") from None
        bad = ~np.isfinite(col) | (col < p.low) | (col > p.high)
        if p.dtype is int:
            bad |= col != np.round(col)
        if bad.any():
            v = col[np.argmax(bad)]
            raise ConfigError(f"uncertainty.posterior: {name} = {v:g} in {excerpt(str(file))} "
                              f"is outside the declared range [{p.low:g}, {p.high:g}] {p.unit}")
        values.append([p.dtype(x) for x in col.tolist()])
    rows = tuple(zip(*values, strict=True))
    h = hashlib.sha256()
    h.update(json.dumps({"params": params, "scenario": str(info["scenario"]),
                         "model_version": str(info["model_version"])}).encode())
    h.update(np.asarray(rows, dtype=float).tobytes())
    h.update(w.astype(float).tobytes())
    return Posterior(path, tuple(params), rows, tuple(float(x) for x in w),
                     str(info["scenario"]), str(info["model_version"]), h.hexdigest()[:16])


def draw_rows(posterior: Posterior, draws: int, master: int) -> list[int]:
    """Which particle each draw is: weighted resampling with replacement.

    Uses :func:`sim.experiment.seeds.posterior_rng` of the master seed, so the draws depend
    only on the seed and the posterior (not on the design, the levers or the workers).
    """
    import numpy as np

    from sim.experiment.seeds import posterior_rng

    w = np.asarray(posterior.weights, dtype=float)
    picks = posterior_rng(master).choice(len(w), size=draws, replace=True, p=w / w.sum())
    return [int(i) for i in picks]


def parse_uncertainty(table: Any, *, replicates: int, factors: tuple[str, ...],
                      fixed: Mapping[str, Any], bases: Mapping[str, Mapping[str, Any]],
                      model: str, seed: int) -> dict[str, Any]:
    """Check an experiment's ``[uncertainty]`` table and resolve its draws.

    Args:
        table: the parsed table.
        replicates: the experiment's ``replicates`` (seeds per draw here).
        factors: the varied factors' short names.
        fixed: the ``[fixed]`` overrides (dotted keys).
        bases: base scenario name -> resolved values (dotted keys).
        model: the experiment's model.
        seed: the master seed.

    Returns:
        The resolved block stored in the experiment (and its manifest): ``posterior`` (as
        given), ``digest``, ``params``, ``scenario`` and ``model_version`` of the
        calibration, ``draws``, ``seeds_per_draw``, ``rows`` (particle of each draw) and
        ``values`` (per draw: parameter -> value).

    Raises:
        ConfigError: one line naming the key and the problem.

    """
    from sim.params import BY_NAME

    if not isinstance(table, Mapping):
        raise ConfigError("uncertainty: expected a table [uncertainty] with posterior and draws")
    for key in table:
        if key not in KEYS:
            raise ConfigError(f"uncertainty: unknown key {excerpt(key)}: allowed are "
                              f"{', '.join(KEYS)}")
    if model != "cooperation":
        raise ConfigError(f"uncertainty: a calibrated posterior needs model = 'cooperation' "
                          f"(model is {model!r})")
    if "posterior" not in table:
        raise ConfigError("uncertainty.posterior: missing (a calibration folder or a shipped "
                          "posterior name)")
    source = table["posterior"]
    if not isinstance(source, str) or not source:
        raise ConfigError(f"uncertainty.posterior = {excerpt(source)}: expected a folder or name")
    allow_few = table.get("allow_few", False)
    if not isinstance(allow_few, bool):
        raise ConfigError(f"uncertainty.allow_few = {excerpt(allow_few)}: expected true or "
                          "false")
    floor = FEW_DRAWS if allow_few else MIN_DRAWS
    draws = table.get("draws", DEFAULT_DRAWS)
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < floor:
        extra = "" if allow_few else " (allow_few = true accepts 2 or more for a quick look)"
        raise ConfigError(f"uncertainty.draws = {excerpt(draws)}: expected a whole number >= "
                          f"{floor}{extra}")
    if replicates < MIN_SEEDS:
        raise ConfigError(f"replicates = {replicates}: with [uncertainty] each posterior draw "
                          f"runs with 'replicates' seeds, at least {MIN_SEEDS} (replicate "
                          "noise is measured between the seeds of one draw)")
    post = load_posterior(source)
    for name in post.params:
        if name in factors:
            raise ConfigError(f"uncertainty.posterior: {name} is calibrated in the posterior "
                              f"and also a factor of this experiment: vary it or draw it, not "
                              "both")
        if BY_NAME[name].key in fixed:
            raise ConfigError(f"uncertainty.posterior: {name} is calibrated in the posterior "
                              "and also set in [fixed]")
        seen = {values[BY_NAME[name].key] for values in bases.values()}
        if len(seen) > 1:
            raise ConfigError(f"uncertainty.posterior: {name} differs between the scenarios "
                              f"compared ({', '.join(bases)}); drawing it from the posterior "
                              "would erase that difference")
    rows = draw_rows(post, draws, seed)
    return {"posterior": source, "digest": post.digest, "params": list(post.params),
            "scenario": post.scenario, "model_version": post.model_version,
            "draws": draws, "seeds_per_draw": replicates, "allow_few": allow_few,
            "rows": rows, "values": [dict(zip(post.params, post.rows[i], strict=True))
                                     for i in rows]}


def draw_of(uncertainty: Mapping[str, Any], replicate: int) -> int:
    """The posterior draw that replicate ``replicate`` runs (``replicate // seeds_per_draw``)."""
    return int(replicate) // int(uncertainty["seeds_per_draw"])


def with_draw(uncertainty: Mapping[str, Any] | None, replicate: int,
              values: Mapping[str, Any]) -> tuple[int | None, dict[str, Any]]:
    """A run's draw and its values: the point's factor values plus the draw's parameters.

    Without a posterior (``uncertainty`` empty or ``None``) the values pass unchanged and the
    draw is ``None``.
    """
    if not uncertainty:
        return None, dict(values)
    d = draw_of(uncertainty, replicate)
    return d, {**dict(values), **dict(uncertainty["values"][d])}


def check_runs_per_point(draws: int, seeds: int, limit: int) -> None:
    """Refuse more runs per point than ``limit`` (a typo guard, like ``replicates``)."""
    if draws * seeds > limit:
        raise ConfigError(f"uncertainty.draws = {draws} x replicates = {seeds} = "
                          f"{draws * seeds} runs per point, more than {limit}")


def digest_part(uncertainty: Mapping[str, Any]) -> dict[str, Any]:
    """What of the block enters the experiment digest: everything but where the folder is."""
    return {k: v for k, v in uncertainty.items() if k != "posterior"}


__all__ = ["CALIBRATION_FILE", "KEYS", "MIN_DRAWS", "MIN_SEEDS", "POSTERIOR_FILE", "Posterior",
           "WEIGHT", "check_runs_per_point", "digest_part", "draw_of", "draw_rows",
           "find_posterior", "list_posteriors", "load_posterior", "parse_uncertainty",
           "posteriors_dir", "with_draw"]
