"""The plain-Python reference engine: the step rules, firm by firm, over the Mesa agents.

``ReferenceEngine`` has the methods of ``clustersim.kernels.engine.NumbaEngine`` with the same
inputs and outputs, and states the same rules in readable Python. Each method visits the live
``Firm`` agents in slot order (the kernels' order), so that sums accumulate in the same order and
the bulk random draws that the model passes in land on the same firms. With the same config and
seed both engines therefore follow the same trajectory up to floating-point rounding
(``tests/test_engines.py``). Knowledge gains go to the model's accumulators ``dk`` and ``dpos``
and are applied together afterwards (a Jacobi update), as in the kernels.
"""

from __future__ import annotations

import math
from operator import attrgetter

import numpy as np

from clustersim.agents import Firm, University
from clustersim.reference import rules
from clustersim.state import TIE_FINANCIER, TIE_FIRM, TIE_UNIVERSITY

# rows of ``model.volume``: the four spillover channels (``recording.SPILL_CHANNELS``)
TIE, PROXIMITY, MOBILITY, UNIVERSITY = range(4)
# entries of ``model.tie_counts``
PROJECTS, SUCCESSES, BETRAYALS, DROPPED = range(4)


# ----------------------------------------------------------------------------- look-ups
def live_firms(model) -> list[Firm]:
    """The live firms in slot order, the order in which the kernels visit them."""
    return sorted(model.agents_by_type.get(Firm, ()), key=attrgetter("slot"))


def universities(model) -> list[University]:
    """The universities by index, so ``universities(model)[u]`` is university ``u``."""
    return sorted(model.agents_by_type.get(University, ()), key=attrgetter("slot"))


def partners(start: np.ndarray, nbr: np.ndarray, slot: int) -> list[int]:
    """A firm's partners in the search network: firm slots, and universities as -(index + 1)."""
    return nbr[start[slot] : start[slot + 1]].tolist()


def bucket(order: np.ndarray, start: np.ndarray, key: int) -> np.ndarray:
    """One bucket of the model's spatial index (a grid cell, a region's firms or universities),
    in slot order."""
    return order[start[key] : start[key + 1]]


def pick(items, u: float):
    """The member of ``items`` that the uniform draw ``u`` points at."""
    return items[int(u * len(items))]


def neighbour_cell(index, cell: int, u: float) -> int | None:
    """The cell of the 3x3 neighbourhood of ``cell`` that the uniform draw ``u`` points at, or
    None when it falls off the landscape."""
    k = int(u * 9.0)
    nx = cell % index.ncx + k % 3 - 1
    ny = cell // index.ncx + k // 3 - 1
    if nx < 0 or ny < 0 or nx >= index.ncx or ny >= index.ncy:
        return None
    return ny * index.ncx + nx


def receive(model, firm: Firm, gain: float, pull: float, own, source, channel: int) -> None:
    """``firm`` gains knowledge ``gain`` through ``channel`` and moves ``pull`` of the way from
    its position ``own`` toward ``source`` in technology space (learning converges, Menzel &
    Fornahl 2010). Both go to the accumulators, applied after every channel has run."""
    s = firm.slot
    model.dk[s] += gain
    model.volume[channel, firm.region] += gain
    for d, (p, q) in enumerate(zip(own, source, strict=True)):
        model.dpos[s, d] += pull * (q - p)


# ----------------------------------------------------------------------------- tie rules
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
    dist = rules.tech_distance(pa, pb)
    comp = rules.cognitive_learning(dist, k.optimal_distance)
    if u < trust * comp:
        trust += tc.trust_gain * (1.0 - trust)
        if k.tie_spillover > 0.0:
            wa = trust * a.absorb * comp
            wb = trust * b.absorb * comp
            receive(model, a, k.tie_spillover * wa * b.kstock, k.convergence * wa, pa, pb, TIE)
            receive(model, b, k.tie_spillover * wb * a.kstock, k.convergence * wb, pb, pa, TIE)
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
    dist = rules.tech_distance(a.kpos.tolist(), uni.kpos.tolist())
    comp = rules.cognitive_learning(dist, k.optimal_distance)
    if u < trust * comp * uni.openness:
        trust += tc.trust_gain * (1.0 - trust)
        if k.university_spillover > 0.0:
            la = k.university_spillover * trust * a.absorb * comp * uni.openness
            model.dk[a.slot] += la * uni.kstock
            model.volume[UNIVERSITY, a.region] += la * uni.kstock
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


