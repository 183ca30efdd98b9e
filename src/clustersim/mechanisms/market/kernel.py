"""Production, competition for demand, accounts and employment (L959-971; Melitz 2003); each
firm's appeal, its persistent demand shifter, moves first (``mechanisms.common.appeal``)."""

import math

import numpy as np
from numba import njit, prange

from clustersim.mechanisms.common import appeal as appeal_rule
from clustersim.mechanisms.common.kernel import log_demand_fit, threaded
from clustersim.world.parallel import serial_and_parallel
from clustersim.world.streams import drawn_normal, given_draws, identity_hash


def _weigh(
    live,
    region,
    prod,
    skill,
    kstock,
    competence,
    fit,
    kpos,
    demand,
    region_agglo,
    region_skill,
    knowledge_elasticity,
    skill_effect,
    fit_width,
    selection,
    hiring_skill_rate,
    log_weight,
    appeal,
    uid,
    key,
    given,
    appeal_rho,
    appeal_sigma,
    appeal_bound,
):
    """Each firm's log weight in the market, firm by firm.

    ``selection`` is this quarter's (``demand.competition``). Appeal, the log demand shifter,
    first takes its AR(1) step: rho x appeal + sigma x z, held within +-bound (a numerical
    guard); z is the firm's normal 0 under ``key`` (or ``given``: ``streams.given_draws``).
    Productivity = knowledge^elasticity x (1 + skill effect x skill) x regional agglomeration x
    (1 + VC competence). Demand is differentiated (Dixit-Stiglitz): a firm's
    share is its competitiveness (productivity x fit to demand)^selection x exp(appeal) over
    the sum of all firms', so rivals coexist, the least competitive cannot cover their fixed
    cost (Melitz 2003), and rivalry rewards productivity, fit and appeal (L959-971). The
    regions' logs are taken once, and a firm without VC competence adds log 1 = 0 untaken.
    """
    log_agglo = np.empty(region_agglo.shape[0])
    for r in range(region_agglo.shape[0]):
        log_agglo[r] = math.log(region_agglo[r])
    for k in prange(live.shape[0]):  # the live slots: threads share them evenly
        i = live[k]
        r = region[i]
        skill[i] += hiring_skill_rate * (region_skill[r] - skill[i])
        log_competence = math.log(1.0 + competence[i]) if competence[i] != 0.0 else 0.0
        log_prod = (
            knowledge_elasticity * math.log(kstock[i])
            + math.log(1.0 + skill_effect * skill[i])
            + log_agglo[r]
            + log_competence
        )
        log_fit = log_demand_fit(kpos, i, demand, fit_width)
        prod[i] = math.exp(log_prod)
        fit[i] = math.exp(log_fit)
        z = drawn_normal(given, i, identity_hash(key, uid[i]), 0)
        a = appeal_rho * appeal[i] + appeal_sigma * z
        appeal[i] = min(max(a, -appeal_bound), appeal_bound)
        log_weight[i] = selection * (log_prod + log_fit) + appeal[i]


@njit(cache=True)
def log_sum_exp(alive, region, log_weight, lse):
    """``lse[0]``, the log-sum-exp of the log weights over the world market, and ``lse[1 + r]``
    over region r's public demand (L2180-2231), so no weight overflows at any selection. Serial,
    in firm order: the sums are the same whatever computed the weights."""
    n_regions = lse.shape[0] - 1
    top = -np.inf
    top_r = np.full(n_regions, -np.inf)
    for i in range(alive.shape[0]):
        if alive[i]:
            top = max(top, log_weight[i])
            top_r[region[i]] = max(top_r[region[i]], log_weight[i])
    total = 0.0
    total_r = np.zeros(n_regions)
    for i in range(alive.shape[0]):
        if alive[i]:
            total += math.exp(log_weight[i] - top)
            total_r[region[i]] += math.exp(log_weight[i] - top_r[region[i]])
    lse[0] = top + math.log(total) if total > 0.0 else -np.inf
    for r in range(n_regions):
        lse[1 + r] = top_r[r] + math.log(total_r[r]) if total_r[r] > 0.0 else -np.inf


def _trade(
    live,
    region,
    emp,
    cash,
    rd,
    sales,
    profit,
    age,
    demand_total,
    region_public_demand,
    region_wage,
    region_rent,
    fixed_cost,
    target_margin,
    hiring_cost,
    log_weight,
    lse,
):
    """Sales by share of the market, accounts and hiring, firm by firm. ``target_margin`` is
    this quarter's (``demand.competition``). Firms move toward the workforce their sales pay
    for at the target margin against a convex adjustment cost (Hamermesh & Pfann 1996), which
    gives partial adjustment in logs; a firm without cash cannot finance growth."""
    for k in prange(live.shape[0]):  # the live slots: threads share them evenly
        i = live[k]
        r = region[i]
        sales[i] = demand_total * math.exp(log_weight[i] - lse[0])
        if region_public_demand[r] > 0.0:
            sales[i] += region_public_demand[r] * math.exp(log_weight[i] - lse[1 + r])
        unit = region_wage[r] + region_rent[r]
        desired = max(1.0, sales[i] * (1.0 - rd[i] - target_margin) / unit)
        g = (math.log(desired) - math.log(emp[i])) / (1.0 + hiring_cost)
        if g > 0.0 and cash[i] <= 0.0:
            g = 0.0  # no finance for growth without cash
        adjusting = 0.5 * hiring_cost * unit * emp[i] * g * g
        profit[i] = sales[i] - unit * emp[i] - rd[i] * sales[i] - fixed_cost - adjusting
        cash[i] += profit[i]
        emp[i] = max(1.0, emp[i] * math.exp(g))
        age[i] += 1


WEIGH = serial_and_parallel(_weigh)
TRADE = serial_and_parallel(_trade)


# ---------------------------------------------------------------- engine sub-steps
def step_market(m, draws) -> None:
    f, reg, c = m.firms, m.regions, m.cfg.market
    rho, sigma, bound = appeal_rule.process(c)
    key, given = given_draws(draws, f.capacity, 1)
    m.log_weight = np.zeros(f.capacity)
    live = f.live
    threaded(m, WEIGH)(
        live,
        f.region,
        f.prod,
        f.skill,
        f.kstock,
        f.competence,
        f.fit,
        f.kpos,
        m.demand,
        reg.agglo,
        reg.skill,
        c.knowledge_elasticity,
        c.skill_effect,
        c.fit_width,
        m.selection,
        c.hiring_skill_rate,
        m.log_weight,
        f.appeal,
        f.uid,
        key,
        given,
        rho,
        sigma,
        bound,
    )
    log_sum_exp(f.alive, f.region, m.log_weight, m.market_lse)
    threaded(m, TRADE)(
        live,
        f.region,
        f.emp,
        f.cash,
        f.rd,
        f.sales,
        f.profit,
        f.age,
        m.demand_total,
        reg.public_demand,
        reg.wage,
        reg.rent,
        m.fixed_cost,
        m.margin,
        c.hiring_cost,
        m.log_weight,
        m.market_lse,
    )
