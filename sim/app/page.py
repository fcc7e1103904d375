"""The classroom page: controls on the left, live charts and the network on the right.

``Page`` is the Solara entry point (``solara run sim.app.page``; ``ieisim app`` does that).
It follows Mesa's SolaraViz pattern (Reset / Play / Step controller, parameter sliders,
model components re-rendered after each step) but builds its own controller, because the
classroom needs what ``SolaraViz`` cannot do: bilingual labels on every control, presets
that set the sliders, and two models (policy and status-quo twin) stepped together.

Every browser session builds its own :class:`~sim.app.session.ClassroomSession` with
``solara.use_memo`` inside the component, so sessions never share a model. A slider acts on
the running model from the next step on (a policy shock, marked on the charts); the seed
and the levers that shape the world when it is built apply on Reset; a preset sets every
lever and restarts.
"""

from __future__ import annotations

import html
import os
import time
from typing import Any

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "false")
# Reacton's fast renderer skips the unchanged parts of the page when it re-renders (the
# default walks every element: some 70 ms per step of one page); see benchmarks/bench_app.py
os.environ.setdefault("REACTON_FAST", "1")

import markdown  # noqa: E402  (after the telemetry switch)
import reacton.core  # noqa: E402
import reacton.ipyvuetify as rv  # noqa: E402
import solara  # noqa: E402
import solara.lab  # noqa: E402

from sim import units  # noqa: E402
from sim.app.captions import captions  # noqa: E402
from sim.app.charts import (  # noqa: E402
    CHART_HEIGHT,
    MIN_CHART_WIDTH_PX,
    PolicyMark,
    RunData,
    chart_options,
)
from sim.app.controls import LeverPanel, SeedInput, SliderSpec  # noqa: E402
from sim.app.echart import SvgChart  # noqa: E402
from sim.app.feed import ChartFeed  # noqa: E402
from sim.app.firm_ledger import (  # noqa: E402
    SIZE_CLASSES,
    firm_ledger,
    ledger_option,
    same_terms,
    typical_firm,
)
from sim.app.fonts import FontStyle  # noqa: E402
from sim.app.lifecycle import collect_soon  # noqa: E402
from sim.app.network_view import NETWORK_HEIGHT, network_option, picked_firm  # noqa: E402
from sim.app.pace import PACE  # noqa: E402
from sim.app.presets import PresetButtons, matching_preset, preset_label, preset_levers  # noqa: E402,E501
from sim.app.readout import readout_html, readout_rows  # noqa: E402
from sim.app.session import ClassroomSession  # noqa: E402
from sim.app.teacher import SubmitPanel, TeacherPage, class_board, is_teacher  # noqa: E402
from sim.app.text import LANGUAGE_NAMES, LANGUAGES, explanation, tr  # noqa: E402
from sim.ladder import PayoffTerms  # noqa: E402
from sim.model import BUILD_TIME_LEVERS  # noqa: E402
from sim.params import BY_NAME, LEVERS  # noqa: E402

PLAY_INTERVAL_S = 0.4
"""Time between the starts of two steps while playing (seconds): slow enough for a class to
follow. The step and the wait for its turn come out of it."""
DETAIL_EVERY_YEARS = 1.0
"""While playing, the ledger, network, captions and readout are redrawn once this many
simulated years (the year and the line charts at every step); a Step, Reset or slider
redraws everything at once."""
SIDEBAR_WIDTH = "340px"
READOUT_STYLE = "font-size: 0.95em; overflow-x: auto"
PROJECTOR_SCALE = "125%"
"""Root font size in projector mode (every rem/em-sized text grows with it)."""
CHART_GRID_STYLE = ("display: grid; grid-template-columns: repeat(auto-fit, minmax("
                    f"{MIN_CHART_WIDTH_PX}px, 1fr)); gap: 12px; width: 100%")
