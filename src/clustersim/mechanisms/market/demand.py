"""World demand: its total grows, its position in technology space drifts, and a technology
shock makes it jump (L1675-1686, L1150-1154). Firms sell by their fit to it (market kernels).
As the market matures its product standardises and competition toughens (the product life
cycle, :func:`competition`)."""

from __future__ import annotations

import numpy as np

from clustersim.conf import STEPS_PER_YEAR
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
    ratio, years = model.demand_total / model.initial_demand, t / STEPS_PER_YEAR
    model.selection, model.margin = competition(mk, ratio, years)
    model.fixed_cost = fixed_cost(mk, ratio, years)
    drift = model.streams.normals(DEMAND, t, WORLD, model.dims)[0]
    model.demand = model.demand + mk.demand_drift * drift
    if t in sh.steps:
        z = model.streams.normals(SHOCK, t, WORLD, model.dims)[0]
        model.demand = model.demand + sh.size * z / np.linalg.norm(z)


def maturity(mk, demand_ratio: float) -> float:
    """How far a growing market has come from its start (0) to saturation (1); a market that
    does not grow stays where it started (0)."""
    if mk.demand_growth <= 0.0 or mk.demand_saturation <= 1.0:
        return 0.0
    return min(max((demand_ratio - 1.0) / (mk.demand_saturation - 1.0), 0.0), 1.0)


def design_phase(mk, years: float) -> float:
    """How far the dominant design has taken over (0 before ``market.dominant_design_year``, 1
    once ``market.design_ramp`` years have passed since): the industry's era of ferment ends
    with one design that competitors converge on, and competition and production change with
    it (Abernathy & Utterback 1978; Anderson & Tushman 1990; Utterback & Suarez 1993)."""
    since = years - mk.dominant_design_year
    if mk.design_ramp <= 0.0:
        return 1.0 if since >= 0.0 else 0.0
    return min(max(since / mk.design_ramp, 0.0), 1.0)


def life_cycle(mk, demand_ratio: float, years: float) -> tuple[float, float]:
    """How far the product has standardised, and the share of ``market.sunk_cost_escalation``
    in force: with a dominant design (``market.dominant_design_year`` > 0) both follow its
    take-over (:func:`design_phase`); without one, standardisation follows the market's
    diffusion (:func:`maturity`) and escalation is in force from the start."""
    if mk.dominant_design_year > 0.0:
        phase = design_phase(mk, years)
        return phase, phase
    return maturity(mk, demand_ratio), 1.0


def fixed_cost(mk, demand_ratio: float, years: float = 0.0) -> float:
    """This quarter's fixed cost per firm: ``market.fixed_cost`` times the market's size
    relative to its start to the power ``market.sunk_cost_escalation``.

    At 0 the fixed cost is given by the technology (exogenous sunk costs), so the number of
    firms a market supports grows with it. Where firms compete by R&D or advertising outlays
    whose return grows with the market, the outlays that keep a firm in the race escalate with
    the market's size, and the number of firms it supports does not grow with it (endogenous
    sunk costs, Sutton 1991, 1998); in a product's life cycle, the specific phase after a
    dominant design is also one of capital-intensive, high-volume plants (Abernathy &
    Utterback 1978). An elasticity of 1 is Sutton's full escalation. With a dominant design
    (``market.dominant_design_year`` > 0) the escalation starts with it: the elasticity rises
    from 0 to its value as the design takes over (:func:`design_phase`)."""
    return mk.fixed_cost * demand_ratio ** (
        mk.sunk_cost_escalation * life_cycle(mk, demand_ratio, years)[1]
    )


def competition(mk, demand_ratio: float, years: float = 0.0) -> tuple[float, float]:
    """This quarter's selection (the elasticity of substitution sigma, minus one) and margin.

    A new product is differentiated; as its market diffuses a dominant design standardises it
    and competition turns from product features to price (Abernathy & Utterback 1978; Utterback
    & Suarez 1993; Klepper 1997). So sigma - 1 rises with maturity, by ``standardisation``
    times its start, and the margin falls with the Dixit-Stiglitz markup, in proportion to
    1 / sigma: cost differences weigh more in shares, and the least competitive firms and
    would-be entrants no longer cover their fixed cost. With a dominant design
    (``market.dominant_design_year`` > 0) the product standardises when that design takes over
    (:func:`design_phase`), not gradually with the market's diffusion."""
    standard = life_cycle(mk, demand_ratio, years)[0]
    selection = mk.selection * (1.0 + mk.standardisation * standard)
    margin = mk.target_margin * (1.0 + mk.selection) / (1.0 + selection)
    return selection, margin
