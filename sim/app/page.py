"""The classroom page: controls on the left, live charts and the network on the right.

``Page`` is the Solara entry point (``solara run sim.app.page``; ``ieisim app`` does that).
It follows Mesa's SolaraViz pattern (Reset / Play / Step controller, parameter sliders,
model components re-rendered after each step) but builds its own controller, because the
classroom needs what ``SolaraViz`` cannot do: bilingual labels on every control, presets
that set the sliders, and two models (policy and status-quo twin) stepped together.

Every browser session builds its own :class:`~sim.app.session.ClassroomSession` with
``solara.use_memo`` inside the component, so sessions never share a model. As in SolaraViz,
slider and seed changes apply on Reset; a preset applies at once.
"""

from __future__ import annotations

import os
import time
from typing import Any

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")

import markdown  # noqa: E402  (after the telemetry switch)
import solara  # noqa: E402
import solara.lab  # noqa: E402

from sim import units  # noqa: E402
from sim.app.charts import ChartBoard  # noqa: E402
from sim.app.controls import LeverPanel, SeedInput, SliderSpec  # noqa: E402
from sim.app.network_view import NetworkBoard  # noqa: E402
from sim.app.presets import PresetButtons, matching_preset, preset_label, preset_levers  # noqa: E402,E501
from sim.app.readout import readout_html, readout_rows  # noqa: E402
from sim.app.session import ClassroomSession  # noqa: E402
from sim.app.text import LANGUAGE_NAMES, LANGUAGES, explanation, tr  # noqa: E402
from sim.params import LEVERS  # noqa: E402

PLAY_INTERVAL_S = 0.4
"""Pause between steps while playing (seconds): slow enough for a class to follow."""
SIDEBAR_WIDTH = "380px"
READOUT_STYLE = "font-size: 0.85em; overflow-x: auto"


def network_title(role: str, compare: bool, lang: str) -> str:
    """Title of a network panel (which run it shows, in side-by-side mode)."""
    return tr("network", lang) + (f" · {tr(role, lang)}" if compare else "")


@solara.component
def Controller(year: float, horizon: int, can_step: bool, playing: solara.Reactive[bool],
               on_step, on_reset, lang: str):
    """Reset, Play/Pause and Step buttons and the year counter."""
    with solara.Row(gap="6px"):
        solara.Button(tr("reset", lang), on_click=on_reset, color="primary",
                      classes=["ieisim-reset"])
        solara.Button(tr("pause", lang) if playing.value else tr("play", lang),
                      on_click=lambda: playing.set(not playing.value), color="primary",
                      disabled=not can_step, classes=["ieisim-play"])
        solara.Button(tr("step", lang), on_click=on_step, color="primary",
                      disabled=playing.value or not can_step, classes=["ieisim-step"])
    solara.Text(tr("year", lang, year=year, horizon=horizon),
                classes=["ieisim-year"], style={"font-size": "1.6em", "font-weight": "bold"})
    if not can_step:
        solara.Text(tr("horizon_reached", lang))


@solara.component
def Prose(md_text: str, classes: list[str] | None = None):
    """Our own Markdown as static HTML.

    Unlike ``solara.Markdown`` it loads no mermaid or KaTeX scripts into the browser (the
    page's text needs neither).
    """
    solara.HTML(tag="div", unsafe_innerHTML=markdown.markdown(md_text),
                classes=["ieisim-prose", *(classes or [])], style="font-size: 0.9em")


@solara.component
def RunningPolicy(applied: dict[str, Any], seed: int, lang: str):
    """The lever values read back from the running model, and its seed."""
    name = matching_preset(applied)
    head = preset_label(name, lang) if name else tr("custom", lang)
    with solara.Column(classes=["ieisim-running-panel"]), solara.Details(
            summary=f"{tr('running_policy', lang)}: {head} ({tr('seed_label', lang)} {seed})"):
        lines = [f"- {SliderSpec(p).label(lang)}: **{applied[p.name]:g}** "
                 f"{units.unit_text(p.unit, lang)}"
                 for p in LEVERS]
        Prose("\n".join(lines), classes=["ieisim-running"])


@solara.component
def LeverHelp(lang: str):
    """What each lever does, from the declarations' help texts."""
    with solara.Details(summary=tr("lever_help", lang)):
        lines = [f"- **{SliderSpec(p).label(lang)}** ({units.unit_text(p.unit, lang)}): "
                 f"{SliderSpec(p).help(lang)}"
                 for p in LEVERS]
        Prose("\n".join(lines))


