"""The class board: recipes, exact replay, SQLite storage scoped to a class code."""

from __future__ import annotations

import numpy as np
import pytest

from sim.app.classboard import (
    ClassBoard,
    Recipe,
    check_class_code,
    plane_point,
    reference_points,
    replay,
)
from sim.app.session import ClassroomSession
from sim.errors import UsageError
from sim.policies import package_levers


def _played_session() -> ClassroomSession:
    session = ClassroomSession()
    session.reset(package_levers("subsidies_only"), seed=21, compare=True)
    for _ in range(3):
        session.step()
    session.apply_levers({**session.levers, "consortium_strength": 0.7})
    for _ in range(2):
        session.step()
    session.apply_levers({**session.levers, "tax_credit": 0.4, "rd_cofunding": 0.5})
    session.step()
    return session


def test_replay_reproduces_the_students_series_exactly():
    session = _played_session()
    recipe = session.recipe()
    assert recipe.steps == 6 and recipe.seed == 21
    assert recipe.changes == [(3, {"consortium_strength": 0.7}),
                              (5, {"tax_credit": 0.4, "rd_cofunding": 0.5})]
    again = Recipe.from_json(recipe.to_json())
    assert again == recipe
    student = session.series(session.policy)
    replayed = replay(again)
    assert list(replayed.columns) == list(student.columns)
    np.testing.assert_array_equal(replayed.to_numpy(dtype=float), student.to_numpy(dtype=float))
    # without the timed changes the run differs: the changes are what the recipe carries
    plain = replay(Recipe(recipe.scenario, recipe.seed, recipe.start_levers, [], recipe.steps))
    assert not np.array_equal(plain.to_numpy(dtype=float), student.to_numpy(dtype=float))


def test_board_keeps_submissions_per_class_across_reopening(tmp_path):
    session = _played_session()
    path = tmp_path / "board.sqlite"
    board = ClassBoard(path, "econ-101")
    frame = session.series(session.policy)
    first = board.submit("  Li   Wei ", session.recipe(), frame)
    other = ClassBoard(path, "econ-102")
    other.submit("Zhang", session.recipe(), frame)
    reopened = ClassBoard(path, "econ-101")  # as after a server restart
    (sub,) = reopened.submissions()
    assert (sub.id, sub.student) == (first, "Li Wei")
    assert sub.recipe == session.recipe()
    cost, deep, year = plane_point(frame)
    assert (sub.public_cost, sub.deep_share, sub.year) == (cost, deep, 3.0)
    assert deep == pytest.approx(float(frame.iloc[-1]["share_joint_training"]
                                       + frame.iloc[-1]["share_joint_rd"]))
    assert [s.student for s in ClassBoard(path, "econ-102").submissions()] == ["Zhang"]


def test_class_codes_are_checked():
    assert check_class_code("A-7_b") == "A-7_b"
    for bad in ("", "a b", "x" * 33, "../etc"):
        with pytest.raises(UsageError, match="--class"):
            check_class_code(bad)


def test_reference_points_are_the_packages_replayed():
    session = ClassroomSession()
    refs = reference_points(session.base.to_dict(), session.base.run.seed, 4)
    quo = replay(Recipe(session.base.to_dict(), session.base.run.seed,
                        package_levers("status_quo"), [], 4))
    assert refs["status_quo"] == plane_point(quo)
    assert refs["reform_package"][0] > refs["status_quo"][0]  # the package costs more


def test_student_submits_and_the_teacher_page_replays(tmp_path, monkeypatch):
    import ipyvuetify as v
    import solara

    from sim.app.echart import SvgChartWidget
    from sim.app.page import Page
    from sim.app.teacher import BOARD_ENV, CLASS_ENV, TeacherPage, class_board

    monkeypatch.setenv(CLASS_ENV, "c1")
    monkeypatch.setenv(BOARD_ENV, str(tmp_path / "board.sqlite"))
    box, rc = solara.render(Page(), handle_error=False)
    try:
        submit = rc.find(v.Btn, children=["Submit my policy"])
        assert submit.widget.disabled  # no name, nothing run yet
        rc.find(v.Btn, children=["Step"]).widget.click()
        rc.find(v.TextField, label="Your name").widget.v_model = "Wang"
        submit.widget.click()
        assert "Submitted as number 1" in str(rc.find(v.Alert).widgets)
    finally:
        rc.close()
    board = class_board()
    (sub,) = board.submissions()
    assert (sub.student, sub.year, sub.recipe.steps) == ("Wang", 0.5, 1)
    box, rc = solara.render(TeacherPage(board, "en", lambda _: None), handle_error=False)
    try:
        (plane, *_) = rc.find(SvgChartWidget).widgets
        names = [d["name"] for s in plane.option["series"] for d in s["data"]]
        assert names == ["Wang", "Status quo", "Full reform package"]
        rc.find(v.Btn, children=["Replay Wang"]).widget.click()
        charts = rc.find(SvgChartWidget).widgets
        assert len(charts) == 1 + 4  # the plane and the replayed run's four panels
    finally:
        rc.close()
