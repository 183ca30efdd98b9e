"""Config section of the cluster initiative (``clustersim.institutions.initiative``)."""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.conf.params import param


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
        20,
        "Step at which an engineered or re-engineered initiative starts",
        0,
        100000,
        source=("calibrated: year 5, once the industry has a base to organise (L2961-3050)"),
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
        0.1,
        "Quarterly chance that a non-member core actor is approached",
        0,
        1,
        source=(
            "calibrated: a core actor is approached about once in two and a half years; "
            "recruitment takes years (L3092-3096)"
        ),
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
