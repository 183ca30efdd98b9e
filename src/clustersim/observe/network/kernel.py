"""Network indicators per region: ties, density, clustering, external-tie share, trust."""

import numpy as np
from numba import njit


@njit(cache=True)
def network_stats(n_regions, alive, region, start, nbr, n_edges, ea, eb, ekind, etrust):
    """Per region: [firms, internal firm ties, ties touching, external ties, sum of local
    clustering, trust sum, trust square sum, ties with trust] (columns 0..7).

    Local clustering of firm i counts triangles among its firm partners (Watts & Strogatz); the
    region's coefficient is the mean over its firms with zeros for degree < 2, as networkx does.
    O(sum of degree^2), linear in firms for a capped degree.
    """
    out = np.zeros((n_regions, 8))
    n = alive.shape[0]
    mark = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        if not alive[i]:
            continue
        r = region[i]
        out[r, 0] += 1.0
        deg = 0
        for p in range(start[i], start[i + 1]):
            j = nbr[p]
            if j >= 0:
                mark[j] = True
                deg += 1
        if deg >= 2:
            tri = 0
            for p in range(start[i], start[i + 1]):
                j = nbr[p]
                if j < 0:
                    continue
                for q in range(start[j], start[j + 1]):
                    k = nbr[q]
                    if k >= 0 and mark[k]:
                        tri += 1
            out[r, 4] += (tri / 2.0) / (deg * (deg - 1) / 2.0)
        for p in range(start[i], start[i + 1]):
            j = nbr[p]
            if j >= 0:
                mark[j] = False
    for e in range(n_edges):
        if ekind[e] != 0:
            continue
        ra = region[ea[e]]
        rb = region[eb[e]]
        t = etrust[e]
        if ra == rb:
            out[ra, 1] += 1.0
            out[ra, 2] += 1.0
            out[ra, 5] += t
            out[ra, 6] += t * t
            out[ra, 7] += 1.0
        else:
            for r in (ra, rb):
                out[r, 2] += 1.0
                out[r, 3] += 1.0
                out[r, 5] += t
                out[r, 6] += t * t
                out[r, 7] += 1.0
    return out


# ---------------------------------------------------------------- engine sub-steps
def step_network_stats(m, start, nbr) -> np.ndarray:
    f, t = m.firms, m.ties
    return network_stats(m.regions.n, f.alive, f.region, start, nbr, t.n, t.a, t.b, t.kind, t.trust)
