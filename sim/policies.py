"""Named policy packages, used by scenarios, experiments and the classroom app.

The packages are declared once, as data, in :mod:`sim.packages` (re-exported here); this
module applies them to scenarios.
"""

from __future__ import annotations

from typing import Any

from sim.packages import PACKAGE_LABELS, PACKAGES
from sim.params import Scenario, load_scenario, package_overrides

__all__ = ["PACKAGES", "PACKAGE_LABELS", "apply_package", "package_levers"]


def package_levers(name: str) -> dict[str, Any]:
    """All twelve lever values of a package (status-quo defaults filled in)."""
    return {k.split(".", 1)[1]: v for k, v in package_overrides(name).items()}


def apply_package(scenario: Scenario | str | None, name: str) -> Scenario:
    """Return ``scenario`` with the policy levers of package ``name`` (others at status quo)."""
    base = load_scenario(scenario)
    return base.with_overrides({f"policy.{k}": v for k, v in package_levers(name).items()})
