"""Typed, documented, validated configuration.

Every parameter is a dataclass field made with :func:`param`, which records its docstring, its
valid range (or allowed choices) and, where one exists, its source (a Whitebook line ``Lnnn`` or a
paper). :func:`validate` checks a whole config before a run starts and raises one
:class:`ConfigError` naming the key, the value and what is allowed. The dataclasses are
registered in Hydra's ConfigStore by
:mod:`clustersim.cli.run`; this module imports no Hydra, so that
``clustersim.experiment.run`` stays a pure call.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

STEPS_PER_YEAR = 4  # one step is a quarter (model brief, section 1)
POLICY_INSTRUMENTS = (
    "broker",
    "demand_side",
    "training",
    "fdi",
    "framework",
    "incubator",
    "rd_subsidy",
    "seed_finance",
)
GOVERNMENT_LEVELS = ("regional", "national", "donor")


class ConfigError(ValueError):
    """A config value is outside what the model allows."""


def param(
    default: Any,
    doc: str,
    lo: float | None = None,
    hi: float | None = None,
    choices: tuple | None = None,
    source: str = "",
    factory=None,
):
    """A config field with its docstring, valid range and source."""
    meta = {"doc": doc, "lo": lo, "hi": hi, "choices": choices, "source": source}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass
class FocalRegionConfig:
    """Multipliers that make the focal region differ from the others (circumstance presets)."""

    labour_pool: float = param(1.0, "Labour-pool multiplier of the focal region", 0.01, 100)
    amenity: float = param(0.0, "Amenity added to the focal region's location utility", -5, 5)
    contract_enforcement: float = param(
        1.0, "Contract-enforcement multiplier (framework quality) of the focal region", 0, 2
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
    skill: float = param(1.0, "Initial workforce-skill multiplier of the focal region", 0.1, 2)
    initial_firm_share: float = param(
        -1.0, "Share of initial firms placed in the focal region; -1 spreads them evenly", -1, 1
    )


@dataclass
class WorldConfig:
    """Landscape, regions and labour markets (model brief, section 1)."""

    n_regions: int = param(4, "Number of regions on the landscape", 1, 64)
    focal_region: int = param(0, "Index of the focal region, where policies act", 0, 63)
    size: float = param(100.0, "Side length of the square landscape (km)", 1, 10000)
    labour_pool_per_firm: float = param(
        80.0,
        "Workers available to the industry per initial firm, shared equally by the regions "
        "(6,000 a region for 300 firms in 4 regions), so larger runs keep the same tightness",
        0.01,
        1e6,
    )
    base_wage: float = param(
        1.0, "Wage per worker per quarter at zero labour-market tightness", 0.01, 100
    )
    wage_tightness: float = param(
        0.8,
        "Wage rise when regional employment equals the labour pool",
        0,
        20,
        source="congestion, L1711-1718",
    )
    base_rent: float = param(0.15, "Land rent per worker per quarter in an empty region", 0, 100)
    rent_density: float = param(
        0.6,
        "Rent rise per unit of regional employment relative to the labour pool",
        0,
        20,
        source="congestion, L1711-1718",
    )
    amenity_sd: float = param(0.2, "Spread of regional amenities (location-utility units)", 0, 5)
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
    initial_skill: float = param(0.4, "Initial workforce skill in every region", 0, 1)
    skill_decay: float = param(0.005, "Quarterly erosion of regional skill without graduates", 0, 1)
    focal: FocalRegionConfig = field(default_factory=FocalRegionConfig)


@dataclass
class MarketConfig:
    """Demand, competition and firm accounts (model brief, section 3.4)."""

    demand_per_firm: float = param(
        15.0, "Initial world demand per initial firm (output units per quarter)", 0.01, 1e6
    )
    demand_growth: float = param(0.005, "Quarterly growth of world demand", -0.1, 0.2)
    demand_drift: float = param(
        0.004, "Quarterly random drift of demand in technology space", 0, 1, source="L1675-1686"
    )
    fit_width: float = param(1.0, "Width of the demand niche in technology space", 0.01, 10)
    selection: float = param(
        3.0,
        "Exponent of competitiveness in market shares (elasticity of substitution minus one)",
        0,
        20,
        source="L959-971",
    )
    target_margin: float = param(0.1, "Profit margin firms size their workforce for", 0, 0.9)
    adjustment: float = param(
        0.25, "Share of the gap to the desired workforce closed a quarter", 0, 1
    )
    max_growth: float = param(0.08, "Largest quarterly change of a firm's employment", 0, 1)
    fixed_cost: float = param(0.6, "Fixed cost per firm per quarter", 0, 1e4)
    knowledge_elasticity: float = param(
        0.35, "Elasticity of productivity to the knowledge stock", 0, 2, source="L1277-1660"
    )
    skill_effect: float = param(
        0.8, "Productivity gain of a fully skilled workforce", 0, 5, source="L2240-2290"
    )
    agglomeration: float = param(
        0.25,
        "Productivity gain from critical mass of regional employment (0 switches off)",
        0,
        5,
        source="L709-825, L1067-1101",
    )
    critical_mass: float = param(
        1500.0,
        "Regional employment at the mid-point of the critical-mass S-curve",
        1,
        1e7,
        source="L1067-1101",
    )
    critical_mass_width: float = param(
        0.25, "Steepness width of the S-curve (share of mass)", 0.01, 5, source="L1067-1101"
    )
    complacency: float = param(
        0.3,
        "Cut in exploration (radical search) as regional employment passes critical mass",
        0,
        1,
        source="L1159-1160, L1675-1719",
    )
    exit_loss_quarters: int = param(8, "Consecutive loss-making quarters before exit", 1, 100)
    exit_debt: float = param(4.0, "Debt per employee at which a firm exits at once", 0, 1e4)
    scale_economies: float = param(
        0.25,
        "Elasticity of an incremental innovation's gain to firm size (process R&D spread "
        "over output)",
        0,
        2,
        source="Klepper 1996",
    )
    hiring_skill_rate: float = param(
        0.05, "Quarterly pull of firm skill toward its labour pool", 0, 1
    )
    initial_cash: float = param(4.0, "Initial cash per employee", 0, 1e4)


@dataclass
class KnowledgeConfig:
    """Technology space, innovation and the four spillover channels (brief 3.2)."""

    dims: int = param(2, "Dimensions of the technology space", 1, 8)
    initial_spread: float = param(0.35, "Spread of initial firm positions around demand", 0, 10)
    initial_stock: float = param(1.0, "Median initial knowledge stock of a firm", 0.001, 1e6)
    depreciation: float = param(0.01, "Quarterly depreciation of knowledge stocks", 0, 1)
    rd_intensity: float = param(0.05, "Mean share of sales spent on R&D", 0, 1)
    rd_sd: float = param(0.02, "Spread of R&D intensity across firms", 0, 1)
    incremental_rate: float = param(
        6.0,
        "Incremental-innovation hazard per unit of R&D intensity and absorptive capacity",
        0,
        1000,
        source="L1277-1403",
    )
    incremental_step: float = param(0.03, "Knowledge gain of an incremental innovation", 0, 10)
    incremental_search: float = param(0.03, "Local-search step in technology space", 0, 10)
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
    radical_jump: float = param(0.35, "Size of a radical jump in technology space", 0, 10)
    radical_gain: float = param(0.25, "Mean knowledge gain of a radical innovation (log)", 0, 5)
    young_age: int = param(20, "Age (quarters) under which a firm counts as young", 0, 1000)
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
    proximity_contacts: int = param(2, "Random chance meetings per firm per quarter", 0, 50)
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


@dataclass
class TrustConfig:
    """Ties and trust (brief 3.1)."""

    search_rate: float = param(0.25, "Quarterly chance that an open firm searches a partner", 0, 1)
    friend_of_friend: float = param(
        0.5,
        "Share of searches through partners' partners (closing triangles)",
        0,
        1,
        source="L959-1062",
    )
    university_search: float = param(0.1, "Share of searches aimed at a local university", 0, 1)
    tie_cost: float = param(0.05, "Cash cost of forming a tie", 0, 1e4)
    tie_value: float = param(1.0, "Expected value scale of a tie, compared with its cost", 0, 1e4)
    max_degree: int = param(12, "Most ties one firm keeps", 1, 200)
    project_rate: float = param(
        0.3, "Quarterly chance a tie runs a joint project", 0, 1, source="L3097-3100"
    )
    trust_gain: float = param(
        0.15, "Share of the gap to full trust closed by a success", 0, 1, source="L1001-1002"
    )
    trust_decay: float = param(0.02, "Quarterly trust decay without interaction", 0, 1)
    failure_loss: float = param(0.05, "Trust lost after a failed project", 0, 1)
    betrayal_drop: float = param(
        0.6, "Share of trust lost after an opportunistic act", 0, 1, source="L1895-1899"
    )
    betrayal_cost: float = param(
        0.5, "Cash lost by the victim of opportunism", 0, 1e4, source="L1895-1899"
    )
    opportunism_mean: float = param(
        0.08, "Mean firm opportunism (chance per project)", 0, 1, source="L1895-1899"
    )
    drop_trust: float = param(0.1, "Trust under which a tie is dropped", 0, 1)
    closed_community: bool = param(
        False,
        "Closed community: new ties start from the in-group and out-group levels below",
        source="L2966-2977",
    )
    closed_in_group: float = param(
        0.8, "Starting trust inside a closed community", 0, 1, source="L2966-2977"
    )
    closed_out_group: float = param(
        0.1, "Starting trust toward outsiders of a closed community", 0, 1, source="L2966-2977"
    )


@dataclass
class EntryConfig:
    """Start-ups, spin-offs and exit (brief 3.5-3.6)."""

    startup_rate: float = param(
        0.012, "Start-up candidates per live firm per quarter", 0, 1, source="L1368-1403"
    )
    startup_base: float = param(
        0.3, "Start-up candidates per region per quarter regardless of size", 0, 100
    )
    agglomeration_pull: float = param(
        1.0,
        "Weight of log regional employment in location choice (increasing returns)",
        0,
        20,
        source="L538-539; Arthur 1990",
    )
    cost_aversion: float = param(2.0, "Weight of wage plus rent in location choice", 0, 100)
    near_firm_share: float = param(
        0.7, "Share of start-ups locating next to an existing firm", 0, 1
    )
    spinoffs: bool = param(True, "Switch spin-offs on or off", source="L3752-3759; Klepper 2007")
    spinoff_rate: float = param(
        0.004, "Spin-off candidates per firm per quarter", 0, 1, source="L1532-1550"
    )
    spinoff_success: float = param(
        1.0,
        "Elasticity of a firm's spin-off rate to its sales relative to the average firm",
        0,
        5,
        source="Klepper 2007; L1532-1550",
    )
    spinoff_inherit: float = param(
        0.7, "Share of the parent's knowledge a spin-off inherits", 0, 1, source="L3752-3759"
    )
    spinoff_distance: float = param(
        2.0, "Spread (km) of a spin-off's location around its parent", 0, 1e4, source="Klepper 2007"
    )
    initial_size: float = param(5.0, "Employees of a new firm", 1, 1e5)


@dataclass
class FinanceConfig:
    """Banks, venture capital and public seed funds (brief 2; L1404-1460, L4316-4403)."""

    banks_per_region: int = param(1, "Banks per region", 0, 20)
    vcs: int = param(1, "Venture capitalists, placed in the focal region first", 0, 20)
    seed_funds: int = param(0, "Public seed funds in the focal region", 0, 20)
    bank_capital: float = param(60.0, "Bank lending capacity per quarter (cash units)", 0, 1e9)
    vc_capital: float = param(40.0, "VC fund capacity per quarter", 0, 1e9)
    seed_capital: float = param(20.0, "Public seed fund capacity per quarter", 0, 1e9)
    ticket: float = param(10.0, "Finance one new firm needs", 0, 1e6)
    bank_threshold: float = param(0.45, "Quality a bank needs to lend", 0, 10, source="L1404-1460")
    bank_cyclicality: float = param(
        4.0,
        "Rise of the bank threshold per unit of regional contraction",
        0,
        100,
        source="L1404-1460",
    )
    bank_local_knowledge: float = param(
        0.5, "Cut in a bank's screening noise from local ties", 0, 1, source="L4316-4403"
    )
    vc_threshold: float = param(0.55, "Quality a VC needs to invest", 0, 10, source="L4371-4403")
    vc_skill: float = param(0.7, "VC screening skill (1 = perfect)", 0, 1, source="L4371-4403")
    vc_competence: float = param(
        0.1, "Productivity bonus of VC management support", 0, 5, source="L1428-1436"
    )
    vc_min_deals: float = param(
        0.2, "Deals per quarter a VC needs to stay (deal flow)", 0, 100, source="L4371-4403"
    )
    seed_threshold: float = param(
        0.35, "Quality a public seed fund needs", 0, 10, source="L4371-4403"
    )
    screening_noise: float = param(0.25, "Noise of a naive screener's quality estimate", 0, 10)


@dataclass
class UniversityConfig:
    """Universities and research institutes (L941-951, L4247-4315)."""

    count: int = param(1, "Universities, placed in the focal region first, then round-robin", 0, 50)
    knowledge: float = param(3.0, "Initial knowledge stock of a university", 0, 1e6)
    growth: float = param(0.005, "Quarterly growth of a university's knowledge", 0, 1)
    openness: float = param(
        0.5, "Openness to industry ('third mission')", 0, 1, source="L4247-4315"
    )
    graduates: float = param(
        0.02,
        "Skill gain of the regional labour pool per quarter at full openness",
        0,
        1,
        source="L941-951",
    )
    spinoff_rate: float = param(
        0.1, "University spin-off candidates per quarter", 0, 100, source="L4247-4315"
    )


@dataclass
class ShockConfig:
    """Technology and market shocks that move demand (L1675-1686, L1150-1154)."""

    steps: list[int] = param(
        None, "Steps at which demand jumps in technology space", 0, 100000, factory=list
    )
    size: float = param(0.8, "Distance of each jump in technology space", 0, 100)


@dataclass
class LifecycleConfig:
    """Focal-cluster indicators and the life-cycle stage classifier (docs/lifecycle.md).

    Stages follow the Whitebook (L1102-1162, failure path L75-76); size plus knowledge
    heterogeneity and growth relative to the industry follow Menzel & Fornahl (2010).
    """

    window: int = param(
        8, "Steps over which growth, entry/exit rates and core drift are measured", 1, 400
    )
    dwell: int = param(
        4, "Steps a new stage must persist before the classifier switches (hysteresis)", 1, 400
    )
    band: float = param(
        0.25,
        "Hysteresis band: once in a stage, its entry threshold is relaxed by this share",
        0,
        0.95,
    )
    core_radius: float = param(
        0.5,
        "Distance from the region's core (technology space) within which a firm is a core actor",
        0.001,
        100,
        source="core activity, L826-866",
    )
    emerging_linked: float = param(
        0.3,
        "Share of core actors tied to another core actor that marks an emerging cluster",
        0,
        1,
        source="L1131-1134",
    )
    developing_growth: float = param(
        0.03,
        "Annual growth of the firm count above the world industry's (new actors) that marks a "
        "developing cluster",
        0,
        5,
        source="L1136-1141; Menzel & Fornahl 2010",
    )
    mature_mass: float = param(
        1.0,
        "Employment over market.critical_mass that a mature cluster has reached",
        0,
        100,
        source="L1143-1144, L1067-1101",
    )
    mature_external: float = param(
        0.02,
        "Share of core actors' ties that leave the region in a mature cluster",
        0,
        1,
        source="L1144-1145",
    )
    mature_creation: float = param(
        0.02,
        "Annual new firms (start-ups, spin-offs) per firm in a mature cluster",
        0,
        10,
        source="L1145-1146",
    )
    decline_growth: float = param(
        0.03,
        "Annual employment shrinkage relative to the world industry that marks decline",
        0,
        5,
        source="L75-76, L1150-1161; Menzel & Fornahl 2010",
    )
    renewal_drift: float = param(
        0.08,
        "Annual drift of the cluster's core in technology space that marks transformation",
        0,
        100,
        source="L1150-1155; Menzel & Fornahl 2010",
    )


@dataclass
class InitiativeConfig:
    """The cluster initiative (IFC): entry route, phases, membership, services, funding.

    See ``clustersim.institutions.initiative`` and docs/lifecycle.md; phases after L2961-3364.
    """

    route: str = param(
        "none",
        "Entry route of the cluster initiative (none = no initiative)",
        choices=("none", "engineered", "organic", "reengineered"),
        source="L2998-3050",
    )
    trigger: str = param(
        "leader",
        "What starts an engineered initiative: a crisis (urgency speeds recruitment), an "
        "investment (the investor pays the start-up phases) or a leader (doubled capacity)",
        choices=("crisis", "investment", "leader"),
        source="L2988-2993, L3013-3017, L4404-4414",
    )
    start_step: int = param(
        20, "Step at which an engineered or re-engineered initiative starts", 0, 100000
    )
    organic_degree: float = param(
        2.0,
        "Mean ties per core actor to other core actors at which an organic initiative emerges",
        0,
        200,
        source="L3022-3031",
    )
    organic_identity: float = param(
        0.3,
        "Shared identity (linked share of core actors x mean trust of their ties) at which an "
        "organic initiative emerges",
        0,
        1,
        source="L3026-3029",
    )
    capacity: float = param(
        2.0,
        "Introductions the facilitator brokers per quarter (facilitator capacity)",
        0,
        1000,
        source="L4404-4420",
    )
    neutrality: float = param(
        0.8,
        "Share of introductions chosen on complementarity; the rest favour the largest members",
        0,
        1,
        source="L4582-4586, L1911-1921",
    )
    external_share: float = param(
        0.25,
        "Share of action-phase introductions that link a member to a firm in another region",
        0,
        1,
        source="L4422-4426; Table 2 'facilitate external connections'",
    )
    intro_trust: float = param(
        0.15,
        "Trust a brokered tie starts with above the usual starting trust",
        0,
        1,
        source="L4412-4414",
    )
    trust_nurture: float = param(
        0.02,
        "Share of the gap to full trust closed each quarter on ties between members",
        0,
        1,
        source="L3066-3069",
    )
    public_share: float = param(
        0.5,
        "Public share of the initiative's running cost; members share the rest as fees",
        0,
        1,
        source="L7769-7772, L5109-5113",
    )
    cost: float = param(
        1.0,
        "Running cost of the initiative per quarter (cash units; about one facilitator's wage: "
        "Styria ran ~200 firms with a six-person unit)",
        0,
        1e6,
        source="L7766-7772",
    )
    project_value: float = param(
        0.5,
        "Value a member puts on one successful joint project with another member",
        0,
        1e4,
        source="L3344-3355",
    )
    intro_value: float = param(
        0.3, "Value a member puts on one introduction it receives", 0, 1e4, source="L3116-3120"
    )
    risk_aversion: float = param(
        1.0,
        "Weight of expected losses to opportunistic fellow members in the membership decision",
        0,
        100,
        source="L3097-3100, L3344-3355",
    )
    size_fear: float = param(
        0.5,
        "Elasticity of a member's fear of a partner to the partner's relative size (SMEs fear "
        "leaking to large firms)",
        0,
        5,
        source="L3098-3099, L4610-4613",
    )
    patience: int = param(
        8,
        "Quarters a member tolerates an unacceptable risk-return before it leaves",
        1,
        1000,
        source="L3344-3355",
    )
    recruit_rate: float = param(
        0.1, "Quarterly chance that a non-member core actor is approached", 0, 1
    )
    min_members: int = param(
        5,
        "Members needed to formalise the initiative; a stagnating one with fewer dissolves",
        1,
        100000,
        source="L3104-3108, L3183-3187",
    )
    trust_level: float = param(
        0.55,
        "Mean trust on ties between members that completes the trust-building phase",
        0,
        1,
        source="L3056-3103",
    )
    audit_steps: int = param(
        4,
        "Quarters of the competence audit and formalisation (halved for organic initiatives)",
        1,
        1000,
        source="L3104-3125",
    )
    strategy_steps: int = param(
        4,
        "Quarters to agree a vision, goals and an evaluation baseline",
        1,
        1000,
        source="L3126-3140",
    )
    review_steps: int = param(
        12, "Quarters between strategy reviews in the action phase", 1, 1000, source="L3180-3184"
    )
    goal_growth: float = param(
        0.02,
        "Annual growth of members' employment that the strategy sets as its goal",
        -1,
        5,
        source="L3131-3134",
    )
    split_distance: float = param(
        0.6,
        "Distance in technology space between two groups of members at which a stagnating "
        "initiative splits",
        0,
        100,
        source="L3183-3187",
    )
    break_step: int = param(
        -1,
        "Re-engineered route: step at which key links break and rigidities set in (-1 = never)",
        -1,
        100000,
        source="L3040-3047",
    )
    break_share: float = param(
        0.6,
        "Share of the focal core actors' external ties and hub ties cut at break_step",
        0,
        1,
        source="L3040-3047",
    )
    rigidity: float = param(
        0.6,
        "Cut in focal firms' openness and exploration from break_step until corrective action",
        0,
        1,
        source="L3043-3048, L1675-1719",
    )


@dataclass
class GovernmentConfig:
    """One governing level that funds policy programmes (L3793-4246; Table 3).

    Government failure is configurable behaviour, not a code branch: capture (L1911-1921),
    a reversal hazard that agents discount (L2849-2850) and defensive aid (L2081-2089,
    L3897-3903). See ``clustersim.institutions.policies.government``.
    """

    budget: float = param(
        0.0, "Budget per year (cash units); unspent money lapses at the year's end", 0, 1e12
    )
    information_quality: float = param(
        0.8,
        "How well the government sees firms, networks and applicants (1 = perfectly); the rest "
        "of its targeting is blind, and contests can be gamed",
        0,
        1,
        source="L1831-1832, L1940-1944, L3914-3919",
    )
    capture: float = param(
        0.0,
        "Capture susceptibility: share of discretionary allocations steered to incumbents by "
        "lobbying weight, and the chance a programme is extended at its scheduled end",
        0,
        1,
        source="L1911-1921, L2228-2229",
    )
    reversal_hazard: float = param(
        0.0,
        "Yearly chance that the government abruptly ends all its programmes; firms discount "
        "its commitments by the expected policy horizon",
        0,
        1,
        source="L2849-2850, L3944-3948",
    )
    defensive_aid: float = param(
        0.0,
        "Share of the yearly budget diverted to loss-making incumbents while the target region "
        "declines",
        0,
        1,
        source="L2081-2089, L3897-3903",
    )


@dataclass
class ProgrammeConfig:
    """One policy programme: an instrument run by one government over a time window.

    Instrument-specific parameters (targeting rule, cost per unit, ...) go in ``params`` and are
    validated by the instrument (``clustersim.institutions.policies``; docs/policies.md).
    """

    instrument: str = param(
        "broker",
        "Policy instrument the programme runs",
        choices=POLICY_INSTRUMENTS,
        source="L2090-2445",
    )
    level: str = param("regional", "Government that funds the programme", choices=GOVERNMENT_LEVELS)
    start_year: float = param(5.0, "Year the programme starts (4 steps a year)", 0, 1000)
    duration_years: float = param(10.0, "Years the support lasts before its exit", 0, 1000)
    intensity: float = param(
        1.0, "Multiplier of the instrument's dose (0 = off: no draws, no effect)", 0, 1000
    )
    exit: str = param(
        "abrupt",
        "How support ends: at once, or tapered linearly over taper_years before the end",
        choices=("abrupt", "taper"),
        source="exit strategy, L3940-3943",
    )
    taper_years: float = param(2.0, "Years over which a tapered exit phases support out", 0, 1000)
    weight: float = param(1.0, "Weight in its government's budget split (split=weighted)", 0, 1e6)
    params: dict[str, Any] = param(
        None, "Instrument-specific parameters (see docs/policies.md)", factory=dict
    )


@dataclass
class PolicyConfig:
    """The policy mix: governments, their programmes and how budgets are split (brief 6)."""

    name: str = param("none", "Label of the policy preset")
    region: int = param(-1, "Target region of every programme; -1 = the focal region", -1, 63)
    contest: bool = param(
        False,
        "Choose the target region at the first programme's start by a contest among applicant "
        "regions, scored by true base and by advertising ('imagined' clusters game it)",
        source="L2172-2179, L3914-3919",
    )
    split: str = param(
        "weighted",
        "How a government splits its yearly budget among its open programmes: by weight, "
        "equally, or first come first served in the order listed",
        choices=("weighted", "equal", "priority"),
    )
    extension_years: float = param(
        2.0,
        "Years by which a captured government extends a programme at its scheduled end",
        0.25,
        100,
        source="failure to phase out, L2228-2229",
    )
    decline: float = param(
        0.1,
        "Fall of target-region employment below its peak since the first programme started that "
        "counts as decline (triggers defensive aid)",
        0,
        1,
        source="L2081-2089",
    )
    record_events: bool = param(
        False,
        "Log natural events (ties formed, entries, exits, innovations, skills) for matching "
        "funded actions against a no-policy twin; draws nothing",
    )
    regional: GovernmentConfig = field(default_factory=GovernmentConfig)
    national: GovernmentConfig = field(default_factory=GovernmentConfig)
    donor: GovernmentConfig = field(default_factory=GovernmentConfig)
    programmes: dict[str, ProgrammeConfig] = param(
        None, "Named programmes of the mix (empty = no policy)", factory=dict
    )


@dataclass
class OutputConfig:
    """Where and what a run writes."""

    dir: str = param("results/run", "Folder the run writes into")
    snapshot_steps: list[int] = param(
        None, "Steps with firm and tie snapshots (-1 = last)", -1, 100000, factory=lambda: [-1]
    )
    figures: bool = param(True, "Draw the run's figures")
    write: bool = param(True, "Write files; off keeps results in memory only")


@dataclass
class Config:
    """One clustersim run: a scenario, a seed and a replication index."""

    seed: int = param(0, "Root seed; replications draw children of it", 0, 2**63 - 1)
    replication: int = param(0, "Replication index (child of the root seed)", 0, 10**6)
    replications: int = param(4, "Replications the CLI runs per job", 1, 10**5)
    years: int = param(40, "Simulated years (4 steps each)", 1, 1000)
    n_firms: int = param(300, "Initial firms", 1, 10**7)
    engine: str = param("numba", "Step engine", choices=("numba", "reference"))
    scenario_name: str = param("default", "Label of the scenario preset")
    sector_name: str = param("generic", "Label of the sector preset")
    circumstance_name: str = param("none", "Label of the specific-circumstance preset")
    process_name: str = param("none", "Label of the clustering-process (entry route) preset")
    initial_mne_share: float = param(0.0, "Share of initial firms that are foreign MNEs", 0, 1)
    world: WorldConfig = field(default_factory=WorldConfig)
    market: MarketConfig = field(default_factory=MarketConfig)
    knowledge: KnowledgeConfig = field(default_factory=KnowledgeConfig)
    trust: TrustConfig = field(default_factory=TrustConfig)
    entry: EntryConfig = field(default_factory=EntryConfig)
    finance: FinanceConfig = field(default_factory=FinanceConfig)
    universities: UniversityConfig = field(default_factory=UniversityConfig)
    shocks: ShockConfig = field(default_factory=ShockConfig)
    lifecycle: LifecycleConfig = field(default_factory=LifecycleConfig)
    initiative: InitiativeConfig = field(default_factory=InitiativeConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    output: OutputConfig = field(default_factory=OutputConfig)

    @property
    def steps(self) -> int:
        return self.years * STEPS_PER_YEAR


def _is_dataclass_type(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _dict_of_sections(tp: Any) -> bool:
    """``dict[str, SomeSection]``: named sections such as ``policy.programmes``."""
    return getattr(tp, "__origin__", None) is dict and _is_dataclass_type(tp.__args__[1])


def from_mapping(cls: type, data: Mapping | None, prefix: str = ""):
    """Build dataclass ``cls`` from a nested mapping, refusing unknown keys by name."""
    data = dict(data or {})
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        key = prefix + unknown[0]
        raise ConfigError(f"{key}: unknown key; allowed keys here: {', '.join(sorted(known))}")
    kwargs = {}
    types = _resolved_types(cls)
    for name, value in data.items():
        tp = types[name]
        if _is_dataclass_type(tp):
            if isinstance(value, tp):
                kwargs[name] = value
            else:
                kwargs[name] = from_mapping(tp, value, prefix + name + ".")
        elif _dict_of_sections(tp) and isinstance(value, Mapping):
            item = tp.__args__[1]
            kwargs[name] = {
                str(k): v if isinstance(v, item) else from_mapping(item, v, f"{prefix}{name}.{k}.")
                for k, v in value.items()
            }
        elif isinstance(value, Mapping):
            kwargs[name] = dict(value)
        elif isinstance(value, (list, tuple)) or (
            value is not None
            and hasattr(value, "__iter__")
            and not isinstance(value, (str, Mapping))
        ):
            kwargs[name] = list(value)
        else:
            kwargs[name] = value
    return cls(**kwargs)


_TYPE_CACHE: dict[type, dict[str, Any]] = {}


def _resolved_types(cls: type) -> dict[str, Any]:
    if cls not in _TYPE_CACHE:
        import typing

        _TYPE_CACHE[cls] = typing.get_type_hints(cls)
    return _TYPE_CACHE[cls]


def to_dict(cfg) -> dict:
    """Plain nested dict of a config (for metadata and tables)."""
    return dataclasses.asdict(cfg)


def flatten(d: Mapping, prefix: str = "") -> dict[str, Any]:
    """``{"world": {"n_regions": 4}}`` -> ``{"world.n_regions": 4}``."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, Mapping):
            out.update(flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _check_value(key: str, value: Any, f: dataclasses.Field, tp: Any) -> None:
    meta = f.metadata
    lo, hi, choices = meta.get("lo"), meta.get("hi"), meta.get("choices")
    allowed = _allowed_text(tp, lo, hi, choices)
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key}={value!r}: must be true or false")
        return
    if tp is int and (isinstance(value, bool) or not isinstance(value, int)):
        if isinstance(value, float) and value.is_integer():
            pass
        else:
            raise ConfigError(f"{key}={value!r}: must be an integer; allowed: {allowed}")
    if tp is float and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise ConfigError(f"{key}={value!r}: must be a number; allowed: {allowed}")
    if tp is str and not isinstance(value, str):
        raise ConfigError(f"{key}={value!r}: must be a string; allowed: {allowed}")
    if choices is not None and value not in choices:
        raise ConfigError(f"{key}={value!r}: unknown value; allowed: {allowed}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{key}={value!r}: must be finite; allowed: {allowed}")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise ConfigError(f"{key}={value!r}: out of range; allowed: {allowed}")


