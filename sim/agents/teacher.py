"""Teachers: full-time teachers and part-time industry professors from enterprises."""

from __future__ import annotations

import mesa
import numpy as np

from sim.decisions import event_probability, relax, teacher_effort

FULL_TIME_SKILLS = {"theory": (0.55, 0.9), "practice": (0.4, 0.8), "research": (0.2, 0.6)}
"""Uniform ranges of full-time teachers' initial skills (relative to the frontier); the
practice range puts about half of the teachers above the default dual-qualified threshold,
near the MOE 2022 figure of 55%. Unsourced otherwise."""
PROFESSOR_SKILLS = {"theory": 0.35, "practice": 0.85, "research": 0.35}
"""Skills of an industry professor: current practice, weaker theory teaching. Unsourced."""
ELITE_RESEARCH_BONUS = 0.1
"""Extra initial research skill in Double High colleges. Unsourced."""
PROFESSOR_TEACHING_WEIGHT = 0.5
"""An industry professor teaches half a full-time load (part-time)."""
PRACTICE_FLOOR = 0.4
"""Practice skill a teacher keeps from teaching alone, without any enterprise practice."""
NO_PARTNER_EFFECT = 0.5
"""Effectiveness of practice where the college has no partner firm in the teacher's sector."""
LOG_MEMORY_YEARS = 5.0
"""Years over which logged practice counts for dual-qualified certification (MOE 2016: six
months in every five years)."""
MIN_LOGGED_SHARE = 0.03
"""Logged practice share over the memory needed for certification. Unsourced."""