@solara.component
def Page():
    """The classroom page; one :class:`ClassroomSession` per browser session."""
    session = solara.use_memo(ClassroomSession, [])
    lang = solara.use_reactive(LANGUAGES[0])
    tick = solara.use_reactive(0)  # bumped after every step or reset: re-renders the views
    levers = solara.use_reactive(dict(session.levers))  # slider values, applied on Reset
    seed = solara.use_reactive(session.seed)
    playing = solara.use_reactive(False)
    compare = solara.use_reactive(session.compare)
    error = solara.use_reactive("")

    def bump() -> None:
        tick.set(tick.value + 1)

    def do_step() -> None:
        if session.step():
            bump()

    def restart(values: dict[str, Any]) -> None:
        playing.set(False)
        try:
            session.reset(values, seed.value, compare.value)
            error.set("")
        except ValueError as exc:  # ConfigError: a value outside its declared bounds
            error.set(str(exc))
        bump()

    def do_preset(name: str) -> None:
        values = preset_levers(name)
        levers.set(values)
        restart(values)

    def do_compare(on: bool) -> None:
        compare.set(on)
        session.set_compare(on)
        bump()

    def play_loop() -> None:
        while playing.value:
            time.sleep(PLAY_INTERVAL_S)
            if not playing.value:
                break
            if not session.step():
                playing.set(False)
                break
            bump()

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    lg = lang.value
    solara.Title(tr("title", lg))
    with solara.Row(justify="space-between", style={"align-items": "center",
                                                     "padding": "4px 12px"}):
        solara.Text(tr("title", lg), style={"font-size": "1.3em", "font-weight": "bold"})
        other = LANGUAGES[(LANGUAGES.index(lg) + 1) % len(LANGUAGES)]
        solara.Button(LANGUAGE_NAMES[other], on_click=lambda: lang.set(other), outlined=True,
                      classes=["ieisim-language"])
    with solara.Row(style={"align-items": "flex-start", "flex-wrap": "nowrap"}):
        with solara.Column(style={"width": SIDEBAR_WIDTH, "min-width": SIDEBAR_WIDTH}):
            with solara.Card(tr("run", lg), margin=0):
                Controller(session.year, session.horizon_years, session.can_step(), playing,
                           do_step, lambda: restart(levers.value), lg)
                solara.Switch(label=tr("compare", lg), value=compare.value,
                              on_value=do_compare, classes=["ieisim-compare"])
            with solara.Card(margin=0):
                PresetButtons(matching_preset(levers.value), do_preset, lg)
            with solara.Card(tr("levers", lg), margin=0):
                LeverPanel(levers.value,
                           lambda name, v: levers.set({**levers.value, name: v}), lg)
                SeedInput(seed.value, seed.set, lg)
                if levers.value != session.levers or seed.value != session.seed:
                    solara.Info(tr("pending", lg), dense=True)
                if error.value:
                    solara.Error(error.value)
        with solara.Column(style={"flex": "1 1 auto", "min-width": "0"}):
            Views(session, tick.value, compare.value, lg)
            with solara.Card(margin=0):
                RunningPolicy(session.applied_levers(), session.seed, lg)
                with solara.Details(summary=tr("explain", lg), expand=True):
                    Prose(explanation(lg))
                LeverHelp(lg)


@solara.component
def Views(session: ClassroomSession, tick: int, compare: bool, lang: str):
    """Charts and network, redrawn only when a step, reset, mode or language changes."""
    key = (session.generation, compare, lang)  # a new model, mode or language: new boards
    chart_board = solara.use_memo(lambda: ChartBoard(compare, session.horizon_years, lang), key)
    network_board = solara.use_memo(lambda: NetworkBoard(
        [(network_title(role, compare, lang), session.layout(model))
         for role, model in session.runs()], lang), key)
    charts = solara.use_memo(lambda: chart_board.render(session.timeseries()), [tick, *key])
    network = solara.use_memo(
        lambda: network_board.render([model.network for _, model in session.runs()]),
        [tick, *key])
    with solara.Card(tr("charts", lang), margin=0):
        solara.Image(charts, width="100%", classes=["ieisim-charts"])
        rows = readout_rows(session.timeseries(), lang)
        solara.Text(tr("readout", lang, year=session.year), style={"font-weight": "bold"})
        solara.HTML(tag="div", unsafe_innerHTML=readout_html(rows), classes=["ieisim-readout"],
                    style=READOUT_STYLE)
    with solara.Card(tr("network", lang), margin=0):
        solara.Image(network, width="100%" if compare else "60%", classes=["ieisim-network"])
        solara.Text(tr("network_caption", lang), style={"font-size": "0.85em"})


__all__ = ["Page"]
