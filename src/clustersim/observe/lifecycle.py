"""Cluster indicators and the life-cycle stage classifier (docs/lifecycle.md).

The Whitebook's life cycle runs agglomeration -> emerging -> developing -> mature ->
transformation, with stagnation and decline as the failure path (L1102-1161, L75-76). Menzel and
Fornahl (2010) measure it by size, growth relative to the industry and knowledge heterogeneity.

Three layers, so the same rule serves a running model and a finished time series:

* :func:`indicators` reads one step's raw indicators of every region from the model state in
  one compiled pass (O(firms + ties), no random numbers);
* a :class:`Tracker` keeps the recent history of several clusters (lanes) in a ring, turns raw
  indicators into windowed features (growth relative to the world industry, entry/exit/spin-off
  rates, core drift) and moves each lane's stage by the rule of :func:`next_stage`, which adds
  hysteresis (:class:`StageClassifier` applies it to one cluster);
* :class:`LifecycleObserver` (a StepHook) runs both every step, one lane per region, and writes
  raw indicators, features and the stage into the time series; :func:`classify` replays a
  recorded time series through a fresh tracker, which reproduces the recorded stages exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numba import njit

from clustersim.conf import STEPS_PER_YEAR, LifecycleConfig
from clustersim.observe.kernels import core_mask, region_indicators
from clustersim.world.hooks import StepHook
from clustersim.world.state import COUNT_ROW, pairwise_sum

STAGES = ("agglomeration", "emerging", "developing", "mature", "transformation", "decline")
AGGLOMERATION, EMERGING, DEVELOPING, MATURE, TRANSFORMATION, DECLINE = range(len(STAGES))
_STAGE_NAMES = np.array(STAGES)
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
# the rows ``kernels.region_indicators`` writes, before each dimension's core_k and demand_k
INDICATORS = ("firms", "employment", *RAW)


def indicator_names(dims: int) -> list[str]:
    """Names of the rows of :func:`indicators`."""
    return [*INDICATORS, *(f"{key}_k{d}" for d in range(dims) for key in ("core", "demand"))]


def core_actors(model, cfg: LifecycleConfig) -> tuple[np.ndarray, np.ndarray]:
    """Employment-weighted cores of all regions in technology space (L826-866; empty regions
    sit at the demand position) and a per-slot mask of core actors: live firms within
    ``cfg.core_radius`` of their region's core."""
    f = model.firms
    return core_mask(
        model.regions.n, f.live, f.region, f.emp, f.kpos, model.demand, cfg.core_radius
    )


def indicators(model, cfg: LifecycleConfig) -> np.ndarray:
    """Raw indicators of every region at the current step, one row per name of
    :func:`indicator_names` (O(firms + ties), no random numbers; ``kernels.region_indicators``
    says what each one measures). Besides the firms and employment, ``world_*`` totals, mass,
    location quotient and concentration, they describe the core actors and their network, and
    the cores' and world demand's positions in technology space (``core_k*``, ``demand_k*``)."""
    f, t, reg = model.firms, model.ties, model.regions
    ties = (t.n, t.a, t.b, t.kind, t.trust)
    # the size of the place (base_pool), not the workers the industry drew, sets the quotient
    return region_indicators(
        reg.n, f.live, f.region, f.emp, f.kpos, model.demand, cfg.core_radius, ties,
        model.universities.region, reg.base_pool, reg.critical_mass,
    )  # fmt: skip


def measure(model, cfg: LifecycleConfig) -> dict[str, np.ndarray]:
    """:func:`indicators` by name (arrays of length n_regions)."""
    return dict(zip(indicator_names(model.dims), indicators(model, cfg), strict=True))


# ----------------------------------------------------------------------------- classification
_RULE_INPUTS = (
    "core_linked_share",
    "mass",
    "core_external_share",
    "entry_rate",
    "firm_growth_rel",
    "growth_rel",
    "core_drift",
)


