"""The labour market of students (sim/labour.py): majors, enrolment, graduation."""

import numpy as np

from sim.labour import adjust_majors
from sim.learning import teaching_quality
from sim.model import CooperationModel
from sim.params import load_scenario


def test_teaching_quality_is_recomputed_after_majors_move_teachers():
    scn = load_scenario("status_quo", {"policy.major_adjustment_rate": 0.5,
                                       "behaviour.major_exit_share": 0.2})
    m = CooperationModel(scn, seed=3)
    m.run(years=1)
    before = teaching_quality(m)
    sectors = m.teachers.sector.copy()
    adjust_majors(m)
    assert (m.teachers.sector != sectors).any(), "the set-up must move some teachers"
    after = teaching_quality(m)
    m.quality_cache = None
    fresh = teaching_quality(m)
    assert not np.allclose(before["practice"], fresh["practice"])
    for key in fresh:
        np.testing.assert_array_equal(after[key], fresh[key])
