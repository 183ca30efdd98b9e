"""Ties and trust, the reference rules: projects, opportunism, decay, dropping and search."""

from __future__ import annotations

import numpy as np

from clustersim.mechanisms.common.reference import (
    bucket,
    cognitive_learning,
    demand_fit,
    live_firms,
    neighbour_cell,
    partners,
    pick,
    receive,
    tech_distance,
    universities,
)
from clustersim.mechanisms.ties import fairs
from clustersim.world.agents import Firm, University
from clustersim.world.state import (
    BETRAYALS,
    DROPPED,
    ORIGIN_MNE,
    PROJECTS,
    SPILL_TIE,
    SPILL_UNIVERSITY,
    SUCCESSES,
    TIE_FINANCIER,
    TIE_FIRM,
    TIE_UNIVERSITY,
)
from clustersim.world.streams import uniform_block


def credit_relation(trust: float, profit: float, tc) -> float:
    """A lending or investment relation: the financier's trust follows the firm's results."""
    if profit >= 0.0:
        return trust + 0.5 * tc.trust_gain * (1.0 - trust)
    return max(0.0, trust - tc.failure_loss)


def firm_project(model, a: Firm, b: Firm, trust: float, u: float) -> tuple[float, bool]:
    """A joint project of two firms succeeds with probability trust x complementarity (inverted-U
    cognitive distance, L826-866). Success raises trust and moves knowledge both ways, weighted
    by trust and absorptive capacity (the tie channel, L959-1062), and adds the partners'
    cognitive distance to both firms' ``diversity``; failure lowers trust. Returns the new
    trust and whether the project succeeded."""
    k, tc = model.cfg.knowledge, model.cfg.trust
    pa, pb = a.kpos.tolist(), b.kpos.tolist()
    dist = tech_distance(pa, pb)
    comp = cognitive_learning(dist, k.optimal_distance)
    if u < trust * comp:
        trust += tc.trust_gain * (1.0 - trust)
        if k.tie_spillover > 0.0:
            wa = trust * a.absorb * comp
            wb = trust * b.absorb * comp
            receive(
                model, a, k.tie_spillover * wa * b.kstock, k.convergence * wa, pa, pb, SPILL_TIE
            )
            receive(
                model, b, k.tie_spillover * wb * a.kstock, k.convergence * wb, pb, pa, SPILL_TIE
            )
            a.diversity += dist
            b.diversity += dist
        return trust, True
    return max(0.0, trust - tc.failure_loss), False


def university_project(
    model, a: Firm, uni: University, trust: float, u: float
) -> tuple[float, bool]:
    """A joint project with a university: success also scales with the university's openness to
    industry (its 'third mission', L941-951, L4247-4315). Returns the new trust and whether it
    succeeded."""
    k, tc = model.cfg.knowledge, model.cfg.trust
    dist = tech_distance(a.kpos.tolist(), uni.kpos.tolist())
    comp = cognitive_learning(dist, k.optimal_distance)
    if u < trust * comp * uni.openness:
        trust += tc.trust_gain * (1.0 - trust)
        if k.university_spillover > 0.0:
            la = k.university_spillover * trust * a.absorb * comp * uni.openness
            model.dk[a.slot] += la * uni.kstock
            model.volume[SPILL_UNIVERSITY, a.region] += la * uni.kstock
            a.diversity += dist
        return trust, True
    return max(0.0, trust - tc.failure_loss), False


def opportunism(model, a: Firm, b: Firm, trust: float, u_a: float, u_b: float) -> float:
    """In a project either partner may 'grab the surplus and run' (L1895-1899), with a chance set
    by its opportunism and cut by the two regions' contract enforcement. The victim loses cash
    to the cheat and most of its trust."""
    tc = model.cfg.trust
    enf = model.regions.enforcement
    enforcement = 0.5 * (float(enf[a.region]) + float(enf[b.region]))
    for victim, cheat, u in ((a, b, u_a), (b, a, u_b)):
        if u < cheat.opportunism * (1.0 - enforcement):
            loss = tc.betrayal_cost * (1.0 - enforcement)
            victim.cash -= loss
            cheat.cash += loss
            trust *= 1.0 - tc.betrayal_drop
            model.tie_counts[BETRAYALS] += 1
    return trust