# ----------------------------------------------------------------------------- search rules
def friend_of_friend(model, start, nbr, firm: Firm, u1: float, u2: float) -> int | None:
    """A partner's partner: closing a triangle (L959-1062)."""
    mine = partners(start, nbr, firm.slot)
    if not mine:
        return None
    j = pick(mine, u1)
    if j < 0:  # a university
        return None
    k = pick(partners(start, nbr, j), u2)
    return k if k >= 0 and k in model.agent_of else None


def chance_neighbour(model, firm: Firm, u1: float, u2: float) -> int | None:
    """A random firm of a random cell in the 3x3 neighbourhood."""
    ix = model.index
    cell = neighbour_cell(ix, int(ix.cell_of[firm.slot]), u1)
    if cell is None:
        return None
    here = bucket(ix.cell_order, ix.cell_start, cell)
    return int(pick(here, u2)) if len(here) else None


def starting_trust(model, r: int, other_region: int) -> float:
    """New ties start from in-group trust inside a region and from the lower of the two
    regions' out-group trust across regions (closed communities, L2966-2977)."""
    reg = model.regions
    if other_region == r:
        return float(reg.bonding[r])
    return min(float(reg.bridging[r]), float(reg.bridging[other_region]))


# ----------------------------------------------------------------------------- the engine
class ReferenceEngine:
    """Same interface as ``NumbaEngine``; slow but readable, and the oracle for the kernels."""

    name = "reference"

    def market(self, m) -> None:
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
            firm.prod = rules.productivity(firm.kstock, firm.skill, agglo[r], firm.competence, c)
            firm.fit = rules.demand_fit(firm.kpos.tolist(), demand, c.fit_width)
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
            g = rules.workforce_growth(sales, firm.rd, emp, firm.cash, wage[r] + rent[r], c)
            firm.emp = max(1.0, emp * (1.0 + g))
            firm.age += 1
        m.accounts = (wages, rents, rd_spend)

    def innovate(self, m, u_inc, u_rad, z_inc, z_rad, z_gain) -> None:
        """Incremental and radical innovation (L1277-1403); per-firm counts go to ``inc``/``rad``.

        Incremental: local search in technology space, kept only if it improves the fit to
        demand, worth more to larger firms that spread R&D over more output (Klepper 1996); its
        radius widens with the breadth of the knowledge received last quarter (``diversity``:
        recombining distant knowledge explores further, Fleming 2001; March 1991).
        Radical: a rare jump, more likely in young firms, damped by regional complacency
        (L1159-1160). Absorptive capacity is refreshed first (L1553-1554).
        """
        k, c = m.cfg.knowledge, m.cfg.market
        demand = m.demand.tolist()
        complacency = m.regions.complacency.tolist()
        u_inc, u_rad, z_gain = u_inc.tolist(), u_rad.tolist(), z_gain.tolist()
        z_inc, z_rad = z_inc.tolist(), z_rad.tolist()
        m.firms.inc[:] = 0  # this quarter's counts, dead slots included
        m.firms.rad[:] = 0
        for firm in live_firms(m):
            s = firm.slot
            firm.absorb = rules.absorptive_capacity(firm.rd, firm.skill, k)
            young = firm.age < k.young_age
            pos = firm.kpos.tolist()
            if u_inc[s] < rules.incremental_chance(firm.rd, firm.absorb, young, k):
                scale = (firm.emp / m.cfg.entry.initial_size) ** c.scale_economies
                firm.kstock += k.incremental_step * firm.kstock * scale
                before = rules.demand_fit(pos, demand, c.fit_width)
                search = k.incremental_search * (1.0 + k.recombination * firm.diversity)
                step = [search * z for z in z_inc[s]]
                pos = [p + d for p, d in zip(pos, step, strict=True)]
                if rules.demand_fit(pos, demand, c.fit_width) < before:
                    pos = [p - d for p, d in zip(pos, step, strict=True)]  # keep improvements only
                firm.inc = 1
            if u_rad[s] < rules.radical_chance(firm.rd, young, complacency[firm.region], k):
                pos = [p + k.radical_jump * z for p, z in zip(pos, z_rad[s], strict=True)]
                firm.kstock *= math.exp(k.radical_gain * abs(z_gain[s]))
                firm.rad = 1
            firm.kstock *= 1.0 - k.depreciation
            firm.kpos[:] = pos

    def projects(self, m, keep, u_project, u_success, u_opp_a, u_opp_b) -> None:
        """One quarter of every tie, in edge order; ``keep[e]`` says whether tie ``e`` survives.

        Financier ties follow the firm's results. Other ties run a joint project with chance
        ``project_rate``; firm pairs may then cheat each other (L1895-1899). Ties without a
        project decay, and ties whose trust falls under ``drop_trust`` are dropped.
        ``m.tie_counts`` counts projects, successes, betrayals and dropped ties, and each firm's
        ``diversity`` sums the cognitive distance to the partners that taught it this quarter.
        """
        t, tc = m.ties, m.cfg.trust
        m.firms.diversity[:] = 0.0  # this quarter's breadth of sources, dead slots included
        unis = universities(m)
        u_project, u_success = u_project.tolist(), u_success.tolist()
        u_opp_a, u_opp_b = u_opp_a.tolist(), u_opp_b.tolist()
        for e in range(t.n):
            kind = int(t.kind[e])
            firm = m.agent_of.get(int(t.a[e]))
            other = m.agent_of.get(int(t.b[e])) if kind == TIE_FIRM else None
            if firm is None or (kind == TIE_FIRM and other is None):
                keep[e] = False
                continue
            t.age[e] += 1
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

    def spillovers(self, m, u_cell, u_member, u_mobility) -> None:
        """Chance meetings with neighbours and workers moving between firms of a region.

        Each firm meets ``proximity_contacts`` random firms of its 3x3 cell neighbourhood (the
        'cafeteria effect', L831-834), learning with a weight that decays with geographic
        distance, and learns from a random firm of its labour pool through the workers it hires
        (L775-778, L6511-6513), scaled by the region's mobility lever.
        """
        k, ix = m.cfg.knowledge, m.index
        mobility_factor = m.regions.mobility_factor.tolist()
        u_cell, u_member, u_mobility = u_cell.tolist(), u_member.tolist(), u_mobility.tolist()
        for firm in live_firms(m):
            s, r = firm.slot, firm.region
            own = firm.kpos.tolist()
            if k.proximity_spillover > 0.0:
                for uc, um in zip(u_cell[s], u_member[s], strict=True):
                    cell = neighbour_cell(ix, int(ix.cell_of[s]), uc)
                    if cell is None:
                        continue
                    here = bucket(ix.cell_order, ix.cell_start, cell)
                    if len(here) == 0:
                        continue
                    other = m.agent_of[int(pick(here, um))]
                    if other is firm:
                        continue
                    source = other.kpos.tolist()
                    near = math.exp(
                        -rules.geo_distance(firm.x, firm.y, other.x, other.y) / k.proximity_range
                    )
                    learn = (
                        firm.absorb
                        * rules.cognitive_learning(
                            rules.tech_distance(own, source), k.optimal_distance
                        )
                        * near
                    )
                    gain = k.proximity_spillover * learn * other.kstock
                    receive(m, firm, gain, k.convergence * learn, own, source, PROXIMITY)
            if k.mobility_spillover > 0.0:
                pool = bucket(ix.region_order, ix.region_start, r)
                other = m.agent_of[int(pick(pool, u_mobility[s]))]
                if other is not firm:
                    source = other.kpos.tolist()
                    learn = firm.absorb * rules.cognitive_learning(
                        rules.tech_distance(own, source), k.optimal_distance
                    )
                    rate = k.mobility_rate * mobility_factor[r]
                    gain = k.mobility_spillover * rate * learn * other.kstock
                    receive(m, firm, gain, k.convergence * rate * learn, own, source, MOBILITY)

    def apply_knowledge(self, m) -> None:
        """Apply the knowledge gains and position pulls accumulated by every channel."""
        for firm in live_firms(m):
            s = firm.slot
            firm.kstock += float(m.dk[s])
            firm.kpos[:] = [
                p + d for p, d in zip(firm.kpos.tolist(), m.dpos[s].tolist(), strict=True)
            ]

    def adjacency(self, m) -> tuple[np.ndarray, np.ndarray]:
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

    def search(self, m, start, nbr, u_search, u_channel, u_pick1, u_pick2):
        """Each open firm may search one partner (L959-1062) and returns the new ties as
        (a, b, kind, trust) arrays.

        A firm searches with chance search rate x openness x its region's awareness lever, if it
        has room for a tie and cash for its cost. It looks through a partner's partner (closing
        a triangle), at a local university, or at a chance neighbour, and links when the
        expected value (learning x starting trust) beats the tie cost, which it pays. The broker
        policy moves the search and cost levers (L2098-2179).
        """
        tc, reg, ix = m.cfg.trust, m.regions, m.index
        optimal = m.cfg.knowledge.optimal_distance
        search_factor, cost_factor = reg.search_factor.tolist(), reg.tie_cost_factor.tolist()
        u_search, u_channel = u_search.tolist(), u_channel.tolist()
        u_pick1, u_pick2 = u_pick1.tolist(), u_pick2.tolist()
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
            ch = u_channel[s]
            if fof <= ch < fof + uni_share:  # a university of the region
                local = bucket(ix.uni_order, ix.uni_start, r)
                if len(local) == 0:
                    continue
                uni = unis[int(pick(local, u_pick1[s]))]
                if -(uni.slot + 1) in partners(start, nbr, s):
                    continue
                trust0 = float(reg.bonding[r])
                learning = rules.cognitive_learning(
                    rules.tech_distance(firm.kpos.tolist(), uni.kpos.tolist()), optimal
                )
                if tc.tie_value * trust0 * uni.openness * learning <= cost:
                    continue
                firm.cash -= cost
                new.append((s, uni.slot, TIE_UNIVERSITY, trust0))
                degree[s] += 1
                continue
            if ch < fof:
                k = friend_of_friend(m, start, nbr, firm, u_pick1[s], u_pick2[s])
            else:
                k = chance_neighbour(m, firm, u_pick1[s], u_pick2[s])
            if k is None or k == s or degree[k] >= tc.max_degree:
                continue
            if k in partners(start, nbr, s) or last_new.get(s) == k or last_new.get(k) == s:
                continue
            other = m.agent_of[k]
            trust0 = starting_trust(m, r, other.region)
            learning = rules.cognitive_learning(
                rules.tech_distance(firm.kpos.tolist(), other.kpos.tolist()), optimal
            )
            if tc.tie_value * trust0 * learning <= cost:
                continue
            firm.cash -= cost
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

    def spinoff_parents(self, m, u_spin) -> np.ndarray:
        """Profitable firms spawn spin-off candidates, the more often the larger their sales
        relative to the average firm (L1532-1550, L3752-3759; Klepper 2007). Returns the
        parents' slots."""
        e = m.cfg.entry
        firms = live_firms(m)
        mean_sales = float(np.mean([f.sales for f in firms]))  # numpy's sum, as the kernel's
        u_spin = u_spin.tolist()
        parents = [
            f.slot
            for f in firms
            if f.profit > 0.0
            and u_spin[f.slot]
            < rules.spinoff_chance(f.sales, mean_sales, e.spinoff_rate, e.spinoff_success)
        ]
        return np.array(parents, dtype=np.int64)

    def exits(self, m) -> np.ndarray:
        """Slots of the firms that exit this quarter (brief 3.6)."""
        c = m.cfg.market
        dead = [f.slot for f in live_firms(m) if rules.exits(f.loss_streak, f.cash, f.emp, c)]
        return np.array(dead, dtype=np.int64)

    def network_stats(self, m, start, nbr) -> np.ndarray:
        """Per region: [firms, internal firm ties, ties touching, external ties, sum of local
        clustering, trust sum, trust square sum, ties with trust] (columns 0..7).

        Local clustering counts triangles among a firm's firm partners (Watts & Strogatz), zero
        for degree < 2, as networkx does.
        """
        out = np.zeros((m.regions.n, 8))
        for firm in live_firms(m):
            r = firm.region
            out[r, 0] += 1.0
            firm_partners = [j for j in partners(start, nbr, firm.slot) if j >= 0]
            deg = len(firm_partners)
            if deg >= 2:
                linked = set(firm_partners)
                tri = sum(1 for j in firm_partners for k in partners(start, nbr, j) if k in linked)
                out[r, 4] += (tri / 2.0) / (deg * (deg - 1) / 2.0)
        t = m.ties
        for e in range(t.n):
            if t.kind[e] != TIE_FIRM:
                continue
            ra = m.agent_of[int(t.a[e])].region
            rb = m.agent_of[int(t.b[e])].region
            trust = float(t.trust[e])
            if ra == rb:
                out[ra, 1] += 1.0
                touched = (ra,)
            else:
                out[ra, 3] += 1.0
                out[rb, 3] += 1.0
                touched = (ra, rb)
            for r in touched:
                out[r, 2] += 1.0
                out[r, 5] += trust
                out[r, 6] += trust * trust
                out[r, 7] += 1.0
        return out