def rule_thresholds(cfg: LifecycleConfig) -> np.ndarray:
    """The thresholds :func:`next_stage` reads, in its order, then the hysteresis band."""
    return np.array(
        [
            cfg.emerging_linked,
            cfg.mature_mass,
            cfg.mature_external,
            cfg.mature_creation,
            cfg.developing_growth,
            cfg.decline_growth,
            cfg.renewal_drift,
            cfg.band,
        ]
    )


@njit(cache=True)
def _over(value, threshold, held, band):
    """A threshold passed; once in the stage it guards, relaxed by the band (hysteresis)."""
    return value >= threshold * ((1.0 - band) if held else 1.0)


@njit(cache=True)
def next_stage(
    s, pending, count, linked, mass, external, creation, growth_f, growth, drift, c, dwell
):
    """One step of the rule (docs/lifecycle.md) for one cluster: (stage, pending, count) after
    seeing its features, ``c`` from :func:`rule_thresholds`.

    Bands: once in a stage, the thresholds that keep it there are relaxed by the band. Dwell: a
    different stage must be the candidate for ``dwell`` consecutive steps before the stage
    switches. The rule only remembers whether the region has been a cluster (developing or
    later) and whether it has matured; every other condition is read from the indicators, so
    stages can be skipped if the dynamics skip them.
    """
    band = c[7]
    was_cluster = s >= DEVELOPING
    matured = s >= MATURE
    coop = _over(linked, c[0], s != AGGLOMERATION, band)
    critical = _over(mass, c[1], s == MATURE or s == TRANSFORMATION, band)
    open_ = _over(external, c[2], s == MATURE, band)
    creating = _over(creation, c[3], s == MATURE, band)
    growing = _over(growth_f, c[4], s == DEVELOPING, band)
    shrinking = _over(-growth, c[5], s == DECLINE, band)
    renewing = _over(drift, c[6], s == TRANSFORMATION, band)
    if matured and renewing:
        cand = TRANSFORMATION
    elif was_cluster and (shrinking or not coop):
        cand = DECLINE
    elif s == DECLINE and not growing:
        cand = DECLINE  # stagnation: a declined cluster stays so until it grows again
    elif critical and coop and open_ and creating:
        cand = MATURE
    elif matured and critical:
        cand = MATURE
    elif coop and (growing or was_cluster):
        cand = DEVELOPING
    else:
        cand = EMERGING if coop else AGGLOMERATION
    if cand == s:
        count = 0
    elif cand == pending and count > 0:
        count += 1
    else:
        pending, count = cand, 1
    if count >= dwell:
        s, count = cand, 0
    return s, pending, count


@dataclass
class StageClassifier:
    """One cluster's stage under the rule of :func:`next_stage`, fed a dict of its features."""

    cfg: LifecycleConfig
    stage: int = AGGLOMERATION
    pending: int = AGGLOMERATION
    count: int = 0

    def update(self, x: dict) -> int:
        self.stage, self.pending, self.count = next_stage(
            self.stage, self.pending, self.count, *(float(x[k]) for k in _RULE_INPUTS),
            rule_thresholds(self.cfg), self.cfg.dwell,
        )  # fmt: skip
        return self.stage


# the per-step values a tracker keeps over its window, then the positions of the cores
_KEPT = ("firms", "employment", "world_firms", "world_employment", *_COUNTS)
# where the observer finds them: rows of ``indicators``, the counts' rows of
# ``model.step_counts``, every dimension's core row; and the rule's first three inputs
_INDICATOR_ROWS = np.array([INDICATORS.index(key) for key in _KEPT[: -len(_COUNTS)]])
_COUNT_ROWS = np.array([COUNT_ROW[key] for key in _COUNTS])
_CORE_ROWS = slice(len(INDICATORS), None, 2)
_RULE_ROWS = np.array([INDICATORS.index(key) for key in _RULE_INPUTS[:3]])