def friend_of_friend(model, start, nbr, firm: Firm, u1: float, u2: float, u3: float) -> int | None:
    """A partner's partner: closing a triangle (L959-1062). A university partner, with pipelines
    on, is a bridge instead (``trust.university_bridge``): with its openness as chance it
    introduces a firm of another region (Owen-Smith & Powell 2004)."""
    mine = partners(start, nbr, firm.slot)
    if not mine:
        return None
    j = pick(mine, u1)
    if j < 0:  # a university
        tc = model.cfg.trust
        bridge = tc.pipeline_rate > 0.0 and tc.university_bridge
        if bridge and u2 < universities(model)[-(j + 1)].openness:
            return distant_firm(model, firm, u3)
        return None
    k = pick(partners(start, nbr, j), u2)
    return k if k >= 0 and k in model.agent_of else None


def chance_neighbour(model, firm: Firm, u1: float, u2: float) -> int | None:
    """A random firm of a random cell within the firm's region's search radius."""
    ix = model.index
    radius = int(model.regions.search_radius[firm.region])
    cell = neighbour_cell(ix, int(ix.cell_of[firm.slot]), u1, radius)
    if cell is None:
        return None
    here = bucket(ix.cell_order, ix.cell_start, cell)
    return int(pick(here, u2)) if len(here) else None


def outward(bonding: float, bridging: float) -> float:
    """The share of a region's search that may go outside: trust in outsiders relative to
    insiders, at most 1 (a closed community looks outside less, L2966-2977)."""
    return min(1.0, bridging / bonding) if bonding > 0.0 else 1.0


def pipeline_need(model, start, nbr, firm: Firm) -> float:
    """How much a firm needs knowledge from outside its region, in [0, 1] (Bathelt, Malmberg &
    Maskell 2004): the larger of the redundancy of its local partners, i.e. how far their mean
    cognitive distance falls short of Nooteboom's optimal distance (0 without local firm
    partners), and the fall of its demand fit since a year ago that the market's move alone
    caused (its technology held fixed)."""
    optimal, width = model.cfg.knowledge.optimal_distance, model.cfg.market.fit_width
    f, here = model.firms, firm.kpos.tolist()
    local = [j for j in partners(start, nbr, firm.slot) if j >= 0 and f.region[j] == firm.region]
    redundancy = 0.0
    if local:
        total = 0.0
        for j in local:
            total += tech_distance(here, f.kpos[j].tolist())
        redundancy = max(0.0, 1.0 - total / len(local) / optimal)
    then, now = model.demand_past[0].tolist(), model.demand.tolist()
    need = max(redundancy, demand_fit(here, then, width) - demand_fit(here, now, width))
    if firm.origin == ORIGIN_MNE:  # a bridge: the parent's network reaches outside
        need = max(need, model.cfg.trust.mne_bridge)
    return need


def distant_firm(model, firm: Firm, u: float) -> int | None:
    """A random live firm of another region (slot order within regions), or None."""
    ix = model.index
    elsewhere = np.concatenate(
        [
            ix.region_order[: ix.region_start[firm.region]],
            ix.region_order[ix.region_start[firm.region + 1] :],
        ]
    )
    if len(elsewhere) == 0:
        return None
    k = int(pick(elsewhere, u))
    return k if k in model.agent_of else None


def starting_trust(model, r: int, other_region: int) -> float:
    """New ties start from in-group trust inside a region and from the lower of the two
    regions' out-group trust across regions (closed communities, L2966-2977)."""
    reg = model.regions
    if other_region == r:
        return float(reg.bonding[r])
    return min(float(reg.bridging[r]), float(reg.bridging[other_region]))


