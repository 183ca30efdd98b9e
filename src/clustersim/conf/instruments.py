"""The parameters of each policy instrument, and what a policy config must satisfy for it.

One dataclass per instrument, the ``Params`` of the same-named module of
``clustersim.institutions.policies``, filled from a programme's ``params`` mapping. Class
attributes tell the config-time checks in :mod:`clustersim.conf.validation` what they need to know
about the instrument, so validating a config never imports the instruments themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from clustersim.conf.params import ConfigError, param


class InstrumentParams:
    """Base of every instrument's parameters."""

    exclusive: ClassVar[bool] = False  # two programmes of it may not overlap in time
    costs_budget: ClassVar[bool] = True  # it spends its government's budget

    def check(self, cfg, prefix: str) -> None:
        """Instrument-specific cross-field checks against the whole config (raise ConfigError)."""


@dataclass
class BrokerParams(InstrumentParams):
    """What a broker programme introduces and pays for."""

    exclusive = True  # one platform per cluster; two would pay the same facilitator twice

    targeting: str = param(
        "missing_links",
        "Which pairs the broker introduces",
        choices=("missing_links", "uniform", "insiders"),
        source="Crespo, Suire & Vicente 2014; L1744-1745",
    )
    introductions: float = param(
        4.0, "Introductions per quarter at intensity 1", 0, 1e4, source="L2122-2126"
    )
    unit_cost: float = param(
        0.5,
        "Cost of one introduction",
        0,
        1e6,
        source=(
            "calibrated: an introduction costs half a wage-quarter of facilitator time "
            "(L3092-3096: brokering is time-consuming)"
        ),
    )
    facilitator_cost: float = param(
        4.0,
        "Running cost of the platform and facilitator per quarter at intensity 1; a shortfall "
        "scales the whole programme down",
        0,
        1e6,
        source="L7988-7989 (New Zealand: 97 % of the funding spent on facilitators)",
    )
    awareness: float = param(
        0.5,
        "Rise of the tie-search rate at intensity 1 (awareness of cooperation benefits)",
        0,
        100,
        source="L1892-1894, L2124-2127",
    )
    tie_subsidy: float = param(
        0.5,
        "Share of the cost of forming a tie that the programme pays",
        0,
        1,
        source=(
            "calibrated: half, so firms still bear part of a tie's cost and choose ties for "
            "their value"
        ),
    )
    endorsement: float = param(
        0.1,
        "Trust an introduced tie starts with above the region's in-group trust",
        0,
        1,
        source="L4411-4414",
    )
    initiative_share: float = param(
        0.8,
        "Public share of a cluster initiative's running cost while the programme runs",
        0,
        1,
        source="L3793-3797, L7770-7779",
    )
    candidates: int = param(
        8,
        "Core firms weighed for one missing-link introduction",
        1,
        1000,
        source=(
            "calibrated: the broker weighs a handful of core firms per introduction (Crespo, "
            "Suire & Vicente 2014)"
        ),
    )


@dataclass
class DemandSideParams(InstrumentParams):
    """What a public buyer purchases and how demanding it is."""

    volume: float = param(
        30.0,
        "Public demand bought from the target region per quarter at intensity 1 (output units)",
        0,
        1e9,
        source="L2197-2201",
    )
    unit_cost: float = param(
        1.0,
        "Price the government pays per unit of demand",
        0,
        1e6,
        source=(
            "calibrated: the government pays the market price of one unit (procurement at "
            "arm's length, L2180-2231)"
        ),
    )
    sophistication: float = param(
        0.5,
        "How demanding the buyer is: suppliers learn toward its specification in proportion "
        "to their public share of sales",
        0,
        1,
        source="L2221-2222",
    )
    learning: float = param(
        0.02,
        "Knowledge gain per quarter of a firm selling only to a fully demanding buyer",
        0,
        1,
        source="L2221-2222",
    )
    pull: float = param(
        0.05,
        "Pull per quarter of such a firm's position toward the buyer's specification",
        0,
        1,
        source="L2221-2222",
    )
    spec_error: float = param(
        1.0,
        "Distance from world demand at which a blind buyer (information quality 0) specifies",
        0,
        100,
        source="white elephants, L2222-2226",
    )


