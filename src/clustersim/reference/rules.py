"""The model's rules for one firm, one pair or one tie, as functions of plain Python floats.

Each function computes its rule with the same operations in the same order as the numba
kernels in ``clustersim.kernels``, so that both engines round alike. Where numba compiles an
operator to a different instruction than CPython would, the function says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


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


def demand_fit(position: Sequence[float], demand: Sequence[float], width: float) -> float:
    """Gaussian niche: firms far from demand in technology space sell less (L1675-1686)."""
    return math.exp(-squared_distance(position, demand) / (2.0 * width * width))


def geo_distance(x0: float, y0: float, x1: float, y1: float) -> float:
    """Distance on the landscape. Written ``dx * dx``: numba compiles ``dx ** 2`` to a product,
    CPython to ``pow``, which may round differently."""
    dx, dy = x0 - x1, y0 - y1
    return math.sqrt(dx * dx + dy * dy)


def chance(rate: float) -> float:
    """Probability of at least one event of a Poisson hazard ``rate`` in a quarter."""
    return 1.0 - math.exp(-rate)


# ------------------------------------------------------------------ market (brief 3.4)
def productivity(kstock: float, skill: float, agglo: float, competence: float, c) -> float:
    """knowledge^elasticity x (1 + skill effect x skill) x regional agglomeration (critical
    mass, L1067-1101) x (1 + VC management competence, L1428-1436)."""
    return (
        kstock**c.knowledge_elasticity * (1.0 + c.skill_effect * skill) * agglo * (1.0 + competence)
    )


def workforce_growth(sales: float, rd: float, emp: float, cash: float, unit_cost: float, c):
    """Growth rate toward the workforce that sales pay for at the target margin, at most
    ``max_growth`` a quarter either way, and no growth while cash is negative."""
    desired = sales * (1.0 - rd - c.target_margin) / unit_cost
    g = c.adjustment * (desired / emp - 1.0)
    g = min(max(g, -c.max_growth), c.max_growth)
    return 0.0 if g > 0.0 and cash < 0.0 else g


# ------------------------------------------------------------------ innovation (L1277-1403)
def absorptive_capacity(rd: float, skill: float, k) -> float:
    """Absorptive capacity grows with own R&D and with workforce skill (L1553-1554; Cohen &
    Levinthal 1990)."""
    return k.absorptive_base + (1.0 - k.absorptive_base) * (
        1.0 - math.exp(-k.absorptive_rd * rd)
    ) * (0.5 + 0.5 * skill)


def incremental_chance(rd: float, absorb: float, young: bool, k) -> float:
    """Incremental innovation is an incumbent's routine: young firms are half as likely."""
    return chance(k.incremental_rate * rd * absorb * (0.5 if young else 1.0))


def radical_chance(rd: float, young: bool, complacency: float, k) -> float:
    """Radical innovation favours young firms and is damped by regional complacency
    (L1159-1160, L1368-1403)."""
    bonus = k.radical_entrant_bonus if young else 1.0
    return chance(k.radical_rate * rd * bonus * (1.0 - complacency))


# ------------------------------------------------------------------ demography (brief 3.5-3.6)
def spinoff_chance(sales: float, mean_sales: float, rate: float, elasticity: float) -> float:
    """Successful firms breed more spin-offs: the chance grows with sales relative to the average
    firm, capped at 10x (L1532-1550, L3752-3759; Klepper 2007)."""
    return rate * min(10.0, (sales / mean_sales) ** elasticity)


def exits(loss_streak: int, cash: float, emp: float, c) -> bool:
    """Exit after sustained losses, or at once when debt per worker passes ``exit_debt``."""
    return loss_streak >= c.exit_loss_quarters or cash < -c.exit_debt * emp
