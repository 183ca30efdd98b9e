"""Config sections of the landscape: regions, labour markets and the demand shocks that hit them
(``clustersim.world``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from clustersim.conf.params import param


@dataclass
class FocalRegionConfig:
    """Multipliers (and one override, the search radius) that make the focal region differ from
    the others (circumstance presets)."""

    labour_pool: float = param(
        1.0,
        "Labour-pool multiplier of the focal region",
        0.01,
        100,
        source=(
            "calibrated: 1 (no difference); circumstance presets scale it (rural pools are "
            "small, L4741-4743)"
        ),
    )
    amenity: float = param(
        0.0,
        "Amenity added to the focal region's location utility",
        -5,
        5,
        source=(
            "calibrated: 0 (no difference); circumstance presets set it (rural regions lose "
            "the young, L4750-4752)"
        ),
    )
    contract_enforcement: float = param(
        1.0,
        "Contract-enforcement multiplier (framework quality) of the focal region",
        0,
        2,
        source=(
            "calibrated: 1 (no difference); the framework instrument and presets change it "
            "(framework conditions, L2365-2409)"
        ),
    )
    bonding: float = param(
        1.0,
        "Bonding (in-group) trust multiplier of the focal region",
        0,
        2,
        source="Box 1, L786-813",
    )
    bridging: float = param(
        1.0,
        "Bridging (generalised) trust multiplier of the focal region",
        0,
        2,
        source="Box 1, L786-813",
    )
    search_radius: int = param(
        -1,
        "Reach of the focal region's chance partner search, in grid cells around a firm's own "
        "(0: its own cell only); -1: as in the other regions (world.search_radius)",
        -1,
        5,
        source=(
            "L2966-2977: a closed community meets those it already knows, nearby (bonding "
            "against bridging social capital, Putnam 2000; weak ties reach further, "
            "Granovetter 1973)"
        ),
    )
    skill: float = param(
        1.0,
        "Initial workforce-skill multiplier of the focal region",
        0.1,
        2,
        source=("calibrated: 1 (no difference); circumstance presets scale it (L4750-4752)"),
    )
    initial_firm_share: float = param(
        -1.0,
        "Share of initial firms placed in the focal region, the rest in the other regions (0: "
        "the focal region starts empty); -1 spreads all of them evenly over the landscape",
        -1,
        1,
        source=(
            "calibrated: -1 spreads firms evenly, so agglomeration must emerge "
            "(docs/validation.md: agglomeration from a scattered start); presets with an "
            "existing base set a share (L3040-3050)"
        ),
    )


@dataclass
class MigrationConfig:
    """Labour that moves: migration between regions and commuting across their borders
    (``world.regions.migrate`` and ``world.regions.update``). ``rate=0`` and ``commute_range=0``
    give fixed, separate regional labour pools (the model before issue 13)."""

    rate: float = param(
        0.05,
        "Quarterly migration from one region to another, as a share of the origin's pool times "
        "the destination's share of all workers, per unit of utility gain (log expected wage "
        "plus valued amenity) beyond the moving cost; 0 fixes the pools. With the congestion "
        "wages here, a region whose jobs double gains half of its eventual workers in about 2 "
        "years and some 90 % in 5-7",
        0,
        1,
        source="Blanchard & Katz 1992 (regional employment shocks absorbed mostly by migration "
        "within 5-7 years); Harris & Todaro 1970 (expected wage)",
    )
    supply_elasticity: float = param(
        1.0,
        "Long-run elasticity of a region's labour pool to its utility (log expected real "
        "wage): idiosyncratic attachment to places makes local labour supply upward-sloping "
        "rather than flat",
        0.05,
        100,
        source="Moretti 2011 (Handbook of Labor Economics 4B, spatial equilibrium with "
        "heterogeneous location preferences); Suarez Serrato & Zidar 2016 (order one)",
    )
    amenity_weight: float = param(
        0.25,
        "Worker utility (log-wage units) per unit of regional amenity (location-utility "
        "units): at the default spread, amenities differ by some 5 % of income",
        0,
        5,
        source="Roback 1982; Albouy 2008 (quality-of-life differences of a few to ~20 % of "
        "income across metropolitan areas)",
    )
    moving_cost: float = param(
        0.05,
        "Utility gap (log wage) below which nobody moves: the flow equivalent of a one-off "
        "moving cost of about a year's wage at a 5 % discount rate",
        0,
        2,
        source="Sjaastad 1962 (migration as an investment); Kennan & Walker 2011 (large "
        "moving costs)",
    )
    commute_range: float = param(
        20.0,
        "Distance decay of commuting (km): a region's labour market counts the jobs and workers "
        "of every region at weight exp(-distance between centres / range); 0 keeps each "
        "region's market to itself",
        0,
        10000,
        source="commuting zones, Tolbert & Sizer 1996; exponential distance decay of "
        "spatial interaction, Fotheringham & O'Kelly 1989",
    )


@dataclass
class WorldConfig:
    """Landscape, regions and labour markets ."""

    n_regions: int = param(
        4,
        "Number of regions on the landscape",
        1,
        64,
        source=(
            "calibrated: the fewest regions in which a focal region can gain or lose firms to"
            " several others (displacement, L5213-5215); pattern: agglomeration emerges from "
            "a scattered start (docs/validation.md)"
        ),
    )
    focal_region: int = param(
        0,
        "Index of the focal region, where policies act",
        0,
        63,
        source=(
            "run control: which region is called focal; regions are alike unless the focal "
            "multipliers differ"
        ),
    )
    size: float = param(
        100.0,
        "Side length of the square landscape (km)",
        1,
        10000,
        source=(
            "calibrated: a 100 km square holds four regions of commuting size (50 km across);"
            " pattern: knowledge ties concentrate at short distances (P4; Jaffe, Trajtenberg "
            "& Henderson 1993)"
        ),
    )
    labour_pool_per_firm: float = param(
        80.0,
        "Workers available to the industry per initial firm (of world.economy_firms when set), "
        "shared equally by the regions (6,000 a region for 300 firms in 4 regions), so larger "
        "runs keep the same tightness",
        0.01,
        1e6,
        source=(
            "calibrated: a pool well above the ~15 employees per firm the default reaches at "
            "year 40 (docs/validation.md), so wages rise with concentration without binding "
            "at the start (congestion, L1711-1718)"
        ),
    )
    economy_firms: int = param(
        0,
        "Initial firms of an established industry that the economy's labour pools, "
        "financiers' capital and universities' funding are sized for; 0 sizes them for this "
        "industry (n_firms). A new industry born in a full economy: n_firms=30 with "
        "economy_firms=300 (its founders and finance come from the whole economy)",
        0,
        10_000_000,
        source=(
            "Klepper & Simons 2000 (most entrants of a new industry come from the economy "
            "around it, diversifying firms from related industries and founders from other "
            "firms' workforces); 0 keeps the scale rule: a larger run is the same economy, "
            "larger (docs/ODD.md, Scale)"
        ),
    )
    base_wage: float = param(
        1.0,
        "Wage per worker per quarter at zero labour-market tightness",
        0.01,
        100,
        source="calibrated: the numeraire; every cost is in wage-quarters",
    )
    wage_tightness: float = param(
        0.8,
        "Wage rise when regional employment equals the labour pool",
        0,
        20,
        source="congestion, L1711-1718",
    )
    base_rent: float = param(
        0.15,
        "Land rent per worker per quarter in an empty region",
        0,
        100,
        source=(
            "calibrated: rent a modest share of the wage bill in an empty region (15 %), "
            "rising with density (L1711-1718)"
        ),
    )
    rent_density: float = param(
        0.6,
        "Rent rise per unit of regional employment relative to the labour pool",
        0,
        20,
        source="congestion, L1711-1718",
    )
    amenity_sd: float = param(
        0.2,
        "Spread of regional amenities (location-utility units)",
        0,
        5,
        source=(
            "calibrated: regions differ a little in amenities (Roback 1982), less than wage "
            "and rent gaps once an industry concentrates"
        ),
    )
    contract_enforcement: float = param(
        0.6,
        "Share of an opportunist's gain that the courts claw back",
        0,
        1,
        source="framework conditions, L2365-2409",
    )
    bonding_trust: float = param(
        0.55,
        "Initial trust of a new tie inside the region (in-group)",
        0,
        1,
        source="Box 1, L786-813; L2966-2977",
    )
    bridging_trust: float = param(
        0.35,
        "Initial trust of a new tie across regions (out-group)",
        0,
        1,
        source="Box 1, L786-813; L2966-2977",
    )
    search_radius: int = param(
        1,
        "Reach of chance partner search in every region, in grid cells around a firm's own "
        "(a cell is 2 x knowledge.proximity_range across; 1: the 3x3 cells around it)",
        0,
        5,
        source=(
            "calibrated: partners met by chance within about three proximity ranges (15 km at "
            "the default), a commuting distance; pattern: P4, knowledge ties concentrate at "
            "short distances (Jaffe, Trajtenberg & Henderson 1993)"
        ),
    )
    initial_skill: float = param(
        0.4,
        "Initial workforce skill in every region",
        0,
        1,
        source=(
            "calibrated: a middling workforce (0.4 on the 0-1 scale) that training and "
            "graduates can raise (L2240-2290, L941-951)"
        ),
    )
    skill_decay: float = param(
        0.005,
        "Quarterly erosion of regional skill without graduates",
        0,
        1,
        source=(
            "calibrated: skills erode slowly, 2 % a year, without graduates to renew them "
            "(L941-951; skill obsolescence, de Grip & van Loo 2002)"
        ),
    )
    focal: FocalRegionConfig = field(default_factory=FocalRegionConfig)
    migration: MigrationConfig = field(default_factory=MigrationConfig)


@dataclass
class ShockConfig:
    """Technology and market shocks that move demand (L1675-1686, L1150-1154)."""

    steps: list[int] = param(
        None,
        "Steps at which demand jumps in technology space",
        0,
        100000,
        factory=list,
        source=("calibrated: none by default; experiments place technology shocks (L1675-1686)"),
    )
    size: float = param(
        0.8,
        "Distance of each jump in technology space",
        0,
        100,
        source=(
            "calibrated: a jump of 0.8 niche widths, enough that far-off firms lose their "
            "market (pattern: shock hits firms far from the new demand, docs/validation.md)"
        ),
    )
