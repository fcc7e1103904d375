"""One-click policy presets: the packages of ``sim.policies``, never redeclared here."""

from __future__ import annotations

from typing import Any, Callable

import solara

from sim.app.text import pick, tr
from sim.policies import PACKAGE_LABELS, PACKAGES, package_levers

BASELINE = "status_quo"
"""The package the side-by-side mode compares against."""


def preset_names() -> tuple[str, ...]:
    """Every policy package, in declaration order (status quo first)."""
    return tuple(PACKAGES)


def preset_label(name: str, lang: str) -> str:
    """Display label of package ``name`` in ``lang``."""
    return pick(PACKAGE_LABELS[name], lang)


def preset_levers(name: str) -> dict[str, Any]:
    """All twelve lever values of package ``name``."""
    return package_levers(name)


def matching_preset(levers: dict[str, Any]) -> str | None:
    """The package whose lever values equal ``levers``, or None for a custom policy."""
    for name in PACKAGES:
        if package_levers(name) == levers:
            return name
    return None


@solara.component
def PresetButtons(active: str | None, on_preset: Callable[[str], None], lang: str):
    """A button per package; the active one is filled, the others outlined."""
    solara.Text(tr("presets", lang), style={"font-weight": "bold"})
    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
        for name in preset_names():
            solara.Button(preset_label(name, lang), on_click=lambda n=name: on_preset(n),
                          color="primary", outlined=name != active, small=True,
                          classes=[f"ieisim-preset-{name}"])
