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
RUN_TABLES_DIR = Path(__file__).with_name("data") / "run_tables"
"""The hash cases' tables themselves (gzipped CSV), for machines whose hashes are not stored."""
REL_TOL, ABS_TOL = 1e-9, 1e-12
"""How far a stored float may move (last digits: library releases, CPUs): baseline and tables."""
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
    """The library versions and CPU vector extensions a set of run hashes was computed with.

    The last digits of a float can differ between numpy's code paths for different CPUs
    (AVX2 against AVX-512 summation and transcendental functions), so the CPU's widest
    extension numpy uses is part of the label.
    """
    from sim.version import package_versions

    v = package_versions(("numpy", "pandas", "scipy", "mesa"))
    return ", ".join(f"{k} {v[k]}" for k in sorted(v)) + f", cpu {cpu_simd()}"


def cpu_simd() -> str:
    """The widest vector extension numpy dispatches to on this CPU (e.g. AVX512_SKX, AVX2)."""
    try:  # numpy's own table of the CPU's features (not a public name)
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:
        return "unknown"
    for name in ("AVX512_SPR", "AVX512_ICL", "AVX512_SKX", "AVX512F", "AVX2", "SSE42",
                 "ASIMD", "VSX"):
        if features.get(name):
            return name
    return "baseline"


def run_csvs() -> dict:
    """Each run table as ``ieisim run`` writes it (CSV text), for each hash case."""
    from sim.run import run_scenario

    out = {}
    for name, (scenario, seed, years) in HASH_CASES.items():
        result = run_scenario(scenario, seed=seed, years=years)
        out[name] = {t: getattr(result, t).to_csv(index=False) for t in RUN_TABLES}
    return out


def run_hashes(csvs: dict | None = None) -> dict:
    """SHA-256 of each run table as ``ieisim run`` writes it (CSV), for each hash case."""
    import hashlib

    csvs = run_csvs() if csvs is None else csvs
    return {name: {t: hashlib.sha256(text.encode()).hexdigest() for t, text in tables.items()}
            for name, tables in csvs.items()}


def reference_table(case: str, table: str):
    """The stored table ``table`` of hash case ``case`` (a DataFrame)."""
    import pandas as pd

    return pd.read_csv(RUN_TABLES_DIR / f"{case}-{table}.csv.gz")


def write_reference_tables(csvs: dict) -> None:
    """Store every hash case's tables (gzipped CSV, no timestamp: the bytes follow the data)."""
    import gzip

    RUN_TABLES_DIR.mkdir(parents=True, exist_ok=True)
    for case, tables in csvs.items():
        for table, text in tables.items():
            (RUN_TABLES_DIR / f"{case}-{table}.csv.gz").write_bytes(
                gzip.compress(text.encode(), mtime=0))


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
    csvs = run_csvs()
    sets = [{"environment": environment(), "hashes": run_hashes(csvs)}]
    RUN_HASHES.write_text(json.dumps({"sets": sets}, indent=2, sort_keys=True) + "\n")
    print(f"wrote {RUN_HASHES}")
    write_reference_tables(csvs)
    print(f"wrote {RUN_TABLES_DIR}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main())