def _allowed_text(tp, lo, hi, choices) -> str:
    if choices is not None:
        return " | ".join(map(str, choices))
    name = getattr(tp, "__name__", str(tp))
    if lo is not None and hi is not None:
        return f"{name} in [{lo:g}, {hi:g}]"
    return name


def validate(cfg, prefix: str = "") -> None:
    """Check every field of ``cfg`` (recursively); raise one ConfigError on the first bad value."""
    types = _resolved_types(type(cfg))
    for f in dataclasses.fields(cfg):
        key, value, tp = prefix + f.name, getattr(cfg, f.name), types[f.name]
        if _is_dataclass_type(tp):
            if not isinstance(value, tp):
                raise ConfigError(f"{key}={value!r}: must be a {tp.__name__} section")
            validate(value, key + ".")
        elif getattr(tp, "__origin__", None) is list:
            if not isinstance(value, list):
                raise ConfigError(f"{key}={value!r}: must be a list")
            (item_tp,) = tp.__args__
            for i, item in enumerate(value):
                _check_value(f"{key}[{i}]", item, f, item_tp)
        elif getattr(tp, "__origin__", None) is dict:
            if not isinstance(value, dict):
                raise ConfigError(f"{key}={value!r}: must be a mapping")
            if _dict_of_sections(tp):
                for k, section in value.items():
                    if not isinstance(section, tp.__args__[1]):
                        raise ConfigError(f"{key}.{k}={section!r}: must be a section")
                    validate(section, f"{key}.{k}.")
        else:
            _check_value(key, value, f, tp)
    if isinstance(cfg, Config):
        _check_cross_fields(cfg)


