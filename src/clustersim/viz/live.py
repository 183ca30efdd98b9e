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
import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clustersim.conf import (
    POLICY_INSTRUMENTS,
    STEPS_PER_YEAR,
    ConfigError,
    ProgrammeConfig,
    validate,
)
from clustersim.model.model import ClusterModel
from clustersim.viz import presets
from clustersim.world import regions

SHOCK = "shock"
PRESET_PREFIX = "preset_"  # model keyword of a preset group (Mesa reserves ``scenario``)
SWITCH = "policy.switch."  # + instrument: switch an instrument on (True) or off (False)
INTENSITY = "policy.intensity."  # + instrument: the intensity of its programmes
APP_LEVEL = "regional"  # funds an instrument switched on in the app that has no policy preset
# Yearly budget of that government when neither the presets nor the instrument's preset give it
# one (cash units; a broker at intensity 1 spends about 25 a year).
TEACHING_BUDGET = 100.0


@dataclass(frozen=True)
class Intervention:
    """A change applied before step ``step`` runs: a technology shock or a new config value."""

    step: int
    key: str
    value: object = None


@dataclass(frozen=True)
class Setup:
    """What an app model is built from: preset choices, exercise, seed, size, and the share of
    firms that start in the focal region (-1: spread evenly; None: as the presets say)."""

    choices: tuple[tuple[str, str | None], ...] = ()
    exercise: str | None = None
    seed: int = 0
    n_firms: int | None = None
    focal_share: float | None = None

    def compose(self) -> presets.Composed:
        overrides = {"seed": self.seed}
        if self.n_firms is not None:
            overrides["n_firms"] = self.n_firms
        if self.focal_share is not None:
            overrides["world.focal.initial_firm_share"] = self.focal_share
        return presets.compose(dict(self.choices), self.exercise, overrides)


EVEN = "even"  # focal_share: firms spread evenly over the landscape


def parse_share(value: float | str | None) -> float | None:
    """``focal_share`` as the config wants it: "even" -> -1, a number -> itself."""
    if value is None:
        return None
    if value == EVEN:
        return -1.0
    try:
        return float(value)
    except ValueError:
        raise ConfigError(
            f"focal_share={value!r}: allowed: {EVEN!r} or a share in [0, 1]"
        ) from None


def share_label(share: float) -> str:
    return EVEN if share < 0 else f"{share:g}"


