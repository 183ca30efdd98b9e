"""Ties and trust: joint projects, opportunism, decay, dropping and search (L959-1062, L1895-1899).

Ties are parallel edge arrays. Kind 0 links two firm slots, kind 1 a firm and a university,
kind 2 a firm and a financier. Trust lives on the tie in [0, 1].
"""

import numpy as np
from numba import njit, prange

from clustersim.mechanisms.common.kernel import (
    chance_neighbour,
    cognitive_learning,
    demand_fit,
    tech_distance,
    threaded,
)
from clustersim.mechanisms.ties import fairs
from clustersim.world.parallel import serial_and_parallel
from clustersim.world.state import (
    ORIGIN_MNE,
    SPILL_TIE,
    SPILL_UNIVERSITY,
    TIE_FINANCIER,
    TIE_FIRM,
    TIE_UNIVERSITY,
    tie_identity,
)
from clustersim.world.streams import drawn, given_draws, identity_hash

# what befell a tie this quarter (bits of ``_outcomes``' ``event``), booked by ``_book``;
# _A_CHEATED: end b grabbed the surplus from end a, _B_CHEATED the other way round
_PROJECT, _SUCCESS, _UPKEEP, _TIE_LEARNING, _UNIVERSITY_LEARNING = 1, 2, 4, 8, 16
_A_CHEATED, _B_CHEATED, _DROPPED = 32, 64, 128


def _outcomes(
    n_edges, ea, eb, ekind, etrust, eage, esucc, alive, region, profit, absorb, opportunism,
    kpos, uni_kpos, uni_openness, region_enforcement, uid, key, given, project_rate,
    trust_gain, trust_decay, failure_loss, betrayal_drop, betrayal_cost, drop_trust,
    optimal_distance, tie_spillover, university_spillover, pipeline_upkeep, keep, event,
    weight, distance, loss,
):  # fmt: skip
    """The first half of :func:`step_projects`: what happens to each tie, from its own state and
    its ends' (which no tie changes this quarter), written to the tie alone (``etrust``,
    ``eage``, ``esucc``, ``keep``) and to what :func:`_book` adds up: the ``event`` bits, the
    learning weights (``weight``: of end a, end b), the cognitive distance and the loss to a
    cheat. Each tie writes only its own entries, so the ties can take their turns on any
    thread."""
    for e in prange(n_edges):  # threads share the ties evenly
        a = ea[e]
        b = eb[e]
        kind = ekind[e]
        if not alive[a] or (kind == TIE_FIRM and not alive[b]):
            keep[e], event[e] = False, 0
            continue
        ev, trust = 0, etrust[e]
        eage[e] += 1
        if pipeline_upkeep > 0.0 and kind == TIE_FIRM and region[a] != region[b]:
            ev |= _UPKEEP
        h = identity_hash(key, tie_identity(uid, a, b, kind))
        if kind == TIE_FINANCIER:
            # a lending or investment relation: trust follows the firm's results
            if profit[a] >= 0.0:
                trust += 0.5 * trust_gain * (1.0 - trust)
            else:
                trust = max(0.0, trust - failure_loss)
        elif drawn(given, e, h, 0) < project_rate:
            ev |= _PROJECT
            if kind == TIE_FIRM:
                comp = cognitive_learning(tech_distance(kpos, a, kpos, b), optimal_distance)
                p = trust * comp
            else:
                comp = cognitive_learning(tech_distance(kpos, a, uni_kpos, b), optimal_distance)
                p = trust * comp * uni_openness[b]
            if drawn(given, e, h, 1) < p:
                ev |= _SUCCESS
                esucc[e] += 1
                trust += trust_gain * (1.0 - trust)
                if kind == TIE_FIRM and tie_spillover > 0.0:
                    ev |= _TIE_LEARNING
                    weight[e, 0] = trust * absorb[a] * comp
                    weight[e, 1] = trust * absorb[b] * comp
                    distance[e] = tech_distance(kpos, a, kpos, b)
                elif kind == TIE_UNIVERSITY and university_spillover > 0.0:
                    ev |= _UNIVERSITY_LEARNING
                    weight[e, 0] = university_spillover * trust * absorb[a] * comp * uni_openness[b]
                    distance[e] = tech_distance(kpos, a, uni_kpos, b)
            else:
                trust = max(0.0, trust - failure_loss)
            if kind == TIE_FIRM:
                enforcement = 0.5 * (region_enforcement[region[a]] + region_enforcement[region[b]])
                loss[e] = betrayal_cost * (1.0 - enforcement)
                if drawn(given, e, h, 2) < opportunism[b] * (1.0 - enforcement):
                    trust *= 1.0 - betrayal_drop
                    ev |= _A_CHEATED
                if drawn(given, e, h, 3) < opportunism[a] * (1.0 - enforcement):
                    trust *= 1.0 - betrayal_drop
                    ev |= _B_CHEATED
        else:
            trust *= 1.0 - trust_decay
        etrust[e] = trust
        keep[e] = trust >= drop_trust
        event[e] = ev if keep[e] else ev | _DROPPED


