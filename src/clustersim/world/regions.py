"""Regions: their layout and endowments at set-up, and each quarter's wages, rents and
agglomeration, which follow regional employment."""

from __future__ import annotations

import numpy as np

from clustersim.world.state import RegionArrays, region_bounds


def build(cfg, rng: np.random.Generator, focal: int) -> RegionArrays:
    """Regions tiling the landscape; the focal region's endowments scaled by ``world.focal``.
    Draws one normal per region (amenity)."""
    w = cfg.world
    reg = RegionArrays(w.n_regions)
    for r, (x0, x1, y0, y1) in enumerate(region_bounds(w.n_regions, w.size)):
        reg.x0[r], reg.x1[r], reg.y0[r], reg.y1[r] = x0, x1, y0, y1
    reg.cx, reg.cy = (reg.x0 + reg.x1) / 2, (reg.y0 + reg.y1) / 2
    reg.pool[:] = w.labour_pool_per_firm * cfg.n_firms / w.n_regions
    reg.amenity[:] = w.amenity_sd * rng.normal(size=w.n_regions)
    reg.enforcement[:] = w.contract_enforcement
    reg.bonding[:] = w.bonding_trust
    reg.bridging[:] = w.bridging_trust
    reg.skill[:] = w.initial_skill
    f = w.focal
    reg.pool[focal] *= f.labour_pool
    reg.amenity[focal] += f.amenity
    reg.enforcement[focal] = min(1.0, reg.enforcement[focal] * f.contract_enforcement)
    reg.bonding[focal] = min(1.0, reg.bonding[focal] * f.bonding)
    reg.bridging[focal] = min(1.0, reg.bridging[focal] * f.bridging)
    reg.skill[focal] = min(1.0, reg.skill[focal] * f.skill)
    if cfg.trust.closed_community:
        reg.bonding[:] = cfg.trust.closed_in_group
        reg.bridging[:] = cfg.trust.closed_out_group
    reg.base_skill[:] = reg.skill
    return reg


def update(reg: RegionArrays, firms, cfg) -> None:
    """Wages and rents rise with local employment (congestion, L1711-1718); productivity
    gains from critical mass follow an S-curve in regional employment (L1067-1101)."""
    w, m, f = cfg.world, cfg.market, firms
    live = f.live
    reg.emp = np.bincount(f.region[live], f.emp[live], minlength=reg.n).astype(float)
    tight = reg.emp / reg.pool
    reg.wage = w.base_wage * (1.0 + w.wage_tightness * tight)
    reg.rent = w.base_rent * (1.0 + w.rent_density * tight)
    s = 1.0 / (
        1.0 + np.exp(-(reg.emp - m.critical_mass) / (m.critical_mass_width * m.critical_mass))
    )
    reg.agglo = 1.0 + m.agglomeration * s
    reg.complacency = m.complacency * s
