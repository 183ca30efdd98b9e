"""Compiled passes for the observers (life-cycle indicators, recording): one loop over the live
firms or the ties instead of a chain of numpy gathers and bincounts, which dominate the step of
a small model. Each sum adds its terms in the order ``np.bincount`` does (slot or tie order),
:func:`distance` adds squares as numpy's row sums do and ``world.state.pairwise_sum`` adds a
vector as ``ndarray.sum`` does, so the outputs are bit for bit those of the numpy formulas they
replace."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from clustersim.mechanisms.ties.kernel import adjacency
from clustersim.observe.network.kernel import network_stats
from clustersim.world.state import TIE_FIRM, TIE_UNIVERSITY, pairwise_sum


@njit(cache=True, inline="always")
def distance(x, i, y, j):
    """Euclidean distance of the points ``x[i]`` and ``y[j]``, its squares added as
    ``np.sum(axis=1)`` adds a row of fewer than 9 entries: in order below 8, pairwise at 8
    (technology space has 1 to 8 dims). Scalars only: inlined twice into one loop, an array
    here made that loop ten times slower."""
    if x.shape[1] == 8:
        a = (x[i, 0] - y[j, 0]) ** 2 + (x[i, 1] - y[j, 1]) ** 2
        b = (x[i, 2] - y[j, 2]) ** 2 + (x[i, 3] - y[j, 3]) ** 2
        c = (x[i, 4] - y[j, 4]) ** 2 + (x[i, 5] - y[j, 5]) ** 2
        d = (x[i, 6] - y[j, 6]) ** 2 + (x[i, 7] - y[j, 7]) ** 2
        return math.sqrt((a + b) + (c + d))
    acc = 0.0
    for k in range(x.shape[1]):
        acc += (x[i, k] - y[j, k]) ** 2
    return math.sqrt(acc)


@njit(cache=True)
def concentration(s):
    """Normalised Herfindahl index of regional shares ``s``: 0 = spread evenly, 1 = all in one
    region."""
    n = s.shape[0]
    total = pairwise_sum(s, 0, n)
    if total <= 0 or n < 2:
        return 0.0
    squares = np.empty(n)
    for r in range(n):
        share = s[r] / total
        squares[r] = share * share
    return (pairwise_sum(squares, 0, n) - 1.0 / n) / (1.0 - 1.0 / n)


@njit(cache=True)
def weighted_positions(n_reg, live, region, emp, kpos):
    """Per region: its live firms' employment and their employment-weighted position sums,
    added in slot order."""
    wsum = np.zeros(n_reg)
    wpos = np.zeros((n_reg, kpos.shape[1]))
    for s in live:
        r = region[s]
        wsum[r] += emp[s]
        for d in range(kpos.shape[1]):
            wpos[r, d] += emp[s] * kpos[s, d]
    return wsum, wpos


@njit(cache=True)
def core_mask(n_reg, live, region, emp, kpos, demand, radius):
    """Employment-weighted core of every region in technology space (the demand position where
    a region employs no one) and the per-slot mask of core actors: live firms within
    ``radius`` of their region's core."""
    dims = kpos.shape[1]
    wsum, wpos = weighted_positions(n_reg, live, region, emp, kpos)
    core = np.empty((n_reg, dims))
    for r in range(n_reg):
        for d in range(dims):
            core[r, d] = wpos[r, d] / wsum[r] if wsum[r] > 0 else demand[d]
    is_core = np.zeros(region.shape[0], dtype=np.bool_)
    for s in live:
        if distance(kpos, s, core, region[s]) <= radius:
            is_core[s] = True
    return core, is_core


@njit(cache=True)
def core_ties(n_reg, is_core, region, uni_region, a, b, kind, trust):
    """Per region, over the ties of core actors: internal ties (both ends core, same region),
    their trust sum, ties touching a core actor and those of them that leave the region
    (columns 0..3), and the ends of the internal ties in tie order (the core network: its
    neighbour lists from these alone skip the other ties' tests)."""
    out = np.zeros((n_reg, 4))
    inside_a = np.empty(a.shape[0], dtype=np.int64)
    inside_b = np.empty(a.shape[0], dtype=np.int64)
    k = 0
    for e in range(a.shape[0]):  # 0/1 weights, not branches: a tie adds zeros where it misses
        firm = kind[e] == TIE_FIRM
        if not (firm or kind[e] == TIE_UNIVERSITY):
            continue
        ra = region[a[e]]
        rb = region[b[e]] if firm else uni_region[b[e]]
        core_a = 1.0 if is_core[a[e]] else 0.0
        core_b = 1.0 if firm & is_core[b[e]] else 0.0
        away = 1.0 if ra != rb else 0.0
        inside = core_a * core_b * (1.0 - away)
        out[ra, 2] += core_a
        out[ra, 3] += core_a * away
        out[rb, 2] += core_b
        out[rb, 3] += core_b * away
        out[ra, 0] += inside
        out[ra, 1] += inside * trust[e]
        inside_a[k], inside_b[k] = a[e], b[e]
        k += int(inside)
    return out, inside_a[:k], inside_b[:k]