OUTCOMES = serial_and_parallel(_outcomes)


@njit(cache=True)
def _book(
    n_edges, ea, eb, event, weight, distance, loss, region, cash, kstock, kpos, uni_kstock,
    tie_spillover, convergence, pipeline_upkeep, dk, dpos, volume, counts, diversity,
    upkeep_paid,
):  # fmt: skip
    """The second half of :func:`step_projects`: what the ties' outcomes add to their ends and to
    the quarter's totals, tie after tie in tie order and, within a tie, in the order of the
    rule (upkeep, learning, the cheats), so every sum is the same as one serial pass gives."""
    dims = kpos.shape[1]
    for i in range(diversity.shape[0]):
        diversity[i] = 0.0
    for e in range(n_edges):
        ev = event[e]
        if ev == 0:
            continue
        a = ea[e]
        b = eb[e]
        if ev & _UPKEEP:
            cash[a] -= 0.5 * pipeline_upkeep
            cash[b] -= 0.5 * pipeline_upkeep
            upkeep_paid[0] += pipeline_upkeep
        counts[0] += (ev & _PROJECT) > 0
        counts[1] += (ev & _SUCCESS) > 0
        if ev & _TIE_LEARNING:
            wa, wb = weight[e, 0], weight[e, 1]
            dk[a] += tie_spillover * wa * kstock[b]
            dk[b] += tie_spillover * wb * kstock[a]
            volume[SPILL_TIE, region[a]] += tie_spillover * wa * kstock[b]
            volume[SPILL_TIE, region[b]] += tie_spillover * wb * kstock[a]
            diversity[a] += distance[e]
            diversity[b] += distance[e]
            for d in range(dims):
                diff = kpos[b, d] - kpos[a, d]
                dpos[a, d] += convergence * wa * diff
                dpos[b, d] -= convergence * wb * diff
        elif ev & _UNIVERSITY_LEARNING:
            la = weight[e, 0]
            dk[a] += la * uni_kstock[b]
            volume[SPILL_UNIVERSITY, region[a]] += la * uni_kstock[b]
            diversity[a] += distance[e]
        if ev & _A_CHEATED:
            cash[a] -= loss[e]
            cash[b] += loss[e]
            counts[2] += 1
        if ev & _B_CHEATED:
            cash[b] -= loss[e]
            cash[a] += loss[e]
            counts[2] += 1
        counts[3] += (ev & _DROPPED) > 0


@njit(cache=True)
def adjacency(n_nodes, n_edges, ea, eb, ekind, keep):
    """CSR neighbour lists (start, nbr) of the kept ties. Firm partners are stored as slots,
    universities as ``-(index + 1)``; financier ties are not part of the search network."""
    start = np.zeros(n_nodes + 1, dtype=np.int64)
    for e in range(n_edges):
        if not keep[e] or ekind[e] == TIE_FINANCIER:
            continue
        start[ea[e] + 1] += 1
        if ekind[e] == TIE_FIRM:
            start[eb[e] + 1] += 1
    for i in range(n_nodes):
        start[i + 1] += start[i]
    fill = start[:-1].copy()
    nbr = np.empty(start[n_nodes], dtype=np.int64)
    for e in range(n_edges):
        if not keep[e] or ekind[e] == TIE_FINANCIER:
            continue
        a = ea[e]
        if ekind[e] == TIE_FIRM:
            b = eb[e]
            nbr[fill[a]] = b
            fill[a] += 1
            nbr[fill[b]] = a
            fill[b] += 1
        else:
            nbr[fill[a]] = -(eb[e] + 1)
            fill[a] += 1
    return start, nbr


@njit(cache=True)
def _append(new_a, new_b, new_kind, new_trust, k, a, b, kind, trust):
    """Write a new tie at position ``k`` of the output arrays; returns the next position."""
    new_a[k] = a
    new_b[k] = b
    new_kind[k] = kind
    new_trust[k] = trust
    return k + 1


