"""CooperationModel: colleges, enterprises, teachers and students on a cooperation network.

One step is ``1 / run.steps_per_year`` years (a semester by default). A step runs the phases
of :data:`PHASES` in order; each phase is a named function of the model in the module that
owns its concern (docs/ODD.md, "Process overview and scheduling", is generated from it):

=====================  ==============  ===================================================
module                 concern         phases
=====================  ==============  ===================================================
:mod:`sim.world`       world building  (once, before the first step)
:mod:`sim.learning`    technology      advance_technology, teachers_work, students_learn
:mod:`sim.labour`      labour market   place_students, graduate, adjust_majors, enrol
:mod:`sim.ties`        tie decisions   decide_ties (entry, activities, reviews; trust)
:mod:`sim.budget`      public money    claim_public_money, close_fiscal_year, settle
:mod:`sim.metrics`     reporters       recorded after the phases
=====================  ==============  ===================================================

Agents' state lives in numpy arrays (``model.firms``, ``model.colleges``, ``model.teachers``,
``model.students``, ``model.ties``); the Mesa agents are views of their rows. Every draw
comes from a named stream of ``model.streams`` (common random numbers across policies).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import mesa
import numpy as np

from sim import budget, labour, learning, metrics, professors, ties, views
from sim.budget import Ledger
from sim.decisions import practice_reward
from sim.ladder import CollegeTerms, PayoffTerms, TieContext
from sim.params import Scenario, load_scenario
from sim.streams import Streams
from sim.world import build_world

EVERY_STEP, YEAR_START, YEAR_END = "every step", "first step of a year", "last step of a year"
"""When a phase runs: every step, or as a calendar event at the start or end of a year."""


@dataclass(frozen=True)
class Phase:
    """One phase of a step: a name, the function that runs it and when it runs."""

    name: str
    run: Callable[["CooperationModel"], None]
    when: str
    summary: str
    moves_students: bool = False  # changes students' skills, cohorts or enrolment


PHASES: tuple[Phase, ...] = (
    Phase("advance_technology", learning.advance_technology, EVERY_STEP,
          "frontier and sector demand move; equipment ages and is renewed"),
    Phase("teachers_work", learning.teachers_work, EVERY_STEP,
          "teachers split time between research and enterprise practice; skills update"),
    Phase("place_students", labour.place_students, YEAR_START,
          "final-year students placed with partner firms as interns or apprentices"),
    Phase("students_learn", learning.students_learn, EVERY_STEP,
          "skills grow with teaching quality, equipment and placements", moves_students=True),
    Phase("decide_ties", ties.decide_ties, EVERY_STEP,
          "new ties; activities entered by both sides, left by either (logit on payoffs)"),
    Phase("hire_professors", professors.hire_professors_phase, EVERY_STEP,
          "professors of ended ties leave; colleges fill funded posts from partner firms"),
    Phase("claim_public_money", budget.claim_public_money, EVERY_STEP,
          "every lever's spending claimed on the public budget; firms' cash flow"),
    Phase("close_fiscal_year", budget.close_fiscal_year, YEAR_END,
          "performance funding of the year becomes the colleges' budget"),
    Phase("graduate", labour.graduate, YEAR_END,
          "hiring, matching, poaching; trust and expectations updated", moves_students=True),
    Phase("adjust_majors", labour.adjust_majors, YEAR_END,
          "colleges shift enrolment toward demanded majors"),
    Phase("enrol", labour.enrol, YEAR_END, "students move up a year; a new cohort enrols",
          moves_students=True),
    Phase("settle", budget.settle, EVERY_STEP,
          "the budget pays the step's claims (pro-rated if over budget)"),
)
"""The phases of one step, in order (the schedule of docs/ODD.md)."""
BUILD_TIME_LEVERS: tuple[str, ...] = ()
"""Levers that a policy change mid-run (:meth:`CooperationModel.set_levers`) does not move.

