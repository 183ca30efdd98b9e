"""Who a programme reaches: lobbying weight (capture), blind targeting, and region contests.

Capture (L1911-1921): allocations concentrated on a few well-organised incumbents. A firm's
lobbying weight is its size times its age (old, large firms are organised; Olson 1965, cited
at L1914-1917). Information quality (L1831-1832, L1940-1944): a government that cannot see the
firms or the network targets only that share of its allocations by its rule; the rest land at
random.
Contests (L2172-2179) pick a target region from applications; with poor information the
advertising of "imagined" clusters (L3914-3919) outweighs the real base.
"""

from __future__ import annotations

import numpy as np

from clustersim.conf import STEPS_PER_YEAR


def lobby_weight(f, slots: np.ndarray) -> np.ndarray:
    """Employment x (1 + age in decades): large, old incumbents are organised."""
    return f.emp[slots] * (1.0 + f.age[slots] / (10.0 * STEPS_PER_YEAR))


def lobby_order(f, slots: np.ndarray) -> np.ndarray:
    """``slots`` by lobbying weight, heaviest first (ties in slot order: deterministic)."""
    slots = np.asarray(slots, dtype=np.int64)
    return slots[np.argsort(-lobby_weight(f, slots), kind="stable")]


def split_counts(n: int, capture: float, quality: float) -> tuple[int, int, int]:
    """Split ``n`` allocations into (captured, by the rule, blind). Deterministic: no draws."""
    captured = int(round(capture * n))
    ruled = int(round(quality * (n - captured)))
    return captured, ruled, n - captured - ruled


def contest(model, quality: float) -> tuple[int, np.ndarray]:
    """Winner of a contest among all regions and the scores.

    Score = quality x (standardised log employment: the real base) + (1 - quality) x
    advertising (one standard normal per region from the contest's own stream)."""
    base = np.log1p(model.regions.emp)
    z = (base - base.mean()) / (base.std() if base.std() > 0 else 1.0)
    advert = model.hook_rng("policy:contest").normal(size=model.regions.n)
    score = quality * z + (1.0 - quality) * advert
    return int(np.argmax(score)), score
