"""Config section of the market mechanism (``clustersim.mechanisms.market``)."""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.conf.params import param


@dataclass
class MarketConfig:
    """Demand, competition and firm accounts."""

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
