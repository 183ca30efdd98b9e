"""Cluster indicators and the life-cycle stage classifier (docs/lifecycle.md).

The Whitebook's life cycle runs agglomeration -> emerging -> developing -> mature ->
transformation, with stagnation and decline as the failure path (L1102-1161, L75-76). Menzel and
Fornahl (2010) measure it by size, growth relative to the industry and knowledge heterogeneity.

Three layers, so the same rule serves a running model and a finished time series:

* :func:`measure` reads one step's raw indicators of every region from the model state
  (O(firms + ties), no random numbers);
* :class:`Tracker` keeps one region's recent history, turns raw indicators into windowed
  features (growth relative to the world industry, entry/exit/spin-off rates, core drift) and
  feeds them to its :class:`StageClassifier`, which adds hysteresis;
* :class:`LifecycleObserver` (a StepHook) runs both every step and writes raw indicators,
  features and the stage into the time series; :func:`classify` replays a recorded time series
  through fresh trackers, which reproduces the recorded stages exactly.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clustersim.conf import STEPS_PER_YEAR, LifecycleConfig
from clustersim.mechanisms.ties.kernel import adjacency
from clustersim.observe.indicators import concentration
from clustersim.observe.kernels import core_ties, cores
from clustersim.observe.network.kernel import network_stats
from clustersim.world.hooks import StepHook

STAGES = ("agglomeration", "emerging", "developing", "mature", "transformation", "decline")
AGGLOMERATION, EMERGING, DEVELOPING, MATURE, TRANSFORMATION, DECLINE = range(len(STAGES))
STAGE_COLOURS = {
    "agglomeration": "#bdbdbd",
    "emerging": "#9ecae1",
    "developing": "#4292c6",
    "mature": "#31a354",
    "transformation": "#fd8d3c",
    "decline": "#de2d26",
}

# Raw per-step columns (besides firms, employment, entries, exits, spinoffs, which the recorder
# already writes) that the classifier needs, and the windowed features it derives.
RAW = (
    "world_firms",
    "world_employment",
    "mass",
    "location_quotient",
    "concentration",
    "core_firms",
    "core_tie_density",
    "core_degree",
    "core_linked_share",
    "core_clustering",
    "core_external_share",
    "core_trust",
    "identity",
)
_COUNTS = ("entries", "exits", "spinoffs")
FEATURES = (
    "growth_rel",
    "firm_growth_rel",
    "entry_rate",
    "exit_rate",
    "spinoff_rate",
    "core_drift",
)


# ----------------------------------------------------------------------------- measurement
def core_positions(model) -> tuple[np.ndarray, np.ndarray]:
    """Employment-weighted core of every region in technology space (L826-866), and each live
    firm's distance from its region's core. Empty regions sit at the demand position."""
    f = model.firms
    return cores(model.regions.n, f.live, f.region, f.emp, f.kpos, model.demand)


def core_actors(model, cfg: LifecycleConfig) -> tuple[np.ndarray, np.ndarray]:
    """Cores of all regions and a per-slot mask of core actors: live firms within
    ``cfg.core_radius`` of their region's core in technology space."""
    core, dist = core_positions(model)
    is_core = np.zeros(model.firms.capacity, dtype=bool)
    is_core[model.firms.live[dist <= cfg.core_radius]] = True
    return core, is_core