WATCH = {"shares_policy_run": "watch_shares", "shares_status_quo_run": "watch_shares",
         "joint_rd": "watch_joint_rd", "participation": "watch_participation",
         "spending": "watch_spending"}
"""The plain-words line shown with each chart panel."""


def change_marks(session: ClassroomSession, lang: str) -> list[PolicyMark]:
    """One labelled mark per step at which levers were moved (the last value of each lever)."""
    by_step: dict[int, dict[str, Any]] = {}
    for change in session.changes:
        by_step.setdefault(change.step, {})[change.lever] = change.new
    per_year = session.base.run.steps_per_year
    return [PolicyMark(step / per_year, "; ".join(
        f"{SliderSpec(BY_NAME[k]).label(lang)} → {v:g}" for k, v in values.items()))
        for step, values in sorted(by_step.items())]


def pending_text(levers: dict[str, Any], seed: int, session: ClassroomSession,
                 lang: str) -> str:
    """What waits for Reset (seed, world-building levers), or an empty string."""
    names = [SliderSpec(BY_NAME[k]).label(lang) for k in BUILD_TIME_LEVERS
             if levers[k] != session.policy.params[k]]
    if seed != session.seed:
        names.insert(0, tr("seed", lang))
    if not names:
        return ""
    return tr("pending", lang, what=(", " if lang == LANGUAGES[0] else "、").join(names))


def network_title(role: str, compare: bool, lang: str) -> str:
    """Title of a network panel (which run it shows, in side-by-side mode)."""
    return tr("network", lang) + (f" · {tr(role, lang)}" if compare else "")


def use_live(feed: ChartFeed, name: str, element) -> None:
    """Let ``feed`` set the traits of ``element``'s widget under ``name`` (text sources)."""
    solara.use_effect(lambda: feed.attach(name, solara.get_widget(element)), [feed, name])


def year_text(session: ClassroomSession, lang: str) -> str:
    """The year counter's text."""
    return tr("year", lang, year=session.year, horizon=session.horizon_years)


@solara.component
def Controller(session: ClassroomSession, tick: solara.Reactive[int],
               playing: solara.Reactive[bool], on_step, on_reset, lang: str,
               feed: ChartFeed):
    """Reset, Play/Pause and Step buttons and the year counter.

    Redrawn after a click; while playing, the year and version arrive through ``feed``.
    """
    version = tick.value  # subscribe: the year changes at every step
    can_step = session.can_step()
    # the version every chart draws when paused (its data-rendered attribute): tests wait
    use_live(feed, "tick", solara.widgets.HTML.element(
        tag="span", unsafe_innerHTML=str(version),
        attributes={"class": "ieisim-tick", "style": "display: none"}))
    feed.text_source("clock", lambda v: {"year": {"children": [year_text(session, lang)]},
                                         "tick": {"unsafe_innerHTML": str(v)}})
    with solara.Row(gap="6px"):
        solara.Button(tr("reset", lang), on_click=on_reset, color="primary",
                      classes=["ieisim-reset"])
        solara.Button(tr("pause", lang) if playing.value else tr("play", lang),
                      on_click=lambda: playing.set(not playing.value), color="primary",
                      disabled=not can_step, classes=["ieisim-play"])
        solara.Button(tr("step", lang), on_click=on_step, color="primary",
                      disabled=playing.value or not can_step, classes=["ieisim-step"])
    use_live(feed, "year", rv.Html(tag="span", class_="ieisim-year",
                                   style_="font-size: 1.6em; font-weight: bold",
                                   children=[year_text(session, lang)]))
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
def RunningPolicy(applied: dict[str, Any], seed: int, lang: str, generation: int = 0):
    """The lever values read back from the running model, and its seed.

    ``generation`` (the session's reset count) makes a Reset redraw it.
    """
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
    """The app: the teacher's class board at ``/?teacher`` (with ``--class``), else a student."""
    router = solara.use_router()
    board = solara.use_memo(class_board, [])
    lang = solara.use_reactive(LANGUAGES[0])
    if board is not None and is_teacher(router.search):
        solara.Title(tr("class_board", lang.value, code=board.class_code))
        FontStyle(False)
        TeacherPage(board, lang.value, lang.set)
    else:
        StudentPage(board, lang)


