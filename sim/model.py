"""CooperationModel: colleges, enterprises, teachers and students on a cooperation network.

One step is ``1 / run.steps_per_year`` years (a semester by default). Phases inside a step,
in this exact order (docs/ODD.md, "Process overview and scheduling"):

1. ``advance_technology``  frontier and sector demand move; skills, curricula and equipment
                            age against the frontier; colleges renew equipment (plus shared
                            training bases).
2. ``teachers_work``        teachers split time between papers and practice under the
                            evaluation system; practice and research skills update.
3. ``place_students``       (first step of an academic year) final-year students are placed
                            with partner firms as interns or apprentices.
4. ``students_learn``       skills grow with teaching quality, equipment and placements.
5. ``decide_ties``          colleges approach enterprises (new internship ties); for every
                            tie that may climb, both sides accept or refuse one rung up;
                            reviewing firms keep, step down or end their ties (logit over
                            expected net benefit).
6. ``claim_public_money``   every lever's spending is claimed on the public budget.
7. ``end_academic_year``    (last step of a year) graduation, hiring, poaching; realised
                            payoffs update trust and expectations; majors adjust; a new
                            cohort enrols.
8. ``settle``               the budget pays (pro-rated if over budget); reporters are
                            recorded; the network view is synced.

Agents' state lives in numpy arrays (``model.firms``, ``model.colleges``, ``model.teachers``,
``model.students``, ``model.ties``); the Mesa agents are views of their rows. Every draw
comes from a named stream of ``model.streams`` (common random numbers across policies).
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import mesa
import networkx as nx
import numpy as np

from sim import metrics
from sim.agents import (
    College,
    CollegePopulation,
    Enterprise,
    EnterprisePopulation,
    StudentPopulation,
    Teacher,
    TeacherPopulation,
)
from sim.agents.college import TIERS
from sim.agents.student import APTITUDE_RANGE, ENTRY_SKILL, RD_EXPOSURE
from sim.budget import Ledger
from sim.decisions import (
    accept_probability,
    adapt,
    draw_choices,
    logit_choice_probabilities,
    peer_average,
    poaching_hazard,
    practice_reward,
    saturating,
)
from sim.ladder import (
    APPRENTICE,
    INTERN,
    JOINT_RD,
    JOINT_TRAINING,
    PARTNER_HIRE_PROB,
    TRAINING_QUALITY,
    CollegeTerms,
    PayoffTerms,
    TieContext,
    apprentice_net_cost,
    capability_match,
    climb_feasible,
    college_utility,
    enterprise_payoff,
    rd_size_factor,
)
from sim.network import TieTable, college_node, enterprise_node
from sim.params import Scenario, load_scenario
from sim.sectors import DEMAND_GROWTH, DRIFT_MULTIPLIER, FIRM_SHARES, N_SECTORS, SECTOR_NAMES
from sim.streams import Streams

SLOTS_PER_100_EMPLOYEES_BOUNDS = (0.25, 10.0)
"""A tie offers ``interns_per_tie`` places per 100 employees, for firm sizes clipped to
25-1,000 employees (small firms still host a student, large ones cap a single tie)."""
INITIAL_CONTACT_ROUNDS = 5
"""Rounds of college contacts used to set up the initial network."""
MONEY_K_TO_M = 1e-3
"""CNY thousand to CNY million."""
FIRM_SECTOR_WEIGHTS = FIRM_SHARES / FIRM_SHARES.sum()
"""Graduate vacancies by sector are proportional to the sector's firm share times its demand
index (which grows at the sector's rate)."""
INITIAL_SKILL_PER_YEAR = 0.1
"""Skill already gained per completed programme year by the students present at the start."""
BUILD_TIME_LEVERS: tuple[str, ...] = ("industry_professor_quota",)
"""Levers read only when the world is built (how many industry professors are hired); a
policy change mid-run (:meth:`CooperationModel.set_levers`) cannot move them."""
RD_TEAM_QUANTILE = 0.75
"""A college's R&D capability in a sector is the mean of its teachers above this quantile of
sqrt(research x practice) (the R&D team), relative to the frontier."""


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
        records: list of reporter dicts, one per step (see :meth:`timeseries`).

    """

    def __init__(self, params: Scenario | str | None = None, seed: int | None = None):
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
        self._build_world()

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

    # ------------------------------------------------------------------ set-up
    def _build_world(self) -> None:
        p = self.params
        rng = self.streams.world
        self.firms = EnterprisePopulation(p, rng)
        self.colleges = CollegePopulation(p, rng)
        self.demand_index = np.ones(N_SECTORS)
        self.frontier = np.ones(N_SECTORS)
        self.sb_effect = np.zeros(p.world.n_cities)
        self.ties = TieTable(capacity=4 * p.world.n_colleges * max(p.behaviour.contacts_per_college,
                                                                   4))
        self.network = nx.Graph()
        self.network.add_nodes_from(
            (college_node(i), {"kind": "college", "city": int(self.colleges.city[i]),
                               "tier": TIERS[self.colleges.tier[i]]})
            for i in range(self.colleges.n))
        self.network.add_nodes_from(
            (enterprise_node(j), {"kind": "enterprise", "city": int(self.firms.city[j]),
                                  "sector": SECTOR_NAMES[self.firms.sector[j]],
                                  "employees": int(self.firms.employees[j])})
            for j in range(self.firms.n))
        self.enterprise_agents = [Enterprise(self, j) for j in range(self.firms.n)]
        self.college_agents = [College(self, i) for i in range(self.colleges.n)]
        # Students: fill every slot, cohorts spread over programme years.
        w = p.world
        self.students = StudentPopulation(w.n_colleges, w.students_per_college)
        slots = np.arange(self.students.n)
        years = slots % w.students_per_college % w.program_years
        majors = self._draw_majors(self.students.college[slots], self.streams.world)
        skills, aptitude = self._entrants(slots.size, self.streams.world)
        skills = np.clip(skills + INITIAL_SKILL_PER_YEAR * years[:, None], 0, 1)
        self.students.enrol(self, slots, majors, skills, aptitude, year=years)
        self.initial_students = int(slots.size)
        self.enrolled_total = 0
        self.graduated_total = 0
        # Labour-market expectations before any history: the objective hazard.
        self.nontrain_share = np.ones((w.n_cities, N_SECTORS))
        b = p.behaviour
        self.firms.belief_retention = 1.0 - poaching_hazard(
            self.nontrain_share[self.firms.city, self.firms.sector], b.poach_base,
            b.poach_free_rider)
        self.teachers = TeacherPopulation(p, self.colleges, self.firms, self.streams.world)
        self.teacher_agents = [Teacher(self, k) for k in range(self.teachers.n)]
        self._quality_cache = None
        self._willing = {"college": [], "enterprise": []}
        self.obsolescence = np.ones(N_SECTORS)
        self._placed_real = 0.0
        self._funding_claimed = np.zeros(self.colleges.n)  # this step (CNY million)
        self._funding_year = np.zeros(self.colleges.n)  # paid this academic year
        # Initial network: a few rounds of contacts, trust spread so some ties can climb;
        # an industry professor's firm is a partner of the professor's college by definition.
        for _ in range(INITIAL_CONTACT_ROUNDS):
            self._new_ties(initial=True)
        t = self.teachers
        for i, j in zip(t.college[t.professor], t.firm[t.professor], strict=True):
            if not self.ties.is_active(int(i), int(j)):
                self.ties.start(int(i), int(j), b.initial_trust)
        rows = self.ties.active_rows()
        self.ties.trust[rows] = b.initial_trust_spread * self.streams.world.random(rows.size)
        self._update_nontraining()
        self.last_graduation = {"match_rate": math.nan, "retention": math.nan}
        self.ties.sync_graph(self.network)

    def _draw_majors(self, colleges: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        shares = self.colleges.enrol_share[colleges]
        cum = np.cumsum(shares, axis=1)
        cum[:, -1] = 1.0
        return np.sum(rng.random(colleges.size)[:, None] >= cum, axis=1)

    @staticmethod
    def _entrants(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = ENTRY_SKILL
        a_lo, a_hi = APTITUDE_RANGE
        return lo + (hi - lo) * rng.random((n, 3)), a_lo + (a_hi - a_lo) * rng.random(n)

    # ------------------------------------------------------------ public API
    @property
    def steps_per_year(self) -> int:
        """Steps per simulated year."""
        return self.params.run.steps_per_year

    def run(self, years: float | None = None) -> "CooperationModel":
        """Run for ``years`` (default ``params.run.years``) and return self."""
        years = self.params.run.years if years is None else years
        for _ in range(int(round(years * self.steps_per_year))):
            self.step()
        return self

    def timeseries(self):
        """Reporters as a pandas DataFrame, one row per step (columns ``step``, ``year``, ...)."""
        import pandas as pd

        return pd.DataFrame.from_records(self.records, columns=["step", "year", *metrics.OUTPUTS])

    def highest_rung_of_firms(self) -> np.ndarray:
        """Highest active rung of each enterprise (-1 without an active tie)."""
        out = np.full(self.firms.n, -1)
        rows = self.ties.active_rows()
        np.maximum.at(out, self.ties.firm[rows], self.ties.rung[rows])
        return out

    # ------------------------------------------------------------------ step
    def step(self) -> None:
        """Advance one step (phases in the order of the module docstring)."""
        first_of_year = self.steps_done % self.steps_per_year == 0
        last_of_year = (self.steps_done + 1) % self.steps_per_year == 0
        self._quality_cache = None
        self.advance_technology()
        self.teachers_work()
        if first_of_year:
            self.place_students()
        self.students_learn()
        self.decide_ties()
        self.claim_public_money()
        if last_of_year:
            self.end_academic_year()
        self.settle()
        self.steps_done += 1
        self.year = self.steps_done * self.dt
        self.records.append(metrics.collect(self))
        self.ties.sync_graph(self.network)

    # -------------------------------------------------------- phase 1
    def advance_technology(self) -> None:
        """Move the frontier and demand; age and renew colleges' equipment."""
        p = self.params
        growth = p.economy.tech_drift * DRIFT_MULTIPLIER * self.dt
        self.obsolescence = 1.0 + growth
        self.frontier *= self.obsolescence
        self.demand_index *= 1.0 + DEMAND_GROWTH * self.dt
        sb_paid = p.policy.shared_base_investment * self.ledger.last_payout
        self.sb_effect = saturating(np.full(p.world.n_cities, sb_paid), p.economy.shared_base_half)
        c = self.colleges
        offered = c.offers.astype(float)
        mean_obs = (offered @ self.obsolescence) / offered.sum(axis=1)
        target = (c.affordable_facility(p.economy)
                  + p.economy.shared_base_facility_boost * self.sb_effect[c.city])
        c.facility = np.clip(c.facility / mean_obs + p.behaviour.facility_renewal * self.dt
                             * (target - c.facility), 0.0, 1.0)

    # -------------------------------------------------------- phase 2
    def teachers_work(self) -> None:
        """Teachers allocate effort and learn."""
        t = self.teachers
        t.allocate_effort(self.practice_reward, self.params)
        has_partner = self._college_sector_has_tie()[t.college, t.sector]
        t.learn(self.params, has_partner, self.obsolescence, self.dt)

    def _college_sector_has_tie(self) -> np.ndarray:
        rows = self.ties.active_rows()
        out = np.zeros((self.colleges.n, N_SECTORS), dtype=bool)
        out[self.ties.college[rows], self.firms.sector[self.ties.firm[rows]]] = True
        return out

    # -------------------------------------------------------- phase 3
    def slots(self, firms: np.ndarray) -> np.ndarray:
        """Student places per year a tie of each given firm offers (real students)."""
        lo, hi = SLOTS_PER_100_EMPLOYEES_BOUNDS
        return self.params.economy.interns_per_tie * np.clip(
            self.firms.employees[firms] / 100.0, lo, hi)

    def uptake(self) -> float:
        """Share of students accepting an apprenticeship slot (credits raise, bonds lower it)."""
        b, p = self.params.behaviour, self.params.policy
        base = b.apprentice_uptake_base
        return (base + (1 - base) * p.credit_conversion) * (1 - b.bond_aversion
                                                           * p.retention_support)

    def _final_year(self) -> np.ndarray:
        s = self.students
        return np.flatnonzero(s.active & (s.year == self.params.world.program_years - 1))

    def place_students(self) -> None:
        """Place final-year students with the ties of their college and major."""
        s = self.students
        s.tie[:] = -1
        s.placement[:] = -1
        final = self._final_year()
        rows = self.ties.active_rows()
        if rows.size == 0 or final.size == 0:
            self._placed_real = 0.0
            return
        rng = self.streams.placement
        scale = self.params.world.student_scale
        cell_of_tie = self.ties.college[rows] * N_SECTORS + self.firms.sector[self.ties.firm[rows]]
        cell_of_student = s.college[final] * N_SECTORS + s.sector[final]
        tie_slots = self.slots(self.ties.firm[rows])
        uptake = self.uptake()
        order = np.argsort(cell_of_tie, kind="stable")
        cells, starts = np.unique(cell_of_tie[order], return_index=True)
        ends = np.append(starts[1:], order.size)
        s_order = np.argsort(cell_of_student, kind="stable")
        s_sorted = cell_of_student[s_order]
        s_starts = np.searchsorted(s_sorted, cells, side="left")
        s_ends = np.searchsorted(s_sorted, cells, side="right")
        u_place = rng.random(final.size)
        u_tie = rng.random(final.size)
        u_app = rng.random(final.size)
        for a, b, sa, sb in zip(starts, ends, s_starts, s_ends, strict=True):
            if sb == sa:
                continue
            members = s_order[sa:sb]
            tie_rows = rows[order[a:b]]
            w = tie_slots[order[a:b]]
            p_place = min(1.0, w.sum() / (members.size * scale))
            placed = members[u_place[members] < p_place]
            cum = np.cumsum(w) / w.sum()
            which = np.minimum(np.searchsorted(cum, u_tie[placed], side="right"), w.size - 1)
            chosen = tie_rows[which]
            slot_ids = final[placed]
            s.tie[slot_ids] = chosen
            deep = self.ties.rung[chosen] >= JOINT_TRAINING
            s.placement[slot_ids] = np.where(deep & (u_app[placed] < uptake), APPRENTICE, INTERN)
        self._placed_real = float(np.count_nonzero(s.placement >= 0)) * scale

    # -------------------------------------------------------- phase 4
    def teaching_quality(self) -> dict[str, np.ndarray]:
        """Teaching quality per college and sector: practice, theory, research (0-1)."""
        if self._quality_cache is not None:
            return self._quality_cache
        t, n = self.teachers, self.colleges.n
        w = t.teaching_weight()
        cell = t.college * N_SECTORS + t.sector
        size = n * N_SECTORS
        wsum = np.bincount(cell, weights=w, minlength=size)
        college_w = np.bincount(t.college, weights=w, minlength=n)

        def cell_mean(x, fallback):
            m = np.divide(np.bincount(cell, weights=w * x, minlength=size), wsum,
                          out=np.zeros(size), where=wsum > 0).reshape(n, N_SECTORS)
            return np.where(wsum.reshape(n, N_SECTORS) > 0, m, fallback[:, None])

        theory_c = np.bincount(t.college, weights=w * t.theory, minlength=n) / college_w
        practice_c = np.bincount(t.college, weights=w * t.practice, minlength=n) / college_w
        research_c = np.bincount(t.college, weights=w * t.research, minlength=n) / college_w
        capability = self._rd_capability(cell, size).reshape(n, N_SECTORS)
        self._quality_cache = {
            "practice": cell_mean(t.practice, practice_c),
            "research": cell_mean(t.research, research_c),
            "theory": theory_c,
            "capability": capability,
        }
        return self._quality_cache

    def _rd_capability(self, cell: np.ndarray, size: int) -> np.ndarray:
        t = self.teachers
        score = np.sqrt(t.research * t.practice)
        out = np.zeros(size)
        order = np.lexsort((score, cell))
        cells, starts, counts = np.unique(cell[order], return_index=True, return_counts=True)
        for c, a, k in zip(cells, starts, counts, strict=True):
            top = score[order[a + int(RD_TEAM_QUANTILE * k): a + k]]
            out[c] = top.mean() if top.size else score[order[a:a + k]].mean()
        return out

    def students_learn(self) -> None:
        """Skills move toward what teaching, equipment and placements offer; they age."""
        s, p = self.students, self.params
        idx = np.flatnonzero(s.active)
        q = self.teaching_quality()
        c, sec = s.college[idx], s.sector[idx]
        facility = self.colleges.facility[c]
        target = np.empty((idx.size, 3))
        target[:, 0] = 0.5 * (q["practice"][c, sec] + facility)
        target[:, 1] = 0.5 * (q["theory"][c] + facility)
        target[:, 2] = 0.5 * (q["research"][c, sec] + q["practice"][c, sec])
        target *= s.aptitude[idx, None]
        place = s.placement[idx]
        placed = place >= 0
        if placed.any():
            b = p.behaviour
            quality = TRAINING_QUALITY[place[placed]] * np.where(
                place[placed] == APPRENTICE,
                1.0 - b.cheap_labour_risk * p.policy.credit_conversion, 1.0)
            target[placed, 0] = np.maximum(target[placed, 0], quality)
            lost = np.where(place[placed] == APPRENTICE,
                            b.coursework_loss * (1.0 - p.policy.credit_conversion), 0.0)
            target[placed, 1] *= 1.0 - lost
            rd = self.ties.rung[s.tie[idx[placed]]] >= JOINT_RD
            target[placed, 2] = np.where(rd, np.maximum(target[placed, 2], RD_EXPOSURE),
                                         target[placed, 2])
        rate = min(1.0, p.behaviour.student_learning_rate * self.dt)
        skills = s.skills[idx] + rate * (target - s.skills[idx])
        s.skills[idx] = np.clip(skills / self.obsolescence[sec][:, None], 0.0, 1.0)

    # -------------------------------------------------------- phase 5
    def tie_context(self, colleges: np.ndarray, firms: np.ndarray,
                    extra_slots: bool = False) -> TieContext:
        """Inputs of the enterprise payoff for the given (college, firm) pairs.

        ``extra_slots`` treats the pairs as new ties joining their cells (for entry choices).
        """
        p = self.params
        scale = p.world.student_scale
        sec = self.firms.sector[firms]
        slots = self.slots(firms)
        final = self._final_year()
        n_cells = self.colleges.n * N_SECTORS
        s = self.students
        students_cell = np.bincount(s.college[final] * N_SECTORS + s.sector[final],
                                    minlength=n_cells) * scale
        rows = self.ties.active_rows()
        slots_cell = np.bincount(
            self.ties.college[rows] * N_SECTORS + self.firms.sector[self.ties.firm[rows]],
            weights=self.slots(self.ties.firm[rows]), minlength=n_cells)
        cell = colleges * N_SECTORS + sec
        demand = slots_cell[cell] + (slots if extra_slots else 0.0)
        fill = np.minimum(1.0, np.divide(students_cell[cell], demand,
                                         out=np.zeros(cell.size), where=demand > 0))
        quality_cell = np.divide(
            np.bincount(s.college[final] * N_SECTORS + s.sector[final],
                        weights=s.composite(final), minlength=n_cells),
            students_cell / scale, out=np.zeros(n_cells), where=students_cell > 0)
        q = self.teaching_quality()
        vacancies = self.firms.vacancies(p.economy.hire_rate, self.demand_index)[firms]
        expected_recruits = slots * fill * PARTNER_HIRE_PROB[APPRENTICE]
        vacancy_factor = np.minimum(1.0, np.divide(vacancies, expected_recruits,
                                                   out=np.ones(cell.size),
                                                   where=expected_recruits > 0))
        same_city = self.colleges.city[colleges] == self.firms.city[firms]
        return TieContext(
            slots=slots, fill=fill, uptake=np.full(cell.size, self.uptake()),
            vacancy_factor=vacancy_factor, retention=self.firms.belief_retention[firms],
            quality=quality_cell[cell],
            capability=capability_match(q["capability"][colleges, sec],
                                        self.firms.absorptive[firms]),
            rd_scale=rd_size_factor(self.firms.employees[firms]),
            expert_quality=q["practice"][colleges, sec] / 0.5,
            payback_years=self.firms.payback[firms], payout=self.firms.belief_payout[firms],
            apprentice_cost_cut=p.economy.shared_base_cost_cut
            * self.sb_effect[self.firms.city[firms]],
            governance_cut=p.policy.consortium_strength * same_city)

    def switching_cost(self, colleges: np.ndarray, firms: np.ndarray) -> np.ndarray:
        """One-off search and transaction cost of a new tie or a climb (CNY thousand)."""
        same_city = self.colleges.city[colleges] == self.firms.city[firms]
        return self.params.economy.search_cost * (1.0 - self.params.policy.consortium_strength
                                                  * same_city)

    def decide_ties(self) -> None:
        """New ties, climbs agreed by both sides, and firms' reviews of their ties."""
        self._new_ties()
        self._climbs()
        self._reviews()

    def _new_ties(self, initial: bool = False) -> None:
        p = self.params
        b = p.behaviour
        k = b.contacts_per_college
        if k == 0:
            return
        rng = self.streams.contacts
        pairs_c, pairs_f = [], []
        partners = self.ties.partners_by_college(self.colleges.n)
        for i in range(self.colleges.n):
            eligible = self.colleges.offers[i][self.firms.sector]
            weight = np.where(self.firms.city == self.colleges.city[i], 1.0,
                              1.0 - b.distance_penalty) * eligible
            weight[partners[i]] = 0.0
            n_pos = int(np.count_nonzero(weight))
            if n_pos == 0:
                continue
            chosen = rng.choice(self.firms.n, size=min(k, n_pos), replace=False,
                                p=weight / weight.sum())
            pairs_c.extend([i] * chosen.size)
            pairs_f.extend(chosen.tolist())
        if not pairs_c:
            return
        cols, firms = np.array(pairs_c), np.array(pairs_f)
        ctx = self.tie_context(cols, firms, extra_slots=True)
        gain_e = enterprise_payoff(0, ctx, self.terms)
        if not initial:
            gain_e = gain_e - self.switching_cost(cols, firms)
        u_c = college_utility(0, self.college_terms)
        beta = b.choice_intensity
        p_accept = accept_probability(u_c, beta) * accept_probability(gain_e, beta)
        accepted = self.streams.entry.random(cols.size) < p_accept
        trust0 = b.initial_trust * (1.0 + p.policy.consortium_strength
                                    * (self.colleges.city[cols] == self.firms.city[firms]))
        for i, j, t0 in zip(cols[accepted], firms[accepted], trust0[accepted], strict=True):
            self.ties.start(int(i), int(j), float(min(t0, 1.0)))

    def _climbs(self) -> None:
        b = self.params.behaviour
        rows = self.ties.active_rows()
        if rows.size == 0:
            self._willing["college"].append((0, 0))
            self._willing["enterprise"].append((0, 0))
            return
        cols, firms = self.ties.college[rows], self.ties.firm[rows]
        ctx = self.tie_context(cols, firms)
        rung = self.ties.rung[rows]
        feasible = climb_feasible(rung, self.ties.trust[rows], ctx.capability, b.trust_step,
                                  b.rd_capability_threshold)
        up = np.minimum(rung + 1, JOINT_RD)
        gain_e = (enterprise_payoff(up, ctx, self.terms) - enterprise_payoff(rung, ctx, self.terms)
                  - self.switching_cost(cols, firms) * ~self._hosts_professor(cols, firms))
        gain_c = college_utility(up, self.college_terms) - college_utility(rung, self.college_terms)
        beta = b.choice_intensity
        u = self.streams.climb.random((rows.size, 2))
        yes_e = u[:, 0] < accept_probability(gain_e, beta)
        yes_c = u[:, 1] < accept_probability(gain_c, beta)
        n_feasible = int(feasible.sum())
        self._willing["college"].append((int((yes_c & feasible).sum()), n_feasible))
        self._willing["enterprise"].append((int((yes_e & feasible).sum()), n_feasible))
        climb = feasible & yes_e & yes_c
        self.ties.rung[rows[climb]] += 1

    def _hosts_professor(self, cols: np.ndarray, firms: np.ndarray) -> np.ndarray:
        t = self.teachers
        hosts = set(zip(t.college[t.professor].tolist(), t.firm[t.professor].tolist(),
                        strict=True))
        return np.array([(int(c), int(f)) in hosts for c, f in zip(cols, firms, strict=True)],
                        dtype=bool)

    def _reviews(self) -> None:
        b = self.params.behaviour
        rows = self.ties.active_rows()
        if rows.size == 0:
            return
        rng = self.streams.review
        p_review = 1.0 - math.exp(-b.review_rate * self.dt)
        u = rng.random((rows.size, 2))
        reviewing = rows[u[:, 0] < p_review]
        if reviewing.size == 0:
            return
        u_choice = u[u[:, 0] < p_review, 1]
        cols, firms = self.ties.college[reviewing], self.ties.firm[reviewing]
        ctx = self.tie_context(cols, firms)
        rung = self.ties.rung[reviewing]
        options = np.column_stack([
            np.zeros(reviewing.size),                                   # end the tie
            enterprise_payoff(np.maximum(rung - 1, 0), ctx, self.terms),  # step down
            enterprise_payoff(rung, ctx, self.terms),                    # keep
        ])
        available = np.column_stack([np.ones(reviewing.size, bool), rung > 0,
                                     np.ones(reviewing.size, bool)])
        probs = logit_choice_probabilities(options, b.choice_intensity, available)
        choice = draw_choices(probs, u_choice)
        end = reviewing[choice == 0]
        self.ties.active[end] = False
        self.ties.rung[reviewing[choice == 1]] -= 1

    # -------------------------------------------------------- phase 6
    def claim_public_money(self) -> None:
        """Claim every lever's spending of this step on the public budget."""
        p, dt, ledger = self.params, self.dt, self.ledger
        pol, eco, w = p.policy, p.economy, p.world
        t = self.teachers
        ledger.claim("intern_subsidy", pol.intern_subsidy * self._placed_real * dt * MONEY_K_TO_M)
        ledger.claim("teacher_practice", eco.teacher_replacement_cost * w.teacher_scale
                     * float(t.logged.sum()) * dt * MONEY_K_TO_M)
        ledger.claim("industry_professors", eco.industry_professor_stipend * w.teacher_scale
                     * float(t.professor.sum()) * dt * MONEY_K_TO_M)
        ledger.claim("consortium", pol.consortium_strength * eco.consortium_running_cost
                     * w.n_cities * dt)
        ledger.claim("shared_bases", pol.shared_base_investment * w.n_cities * dt)
        rows = self.ties.active_rows()
        s = self.students
        tie_of = s.tie[s.placement >= 0]
        kind = s.placement[s.placement >= 0]
        apprentices = np.bincount(tie_of[kind == APPRENTICE], minlength=self.ties.college.size)
        interns = np.bincount(tie_of[kind == INTERN], minlength=self.ties.college.size)
        rung = self.ties.rung[rows]
        app_real = apprentices[rows] * w.student_scale
        rd_outlay = eco.rd_project_cost * (1 - pol.rd_cofunding)
        qualifying = (np.where(rung >= JOINT_TRAINING, app_real * eco.apprentice_gross_cost, 0.0)
                      + np.where(rung >= JOINT_RD, rd_outlay, 0.0))
        es = w.enterprise_scale
        ledger.claim("tax_credit", pol.tax_credit * qualifying.sum() * es * dt * MONEY_K_TO_M)
        n_rd = int((rung >= JOINT_RD).sum())
        ledger.claim("rd_cofunding", pol.rd_cofunding * eco.rd_project_cost * n_rd * es * dt
                     * MONEY_K_TO_M)
        income = (eco.expert_exchange_value * (rung >= 1)
                  + eco.rd_project_cost * eco.rd_college_share * (rung >= JOINT_RD))
        funding = np.bincount(self.ties.college[rows], weights=pol.contribution_evaluation
                              * income * es * dt * MONEY_K_TO_M, minlength=self.colleges.n)
        ledger.claim("contribution_funding", float(funding.sum()))
        self._funding_claimed = funding
        # The firm's realised cash flow of this step, per tie (CNY thousand), for trust.
        placed_ctx = self.tie_context(self.ties.college[rows], self.ties.firm[rows])
        cost = (interns[rows] * w.student_scale * eco.intern_net_cost
                + app_real * apprentice_net_cost(self.terms, placed_ctx.apprentice_cost_cut)
                + np.where(rung >= 1, eco.expert_exchange_cost
                           - eco.expert_exchange_value * placed_ctx.expert_quality, 0.0)
                + np.where(rung >= JOINT_RD, rd_outlay, 0.0)
                + rung * eco.governance_cost * (1 - placed_ctx.governance_cut))
        paid = self.ledger.last_payout * (
            pol.intern_subsidy * (interns[rows] + apprentices[rows]) * w.student_scale
            + pol.tax_credit * qualifying)
        self.ties.net[rows] += (paid - cost) * dt

    # -------------------------------------------------------- phase 7
    def end_academic_year(self) -> None:
        """Graduation, hiring and poaching; trust and expectations; majors; enrolment."""
        self.colleges.performance_funding = self._funding_year
        self._funding_year = np.zeros(self.colleges.n)
        self._graduate()
        self._update_nontraining()
        self._adjust_majors()
        self._enrol()

    def _graduate(self) -> None:
        p = self.params
        w, b, eco, pol = p.world, p.behaviour, p.economy, p.policy
        s = self.students
        final = self._final_year()
        scale = w.student_scale
        if final.size == 0:
            return
        rng = self.streams.hiring
        qualified = s.composite(final) >= b.skill_requirement
        kind = s.placement[final]
        tie = s.tie[final]
        placed = kind >= 0
        firm = np.where(placed, self.ties.firm[np.maximum(tie, 0)], -1)
        # Partner hiring, capped by each firm's vacancies.
        p_hire = np.where(placed, PARTNER_HIRE_PROB[np.maximum(kind, 0)], 0.0) * qualified
        vac = self.firms.vacancies(eco.hire_rate, self.demand_index)
        expected = np.bincount(firm[placed], weights=p_hire[placed] * scale,
                               minlength=self.firms.n)
        vf = np.minimum(1.0, np.divide(vac, expected, out=np.ones(self.firms.n),
                                       where=expected > 0))
        u = rng.random((final.size, 2))
        hired = placed & (u[:, 0] < p_hire * vf[np.maximum(firm, 0)])
        # The regional market for the rest: vacancies by sector demand share.
        grads_real = final.size * scale
        demand_share = self.demand_index * FIRM_SECTOR_WEIGHTS
        demand_share = demand_share / demand_share.sum()
        sec = s.sector[final]
        vac_sector = eco.vacancies_per_graduate * grads_real * demand_share
        vac_sector -= np.bincount(sec[hired], minlength=N_SECTORS) * scale
        seekers = ~hired & qualified
        n_seek = np.bincount(sec[seekers], minlength=N_SECTORS) * scale
        p_market = np.minimum(1.0, np.divide(np.maximum(vac_sector, 0), n_seek,
                                             out=np.zeros(N_SECTORS), where=n_seek > 0))
        matched = hired | (seekers & (u[:, 1] < p_market[sec]))
        # Poaching of partner hires within a year.
        covered = hired & (kind == APPRENTICE)
        h_idx = np.flatnonzero(hired)
        hazard = poaching_hazard(
            self.nontrain_share[self.firms.city[firm[h_idx]], sec[h_idx]], b.poach_base,
            b.poach_free_rider, np.where(covered[h_idx], pol.retention_support, 0.0))
        stays = self.streams.retention.random(h_idx.size) >= hazard
        self.ledger.claim("retention_support", pol.retention_support
                          * eco.retention_agreement_cost * covered.sum() * scale * MONEY_K_TO_M)
        # Realised value of retained recruits to each tie (CNY thousand).
        value = (eco.recruit_value * s.composite(final[h_idx])
                 * np.where(kind[h_idx] == APPRENTICE, 1.0 + eco.firm_specific_premium, 1.0)
                 * stays * scale)
        np.add.at(self.ties.net, tie[h_idx], value)
        # Joint R&D outcomes of the year.
        rows = self.ties.active_rows()
        rd_rows = rows[self.ties.rung[rows] >= JOINT_RD]
        if rd_rows.size:
            ctx = self.tie_context(self.ties.college[rd_rows], self.ties.firm[rd_rows])
            success = self.streams.rd.random(rd_rows.size) < ctx.capability
            self.ties.net[rd_rows] += eco.rd_value * ctx.rd_scale * success
        self._update_trust(rows)
        # Expectations: retention (hazard inferred net of agreements) and payout.
        leaves = np.bincount(firm[h_idx], weights=~stays, minlength=self.firms.n)
        exposure = np.bincount(firm[h_idx], weights=np.where(
            covered[h_idx], 1.0 - pol.retention_support, 1.0), minlength=self.firms.n)
        has_obs = exposure > 0
        observed = 1.0 - np.clip(np.divide(leaves, exposure, out=np.zeros(self.firms.n),
                                           where=has_obs), 0, 1)
        f = self.firms
        f.belief_retention = adapt(f.belief_retention, observed, b.belief_learning_rate, has_obs)
        group = f.city * N_SECTORS + f.sector
        peer_rate = b.peer_learning * (0.5 + 0.5 * pol.consortium_strength)
        peers = peer_average(f.belief_retention, group, w.n_cities * N_SECTORS,
                             weights=(self.highest_rung_of_firms() >= 0).astype(float))
        f.belief_retention = adapt(f.belief_retention, peers, peer_rate)
        f.belief_payout = adapt(f.belief_payout, np.full(f.n, self.ledger.last_payout),
                                b.belief_learning_rate)
        # Outcomes for reporters and for the adjustment of majors.
        self.last_graduation = {
            "match_rate": float(matched.mean()),
            "retention": float(stays.mean()) if stays.size else
            self.last_graduation.get("retention", math.nan),
        }
        cell = s.college[final] * N_SECTORS + sec
        n_cells = self.colleges.n * N_SECTORS
        cnt = np.bincount(cell, minlength=n_cells)
        rate = np.divide(np.bincount(cell, weights=matched, minlength=n_cells), cnt,
                         out=np.full(n_cells, np.nan), where=cnt > 0)
        self.colleges.match_rate = rate.reshape(self.colleges.n, N_SECTORS)
        s.graduate(final)
        self.graduated_total += int(final.size)

    def _update_trust(self, rows: np.ndarray) -> None:
        b = self.params.behaviour
        good = self.ties.net[rows] >= 0
        trust = self.ties.trust[rows]
        gain = b.trust_gain * (1 + 0.5 * self._hosts_professor(self.ties.college[rows],
                                                               self.ties.firm[rows]))
        self.ties.trust[rows] = np.clip(np.where(good, trust + gain * (1 - trust),
                                                 trust * (1 - b.trust_decay)), 0, 1)
        self.ties.age[rows] += 1.0
        self.ties.net[:] = 0.0

    def _update_nontraining(self) -> None:
        w = self.params.world
        f = self.firms
        group = f.city * N_SECTORS + f.sector
        n = w.n_cities * N_SECTORS
        training = self.highest_rung_of_firms() >= 0
        total = np.bincount(group, minlength=n)
        free = np.bincount(group, weights=~training, minlength=n)
        self.nontrain_share = np.divide(free, total, out=np.ones(n),
                                        where=total > 0).reshape(w.n_cities, N_SECTORS)

    def _adjust_majors(self) -> None:
        p = self.params
        rate = p.policy.major_adjustment_rate
        c = self.colleges
        if rate <= 0:
            return
        demand = self.demand_index * FIRM_SECTOR_WEIGHTS
        demand = demand / demand.sum()
        match = np.nan_to_num(c.match_rate, nan=0.5)
        target = np.where(c.offers, demand * (0.5 + match), 0.0)
        target /= target.sum(axis=1, keepdims=True)
        old = c.enrol_share.copy()
        c.enrol_share = old + rate * (target - old)
        # Early warning and exit; open a major for the most demanded sector lacking one.
        for i in range(c.n):
            weak = np.flatnonzero(c.offers[i] & (c.enrol_share[i] < p.behaviour.major_exit_share))
            for sct in weak:
                lacking = np.flatnonzero(~c.offers[i])
                if lacking.size == 0:
                    break
                new = lacking[np.argmax(demand[lacking])]
                c.offers[i, sct], c.offers[i, new] = False, True
                c.enrol_share[i, new] = c.enrol_share[i, sct]
                c.enrol_share[i, sct] = 0.0
                moved = (self.teachers.college == i) & (self.teachers.sector == sct) \
                    & ~self.teachers.professor
                self.teachers.sector[moved] = new
                self.teachers.practice[moved] *= 0.5
        c.enrol_share /= c.enrol_share.sum(axis=1, keepdims=True)
        cohort_real = p.world.students_per_college / p.world.program_years * p.world.student_scale
        moved_places = 0.5 * np.abs(c.enrol_share - old).sum() * cohort_real
        self.ledger.claim("major_adjustment", p.economy.major_adjustment_cost * moved_places
                          * MONEY_K_TO_M)

    def _enrol(self) -> None:
        s = self.students
        s.year[s.active] += 1
        free = np.flatnonzero(~s.active)
        if free.size == 0:
            return
        rng = self.streams.enrolment
        majors = self._draw_majors(s.college[free], rng)
        skills, aptitude = self._entrants(free.size, rng)
        s.enrol(self, free, majors, skills, aptitude, year=0)
        self.enrolled_total += int(free.size)

    # -------------------------------------------------------- phase 8
    def settle(self) -> None:
        """Pay the step's claims (pro-rated within the budget)."""
        payout = self.ledger.settle(self.dt)
        self._funding_year += payout * self._funding_claimed
        self._funding_claimed = np.zeros(self.colleges.n)