def measure(model, cfg: LifecycleConfig) -> dict[str, np.ndarray]:
    """Raw indicators of every region at the current step (arrays of length n_regions).

    Core actors are the region's firms within ``cfg.core_radius`` of its core. Among them:
    tie density and mean degree of their ties to each other, the share linked to another core
    actor, local clustering (zero below degree 2, as networkx), the share of their firm and
    university ties that leave the region, the mean trust of their internal ties, and a shared
    identity = linked share x that trust (L3026-3029). Also the cores' and world demand's
    positions in technology space (``core_k*``, ``demand_k*``).
    """
    f, n_reg = model.firms, model.regions.n
    live = f.live
    reg_live = f.region[live]
    core, is_core = core_actors(model, cfg)
    n_core = np.bincount(f.region[is_core], minlength=n_reg).astype(float)

    t = model.ties
    a, b, kind, trust = t.view("a"), t.view("b"), t.view("kind"), t.view("trust")
    sums, inside = core_ties(n_reg, is_core, f.region, model.universities.region, a, b, kind, trust)
    internal, trust_sum, touch, out = sums.T

    # the core network alone: CSR of the internal core ties, clustering by the shared kernel
    start, nbr = adjacency(f.capacity, t.n, t.a, t.b, t.kind, inside)
    clust = network_stats(n_reg, is_core, f.region, start, nbr, 0, a, b, kind, trust)[:, 4]
    linked = np.bincount(f.region[is_core & (np.diff(start) > 0)], minlength=n_reg)

    emp = np.bincount(reg_live, f.emp[live], minlength=n_reg).astype(float)
    world = emp.sum()
    pool = model.regions.base_pool  # the size of the place, not the workers the industry drew
    lq = np.where(world > 0, emp / max(world, 1e-12) / (pool / pool.sum()), 0.0)
    linked_share = _ratio(linked, n_core)
    core_trust = _ratio(trust_sum, internal)
    out_cols = {
        "world_firms": np.full(n_reg, float(len(live))),
        "world_employment": np.full(n_reg, world),
        "mass": emp / model.regions.critical_mass,
        "location_quotient": lq,
        "concentration": np.full(n_reg, concentration(emp)),
        "core_firms": n_core,
        "core_tie_density": _ratio(internal, n_core * (n_core - 1) / 2.0),
        "core_degree": _ratio(2.0 * internal, n_core),
        "core_linked_share": linked_share,
        "core_clustering": _ratio(clust, n_core),
        "core_external_share": _ratio(out, touch),
        "core_trust": core_trust,
        "identity": linked_share * core_trust,
    }
    for d in range(model.dims):
        out_cols[f"core_k{d}"] = core[:, d].copy()
        out_cols[f"demand_k{d}"] = np.full(n_reg, model.demand[d])
    return out_cols


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.where(den > 0, num / np.maximum(den, 1e-12), 0.0)


# ----------------------------------------------------------------------------- classification
@dataclass
class StageClassifier:
    """Maps one cluster's features to a stage, with two kinds of hysteresis.

    Bands: once in a stage, the thresholds that keep it there are relaxed by ``cfg.band``.
    Dwell: a different stage must be the candidate for ``cfg.dwell`` consecutive steps before
    the classifier switches. The rule itself (docs/lifecycle.md) only remembers whether the
    region has been a cluster (developing or later) and whether it has matured; every other
    condition is read from the indicators, so stages can be skipped if the dynamics skip them.
    """

    cfg: LifecycleConfig
    stage: int = AGGLOMERATION
    pending: int = AGGLOMERATION
    count: int = 0

    def candidate(self, x: dict) -> int:
        c, s = self.cfg, self.stage

        def over(value: float, threshold: float, held: bool) -> bool:
            return value >= threshold * ((1.0 - c.band) if held else 1.0)

        was_cluster = s >= DEVELOPING
        matured = s >= MATURE
        coop = over(x["core_linked_share"], c.emerging_linked, s != AGGLOMERATION)
        critical = over(x["mass"], c.mature_mass, s in (MATURE, TRANSFORMATION))
        open_ = over(x["core_external_share"], c.mature_external, s == MATURE)
        creating = over(x["entry_rate"], c.mature_creation, s == MATURE)
        growing = over(x["firm_growth_rel"], c.developing_growth, s == DEVELOPING)
        shrinking = over(-x["growth_rel"], c.decline_growth, s == DECLINE)
        renewing = over(x["core_drift"], c.renewal_drift, s == TRANSFORMATION)
        if matured and renewing:
            return TRANSFORMATION
        if was_cluster and (shrinking or not coop):
            return DECLINE
        if s == DECLINE and not growing:
            return DECLINE  # stagnation: a declined cluster stays so until it grows again
        if critical and coop and open_ and creating:
            return MATURE
        if matured and critical:
            return MATURE
        if coop and (growing or was_cluster):
            return DEVELOPING
        return EMERGING if coop else AGGLOMERATION

    def update(self, x: dict) -> int:
        cand = self.candidate(x)
        if cand == self.stage:
            self.count = 0
        elif cand == self.pending and self.count > 0:
            self.count += 1
        else:
            self.pending, self.count = cand, 1
        if self.count >= self.cfg.dwell:
            self.stage, self.count = cand, 0
        return self.stage


