"""Knowledge spillovers through proximity, labour mobility and universities (L775-778, L831-834).

The tie channel runs inside joint projects (``clustersim.mechanisms.ties.kernel``).
All channels add to
the same accumulators ``dk`` (knowledge offered, recorded by channel in ``volume``) and ``dpos``
(position pull), applied by ``apply`` within the room left below the technology frontier.
"""

import math

import numpy as np
from numba import njit, prange

from clustersim.mechanisms.common.kernel import (
    chance_neighbour,
    cognitive_learning,
    tech_distance,
    threaded,
)
from clustersim.world.parallel import serial_and_parallel
from clustersim.world.state import SPILL_MOBILITY, SPILL_PROXIMITY
from clustersim.world.streams import drawn, given_draws, identity_hash

# Firms whose partners are found before any of them learns. Finding partners is hashing and
# index arithmetic, independent from firm to firm; reading a partner is a random access, which
# at 100,000 firms misses the cache. Done in two passes over a block, the hashing and the reads
# of many firms overlap instead of each waiting behind one firm's learning arithmetic: per firm
# 0.17-0.19 -> 0.11 us at 10,000 firms, 0.30-0.36 -> 0.20 us at 100,000, the same results
# (each firm's own sums keep their order). The partners go to one array made before the loop:
# an array made per block inside it cost more than the two passes saved.
BLOCK = 256