@njit(cache=True)
def _remember(h, filled, pos, row):
    """Write ``row`` (lanes x fields, fields as ``_KEPT`` then the core) into the ring ``h``
    (window + 1 steps) at ``pos``; per lane, with the oldest kept step: the mean firm count
    over the kept steps (numpy's mean of them in time order), the entries, exits and spin-offs
    of all kept steps but the oldest (added in time order), the new over the old firms,
    employment and world totals (at least 1 each) and the core's move. Scalar loops only:
    array expressions here took seconds to compile."""
    size, lanes, fields = h.shape
    oldest = (pos - filled + 1) % size
    firms = np.empty(filled)
    mean = np.empty(lanes)
    counts = np.zeros((lanes, 3))
    growth = np.empty((lanes, 4))
    moved = np.empty((lanes, fields - 7))
    for i in range(lanes):
        for k in range(fields):
            h[pos, i, k] = row[i, k]
        for j in range(filled):
            step = (oldest + j) % size
            firms[j] = h[step, i, 0]
            if j > 0:
                for k in range(3):
                    counts[i, k] += h[step, i, 4 + k]
        mean[i] = pairwise_sum(firms, 0, filled) / filled
        for k in range(4):
            growth[i, k] = max(row[i, k], 1.0) / max(h[oldest, i, k], 1.0)
        for k in range(fields - 7):
            moved[i, k] = row[i, 7 + k] - h[oldest, i, 7 + k]
    return mean, counts, growth, moved


@njit(cache=True)
def _judge(per_year, mean, counts, log_growth, drift, rule_in, state, c, dwell):
    """Windowed features (rows in ``FEATURES`` order) of every lane and its next stage
    (``state``: stage, pending, count per lane, updated in place)."""
    lanes = mean.shape[0]
    x = np.empty((len(FEATURES), lanes))
    for i in range(lanes):
        x[0, i] = per_year * (log_growth[i, 1] - log_growth[i, 3])
        x[1, i] = per_year * (log_growth[i, 0] - log_growth[i, 2])
        for k in range(3):
            x[2 + k, i] = per_year * counts[i, k] / max(mean[i], 1.0)
        x[5, i] = per_year * drift[i]
        state[i, 0], state[i, 1], state[i, 2] = next_stage(
            state[i, 0], state[i, 1], state[i, 2], rule_in[0, i], rule_in[1, i], rule_in[2, i],
            x[2, i], x[1, i], x[0, i], x[5, i], c, dwell,
        )  # fmt: skip
    return x


class Tracker:
    """The recent history of several clusters (lanes) -> windowed features -> stages.

    Features: growth of employment and of firms relative to the world industry, entry, exit and
    spin-off rates and core drift, per year over ``cfg.window`` steps; zero until the window is
    full, since early, short spans would turn noise into stages.
    """

    def __init__(self, cfg: LifecycleConfig, lanes: int = 1):
        self.cfg, self.lanes = cfg, lanes
        self.h: np.ndarray | None = None  # ring of the last window + 1 steps
        self.filled = self.pos = 0
        self.state = np.zeros((lanes, 3), dtype=np.int64)  # stage, pending stage, count
        self.thresholds = rule_thresholds(cfg)

    def push(self, obs: dict) -> dict[str, np.ndarray]:
        """Add one step's raw indicators (per lane, or one value for all lanes; ``core``:
        lanes x dims); return the features and the stage codes per lane."""
        core = np.reshape(obs["core"], (self.lanes, -1))
        row = np.empty((self.lanes, len(_KEPT) + core.shape[1]))
        for j, key in enumerate(_KEPT):
            row[:, j] = obs[key]
        row[:, len(_KEPT) :] = core
        rule_in = np.empty((3, self.lanes))
        for j, key in enumerate(_RULE_INPUTS[:3]):
            rule_in[j] = obs[key]
        x = self.push_rows(row, rule_in)
        return {**dict(zip(FEATURES, x, strict=True)), "stage": self.state[:, 0].copy()}

    def push_rows(self, row: np.ndarray, rule_in: np.ndarray) -> np.ndarray:
        """:meth:`push` of one step given as arrays: ``row`` lanes x (``_KEPT``, then the
        core), ``rule_in`` the first three of ``_RULE_INPUTS`` x lanes. Returns the features
        (rows in ``FEATURES`` order); the stages are in ``state[:, 0]``."""
        if self.h is None:
            self.h = np.zeros((self.cfg.window + 1, *row.shape))
        size = self.h.shape[0]
        self.filled = min(self.filled + 1, size)
        mean, counts, growth, moved = _remember(self.h, self.filled, self.pos, row)
        self.pos = (self.pos + 1) % size
        per_year = STEPS_PER_YEAR / self.cfg.window if self.filled == size else 0.0
        # numpy's log and dot (the norm's), as the rule's definition: compiled ones round apart
        return _judge(
            per_year, mean, counts, np.log(growth), np.sqrt(np.vecdot(moved, moved)), rule_in,
            self.state, self.thresholds, self.cfg.dwell,
        )  # fmt: skip


