"""Play turns: one playing page at a time, in arrival order, after students' own actions."""

from __future__ import annotations

import threading

from waiting import SAFETY_TIMEOUT_S, wait_until

from sim.app.pace import Pace


def test_a_play_turn_waits_for_a_students_action_and_turns_go_in_order():
    pace = Pace()
    order: list[int] = []

    def player(k: int) -> None:
        with pace.play_turn():
            order.append(k)

    with pace.action():  # a student's Step is running
        threads = []
        for k in range(3):
            threads.append(threading.Thread(target=player, args=(k,)))
            threads[-1].start()
            wait_until(lambda k=k: pace.queued == k + 1, f"player {k} queued")
        assert order == [] and pace.turns == 0  # no turn starts during the action
    for t in threads:
        t.join(SAFETY_TIMEOUT_S)
    assert order == [0, 1, 2] and pace.turns == 3


def test_an_action_does_not_wait_for_a_running_play_turn():
    pace = Pace()
    entered, release = threading.Event(), threading.Event()

    def player() -> None:
        with pace.play_turn():
            entered.set()
            release.wait(SAFETY_TIMEOUT_S)

    t = threading.Thread(target=player)
    t.start()
    assert entered.wait(SAFETY_TIMEOUT_S)
    with pace.action():  # enters while the turn is still running
        assert not release.is_set()
    release.set()
    t.join(SAFETY_TIMEOUT_S)
    assert pace.turns == 1


def test_a_turn_that_raises_still_lets_the_next_one_run():
    pace = Pace()
    try:
        with pace.play_turn():
            raise RuntimeError("the page went away")
    except RuntimeError:
        pass
    with pace.play_turn():
        pass
    assert pace.turns == 2