@solara.component
def StudentPage(board, lang: solara.Reactive[str]):
    """The classroom page; one :class:`ClassroomSession` per browser session."""
    session = solara.use_memo(ClassroomSession, [])
    # Only the views that change with the model read these, so a step re-renders them and
    # not the sidebar: ``tick`` counts steps and resets (the year, the line charts),
    # ``detail`` is the tick the ledger, network, captions and readout were last drawn at.
    tick = solara.use_reactive(0)
    detail = solara.use_reactive(0)
    world = solara.use_reactive(session.generation)  # resets: the running-policy panel
    picked = solara.use_reactive(None)  # a firm picked by clicking its node (its index)
    levers = solara.use_reactive(dict(session.levers))  # slider values, applied on Reset
    seed = solara.use_reactive(session.seed)
    playing = solara.use_reactive(False)
    compare = solara.use_reactive(session.compare)
    error = solara.use_reactive("")
    projector = solara.use_reactive(False)

    feed = solara.use_memo(ChartFeed, [])
    open_page = solara.use_ref(True)  # False once the page is gone: Play stops

    def on_unmount() -> None:
        open_page.current = False
        feed.clear()  # let the page's widgets go
        collect_soon()  # free the session once the closing is done (sim.app.lifecycle)

    solara.use_effect(lambda: on_unmount, [])
    render_context = reacton.core.get_render_context()

    version = solara.use_ref(0)  # steps and resets shown so far (charts' data-rendered)

    def bump(details: bool = True, render: bool = True) -> None:
        """Show the new step: re-render what changed.

        With ``render=False`` (while playing) only the new texts and chart data are sent
        (sim.app.feed): nothing is re-rendered.
        """
        version.current += 1
        if render:
            with render_context:  # one render pass for both counters (year, captions, readout)
                tick.set(version.current)
                if details:
                    detail.set(version.current)
            groups = ("lines", "ledger", "network") if details else ("lines",)
        else:
            groups = (("clock", "lines", "story", "readout", "ledger", "network") if details
                      else ("clock", "lines"))
        feed.push(groups, version.current)

    def do_step() -> None:
        with PACE.action():
            if session.step():
                bump()

    def restart(values: dict[str, Any]) -> None:
        playing.set(False)
        with PACE.action():
            try:
                session.reset(values, seed.value, compare.value)
                error.set("")
            except ValueError as exc:  # ConfigError: a value outside its declared bounds
                error.set(str(exc))
            world.set(session.generation)
            bump()

    def do_preset(name: str) -> None:
        values = preset_levers(name)
        levers.set(values)
        restart(values)

    def do_lever(name: str, value: Any) -> None:
        values = {**levers.value, name: value}
        levers.set(values)
        with PACE.action():
            try:
                session.apply_levers(values)
                error.set("")
            except ValueError as exc:  # ConfigError: a value outside its declared bounds
                error.set(str(exc))
            bump()

    def do_compare(on: bool) -> None:
        with PACE.action():
            session.set_compare(on)  # first: the charts then render the twin's panels too
            with render_context:
                compare.set(on)
                bump()

    every = max(1, round(DETAIL_EVERY_YEARS * session.base.run.steps_per_year))

    def play_loop() -> None:
        due = time.monotonic()
        while open_page.current and playing.value:
            # One step every PLAY_INTERVAL_S: the wait for the turn and the step itself come
            # out of the interval (a pause after each step made the period interval + turn
            # wait + step, so 40 playing pages got 84% of the rate asked with cores to spare).
            # A page that fell behind by more than an interval does not catch up in a burst.
            due = max(due + PLAY_INTERVAL_S, time.monotonic() - PLAY_INTERVAL_S)
            time.sleep(max(0.0, due - time.monotonic()))
            with PACE.play_turn():  # after students' clicks, one playing page at a time
                if not (open_page.current and playing.value):
                    break
                if not session.step():
                    playing.set(False)
                    break
                # the first step re-renders (e.g. "submit" needs a step), the others only
                # send what changed
                bump(details=session.steps % every == 0, render=session.steps == 1)
        if open_page.current and (detail.value, tick.value) != (version.current,) * 2:
            with PACE.action():  # paused: the page catches up with what was sent
                with render_context:
                    tick.set(version.current)
                    detail.set(version.current)
                feed.push(("lines", "ledger", "network"), version.current)

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    lg = lang.value
    solara.Title(tr("title", lg))
    FontStyle(projector.value)
    with solara.Column(classes=["ieisim-root"] + (["ieisim-projector"] if projector.value
                                                   else []), gap="8px"):
        with solara.Row(justify="space-between", style={"align-items": "center",
                                                         "padding": "4px 12px",
                                                         "flex-wrap": "wrap"}):
            solara.Text(tr("title", lg), style={"font-size": "1.3em", "font-weight": "bold"})
            with solara.Row(gap="12px", style={"align-items": "center"}):
                solara.Switch(label=tr("projector", lg), value=projector.value,
                              on_value=projector.set, classes=["ieisim-projector-toggle"])
                other = LANGUAGES[(LANGUAGES.index(lg) + 1) % len(LANGUAGES)]
                solara.Button(LANGUAGE_NAMES[other], on_click=lambda: lang.set(other),
                              outlined=True, classes=["ieisim-language"])
        with solara.Row(style={"align-items": "flex-start", "flex-wrap": "nowrap"}):
            with solara.Column(style={"width": SIDEBAR_WIDTH, "min-width": SIDEBAR_WIDTH}):
                with solara.Card(tr("run", lg), margin=0):
                    Controller(session, tick, playing, do_step,
                               lambda: restart(levers.value), lg, feed)
                    solara.Switch(label=tr("compare", lg), value=compare.value,
                                  on_value=do_compare, classes=["ieisim-compare"])
                with solara.Card(margin=0):
                    PresetButtons(matching_preset(levers.value), do_preset, lg)
                with solara.Card(tr("levers", lg), margin=0):
                    solara.Text(tr("live_hint", lg), classes=["ieisim-live-hint"],
                                style={"font-size": "0.9em"})
                    LeverPanel(levers.value, do_lever, lg)
                    SeedInput(seed.value, seed.set, lg)
                    solara.Text(tr("seed_hint", lg), classes=["ieisim-seed-hint"],
                                style={"font-size": "0.85em", "opacity": "0.8"})
                    waiting = pending_text(levers.value, seed.value, session, lg)
                    if waiting:
                        solara.Info(waiting, dense=True)
                    if error.value:
                        solara.Error(error.value)
                if board is not None:
                    SubmitPanel(board, session, lg, tick)
                with solara.Card(margin=0):
                    RunningPolicy(session.applied_levers(), session.seed, lg, world.value)
                    with solara.Details(summary=tr("explain", lg)):
                        Prose(explanation(lg))
                    LeverHelp(lg)
            with solara.Column(style={"flex": "1 1 auto", "min-width": "0"}):
                with solara.Card(margin=0, classes=["ieisim-story"]):
                    solara.HTML(tag="div", unsafe_innerHTML=html.escape(tr("question", lg)),
                                classes=["ieisim-question"],
                                style="font-size: 1.6em; font-weight: bold")
                    solara.HTML(tag="div", unsafe_innerHTML=html.escape(tr("first_click", lg)),
                                classes=["ieisim-first-click"], style="font-size: 1.1em")
                    Captions(session, detail, lg, feed)
                Views(session, feed, tick, detail, picked, compare.value, lg, projector.value)


