"""Config section of the market mechanism (``clustersim.mechanisms.market``)."""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.conf.params import param


@dataclass
class MarketConfig:
    """Demand, competition and firm accounts."""

    demand_per_firm: float = param(
        15.0,
        "Initial world demand per initial firm (output units per quarter)",
        0.01,
        1e6,
        source=(
            "calibrated: 15 units a quarter per initial firm, which employs about 9 workers a"
            " firm at the start: a small-firm industry that grows with demand (L1102-1162); "
            "pattern: employment follows demand to saturation (docs/validation.md, 300 years)"
        ),
    )
    demand_growth: float = param(
        0.005,
        "Quarterly growth of world demand while the market is young",
        -0.1,
        0.2,
        source=(
            "calibrated: 2 % a year while the market is young, the order of manufacturing "
            "output growth; the traditional-sector preset lowers it"
        ),
    )
    demand_saturation: float = param(
        10.0,
        "Multiple of its initial level at which a growing market stops growing (logistic)",
        1,
        1e6,
        source="Griliches 1957; Bass 1969; Gort & Klepper 1982; calibrated",
    )
    demand_drift: float = param(
        0.004, "Quarterly random drift of demand in technology space", 0, 1, source="L1675-1686"
    )
    fit_width: float = param(
        1.0,
        "Width of the demand niche in technology space",
        0.01,
        10,
        source=(
            "calibrated: the unit of distance in technology space; knowledge positions and "
            "shocks are measured in niche widths (lock-in pattern P8 is read in these units)"
        ),
    )
    selection: float = param(
        3.0,
        "Exponent of competitiveness in market shares (elasticity of substitution minus one)",
        0,
        20,
        source="L959-971",
    )
    standardisation: float = param(
        0.0,
        "Rise of selection (elasticity of substitution minus one), as a multiple of its initial "
        "value, as the market matures (0 switches the product life cycle off): selection x (1 + "
        "standardisation x maturity), maturity = how far demand has come from its start to "
        "saturation; the margin falls with the Dixit-Stiglitz markup, as 1 / sigma",
        0,
        10,
        source=(
            "Abernathy & Utterback 1978; Utterback & Suarez 1993 (a dominant design "
            "standardises the product and competition turns to price); Klepper 1997; off by "
            "default (docs/validation.md: 2, sigma from 4 to 10, costs the life-cycle pattern "
            "P1)"
        ),
    )
    target_margin: float = param(
        0.1,
        "Profit margin firms size their workforce for",
        0,
        0.9,
        source=(
            "calibrated: a 10 % operating margin, the order of manufacturing firms' margins; "
            "it sets the free-entry bound (docs/validation.md)"
        ),
    )
    hiring_cost: float = param(
        3.0,
        "Convex cost of changing employment: a quarter's adjustment costs hiring_cost / 2 x "
        "unit labour cost x employees x (log change)^2, so a firm closes 1 / (1 + hiring_cost) "
        "of the log gap to the workforce its sales pay for",
        0,
        1000,
        source="Hamermesh & Pfann 1996; calibrated: 3 closes a quarter of the gap a quarter",
    )
    fixed_cost: float = param(
        0.6,
        "Fixed cost per firm per quarter",
        0,
        1e4,
        source=(
            "calibrated: overheads of 0.6 wage-quarters a quarter, so the smallest viable "
            "firm sells fixed_cost / target_margin = 6 (Melitz 2003 cutoff); pattern: the "
            "free-entry bound on firm numbers (docs/validation.md)"
        ),
    )
    dominant_design_year: float = param(
        0.0,
        "Year in which a dominant design emerges and the product life cycle turns (0: no such "
        "event; standardisation then follows the market's diffusion): from then, over "
        "design_ramp years, selection rises by standardisation times its start and the fixed "
        "cost's elasticity to the market rises from 0 to sunk_cost_escalation",
        0,
        1000,
        source=(
            "Abernathy & Utterback 1978; Anderson & Tushman 1990 (an era of ferment ends in a "
            "dominant design); Utterback & Suarez 1993 (the number of firms rises until the "
            "dominant design and falls after it); off by default, year 15 in the new-industry "
            "scenario (docs/validation.md, P2)"
        ),
    )
    design_ramp: float = param(
        5.0,
        "Years a dominant design takes to take over the industry once it emerges (0: at once)",
        0,
        100,
        source=(
            "calibrated: a few years for competitors to converge on the design (Anderson & "
            "Tushman 1990); P2 passes at 5 and 10 (docs/validation.md)"
        ),
    )
    sunk_cost_escalation: float = param(
        0.0,
        "Elasticity of the fixed cost to the market's size (world demand relative to its "
        "start): 0 keeps it fixed, so the number of firms a market supports grows with the "
        "market (exogenous sunk costs); 1 makes the outlays that keep a firm in the race "
        "escalate in proportion to the market, so that number does not grow with it",
        0,
        1,
        source=(
            "Sutton 1991, 1998 (endogenous sunk costs: R&D and advertising outlays escalate "
            "with market size, so concentration stays bounded as markets grow); Abernathy & "
            "Utterback 1978 (the specific phase of a product's life: capital-intensive, "
            "high-volume plants); off by default, on in the new-industry scenario "
            "(docs/validation.md, P2)"
        ),
    )
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
        5.0,
        "Regional employment at the mid-point of the critical-mass S-curve, per initial firm of "
        "the industry (n_firms): 5 is 1,500 employees at 300 firms, so the threshold grows with "
        "the industry as demand and labour pools do (docs/ODD.md, Scale)",
        0.01,
        100,
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
    closure: str = param(
        "net_worth",
        "When an owner closes a firm: net_worth, when net worth + exit_horizon x expected "
        "profit < 0, the expectation learned from realised profit from a break-even prior; "
        "expected_profit, when expected sustainable profit (margin x sales - fixed cost - "
        "interest + aid) < 0, from the founder's expected profit as prior, whatever cash the "
        "firm holds",
        choices=("net_worth", "expected_profit"),
        source="Hopenhayn 1992; Jovanovic 1982; Hamermesh & Pfann 1996 (adjustment losses pass)",
    )
    payout_rate: float = param(
        0.085,
        "Share of its cash above the buffer (cash_buffer) an owner takes out of the firm each "
        "quarter; none while a loan or a venture capitalist's stake is outstanding (0: the "
        "firm keeps every profit)",
        0,
        1,
        source=(
            "Lintner 1956 (payouts adjust to their target by about 30 % a year: 1 - 0.7^(1/4) "
            "= 0.085 a quarter); Jensen 1986 (free cash flow goes to the owners); Smith & "
            "Warner 1979 (debt covenants restrict payouts); Kaplan & Stromberg 2003 (venture "
            "contracts do too); docs/validation.md (Payouts)"
        ),
    )
    cash_buffer: float = param(
        4.0,
        "Cash per employee an owner keeps in the firm as a precautionary buffer; payouts take "
        "only what lies above it",
        0,
        1e4,
        source=(
            "Opler, Pinkowitz, Stulz & Williamson 1999 (firms hold a target cash buffer, "
            "precautionary); calibrated: the buffer a firm of the set-up is given "
            "(market.initial_cash, a year of wages per employee)"
        ),
    )
    exit_horizon: float = param(
        8.0,
        "Quarters of expected profit an owner weighs against net worth (closure net_worth): a "
        "firm closes when net worth + exit_horizon x expected profit < 0",
        0,
        400,
        source="Hopenhayn 1992; calibrated: two years, the horizon of the former 8-quarter rule",
    )
    prior_quarters: float = param(
        4.0,
        "Quarters of experience an owner's prior (break-even: the firm entered expecting to "
        "cover its costs) is worth; the latest quarter weighs 1 / (age + prior_quarters)",
        0,
        400,
        source="Jovanovic 1982; calibrated",
    )
    learning_floor: float = param(
        0.1,
        "Least weight of the latest quarter in a firm's profit expectation (a young firm "
        "weighs it more: it learns what it is worth)",
        0.001,
        1,
        source="Jovanovic 1982; calibrated",
    )
    scale_economies: float = param(
        0.25,
        "Elasticity of an incremental innovation's gain to firm size (process R&D spread "
        "over output)",
        0,
        2,
        source="Klepper 1996",
    )
    hiring_skill_rate: float = param(
        0.05,
        "Quarterly pull of firm skill toward its labour pool",
        0,
        1,
        source=(
            "calibrated: a firm's skill moves 5 % a quarter (about a fifth a year) toward its"
            " region's as staff turn over"
        ),
    )
    initial_cash: float = param(
        4.0,
        "Initial cash per employee",
        0,
        1e4,
        source=(
            "calibrated: a year of wages per employee as a buffer, so initial firms do not "
            "fail in their first quarters; pattern: exit hazard falls with age (Evans 1987; "
            "docs/validation.md)"
        ),
    )
    appeal_persistence: float = param(
        0.9,
        "Annual autocorrelation of a firm's log demand shifter (appeal: customer base, brand, "
        "product qualities its knowledge does not capture); the quarterly AR(1) coefficient is "
        "its fourth root, so a firm observed once a year shows this persistence",
        0,
        0.9999,
        source="Foster, Haltiwanger & Syverson 2008 (plant demand shocks: implied annual "
        "persistence about 0.9); Hopenhayn 1992",
    )
    appeal_sd: float = param(
        1.16,
        "Standard deviation of log appeal across firms in the stationary distribution; the "
        "quarterly innovation is appeal_sd x sqrt(1 - rho_q^2) (0, with entrant_appeal_gap 0, "
        "switches appeal off)",
        0,
        5,
        source="Foster, Haltiwanger & Syverson 2008 (sd of log plant demand shocks, 1.16)",
    )
    entrant_appeal_gap: float = param(
        0.26,
        "Mean log appeal of an entrant below the incumbents' mean (0): new firms start with a "
        "demand deficit that mean reversion erases slowly, if they survive",
        0,
        5,
        source="Foster, Haltiwanger & Syverson 2008 (entrants' demand shocks below "
        "incumbents'), 2016 (slow growth of new plants: demand accumulation)",
    )
