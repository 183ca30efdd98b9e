"""Appeal: a firm's persistent idiosyncratic demand shifter (Hopenhayn 1992; Foster, Haltiwanger
& Syverson 2008, 2016).

Besides productivity and fit to demand, buyers favour some firms for reasons the knowledge
stock does not capture: an established customer base, a brand, product qualities. ``appeal`` is
the log of that shifter. It enters the market weight as a demand shifter of the CES demand
system, ``log_weight = selection x (log productivity + log fit) + appeal``, so a firm's sales
move with it one for one, and it follows a stationary AR(1) in logs each quarter::

    appeal' = rho_q x appeal + sigma_q x z,    z ~ N(0, 1) from the APPEAL stream by firm id

with ``rho_q = market.appeal_persistence ** (1 / 4)`` (an annual autocorrelation turned
quarterly: sampled once a year the process has exactly the annual persistence) and
``sigma_q = market.appeal_sd x sqrt(1 - rho_q ** 2)``, which keeps the cross-section standard
deviation at ``market.appeal_sd``. Incumbents' appeal reverts to 0.

Firms are born with appeal ``-market.entrant_appeal_gap + market.appeal_sd x z`` (a normal of
the TRAITS stream keyed by the firm's id alone, inborn as its other traits): new firms start
with a demand deficit and erase it only slowly, at the pace of the mean reversion, if they
survive (Foster, Haltiwanger & Syverson 2016, "The slow growth of new plants"). The initial
firms start at 0: the set-up is a scattered start, not an equilibrium, and their sizes are drawn
without regard to demand, so a stationary draw would close the low-appeal ones at once; their
dispersion builds up with the AR(1) (its variance is 1 - rho_a ** (2 x years) of the stationary
one). A hook's MNE affiliate starts at the incumbents' mean, 0 (its group's brand). A
would-be entrant does not know its draw when it decides to enter (Jovanovic 1982; Hopenhayn
1992): it expects the mean of ``exp(appeal)`` over entrants,
``log E[exp(appeal)] = -gap + sd ** 2 / 2``.

Appeal is clipped to +-(gap + ``BOUND_SDS`` stationary standard deviations), a numerical guard
only (a stationary Gaussian AR(1) practically never gets there). A relocating firm keeps its appeal.
"""

from __future__ import annotations

import math

import numpy as np

from clustersim.conf import STEPS_PER_YEAR
from clustersim.world.streams import TRAITS

BOUND_SDS = 8.0  # numerical guard on |appeal|, in stationary standard deviations
TRAIT_INDEX = 2  # appeal at birth: the third normal of a firm's TRAITS draws (0, 1: traits)


def process(c) -> tuple[float, float, float]:
    """``(rho_q, sigma_q, bound)``: quarterly persistence, innovation sd and guard of the AR(1)
    of log appeal, from the market config ``c``."""
    rho = c.appeal_persistence ** (1.0 / STEPS_PER_YEAR)
    return rho, c.appeal_sd * math.sqrt(1.0 - rho * rho), bound(c)


def bound(c) -> float:
    """The numerical guard on ``|appeal|``: the entrants' gap plus ``BOUND_SDS`` stationary
    standard deviations."""
    return c.entrant_appeal_gap + BOUND_SDS * c.appeal_sd


def at_birth(model, uid: np.ndarray, gap: float) -> np.ndarray:
    """Log appeal of firms born with ids ``uid``: ``-gap + appeal_sd x z``, ``z`` keyed by the
    id alone (the same firm has the same appeal at birth in every run)."""
    z = model.streams.normals(TRAITS, 0, np.asarray(uid, np.int64), TRAIT_INDEX + 1)
    return from_normal(model.cfg.market, z[:, TRAIT_INDEX], gap)


def from_normal(c, z: np.ndarray, gap: float) -> np.ndarray:
    """:func:`at_birth` given the firms' normals ``z`` (entry draws them with the traits)."""
    guard = bound(c)
    return (-gap + c.appeal_sd * z).clip(-guard, guard)


def expected_log_appeal(c) -> float:
    """What a would-be entrant expects: ``log E[exp(appeal)]`` over entrants' draws."""
    return -c.entrant_appeal_gap + 0.5 * c.appeal_sd**2