def run_data(session: ClassroomSession) -> list[RunData]:
    """The charts' input: each running model's series from year 0 and its world size."""
    per_year = session.base.run.steps_per_year
    return [RunData(role, session.columns(model), model.firms.n_real, per_year)
            for role, model in session.runs()]


CAPTION_STYLE = ("font-size: 1.1em; margin-top: 6px; padding-left: 8px; "
                 "border-left: 4px solid #b8860b")


def captions_html(session: ClassroomSession, lang: str) -> str:
    """The captions the rules choose from the running model's state, one ``div`` each."""
    return "".join(f"<div class='ieisim-caption' style='{CAPTION_STYLE}'>{html.escape(text)}"
                   "</div>" for text in captions(session.caption_state(), lang))


@solara.component
def Captions(session: ClassroomSession, detail: solara.Reactive[int], lang: str,
             feed: ChartFeed):
    """The captions the rules choose from the running model's state (``sim.app.captions``).

    Redrawn with ``detail``; while playing, new captions arrive through ``feed``.
    """
    tick = detail.value
    text = solara.use_memo(lambda: captions_html(session, lang),
                           [tick, lang, session.generation])
    feed.text_source("story", lambda _: {"captions": {
        "unsafe_innerHTML": captions_html(session, lang)}})
    use_live(feed, "captions", solara.widgets.HTML.element(
        tag="div", unsafe_innerHTML=text, attributes={"class": "ieisim-captions"}))


