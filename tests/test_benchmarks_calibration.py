"""The calibration benchmark reports the shipped calibration's record."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bench():
    spec = importlib.util.spec_from_file_location("bench_calibration",
                                                  ROOT / "benchmarks" / "bench_calibration.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_shipped_record_is_the_posteriors_own():
    rec = json.loads((ROOT / "posteriors/status_quo/calibration.json").read_text())["result"]
    out = _bench().shipped_record(runs_per_second=10.0)
    assert out["runs"] == rec["runs"] > 0
    assert out["generations"] == rec["generations"]
    assert out["wall_seconds"] == round(rec["wall_seconds"], 1)
    assert out["runs_per_second"] == round(rec["runs"] / rec["wall_seconds"], 2)
    assert out["projected_minutes_here"] == round(rec["runs"] / 10.0 / 60.0, 1)
    assert "projected_minutes_here" not in _bench().shipped_record()
