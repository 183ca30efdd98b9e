"""Location utility: how attractive each region is to a firm choosing where to be. One function
serves start-ups choosing a region (``entry.startups``) and incumbents weighing a move
(``relocation``), so both read the same regional attractions. Region-level, shared by both
engines."""

from __future__ import annotations

import numpy as np
from numba import njit

from clustersim.world.state import pairwise_sum


def location_utility(model) -> np.ndarray:
    """Utility of each region (logit units), the sum of

    * suppliers and the labour market: ``entry.agglomeration_pull x ln(1 + employment)``,
      increasing returns to the local industry (L538-539; Arthur 1990);
    * costs: ``- entry.cost_aversion x (wage + rent) / base wage``, congestion (L1711-1718);
    * access to knowledge: ``location.knowledge_pull x ln(regional / industry mean knowledge)``
      (localised spillovers, Audretsch & Feldman 1996) plus ``location.university_pull`` per
      fully open university (Woodward, Figueiredo & Guimaraes 2006);
    * access to finance: ``location.finance_pull x ln(1 + active financiers)`` (venture
      finance is local, Sorenson & Stuart 2001);
    * the region's amenity.

    A region without firms has the industry's mean knowledge. No random numbers."""
    cfg, reg, f = model.cfg, model.regions, model.firms
    loc = cfg.location
    uni, fin = model.universities, model.financiers
    n_live, rel, universities, active = _regional_sums(
        f.alive, f.region, f.kstock, uni.region, uni.openness, fin.region, fin.active, reg.n
    )
    cost = (reg.wage + reg.rent) / cfg.world.base_wage
    u = cfg.entry.agglomeration_pull * np.log1p(reg.emp) - cfg.entry.cost_aversion * cost
    if n_live:
        u = u + loc.knowledge_pull * np.log(np.maximum(rel, 1e-12))
    u = u + loc.university_pull * universities
    return u + loc.finance_pull * np.log1p(active) + reg.amenity


@njit(cache=True)
def _regional_sums(alive, region, kstock, uni_region, openness, fin_region, fin_active, n_reg):
    """The sums :func:`location_utility` reads, in one compiled pass and in numpy's order
    (``bincount`` slot after slot, the mean pairwise): how many firms are live; each region's
    mean knowledge relative to the industry's (1 where it has none), its universities'
    openness and its active financiers."""
    n = np.zeros(n_reg, np.int64)
    total = np.zeros(n_reg)
    live = np.empty(alive.shape[0])
    n_live = 0
    for s in range(alive.shape[0]):
        if alive[s]:
            n[region[s]] += 1
            total[region[s]] += kstock[s]
            live[n_live] = kstock[s]
            n_live += 1
    rel = np.ones(n_reg)
    if n_live > 0:
        mean = pairwise_sum(live, 0, n_live) / n_live
        if mean > 0:
            for r in range(n_reg):
                if n[r] > 0:
                    rel[r] = total[r] / n[r] / mean
    universities = np.zeros(n_reg)
    for i in range(uni_region.shape[0]):
        universities[uni_region[i]] += openness[i]
    active = np.zeros(n_reg, np.int64)
    for k in range(fin_region.shape[0]):
        if fin_active[k]:
            active[fin_region[k]] += 1
    return n_live, rel, universities, active