@njit(cache=True)
def _linked(start, nbr, i, code):
    for p in range(start[i], start[i + 1]):
        if nbr[p] == code:
            return True
    return False


@njit(cache=True)
def outward(bonding, bridging):
    """The share of a region's search that may go outside: its trust in outsiders relative to
    insiders, bridging / bonding, at most 1. A closed community (high in-group, low out-group
    trust, L2966-2977) looks outside less, an open one as much as inside (Putnam 2000: bridging
    social capital; Bathelt, Malmberg & Maskell 2004)."""
    return min(1.0, bridging / bonding) if bonding > 0.0 else 1.0


@njit(cache=True)
def pipeline_need(i, start, nbr, region, kpos, optimal_distance, demand_then, demand, width):
    """How much firm ``i`` needs knowledge from outside its region, in [0, 1]: the larger of
    the redundancy of its local partners (how far their mean cognitive distance falls short of
    Nooteboom's optimal distance; 0 without local firm partners) and the fall of its demand fit
    since a year ago that the market's move alone caused (its technology held fixed)."""
    total = 0.0
    m = 0
    for p in range(start[i], start[i + 1]):
        j = nbr[p]
        if j >= 0 and region[j] == region[i]:
            total += tech_distance(kpos, i, kpos, j)
            m += 1
    redundancy = 0.0
    if m > 0:
        redundancy = max(0.0, 1.0 - total / m / optimal_distance)
    fall = demand_fit(kpos, i, demand_then, width) - demand_fit(kpos, i, demand, width)
    return max(redundancy, fall)


@njit(cache=True)
def _distant_firm(r, u, region_order, region_start):
    """A random firm slot of a region other than ``r`` (slot order within regions), or -1."""
    n_live = region_start[region_start.shape[0] - 1]
    count = region_start[r + 1] - region_start[r]
    if n_live - count == 0:
        return -1
    p = int(u * (n_live - count))
    if p >= region_start[r]:
        p += count
    return region_order[p]


