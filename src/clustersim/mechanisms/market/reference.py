"""Market, the reference rules: production, competition for demand, accounts, employment."""

from __future__ import annotations

from clustersim.mechanisms.common.reference import demand_fit, live_firms


def productivity(kstock: float, skill: float, agglo: float, competence: float, c) -> float:
    """knowledge^elasticity x (1 + skill effect x skill) x regional agglomeration (critical
    mass, L1067-1101) x (1 + VC management competence, L1428-1436)."""
    return (
        kstock**c.knowledge_elasticity * (1.0 + c.skill_effect * skill) * agglo * (1.0 + competence)
    )


def workforce_growth(sales: float, rd: float, emp: float, cash: float, unit_cost: float, c):
    """Growth rate toward the workforce that sales pay for at the target margin, at most
    ``max_growth`` a quarter either way, and no growth while cash is negative."""
    desired = sales * (1.0 - rd - c.target_margin) / unit_cost
    g = c.adjustment * (desired / emp - 1.0)
    g = min(max(g, -c.max_growth), c.max_growth)
    return 0.0 if g > 0.0 and cash < 0.0 else g


def step_market(m) -> None:
    """One quarter of production, competition for demand, accounts and employment.

    Productivity = knowledge^elasticity x (1 + skill effect x skill) x regional agglomeration
    x (1 + VC competence). Demand is differentiated (Dixit-Stiglitz): a firm's share is its
    competitiveness (productivity x fit to demand)^selection over the sum of all firms', so
    rivalry rewards both productivity and fit (L959-971) and the least competitive cannot
    cover their fixed cost (Melitz 2003). Public procurement adds demand bought inside a
    region, shared the same way among its firms (L2180-2231). Sets ``m.accounts`` to
    (total wages, total rent, total R&D spend).
    """
    c, reg = m.cfg.market, m.regions
    demand = m.demand.tolist()
    region_skill, agglo = reg.skill.tolist(), reg.agglo.tolist()
    wage, rent, public = reg.wage.tolist(), reg.rent.tolist(), reg.public_demand.tolist()
    firms = live_firms(m)
    weights, total, total_r = [], 0.0, [0.0] * reg.n
    for firm in firms:
        r = firm.region
        firm.skill += c.hiring_skill_rate * (region_skill[r] - firm.skill)
        firm.prod = productivity(firm.kstock, firm.skill, agglo[r], firm.competence, c)
        firm.fit = demand_fit(firm.kpos.tolist(), demand, c.fit_width)
        weight = (firm.prod * firm.fit) ** c.selection
        weights.append(weight)
        total += weight
        total_r[r] += weight
    wages = rents = rd_spend = 0.0
    for firm, weight in zip(firms, weights, strict=True):
        r = firm.region
        sales = m.demand_total * weight / total if total > 0.0 else 0.0
        if public[r] > 0.0 and total_r[r] > 0.0:
            sales += public[r] * weight / total_r[r]
        emp = firm.emp
        w, re, rdc = wage[r] * emp, rent[r] * emp, firm.rd * sales
        profit = sales - w - re - rdc - c.fixed_cost
        firm.sales, firm.profit = sales, profit
        firm.cash += profit
        wages, rents, rd_spend = wages + w, rents + re, rd_spend + rdc
        firm.loss_streak = firm.loss_streak + 1 if profit < 0.0 else 0
        g = workforce_growth(sales, firm.rd, emp, firm.cash, wage[r] + rent[r], c)
        firm.emp = max(1.0, emp * (1.0 + g))
        firm.age += 1
    m.accounts = (wages, rents, rd_spend)