class Tracker:
    """One region's recent history -> windowed features -> stage."""

    def __init__(self, cfg: LifecycleConfig):
        self.cfg = cfg
        self.history: deque[dict] = deque(maxlen=cfg.window + 1)
        self.classifier = StageClassifier(cfg)

    def push(self, obs: dict) -> dict:
        """Add one step's raw indicators; return the features and the stage name."""
        h = self.history
        h.append(obs)
        old, new = h[0], obs
        # rates need a full window: early, short spans would turn noise into stages
        per_year = STEPS_PER_YEAR / self.cfg.window if len(h) == h.maxlen else 0.0
        firms = np.mean([o["firms"] for o in h])
        x = dict(obs)
        for size, key in (("employment", "growth_rel"), ("firms", "firm_growth_rel")):
            x[key] = per_year * (
                _log_ratio(new[size], old[size])
                - _log_ratio(new[f"world_{size}"], old[f"world_{size}"])
            )
        for key, rate in (("entries", "entry_rate"), ("exits", "exit_rate")):
            x[rate] = per_year * sum(o[key] for o in list(h)[1:]) / max(firms, 1.0)
        x["spinoff_rate"] = per_year * sum(o["spinoffs"] for o in list(h)[1:]) / max(firms, 1.0)
        x["core_drift"] = per_year * float(np.linalg.norm(new["core"] - old["core"]))
        x["stage"] = STAGES[self.classifier.update(x)]
        return x


def _log_ratio(new: float, old: float) -> float:
    return float(np.log(max(new, 1.0) / max(old, 1.0)))


# ----------------------------------------------------------------------------- online
class LifecycleObserver(StepHook):
    """Measures and classifies every region each step; ``model.lifecycle`` points to it.

    Reads state only and draws no random numbers, so it never changes a trajectory.
    """

    name = "lifecycle"

    def __init__(self, model):
        self.cfg = model.cfg.lifecycle
        self.trackers = [Tracker(self.cfg) for _ in range(model.regions.n)]
        self._t = -1
        self._cols: dict[str, np.ndarray] = {}

    def current(self, model) -> dict[str, np.ndarray]:
        """Indicators, features and stage of every region at ``model.t`` (computed once)."""
        if self._t != model.t:
            self._cols = self._observe(model)
            self._t = model.t
        return self._cols

    def stage(self, model, region: int | None = None) -> str:
        r = model.focal if region is None else region
        return str(self.current(model)["stage"][r])

    def _observe(self, model) -> dict[str, np.ndarray]:
        raw = measure(model, self.cfg)
        f, n_reg = model.firms, model.regions.n
        live = f.live
        raw["firms"] = np.bincount(f.region[live], minlength=n_reg).astype(float)
        raw["employment"] = np.bincount(f.region[live], f.emp[live], minlength=n_reg)
        for key in ("entries", "exits", "spinoffs"):
            counts = model.step_counts.get(key)
            raw[key] = np.zeros(n_reg) if counts is None else counts.astype(float)
        core = np.stack([raw[f"core_k{d}"] for d in range(model.dims)], axis=1)
        keys = list(raw)
        table = np.column_stack([raw[k] for k in keys]).astype(float).tolist()  # row per region
        rows = [
            self.trackers[r].push({**dict(zip(keys, table[r], strict=True)), "core": core[r]})
            for r in range(n_reg)
        ]
        cols = {k: raw[k] for k in raw if k not in ("firms", "employment") + _COUNTS}
        for key in FEATURES:
            cols[key] = np.array([row[key] for row in rows])
        cols["stage"] = np.array([row["stage"] for row in rows])
        return cols

    def columns(self, model) -> dict:
        exists = np.zeros(model.regions.n)
        for ini in getattr(model, "initiatives", ()):
            exists[ini.region] = max(exists[ini.region], float(ini.exists))
        return {**self.current(model), "initiative": exists}


