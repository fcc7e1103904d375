"""The class board: students' policies stored in SQLite, placed on a cost x depth plane, replayed.

A submission is a *recipe*, not a result: the scenario's values, the seed, the levers the
run started with and every timed lever change (``(step, {lever: value})``, as recorded by
``CooperationModel.set_levers``), and how many steps were run. :func:`replay` rebuilds the
run from it, which reproduces the student's time series exactly (the model draws every
random number from its seeded streams). Submissions are kept in an SQLite file (by default
``results/classboard.sqlite``), scoped to a class code, so they survive a server restart
and two classes on one machine never see each other's.

The plane: x = public spending per year over the run (CNY million per year), y = deep
cooperation (share of ties at joint training or joint R&D, at the run's last step).
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import UsageError
from sim.model import CooperationModel
from sim.params import Scenario
from sim.policies import package_levers

DEFAULT_BOARD = Path("results") / "classboard.sqlite"
"""Where submissions are kept unless ``ieisim app --board`` says otherwise."""
CLASS_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
"""A class code: 1-32 letters, digits, ``-`` or ``_``."""
MAX_NAME = 40
"""Longest student name kept (characters)."""
REFERENCES = ("status_quo", "reform_package")
"""Policy packages shown as reference points on the plane."""
DEEP_COLUMNS = ("share_joint_training", "share_joint_rd")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    class_code TEXT NOT NULL,
    student TEXT NOT NULL,
    submitted TEXT NOT NULL,
    recipe TEXT NOT NULL,
    public_cost REAL NOT NULL,
    deep_share REAL NOT NULL,
    year REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS by_class ON submissions (class_code, id);
"""


def check_class_code(code: str) -> str:
    """``code`` if it is a valid class code.

    Raises:
        UsageError: naming the code and what is allowed.

    """
    if not CLASS_CODE.match(code or ""):
        raise UsageError(f"--class {code!r}: expected 1-32 letters, digits, '-' or '_'")
    return code


@dataclass(frozen=True)
class Recipe:
    """Everything needed to rebuild a run: scenario values, seed, levers, timed changes."""

    scenario: dict[str, Any]
    seed: int
    start_levers: dict[str, Any]
    changes: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    steps: int = 0

    def to_json(self) -> str:
        """The recipe as JSON (floats round-trip exactly)."""
        return json.dumps({"scenario": self.scenario, "seed": self.seed,
                           "start_levers": self.start_levers,
                           "changes": [[s, v] for s, v in self.changes], "steps": self.steps},
                          sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Recipe":
        """Inverse of :meth:`to_json`."""
        d = json.loads(text)
        return cls(d["scenario"], int(d["seed"]), d["start_levers"],
                   [(int(s), v) for s, v in d["changes"]], int(d["steps"]))


def start_scenario(recipe: Recipe) -> Scenario:
    """The scenario a recipe's run starts from (its levers and seed applied)."""
    overrides = {f"policy.{k}": v for k, v in recipe.start_levers.items()}
    overrides["run.seed"] = recipe.seed
    return Scenario.from_dict(recipe.scenario).with_overrides(overrides)


def replay(recipe: Recipe) -> pd.DataFrame:
    """The recipe's time series from year 0, rebuilt step by step with its timed changes."""
    model = CooperationModel(start_scenario(recipe), seed=recipe.seed)
    for step in range(recipe.steps):
        for at, levers in recipe.changes:
            if at == step:
                model.set_levers(levers)
        model.step()
    return model.timeseries()


def plane_point(frame: pd.DataFrame) -> tuple[float, float, float]:
    """``(public spending per year, deep-cooperation share, year)`` at the series' end."""
    last = frame.iloc[-1]
    year = float(last["year"])
    cost = float(last["cumulative_public_cost"]) / year if year > 0 else 0.0
    return cost, float(sum(float(last[c]) for c in DEEP_COLUMNS)), year


@lru_cache(maxsize=8)
def _reference(scenario_json: str, seed: int, steps: int, package: str):
    recipe = Recipe(json.loads(scenario_json), seed, package_levers(package), [], steps)
    return plane_point(replay(recipe))


def reference_points(scenario: dict[str, Any], seed: int, steps: int) -> dict[str, tuple]:
    """Plane points of the reference packages for a scenario, seed and length (cached)."""
    key = json.dumps(scenario, sort_keys=True)
    return {name: _reference(key, seed, steps, name) for name in REFERENCES}


@dataclass(frozen=True)
class Submission:
    """One stored policy of a student."""

    id: int
    student: str
    submitted: str
    recipe: Recipe
    public_cost: float
    deep_share: float
    year: float


class ClassBoard:
    """Submissions of one class code in an SQLite file (created on first use).

    Args:
        path: the SQLite file (its folder is created).
        class_code: only this class's submissions are read or written.

    """

    def __init__(self, path: Path, class_code: str):
        self.path = Path(path)
        self.class_code = check_class_code(class_code)
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def submit(self, student: str, recipe: Recipe, frame: pd.DataFrame) -> int:
        """Store a student's recipe with its plane point (from ``frame``); return its id."""
        name = " ".join(student.split())[:MAX_NAME] or "?"
        cost, deep, year = plane_point(frame)
        with self._lock, self._connect() as db:
            cur = db.execute(
                "INSERT INTO submissions (class_code, student, submitted, recipe, public_cost,"
                " deep_share, year) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (self.class_code, name, datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 recipe.to_json(), cost, deep, year))
            return int(cur.lastrowid)

    def submissions(self) -> list[Submission]:
        """The class's submissions, oldest first."""
        with self._lock, self._connect() as db:
            rows = db.execute("SELECT id, student, submitted, recipe, public_cost, deep_share, "
                              "year FROM submissions WHERE class_code = ? ORDER BY id",
                              (self.class_code,)).fetchall()
        return [Submission(i, s, t, Recipe.from_json(r), c, d, y)
                for i, s, t, r, c, d, y in rows]
