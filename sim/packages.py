"""Named policy packages as plain data: lever name -> value, declared once.

Data only (no imports from ieisim), so that scenario loading (:mod:`sim.params`) and the
policy helpers (:mod:`sim.policies`) can both use it without an import cycle. The full
reform package follows the paper's implementation paths (section 4): dynamic adjustment of
majors (4.1), apprenticeships with credit conversion (4.2), industry professors and teacher
practice (4.3), consortia and shared training bases (4.4) and evaluation reform (4.3, 4.5).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping

_FISCAL = {"intern_subsidy": 4.0, "tax_credit": 0.5, "rd_cofunding": 0.3}
_EVALUATION = {"teacher_practice_weight": 0.5, "contribution_evaluation": 0.5,
               "major_adjustment_rate": 0.25}
_PLATFORMS = {"consortium_strength": 0.7, "shared_base_investment": 10.0}
_TEACHERS = {"teacher_practice_requirement": 0.1, "industry_professor_quota": 0.15}
_RETENTION = {"retention_support": 0.5, "credit_conversion": 0.6}

PACKAGES: Mapping[str, Mapping[str, Any]] = MappingProxyType({
    "status_quo": MappingProxyType({}),
    "subsidies_only": MappingProxyType(dict(_FISCAL)),
    "evaluation_reform": MappingProxyType(dict(_EVALUATION)),
    "platforms_only": MappingProxyType(dict(_PLATFORMS)),
    "teachers_only": MappingProxyType(dict(_TEACHERS)),
    "retention_only": MappingProxyType(dict(_RETENTION)),
    "reform_package": MappingProxyType({**_FISCAL, **_EVALUATION, **_PLATFORMS, **_TEACHERS,
                                        **_RETENTION}),
})
"""Policy packages by name: lever name -> value (levers not named keep the status quo)."""

PACKAGE_LABELS: Mapping[str, tuple[str, str]] = MappingProxyType({
    "status_quo": ("Status quo", "现状"),
    "subsidies_only": ("Subsidies only", "仅财政补贴"),
    "evaluation_reform": ("Evaluation reform only", "仅评价改革"),
    "platforms_only": ("Platforms only", "仅平台建设"),
    "teachers_only": ("Teachers only", "仅师资建设"),
    "retention_only": ("Retention only", "仅人才留用"),
    "reform_package": ("Full reform package", "全面改革组合"),
})
"""Display labels (English, Chinese) of each package."""