def _candidates(
    live, alive, region, origin, cash, openness, kpos, uni_kpos, uni_openness, start, nbr,
    cell_of, cell_start, cell_order, ncx, ncy, uni_start, uni_order, region_bonding,
    region_bridging, region_search_factor, region_search_radius, region_tie_cost_factor,
    uid, key, given, demand_then, demand, fit_width, region_order, region_start, pipeline_rate,
    pipeline_premium, mne_bridge, university_bridge, search_rate, friend_of_friend,
    university_search, tie_cost, tie_value, optimal_distance, kind_out, partner_out, trust_out,
    pay_out,
):  # fmt: skip
    """The first half of :func:`search`: each live firm's candidate partner, if it searches and
    the tie is worth its cost, from the state before any tie of this quarter (``kind_out``:
    -1 none, else the tie's kind; the partner, starting trust and what the searcher pays).
    Each firm writes only its own entries, so the firms can take their turns on any thread.

    Each open firm may search one partner: through a partner's partner (closing a triangle),
    a local university, or a chance neighbour within its region's ``search_radius`` cells (the
    3x3 cell neighbourhood by default; a closed community searches nearer). It links when the
    expected value (learning x starting trust) beats the tie cost, and pays that cost
    (L959-1062). New ties start from in-group (same region) or out-group trust (L2966-2977).
    ``region_search_factor`` and ``region_tie_cost_factor`` scale search and cost by the
    searcher's region (the broker policy lowers the cost and raises awareness, L2098-2179).
    Pipelines (Bathelt, Malmberg & Maskell 2004): a searching firm whose local knowledge has
    become redundant or whose market has moved away (``pipeline_need``) looks, with chance
    ``pipeline_rate`` x need x its region's ``outward`` share, at a random firm of another region
    instead. With pipelines on, every new extra-regional tie costs ``pipeline_premium`` x
    ``tie_cost`` more (none in a trade fair's quarter, ``fairs.pipeline_premium``), and two
    bridges reach outside: a multinational's affiliate needs outside knowledge at least
    ``mne_bridge``, and a university partner met in a partner's-partner search introduces a
    firm of another region with its openness as chance (``university_bridge``).

    Draws, from the firm's identity under ``key`` (or ``given``: ``streams.given_draws``), each
    only when the search comes to it: uniforms 0 (does it search?), 1 (the channel), 2 and 3
    (the picks), 4 (a pipeline?) and 5 (the distant firm).
    """
    for q in prange(live.shape[0]):  # the live slots: threads share them evenly
        i = live[q]
        kind_out[i] = -1
        r = region[i]
        h = identity_hash(key, uid[i])
        if drawn(given, i, h, 0) >= search_rate * openness[i] * region_search_factor[r]:
            continue
        cost = tie_cost * region_tie_cost_factor[r]
        if cash[i] < cost:  # only the searcher pays, once: its cash is still the quarter's
            continue
        distant = False
        if pipeline_rate > 0.0:
            need = pipeline_need(
                i, start, nbr, region, kpos, optimal_distance, demand_then, demand, fit_width
            )
            if origin[i] == ORIGIN_MNE:
                need = max(need, mne_bridge)
            share = outward(region_bonding[r], region_bridging[r])
            distant = drawn(given, i, h, 4) < pipeline_rate * need * share
        ch = drawn(given, i, h, 1)
        if distant:
            k = _distant_firm(r, drawn(given, i, h, 5), region_order, region_start)
            if k < 0 or not alive[k]:
                continue
        elif ch < friend_of_friend + university_search and ch >= friend_of_friend:
            count = uni_start[r + 1] - uni_start[r]
            if count == 0:
                continue
            u = uni_order[uni_start[r] + int(drawn(given, i, h, 2) * count)]
            if _linked(start, nbr, i, -(u + 1)):
                continue
            trust0 = region_bonding[r]
            value = (
                tie_value
                * trust0
                * uni_openness[u]
                * cognitive_learning(tech_distance(kpos, i, uni_kpos, u), optimal_distance)
            )
            if value <= cost:
                continue
            kind_out[i], partner_out[i], trust_out[i], pay_out[i] = TIE_UNIVERSITY, u, trust0, cost
            continue
        elif ch < friend_of_friend:
            di = start[i + 1] - start[i]
            if di == 0:
                continue
            j = nbr[start[i] + int(drawn(given, i, h, 2) * di)]
            if j < 0:  # a university partner: a bridge to another region, or nobody
                bridge = pipeline_rate > 0.0 and university_bridge
                if not bridge or drawn(given, i, h, 3) >= uni_openness[-(j + 1)]:
                    continue
                k = _distant_firm(r, drawn(given, i, h, 5), region_order, region_start)
            else:
                dj = start[j + 1] - start[j]
                k = nbr[start[j] + int(drawn(given, i, h, 3) * dj)]
            if k < 0 or not alive[k]:
                continue
        else:
            k = chance_neighbour(
                cell_of,
                cell_start,
                cell_order,
                ncx,
                ncy,
                i,
                drawn(given, i, h, 2),
                drawn(given, i, h, 3),
                region_search_radius[r],
            )
            if k < 0:
                continue
        if k == i or _linked(start, nbr, i, k):
            continue
        pay = cost
        if region[k] == r:
            trust0 = region_bonding[r]
        else:
            trust0 = min(region_bridging[r], region_bridging[region[k]])
            if pipeline_rate > 0.0:
                pay = cost + pipeline_premium * tie_cost
        value = (
            tie_value
            * trust0
            * cognitive_learning(tech_distance(kpos, i, kpos, k), optimal_distance)
        )
        if value <= pay or cash[i] < pay:
            continue
        kind_out[i], partner_out[i], trust_out[i], pay_out[i] = TIE_FIRM, k, trust0, pay


CANDIDATES = serial_and_parallel(_candidates)


@njit(cache=True)
def search(
    alive, start, kind, partner, trust, pay, cash, max_degree, new_a, new_b, new_kind, new_trust
):
    """The second half of the search: the candidates of :func:`_candidates` link in slot
    order, as long as neither end has ``max_degree`` partners (counting the ties formed before
    it this quarter) and the pair did not just link the other way; the searcher pays. Returns
    the number of new ties written to ``new_*``."""
    n = alive.shape[0]
    deg = np.empty(n, dtype=np.int64)
    for i in range(n):
        deg[i] = start[i + 1] - start[i]
    last_new = np.full(n, -1, dtype=np.int64)
    k_new = 0
    for i in range(n):
        if not alive[i] or kind[i] < 0 or deg[i] >= max_degree:
            continue
        k = partner[i]
        if kind[i] == TIE_FIRM:
            if deg[k] >= max_degree or last_new[i] == k or last_new[k] == i:
                continue
            deg[k] += 1
            last_new[i] = k
        cash[i] -= pay[i]
        k_new = _append(new_a, new_b, new_kind, new_trust, k_new, i, k, kind[i], trust[i])
        deg[i] += 1
    return k_new