# ----------------------------------------------------------------------------- online
class LifecycleObserver(StepHook):
    """Measures and classifies every region each step; ``model.lifecycle`` points to it.

    Reads state only and draws no random numbers, so it never changes a trajectory.
    """

    name = "lifecycle"
    fresh_columns = True  # each step's indicators, features and stages are new arrays

    def __init__(self, model):
        self.cfg = model.cfg.lifecycle
        self.tracker = Tracker(self.cfg, model.regions.n)
        self.names = indicator_names(model.dims)
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
        raw = indicators(model, self.cfg)
        counts = model.step_counts.array[_COUNT_ROWS]
        row = np.concatenate((raw[_INDICATOR_ROWS], counts, raw[_CORE_ROWS])).T
        x = self.tracker.push_rows(row, raw[_RULE_ROWS])
        cols = dict(zip(self.names[2:], raw[2:], strict=True))  # firms, employment: recorded
        cols.update(zip(FEATURES, x, strict=True))
        cols["stage"] = _STAGE_NAMES[self.tracker.state[:, 0]]
        return cols

    def columns(self, model) -> dict:
        exists = np.zeros(model.regions.n)
        for ini in getattr(model, "initiatives", ()):
            exists[ini.region] = max(exists[ini.region], float(ini.exists))
        return {**self.current(model), "initiative": exists}


# ----------------------------------------------------------------------------- offline
def classify(ts: pd.DataFrame, cfg: LifecycleConfig | None = None) -> pd.Series:
    """Stage of every row of a recorded time series, replayed through a fresh tracker with one
    lane per run and region.

    ``ts`` needs the columns the observer writes. With the run's own ``LifecycleConfig`` this
    reproduces the recorded ``stage`` column exactly; with another config it re-classifies the
    same run under other thresholds.
    """
    cfg = cfg or LifecycleConfig()
    keys = [k for k in ("run_id", "region") if k in ts.columns]
    dims = sorted(c for c in ts.columns if c.startswith("core_k"))
    order = np.argsort(ts["step"].to_numpy(), kind="stable")
    lanes = ts.iloc[order].groupby(keys, sort=False)
    lane, i = lanes.ngroup().to_numpy(), lanes.cumcount().to_numpy()
    shape = (i.max() + 1, lane.max() + 1)  # steps x lanes; a shorter lane's tail is never read

    def table(values: np.ndarray) -> np.ndarray:
        out = np.zeros(shape + values.shape[1:])
        out[i, lane] = values
        return out

    values = {k: table(ts[k].to_numpy(dtype=float)[order]) for k in (*_KEPT, *_RULE_INPUTS[:3])}
    values["core"] = table(ts[dims].to_numpy(dtype=float)[order])
    tracker = Tracker(cfg, shape[1])
    codes = np.stack(
        [tracker.push({k: v[t] for k, v in values.items()})["stage"] for t in range(shape[0])]
    )
    stages = np.empty(len(ts), dtype=object)
    stages[order] = _STAGE_NAMES[codes[i, lane]]
    return pd.Series(stages, index=ts.index)


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
