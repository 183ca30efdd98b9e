"""Universities that decide (mechanisms.universities): budget, research agenda, technology
transfer, and their response to training and R&D policies."""

from __future__ import annotations

import numpy as np
import pytest

from clustersim import make_config, run
from clustersim.mechanisms import universities
from clustersim.model import ClusterModel
from clustersim.viz.presets import compose
from clustersim.world.state import TIE_UNIVERSITY

QUIET = {"output.write": False, "output.figures": False}
DECIDE = {**QUIET, "universities.decide": True}


def _model(years: int = 12, **overrides) -> ClusterModel:
    model = ClusterModel(make_config(years=years, n_firms=120, **{**DECIDE, **overrides}))
    model.run()
    return model


def _partners_centroid(model) -> np.ndarray:
    """The contract-weighted knowledge position of university 0's partners, as it weighs them."""
    t, f, c = model.ties, model.firms, model.cfg.universities
    mine = (t.view("kind") == TIE_UNIVERSITY) & (t.view("b") == 0)
    a = t.view("a")[mine]
    w = c.contract_research * t.view("trust")[mine] * f.rd[a] * f.sales[a]
    return (w[:, None] * f.kpos[a]).sum(axis=0) / w.sum()


def test_without_industry_money_the_agenda_stays_home_and_openness_at_its_base():
    model = _model(**{"universities.contract_research": 0.0})
    uni = model.universities
    assert np.array_equal(uni.kpos, uni.home)
    assert uni.industry[0] == 0.0
    assert uni.openness[0] == model.cfg.universities.openness


def test_industry_money_pulls_the_agenda_toward_the_partners():
    model = _model(years=20, **{"universities.contract_research": 1.0})
    uni = model.universities
    centroid = _partners_centroid(model)
    share = uni.industry[0] / (uni.core[0] + uni.industry[0] + uni.programme[0])
    assert share > 0.3  # a university that lives on contracts
    before = np.linalg.norm(uni.home[0] - centroid)
    after = np.linalg.norm(uni.kpos[0] - centroid)
    assert after < 0.8 * before, (before, after)


def test_the_agenda_returns_home_when_industry_leaves():
    model = _model(years=20, **{"universities.contract_research": 1.0})
    uni = model.universities
    away = np.linalg.norm(uni.kpos[0] - uni.home[0])
    model.universities.industry[:] = 0.0
    model.ties.keep(model.ties.view("kind") != TIE_UNIVERSITY)  # every partner leaves
    for _ in range(40):  # ten years
        universities.decide(model)
    back = np.linalg.norm(uni.kpos[0] - uni.home[0])
    speed = model.cfg.universities.agenda_speed
    assert back == pytest.approx(away * (1 - speed) ** 40, rel=1e-9)


def test_openness_is_the_base_plus_the_third_stream_share_of_the_gap():
    model = _model(years=1)
    uni, base = model.universities, model.cfg.universities.openness
    model.ties.keep(model.ties.view("kind") != TIE_UNIVERSITY)  # no contract income from now on
    uni.industry[:] = 0.0
    for _ in range(400):  # a programme paying as much as the core, for a century
        universities.receive(model, int(uni.region[0]), float(uni.core[0]))
        universities.decide(model)
    assert uni.programme[0] == pytest.approx(uni.core[0])
    assert uni.openness[0] == pytest.approx(base + (1 - base) * 0.5)


def test_a_region_without_a_university_buys_its_courses_elsewhere():
    model = _model(years=1, **{"universities.count": 1})
    other = next(r for r in range(model.regions.n) if r not in model.universities.region)
    assert not universities.receive(model, other, 10.0)
    assert model.universities.programme_now.sum() == 0.0


def _university_path(policy: str | None, years: int = 15) -> list[tuple[float, float, float]]:
    choices = {"policy": policy} if policy else {}
    cfg = compose(choices, overrides={"years": years, **DECIDE}).config
    model = ClusterModel(cfg)
    path = []
    for _ in range(years):
        model.run(4)
        u = model.universities
        path.append((float(u.openness[0]), float(u.industry[0]), float(u.programme[0])))
    return path


def test_training_delivered_by_the_university_raises_its_openness_while_it_runs():
    """The training preset runs from year 5 to 15 in the focal region, where the university is."""
    base, trained = _university_path(None), _university_path("training")
    assert trained[3] == base[3]  # year 4: before the programme, the same world
    assert trained[9][2] > 0.5 * trained[9][1]  # year 10: programme money is a budget stream
    assert trained[9][0] > base[9][0] + 0.1  # and buys a good deal of technology transfer


def test_an_rd_subsidy_raises_the_universitys_contract_income():
    base, subsidised = _university_path(None), _university_path("rd_subsidy")
    assert subsidised[3] == base[3]
    assert subsidised[13][1] > 1.1 * base[13][1]  # firms contract part of their extra R&D


def test_no_university_runs_clean():
    res = run(make_config(years=5, n_firms=60, **{**DECIDE, "universities.count": 0}))
    assert len(res.events["universities"]) == 0
    assert np.isfinite(res.timeseries.select_dtypes("number").to_numpy()).all()


def test_passive_universities_ignore_their_budget():
    """The default: universities keep their agenda and openness whatever they are paid."""
    cfg = compose({"policy": "training"}, overrides={"years": 12, **QUIET}).config
    model = ClusterModel(cfg)
    model.run()
    uni = model.universities
    assert uni.openness[0] == cfg.universities.openness
    assert np.array_equal(uni.kpos, uni.home)
