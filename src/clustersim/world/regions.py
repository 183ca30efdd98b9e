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
    reg.critical_mass = critical_mass(cfg)
    return reg


def critical_mass(cfg) -> float:
    """Regional employment at the mid-point of the critical-mass S-curve (L1067-1101): the
    configured ``market.critical_mass`` employees per initial firm x ``n_firms``.

    Critical mass is a concentration of the industry's workers, managers and entrepreneurs in
    one place (L1067-1074); the model's industry is ``n_firms`` firms with demand and labour
    pools per firm, so the threshold grows with it, and the same scenario at another size gives
    the same geography (docs/ODD.md, Scale). Computed once at set-up into
    ``model.regions.critical_mass``, which every consumer reads (agglomeration and complacency
    here, the life-cycle ``mass``, the initiative, the app)."""
    return float(cfg.market.critical_mass * cfg.n_firms)


def update(reg: RegionArrays, firms, cfg) -> None:
    """Wages and rents rise with local employment (congestion, L1711-1718); productivity
    gains from critical mass follow an S-curve in regional employment around
    ``reg.critical_mass`` (L1067-1101)."""
    w, m, f = cfg.world, cfg.market, firms
    live = f.live
    reg.emp = np.bincount(f.region[live], f.emp[live], minlength=reg.n).astype(float)
    tight = reg.emp / reg.pool
    reg.wage = w.base_wage * (1.0 + w.wage_tightness * tight)
    reg.rent = w.base_rent * (1.0 + w.rent_density * tight)
    mass = reg.critical_mass
    s = 1.0 / (1.0 + np.exp(-(reg.emp - mass) / (m.critical_mass_width * mass)))
    reg.agglo = 1.0 + m.agglomeration * s
    reg.complacency = m.complacency * s
