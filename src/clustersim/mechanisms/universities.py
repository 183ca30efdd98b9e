"""Universities: where they are, and what they give the regions each quarter (L941-951).

Their knowledge also reaches firms through university ties (mechanisms.ties) and academic
spin-offs (mechanisms.demography.entry)."""

from __future__ import annotations

import numpy as np

from clustersim.world.agents import University
from clustersim.world.state import UniversityArrays


def build(model) -> UniversityArrays:
    """The first university in the focal region, the others spread over the rest; their agents.
    Draws 2 normals per university (place), then ``dims`` per university (knowledge position)."""
    ucfg, rng, reg = model.cfg.universities, model.rng, model.regions
    uni = UniversityArrays(ucfg.count, model.dims)
    others = [r for r in range(reg.n) if r != model.focal]
    for u in range(ucfg.count):
        uni.region[u] = model.focal if u == 0 or not others else others[(u - 1) % len(others)]
    jitter = rng.normal(size=(ucfg.count, 2)) * 3.0
    uni.x, uni.y = model.clip_xy(
        reg.cx[uni.region] + jitter[:, 0], reg.cy[uni.region] + jitter[:, 1]
    )
    uni.kstock[:] = ucfg.knowledge
    uni.kpos[:] = model.cfg.knowledge.initial_spread * rng.normal(size=(ucfg.count, model.dims))
    uni.openness[:] = ucfg.openness
    for u in range(uni.n):
        University(model, u)
    return uni


def update(model) -> None:
    """Universities grow their knowledge, up to the technology frontier, and their graduates
    raise regional skill, which decays back toward its base (L941-951). Graduates fill at most
    the whole skill gap in a quarter (many universities in one region cannot train more than
    its pool: skill is a share and stays at most 1). No random numbers."""
    uni, ucfg, reg = model.universities, model.cfg.universities, model.regions
    uni.kstock = np.minimum(
        uni.kstock * (1.0 + ucfg.growth), np.maximum(uni.kstock, model.frontier)
    )
    grads = np.minimum(np.bincount(uni.region, ucfg.graduates * uni.openness, minlength=reg.n), 1.0)
    reg.skill += grads * (1.0 - reg.skill) - model.cfg.world.skill_decay * (
        reg.skill - reg.base_skill
    )
