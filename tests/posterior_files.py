"""Calibration folders for tests, in the contract ``ieisim calibrate`` writes.

``posterior.parquet`` (one column per calibrated parameter, short names, plus ``weight``) and
``calibration.json`` (``params``, ``scenario``, ``model_version``): see
:mod:`sim.experiment.posterior`. Written here as test data; ieisim only reads them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from sim.version import MODEL_VERSION


def write_posterior(folder: Path, columns: dict[str, list] | None = None,
                    weights: list[float] | None = None, *, params: list[str] | None = None,
                    model_version: str = MODEL_VERSION, scenario: str = "status_quo",
                    n: int = 200, seed: int = 1) -> Path:
    """A calibration folder; default: ``trust_step`` uniform on [0.05, 0.45], equal weights."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if columns is None:
        columns = {"trust_step": np.random.default_rng(seed).uniform(0.05, 0.45, n).tolist()}
    df = pd.DataFrame(columns)
    df["weight"] = (np.full(len(df), 1.0 / len(df)) if weights is None
                    else np.asarray(weights, dtype=float))
    df.to_parquet(folder / "posterior.parquet")
    info = {"params": list(columns) if params is None else params, "scenario": scenario,
            "model_version": model_version}
    (folder / "calibration.json").write_text(json.dumps(info), encoding="utf-8")
    return folder
