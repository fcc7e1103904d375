"""The calibration benchmark reports the shipped calibration's record."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SPEC = importlib.util.spec_from_file_location("bench_calibration",
                                               ROOT / "benchmarks" / "bench_calibration.py")
bench = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(bench)


def test_the_shipped_record_is_the_posteriors_own():
    rec = json.loads((ROOT / "posteriors/status_quo/calibration.json").read_text())["result"]
    out = bench.shipped_record(runs_per_second=10.0)
    assert out["runs"] == rec["runs"] > 0
    assert out["generations"] == rec["generations"]
    assert out["wall_seconds"] == round(rec["wall_seconds"], 1)
    assert out["runs_per_second"] == round(rec["runs"] / rec["wall_seconds"], 2)
    assert out["projected_minutes_here"] == round(rec["runs"] / 10.0 / 60.0, 1)
    assert "projected_minutes_here" not in bench.shipped_record()
