"""The plain-Python side of the shared rules, and the look-ups every reference rule uses.

The functions compute with the same operations in the same order as the numba kernels, so that
both engines round alike; where numba compiles an operator differently from CPython, the function
says so. The look-ups visit Mesa agents in slot order, the order in which kernels loop, so sums
accumulate alike and the bulk random draws land on the same firms.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from operator import attrgetter

import numpy as np

from clustersim.world.agents import Firm, University


def cognitive_learning(distance: float, optimal: float) -> float:
    """Inverted-U learning in cognitive distance: 0 at 0, peak 1 at ``optimal``, then decays.

    Too close teaches little, too far cannot be absorbed (Whitebook L826-866; Nooteboom 2000).
    """
    r = distance / optimal
    return r * math.exp(1.0 - r)


def squared_distance(p: Sequence[float], q: Sequence[float]) -> float:
    s = 0.0
    for a, b in zip(p, q, strict=True):
        diff = a - b
        s += diff * diff
    return s


def tech_distance(p: Sequence[float], q: Sequence[float]) -> float:
    """Euclidean distance of two positions in technology space."""
    return math.sqrt(squared_distance(p, q))


def log_demand_fit(position: Sequence[float], demand: Sequence[float], width: float) -> float:
    """Log of the Gaussian niche: firms far from demand in technology space sell less
    (L1675-1686). Kept in logs so that market shares never underflow."""
    return -squared_distance(position, demand) / (2.0 * width * width)


def demand_fit(position: Sequence[float], demand: Sequence[float], width: float) -> float:
    return math.exp(log_demand_fit(position, demand, width))


def geo_distance(x0: float, y0: float, x1: float, y1: float) -> float:
    """Distance on the landscape. Written ``dx * dx``: numba compiles ``dx ** 2`` to a product,
    CPython to ``pow``, which may round differently."""
    dx, dy = x0 - x1, y0 - y1
    return math.sqrt(dx * dx + dy * dy)


def chance(rate: float) -> float:
    """Probability of at least one event of a Poisson hazard ``rate`` in a quarter."""
    return 1.0 - math.exp(-rate)


def live_firms(model) -> list[Firm]:
    """The live firms in slot order, the order in which the kernels visit them."""
    return sorted(model.agents_by_type.get(Firm, ()), key=attrgetter("slot"))


def universities(model) -> list[University]:
    """The universities by index, so ``universities(model)[u]`` is university ``u``."""
    return sorted(model.agents_by_type.get(University, ()), key=attrgetter("slot"))


def partners(start: np.ndarray, nbr: np.ndarray, slot: int) -> list[int]:
    """A firm's partners in the search network: firm slots, and universities as -(index + 1)."""
    return nbr[start[slot] : start[slot + 1]].tolist()


def bucket(order: np.ndarray, start: np.ndarray, key: int) -> np.ndarray:
    """One bucket of the model's spatial index (a grid cell, a region's firms or universities),
    in slot order."""
    return order[start[key] : start[key + 1]]


def pick(items, u: float):
    """The member of ``items`` that the uniform draw ``u`` points at."""
    return items[int(u * len(items))]


def neighbour_cell(index, cell: int, u: float, radius: int = 1) -> int | None:
    """The cell within ``radius`` cells of ``cell`` (its 3x3 neighbourhood at radius 1) that
    the uniform draw ``u`` points at, or None when it falls off the landscape."""
    side = 2 * radius + 1
    k = int(u * float(side * side))
    nx = cell % index.ncx + k % side - radius
    ny = cell // index.ncx + k // side - radius
    if nx < 0 or ny < 0 or nx >= index.ncx or ny >= index.ncy:
        return None
    return ny * index.ncx + nx


def receive(model, firm: Firm, gain: float, pull: float, own, source, channel: int) -> None:
    """``firm`` gains knowledge ``gain`` through ``channel`` and moves ``pull`` of the way from
    its position ``own`` toward ``source`` in technology space (learning converges, Menzel &
    Fornahl 2010). Both go to the accumulators, applied after every channel has run."""
    s = firm.slot
    model.dk[s] += gain
    model.volume[channel, firm.region] += gain
    for d, (p, q) in enumerate(zip(own, source, strict=True)):
        model.dpos[s, d] += pull * (q - p)
