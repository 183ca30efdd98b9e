"""Spillovers, the reference rules: chance meetings nearby and workers moving between firms."""

from __future__ import annotations

import math

from clustersim.mechanisms.common.reference import (
    bucket,
    cognitive_learning,
    geo_distance,
    live_firms,
    neighbour_cell,
    pick,
    receive,
    tech_distance,
)
from clustersim.world.state import SPILL_MOBILITY, SPILL_PROXIMITY
from clustersim.world.streams import uniform_block


def step_spillovers(m, draws) -> None:
    """Chance meetings with neighbours and workers moving between firms of a region.

    Each firm meets ``proximity_contacts`` random firms of its 3x3 cell neighbourhood (the
    'cafeteria effect', L831-834), learning with a weight that decays with geographic
    distance, and learns from a random firm of its labour pool through the workers it hires
    (L775-778, L6511-6513), scaled by the region's mobility lever. ``draws``: the stream's key
    (per live firm a cell and a member uniform per contact, then the mobility pick) or given
    ones (``streams.given_draws``).
    """
    k, ix = m.cfg.knowledge, m.index
    mobility_factor = m.regions.mobility_factor.tolist()
    c = k.proximity_contacts
    u = uniform_block(draws, m.firms.uid, 2 * c + 1, m.firms.alive)
    u_cell, u_member, u_mobility = u[:, :c].tolist(), u[:, c:-1].tolist(), u[:, -1].tolist()
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
                near = math.exp(-geo_distance(firm.x, firm.y, other.x, other.y) / k.proximity_range)
                learn = (
                    firm.absorb
                    * cognitive_learning(tech_distance(own, source), k.optimal_distance)
                    * near
                )
                gain = k.proximity_spillover * learn * other.kstock
                receive(m, firm, gain, k.convergence * learn, own, source, SPILL_PROXIMITY)
        if k.mobility_spillover > 0.0:
            pool = bucket(ix.region_order, ix.region_start, r)
            other = m.agent_of[int(pick(pool, u_mobility[s]))]
            if other is not firm:
                source = other.kpos.tolist()
                learn = firm.absorb * cognitive_learning(
                    tech_distance(own, source), k.optimal_distance
                )
                rate = k.mobility_rate * mobility_factor[r]
                gain = k.mobility_spillover * rate * learn * other.kstock
                receive(m, firm, gain, k.convergence * rate * learn, own, source, SPILL_MOBILITY)


def learned(kstock: float, offered: float, frontier: float) -> float:
    """Knowledge after learning ``offered``: worth the less the closer the learner is to the
    frontier, which no one passes (Nelson & Phelps 1966)."""
    room = max(0.0, 1.0 - kstock / frontier)
    return min(kstock + offered * room, max(kstock, frontier))


def step_apply_knowledge(m) -> None:
    """Apply the knowledge gains and position pulls accumulated by every channel."""
    for firm in live_firms(m):
        s = firm.slot
        firm.kstock = learned(firm.kstock, float(m.dk[s]), m.frontier)
        firm.kpos[:] = [p + d for p, d in zip(firm.kpos.tolist(), m.dpos[s].tolist(), strict=True)]