@solara.component
def LedgerPanel(session: ClassroomSession, feed: ChartFeed, detail: solara.Reactive[int],
                picked: solara.Reactive[int | None], lang: str, projector: bool):
    """A firm's ledger under the policy and under the status quo.

    The firm is a typical small, medium or large firm, or the one picked by clicking its
    dot in the network. New data after a step arrives through the ``feed``.
    """
    size = solara.use_reactive(SIZE_CLASSES[0])
    firm_picked = picked.value
    quo_terms = solara.use_memo(lambda: PayoffTerms.from_scenario(
        session.status_quo_scenario()), [session.generation])

    def build() -> dict:
        model = session.policy
        firm = typical_firm(model, size.value) if firm_picked is None else firm_picked
        mine = firm_ledger(model, firm)
        # under the status quo's own terms the two ledgers are the same: computed once
        quo = mine if same_terms(quo_terms, model.terms) else firm_ledger(model, firm,
                                                                          quo_terms)
        return {"ledger": ledger_option(mine, quo, lang, projector,
                                        picked=firm_picked is not None)}

    def choose_size(value: str) -> None:
        size.set(value)
        picked.set(None)

    feed.source("ledger", build)
    options = solara.use_memo(build, [size.value, firm_picked, lang, projector])
    with solara.Card(tr("ledger", lang), margin=0, classes=["ieisim-ledger"]):
        solara.ToggleButtonsSingle(
            value=size.value if firm_picked is None else None, values=list(SIZE_CLASSES),
            on_value=choose_size, classes=["ieisim-ledger-size"],
            children=[solara.Button(tr(f"size_{s}", lang), value=s) for s in SIZE_CLASSES])
        solara.Text(tr("ledger_help", lang), style={"font-size": "1em"})
        solara.Text(tr("ledger_pick_hint", lang), classes=["ieisim-ledger-pick-hint"],
                    style={"font-size": "1em"})
        SvgChart(options["ledger"], detail.peek(), CHART_HEIGHT[projector],
                 ["ieisim-chart", "ieisim-chart-ledger"], feed=feed, name="ledger")


