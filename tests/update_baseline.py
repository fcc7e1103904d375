"""Regenerate the seeded baseline that tests/test_baseline.py compares against.

Run after a deliberate change of model behaviour (``make baseline``) and review the diff of
``tests/data/baseline.json`` in the commit: every change in behaviour shows up there.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BASELINE = Path(__file__).with_name("data") / "baseline.json"
RUN_HASHES = Path(__file__).with_name("data") / "run_hashes.json"
HASH_CASES = {  # name -> (scenario, seed, years): every table of these runs, hashed
    "status_quo_1": ("status_quo", 1, 10),
    "status_quo_2": ("status_quo", 2, 10),
    "reform_package_3": ("reform_package", 3, 10),
    "classroom_7": ("classroom", 7, 15),
}
RUN_TABLES = ("timeseries", "enterprises", "colleges", "ties")
CASES = {  # name -> (scenario, seed, years)
    "status_quo": ("status_quo", 20251125, 10),
    "reform_package": ("reform_package", 20251125, 10),
    "classroom": ("classroom", 7, 15),
}


def compute() -> dict:
    """Final values of every reporter for each baseline case."""
    from sim.run import simulate

    out = {}
    for name, (scenario, seed, years) in CASES.items():
        last = simulate(scenario, seed=seed, years=years).iloc[-1]
        out[name] = {k: (None if v != v else float(v)) for k, v in last.items()}
    return out


def environment() -> str:
    """The library versions a set of run hashes was computed with."""
    from sim.version import package_versions

    v = package_versions(("numpy", "pandas", "scipy", "mesa"))
    return ", ".join(f"{k} {v[k]}" for k in sorted(v))


def run_hashes() -> dict:
    """SHA-256 of each run table as ``ieisim run`` writes it (CSV), for each hash case."""
    import hashlib

    from sim.run import run_scenario

    out = {}
    for name, (scenario, seed, years) in HASH_CASES.items():
        result = run_scenario(scenario, seed=seed, years=years)
        out[name] = {t: hashlib.sha256(getattr(result, t).to_csv(index=False).encode())
                     .hexdigest() for t in RUN_TABLES}
    return out


def main() -> int:
    """Write the baseline file and print what changed."""
    new = compute()
    old = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    for case, values in new.items():
        for key, value in values.items():
            before = old.get(case, {}).get(key)
            if before != value:
                print(f"{case}.{key}: {before} -> {value}")
    BASELINE.parent.mkdir(parents=True, exist_ok=True)
    BASELINE.write_text(json.dumps(new, indent=2, sort_keys=True) + "\n")
    print(f"wrote {BASELINE}")
    # a deliberate change: one set, this environment's (the test accepts any stored set)
    sets = [{"environment": environment(), "hashes": run_hashes()}]
    RUN_HASHES.write_text(json.dumps({"sets": sets}, indent=2, sort_keys=True) + "\n")
    print(f"wrote {RUN_HASHES}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main())