# ----------------------------------------------------------------------------- offline
def classify(ts: pd.DataFrame, cfg: LifecycleConfig | None = None) -> pd.Series:
    """Stage of every row of a recorded time series, replayed through fresh trackers.

    ``ts`` needs the columns the observer writes. With the run's own ``LifecycleConfig`` this
    reproduces the recorded ``stage`` column exactly; with another config it re-classifies the
    same run under other thresholds.
    """
    cfg = cfg or LifecycleConfig()
    keys = [k for k in ("run_id", "region") if k in ts.columns]
    dims = sorted(c for c in ts.columns if c.startswith("core_k"))
    need = ("firms", "employment", *_COUNTS, *RAW)
    stages = pd.Series(index=ts.index, dtype=object)
    for _, g in ts.sort_values("step").groupby(keys, sort=False):
        tracker = Tracker(cfg)
        core = g[dims].to_numpy()
        values = {k: g[k].to_numpy(dtype=float) for k in need}
        for i, idx in enumerate(g.index):
            obs = {k: float(v[i]) for k, v in values.items()}
            obs["core"] = core[i]
            stages[idx] = tracker.push(obs)["stage"]
    return stages


def stage_sequence(stages) -> list[str]:
    """The stages a run went through, consecutive repeats collapsed."""
    seq: list[str] = []
    for s in stages:
        if not seq or seq[-1] != s:
            seq.append(str(s))
    return seq


def passes_in_order(stages, order=("emerging", "developing", "mature")) -> bool:
    """True if the run reached every stage of ``order`` and entered each for the first time
    straight from the one before it (P1: emerging -> developing -> mature, none skipped)."""
    seq = stage_sequence(stages)
    if any(s not in seq for s in order):
        return False
    firsts = [seq.index(s) for s in order]
    return firsts == sorted(firsts) and all(
        seq[firsts[i] - 1] == order[i - 1] for i in range(1, len(order))
    )


def time_to(stages, stage: str, steps=None) -> float:
    """Step at which a run first reaches ``stage`` (NaN if never)."""
    stages = list(stages)
    steps = list(range(len(stages))) if steps is None else list(steps)
    for s, t in zip(stages, steps, strict=True):
        if s == stage:
            return float(t)
    return float("nan")


def stage_summary(ts: pd.DataFrame) -> str:
    """One line on the focal cluster: final stages over replications and years to maturity."""
    focal = ts[ts["is_focal"]]
    last = focal[focal["step"] == focal["step"].max()]["stage"].value_counts()
    years = [
        time_to(g["stage"], "mature", g["year"]) for _, g in focal.groupby("replication", sort=True)
    ]
    reached = [y for y in years if y == y]
    ends = ", ".join(f"{stage} {n}" for stage, n in last.items())
    when = (
        f"median {np.median(reached):.1f} years (range {min(reached):.1f}-{max(reached):.1f})"
        if reached
        else "never"
    )
    return (
        f"focal cluster: final stage {ends} of {len(years)}; maturity reached in "
        f"{len(reached)}/{len(years)} replications, {when}"
    )
