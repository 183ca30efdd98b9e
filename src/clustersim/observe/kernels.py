"""Compiled passes for the observers (life-cycle indicators, recording): one loop over the live
firms or the ties instead of a chain of numpy gathers and bincounts, which dominate the step of
a small model. Each sum adds its terms in the order ``np.bincount`` does (slot or tie order), and
:func:`distance` adds squares as numpy's row sums do, so the outputs are bit for bit those of
the numpy formulas they replace."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from clustersim.world.state import TIE_FIRM, TIE_UNIVERSITY


@njit(cache=True, inline="always")
def distance(x, y):
    """Euclidean distance of two points, its squares added as ``np.sum(axis=1)`` adds a row of
    fewer than 9 entries: in order below 8, pairwise at 8 (technology space has 1 to 8 dims)."""
    d = x.shape[0]
    if d == 8:
        q = np.empty(8)
        for j in range(8):
            q[j] = (x[j] - y[j]) ** 2
        return math.sqrt(((q[0] + q[1]) + (q[2] + q[3])) + ((q[4] + q[5]) + (q[6] + q[7])))
    acc = 0.0
    for j in range(d):
        acc += (x[j] - y[j]) ** 2
    return math.sqrt(acc)


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
def cores(n_reg, live, region, emp, kpos, demand):
    """Employment-weighted core of every region (the demand position where a region employs
    no one) and each live firm's distance from its region's core."""
    dims = kpos.shape[1]
    wsum, wpos = weighted_positions(n_reg, live, region, emp, kpos)
    core = np.empty((n_reg, dims))
    for r in range(n_reg):
        for d in range(dims):
            core[r, d] = wpos[r, d] / wsum[r] if wsum[r] > 0 else demand[d]
    dist = np.empty(live.shape[0])
    for i in range(live.shape[0]):
        dist[i] = distance(kpos[live[i]], core[region[live[i]]])
    return core, dist


@njit(cache=True)
def core_ties(n_reg, is_core, region, uni_region, a, b, kind, trust):
    """Per region, over the ties of core actors: internal ties (both ends core, same region),
    their trust sum, ties touching a core actor and those of them that leave the region
    (columns 0..3), and the mask of the internal ties."""
    out = np.zeros((n_reg, 4))
    inside = np.zeros(a.shape[0], dtype=np.bool_)
    for e in range(a.shape[0]):
        firm, uni = kind[e] == TIE_FIRM, kind[e] == TIE_UNIVERSITY
        if not (firm or uni):
            continue
        ra = region[a[e]]
        rb = region[b[e]] if firm else uni_region[b[e]]
        core_a = is_core[a[e]]
        core_b = firm and is_core[b[e]]
        if core_a:
            out[ra, 2] += 1.0
            if ra != rb:
                out[ra, 3] += 1.0
        if core_b:
            out[rb, 2] += 1.0
            if ra != rb:
                out[rb, 3] += 1.0
            if core_a and ra == rb:
                inside[e] = True
                out[ra, 0] += 1.0
                out[ra, 1] += trust[e]
    return out, inside


@njit(cache=True)
def spread(n_reg, live, region, emp, kpos, demand):
    """Per region: the employment-weighted mean distance of its firms from its centre in
    technology space (Menzel & Fornahl 2010's heterogeneity; the centre of a region without
    employment is the origin) and from world demand."""
    dims = kpos.shape[1]
    wsum, wpos = weighted_positions(n_reg, live, region, emp, kpos)
    for r in range(n_reg):
        wsum[r] = max(wsum[r], 1e-12)
        for d in range(dims):
            wpos[r, d] /= wsum[r]
    hetero = np.zeros(n_reg)
    demand_dist = np.zeros(n_reg)
    for s in live:
        r = region[s]
        hetero[r] += emp[s] * distance(kpos[s], wpos[r])
        demand_dist[r] += emp[s] * distance(kpos[s], demand)
    return hetero / wsum, demand_dist / wsum
