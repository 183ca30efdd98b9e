"""World demand: its total grows, its position in technology space drifts, and a technology
shock makes it jump (L1675-1686, L1150-1154). Firms sell by their fit to it (market kernels)."""

from __future__ import annotations

import numpy as np

from clustersim.world.streams import DEMAND, SHOCK

WORLD = np.zeros(1, np.int64)  # the identity of draws that concern the whole world


def update(model) -> None:
    """One quarter of growth and drift: ``dims`` normals of the demand stream, and ``dims`` of
    the shock stream at a shock."""
    mk, sh, t = model.cfg.market, model.cfg.shocks, model.t
    model.demand_total *= 1.0 + mk.demand_growth
    drift = model.streams.normals(DEMAND, t, WORLD, model.dims)[0]
    model.demand = model.demand + mk.demand_drift * drift
    if t in sh.steps:
        z = model.streams.normals(SHOCK, t, WORLD, model.dims)[0]
        model.demand = model.demand + sh.size * z / np.linalg.norm(z)
