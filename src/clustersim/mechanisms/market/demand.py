"""World demand: its total grows, its position in technology space drifts, and a technology
shock makes it jump (L1675-1686, L1150-1154). Firms sell by their fit to it (market kernels)."""

from __future__ import annotations

import numpy as np

from clustersim.world.streams import DEMAND, SHOCK

WORLD = np.zeros(1, np.int64)  # the identity of draws that concern the whole world


def update(model) -> None:
    """One quarter of growth and drift: ``dims`` normals of the demand stream, and ``dims`` of
    the shock stream at a shock.

    A growing market follows the logistic path of a product's diffusion (Griliches 1957; Bass
    1969): growth slows as spending nears ``market.demand_saturation`` times its start, as in
    the later stages of an industry's life (Gort & Klepper 1982)."""
    mk, sh, t = model.cfg.market, model.cfg.shocks, model.t
    room = 1.0
    if mk.demand_growth > 0.0:
        room = 1.0 - model.demand_total / (mk.demand_saturation * model.initial_demand)
    model.demand_total *= 1.0 + mk.demand_growth * room
    drift = model.streams.normals(DEMAND, t, WORLD, model.dims)[0]
    model.demand = model.demand + mk.demand_drift * drift
    if t in sh.steps:
        z = model.streams.normals(SHOCK, t, WORLD, model.dims)[0]
        model.demand = model.demand + sh.size * z / np.linalg.norm(z)
