"""The app's model: a ClusterModel built from presets that takes interventions mid-run.

Students change things while the model runs (a policy switched on, a technology shock). Each
change is queued and applied at the start of the next step, never in the middle of one, and is
logged as an :class:`Intervention`. Replaying the log on a fresh model with the same presets and
seed reproduces the run exactly; dropping the policy entries from the log gives the no-policy
twin for the comparison view (:mod:`clustersim.viz.comparison`).
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clustersim.config import ConfigError, validate
from clustersim.model import ClusterModel
from clustersim.viz import presets

SHOCK = "shock"
PRESET_PREFIX = "preset_"  # model keyword of a preset group (Mesa reserves ``scenario``)


@dataclass(frozen=True)
class Intervention:
    """A change applied before step ``step`` runs: a technology shock or a new config value."""

    step: int
    key: str
    value: object = None


@dataclass(frozen=True)
class Setup:
    """What an app model is built from: preset choices, exercise, seed and size."""

    choices: tuple[tuple[str, str | None], ...] = ()
    exercise: str | None = None
    seed: int = 0
    n_firms: int | None = None

    def compose(self) -> presets.Composed:
        overrides = {"seed": self.seed}
        if self.n_firms is not None:
            overrides["n_firms"] = self.n_firms
        return presets.compose(dict(self.choices), self.exercise, overrides)


def get_key(cfg, key: str):
    node = cfg
    for part in key.split("."):
        node = getattr(node, part)
    return node


def _set_key(cfg, key: str, value) -> None:
    *path, last = key.split(".")
    node = cfg
    for part in path:
        node = getattr(node, part)
    if not dataclasses.is_dataclass(node) or last not in {f.name for f in dataclasses.fields(node)}:
        raise ConfigError(f"{key}: unknown config key")
    setattr(node, last, value)


class AppModel(ClusterModel):
    """ClusterModel for the teaching app.

    SolaraViz rebuilds the model on Reset by calling the class with the sidebar's values, so the
    keywords are the preset groups (``preset_<group>``), ``exercise``, ``seed`` and ``n_firms``.
    ``scenario`` is Mesa's scenario object, which Mesa passes on Reset; randomness comes from
    ``seed`` only (one Generator, as in every clustersim run).
    """

    def __init__(
        self,
        seed: int = 0,
        n_firms: int | None = None,
        exercise: str | None = None,
        scenario=None,
        **preset_choices,
    ):
        choices = {}
        for key, option in preset_choices.items():
            if not key.startswith(PRESET_PREFIX):
                raise ConfigError(
                    f"{key}: unknown app model keyword; allowed: seed, n_firms, exercise, "
                    f"{PRESET_PREFIX}<group>"
                )
            choices[key.removeprefix(PRESET_PREFIX)] = option
        self.setup = Setup(
            tuple(sorted(choices.items())),
            exercise or None,
            int(seed),
            None if n_firms is None else int(n_firms),
        )
        composed = self.setup.compose()
        self.choices = composed.choices
        super().__init__(composed.config)
        self.interventions: list[Intervention] = []
        self._pending: list[Intervention] = []
        self.running = self.t < self.cfg.steps

    # ------------------------------------------------------------ interventions
    def request_shock(self) -> None:
        """A technology shock at the next step: demand jumps in technology space, exactly as a
        configured ``shocks.steps`` entry does (L1675-1686, L1150-1154)."""
        self._pending.append(Intervention(self.t, SHOCK))

    def request_set(self, key: str, value) -> None:
        """Set config ``key`` to ``value`` from the next step on; a bad value raises now."""
        trial = copy.deepcopy(self.cfg)
        _set_key(trial, key, value)
        validate(trial)
        self._pending.append(Intervention(self.t, key, value))

    def pending_value(self, key: str):
        """The value ``key`` will have at the next step (queued changes included)."""
        for iv in reversed(self._pending):
            if iv.key == key:
                return iv.value
        return get_key(self.cfg, key)

    def _apply(self, iv: Intervention) -> None:
        if iv.key == SHOCK:
            if self.t not in self.cfg.shocks.steps:
                self.cfg.shocks.steps.append(self.t)
        else:
            _set_key(self.cfg, iv.key, iv.value)
        self.interventions.append(dataclasses.replace(iv, step=self.t))

    def step(self) -> None:
        pending, self._pending = self._pending, []
        for iv in pending:
            self._apply(iv)
        super().step()
        self.running = self.t < self.cfg.steps

    # ------------------------------------------------------------ what the app shows
    def frame(self) -> pd.DataFrame:
        """The time series so far (one row per step and region), rebuilt only after a step."""
        n = len(self.recorder.blocks)
        if getattr(self, "_frame_n", -1) != n:
            self._frame = self.recorder.frame()
            self._frame_n = n
        return self._frame


def replay(setup: Setup, interventions: list[Intervention], steps: int, keep=None) -> AppModel:
    """A fresh app model run for ``steps`` steps with the ``interventions`` for which
    ``keep(iv)`` is true (all by default) applied at their steps."""
    model = AppModel(**model_kwargs(setup))
    todo = [iv for iv in interventions if keep is None or keep(iv)]
    for _ in range(steps):
        for iv in todo:
            if iv.step == model.t:
                model._pending.append(iv)
        model.step()
    return model


def model_kwargs(setup: Setup) -> dict:
    """The AppModel keywords that rebuild ``setup``."""
    kw = {PRESET_PREFIX + g: o for g, o in setup.choices}
    return {**kw, "seed": setup.seed, "n_firms": setup.n_firms, "exercise": setup.exercise}


@dataclass
class Readout:
    """The focal region's current numbers, as the app prints them."""

    year: float
    firms: int
    employment: float
    trust: float
    tie_density: float
    innovations_year: int
    heterogeneity: float
    external_share: float
    stage: str | None = None
    phase: str | None = None


def focal_series(model: AppModel) -> pd.DataFrame:
    df = model.frame()
    return df[df["region"] == model.focal].reset_index(drop=True)


def readout(model: AppModel) -> Readout:
    """Current numbers of the focal region; innovations are summed over the last four quarters."""
    ts = focal_series(model)
    last = ts.iloc[-1]
    recent = ts.tail(4)
    innov = recent["innovations_incremental"].sum() + recent["innovations_radical"].sum()
    trust = last["trust_mean"]
    return Readout(
        year=float(last["year"]),
        firms=int(last["firms"]),
        employment=float(last["employment"]),
        trust=float(trust) if np.isfinite(trust) else float("nan"),
        tie_density=float(last["tie_density"]),
        innovations_year=int(innov),
        heterogeneity=float(last["knowledge_heterogeneity"]),
        external_share=float(last["external_tie_share"]),
        stage=str(last["stage"]) if "stage" in ts.columns else None,
        phase=str(last["phase"]) if "phase" in ts.columns else None,
    )