def step_projects(m, keep, draws) -> None:
    """One quarter of every tie, in edge order; ``keep[e]`` says whether tie ``e`` survives.

    Financier ties follow the firm's results. Other ties run a joint project with chance
    ``project_rate``; firm pairs may then cheat each other (L1895-1899). Ties without a
    project decay, and ties whose trust falls under ``drop_trust`` are dropped.
    ``m.tie_counts`` counts projects, successes, betrayals and dropped ties, and each firm's
    ``diversity`` sums the cognitive distance to the partners that taught it this quarter.
    With pipelines on, a firm tie that leaves the region costs ``pipeline_upkeep`` x
    ``tie_cost`` a quarter, half to each end (``m.tie_upkeep``). ``draws``: the stream's key
    (four uniforms per tie, from its identity) or given ones (``streams.given_draws``).
    """
    t, tc = m.ties, m.cfg.trust
    upkeep = tc.pipeline_upkeep * tc.tie_cost if tc.pipeline_rate > 0.0 else 0.0
    m.firms.diversity[:] = 0.0  # this quarter's breadth of sources, dead slots included
    unis = universities(m)
    u = uniform_block(draws, t.pair_ids(m.firms.uid), 4).T.tolist()
    u_project, u_success, u_opp_a, u_opp_b = u
    for e in range(t.n):
        kind = int(t.kind[e])
        firm = m.agent_of.get(int(t.a[e]))
        other = m.agent_of.get(int(t.b[e])) if kind == TIE_FIRM else None
        if firm is None or (kind == TIE_FIRM and other is None):
            keep[e] = False
            continue
        t.age[e] += 1
        if upkeep > 0.0 and kind == TIE_FIRM and firm.region != other.region:
            firm.cash -= 0.5 * upkeep
            other.cash -= 0.5 * upkeep
            m.tie_upkeep[0] += upkeep
        trust = float(t.trust[e])
        if kind == TIE_FINANCIER:
            trust = credit_relation(trust, firm.profit, tc)
        elif u_project[e] < tc.project_rate:
            m.tie_counts[PROJECTS] += 1
            if kind == TIE_FIRM:
                trust, success = firm_project(m, firm, other, trust, u_success[e])
            else:
                uni = unis[int(t.b[e])]
                trust, success = university_project(m, firm, uni, trust, u_success[e])
            if success:
                m.tie_counts[SUCCESSES] += 1
                t.successes[e] += 1
            if kind == TIE_FIRM:
                trust = opportunism(m, firm, other, trust, u_opp_a[e], u_opp_b[e])
        else:
            trust *= 1.0 - tc.trust_decay
        t.trust[e] = trust
        keep[e] = trust >= tc.drop_trust
        if not keep[e]:
            m.tie_counts[DROPPED] += 1


def step_adjacency(m) -> tuple[np.ndarray, np.ndarray]:
    """CSR neighbour lists (start, nbr) of the search network over firm slots.

    Partners are listed in edge order, a then b. Firm partners are slots, universities
    ``-(index + 1)``; financier ties are not part of the search network.
    """
    t = m.ties
    lists: list[list[int]] = [[] for _ in range(m.firms.capacity)]
    for e in range(t.n):
        a, b, kind = int(t.a[e]), int(t.b[e]), int(t.kind[e])
        if kind == TIE_FIRM:
            lists[a].append(b)
            lists[b].append(a)
        elif kind == TIE_UNIVERSITY:
            lists[a].append(-(b + 1))
    start = np.zeros(len(lists) + 1, dtype=np.int64)
    start[1:] = np.cumsum([len(x) for x in lists])
    nbr = np.array([j for x in lists for j in x], dtype=np.int64)
    return start, nbr


