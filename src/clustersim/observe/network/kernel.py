"""Network indicators per region: ties, density, clustering, external-tie share, trust."""

import numpy as np
from numba import njit


@njit(cache=True)
def triangles(nodes, start, nbr):
    """Per slot, its firm partners and the triangles of firm ties through it (``nodes``: every
    slot with ties).

    Each triangle i < j < k is counted once, from i along j's partners above j: a sixth of the
    work of counting it at every corner from both sides, with the same integer counts, as the
    firm network has no multiple ties (search, the broker, the initiative and FDI suppliers
    link unlinked pairs only)."""
    n = start.shape[0] - 1
    above = np.empty(nbr.shape[0], dtype=np.int64)  # each node's partners above it
    lo = np.zeros(n, dtype=np.int64)
    hi = np.zeros(n, dtype=np.int64)
    deg = np.zeros(n, dtype=np.int64)
    corners = np.empty(nodes.shape[0], dtype=np.int64)  # the nodes with two partners above
    q = c = 0
    for i in nodes:
        lo[i] = q
        for p in range(start[i], start[i + 1]):
            deg[i] += nbr[p] >= 0
            above[q] = nbr[p]
            q += nbr[p] > i  # no branch: a university (negative) or partner below is overwritten
        hi[i] = q
        corners[c] = i
        c += q - lo[i] >= 2
    tri = np.zeros(n, dtype=np.int64)
    mark = np.zeros(n, dtype=np.bool_)
    for i in corners[:c]:
        for p in range(lo[i], hi[i]):
            mark[above[p]] = True
        for p in range(lo[i], hi[i]):
            j = above[p]
            found = 0
            for q in range(lo[j], hi[j]):
                if mark[above[q]]:
                    found += 1
                    tri[above[q]] += 1
            tri[j] += found
            tri[i] += found
        for p in range(lo[i], hi[i]):
            mark[above[p]] = False
    return deg, tri


@njit(cache=True)
def network_stats(n_regions, nodes, region, start, nbr, n_edges, ea, eb, ekind, etrust):
    """Per region: [firms, internal firm ties, ties touching, external ties, sum of local
    clustering, trust sum, trust square sum, ties with trust] (columns 0..7) of the firms in
    ``nodes`` (ascending slots, every slot with ties among them).

    Local clustering of firm i counts triangles among its firm partners (Watts & Strogatz); the
    region's coefficient is the mean over its firms with zeros for degree < 2, as networkx does.
    Linear in firms for a capped degree.
    """
    out = np.zeros((n_regions, 8))
    deg, tri = triangles(nodes, start, nbr)
    for i in nodes:
        r = region[i]
        out[r, 0] += 1.0
        if deg[i] >= 2:
            out[r, 4] += tri[i] / (deg[i] * (deg[i] - 1) / 2.0)
    for e in range(n_edges):  # no branch on internal or external: a tie's other end adds 0
        if ekind[e] != 0:
            continue
        ra = region[ea[e]]
        rb = region[eb[e]]
        t = etrust[e]
        x = 1.0 if ra != rb else 0.0
        out[ra, 1] += 1.0 - x
        out[ra, 2] += 1.0
        out[ra, 3] += x
        out[ra, 5] += t
        out[ra, 6] += t * t
        out[ra, 7] += 1.0
        out[rb, 2] += x
        out[rb, 3] += x
        out[rb, 5] += x * t
        out[rb, 6] += x * (t * t)
        out[rb, 7] += x
    return out


# ---------------------------------------------------------------- engine sub-steps
def step_network_stats(m, start, nbr) -> np.ndarray:
    f, t = m.firms, m.ties
    return network_stats(m.regions.n, f.live, f.region, start, nbr, t.n, t.a, t.b, t.kind, t.trust)
