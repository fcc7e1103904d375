"""Seeded baseline regression: any change in model behaviour shows up as a reviewed diff.

If this fails after a deliberate change, run ``make baseline`` and commit the new
``tests/data/baseline.json`` with a message that says why the numbers moved.
"""

import json
import math

import pytest
from update_baseline import ABS_TOL, BASELINE, CASES, REL_TOL, compute


@pytest.fixture(scope="module")
def current():
    return compute()


def test_baseline_file_covers_every_case():
    saved = json.loads(BASELINE.read_text())
    assert set(saved) == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_model_matches_baseline(case, current):
    saved = json.loads(BASELINE.read_text())[case]
    now = current[case]
    assert set(now) == set(saved)
    changed = {}
    for key, value in saved.items():
        new = now[key]
        if value is None or new is None:
            if value is not new:
                changed[key] = (value, new)
        elif not math.isclose(value, new, rel_tol=REL_TOL, abs_tol=ABS_TOL):
            changed[key] = (value, new)
    assert not changed, f"behaviour changed (run `make baseline` if deliberate): {changed}"
