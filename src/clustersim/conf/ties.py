"""Config section of tie formation and trust (``clustersim.mechanisms.ties``)."""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.conf.params import param


@dataclass
class TrustConfig:
    """Ties and trust."""

    search_rate: float = param(
        0.25,
        "Quarterly chance that an open firm searches a partner",
        0,
        1,
        source=(
            "calibrated: an open firm looks for a partner about once a year; pattern: P5 "
            "small-world network (clustering 13x random; Kogut & Belinky 2008)"
        ),
    )
    friend_of_friend: float = param(
        0.5,
        "Share of searches through partners' partners (closing triangles)",
        0,
        1,
        source="L959-1062",
    )
    university_search: float = param(
        0.1,
        "Share of searches aimed at a local university",
        0,
        1,
        source=(
            "calibrated: one search in ten aims at the local university (university-industry "
            "links, L941-951)"
        ),
    )
    tie_cost: float = param(
        0.05,
        "Cash cost of forming a tie",
        0,
        1e4,
        source=(
            "calibrated: forming a tie costs a twentieth of a wage-quarter, small against its"
            " expected value, so trust and opportunism, not cost, decide (transaction costs, "
            "L786-813)"
        ),
    )
    tie_value: float = param(
        1.0,
        "Expected value scale of a tie, compared with its cost",
        0,
        1e4,
        source="calibrated: the unit against which tie cost is weighed",
    )
    max_degree: int = param(
        12,
        "Most ties one firm keeps",
        1,
        200,
        source=(
            "calibrated: a firm keeps at most about a dozen active partnerships; pattern: P5 "
            "small world (docs/validation.md)"
        ),
    )
    project_rate: float = param(
        0.3, "Quarterly chance a tie runs a joint project", 0, 1, source="L3097-3100"
    )
    trust_gain: float = param(
        0.15, "Share of the gap to full trust closed by a success", 0, 1, source="L1001-1002"
    )
    trust_decay: float = param(
        0.02,
        "Quarterly trust decay without interaction",
        0,
        1,
        source=(
            "calibrated: trust fades about 8 % a year without interaction (L959-1062); "
            "pattern: P5 small world"
        ),
    )
    failure_loss: float = param(
        0.05,
        "Trust lost after a failed project",
        0,
        1,
        source=(
            "calibrated: a failed project costs a little trust, a betrayal much more (L1895-1899)"
        ),
    )
    betrayal_drop: float = param(
        0.6, "Share of trust lost after an opportunistic act", 0, 1, source="L1895-1899"
    )
    betrayal_cost: float = param(
        0.5, "Cash lost by the victim of opportunism", 0, 1e4, source="L1895-1899"
    )
    opportunism_mean: float = param(
        0.08, "Mean firm opportunism (chance per project)", 0, 1, source="L1895-1899"
    )
    drop_trust: float = param(
        0.1,
        "Trust under which a tie is dropped",
        0,
        1,
        source="calibrated: ties end when trust falls to a tenth (L959-1062)",
    )
    pipeline_rate: float = param(
        1.0,
        "Global pipelines: chance that a searching firm looks at a firm of another region, per "
        "unit of its need for outside knowledge (the larger of its local partners' redundancy, "
        "1 - their mean cognitive distance / knowledge.optimal_distance, and the fall of its "
        "demand fit since a year ago caused by the market's move), times the share of its "
        "region's search that may go outside (bridging / bonding trust, at most 1: a closed "
        "community looks outside less). 1: the chance equals need x share, with no friction "
        "beyond the tie's value and cost (the default: a mature cluster keeps "
        "relations outside, L1144-1145); 0 switches pipelines off, with their premium, "
        "upkeep and bridges: the model before pipelines",
        0,
        1,
        source="Bathelt, Malmberg & Maskell 2004; Nooteboom 2000; Boschma 2005",
    )
    mne_bridge: float = param(
        1.0,
        "With pipelines on, the least need for outside knowledge of a multinational's "
        "affiliate: its parent's network gives it partners in other regions, which local "
        "firms then reach through it as partners' partners (0: affiliates search like "
        "domestic firms)",
        0,
        1,
        source=(
            "Bathelt, Malmberg & Maskell 2004 (multinationals build pipelines); Cantwell & "
            "Iammarino 2003 (affiliates tie regional innovation systems to the corporate "
            "network); 1: an affiliate is part of a network outside its region by definition"
        ),
    )
    university_bridge: bool = param(
        True,
        "With pipelines on, a firm whose partner's-partner search lands on a university it is "
        "tied to is introduced, with the university's openness as chance, to a firm of "
        "another region through the university's academic network (false: the search ends "
        "there, as without pipelines)",
        source=(
            "Owen-Smith & Powell 2004 (public research organisations carry knowledge between "
            "distant firms); Bathelt, Malmberg & Maskell 2004"
        ),
    )
    pipeline_premium: float = param(
        1.0,
        "Extra cost of forming a tie with a firm of another region, in units of tie_cost (1: a "
        "distant partner costs a second search and contract: travel, intermediaries, "
        "building trust without co-presence). Not subsidised by a region's tie_cost_factor",
        0,
        100,
        source="Bathelt, Malmberg & Maskell 2004; Storper & Venables 2004",
    )
    fair_every: int = param(
        4,
        "With pipelines on, quarters from one trade fair to the next: in a fair's quarter a new "
        "tie with a firm of another region costs no premium (0: no fairs)",
        0,
        400,
        source=(
            "Maskell, Bathelt & Malmberg 2006 (trade fairs as temporary clusters that build "
            "pipelines); Bathelt & Schuldt 2008 (leading international fairs are annual or "
            "biennial: 4, one a year)"
        ),
    )
    pipeline_upkeep: float = param(
        0.25,
        "Quarterly upkeep of a tie that leaves the region, in units of tie_cost, half to each "
        "end (0.25: the partners meet in person about once a year, e.g. at a trade fair, each "
        "meeting costing about one tie formation); local ties keep up for free through "
        "co-presence",
        0,
        100,
        source="Maskell, Bathelt & Malmberg 2006; Torre 2008",
    )
