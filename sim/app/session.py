"""The simulation state of one browser session: the chosen policy and its status-quo twin.

Each browser session (a Solara virtual kernel) builds its own :class:`ClassroomSession`, so
a class of thirty students on one server never shares a model. The session holds the model
of the chosen policy and, in side-by-side mode, a status-quo model with the same seed; both
step together, so the difference between them is the policy's effect, not luck. The page
reads it; nothing here knows about widgets, which keeps it testable and benchmarkable.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.app.lifecycle import LIVE
from sim.app.network_view import NetworkLayout
from sim.app.presets import BASELINE, preset_levers
from sim.model import BUILD_TIME_LEVERS, CooperationModel
from sim.params import LEVERS, Scenario, load_scenario

CLASSROOM_SCENARIO = "classroom"
"""The shipped scenario the app runs on (``configs/classroom.toml``)."""


def scenario_levers(scenario: Scenario) -> dict[str, Any]:
    """The twelve lever values of ``scenario`` by short name."""
    return {p.name: scenario[p.name] for p in LEVERS}


class SeriesColumns:
    """A model's reporters as columns (``columns[name]``: a float array, step 0 first).

    Kept up to date by appending the model's new records (one per step), so a playing page
    reads its charts' data without building a DataFrame at every step; columns are made
    arrays when first read after a step.
    """

    def __init__(self, model: CooperationModel):
        self.model = model
        self._lists: dict[str, list] = {}
        self._arrays: dict[str, np.ndarray] = {}
        self.rows = 0

    def update(self) -> "SeriesColumns":
        """Append the records added since the last update."""
        new = self.model.records[self.rows:]
        if new:
            for record in new:
                for name, value in record.items():
                    self._lists.setdefault(name, []).append(value)
            self.rows += len(new)
            self._arrays.clear()
        return self

    def __getitem__(self, name: str) -> np.ndarray:
        array = self._arrays.get(name)
        if array is None:
            array = self._arrays[name] = np.asarray(self._lists[name], dtype=float)
        return array

    def __len__(self) -> int:
        return self.rows


@dataclass(frozen=True)
class LeverChange:
    """A lever moved while the model ran: effective from step ``step`` (year ``year``)."""

    step: int
    year: float
    lever: str
    old: Any
    new: Any


class ClassroomSession:
    """The models a browser session drives, rebuilt on reset and stepped together.

    Args:
        base: the scenario whose world, economy and behaviour the page keeps (default: the
            classroom scenario); the page changes only its levers and seed.

    """

    def __init__(self, base: Scenario | None = None):
        self.base = base if base is not None else load_scenario(CLASSROOM_SCENARIO)
        self.horizon_years: int = self.base.run.years
        self.max_steps: int = self.base.run.years * self.base.run.steps_per_year
        self._lock = threading.RLock()
        self.policy: CooperationModel
        self.baseline: CooperationModel | None = None
        self.layouts: dict[int, NetworkLayout] = {}
        self._series: dict[int, tuple[CooperationModel, int, pd.DataFrame]] = {}
        self._columns: dict[int, SeriesColumns] = {}
        self.changes: list[LeverChange] = []
        self.steps = 0
        self.generation = 0  # counts resets: views rebuild their figures for a new model
        LIVE.track(self)  # counted until freed (sim.app.lifecycle)
        self.reset(scenario_levers(self.base), self.base.run.seed, compare=False)

    # ------------------------------------------------------------------ lifecycle
    def reset(self, levers: dict[str, Any], seed: int, compare: bool) -> None:
        """Start again: a new policy model with ``levers`` and ``seed`` (and its twin).

        Raises:
            ConfigError: a lever value is out of its declared bounds.

        """
        scenario = self._scenario(levers, seed)
        with self._lock:
            self.levers = scenario_levers(scenario)
            self.start_levers = dict(self.levers)
            self.seed = seed
            self.policy = CooperationModel(scenario, seed=seed)
            self.baseline = None
            self.layouts = {id(self.policy): NetworkLayout(self.policy.network)}
            self._series = {}
            self._columns = {}
            self.changes = []
            self.steps = 0
            self.generation += 1
            if compare:
                self.set_compare(True)

    def set_compare(self, on: bool) -> None:
        """Switch the status-quo twin on or off; a new twin catches up with the policy."""
        with self._lock:
            if not on:
                self.baseline = None
                return
            if self.baseline is not None:
                return
            twin = CooperationModel(self.status_quo_scenario(), seed=self.seed)
            for _ in range(self.steps):
                twin.step()
            self.baseline = twin
            self.layouts[id(twin)] = NetworkLayout(twin.network)

    def apply_levers(self, levers: dict[str, Any]) -> dict[str, Any]:
        """Change the running policy from the next step on; return what still waits for Reset.

        Levers fixed when the world is built (``BUILD_TIME_LEVERS``) are not applied and come
        back in the result when they differ from the running model's. The status-quo twin is
        not touched. Each change is recorded in :attr:`changes` (for the charts' marks and a
        replay).

        Raises:
            ConfigError: a lever value is out of its declared bounds (nothing changes).

        """
        with self._lock:
            running = self.policy.params
            pending = {k: v for k, v in levers.items()
                       if k in BUILD_TIME_LEVERS and v != running[k]}
            live = {k: v for k, v in levers.items() if k not in BUILD_TIME_LEVERS}
            n_before = len(self.policy.policy_changes)
            self.policy.set_levers(live)
            for step, values in self.policy.policy_changes[n_before:]:
                self.changes += [LeverChange(step, step / self.base.run.steps_per_year, k,
                                             running[k], v) for k, v in values.items()]
            self.levers = scenario_levers(self.policy.params)
            return pending

    def can_step(self) -> bool:
        """Whether the horizon of the classroom scenario is still ahead."""
        return self.steps < self.max_steps

    def step(self) -> bool:
        """Advance every model one step; False (and nothing done) at the horizon."""
        with self._lock:
            if not self.can_step():
                return False
            self.policy.step()
            if self.baseline is not None:
                self.baseline.step()
            self.steps += 1
            return True

    # ------------------------------------------------------------------ reading
    @property
    def compare(self) -> bool:
        """Whether the status-quo twin is running."""
        return self.baseline is not None

    @property
    def year(self) -> float:
        """Years elapsed in the running models."""
        return float(self.policy.year)

    def applied_levers(self) -> dict[str, Any]:
        """Lever values read back from the running policy model's parameters."""
        return scenario_levers(self.policy.params)

    def runs(self) -> list[tuple[str, CooperationModel]]:
        """``(role, model)`` pairs, status quo first: roles ``status_quo_run``, ``policy_run``."""
        with self._lock:
            pairs = [("policy_run", self.policy)]
            if self.baseline is not None:
                pairs.insert(0, ("status_quo_run", self.baseline))
            return pairs

    def timeseries(self) -> list[tuple[str, pd.DataFrame]]:
        """``(role, time series from year 0)`` of each running model, as in :meth:`runs`."""
        with self._lock:
            return [(role, self.series(model)) for role, model in self.runs()]

    def series(self, model: CooperationModel) -> pd.DataFrame:
        """The model's time series, from its step-0 row (the initial state); read-only.

        Built once per step and model (charts, captions and readout all read it).
        """
        with self._lock:
            cached = self._series.get(id(model))
            if cached is None or cached[0] is not model or cached[1] != len(model.records):
                cached = (model, len(model.records), model.timeseries())
                self._series[id(model)] = cached
            return cached[2]

    def columns(self, model: CooperationModel) -> SeriesColumns:
        """The model's reporters as columns from step 0 (what the charts read)."""
        with self._lock:
            cols = self._columns.get(id(model))
            if cols is None or cols.model is not model:
                cols = self._columns[id(model)] = SeriesColumns(model)
            return cols.update()

    def latest(self) -> list[tuple[str, dict[str, float]]]:
        """``(role, latest reporters)`` of each running model, as in :meth:`runs`."""
        with self._lock:
            return [(role, dict(model.records[-1])) for role, model in self.runs()]

    def caption_state(self):
        """What the caption rules read (:class:`sim.app.captions.CaptionState`)."""
        from sim.app.captions import CaptionState
        from sim.app.firm_ledger import firm_net, typical_firm

        with self._lock:
            model = self.policy
            latest = dict(model.records[-1])
            net = firm_net(model, typical_firm(model, "medium"))
            per_year = self.base.run.steps_per_year
            return CaptionState(self.year, dict(self.levers), preset_levers(BASELINE), latest,
                                float(model.ledger.last_payout), net, 100.0 / model.firms.n_real,
                                [(c.step / per_year, c.lever) for c in self.changes])

    def status_quo_scenario(self) -> Scenario:
        """The status quo's scenario with this session's seed (what the twin runs)."""
        return self._scenario(preset_levers(BASELINE), self.seed)

    def recipe(self):
        """The running policy as a class-board recipe (:class:`sim.app.classboard.Recipe`)."""
        from sim.app.classboard import Recipe

        with self._lock:
            return Recipe(self.base.to_dict(), self.seed, dict(self.start_levers),
                          [(step, dict(v)) for step, v in self.policy.policy_changes],
                          self.steps)

    def layout(self, model: CooperationModel) -> NetworkLayout:
        """The network layout computed once for ``model``."""
        return self.layouts[id(model)]

    def _scenario(self, levers: dict[str, Any], seed: int) -> Scenario:
        overrides = {f"policy.{k}": v for k, v in levers.items()}
        overrides["run.seed"] = seed
        return self.base.with_overrides(overrides)
