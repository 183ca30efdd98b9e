"""Where new firms come from and where they locate (brief 3.5).

Candidate generation is region- and candidate-level work, O(candidates) per step, so both engines
share this module; the per-firm draws (which firms spawn spin-offs) run in the engines. Random
numbers are drawn here in a fixed order: start-ups, then spin-offs, then university spin-offs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustersim.world.state import ORIGIN_SPINOFF, ORIGIN_STARTUP, ORIGIN_UNIVERSITY


@dataclass
class Candidates:
    """Would-be firms of one step, before finance decides which of them enter."""

    origin: np.ndarray
    parent: np.ndarray  # parent firm slot, -1 if none
    x: np.ndarray
    y: np.ndarray
    region: np.ndarray
    kstock: np.ndarray
    kpos: np.ndarray

    def __len__(self) -> int:
        return len(self.origin)

    @staticmethod
    def concat(parts: list[Candidates]) -> Candidates:
        return Candidates(
            *[
                np.concatenate([getattr(p, f) for p in parts])
                for f in ("origin", "parent", "x", "y", "region", "kstock", "kpos")
            ]
        )


def location_utility(model) -> np.ndarray:
    """Logit utility of each region for a start-up: increasing returns to local employment
    (L538-539; Arthur 1990) against wage and rent (congestion, L1711-1718), plus amenity."""
    cfg, reg = model.cfg.entry, model.regions
    cost = (reg.wage + reg.rent) / model.cfg.world.base_wage
    return cfg.agglomeration_pull * np.log1p(reg.emp) - cfg.cost_aversion * cost + reg.amenity


def startups(model, rng: np.random.Generator) -> Candidates:
    """Start-ups: more where firms abound (L1368-1403), placed by logit location choice; most
    settle next to an existing firm of the chosen region, the rest anywhere in it."""
    cfg, reg, f, idx = model.cfg.entry, model.regions, model.firms, model.index
    n = rng.poisson(cfg.startup_base * reg.n + cfg.startup_rate * idx.n_live)
    u = location_utility(model)
    p = np.exp(u - u.max())
    region = rng.choice(reg.n, size=n, p=p / p.sum())
    near = rng.random(n) < cfg.near_firm_share
    x = rng.uniform(reg.x0[region], reg.x1[region])
    y = rng.uniform(reg.y0[region], reg.y1[region])
    jitter = rng.normal(size=(n, 2))
    pick = rng.random(n)
    kz = rng.normal(size=(n, model.dims))
    kq = rng.normal(size=n)
    kpos = np.empty((n, model.dims))
    kstock = np.empty(n)
    host = np.full(n, -1)
    regional = {}  # core and mean knowledge once per region: O(N) a step, not O(N x start-ups)
    for c in range(n):
        r = region[c]
        members = idx.region_members(r)
        if len(members) and near[c]:
            host[c] = members[int(pick[c] * len(members))]
        if r not in regional:
            regional[r] = (model.core_position(r), model.mean_kstock(r))
        core, mean_kstock = regional[r]
        kpos[c] = core + model.cfg.knowledge.initial_spread * kz[c]
        kstock[c] = 0.8 * mean_kstock * np.exp(0.3 * kq[c])
    nearby = host >= 0
    x[nearby], y[nearby] = model.clip_xy(
        f.x[host[nearby]] + jitter[nearby, 0], f.y[host[nearby]] + jitter[nearby, 1]
    )
    return Candidates(
        np.full(n, ORIGIN_STARTUP), np.full(n, -1), x, y, model.region_at(x, y), kstock, kpos
    )


def spinoffs(model, parents: np.ndarray, rng: np.random.Generator) -> Candidates:
    """Spin-offs locate near their parent and inherit part of its knowledge (L3752-3759,
    L1532-1550; Klepper 2007)."""
    cfg, f = model.cfg.entry, model.firms
    n = len(parents)
    off = rng.normal(size=(n, 2)) * cfg.spinoff_distance
    kz = rng.normal(size=(n, model.dims))
    x, y = model.clip_xy(f.x[parents] + off[:, 0], f.y[parents] + off[:, 1])
    kpos = f.kpos[parents] + 0.1 * model.cfg.knowledge.initial_spread * kz
    kstock = cfg.spinoff_inherit * f.kstock[parents]
    return Candidates(
        np.full(n, ORIGIN_SPINOFF),
        parents.astype(np.int64),
        x,
        y,
        model.region_at(x, y),
        kstock,
        kpos,
    )


def university_spinoffs(model, rng: np.random.Generator) -> Candidates:
    """Academic spin-offs next to their university, carrying its knowledge (L4247-4315)."""
    uni, ucfg = model.universities, model.cfg.universities
    counts = rng.poisson(ucfg.spinoff_rate * uni.openness) if uni.n else np.zeros(0, np.int64)
    src = np.repeat(np.arange(uni.n), counts)
    n = len(src)
    off = rng.normal(size=(n, 2))
    kz = rng.normal(size=(n, model.dims))
    x, y = model.clip_xy(uni.x[src] + off[:, 0], uni.y[src] + off[:, 1])
    kpos = uni.kpos[src] + 0.2 * model.cfg.knowledge.initial_spread * kz
    kstock = 0.5 * np.minimum(uni.kstock[src], 2.0 * model.mean_kstock(-1))
    return Candidates(
        np.full(n, ORIGIN_UNIVERSITY), np.full(n, -1), x, y, model.region_at(x, y), kstock, kpos
    )