def step_search(m, start, nbr, draws):
    """Each open firm may search one partner (L959-1062) and returns the new ties as
    (a, b, kind, trust) arrays.

    A firm searches with chance search rate x openness x its region's awareness lever, if it
    has room for a tie and cash for its cost. It looks through a partner's partner (closing
    a triangle), at a local university, or at a chance neighbour, and links when the
    expected value (learning x starting trust) beats the tie cost, which it pays. The broker
    policy moves the search and cost levers (L2098-2179).

    Pipelines (Bathelt, Malmberg & Maskell 2004): with chance ``pipeline_rate`` x its
    ``pipeline_need`` a searching firm looks at a random firm of another region instead; with
    pipelines on, every new extra-regional tie costs ``pipeline_premium`` x ``tie_cost`` more
    (none in a trade fair's quarter), and multinationals' affiliates and universities act as
    bridges (``pipeline_need``, ``friend_of_friend``).

    ``draws``: the stream's key (six uniforms per live firm: search?, channel, two picks,
    pipeline?, the distant pick) or given ones (``streams.given_draws``).
    """
    tc, reg, ix = m.cfg.trust, m.regions, m.index
    optimal = m.cfg.knowledge.optimal_distance
    search_factor, cost_factor = reg.search_factor.tolist(), reg.tie_cost_factor.tolist()
    u = uniform_block(draws, m.firms.uid, 6, m.firms.alive).T.tolist()
    u_search, u_channel, u_pick1, u_pick2, u_pipe, u_pick3 = u
    rate, premium = tc.pipeline_rate, fairs.pipeline_premium(m)
    bonding, bridging = reg.bonding.tolist(), reg.bridging.tolist()
    unis = universities(m)
    firms = live_firms(m)
    degree = {f.slot: int(start[f.slot + 1] - start[f.slot]) for f in firms}
    last_new: dict[int, int] = {}  # the partner each firm linked to this quarter
    new: list[tuple[int, int, int, float]] = []
    fof, uni_share = tc.friend_of_friend, tc.university_search
    for firm in firms:
        s, r = firm.slot, firm.region
        if u_search[s] >= tc.search_rate * firm.openness * search_factor[r]:
            continue
        cost = tc.tie_cost * cost_factor[r]
        if degree[s] >= tc.max_degree or firm.cash < cost:
            continue
        distant = rate > 0.0 and u_pipe[s] < rate * pipeline_need(m, start, nbr, firm) * outward(
            bonding[r], bridging[r]
        )
        ch = u_channel[s]
        if distant:
            k = distant_firm(m, firm, u_pick3[s])
        elif fof <= ch < fof + uni_share:  # a university of the region
            local = bucket(ix.uni_order, ix.uni_start, r)
            if len(local) == 0:
                continue
            uni = unis[int(pick(local, u_pick1[s]))]
            if -(uni.slot + 1) in partners(start, nbr, s):
                continue
            trust0 = float(reg.bonding[r])
            learning = cognitive_learning(
                tech_distance(firm.kpos.tolist(), uni.kpos.tolist()), optimal
            )
            if tc.tie_value * trust0 * uni.openness * learning <= cost:
                continue
            firm.cash -= cost
            new.append((s, uni.slot, TIE_UNIVERSITY, trust0))
            degree[s] += 1
            continue
        elif ch < fof:
            k = friend_of_friend(m, start, nbr, firm, u_pick1[s], u_pick2[s], u_pick3[s])
        else:
            k = chance_neighbour(m, firm, u_pick1[s], u_pick2[s])
        if k is None or k == s or degree[k] >= tc.max_degree:
            continue
        if k in partners(start, nbr, s) or last_new.get(s) == k or last_new.get(k) == s:
            continue
        other = m.agent_of[k]
        trust0 = starting_trust(m, r, other.region)
        pay = cost
        if rate > 0.0 and other.region != r:
            pay = cost + premium * tc.tie_cost
        learning = cognitive_learning(
            tech_distance(firm.kpos.tolist(), other.kpos.tolist()), optimal
        )
        if tc.tie_value * trust0 * learning <= pay or firm.cash < pay:
            continue
        firm.cash -= pay
        new.append((s, k, TIE_FIRM, trust0))
        degree[s] += 1
        degree[k] += 1
        last_new[s] = k
    a, b, kind, trust = zip(*new, strict=True) if new else ((), (), (), ())
    return (
        np.array(a, dtype=np.int64),
        np.array(b, dtype=np.int64),
        np.array(kind, dtype=np.int64),
        np.array(trust, dtype=float),
    )
