"""World demand: its total grows, its position in technology space drifts, and a technology
shock makes it jump (L1675-1686, L1150-1154). Firms sell by their fit to it (market kernels)."""

from __future__ import annotations

import numpy as np


def update(model) -> None:
    """One quarter of growth and drift. Draws ``dims`` normals, and ``dims`` more at a shock."""
    mk, sh = model.cfg.market, model.cfg.shocks
    model.demand_total *= 1.0 + mk.demand_growth
    model.demand = model.demand + mk.demand_drift * model.rng.normal(size=model.dims)
    if model.t in sh.steps:
        z = model.rng.normal(size=model.dims)
        model.demand = model.demand + sh.size * z / np.linalg.norm(z)
