"""Year-10 outputs of a small world over 20 seeds, as the reference for
tests/test_partner_search.py.

The reference was first the version before the cell-based partner search (issue 14, item 2:
the new search kept every year-10 mean within 4 standard errors of it, 20 seeds). It was
moved to the merged model of 2026-12-02 (chosen intake, calibrated defaults, independent
contacts), and then to model version 3 (one semantics for firm weights: contacts with real
firms), and then to model version 4 (interns and apprentices chosen apart, trainees'
productivity, new calibrated defaults; the tree named in the JSON), so the test now guards
any later change of the search's draws against the same margins.

Regenerate only to move the reference to a new model version, with the tree of that version
first on the path: ``PYTHONPATH=/path/to/that/tree python tests/partner_search_reference.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

REFERENCE = Path(__file__).with_name("data") / "partner_search_reference.json"
WORLD = {"world.n_colleges": 5, "world.n_enterprises": 150, "world.students_per_college": 200,
         "world.teachers_per_college": 20, "run.years": 10}
"""A small status-quo world: cheap, and still many contacts per college (150 firms)."""
SEEDS = range(1, 21)
OUTPUTS = ("n_ties", "mean_rung", "enterprise_participation", "share_internship",
           "share_joint_training", "dual_qualified_share", "graduate_match_rate",
           "public_cost", "college_willingness", "enterprise_willingness")


def year10(seed: int) -> dict[str, float]:
    """The year-10 values of :data:`OUTPUTS` for one seed."""
    from sim.params import load_scenario
    from sim.run import simulate

    scn = load_scenario("status_quo").with_overrides(WORLD)
    last = simulate(scn, seed=seed, every=10 * scn.run.steps_per_year).iloc[-1]
    return {k: float(last[k]) for k in OUTPUTS}


def main() -> int:
    """Write the per-seed reference values."""
    import sim

    rows = {str(s): year10(s) for s in SEEDS}
    tree = str(Path(sim.__file__).parent.parent)  # edit to name the version (commit) used
    REFERENCE.write_text(json.dumps({"tree": tree, "world": WORLD, "values": rows}, indent=1)
                         + "\n")
    print(f"wrote {REFERENCE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
