"""Market, the reference rules: production, competition for demand, accounts, employment."""

from __future__ import annotations

import math

import numpy as np

from clustersim.mechanisms.common import appeal as appeal_rule
from clustersim.mechanisms.common.reference import live_firms, log_demand_fit
from clustersim.world.streams import normals, uniform_block


def log_productivity(kstock: float, skill: float, agglo: float, competence: float, c) -> float:
    """Log of knowledge^elasticity x (1 + skill effect x skill) x regional agglomeration
    (critical mass, L1067-1101) x (1 + VC management competence, L1428-1436)."""
    return (
        c.knowledge_elasticity * math.log(kstock)
        + math.log(1.0 + c.skill_effect * skill)
        + math.log(agglo)
        + math.log(1.0 + competence)
    )


def workforce_change(
    sales: float, rd: float, emp: float, cash: float, unit: float, margin: float, c
) -> float:
    """Log change of employment toward the workforce that sales pay for at the target margin:
    a convex (quadratic) adjustment cost makes the firm close 1 / (1 + hiring_cost) of the log
    gap (Hamermesh & Pfann 1996). No growth without cash to finance it."""
    desired = max(1.0, sales * (1.0 - rd - margin) / unit)
    g = (math.log(desired) - math.log(emp)) / (1.0 + c.hiring_cost)
    return 0.0 if g > 0.0 and cash <= 0.0 else g


def log_sum_exp(values: list[float]) -> float:
    """log(sum(exp(v))) computed from the largest value, as the kernel does."""
    if not values:
        return -math.inf
    top = max(values)
    total = 0.0
    for v in values:
        total += math.exp(v - top)
    return top + math.log(total)


def step_market(m, draws) -> None:
    """One quarter of production, competition for demand, accounts and employment.

    Each firm's appeal (its log demand shifter, ``mechanisms.common.appeal``) first takes its
    AR(1) step with its normal of ``draws`` (the stream's key or given normals,
    ``streams.given_draws``), held within the numerical guard.

    Demand is differentiated (Dixit-Stiglitz): a firm's share is its competitiveness
    (productivity x fit to demand)^selection x exp(appeal), with this quarter's selection and
    margin (``demand.competition``), over the sum of all firms', so rivalry
    rewards productivity, fit and appeal (L959-971) and the least competitive cannot cover their
    fixed cost (Melitz 2003). Shares come from log weights through the log-sum-exp, so no weight
    overflows. Public procurement adds demand bought inside a region, shared the same way among
    its firms (L2180-2231). Each firm then pays for the workers it hires or sheds (adjustment cost).
    """
    c, reg = m.cfg.market, m.regions
    rho, sigma, bound = appeal_rule.process(c)
    appeal_z = uniform_block(draws, m.firms.uid, 1, m.firms.alive, draw=normals)[:, 0]
    demand = m.demand.tolist()
    region_skill, agglo = reg.skill.tolist(), reg.agglo.tolist()
    wage, rent, public = reg.wage.tolist(), reg.rent.tolist(), reg.public_demand.tolist()
    firms = live_firms(m)
    m.log_weight = np.zeros(m.firms.capacity)
    by_region: list[list[float]] = [[] for _ in range(reg.n)]
    weights = []
    for firm in firms:
        r = firm.region
        firm.skill += c.hiring_skill_rate * (region_skill[r] - firm.skill)
        log_prod = log_productivity(firm.kstock, firm.skill, agglo[r], firm.competence, c)
        log_fit = log_demand_fit(firm.kpos.tolist(), demand, c.fit_width)
        firm.prod, firm.fit = math.exp(log_prod), math.exp(log_fit)
        a = rho * firm.appeal + sigma * float(appeal_z[firm.slot])
        firm.appeal = min(max(a, -bound), bound)
        w = m.selection * (log_prod + log_fit) + firm.appeal
        m.log_weight[firm.slot] = w
        weights.append(w)
        by_region[r].append(w)
    lse = [log_sum_exp(weights)] + [log_sum_exp(ws) for ws in by_region]
    m.market_lse[:] = lse
    for firm, w in zip(firms, weights, strict=True):
        r = firm.region
        sales = m.demand_total * math.exp(w - lse[0])
        if public[r] > 0.0:
            sales += public[r] * math.exp(w - lse[1 + r])
        emp, unit = firm.emp, wage[r] + rent[r]
        g = workforce_change(sales, firm.rd, emp, firm.cash, unit, m.margin, c)
        adjusting = 0.5 * c.hiring_cost * unit * emp * g * g
        profit = sales - unit * emp - firm.rd * sales - m.fixed_cost - adjusting
        firm.sales, firm.profit = sales, profit
        firm.cash += profit
        firm.emp = max(1.0, emp * math.exp(g))
        firm.age += 1