class TeacherPopulation:
    """State of all teachers, one row each (full-time first, then industry professors).

    Attributes:
        college, sector: where and what they teach.
        professor: True for part-time industry professors.
        firm: real firm an industry professor comes from (:attr:`sim.network.TieTable.real`;
            -1 for full-time teachers).
        theory, practice, research: skills relative to the frontier (0-1).
        genuine, logged: current shares of time in enterprise practice (real, and on paper).
        logged_avg: exponentially weighted logged share over ``LOG_MEMORY_YEARS``.

    """

    def __init__(self, scn, colleges, firms, rng: np.random.Generator):
        w, p = scn.world, scn.policy
        per = w.teachers_per_college
        n_ft = colleges.n * per
        college = np.repeat(np.arange(colleges.n), per)
        sector = np.empty(n_ft, dtype=np.int64)
        for i in range(colleges.n):
            offered = np.flatnonzero(colleges.offers[i])
            share = colleges.enrol_share[i, offered]
            sector[i * per:(i + 1) * per] = rng.choice(offered, size=per, p=share / share.sum())
        lo, hi = np.array([FULL_TIME_SKILLS[k] for k in ("theory", "practice", "research")]).T
        skills = lo + (hi - lo) * rng.random((n_ft, 3))
        skills[:, 2] += ELITE_RESEARCH_BONUS * colleges.tier[college]
        # Industry professors are hired over time (sim.professors); none at the start.
        prof_college = np.zeros(0, dtype=np.int64)
        prof_sector = np.zeros(0, dtype=np.int64)
        prof_firm = np.zeros(0, dtype=np.int64)
        self.college = np.concatenate([college, prof_college])
        self.sector = np.concatenate([sector, prof_sector])
        self.professor = np.concatenate([np.zeros(n_ft, bool), np.ones(prof_college.size, bool)])
        self.firm = np.concatenate([np.full(n_ft, -1, dtype=np.int64), prof_firm])
        prof = np.array([PROFESSOR_SKILLS[k] for k in ("theory", "practice", "research")])
        all_skills = np.vstack([skills, np.tile(prof, (prof_college.size, 1))])
        self.theory, self.practice, self.research = (np.clip(all_skills[:, k], 0, 1)
                                                     for k in range(3))
        self.genuine = np.zeros(self.college.size)
        self.logged = np.zeros(self.college.size)
        self.logged_avg = np.full(self.college.size, p.teacher_practice_requirement)
        self.n = self.college.size
        self.n_full_time = n_ft

    def add_professors(self, colleges: np.ndarray, firms: np.ndarray,
                       sectors: np.ndarray) -> None:
        """Append industry professors hired by ``colleges`` from real firms ``firms``.

        They teach ``sectors``,
        start with :data:`PROFESSOR_SKILLS` and have no enterprise-practice log.
        """
        k = np.asarray(colleges).size
        if k == 0:
            return
        self.college = np.concatenate([self.college, colleges]).astype(np.int64)
        self.sector = np.concatenate([self.sector, sectors]).astype(np.int64)
        self.firm = np.concatenate([self.firm, firms]).astype(np.int64)
        self.professor = np.concatenate([self.professor, np.ones(k, bool)])
        for name in ("theory", "practice", "research"):
            setattr(self, name, np.concatenate([getattr(self, name),
                                                np.full(k, PROFESSOR_SKILLS[name])]))
        for name in ("genuine", "logged", "logged_avg"):
            setattr(self, name, np.concatenate([getattr(self, name), np.zeros(k)]))
        self.n = self.college.size

    def remove(self, rows: np.ndarray) -> None:
        """Drop the teachers in ``rows`` (industry professors who leave)."""
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return
        keep = np.ones(self.n, bool)
        keep[rows] = False
        for name in ("college", "sector", "firm", "professor", "theory", "practice", "research",
                     "genuine", "logged", "logged_avg"):
            setattr(self, name, getattr(self, name)[keep])
        self.n = self.college.size

    def teaching_weight(self) -> np.ndarray:
        """Teaching load of each teacher relative to a full-time teacher."""
        return np.where(self.professor, PROFESSOR_TEACHING_WEIGHT, 1.0)

    def allocate_effort(self, reward: float, scn) -> None:
        """Split full-time teachers' free time between practice and research (phase 2)."""
        b, p = scn.behaviour, scn.policy
        genuine, logged = teacher_effort(self.practice, self.research, reward,
                                         p.teacher_practice_requirement,
                                         b.teacher_effort_sensitivity, b.practice_max_share,
                                         b.gaming_share)
        self.genuine = np.where(self.professor, 0.0, genuine)
        self.logged = np.where(self.professor, 0.0, logged)

    def learn(self, scn, has_partner: np.ndarray, obsolescence: np.ndarray, dt: float) -> None:
        """Update skills over ``dt`` years (phase 2).

        Practice skill moves toward ``floor + (1 - floor) * min(1, genuine / reference)``
        (less where the college has no partner firm in the sector); research skill toward
        ``min(1, research time / reference)``; both age with the sector's frontier. Industry
        professors stay current in their firm.
        """
        b = scn.behaviour
        ageing = np.log(obsolescence[self.sector]) / dt  # skill lost to the frontier, per year
        effect = np.where(has_partner, 1.0, NO_PARTNER_EFFECT)
        target_p = PRACTICE_FLOOR + (1.0 - PRACTICE_FLOOR) * np.minimum(
            1.0, self.genuine * effect / b.practice_reference)
        target_p = np.where(self.professor, PROFESSOR_SKILLS["practice"], target_p)
        free = 1.0 - b.teaching_share
        nominal = self.logged - self.genuine
        research_time = np.clip(free - self.genuine - 0.5 * nominal, 0.0, None)
        target_r = np.minimum(1.0, research_time / b.research_reference)
        target_r = np.where(self.professor, PROFESSOR_SKILLS["research"], target_r)
        rate = b.skill_learning_rate
        self.practice = np.clip(relax(self.practice, target_p, rate, ageing, dt), 0.0, 1.0)
        self.research = np.clip(relax(self.research, target_r, rate, 0.0, dt), 0.0, 1.0)
        memory = event_probability(1.0 / LOG_MEMORY_YEARS, dt)
        self.logged_avg = self.logged_avg + memory * (self.logged - self.logged_avg)

    def dual_qualified(self, scn) -> np.ndarray:
        """Dual-qualified ("double-teacher") status: practice skill and logged practice."""
        return ((self.practice >= scn.behaviour.dual_qualified_skill)
                & (self.logged_avg >= MIN_LOGGED_SHARE - 1e-12))


class Teacher(mesa.Agent):
    """A teacher (a view of one row of :class:`TeacherPopulation`)."""

    def __init__(self, model: mesa.Model, index: int):
        super().__init__(model)
        self.index = int(index)

    @property
    def industry_professor(self) -> bool:
        """True for a part-time industry professor."""
        return bool(self.model.teachers.professor[self.index])

    @property
    def skills(self) -> dict[str, float]:
        """Theory, practice and research skill (relative to the frontier)."""
        t = self.model.teachers
        return {"theory": float(t.theory[self.index]), "practice": float(t.practice[self.index]),
                "research": float(t.research[self.index])}

    @property
    def dual_qualified(self) -> bool:
        """Whether the teacher counts as dual-qualified now."""
        return bool(self.model.teachers.dual_qualified(self.model.params)[self.index])