def _check_cross_fields(cfg: Config) -> None:
    if cfg.world.focal_region >= cfg.world.n_regions:
        raise ConfigError(
            f"world.focal_region={cfg.world.focal_region}: must name an existing region; "
            f"allowed: int in [0, {cfg.world.n_regions - 1}] "
            f"(world.n_regions={cfg.world.n_regions})"
        )
    for s in cfg.shocks.steps:
        if s >= cfg.steps:
            raise ConfigError(
                f"shocks.steps: step {s} is past the last step; allowed: int in "
                f"[0, {cfg.steps - 1}] for years={cfg.years}"
            )
    ini = cfg.initiative
    if ini.route == "reengineered" and not 0 <= ini.break_step < ini.start_step:
        raise ConfigError(
            f"initiative.break_step={ini.break_step}: the re-engineered route breaks links before "
            f"its corrective action; allowed: int in [0, {ini.start_step - 1}] "
            f"(initiative.start_step={ini.start_step})"
        )
    if cfg.trust.friend_of_friend + cfg.trust.university_search > 1:
        raise ConfigError(
            "trust.friend_of_friend + trust.university_search="
            f"{cfg.trust.friend_of_friend + cfg.trust.university_search:g}: shares must sum to <= 1"
        )
    from clustersim.institutions.policies import (
        validate_policy,  # instruments check their own params
    )

    validate_policy(cfg)


