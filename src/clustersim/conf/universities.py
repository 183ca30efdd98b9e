"""Config section of the universities and research institutes."""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.conf.params import param


@dataclass
class UniversityConfig:
    """Universities and research institutes (L941-951, L4247-4315)."""

    count: int = param(
        1,
        "Universities, placed in the focal region first, then round-robin",
        0,
        50,
        source=(
            "calibrated: one university in the focal region (L941-951; knowledge-based "
            "clusters, L1164-1275)"
        ),
    )
    knowledge: float = param(
        3.0,
        "Initial knowledge stock of a university",
        0,
        1e6,
        source=(
            "calibrated: a university starts at three times a median firm's knowledge (L941-951)"
        ),
    )
    growth: float = param(
        0.005,
        "Quarterly growth of a university's knowledge",
        0,
        1,
        source=(
            "calibrated: university knowledge grows 2 % a year, half the frontier's pace "
            "(knowledge.frontier_growth), so firms can outgrow it"
        ),
    )
    openness: float = param(
        0.5,
        "Openness to industry of a university without third-stream income; its technology "
        "transfer closes the rest of the gap to 1 in proportion to third-stream income's share "
        "of its budget",
        0,
        1,
        source="L4247-4315",
    )
    decide: bool = param(
        False,
        "Universities set their research agenda and transfer effort from their budget (False, "
        "the default: a fixed agenda and openness; docs/validation.md has what deciding "
        "changes)",
        source="L4247-4315; Siegel, Waldman & Link 2003",
    )
    core_funding: float = param(
        60.0,
        "A university's public core funding per quarter for 300 initial firms, in proportion "
        "to n_firms or world.economy_firms (wage-quarters)",
        0.01,
        1e9,
        source=(
            "calibrated: academic research about a quarter of business R&D (OECD Main Science "
            "and Technology Indicators: higher-education R&D about 0.4 % of GDP, business R&D "
            "about 1.5 %); the default industry's R&D is about 250 a quarter at the start"
        ),
    )
    contract_research: float = param(
        0.1,
        "Share of a tied firm's R&D spending it contracts to the university, at full trust on "
        "the tie (the university's industry income)",
        0,
        1,
        source=(
            "Mansfield 1995 (firms draw on academic research through consulting and contracts);"
            " calibrated: industry then pays for 5-10 % of the university's budget in the "
            "default scenario, the OECD business share of higher-education R&D (about 6 %)"
        ),
    )
    agenda_speed: float = param(
        0.025,
        "Quarterly pull of a university's research agenda toward its target: its industry "
        "partners' knowledge, weighted by industry's share of its budget, else its academic "
        "home (0 fixes the agenda)",
        0,
        1,
        source=(
            "Blumenthal et al. 1996; Azoulay, Ding & Stuart 2009 (industry funding and "
            "commercial ties move academic research toward industry's problems); calibrated: "
            "an agenda turns over in about a decade, two cohorts of doctoral students"
        ),
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
