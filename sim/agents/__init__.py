"""Mesa agents of ieisim: colleges, enterprises, teachers and students.

Each kind's state lives in a population of numpy arrays (one source of truth, updated
vectorised by the model's phases); each Mesa agent is a light view of one row that exposes
that state under names a policy researcher recognises.
"""

from sim.agents.college import College, CollegePopulation
from sim.agents.enterprise import Enterprise, EnterprisePopulation
from sim.agents.student import Student, StudentPopulation
from sim.agents.teacher import Teacher, TeacherPopulation

__all__ = ["College", "CollegePopulation", "Enterprise", "EnterprisePopulation", "Student",
           "StudentPopulation", "Teacher", "TeacherPopulation"]
