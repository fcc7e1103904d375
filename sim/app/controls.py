"""The page's inputs, generated from the parameter declarations in ``sim.params``.

A slider's label, unit, bounds and default come from its lever's :class:`~sim.params.Param`;
this module only decides which levers are in front of the class (``MAIN_LEVERS``, at most
six, one per lever group plus R&D co-funding) and which sit under "advanced".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import solara

from sim import units
from sim.app.text import LANGUAGES, tr
from sim.params import BY_NAME, LEVERS, Param

MAX_MAIN_LEVERS = 6
"""At most this many sliders are shown in front of the class (issue 6)."""
MAIN_LEVERS: tuple[str, ...] = (
    "intern_subsidy",           # fiscal
    "rd_cofunding",             # fiscal, the top rung
    "retention_support",        # retention
    "teacher_practice_weight",  # evaluation
    "industry_professor_quota",  # teachers
    "consortium_strength",      # platforms
)
"""The levers in front of the class; every other lever is under "advanced"."""
SLIDER_STEPS = 100
"""A float slider has at least this many steps over its declared range."""

GRID_DECIMALS = 10
"""Slider values are rounded to this many decimals (removes float noise such as 0.30000004)."""

if len(MAIN_LEVERS) > MAX_MAIN_LEVERS or not set(MAIN_LEVERS) <= set(BY_NAME):
    raise RuntimeError("MAIN_LEVERS must name at most six declared levers")


@dataclass(frozen=True)
class SliderSpec:
    """What a slider needs, derived from one declaration."""

    param: Param

    @property
    def name(self) -> str:
        """The lever's short name (key of the lever dict)."""
        return self.param.name

    @property
    def is_int(self) -> bool:
        """Whether the lever takes whole numbers."""
        return self.param.dtype is int

    @property
    def step(self) -> float:
        """Slider increment: 1 for whole numbers, else a round step.

        The largest 1, 2 or 5 times a power of ten that divides the range into at least
        SLIDER_STEPS steps, so round values (defaults, packages) lie on the slider's grid.
        """
        if self.is_int:
            return 1
        raw = (self.param.high - self.param.low) / SLIDER_STEPS
        power = 10.0 ** math.floor(math.log10(raw))
        return max(m * power for m in (1, 2, 5) if m * power <= raw * (1 + 1e-9))

    def label(self, lang: str) -> str:
        """Plain-words label in ``lang``."""
        return self.param.label if lang == LANGUAGES[0] else self.param.label_zh

    def help(self, lang: str) -> str:
        """What the lever does, in ``lang`` (English if no Chinese help is declared)."""
        if lang != LANGUAGES[0] and self.param.help_zh:
            return self.param.help_zh
        return self.param.help

    def clip(self, value: float) -> Any:
        """``value`` snapped into the declared bounds and type (slider float noise removed)."""
        value = min(max(value, self.param.low), self.param.high)
        if self.is_int:
            return int(round(value))
        return round(float(value), GRID_DECIMALS)


def main_sliders() -> list[SliderSpec]:
    """The sliders in front of the class, in ``MAIN_LEVERS`` order."""
    return [SliderSpec(BY_NAME[name]) for name in MAIN_LEVERS]


def advanced_sliders() -> list[SliderSpec]:
    """The other levers, in declaration order."""
    return [SliderSpec(p) for p in LEVERS if p.name not in MAIN_LEVERS]


def format_value(spec: SliderSpec, value: Any, lang: str = "en") -> str:
    """``value`` with its unit (in ``lang``), for the caption under a slider."""
    return f"{value:g} {units.unit_text(spec.param.unit, lang)}"


@solara.component
def LeverSlider(spec: SliderSpec, value: Any, on_value: Callable[[Any], None], lang: str):
    """One lever: its label, a slider within the declared bounds, and value with unit."""
    with solara.Column(gap="0px", classes=["ieisim-lever", f"ieisim-lever-{spec.name}"]):
        solara.Text(spec.label(lang), style={"font-size": "0.95em"})
        cls = solara.SliderInt if spec.is_int else solara.SliderFloat
        cls("", value=value, min=spec.param.low, max=spec.param.high, step=spec.step,
            on_value=lambda v: on_value(spec.clip(v)), thumb_label=False)
        solara.Text(format_value(spec, value, lang), style={"font-size": "0.8em", "opacity": "0.7"})


@solara.component
def LeverPanel(levers: dict[str, Any], on_lever: Callable[[str, Any], None], lang: str):
    """The six main sliders in front and the rest in an "advanced" expansion panel."""
    for spec in main_sliders():
        LeverSlider(spec, levers[spec.name], lambda v, n=spec.name: on_lever(n, v), lang)
    with solara.Details(summary=tr("advanced", lang)):
        for spec in advanced_sliders():
            LeverSlider(spec, levers[spec.name], lambda v, n=spec.name: on_lever(n, v), lang)


def seed_bounds() -> tuple[int, int]:
    """Admissible seeds, from the ``run.seed`` declaration."""
    p = BY_NAME["seed"]
    return int(p.low), int(p.high)


@solara.component
def SeedInput(seed: int, on_seed: Callable[[int], None], lang: str):
    """Seed control; out-of-range or empty input is ignored (the last valid seed stays)."""
    low, high = seed_bounds()

    def accept(value):
        if value is not None and low <= value <= high:
            on_seed(int(value))

    solara.InputInt(tr("seed", lang), value=seed, on_value=accept, continuous_update=True,
                    classes=["ieisim-seed"])
