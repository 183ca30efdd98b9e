"""Config sections of location: what makes a region attractive to a start-up or a mover, and
when incumbents relocate (``clustersim.mechanisms.demography.location`` and ``.relocation``).
The utility's agglomeration and cost weights stay in ``entry`` (``entry.agglomeration_pull``,
``entry.cost_aversion``); the terms below are added to them."""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.conf.params import param


@dataclass
class LocationConfig:
    """Access to knowledge and to finance in the location utility of start-ups and movers."""

    knowledge_pull: float = param(
        0.3,
        "Weight of ln(regional mean knowledge / industry mean knowledge) in location utility "
        "(calibrated: below the agglomeration weight, as knowledge effects are below "
        "agglomeration's in plant-location logits)",
        0,
        20,
        source="Audretsch & Feldman 1996; Woodward, Figueiredo & Guimaraes 2006",
    )
    university_pull: float = param(
        0.2,
        "Location utility of a fully open university in the region (calibrated: a modest "
        "effect, as university R&D has on high-tech plant location)",
        0,
        20,
        source="Woodward, Figueiredo & Guimaraes 2006; Audretsch, Lehmann & Warning 2005",
    )
    finance_pull: float = param(
        0.2,
        "Weight of ln(1 + active financiers in the region) in location utility (calibrated: "
        "venture finance is local, so its presence draws firms, less than agglomeration does)",
        0,
        20,
        source="Sorenson & Stuart 2001; Chen, Gompers, Kovner & Lerner 2010",
    )


@dataclass
class RelocationConfig:
    """Incumbents moving their establishment to another region (only moves between regions are
    modelled; most real moves are within a region and leave the model's geography unchanged)."""

    enabled: bool = param(
        True,
        "Switch incumbents' relocation between regions on or off",
        source=(
            "run control: switches a mechanism off for experiments (Pellenbarg, van Wissen & "
            "van Dijk 2002 for the mechanism)"
        ),
    )
    review_rate: float = param(
        0.02,
        "Quarterly chance a firm reviews its location (about 8% a year, the order of all "
        "firm relocations a year; most reviews end in staying)",
        0,
        1,
        source="Pellenbarg, van Wissen & van Dijk 2002; van Dijk & Pellenbarg 2000",
    )
    moving_cost: float = param(
        1.0,
        "Location-utility gain a firm of reference_size needs to move (calibrated: as much as "
        "an e-fold larger regional industry, so only large utility gaps move firms and "
        "inter-regional moves stay rare)",
        0,
        1e6,
        source="Pellenbarg, van Wissen & van Dijk 2002 (moves are rare and mostly short)",
    )
    reference_size: float = param(
        10.0,
        "Employees at which the utility threshold equals moving_cost (calibrated: a small "
        "firm, near the initial firms' median of 8)",
        1,
        1e6,
        source="calibrated",
    )
    size_elasticity: float = param(
        0.5,
        "Elasticity of the utility threshold to employment: larger firms move less "
        "(calibrated: the size effect's sign from the sources, its strength a modelling choice)",
        0,
        5,
        source="Brouwer, Mariotti & van Ommeren 2004; Kronenberg 2013",
    )
    cost_per_employee: float = param(
        0.5,
        "Cash a move costs per employee, in base-wage quarters (calibrated: about six weeks' "
        "wages for moving, hiring and lost output)",
        0,
        100,
        source="calibrated",
    )
    tie_trust_kept: float = param(
        0.8,
        "Share of trust a tie keeps when a move puts its ends in different regions (ties are "
        "kept, but distance weakens face-to-face trust)",
        0,
        1,
        source="Boschma 2005; Storper & Venables 2004",
    )
    landing_spread: float = param(
        1.0,
        "Spread (km) of a mover's new site around a firm of the target region (calibrated: "
        "as start-ups settling next to a firm)",
        0,
        1e4,
        source="calibrated",
    )