def make_config(overrides: Mapping | None = None, **kw) -> Config:
    """Defaults updated by a nested mapping and/or dotted keywords, validated.

    ``make_config({"world": {"n_regions": 6}}, n_firms=500, **{"market.selection": 3})``
    """
    data: dict = {}
    _deep_update(data, dict(overrides or {}))
    for key, value in kw.items():
        _set_dotted(data, key, value)
    cfg = from_mapping(Config, data)
    validate(cfg)
    return cfg


def _deep_update(dst: dict, src: Mapping) -> None:
    for k, v in src.items():
        if isinstance(v, Mapping) and isinstance(dst.get(k), dict):
            _deep_update(dst[k], v)
        elif isinstance(v, Mapping):
            dst[k] = {}
            _deep_update(dst[k], v)
        else:
            dst[k] = v


def _set_dotted(data: dict, key: str, value: Any) -> None:
    parts = key.replace("__", ".").split(".")
    node = data
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value


def coerce(cfg: Any) -> Config:
    """Accept a Config, a mapping or an OmegaConf node; return a validated Config."""
    if isinstance(cfg, Config):
        validate(cfg)
        return cfg
    if hasattr(cfg, "_metadata") and hasattr(cfg, "keys"):  # OmegaConf DictConfig, no import
        from omegaconf import OmegaConf

        cfg = OmegaConf.to_container(cfg, resolve=True)
    if isinstance(cfg, Mapping):
        return make_config(cfg)
    raise ConfigError(f"config={type(cfg).__name__}: must be a Config, a mapping or a DictConfig")


def iter_params(cls: type = Config, prefix: str = ""):
    """Yield (dotted key, default, field) for the parameter table in docs/parameters.md."""
    types = _resolved_types(cls)
    for f in dataclasses.fields(cls):
        tp = types[f.name]
        if _is_dataclass_type(tp):
            yield from iter_params(tp, prefix + f.name + ".")
        else:
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            yield prefix + f.name, default, f