def _check_instrument(name: str) -> None:
    if name not in POLICY_INSTRUMENTS:
        raise ConfigError(
            f"{name!r}: unknown policy instrument; allowed: {' | '.join(POLICY_INSTRUMENTS)}"
        )


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
    keywords are the preset groups (``preset_<group>``), ``exercise``, ``seed``, ``n_firms`` and
    ``focal_share`` (a number, or "even").
    ``scenario`` is Mesa's scenario object, which Mesa passes on Reset; randomness comes from
    ``seed`` only (one Generator, as in every clustersim run).
    """

    def __init__(
        self,
        seed: int = 0,
        n_firms: int | None = None,
        exercise: str | None = None,
        focal_share: float | str | None = None,
        scenario=None,
        **preset_choices,
    ):
        choices = {}
        for key, option in preset_choices.items():
            if not key.startswith(PRESET_PREFIX):
                raise ConfigError(
                    f"{key}: unknown app model keyword; allowed: seed, n_firms, exercise, "
                    f"focal_share, {PRESET_PREFIX}<group>"
                )
            choices[key.removeprefix(PRESET_PREFIX)] = option
        self.setup = Setup(
            tuple(sorted(choices.items())),
            exercise or None,
            int(seed),
            None if n_firms is None else int(n_firms),
            parse_share(focal_share),
        )
        composed = self.setup.compose()
        self.choices = composed.choices
        super().__init__(composed.config)
        self.interventions: list[Intervention] = []
        self._pending: list[Intervention] = []
        self._intensity: dict[str, float] = {}  # last intensity set per instrument
        self._switches = 0  # programmes switched on so far (their keys)
        # Mesa steps the model in a thread while Play runs, and the page redraws from others:
        # a step and a read of the state for drawing never overlap.
        self.lock = threading.RLock()
        self.running = self.t < self.cfg.steps

    # ------------------------------------------------------------ interventions
    def request_shock(self) -> None:
        """A technology shock at the next step: demand jumps in technology space, exactly as a
        configured ``shocks.steps`` entry does (L1675-1686, L1150-1154)."""
        self._queue(Intervention(self.t, SHOCK))

    def request_set(self, key: str, value) -> None:
        """Set config ``key`` to ``value`` from the next step on; a bad value raises now."""
        trial = copy.deepcopy(self.cfg)
        _set_key(trial, key, value)
        validate(trial)
        self._queue(Intervention(self.t, key, value))

    def _queue(self, iv: Intervention) -> None:
        with self.lock:  # never between a step taking the queue and clearing it
            self._pending.append(iv)

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
        elif iv.key.startswith(SWITCH):
            self._switch(iv.key.removeprefix(SWITCH), bool(iv.value))
        elif iv.key.startswith(INTENSITY):
            name = iv.key.removeprefix(INTENSITY)
            self._intensity[name] = float(iv.value)
            for p in self._programmes(name):
                p.prog.intensity = float(iv.value)
        else:
            _set_key(self.cfg, iv.key, iv.value)
            if iv.key == "market.critical_mass":  # the threshold is computed once at set-up
                self.regions.critical_mass = regions.critical_mass(self.cfg)
        self.interventions.append(dataclasses.replace(iv, step=self.t))

    # ------------------------------------------------------------ policy instruments
    def _programmes(self, instrument: str) -> list:
        """The instrument's programmes that are running or still to start."""
        mix = getattr(self, "policy", None)
        if mix is None:
            return []
        return [p for p in mix.programmes if p.name == instrument and not p.ended]

    def running_instruments(self) -> list[str]:
        """Instruments with a programme in its support window now."""
        mix = getattr(self, "policy", None)
        return [] if mix is None else list(dict.fromkeys(p.name for p in mix.programmes if p.open))

    def instrument_on(self, instrument: str) -> bool:
        """On once switched on (and not off) at the next step, queued changes included."""
        for iv in reversed(self._pending):
            if iv.key == SWITCH + instrument:
                return bool(iv.value)
        return bool(self._programmes(instrument))

    def instrument_intensity(self, instrument: str) -> float:
        for iv in reversed(self._pending):
            if iv.key == INTENSITY + instrument:
                return float(iv.value)
        progs = self._programmes(instrument)
        return progs[-1].prog.intensity if progs else self._intensity.get(instrument, 1.0)

    def request_switch(self, instrument: str, on: bool) -> None:
        """Switch an instrument on or off from the next step. On: a programme funded by the
        regional government starts at the next budget year and runs to the horizon (support
        until switched off); off: its programmes exit now (what they built must stand alone)."""
        _check_instrument(instrument)
        if on and not self.instrument_on(instrument):
            trial = copy.deepcopy(self.cfg)
            self._programme_config(trial, instrument, self.instrument_intensity(instrument))
            validate(trial)
        self._queue(Intervention(self.t, SWITCH + instrument, bool(on)))

    def request_intensity(self, instrument: str, value: float) -> None:
        _check_instrument(instrument)
        if not 0.0 <= float(value) <= 1000.0:
            raise ConfigError(
                f"{INTENSITY}{instrument}={value!r}: out of range; allowed: float in [0, 1000]"
            )
        self._queue(Intervention(self.t, INTENSITY + instrument, float(value)))

    def _programme_config(self, cfg, instrument: str, intensity: float) -> tuple[str, object]:
        """Add the programme a switch-on starts to ``cfg``; returns its key and config.

        It runs the instrument as its own policy preset (``conf/presets/policy/<instrument>.yaml``)
        defines it: parameters and funding level, and that government's budget if the model's
        has none. Without such a preset: default parameters, regional funding, and
        :data:`TEACHING_BUDGET`."""
        start = -(-self.t // STEPS_PER_YEAR)  # the next budget year (this one if it starts now)
        prog, budget = instrument_preset(instrument)
        prog = dataclasses.replace(
            prog,
            params=copy.deepcopy(prog.params),
            start_year=float(start),
            duration_years=float(cfg.years - start),
            intensity=intensity,
        )
        gov = getattr(cfg.policy, prog.level)
        if gov.budget <= 0:
            gov.budget = budget
        key = f"app_{instrument}_{self._switches}"
        cfg.policy.programmes[key] = prog
        return key, prog

    def _switch(self, instrument: str, on: bool) -> None:
        if not on:
            for p in self._programmes(instrument):
                if p.open:
                    p.end = self.t  # the mix ends it at this step, with its exit
                else:
                    p.ended = True  # scheduled, never starts
                # the config keeps the window that was run (later switch-ons check overlaps)
                p.prog.duration_years = max(0.0, self.t / STEPS_PER_YEAR - p.prog.start_year)
            return
        if self._programmes(instrument):
            return
        from clustersim.institutions.policies.mix import PolicyMix

        if getattr(self, "policy", None) is None:
            self.policy = PolicyMix(self, {})
            self.add_hook(self.policy)
        key, prog = self._programme_config(
            self.cfg, instrument, self._intensity.get(instrument, 1.0)
        )
        self._switches += 1
        self.policy.add_programme(self, key, prog)

    @property
    def finished(self) -> bool:
        """At the horizon: the run is over and does not step on."""
        return self.t >= self.cfg.steps

    def step(self) -> None:
        with self.lock:
            if self.finished:  # never past the horizon (Mesa's controls may ask for more)
                self.running = False
                return
            pending, self._pending = self._pending, []
            for iv in pending:
                self._apply(iv)
            super().step()
            self.running = self.t < self.cfg.steps

    # ------------------------------------------------------------ what the app shows
    def frame(self) -> pd.DataFrame:
        """The time series so far (one row per step and region), rebuilt only after a step;
        the columns a policy switched on mid-run adds are zero before it (``Recorder.frame``)."""
        with self.lock:
            if getattr(self, "_frame_n", -1) != len(self.recorder.blocks):
                self._frame = self.recorder.frame()
                self._frame_n = len(self.recorder.blocks)
        return self._frame


def instrument_preset(instrument: str) -> tuple[ProgrammeConfig, float]:
    """The programme of ``instrument`` in its policy preset and its government's budget."""
    if instrument in presets.preset_groups().get("policy", []):
        pc = presets.compose({"policy": instrument}).config.policy
        for prog in pc.programmes.values():
            if prog.instrument == instrument:
                return prog, getattr(pc, prog.level).budget or TEACHING_BUDGET
    return ProgrammeConfig(instrument=instrument, level=APP_LEVEL), TEACHING_BUDGET


def replay(setup: Setup, interventions: list[Intervention], steps: int, keep=None) -> AppModel:
    """A fresh app model run for ``steps`` steps with the ``interventions`` for which
    ``keep(iv)`` is true (all by default) applied at their steps."""
    model = AppModel(**model_kwargs(setup))
    advance(model, interventions, steps, keep)
    return model


def advance(model: AppModel, interventions: list[Intervention], to_step: int, keep=None) -> None:
    """Step ``model`` up to step ``to_step``, queueing each kept intervention at its step."""
    todo = [iv for iv in interventions if keep is None or keep(iv)]
    while model.t < to_step:
        for iv in todo:
            if iv.step == model.t:
                model._pending.append(iv)
        model.step()


def model_kwargs(setup: Setup) -> dict:
    """The AppModel keywords that rebuild ``setup``."""
    kw = {PRESET_PREFIX + g: o for g, o in setup.choices}
    return {
        **kw,
        "seed": setup.seed,
        "n_firms": setup.n_firms,
        "exercise": setup.exercise,
        "focal_share": setup.focal_share,
    }


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
    affiliates: int = 0  # foreign MNE affiliates in the focal region now
    stage: str | None = None
    phase: str | None = None
    policy_spend_year: float | None = None


def focal_series(model: AppModel) -> pd.DataFrame:
    df = model.frame()
    return df[df["region"] == model.focal].reset_index(drop=True)


def affiliates(model: AppModel) -> int:
    """Foreign MNE affiliates in the focal region now."""
    f = model.firms
    live = f.live
    return int((f.is_mne[live] & (f.region[live] == model.focal)).sum())


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
        affiliates=affiliates(model),
        stage=str(last["stage"]) if "stage" in ts.columns else None,
        phase=str(last["phase"]) if "phase" in ts.columns else None,
        policy_spend_year=float(recent["policy_spend"].sum()) if "policy_spend" in ts else None,
    )