@dataclass
class TrainingParams(InstrumentParams):
    """Whom a training programme trains, and at what cost."""

    targeting: str = param(
        "employed",
        "Who is trained: SME employees, or the unemployed in the labour pool",
        choices=("employed", "unemployed"),
        source="L2255-2258",
    )
    trainees: float = param(
        30.0,
        "Workers trained per quarter at intensity 1",
        0,
        1e7,
        source=(
            "calibrated: 30 workers a quarter at intensity 1, a small share of a region's "
            "pool (L2240-2290)"
        ),
    )
    unit_cost: float = param(
        0.5,
        "Cost of training one worker (a wage is 1 a quarter)",
        0,
        1e6,
        source=("calibrated: a course costs half a quarter's wage (L2240-2290)"),
    )
    gain: float = param(
        0.3,
        "Share of a trainee's skill gap one course closes",
        0,
        1,
        source=("calibrated: a course closes 30 % of the skill gap (L2240-2290)"),
    )
    employability: float = param(
        0.5,
        "Share of trained unemployed whose skill reaches the industry's labour pool",
        0,
        1,
        source="L2255-2258",
    )
    sme_size: float = param(
        50.0,
        "Employees under which a firm counts as an SME (employed targeting)",
        1,
        1e7,
        source=(
            "L2254-2258 (programmes for employed workers in SMEs); SME threshold of 50 "
            "employees (small enterprises, EU 2003/361/EC)"
        ),
    )


@dataclass
class FDIParams(InstrumentParams):
    """Which multinationals an FDI programme recruits, and what keeps them."""

    targeting: str = param(
        "complementary",
        "Which MNEs are recruited: near the cluster's core at the optimal cognitive distance, "
        "or at the world market's frontier",
        choices=("complementary", "frontier"),
        source="L2325-2329, L7150-7152",
    )
    arrivals: float = param(
        0.5,
        "MNE arrivals per year at intensity 1",
        0,
        1000,
        source=("calibrated: one affiliate every two years at intensity 1 (L2300-2364)"),
    )
    size: float = param(60.0, "Employees of an arriving affiliate", 1, 1e6, source="L8279-8281")
    knowledge: float = param(
        3.0,
        "Knowledge stock of an affiliate, in multiples of the industry's mean",
        0.01,
        1000,
        source="L2319-2322 (higher productivity of foreign-owned firms)",
    )
    unit_cost: float = param(
        20.0,
        "One-off grant per arrival",
        0,
        1e9,
        source=(
            "calibrated: a one-off grant of two tickets per arrival (investment incentives, "
            "L2320-2327)"
        ),
    )
    incentive: float = param(
        2.0,
        "Incentive paid to each affiliate per quarter of support",
        0,
        1e9,
        source=("calibrated: two wage-quarters a quarter while support lasts (L2320-2327)"),
    )
    suppliers: int = param(
        4,
        "Local firms an affiliate links to as suppliers",
        0,
        1000,
        source=(
            "calibrated: each affiliate sources from a few local suppliers (Chihuahua's weak "
            "local links, L8262-8445; Javorcik 2004)"
        ),
    )
    local_content: float = param(
        0.2, "Share of an affiliate's sales it buys inside the region", 0, 1, source="L8288-8290"
    )
    footloose: float = param(
        0.1,
        "Quarterly chance an affiliate relocates once incentives end, if a region is cheaper",
        0,
        1,
        source="L1850-1852, L8383-8385",
    )
    margin: float = param(
        0.05,
        "Advantage in productivity-adjusted cost another region needs to attract a relocation",
        0,
        10,
        source=(
            "calibrated: footloose affiliates move for a 5 % cost advantage (L2320-2327; "
            "Chihuahua, L8262-8445)"
        ),
    )


@dataclass
class FrameworkParams(InstrumentParams):
    """How a framework reform changes the region's rules (it spends no budget)."""

    exclusive = True  # two reforms of the same rules at once contradict each other
    costs_budget = False

    scope: str = param(
        "target",
        "Regions the reform covers: the target region, or all (a national reform)",
        choices=("target", "all"),
        source="L2365-2409 (framework conditions are mostly national)",
    )
    enforcement: float = param(
        0.2, "Rise of contract enforcement (capped at 1)", 0, 1, source="L2372-2377"
    )
    mobility: float = param(
        0.3, "Relative rise of labour mobility", 0, 10, source="L1946-1948, L2373"
    )
    openness: float = param(
        0.1,
        "Rise of generalised (out-group) trust, capped at 1",
        0,
        1,
        source="L2375-2377 (social capital and attitudes)",
    )
    entry: float = param(
        0.3,
        "Rise of the region's attractiveness to start-ups and movers from lower entry costs "
        "(utility units)",
        0,
        10,
        source="L2405-2409",
    )
    ipr: float = param(
        0.0,
        "IPR strength change: > 0 protects shared knowledge but slows diffusion by mobility",
        -1,
        1,
        source="L2296-2299, L2590-2594",
    )


