"""Config sections of entry, exit and the finance new firms need
(``clustersim.mechanisms.demography``)."""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.conf.params import param


@dataclass
class EntryConfig:
    """Start-ups, spin-offs and exit."""

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
    """Banks, venture capital and public seed funds (L1404-1460, L4316-4403)."""

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
