"""Regions: their layout and endowments at set-up, and each quarter's wages, rents and
agglomeration, which follow regional employment."""

from __future__ import annotations

import numpy as np

from clustersim.world.state import RegionArrays, region_bounds, region_totals


def economy_firms(cfg) -> int:
    """The initial firms the economy's labour pools, finance and universities are sized for:
    ``world.economy_firms``, or the industry's own ``n_firms`` if it is 0."""
    return cfg.world.economy_firms or cfg.n_firms


def build(cfg, rng: np.random.Generator, focal: int) -> RegionArrays:
    """Regions tiling the landscape; the focal region's endowments scaled by ``world.focal``.
    Draws one normal per region (amenity)."""
    w = cfg.world
    reg = RegionArrays(w.n_regions)
    for r, (x0, x1, y0, y1) in enumerate(region_bounds(w.n_regions, w.size)):
        reg.x0[r], reg.x1[r], reg.y0[r], reg.y1[r] = x0, x1, y0, y1
    reg.cx, reg.cy = (reg.x0 + reg.x1) / 2, (reg.y0 + reg.y1) / 2
    reg.pool[:] = w.labour_pool_per_firm * economy_firms(cfg) / w.n_regions
    reg.amenity[:] = w.amenity_sd * rng.normal(size=w.n_regions)
    reg.enforcement[:] = w.contract_enforcement
    reg.bonding[:] = w.bonding_trust
    reg.bridging[:] = w.bridging_trust
    reg.search_radius[:] = w.search_radius
    reg.skill[:] = w.initial_skill
    f = w.focal
    reg.pool[focal] *= f.labour_pool
    reg.amenity[focal] += f.amenity
    reg.enforcement[focal] = min(1.0, reg.enforcement[focal] * f.contract_enforcement)
    reg.bonding[focal] = min(1.0, reg.bonding[focal] * f.bonding)
    reg.bridging[focal] = min(1.0, reg.bridging[focal] * f.bridging)
    if f.search_radius >= 0:
        reg.search_radius[focal] = f.search_radius
    reg.skill[focal] = min(1.0, reg.skill[focal] * f.skill)
    reg.base_skill[:] = reg.skill
    reg.base_pool[:] = reg.pool
    reg.commute = commuting_weights(reg, w.migration.commute_range)
    reg.critical_mass = critical_mass(cfg)
    return reg


def commuting_weights(reg: RegionArrays, commute_range: float) -> np.ndarray | None:
    """Each region's labour market as a commuting zone (Tolbert & Sizer 1996): row ``r`` weights
    the jobs and workers of region ``j`` by exp(-d_rj / range), d the distance between the
    regions' centres (an exponential distance decay of commuting flows, Fotheringham & O'Kelly
    1989); the region itself counts fully. None (no commuting) when the range is 0."""
    if commute_range <= 0:
        return None
    d = np.hypot(reg.cx[:, None] - reg.cx[None, :], reg.cy[:, None] - reg.cy[None, :])
    return np.exp(-d / commute_range)


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
    reg.emp = region_totals(f.alive, f.region, f.emp, reg.n)
    if reg.commute is None:
        tight = reg.emp / reg.pool
    else:  # tightness of the commuting zone: the jobs and workers within reach
        tight = (reg.commute @ reg.emp) / (reg.commute @ reg.pool)
    reg.tight = tight
    reg.wage = w.base_wage * (1.0 + w.wage_tightness * tight)
    reg.rent = w.base_rent * (1.0 + w.rent_density * tight)
    mass = reg.critical_mass
    s = 1.0 / (1.0 + np.exp(-(reg.emp - mass) / (m.critical_mass_width * mass)))
    reg.agglo = 1.0 + m.agglomeration * s
    reg.complacency = m.complacency * s


def utility(reg: RegionArrays, mig) -> np.ndarray:
    """What a worker of the industry expects from living in each region: the log of the
    expected wage, the wage times the chance of a job (Harris & Todaro 1970; the commuting
    zone's tightness, capped at 1), plus the valued amenity, less the congestion of the place
    beyond its set-up size at the supply elasticity (the marginal resident's weaker attachment
    in a spatial equilibrium with heterogeneous location preferences, Moretti 2011)."""
    expected = reg.wage * reg.tight.clip(1e-3, 1.0)
    return (
        np.log(expected)
        + mig.amenity_weight * reg.amenity
        - np.log(reg.pool / reg.base_pool) / mig.supply_elasticity
    )


def migrate(reg: RegionArrays, cfg) -> np.ndarray:
    """People move between the regions' labour pools toward higher utility (``utility``), read
    from last quarter's wages and jobs (a lag); returns the net inflow of each region.

    From region i to region j go ``rate`` x pool_i x (pool_j / all workers) x (V_j - V_i - c)
    a quarter when the utility gain exceeds the moving cost c (Sjaastad 1962), nobody
    otherwise: each origin-destination flow leaves one pool and joins another, so people are
    conserved (to rounding), not created, and the flows stop once no gain beats the cost.
    Destinations draw in proportion to their size (the mass of a gravity flow). Movers carry
    their skill: the stayers keep theirs and each destination's skill (and base skill) becomes
    the pool-weighted mix of stayers and arrivals. No random numbers; shared by both engines
    (it runs before the engine's sub-steps)."""
    mig = cfg.world.migration
    v = utility(reg, mig)
    gain = (v[None, :] - v[:, None] - mig.moving_cost).clip(0.0, 0.5)  # [origin, destination]
    flow = mig.rate * reg.pool[:, None] * (reg.pool[None, :] / reg.pool.sum()) * gain
    inflow, outflow = flow.sum(axis=0), flow.sum(axis=1)
    if not inflow.any():
        return np.zeros(reg.n)
    stay = reg.pool - outflow
    pool = stay + inflow
    for level in (reg.skill, reg.base_skill):
        level[:] = (stay * level + flow.T @ level) / pool
    net = inflow - outflow
    reg.pool[:] = pool
    return net
