"""Production, competition for demand, accounts and employment (L959-971; Melitz 2003)."""

import numpy as np
from numba import njit

from clustersim.mechanisms.common.kernel import demand_fit


@njit(cache=True)
def market(
    alive,
    region,
    emp,
    cash,
    prod,
    rd,
    skill,
    kstock,
    competence,
    sales,
    profit,
    fit,
    loss_streak,
    age,
    kpos,
    demand,
    demand_total,
    region_public_demand,
    region_wage,
    region_rent,
    region_agglo,
    region_skill,
    knowledge_elasticity,
    skill_effect,
    fit_width,
    selection,
    fixed_cost,
    target_margin,
    adjustment,
    max_growth,
    hiring_skill_rate,
):
    """One quarter of market competition. Returns (total wages, total rent, total R&D spend).

    Firms then hire or shed workers toward the workforce their sales pay for at a target margin,
    at most ``max_growth`` a quarter and never while cash is negative.
    Productivity = knowledge^elasticity x (1 + skill effect x skill) x regional agglomeration
    x (1 + VC competence). Demand is differentiated (Dixit-Stiglitz): a firm's share is its
    competitiveness (productivity x fit to demand)^selection over the sum of all firms', so rivals
    coexist, the least competitive cannot cover their fixed cost and exit (Melitz 2003), and
    rivalry rewards both productivity and fit (L959-971). ``region_public_demand`` is extra
    demand bought inside a region (public procurement, L2180-2231), shared the same way among
    that region's firms.
    """
    n = alive.shape[0]
    n_regions = region_public_demand.shape[0]
    total = 0.0
    total_r = np.zeros(n_regions)
    for i in range(n):
        if not alive[i]:
            continue
        r = region[i]
        skill[i] += hiring_skill_rate * (region_skill[r] - skill[i])
        prod[i] = (
            kstock[i] ** knowledge_elasticity
            * (1.0 + skill_effect * skill[i])
            * region_agglo[r]
            * (1.0 + competence[i])
        )
        fit[i] = demand_fit(kpos, i, demand, fit_width)
        total += (prod[i] * fit[i]) ** selection
        total_r[r] += (prod[i] * fit[i]) ** selection
    wages = 0.0
    rent = 0.0
    rd_spend = 0.0
    for i in range(n):
        if not alive[i]:
            continue
        r = region[i]
        weight = (prod[i] * fit[i]) ** selection
        sales[i] = demand_total * weight / total if total > 0.0 else 0.0
        if region_public_demand[r] > 0.0 and total_r[r] > 0.0:
            sales[i] += region_public_demand[r] * weight / total_r[r]
        w = region_wage[r] * emp[i]
        re = region_rent[r] * emp[i]
        rdc = rd[i] * sales[i]
        profit[i] = sales[i] - w - re - rdc - fixed_cost
        cash[i] += profit[i]
        wages += w
        rent += re
        rd_spend += rdc
        if profit[i] < 0.0:
            loss_streak[i] += 1
        else:
            loss_streak[i] = 0
        # hire or shed toward the workforce that sales pay for at the target margin
        desired = sales[i] * (1.0 - rd[i] - target_margin) / (region_wage[r] + region_rent[r])
        g = adjustment * (desired / emp[i] - 1.0)
        g = min(max(g, -max_growth), max_growth)
        if g > 0.0 and cash[i] < 0.0:
            g = 0.0  # no finance for growth while in the red
        emp[i] = max(1.0, emp[i] * (1.0 + g))
        age[i] += 1
    return wages, rent, rd_spend


# ---------------------------------------------------------------- engine sub-steps
def step_market(m) -> None:
    f, reg, c = m.firms, m.regions, m.cfg.market
    m.accounts = market(
        f.alive,
        f.region,
        f.emp,
        f.cash,
        f.prod,
        f.rd,
        f.skill,
        f.kstock,
        f.competence,
        f.sales,
        f.profit,
        f.fit,
        f.loss_streak,
        f.age,
        f.kpos,
        m.demand,
        m.demand_total,
        reg.public_demand,
        reg.wage,
        reg.rent,
        reg.agglo,
        reg.skill,
        c.knowledge_elasticity,
        c.skill_effect,
        c.fit_width,
        c.selection,
        c.fixed_cost,
        c.target_margin,
        c.adjustment,
        c.max_growth,
        c.hiring_skill_rate,
    )
