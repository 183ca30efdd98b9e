"""Config section of knowledge: innovation and spillovers (``clustersim.mechanisms.innovation``,
``clustersim.mechanisms.spillovers``)."""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.conf.params import param


@dataclass
class KnowledgeConfig:
    """Technology space, innovation and the four spillover channels."""

    dims: int = param(
        2,
        "Dimensions of the technology space",
        1,
        8,
        source=(
            "calibrated: the smallest space in which niches have neighbours in several "
            "directions (Frenken 2006, technological distance); sweeps can raise it"
        ),
    )
    initial_spread: float = param(
        0.35,
        "Spread of initial firm positions around demand",
        0,
        10,
        source=(
            "calibrated: initial firms within about a third of a niche width of demand, so "
            "they start viable and diverse (related variety, Frenken, van Oort & Verburg "
            "2007)"
        ),
    )
    initial_stock: float = param(
        1.0,
        "Median initial knowledge stock of a firm",
        0.001,
        1e6,
        source="calibrated: the unit of knowledge; the frontier starts at it",
    )
    depreciation: float = param(
        0.01,
        "Quarterly depreciation of knowledge stocks",
        0,
        1,
        source=(
            "calibrated: knowledge erodes 4 % a year, below the 15 % usual for R&D capital "
            "(Hall, Mairesse & Mohnen 2010) because the stock also holds production know-how;"
            " pattern: knowledge stays bounded by the frontier over 1,000 years "
            "(docs/validation.md)"
        ),
    )
    rd_intensity: float = param(
        0.05,
        "Mean share of sales spent on R&D",
        0,
        1,
        source=(
            "Cohen 2010 (R&D of a few per cent of sales in R&D-performing manufacturing "
            "firms); L1277-1343"
        ),
    )
    rd_sd: float = param(
        0.02,
        "Spread of R&D intensity across firms",
        0,
        1,
        source=(
            "calibrated: R&D intensity differs widely between firms of one industry (Cohen "
            "2010); sd of 0.02 around 0.05 keeps it positive for almost all firms"
        ),
    )
    incremental_rate: float = param(
        6.0,
        "Incremental-innovation hazard per unit of R&D intensity and absorptive capacity",
        0,
        1000,
        source="L1277-1403",
    )
    frontier_growth: float = param(
        0.01,
        "Quarterly growth of the technology frontier, the best practice any firm can reach",
        0,
        0.05,
        source="Nelson & Winter 1982; calibrated: x knowledge_elasticity 0.35 gives 1.4 % a "
        "year of best-practice productivity growth, the order of long-run TFP growth (Gordon 2016)",
    )
    incremental_step: float = param(
        0.03,
        "Share of the log distance to the frontier an incremental innovation closes, per unit "
        "of the firm's size premium (1 - exp(-step x premium))",
        0,
        10,
        source="Nelson & Phelps 1966; Klepper 1996",
    )
    incremental_search: float = param(
        0.03,
        "Local-search step in technology space",
        0,
        10,
        source=(
            "calibrated: local search moves a firm a few per cent of a niche width per "
            "innovation (Nelson & Winter 1982, local search)"
        ),
    )
    recombination: float = param(
        1.0,
        "Widening of the local-search radius per unit of cognitive distance to last "
        "quarter's knowledge sources (0 switches off)",
        0,
        100,
        source="Fleming 2001; March 1991",
    )
    radical_rate: float = param(
        0.2, "Radical-innovation hazard per unit of R&D intensity", 0, 1000, source="L1368-1403"
    )
    radical_entrant_bonus: float = param(
        3.0,
        "Radical hazard multiplier for young firms (entrants and spin-offs)",
        0,
        100,
        source="L1368-1403, L3752-3759",
    )
    radical_jump: float = param(
        0.35,
        "Size of a radical jump in technology space",
        0,
        10,
        source=(
            "calibrated: a radical innovation moves a firm about a third of a niche width, "
            "like the initial spread, so it can reach a new niche (L1675-1686)"
        ),
    )
    radical_gain: float = param(
        0.25,
        "Mean knowledge gain of a radical innovation (log), up to the frontier",
        0,
        5,
        source=(
            "calibrated: a radical innovation raises knowledge by about 28 % (log 0.25), "
            "capped by the frontier (Nelson & Phelps 1966)"
        ),
    )
    young_age: int = param(
        20,
        "Age (quarters) under which a firm counts as young",
        0,
        1000,
        source=(
            "calibrated: 5 years, the age up to which firms count as young in firm-dynamics "
            "studies (Haltiwanger, Jarmin & Miranda 2013)"
        ),
    )
    absorptive_base: float = param(
        0.2, "Absorptive capacity with no R&D", 0, 1, source="L1553-1554"
    )
    absorptive_rd: float = param(
        20.0,
        "Rise of absorptive capacity with R&D intensity",
        0,
        1000,
        source="L1553-1554; Cohen & Levinthal 1990",
    )
    optimal_distance: float = param(
        0.25,
        "Cognitive distance at which learning peaks (inverted U)",
        0.001,
        10,
        source="L826-866; Nooteboom 2000",
    )
    tie_spillover: float = param(
        0.02, "Strength of the tie channel (0 switches off)", 0, 10, source="L959-1062"
    )
    proximity_spillover: float = param(
        0.004,
        "Strength of the proximity ('cafeteria') channel (0 switches off)",
        0,
        10,
        source="L831-834",
    )
    proximity_range: float = param(
        5.0, "Distance (km) over which the proximity kernel decays", 0.01, 1e4, source="L831-834"
    )
    proximity_contacts: int = param(
        2,
        "Random chance meetings per firm per quarter",
        0,
        50,
        source=(
            "calibrated: a few chance meetings a quarter with nearby firms (face-to-face "
            "buzz, Storper & Venables 2004); pattern: P4 localised spillovers"
        ),
    )
    mobility_spillover: float = param(
        0.01,
        "Strength of the labour-mobility channel (0 switches off)",
        0,
        10,
        source="L775-778, L1586-1589, L6511-6513",
    )
    mobility_rate: float = param(
        0.03, "Share of workers changing firm in a region per quarter", 0, 1, source="L6511-6513"
    )
    university_spillover: float = param(
        0.02, "Strength of the university channel (0 switches off)", 0, 10, source="L941-951"
    )
    convergence: float = param(
        0.05,
        "Pull of a learner's position toward its source (internal learning converges)",
        0,
        1,
        source="Menzel & Fornahl 2010",
    )