def _proximity_and_mobility(
    live,
    region,
    x,
    y,
    emp,
    kstock,
    absorb,
    kpos,
    cell_of,
    cell_start,
    cell_order,
    ncx,
    ncy,
    region_start,
    region_order,
    uid,
    key,
    given,
    optimal_distance,
    proximity_spillover,
    proximity_range,
    mobility_spillover,
    mobility_rate,
    region_mobility_factor,
    convergence,
    dk,
    dpos,
    gain_proximity,
    gain_mobility,
):
    """Chance meetings in the 3x3 cell neighbourhood and workers moving within a region.

    O(N x contacts): each firm meets ``gain_proximity.shape[1]`` random neighbours (the
    'cafeteria effect', L831-834), weighted by a kernel that decays with geographic distance,
    and receives knowledge from a random firm of its labour pool via hired workers (L775-778,
    L6511-6513). Each firm writes only its own accumulators and its gains per contact
    (``gain_proximity``) and by mobility (``gain_mobility``), which :func:`tally` adds into
    ``volume`` in firm order.
    Draws, from the firm's identity under ``key`` (or ``given``: ``streams.given_draws``): a
    cell and a member uniform per contact (0..contacts-1, contacts..2 contacts-1), then the
    mobility pick. Blocks of :data:`BLOCK` firms find their partners, then learn from them.
    """
    contacts = gain_proximity.shape[1]
    n = live.shape[0]
    partner = np.empty((n, contacts + 1), dtype=np.int64)  # proximity contacts, then mobility
    for b in prange((n + BLOCK - 1) // BLOCK):  # threads share the blocks evenly
        lo, hi = b * BLOCK, min(n, (b + 1) * BLOCK)
        for k in range(lo, hi):
            i = live[k]
            h = identity_hash(key, uid[i])
            for m in range(contacts):
                u_cell, u_member = drawn(given, i, h, m), drawn(given, i, h, contacts + m)
                partner[k, m] = chance_neighbour(
                    cell_of, cell_start, cell_order, ncx, ncy, i, u_cell, u_member
                )
            r = region[i]
            count = region_start[r + 1] - region_start[r]
            u = drawn(given, i, h, 2 * contacts)
            partner[k, contacts] = region_order[region_start[r] + int(u * count)]
        for k in range(lo, hi):
            i = live[k]
            if proximity_spillover > 0.0:
                for m in range(contacts):
                    j = partner[k, m]
                    if j < 0 or j == i:
                        continue
                    geo = math.sqrt((x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2)
                    learn = absorb[i] * cognitive_learning(
                        tech_distance(kpos, i, kpos, j), optimal_distance
                    )
                    learn *= math.exp(-geo / proximity_range)
                    gain = proximity_spillover * learn * kstock[j]
                    dk[i] += gain
                    gain_proximity[i, m] = gain
                    _pull(dpos, kpos, i, j, convergence * learn)
            j = partner[k, contacts]
            if mobility_spillover > 0.0 and j != i:
                learn = absorb[i] * cognitive_learning(
                    tech_distance(kpos, i, kpos, j), optimal_distance
                )
                rate = mobility_rate * region_mobility_factor[region[i]]
                gain = mobility_spillover * rate * learn * kstock[j]
                dk[i] += gain
                gain_mobility[i] = gain
                _pull(dpos, kpos, i, j, convergence * rate * learn)


@njit(cache=True, inline="always")
def _pull(dpos, kpos, i, j, weight):
    """Firm ``i``'s technology position moves ``weight`` of the way toward firm ``j``'s."""
    for d in range(kpos.shape[1]):
        dpos[i, d] += weight * (kpos[j, d] - kpos[i, d])


PROXIMITY_AND_MOBILITY = serial_and_parallel(_proximity_and_mobility)


@njit(cache=True)
def tally(alive, region, gain_proximity, gain_mobility, volume):
    """``volume[channel, region]`` += each firm's gains, in firm and contact order (the order
    of the serial loop, so the sums are the same however the gains were computed)."""
    for i in range(alive.shape[0]):
        if not alive[i]:
            continue
        r = region[i]
        for m in range(gain_proximity.shape[1]):
            volume[SPILL_PROXIMITY, r] += gain_proximity[i, m]
        volume[SPILL_MOBILITY, r] += gain_mobility[i]


def _apply(live, kstock, kpos, dk, dpos, frontier):
    """Apply the accumulated knowledge gains and position pulls. What a firm learns is worth
    the less the closer it already is to the frontier, which no one passes (Nelson & Phelps
    1966): ``dk`` is scaled by the remaining room ``1 - k / frontier``."""
    for k in prange(live.shape[0]):  # the live slots: threads share them evenly
        i = live[k]
        room = max(0.0, 1.0 - kstock[i] / frontier)
        kstock[i] = min(kstock[i] + dk[i] * room, max(kstock[i], frontier))
        for d in range(kpos.shape[1]):
            kpos[i, d] += dpos[i, d]


APPLY = serial_and_parallel(_apply)


# ---------------------------------------------------------------- engine sub-steps
def step_spillovers(m, draws) -> None:
    f, ix, k = m.firms, m.index, m.cfg.knowledge
    contacts = k.proximity_contacts
    key, given = given_draws(draws, f.capacity, 2 * contacts + 1)
    gain_proximity = np.zeros((f.capacity, contacts))
    gain_mobility = np.zeros(f.capacity)
    threaded(m, PROXIMITY_AND_MOBILITY)(
        f.live,
        f.region,
        f.x,
        f.y,
        f.emp,
        f.kstock,
        f.absorb,
        f.kpos,
        ix.cell_of,
        ix.cell_start,
        ix.cell_order,
        ix.ncx,
        ix.ncy,
        ix.region_start,
        ix.region_order,
        f.uid,
        key,
        given,
        k.optimal_distance,
        k.proximity_spillover,
        k.proximity_range,
        k.mobility_spillover,
        k.mobility_rate,
        m.regions.mobility_factor,
        k.convergence,
        m.dk,
        m.dpos,
        gain_proximity,
        gain_mobility,
    )
    tally(f.alive, f.region, gain_proximity, gain_mobility, m.volume)


def step_apply_knowledge(m) -> None:
    threaded(m, APPLY)(m.firms.live, m.firms.kstock, m.firms.kpos, m.dk, m.dpos, m.frontier)