@njit(cache=True)
def ratio(num, den):
    """``num / den``, 0 where ``den`` is not positive (no NaN in outputs)."""
    return num / max(den, 1e-12) if den > 0 else 0.0


@njit(cache=True)
def region_indicators(n_reg, live, region, emp, kpos, demand, radius, ties, uni_region, pool, mass):
    """The life-cycle indicators of every region (rows, in ``lifecycle.INDICATORS`` order, then
    each dimension's core and demand position) in one call; ``ties`` is (n, a, b, kind, trust).

    Core actors are the region's firms within ``radius`` of its core. Among them: tie density
    and mean degree of their ties to each other, the share linked to another core actor, local
    clustering (zero below degree 2, as networkx), the share of their firm and university ties
    that leave the region, the mean trust of their internal ties, and a shared identity =
    linked share x that trust (L3026-3029).
    """
    n, ta, tb, tkind, ttrust = ties
    a, b, kind, trust = ta[:n], tb[:n], tkind[:n], ttrust[:n]
    core, is_core = core_mask(n_reg, live, region, emp, kpos, demand, radius)
    sums, inside_a, inside_b = core_ties(n_reg, is_core, region, uni_region, a, b, kind, trust)
    # the core network alone: CSR of the internal core ties, clustering by the shared kernel
    k = inside_a.shape[0]
    firm, keep = np.full(k, TIE_FIRM), np.ones(k, dtype=np.bool_)
    start, nbr = adjacency(region.shape[0], k, inside_a, inside_b, firm, keep)
    core_slots = np.flatnonzero(is_core)
    clust = network_stats(n_reg, core_slots, region, start, nbr, 0, ta, tb, tkind, ttrust)[:, 4]
    dims = kpos.shape[1]
    out = np.zeros((15 + 2 * dims, n_reg))
    employment, n_core, linked = out[1], out[7], np.zeros(n_reg)
    for s in live:
        out[0, region[s]] += 1.0
        employment[region[s]] += emp[s]
    for s in core_slots:
        n_core[region[s]] += 1.0
        linked[region[s]] += 1.0 if start[s + 1] > start[s] else 0.0
    world = pairwise_sum(employment, 0, n_reg)
    pool_total = pairwise_sum(pool, 0, n_reg)
    herfindahl = concentration(employment)
    for r in range(n_reg):
        internal, trust_sum, touch, leave = sums[r, 0], sums[r, 1], sums[r, 2], sums[r, 3]
        out[2, r] = float(live.shape[0])
        out[3, r] = world
        out[4, r] = employment[r] / mass
        out[5, r] = employment[r] / max(world, 1e-12) / (pool[r] / pool_total) if world > 0 else 0.0
        out[6, r] = herfindahl
        out[8, r] = ratio(internal, n_core[r] * (n_core[r] - 1) / 2.0)
        out[9, r] = ratio(2.0 * internal, n_core[r])
        out[10, r] = ratio(linked[r], n_core[r])
        out[11, r] = ratio(clust[r], n_core[r])
        out[12, r] = ratio(leave, touch)
        out[13, r] = ratio(trust_sum, internal)
        out[14, r] = out[10, r] * out[13, r]
        for d in range(dims):
            out[15 + 2 * d, r] = core[r, d]
            out[16 + 2 * d, r] = demand[d]
    return out


@njit(cache=True)
def region_sums(
    n_reg, live, region, emp, prod, sales, profit, cash, kstock, inc, rad, kpos, demand
):
    """Per region (rows) what the recorder writes of its firms, in two passes over the live
    slots in slot order, so every sum adds up as ``np.bincount`` does: firms, employment,
    output, sales, profit, cash, mean productivity, mean knowledge stock, incremental and
    radical innovations, and the employment-weighted mean distance of the firms from the
    region's centre in technology space (Menzel & Fornahl 2010's heterogeneity; the centre of
    a region without employment is the origin) and from world demand."""
    dims = kpos.shape[1]
    out = np.zeros((12, n_reg))
    centre = np.zeros((n_reg, dims))
    for s in live:
        r = region[s]
        out[0, r] += 1.0
        out[1, r] += emp[s]
        out[2, r] += emp[s] * prod[s]
        out[3, r] += sales[s]
        out[4, r] += profit[s]
        out[5, r] += cash[s]
        out[7, r] += kstock[s]
        out[8, r] += float(inc[s])
        out[9, r] += float(rad[s])
        for d in range(dims):
            centre[r, d] += emp[s] * kpos[s, d]
    weight, world = np.empty(n_reg), demand.reshape((1, dims))
    for r in range(n_reg):
        weight[r] = max(out[1, r], 1e-12)
        out[6, r] = out[2, r] / weight[r]
        out[7, r] /= max(out[0, r], 1.0)
        for d in range(dims):
            centre[r, d] /= weight[r]
    for s in live:
        r = region[s]
        out[10, r] += emp[s] * distance(kpos, s, centre, r)
        out[11, r] += emp[s] * distance(kpos, s, world, 0)
    for r in range(n_reg):
        out[10, r] /= weight[r]
        out[11, r] /= weight[r]
    return out