# ---------------------------------------------------------------- engine sub-steps
def step_projects(m, keep, draws) -> None:
    """Run one quarter of every tie. ``m.tie_counts`` = [projects, successes, betrayals,
    dropped].

    A project succeeds with probability trust x complementarity (inverted-U cognitive distance).
    Success raises trust and moves knowledge both ways (tie channel); failure lowers trust. In a
    project either partner may 'grab the surplus and run' (L1895-1899) with a chance set by its
    opportunism and cut by contract enforcement; the victim loses cash and most of its trust.
    Ties without a project decay, and ties under ``drop_trust`` are dropped (they no longer pay).
    ``diversity[i]`` sums the cognitive distance to the partners that taught firm i this quarter:
    the breadth of its knowledge sources, which widens its next search (``innovate``).
    A firm tie that leaves the region (a pipeline) costs ``pipeline_upkeep`` a quarter, half to
    each end, added up in ``m.tie_upkeep[0]``.

    Two passes: each tie's outcome from its own state (:func:`_outcomes`, on the threads with
    ``threads`` > 1), then what the outcomes add up to, in tie order (:func:`_book`).

    Draws, from the tie's identity (``state.tie_identity``) under ``draws``' key, or given ones
    (``streams.given_draws``): uniform 0 (a project?), then, in a project, 1 (success?), 2 and
    3 (does either end cheat?).
    """
    f, t, u, k, tc = m.firms, m.ties, m.universities, m.cfg.knowledge, m.cfg.trust
    key, given = given_draws(draws, t.n, 4)
    upkeep = tc.pipeline_upkeep * tc.tie_cost if tc.pipeline_rate > 0.0 else 0.0
    event, weight = np.empty(t.n, np.int64), np.empty((t.n, 2))
    distance, loss = np.empty(t.n), np.empty(t.n)
    threaded(m, OUTCOMES)(
        t.n, t.a, t.b, t.kind, t.trust, t.age, t.successes, f.alive, f.region, f.profit,
        f.absorb, f.opportunism, f.kpos, u.kpos, u.openness, m.regions.enforcement, f.uid, key,
        given, tc.project_rate, tc.trust_gain, tc.trust_decay, tc.failure_loss,
        tc.betrayal_drop, tc.betrayal_cost, tc.drop_trust, k.optimal_distance,
        k.tie_spillover, k.university_spillover, upkeep, keep, event, weight, distance, loss,
    )  # fmt: skip
    _book(
        t.n, t.a, t.b, event, weight, distance, loss, f.region, f.cash, f.kstock, f.kpos,
        u.kstock, k.tie_spillover, k.convergence, upkeep, m.dk, m.dpos, m.volume, m.tie_counts,
        f.diversity, m.tie_upkeep,
    )  # fmt: skip


def step_adjacency(m):
    t = m.ties
    return adjacency(m.firms.capacity, t.n, t.a, t.b, t.kind, np.ones(t.n, np.bool_))


def step_search(m, start, nbr, draws):
    f, u, ix, reg, tc = m.firms, m.universities, m.index, m.regions, m.cfg.trust
    key, given = given_draws(draws, f.capacity, 6)
    n = f.capacity
    kind, partner = np.empty(n, np.int64), np.empty(n, np.int64)
    trust, pay = np.empty(n), np.empty(n)
    threaded(m, CANDIDATES)(
        f.live, f.alive, f.region, f.origin, f.cash, f.openness, f.kpos, u.kpos, u.openness,
        start, nbr, ix.cell_of, ix.cell_start, ix.cell_order, ix.ncx, ix.ncy, ix.uni_start,
        ix.uni_order, reg.bonding, reg.bridging, reg.search_factor, reg.search_radius,
        reg.tie_cost_factor, f.uid, key, given, m.demand_past[0], m.demand,
        m.cfg.market.fit_width, ix.region_order, ix.region_start,
        tc.pipeline_rate, fairs.pipeline_premium(m), tc.mne_bridge, tc.university_bridge,
        tc.search_rate, tc.friend_of_friend, tc.university_search, tc.tie_cost, tc.tie_value,
        m.cfg.knowledge.optimal_distance, kind, partner, trust, pay,
    )  # fmt: skip
    new_a, new_b = np.empty(n, np.int64), np.empty(n, np.int64)
    new_kind, new_trust = np.empty(n, np.int64), np.empty(n)
    k = search(
        f.alive, start, kind, partner, trust, pay, f.cash, tc.max_degree, new_a, new_b,
        new_kind, new_trust,
    )  # fmt: skip
    return new_a[:k], new_b[:k], new_kind[:k], new_trust[:k]
