"""Config sections of the policy mix (``clustersim.institutions.policies``).

Each programme's instrument-specific ``params`` are typed in :mod:`clustersim.conf.instruments`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clustersim.conf.instruments import POLICY_INSTRUMENTS
from clustersim.conf.params import STEPS_PER_YEAR, param

GOVERNMENT_LEVELS = ("regional", "national", "donor")


@dataclass
class GovernmentConfig:
    """One governing level that funds policy programmes (L3793-4246; Table 3).

    Government failure is configurable behaviour, not a code branch: capture (L1911-1921),
    a reversal hazard that agents discount (L2849-2850) and defensive aid (L2081-2089,
    L3897-3903). See ``clustersim.institutions.policies.government``.
    """

    budget: float = param(
        0.0,
        "Budget per year (cash units); unspent money lapses at the year's end",
        0,
        1e12,
        source=(
            "calibrated: 0 (no policy); policy presets set budgets in wage-quarters "
            "(Scotland's initiative: GBP 25M over 3-5 years, L7655)"
        ),
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
    typed per instrument in :mod:`clustersim.conf.instruments` (docs/policies.md).
    """

    instrument: str = param(
        "broker",
        "Policy instrument the programme runs",
        choices=POLICY_INSTRUMENTS,
        source="L2090-2445",
    )
    level: str = param(
        "regional",
        "Government that funds the programme",
        choices=GOVERNMENT_LEVELS,
        source="L3793-4246 (Table 3: which government runs which instrument)",
    )
    start_year: float = param(
        5.0,
        "Year the programme starts (4 steps a year)",
        0,
        1000,
        source=("calibrated: year 5, once an industry exists to support (L2961-3050)"),
    )
    duration_years: float = param(
        10.0,
        "Years the support lasts before its exit",
        0,
        1000,
        source=(
            "L7667 (Scotland: self-sustainable after 5 years of public support) and L5064 "
            "(three years a minimum for results); 10 years covers both"
        ),
    )
    intensity: float = param(
        1.0,
        "Multiplier of the instrument's dose (0 = off: no draws, no effect)",
        0,
        1000,
        source=(
            "run control: scales the instrument's dose; 1 is each instrument's documented default"
        ),
    )
    exit: str = param(
        "abrupt",
        "How support ends: at once, or tapered linearly over taper_years before the end",
        choices=("abrupt", "taper"),
        source="exit strategy, L3940-3943",
    )
    taper_years: float = param(
        2.0,
        "Years over which a tapered exit phases support out",
        0,
        1000,
        source=("calibrated: two years of tapering (exit strategy, L3940-3943)"),
    )
    weight: float = param(
        1.0,
        "Weight in its government's budget split (split=weighted)",
        0,
        1e6,
        source="calibrated: equal weights unless a preset says otherwise",
    )
    params: dict[str, Any] = param(
        None,
        "Instrument-specific parameters (see docs/policies.md)",
        factory=dict,
        source=("run control: the instrument's own parameters, each with its source below"),
    )

    def window(self) -> tuple[int, int]:
        """First step of the support and the step it ends at (exclusive)."""
        start = round(self.start_year * STEPS_PER_YEAR)
        return start, start + round(self.duration_years * STEPS_PER_YEAR)


@dataclass
class PolicyConfig:
    """The policy mix: governments, their programmes and how budgets are split."""

    name: str = param(
        "none", "Label of the policy preset", source="run control: a label the policy preset sets"
    )
    region: int = param(
        -1,
        "Target region of every programme; -1 = the focal region",
        -1,
        63,
        source=(
            "run control: -1 targets the focal region; the target of place-based policy "
            "(L2090-2445)"
        ),
    )
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
        source=(
            "calibrated: budgets split by programme weight; equal and first-come splits are "
            "the alternatives a sweep can compare"
        ),
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
        source=(
            "run control: a log for the evaluation's deadweight matching (L5213-5215); draws "
            "nothing"
        ),
    )
    regional: GovernmentConfig = field(default_factory=GovernmentConfig)
    national: GovernmentConfig = field(default_factory=GovernmentConfig)
    donor: GovernmentConfig = field(default_factory=GovernmentConfig)
    programmes: dict[str, ProgrammeConfig] = param(
        None,
        "Named programmes of the mix (empty = no policy)",
        factory=dict,
        source="run control: the mix a policy preset defines (L2090-2445)",
    )
