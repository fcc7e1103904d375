"""The model's version: which model produced a stored result, and what its columns mean.

``MODEL_VERSION`` is written into every run manifest (``ieisim run``), every sweep manifest
(``ieisim sweep``) and the experiment digest. A stored result whose manifest has no
``model_version`` field was made by version ``"1"`` (:data:`LEGACY_MODEL_VERSION`).

Results of different model versions are never mixed: resuming a sweep or ``ieisim rerun``
across versions is refused, and ``ieisim analyze`` on an older sweep analyses only the output
columns whose meaning did not change since (:func:`changed_columns`) and names the others.
The meaning of every output column per version is written out in ``docs/schema.md``; a test
checks that it lists every column named here.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Iterable, Mapping

MODEL_VERSION = "4"
"""Version of the cooperation model in this source tree (bump it when a column's meaning
changes, and record the change in :data:`COLUMN_CHANGES` and ``docs/schema.md``)."""
LEGACY_MODEL_VERSION = "1"
"""What a manifest without a ``model_version`` field means: the first model."""
VERSIONS = ("1", "2", "3", "4")
"""Every model version in order (oldest first)."""

COLUMN_CHANGES: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "2": MappingProxyType({
        "share_joint_rd": "share of active ties whose deepest activity is joint R&D or "
                          "technical service (version 1: joint R&D on a sequential ladder)",
        "mean_rung": "mean deepest activity of active ties, technical service counting as "
                     "joint R&D (version 1: mean rung of a sequential ladder)",
        "college_willingness": "share of feasible changes of a tie's activities the college "
                               "accepted (version 1: of feasible one-rung upgrades on a "
                               "sequential ladder)",
        "enterprise_willingness": "share of feasible changes of a tie's activities the "
                                  "enterprise accepted (version 1: of feasible one-rung "
                                  "upgrades on a sequential ladder)",
        "willingness_gap": "college minus enterprise willingness, both as redefined in "
                           "version 2",
        "public_cost": "money actually paid in the year, CNY million (version 1: the step's "
                       "payments annualised by the step length, about 3% high)",
        "subsidy_deadweight_share": "share of fiscal payments going to ties that pay off for "
                                    "the firm without them, with the tax credit as an offset "
                                    "against the education surcharges due (version 1: a "
                                    "credit on gross apprentice cost)",
    }),
    "3": MappingProxyType({
        "joint_rd_per_100_firms": "ties holding joint R&D per 100 real firms of the region "
                                  "(version 2: per 100 firm agents)",
        "enterprise_participation": "share of the region's real firms with at least one "
                                    "active tie (version 2: share of firm agents)",
        "n_ties": "active ties, each between a college and one real firm (version 2: ties "
                  "with firm agents, an agent counted as one firm whatever it stood for)",
        **{f"rd_ties_per_100_firms_{c}": f"joint R&D ties per 100 real {c} firms (version 2: "
                                          f"per 100 {c} firm agents)"
           for c in ("micro", "small", "medium", "large")},
        **{f"{kind}_{c}": f"{what} over the category's real firms (version 2: over its firm "
                           f"agents)"
           for kind, what in (("enterprise_participation", "participation"),
                              ("rd_ties_per_100_firms", "joint R&D ties per 100 firms"))
           for c in ("private", "state", "foreign", "traditional_manufacturing",
                     "advanced_manufacturing", "digital_economy", "green_energy",
                     "logistics_services", "city1", "city2", "city3")},
        **{f"enterprise_participation_{c}": f"participation of {c} real firms (version 2: of "
                                             f"{c} firm agents)"
           for c in ("micro", "small", "medium", "large")},
        **{f"{kind}_{t}": f"{what} per {t.replace('_', ' ')} college, each tie with one real "
                           f"firm (version 2: ties with firm agents)"
           for kind, what in (("ties_per_college", "active ties"),
                              ("rd_ties_per_college", "joint R&D ties"))
           for t in ("ordinary", "double_high")},
    }),
    # Version 4 changed mechanisms (interns and apprentices chosen apart, trainees'
    # realised productivity, the host ledger as a short-term cash flow) and so every value,
    # but no output column's meaning: resume and rerun across it are refused, analysis
    # keeps every column.
    "4": MappingProxyType({}),
})
"""Version -> output column -> its new meaning, for every column whose meaning changed in
that version (values may move between versions for any column; only these mean something
else)."""

ROW_CHANGES: Mapping[str, str] = MappingProxyType({
    "2": "the time series starts with a step-0 row, the initial state",
})
"""Version -> change in which rows a run's time series holds."""


VERSIONED_MODELS = ("cooperation",)
"""Models the version describes (a sweep's ``model``; a run manifest is always one of these).
Test functions such as ``ishigami`` never change meaning: their sweeps are not checked."""


def manifest_version(manifest: Mapping[str, Any]) -> str:
    """The model version a stored manifest declares (``"1"`` if it has none).

    A sweep of a test function (not in :data:`VERSIONED_MODELS`) is always current.
    """
    if manifest.get("model", VERSIONED_MODELS[0]) not in VERSIONED_MODELS:
        return MODEL_VERSION
    return str(manifest.get("model_version", LEGACY_MODEL_VERSION))


def changed_columns(old: str, new: str = MODEL_VERSION) -> dict[str, str]:
    """Columns whose meaning changed after version ``old`` up to ``new``: name -> new meaning.

    Empty when ``old == new``. Versions not in :data:`VERSIONS` are treated as unknown: every
    column named in any change counts as changed.
    """
    if old == new:
        return {}
    if old not in VERSIONS or new not in VERSIONS:
        return {c: m for ch in COLUMN_CHANGES.values() for c, m in ch.items()}
    lo, hi = sorted((VERSIONS.index(old), VERSIONS.index(new)))
    out: dict[str, str] = {}
    for v in VERSIONS[lo + 1:hi + 1]:
        out.update(COLUMN_CHANGES.get(v, {}))
    return out


def check_same_version(manifest: Mapping[str, Any], what: str, hint: str = "") -> None:
    """Refuse to add to or repeat a stored result made by another model version.

    Args:
        manifest: the stored result's manifest.
        what: the action and folder, for the message (e.g. ``"resume results/demo"``).
        hint: what to do instead, appended to the message.

    Raises:
        UsageError: the manifest's model version is not :data:`MODEL_VERSION`.

    """
    from sim.errors import UsageError, excerpt

    stored = manifest_version(manifest)
    if stored != MODEL_VERSION:
        raise UsageError(f"cannot {what}: it was made by model version {excerpt(stored)} and "
                         f"this is model version {MODEL_VERSION!r}; results of different "
                         f"model versions are not mixed (see docs/schema.md){hint}")


def package_versions(packages: Iterable[str]) -> dict[str, str]:
    """Python's version and each installed distribution's (``"not installed"`` if absent).

    What a sweep or calibration manifest records beside ``model_version``.
    """
    import platform
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in packages:
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out