@solara.component
def Views(session: ClassroomSession, feed: ChartFeed, tick: solara.Reactive[int],
          detail: solara.Reactive[int], picked: solara.Reactive[int | None], compare: bool,
          lang: str, projector: bool):
    """Line charts, readout, ledger and network.

    The charts are rendered when the language, projector or side-by-side mode or the picked
    firm change; after a step their data arrives through the ``feed`` (``sim.app.feed``).
    """
    LineCharts(session, feed, tick, compare, lang, projector)
    Readout(session, feed, detail, lang)
    LedgerPanel(session, feed, detail, picked, lang, projector)
    NetworkPanel(session, feed, detail, picked, compare, lang, projector)


@solara.component
def LineCharts(session: ClassroomSession, feed: ChartFeed, tick: solara.Reactive[int],
               compare: bool, lang: str, projector: bool):
    """The line charts (SVG in the browser); new data after every step through the feed."""

    def build() -> dict[str, dict]:
        return dict(chart_options(run_data(session), session.horizon_years, lang, projector,
                                  change_marks(session, lang)))

    feed.source("lines", build)
    panels = solara.use_memo(build, [projector, compare, lang])
    with solara.Card(tr("charts", lang), margin=0):
        if compare:
            solara.Text(tr("dashed_status_quo", lang), classes=["ieisim-dashed-key"],
                        style={"font-weight": "bold"})
        with solara.Div(style=CHART_GRID_STYLE):
            for name, option in panels.items():
                with solara.Column(gap="2px", classes=["ieisim-panel", f"ieisim-panel-{name}"]):
                    solara.Text(tr(WATCH[name], lang), classes=["ieisim-watch"],
                                style={"font-size": "1em"})
                    SvgChart(option, tick.peek(), CHART_HEIGHT[projector],
                             ["ieisim-chart", f"ieisim-chart-{name}"], feed=feed, name=name)


@solara.component
def Readout(session: ClassroomSession, feed: ChartFeed, detail: solara.Reactive[int],
            lang: str):
    """The latest values of every running model (redrawn with the ledger and network).

    While playing, the new table arrives through ``feed``.
    """
    version = detail.value
    rows = solara.use_memo(lambda: readout_rows(session.latest(), lang), [version, lang])
    feed.text_source("readout", lambda _: {
        "readout_title": {"children": [tr("readout", lang, year=session.year)]},
        "readout": {"unsafe_innerHTML": readout_html(readout_rows(session.latest(), lang))}})
    with solara.Card(margin=0):
        use_live(feed, "readout_title", rv.Html(tag="span", style_="font-weight: bold",
                                                children=[tr("readout", lang,
                                                             year=session.year)]))
        use_live(feed, "readout", solara.widgets.HTML.element(
            tag="div", unsafe_innerHTML=readout_html(rows),
            attributes={"class": "ieisim-readout", "style": READOUT_STYLE}))


@solara.component
def NetworkPanel(session: ClassroomSession, feed: ChartFeed, detail: solara.Reactive[int],
                 picked: solara.Reactive[int | None], compare: bool, lang: str,
                 projector: bool):
    """The network of each running model; clicking a firm's dot picks it for the ledger."""
    firm = picked.value

    def build() -> dict[str, dict]:
        return {f"network_{role}": network_option(
            model.network, session.layout(model), network_title(role, compare, lang), lang,
            projector, firm) for role, model in session.runs()}

    def pick(clicked: dict | None) -> None:
        chosen = picked_firm(clicked)
        if chosen is not None and chosen < session.policy.firms.n:
            picked.set(chosen)

    feed.source("network", build)
    networks = solara.use_memo(build, [projector, compare, lang, firm])
    with solara.Card(tr("network", lang), margin=0):
        with solara.Div(style=CHART_GRID_STYLE):
            for name, option in networks.items():
                role = name.removeprefix("network_")
                SvgChart(option, detail.peek(), NETWORK_HEIGHT[projector],
                         ["ieisim-network", f"ieisim-network-{role}"], on_click=pick,
                         feed=feed, name=name)
        solara.Text(tr("network_caption", lang), style={"font-size": "1em"})


__all__ = ["Page"]
