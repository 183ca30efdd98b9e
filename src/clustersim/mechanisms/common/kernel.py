"""Small functions shared by several kernels."""

import math

from numba import njit


def threaded(m, kernels):
    """The serial or the parallel kernel of a pair, by the run's ``threads``."""
    return kernels[1] if m.cfg.threads > 1 else kernels[0]


@njit(cache=True)
def cognitive_learning(distance: float, optimal: float) -> float:
    """Inverted-U learning in cognitive distance: 0 at 0, peak 1 at ``optimal``, then decays.

    Too close teaches little, too far cannot be absorbed (Whitebook L826-866; Nooteboom 2000).
    """
    r = distance / optimal
    return r * math.exp(1.0 - r)


@njit(cache=True)
def tech_distance(kpos, i: int, other, j: int) -> float:
    s = 0.0
    for d in range(kpos.shape[1]):
        diff = kpos[i, d] - other[j, d]
        s += diff * diff
    return math.sqrt(s)


@njit(cache=True)
def log_demand_fit(kpos, i: int, demand, width: float) -> float:
    """Log of the Gaussian niche: firms far from demand in technology space sell less
    (L1675-1686). Kept in logs so that market shares never underflow."""
    s = 0.0
    for d in range(kpos.shape[1]):
        diff = kpos[i, d] - demand[d]
        s += diff * diff
    return -s / (2.0 * width * width)


@njit(cache=True)
def demand_fit(kpos, i: int, demand, width: float) -> float:
    return math.exp(log_demand_fit(kpos, i, demand, width))


@njit(cache=True)
def chance_neighbour(cell_of, cell_start, cell_order, ncx, ncy, i, u_cell, u_member, radius=1):
    """A random firm of a random cell within ``radius`` cells of firm ``i``'s cell (the 3x3
    neighbourhood at radius 1, its own cell alone at 0; possibly ``i`` itself), or -1 when the
    draw falls off the landscape or on an empty cell."""
    c = cell_of[i]
    side = 2 * radius + 1
    k = int(u_cell * float(side * side))
    nx = c % ncx + k % side - radius
    ny = c // ncx + k // side - radius
    if nx < 0 or ny < 0 or nx >= ncx or ny >= ncy:
        return -1
    cell = ny * ncx + nx
    count = cell_start[cell + 1] - cell_start[cell]
    if count == 0:
        return -1
    return cell_order[cell_start[cell] + int(u_member * count)]
