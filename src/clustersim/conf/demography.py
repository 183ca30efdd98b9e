"""Config sections of entry, exit and the finance new firms need
(``clustersim.mechanisms.demography``)."""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.conf.params import param


@dataclass
class EntryConfig:
    """Start-ups, spin-offs and exit."""

    startup_rate: float = param(
        0.0002,
        "Would-be founders per worker of the labour pools per quarter; each enters only if it "
        "expects a profit and a financier funds it",
        0,
        0.1,
        source="Reynolds et al. 2005; calibrated: the default's 4.8 candidates a quarter at "
        "set-up, as before",
    )
    agglomeration_pull: float = param(
        1.0,
        "Weight of log regional employment in location choice (increasing returns)",
        0,
        20,
        source="L538-539; Arthur 1990",
    )
    cost_aversion: float = param(
        2.0,
        "Weight of wage plus rent in location choice",
        0,
        100,
        source=(
            "calibrated: costs (wage plus rent, in base wages) weigh twice a unit of amenity "
            "in location utility (congestion, L1711-1718)"
        ),
    )
    near_firm_share: float = param(
        0.7,
        "Share of start-ups locating next to an existing firm",
        0,
        1,
        source=(
            "calibrated: most founders start near firms they know (Figueiredo, Guimarães & "
            "Woodward 2002: founders locate near home); pattern: agglomeration emerges"
        ),
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
    initial_size: float = param(
        5.0,
        "Median employees of a new firm",
        1,
        1e5,
        source=(
            "Criscuolo, Gal & Menon 2014 (OECD DynEmp: start-ups employ a few workers); "
            "Cabral & Mata 2003 for the spread"
        ),
    )
    entry_size_sd: float = param(
        0.8,
        "Spread (sd of log employees) of new firms' sizes: right-skewed, lognormal",
        0,
        3,
        source="Cabral & Mata 2003; calibrated",
    )


@dataclass
class FinanceConfig:
    """Banks, venture capital and public seed funds (L1404-1460, L4316-4403)."""

    banks_per_region: int = param(
        1,
        "Banks per region",
        0,
        20,
        source=(
            "calibrated: one regional house bank per region (relationship lending, Petersen &"
            " Rajan 1994; L1404-1460)"
        ),
    )
    vcs: int = param(
        1,
        "Venture capitalists, placed in the focal region first",
        0,
        20,
        source=(
            "calibrated: one VC fund, in the focal region; venture capital is rare and "
            "concentrated (L1404-1440)"
        ),
    )
    seed_funds: int = param(
        0,
        "Public seed funds in the focal region",
        0,
        20,
        source=(
            "calibrated: none by default; the seed-finance instrument adds public seed "
            "capital (L4371-4403)"
        ),
    )
    bank_capital: float = param(
        60.0,
        "A bank's equity (cash units) for an industry of 300 initial firms, in proportion to "
        "n_firms (or world.economy_firms); it lends while equity covers capital_ratio of its "
        "loans",
        0,
        1e9,
        source=(
            "calibrated: equity that lets a bank fund most viable entrants at the capital "
            "ratio; pattern: entrants refused funding (docs/validation.md: too little "
            "turnover)"
        ),
    )
    vc_capital: float = param(
        400.0,
        "A VC fund's committed capital for 300 initial firms, in proportion to n_firms (or "
        "world.economy_firms); it is "
        "invested, returned by exits and lost by failures",
        0,
        1e9,
        source=("calibrated: a fund that can hold a few dozen tickets at once (L1404-1440)"),
    )
    seed_capital: float = param(
        20.0,
        "A public seed fund's budget per quarter for 300 initial firms, in proportion to n_firms "
        "(or world.economy_firms)",
        0,
        1e9,
        source=("calibrated: two tickets a quarter when switched on (L4371-4403)"),
    )
    ticket: float = param(
        10.0,
        "Finance one new firm needs",
        0,
        1e6,
        source=(
            "calibrated: a start-up needs about two quarters of its wage bill at the initial "
            "size (5 employees x 1)"
        ),
    )
    interest_rate: float = param(
        0.02,
        "Quarterly interest on firms' loans and overdrafts",
        0.001,
        0.5,
        source="calibrated: 8 % a year, a small-business loan rate",
    )
    funding_rate: float = param(
        0.01,
        "Quarterly cost of a bank's funds; interest_rate - funding_rate is its margin",
        0,
        0.5,
        source="calibrated: a net interest margin of 4 % a year",
    )
    capital_ratio: float = param(
        0.08, "Equity a bank holds per unit of loans", 0.01, 1, source="Basel capital accord"
    )
    repayment: float = param(
        0.05,
        "Share of a start-up loan repaid a quarter (out of cash)",
        0,
        1,
        source="calibrated: a five-year loan",
    )
    collateral: float = param(
        4.0,
        "Debt per employee a lender accepts without a relationship (the firm's assets)",
        0,
        1e4,
        source=(
            "calibrated: lenders accept debt of four wage-quarters per employee without a "
            "relationship (assets per worker); relationship lending raises it (Petersen & "
            "Rajan 1994)"
        ),
    )
    recovery: float = param(
        0.55,
        "Share of a failed borrower's collateral its lender recovers",
        0,
        1,
        source="Basel II: 45 % loss given default on senior claims",
    )
    relationship_lending: float = param(
        1.0,
        "Rise of the credit line with trust on the tie to the lender (1 doubles it at full trust)",
        0,
        10,
        source="Petersen & Rajan 1994; Berger & Udell 1995",
    )
    loss_aversion: float = param(
        2.0,
        "Rise of a financier's screening threshold per unit of recent write-offs over its capital",
        0,
        100,
        source="Berger & Udell 2004; calibrated",
    )
    vc_holding: int = param(
        24, "Quarters a VC holds a stake before it sells", 1, 400, source="Gompers & Lerner 2004"
    )
    vc_equity_share: float = param(
        0.3, "Share of a firm's equity a VC ticket buys", 0, 1, source="Gompers & Lerner 2004"
    )
    vc_wind_down: float = param(
        0.03,
        "Share of its capital a VC without deal flow returns to its investors a quarter",
        0,
        1,
        source="L4371-4403",
    )
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
    screening_noise: float = param(
        0.25,
        "Noise of a naive screener's quality estimate",
        0,
        10,
        source=(
            "calibrated: a naive screener's estimate errs by a quarter of a quality unit; VCs"
            " screen better (vc_skill) (L1404-1460)"
        ),
    )
    memory: float = param(
        10.0,
        "Quarters over which financiers average their deal flow and their write-offs",
        1,
        400,
        source="L4371-4403; calibrated",
    )
