"""Network indicators per region, the reference rules (see ``kernel.network_stats``)."""

from __future__ import annotations

import numpy as np

from clustersim.mechanisms.common.reference import live_firms, partners
from clustersim.world.state import TIE_FIRM


def step_network_stats(m, start, nbr) -> np.ndarray:
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