@dataclass
class IncubatorParams(InstrumentParams):
    """Whom an incubator admits, for how long, and what it covers."""

    targeting: str = param(
        "startups",
        "Who is admitted first: new firms in founding order, or academic spin-offs first",
        choices=("startups", "academic"),
        source="L2159-2163, L6360-6371",
    )
    places: float = param(
        8.0,
        "Tenants at once at intensity 1",
        0,
        1e6,
        source=("calibrated: eight places at intensity 1, a small incubator (L2159-2195)"),
    )
    unit_cost: float = param(
        1.0,
        "Services per tenant per quarter",
        0,
        1e6,
        source=(
            "calibrated: services worth a wage-quarter per tenant per quarter (the services, "
            "L2189-2195)"
        ),
    )
    cover: float = param(
        1.0,
        "Largest quarterly loss of a tenant the incubator covers",
        0,
        1e6,
        source=("calibrated: covers a tenant's loss up to a wage-quarter (L2159-2195)"),
    )
    years: float = param(
        3.0,
        "Years a tenant stays before it graduates",
        0.25,
        100,
        source=(
            "calibrated: tenants graduate after three years, past the early exit hazard "
            "(docs/validation.md: hazard falls with age; L5064: three years a minimum for "
            "results)"
        ),
    )
    interaction: float = param(
        0.5,
        "Share of tenants that link to the region's university",
        0,
        1,
        source="L6369-6371",
    )


@dataclass
class RDSubsidyParams(InstrumentParams):
    """Which firms an R&D subsidy funds, and how they respond."""

    exclusive = True  # two R&D subsidies on the same projects would fund them twice

    targeting: str = param(
        "collaborative",
        "Who is funded: firms in multi-firm projects only, or all firms",
        choices=("collaborative", "all"),
        source="L4064-4065",
    )
    rate: float = param(
        0.5, "Share of funded firms' R&D spending reimbursed", 0, 1, source="L1876-1881"
    )
    response: float = param(
        0.5,
        "Relative rise of R&D intensity per unit of reimbursement rate",
        0,
        10,
        source="L1876-1881",
    )


@dataclass
class SeedFinanceParams(InstrumentParams):
    """How a public seed fund invests."""

    exclusive = True  # one public fund per region

    mode: str = param(
        "co_invest",
        "Co-investment on private terms, or grants asked first",
        choices=("co_invest", "grant"),
        source="L4371-4377, L1443-1448",
    )
    capital: float = param(
        20.0,
        "Public capital for the fund per quarter at intensity 1",
        0,
        1e9,
        source=("calibrated: two tickets a quarter at intensity 1 (L4371-4403)"),
    )
    threshold: float = param(
        0.45,
        "Quality the fund asks (the VCs ask finance.vc_threshold)",
        0,
        10,
        source="L4373-4375",
    )

    def check(self, cfg, prefix: str) -> None:
        """The fund it finances is the scenario's public seed fund in the focal region."""
        region = cfg.world.focal_region if cfg.policy.region < 0 else cfg.policy.region
        if cfg.finance.seed_funds < 1 or cfg.policy.contest or region != cfg.world.focal_region:
            raise ConfigError(
                f"{prefix}instrument=seed_finance: needs the public seed fund of the focal "
                f"region (finance.seed_funds={cfg.finance.seed_funds}, policy.region="
                f"{cfg.policy.region}, policy.contest={cfg.policy.contest}); allowed: "
                "finance.seed_funds >= 1 and the focal region as target"
            )


INSTRUMENT_PARAMS: dict[str, type[InstrumentParams]] = {
    "broker": BrokerParams,
    "demand_side": DemandSideParams,
    "training": TrainingParams,
    "fdi": FDIParams,
    "framework": FrameworkParams,
    "incubator": IncubatorParams,
    "rd_subsidy": RDSubsidyParams,
    "seed_finance": SeedFinanceParams,
}
POLICY_INSTRUMENTS = tuple(INSTRUMENT_PARAMS)
