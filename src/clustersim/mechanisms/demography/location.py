"""Location utility: how attractive each region is to a firm choosing where to be. One function
serves start-ups choosing a region (``entry.startups``) and incumbents weighing a move
(``relocation``), so both read the same regional attractions. Region-level numpy, shared by both
engines."""

from __future__ import annotations

import numpy as np


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
    cost = (reg.wage + reg.rent) / cfg.world.base_wage
    u = cfg.entry.agglomeration_pull * np.log1p(reg.emp) - cfg.entry.cost_aversion * cost
    live = f.live
    if len(live):
        n = np.bincount(f.region[live], minlength=reg.n)
        total = np.bincount(f.region[live], f.kstock[live], minlength=reg.n)
        mean = f.kstock[live].mean()
        rel = np.where(n > 0, total / np.maximum(n, 1) / mean, 1.0) if mean > 0 else np.ones(reg.n)
        u = u + loc.knowledge_pull * np.log(np.maximum(rel, 1e-12))
    uni, fin = model.universities, model.financiers
    u = u + loc.university_pull * np.bincount(uni.region, uni.openness, minlength=reg.n)
    active = np.bincount(fin.region[fin.active], minlength=reg.n)
    return u + loc.finance_pull * np.log1p(active) + reg.amenity
