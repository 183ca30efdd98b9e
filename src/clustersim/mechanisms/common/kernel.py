"""Small functions shared by several kernels."""

import math

from numba import njit


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
def demand_fit(kpos, i: int, demand, width: float) -> float:
    """Gaussian niche: firms far from demand in technology space sell less (L1675-1686)."""
    s = 0.0
    for d in range(kpos.shape[1]):
        diff = kpos[i, d] - demand[d]
        s += diff * diff
    return math.exp(-s / (2.0 * width * width))