None today: the industry-professor quota sets the funded posts that colleges fill over time
(:mod:`sim.professors` reads it every step), so a change acts from the next step on; a cut
stops new hiring while professors already hired stay until their tie ends."""


class CooperationModel(mesa.Model):
    """School-enterprise cooperation under configurable incentives.

    Args:
        params: a validated :class:`sim.params.Scenario` (or a scenario name / path).
        seed: master seed (default: ``params.run.seed``).

    Attributes:
        params: the scenario (Mesa reserves ``model.scenario``).
        network: networkx graph of the active ties; nodes ``("c", i)`` (attributes kind, city,
            tier) and ``("e", j)`` (kind, city, sector, employees).
        year: years elapsed.
        records: list of reporter dicts: the initial state (step 0), then one per step
            (see :meth:`timeseries`); only the steps ``record_steps`` keeps.
        upgrade_decisions: per side (``college``, ``enterprise``), one ``(accepted,
            feasible)`` pair of one-rung upgrades per step (revealed willingness).
        phase_seconds: wall-clock seconds spent in each phase so far (for benchmarks).
        record_steps: ``None`` (record the reporters at step 0 and after every step) or a
            predicate of the step number saying at which steps to record them (a sweep that
            keeps some steps computes only those; reporters read the state and change
            nothing). Passed to the constructor it also decides step 0.

    """

    def __init__(self, params: Scenario | str | None = None, seed: int | None = None,
                 record_steps: Callable[[int], bool] | None = None):
        params = params if isinstance(params, Scenario) else load_scenario(params)
        seed = params.run.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        self.params = params
        self.seed_value = seed
        self.streams = Streams(seed)
        self.dt = 1.0 / params.run.steps_per_year
        self.steps_done = 0
        self.year = 0.0
        self.policy_changes: list[tuple[int, dict[str, Any]]] = []
        self._derive_policy_terms()
        self.ledger = Ledger(params.economy.public_budget)
        self.records: list[dict[str, float]] = []
        self.phase_seconds = {ph.name: 0.0 for ph in PHASES}
        self.record_steps = record_steps
        self.phase_now: tuple[int, str] | None = None  # (step, phase) while a phase runs
        self.students_moved = 0  # phases run so far that moved students (sim.ties.student_cells)
        build_world(self)
        if record_steps is None or record_steps(0):
            self.records.append(metrics.collect(self))  # step 0: the initial state

    def _derive_policy_terms(self) -> None:
        """Payoff terms read from ``self.params`` (again after every policy change)."""
        params = self.params
        self.terms = PayoffTerms.from_scenario(params)
        self.practice_reward = practice_reward(params.policy.teacher_practice_weight,
                                               params.policy.contribution_evaluation,
                                               params.behaviour.college_passthrough)
        self.college_terms = CollegeTerms.from_scenario(params, self.practice_reward)

    def set_levers(self, levers: Mapping[str, Any]) -> None:
        """Change policy levers (short names) from the next step on: a policy shock.

        ``model.params`` becomes ``params.with_overrides(...)`` (validated: a ConfigError
        names a bad key or value and changes nothing); the change is recorded in
        ``policy_changes`` as ``(steps_done, {lever: value})``. Levers in
        ``BUILD_TIME_LEVERS`` shape the world when it is built and are refused here.
        """
        from sim.params import LEVERS, ConfigError

        names = {p.name for p in LEVERS}
        for key in levers:
            if key not in names:
                raise ConfigError(f"{key!r} is not a policy lever")
            if key in BUILD_TIME_LEVERS and levers[key] != self.params[key]:
                raise ConfigError(f"{key!r} is fixed when the world is built; start a new run")
        new = self.params.with_overrides({f"policy.{k}": v for k, v in levers.items()})
        changed = {k: new[k] for k in levers if new[k] != self.params[k]}
        if not changed:
            return
        self.params = new
        self._derive_policy_terms()
        self.policy_changes.append((self.steps_done, changed))


    # ------------------------------------------------------------ public API
    @property
    def steps_per_year(self) -> int:
        """Steps per simulated year."""
        return self.params.run.steps_per_year

    def run(self, years: float | None = None,
            stop: Callable[[], bool] | None = None) -> "CooperationModel":
        """Run for ``years`` (default ``params.run.years``) and return self.

        ``stop`` (optional) is asked before every step; the run ends early when it says yes
        (the caller asks it again to tell an early end from a finished run).
        """
        years = self.params.run.years if years is None else years
        for _ in range(int(round(years * self.steps_per_year))):
            if stop is not None and stop():
                break
            self.step()
        return self

    def timeseries(self):
        """Reporters as a DataFrame: step 0 (initial state), then one row per step.

        Columns ``step``, ``year`` and :data:`sim.metrics.OUTPUTS`.
        """
        import pandas as pd

        return pd.DataFrame.from_records(self.records, columns=["step", "year", *metrics.OUTPUTS])

    @property
    def network(self):
        """The networkx graph of the active ties (edges: rung, trust, age), made when read."""
        return views.network(self)

    @property
    def agents(self):
        """All Mesa agents; the views of the rows are created (or dropped) on this request."""
        views.sync_views(self)
        return super().agents

    @property
    def agents_by_type(self):
        """Mesa agents by type; the views of the rows are created (or dropped) on this request."""
        views.sync_views(self)
        return super().agents_by_type

    @property
    def enterprise_agents(self) -> list:
        """Enterprise views, one per row of ``model.firms`` (made on first request)."""
        views.sync_views(self, upto="colleges")
        return self._enterprise_views

    @property
    def college_agents(self) -> list:
        """College views, one per row of ``model.colleges`` (made on first request)."""
        views.sync_views(self, upto="colleges")
        return self._college_views

    @property
    def teacher_agents(self) -> list:
        """Teacher views, one per row of ``model.teachers`` (made on request)."""
        views.sync_views(self, upto="teachers")
        return self._teacher_views

    def highest_rung_of_firms(self) -> np.ndarray:
        """Highest active rung of each enterprise (-1 without an active tie)."""
        out = np.full(self.firms.n, -1)
        rows = self.ties.active_rows()
        np.maximum.at(out, self.ties.firm[rows], self.ties.rung[rows])
        return out

    def willingness(self, side: str) -> float:
        """Share of feasible upgrades ``side`` accepted over the last year (NaN if none)."""
        return metrics.willingness(self, side)

    def tie_context(self, colleges: np.ndarray, firms: np.ndarray,
                    extra_slots: bool = False, reals: np.ndarray | None = None) -> TieContext:
        """Inputs of the enterprise payoff for (college, firm) pairs (see :mod:`sim.ties`).

        ``reals`` are the real firms of the agents ``firms``; by default the member the college
        has a tie with, or the agent's first (:func:`sim.ties.real_of_pair`).
        """
        if reals is None:
            reals = ties.real_of_pair(self, colleges, firms)
        return ties.tie_context(self, colleges, firms, reals, extra_slots)

    def teaching_quality(self) -> dict[str, np.ndarray]:
        """Teaching quality per college and sector (see :mod:`sim.learning`)."""
        return learning.teaching_quality(self)

    def supervision_capacity(self, firms: np.ndarray) -> np.ndarray:
        """Students each given firm can supervise a year (real students, all its ties)."""
        return ties.supervision_capacity(self, firms)

    def switching_cost(self, colleges: np.ndarray, firms: np.ndarray) -> np.ndarray:
        """One-off search and transaction cost of a new tie or a climb (CNY thousand)."""
        return ties.switching_cost(self, colleges, firms)

    def uptake(self) -> float:
        """Share of students accepting an apprenticeship slot."""
        return ties.uptake(self)

    # ------------------------------------------------------------------ step
    def step(self) -> None:
        """Advance one step: run :data:`PHASES` in order, then record the reporters."""
        first_of_year = self.steps_done % self.steps_per_year == 0
        last_of_year = (self.steps_done + 1) % self.steps_per_year == 0
        due = {EVERY_STEP: True, YEAR_START: first_of_year, YEAR_END: last_of_year}
        clock = time.perf_counter
        step = self.steps_done
        try:
            for phase in PHASES:
                if due[phase.when]:
                    self.phase_now = (step, phase.name)
                    t0 = clock()
                    phase.run(self)
                    self.phase_seconds[phase.name] += clock() - t0
                    self.students_moved += phase.moves_students
            self.steps_done += 1
            self.year = self.steps_done * self.dt
            if self.record_steps is None or self.record_steps(self.steps_done):
                self.phase_now = (step, "reporters")  # they read the state the phases left
                self.records.append(metrics.collect(self))
        finally:
            self.phase_now = None  # outside a step nothing is cached (sim.ties.student_cells)
