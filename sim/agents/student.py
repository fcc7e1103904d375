"""Students: major, cohort, skills, graduation (placements: :class:`sim.labour.Placements`).

A student slot stands for ``world.student_scale`` real students (super-individual). The
population keeps a fixed number of slots (``students_per_college`` per college) as arrays; a
graduating student's slot is reused by a new enrolment. Mesa ``Student`` agents are views
created only when something asks for them (:meth:`StudentPopulation.sync_views`, called by
``model.agents``): creating and removing an agent per student every year took half a run.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.sectors import SECTOR_NAMES

SKILLS = ("practical", "digital", "innovation")
COMPOSITE_WEIGHTS = np.array([0.5, 0.3, 0.2])
"""Weights of practical, digital and innovation skill in employability (paper 2.1 stresses
practical skill, digital labour objects and innovative thinking). Unsourced."""
ENTRY_SKILL = (0.1, 0.3)
"""Uniform range of entrants' skills (relative to the frontier). Unsourced."""
APTITUDE_RANGE = (0.7, 1.3)
"""Uniform range of students' aptitude: the multiple of the teaching target they reach."""
NONE = -1


class StudentPopulation:
    """State of all student slots.

    Attributes:
        active: slot holds an enrolled student.
        college, sector: where and what the student studies (sector of the major).
        year: year in programme (0 = first year).
        skills: (n, 3) practical, digital, innovation (0-1, relative to the frontier).
        aptitude: multiple of the teaching target a student reaches (heterogeneity).
        generation: enrolments so far in each slot (tells a view of a graduate from one of
            the slot's next student).
        views: the Mesa agent (view) of a slot, for slots whose view was asked for.

    """

    def __init__(self, n_colleges: int, per_college: int):
        n = n_colleges * per_college
        self.n = n
        self.active = np.zeros(n, dtype=bool)
        self.college = np.repeat(np.arange(n_colleges), per_college)
        self.sector = np.zeros(n, dtype=np.int64)
        self.year = np.zeros(n, dtype=np.int64)
        self.skills = np.zeros((n, len(SKILLS)))
        self.aptitude = np.ones(n)
        self.generation = np.zeros(n, dtype=np.int64)
        self.views: dict[int, Student] = {}
        self._synced: tuple[np.ndarray, np.ndarray] | None = None  # active, generation at sync

    def enrol(self, model: mesa.Model, slots: np.ndarray, sectors: np.ndarray,
              skills: np.ndarray, aptitude: np.ndarray, year: int | np.ndarray = 0) -> None:
        """Enrol new students into free ``slots`` with majors, entry skills and aptitude."""
        self.active[slots] = True
        self.aptitude[slots] = aptitude
        self.sector[slots] = sectors
        self.year[slots] = year
        self.skills[slots] = skills
        self.generation[slots] += 1

    def graduate(self, slots: np.ndarray) -> None:
        """Graduating students leave: their slots free up (views are dropped at the next sync)."""
        self.active[slots] = False

    def sync_views(self, model: mesa.Model) -> None:
        """Make the registered ``Student`` agents exactly the views of the active students.

        Nothing to do (two array comparisons, no loop over the students) while no student has
        enrolled or left since the last call: every read of ``model.agents`` syncs, and a
        national model has 850,850 student slots.
        """
        if (self._synced is not None and np.array_equal(self._synced[0], self.active)
                and np.array_equal(self._synced[1], self.generation)):
            return
        for slot, view in list(self.views.items()):
            if not self.active[slot] or view.generation != self.generation[slot]:
                view.remove()
                del self.views[slot]
        for slot in np.flatnonzero(self.active):
            if int(slot) not in self.views:
                self.views[int(slot)] = Student(model, int(slot))
        self._synced = (self.active.copy(), self.generation.copy())

    def composite(self, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Employability: weighted mean of the three skills."""
        return self.skills[rows] @ COMPOSITE_WEIGHTS


class Student(mesa.Agent):
    """A student agent (a view of one slot of :class:`StudentPopulation`, made on demand)."""

    def __init__(self, model: mesa.Model, slot: int):
        super().__init__(model)
        self.slot = int(slot)
        self.generation = int(model.students.generation[self.slot])

    @property
    def major(self) -> str:
        """Sector the major trains for."""
        return SECTOR_NAMES[self.model.students.sector[self.slot]]

    @property
    def cohort_year(self) -> int:
        """Year in programme (0 = first year)."""
        return int(self.model.students.year[self.slot])

    @property
    def skills(self) -> dict[str, float]:
        """Practical, digital and innovation skill."""
        row = self.model.students.skills[self.slot]
        return dict(zip(SKILLS, map(float, row), strict=True))
