"""The class board's two faces: students' "submit my policy" and the teacher's page.

``ieisim app --class CODE`` sets the class code (and ``--board`` the SQLite file) through
the environment variables below; the student page then offers a submit panel, and
``/?teacher`` shows every submission of the class on the public-cost x deep-cooperation
plane with the status quo and the reform package as reference points, and replays any
submission's run.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Callable

import solara

from sim.app.charts import (
    CHART_HEIGHT,
    FONT_FAMILY,
    FONT_PX,
    TITLE_PX,
    PolicyMark,
    RunData,
    chart_options,
)
from sim.app.classboard import DEFAULT_BOARD, ClassBoard, Submission, reference_points, replay
from sim.app.echart import SvgChart
from sim.app.readout import readout_html, readout_rows
from sim.app.session import CLASSROOM_SCENARIO, ClassroomSession
from sim.app.text import LANGUAGES, tr
from sim.params import load_scenario

CLASS_ENV = "IEISIM_CLASS"
"""Environment variable carrying the class code from ``ieisim app --class``."""
BOARD_ENV = "IEISIM_BOARD"
"""Environment variable carrying the SQLite file from ``ieisim app --board``."""
TEACHER_QUERY = "teacher"
"""The teacher's page is the app's address with ``?teacher``."""


def class_board() -> ClassBoard | None:
    """The board of the class code the server was started with, or None without one."""
    code = os.environ.get(CLASS_ENV)
    if not code:
        return None
    return ClassBoard(Path(os.environ.get(BOARD_ENV) or DEFAULT_BOARD), code)


def is_teacher(search: str | None) -> bool:
    """Whether the page's query string asks for the teacher's page."""
    return TEACHER_QUERY in (search or "").split("&")


@solara.component
def SubmitPanel(board: ClassBoard, session: ClassroomSession, lang: str,
                tick: solara.Reactive[int] | None = None):
    """A name field and "submit my policy": stores the running policy's recipe.

    ``tick`` (the page's step counter) redraws the panel after each step.
    """
    if tick is not None:
        _ = tick.value  # subscribe: "submit" needs a step taken
    name = solara.use_reactive("")
    done = solara.use_reactive("")

    def submit():
        sub_id = board.submit(name.value, session.recipe(), session.series(session.policy))
        done.set(tr("submitted", lang, id=sub_id, year=session.year))

    with solara.Card(tr("class_board", lang, code=board.class_code), margin=0,
                     classes=["ieisim-submit"]):
        solara.InputText(tr("your_name", lang), value=name, continuous_update=True,
                         classes=["ieisim-student-name"])
        solara.Button(tr("submit", lang), on_click=submit, color="primary",
                      disabled=not name.value.strip() or session.steps == 0,
                      classes=["ieisim-submit-button"])
        if done.value:
            solara.Success(done.value, dense=True, classes=["ieisim-submitted"])


def plane_option(subs: list[Submission], refs: dict[str, tuple], lang: str) -> dict:
    """ECharts scatter of submissions on the cost x deep-cooperation plane, with references."""
    size = FONT_PX[False]
    text = {"fontSize": size, "fontFamily": FONT_FAMILY, "color": "#222"}
    label = {"show": True, "position": "top", "formatter": "{b}", **text}
    series = [{"type": "scatter", "name": tr("submissions", lang), "symbolSize": 14,
               "label": label, "itemStyle": {"color": "#1f77b4"},
               "data": [{"name": s.student, "value": [round(s.public_cost, 3),
                                                     round(s.deep_share, 4)]} for s in subs]}]
    for package, (cost, deep, _) in refs.items():
        name = tr(f"ref_{package}", lang)
        series.append({"type": "scatter", "name": name, "symbolSize": 18,
                       "symbol": "rect" if package == "status_quo" else "diamond",
                       "label": label, "itemStyle": {"color": "#222" if package == "status_quo"
                                                     else "#d62728"},
                       "data": [{"name": name, "value": [round(cost, 3), round(deep, 4)]}]})
    return {
        "animation": False, "textStyle": text,
        "title": {"text": tr("plane_title", lang), "textStyle": {**text, "fontSize":
                                                                  TITLE_PX[False]}},
        "legend": {"top": TITLE_PX[False] + 10, "textStyle": text},
        "grid": {"top": TITLE_PX[False] + 3 * size + 30, "left": 12, "right": 40,
                 "bottom": 2 * size + 10, "containLabel": True},
        "xAxis": {"type": "value", "min": 0, "name": tr("plane_x", lang),
                  "nameLocation": "middle", "nameGap": size + 12, "nameTextStyle": text,
                  "axisLabel": text},
        "yAxis": {"type": "value", "min": 0, "max": 1, "name": tr("plane_y", lang),
                  "nameTextStyle": {**text, "align": "left"}, "axisLabel": text},
        "series": series,
    }


def replay_marks(sub: Submission, lang: str) -> list[PolicyMark]:
    """The submission's timed changes as chart marks."""
    from sim.app.controls import SliderSpec
    from sim.params import BY_NAME

    per_year = sub.recipe.scenario["run"]["steps_per_year"]
    return [PolicyMark(step / per_year, "; ".join(
        f"{SliderSpec(BY_NAME[k]).label(lang)} → {v:g}" for k, v in levers.items()))
        for step, levers in sub.recipe.changes]


@solara.component
def ReplayView(sub: Submission, lang: str):
    """The charts of a submission's run, rebuilt from its recipe."""
    frame = solara.use_memo(lambda: replay(sub.recipe), [sub.id])
    scenario = sub.recipe.scenario
    runs = [RunData("policy_run", frame, scenario["world"]["n_enterprises"],
                    scenario["run"]["steps_per_year"])]
    panels = chart_options(runs, scenario["run"]["years"], lang, False, replay_marks(sub, lang))
    solara.Text(tr("replaying", lang, student=sub.student, year=float(frame["year"].iloc[-1])),
                classes=["ieisim-replaying"], style={"font-weight": "bold", "font-size": "1.2em"})
    solara.HTML(tag="div", unsafe_innerHTML=readout_html(readout_rows([("policy_run", frame)],
                                                                      lang)),
                classes=["ieisim-replay-readout"])
    with solara.Div(style="display: grid; grid-template-columns: repeat(auto-fit, "
                          "minmax(440px, 1fr)); gap: 12px"):
        for name, option in panels:
            SvgChart(option, sub.id, CHART_HEIGHT[False], ["ieisim-chart",
                                                           f"ieisim-replay-{name}"])


@solara.component
def TeacherPage(board: ClassBoard, lang: str, on_lang: Callable[[str], None]):
    """Every submission of the class on the plane, a table, and a replay of any of them."""
    refresh = solara.use_reactive(0)
    chosen = solara.use_reactive(None)
    subs = solara.use_memo(board.submissions, [refresh.value])
    base = solara.use_memo(lambda: load_scenario(CLASSROOM_SCENARIO), [])
    refs = solara.use_memo(lambda: reference_points(
        base.to_dict(), base.run.seed, base.run.years * base.run.steps_per_year), [])
    with solara.Row(justify="space-between", style={"align-items": "center",
                                                     "padding": "4px 12px"}):
        solara.Text(tr("class_board", lang, code=board.class_code),
                    style={"font-size": "1.4em", "font-weight": "bold"})
        with solara.Row():
            solara.Button(tr("refresh", lang), on_click=lambda: refresh.set(refresh.value + 1),
                          outlined=True, classes=["ieisim-refresh"])
            other = LANGUAGES[(LANGUAGES.index(lang) + 1) % len(LANGUAGES)]
            solara.Button({"en": "English", "zh": "中文"}[other],
                          on_click=lambda: on_lang(other), outlined=True)
    solara.Text(tr("plane_help", lang), style={"font-size": "1.05em"})
    SvgChart(plane_option(subs, refs, lang), refresh.value + len(subs), "min(60vh, 520px)",
             ["ieisim-plane"])
    rows = "".join(
        "<tr>" + "".join(f"<td style='padding: 2px 10px'>{c}</td>" for c in (
            s.id, html.escape(s.student), f"{s.year:g}", f"{s.public_cost:.3g}",
            f"{s.deep_share:.2f}", len(s.recipe.changes))) + "</tr>" for s in subs)
    head = "".join(f"<th style='padding: 2px 10px'>{html.escape(tr(k, lang))}</th>"
                   for k in ("col_id", "col_student", "col_year", "col_cost", "col_deep",
                             "col_changes"))
    solara.HTML(tag="div", unsafe_innerHTML=f"<table style='border-collapse: collapse; "
                f"font-size: 1.05em'><tr>{head}</tr>{rows}</table>",
                classes=["ieisim-submissions"])
    with solara.Row(style={"flex-wrap": "wrap"}):
        for s in subs:
            solara.Button(tr("replay", lang, student=s.student), small=True, outlined=True,
                          on_click=lambda s=s: chosen.set(s), classes=[f"ieisim-replay-{s.id}"])
    if chosen.value is not None:
        ReplayView(chosen.value, lang)
