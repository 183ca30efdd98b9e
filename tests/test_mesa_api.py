"""ClusterModel as a Mesa model: keyword overrides, preset names, Mesa's rng, DataCollector and
``mesa.batch_run``."""

from __future__ import annotations

import multiprocessing

import mesa
import numpy as np
import pandas as pd
import pytest

from clustersim.conf import ConfigError, make_config
from clustersim.conf.merge import configure, seed_from_rng
from clustersim.experiment.run import run_id
from clustersim.model.model import ClusterModel
from clustersim.observe.reporters import MODEL_REPORTERS
from clustersim.world.agents import Firm

TINY = {"n_firms": 30, "years": 2}


class FirmSizes(ClusterModel):
    """A user's model with an agent reporter, the way batch_run takes one (a class)."""

    def __init__(self, config=None, **kwargs):
        super().__init__(config, agenttype_reporters={Firm: {"employees": "emp"}}, **kwargs)


@pytest.fixture
def restore_start_method():
    """mesa.batch_run forces the 'spawn' start method process-wide; put the old one back."""
    before = multiprocessing.get_start_method(allow_none=True)
    yield
    multiprocessing.set_start_method(before, force=True)


# ----------------------------------------------------------------------------- overrides
@pytest.mark.parametrize(
    "kwargs",
    [
        {"world": {"n_regions": 6}, "n_firms": 40, "market.selection": 3},
        {"world__n_regions": 6, "n_firms": 40, "market__selection": 3},
        {"world": {"n_regions": 6}, "n_firms": 40, "market": {"selection": 3}},
    ],
    ids=["dotted", "double_underscore", "nested"],
)
def test_overrides_in_three_spellings_equal_make_config(kwargs):
    expected = make_config({"world": {"n_regions": 6}}, n_firms=40, **{"market.selection": 3})
    assert ClusterModel(**kwargs).cfg == expected


def test_overrides_merge_over_a_config_key_by_key():
    base = make_config(n_firms=40, **{"world.n_regions": 6, "market.selection": 2.0})
    cfg = ClusterModel(base, world={"size": 50.0}, market__selection=4.0).cfg
    assert cfg == make_config(
        n_firms=40, **{"world.n_regions": 6, "world.size": 50.0, "market.selection": 4.0}
    )
    assert base.market.selection == 2.0  # the caller's config is left alone
    assert ClusterModel({"n_firms": 40}, years=3).cfg == make_config(n_firms=40, years=3)


def test_string_values_of_parameters_are_not_preset_names():
    cfg = configure(None, None, {"engine": "reference", "policy__name": "mine"})
    assert (cfg.engine, cfg.policy.name) == ("reference", "mine")
    model = ClusterModel(**{"initiative.route": "organic", "sector_name": "x"}, **TINY)
    assert (model.cfg.initiative.route, model.cfg.sector_name) == ("organic", "x")


def test_without_overrides_the_config_is_used_as_given():
    cfg = make_config(n_firms=40, seed=5, replication=2)
    model = ClusterModel(cfg)
    assert model.cfg == cfg and model.cfg is not cfg
    assert configure(cfg) is cfg


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"market.selection": -1}, r"market\.selection=-1: out of range; allowed: float in"),
        ({"market__selectoin": 3}, r"market\.selectoin: unknown key; allowed keys here: .*"),
        ({"engine": "gpu"}, r"engine='gpu': unknown value; allowed: numba \| reference"),
        ({"n_firms": "many"}, r"n_firms='many': must be an integer"),
        ({"world": 3}, r"world=3: must be a mapping of WorldConfig keys"),
        ({"n_firms.x": 1}, r"n_firms=\{'x': 1\}: must be an integer"),
        ({"policy": "nope"}, r"policy='nope': unknown preset; allowed: .*broker"),
        ({"colour": "red"}, r"colour='red': unknown key; preset groups: .*sector"),
        ({"world": "big"}, r"world='big': a config section takes a mapping"),
        ({"sector": 3}, r"sector: unknown key"),
    ],
)
def test_bad_override_raises_config_error_naming_key_value_and_allowed(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        ClusterModel(**kwargs)


def test_dotted_key_through_a_parameter_of_a_given_config_is_refused():
    with pytest.raises(ConfigError, match=r"n_firms\.x=1: n_firms\.x does not name a parameter"):
        ClusterModel(make_config(), **{"n_firms.x": 1})


# ----------------------------------------------------------------------------- presets
SMALL = {"n_firms": 80, "years": 10}


@pytest.mark.parametrize(
    "choices",
    [
        {"policy": "broker"},
        {"policy": "package", "sector": "biotech"},
        {"process": "reengineered", "circumstance": "developing"},
        {"scenario": "default", "sector": "traditional", "policy": "fdi"},
    ],
    ids=lambda c: "+".join(c.values()),
)
def test_preset_names_give_the_config_hydra_composes(choices):
    """Same run id as the CLI's composition: every parameter equal, number types included."""
    from clustersim.cli.compose import compose

    composed = compose([f"{k}={v}" for k, v in {**choices, **SMALL}.items()])
    cfg = ClusterModel(**choices, **SMALL).cfg
    assert run_id(cfg) == run_id(composed)
    assert cfg.policy.name == composed.policy.name


def test_preset_files_are_merged_in_defaults_order_with_their_package(tmp_path):
    """The yaml loader itself: order from config.yaml, a group-packaged file, typing, refusals."""
    (tmp_path / "config.yaml").write_text("defaults:\n  - second: b\n  - first: a\n  - _self_\n")
    for group, name, text in [
        ("first", "a", "# @package _global_\nn_firms: 11\nyears: 3\n"),
        ("second", "b", "# @package _global_\nn_firms: 22\nseed: 4\n"),
        ("market", "steep", "selection: 5\n"),  # no header: packaged under its group
        ("market", "hydra_only", "defaults:\n  - base\nselection: 5\n"),
        ("market", "interpolated", "selection: ${market.fit_width}\n"),
    ]:
        (tmp_path / group).mkdir(exist_ok=True)
        (tmp_path / group / f"{name}.yaml").write_text(text)
    cfg = configure(None, None, {"first": "a", "second": "b", "market": "steep"}, tmp_path)
    assert (cfg.n_firms, cfg.years, cfg.seed) == (11, 3, 4)  # first merges after second
    assert cfg.market.selection == 5.0 and isinstance(cfg.market.selection, float)
    for name in ("hydra_only", "interpolated"):
        with pytest.raises(ConfigError, match="cli.compose.compose"):
            configure(None, None, {"market": name}, tmp_path)


# ----------------------------------------------------------------------------- rng
def test_rng_int_is_the_seed():
    by_rng = ClusterModel(rng=7, **TINY)
    by_seed = ClusterModel(seed=7, **TINY)
    assert by_rng.cfg == by_seed.cfg == make_config(seed=7, **TINY)
    by_rng.run(4)
    by_seed.run(4)
    pd.testing.assert_frame_equal(by_rng.recorder.frame(), by_seed.recorder.frame())
    assert not by_rng.recorder.frame().equals(ClusterModel(rng=8, **TINY).recorder.frame())


def test_rng_none_keeps_the_configs_seed_and_replication():
    model = ClusterModel(seed=3, replication=2, **TINY)
    assert (model.cfg.seed, model.cfg.replication) == (3, 2)


def test_rng_generator_and_seed_sequence_map_to_seed_and_replication():
    seeds = [seed_from_rng(np.random.default_rng(42), 0, 0) for _ in range(2)]
    assert seeds[0] == seeds[1] and 0 <= seeds[0][0] < 2**63  # one draw, reproducible
    gen = np.random.default_rng(42)
    assert seed_from_rng(gen, 0, 0) != seed_from_rng(gen, 0, 0)  # and it advances the generator
    children = np.random.SeedSequence(7).spawn(3)
    assert [seed_from_rng(c, 0, 0) for c in children] == [(7, 0), (7, 1), (7, 2)]
    assert seed_from_rng(np.random.SeedSequence(7), 0, 5) == (7, 5)
    seed, rep = seed_from_rng(np.random.SeedSequence([1, 2, 3]), 0, 1)
    assert rep == 1 and 0 <= seed < 2**63
    child = ClusterModel(rng=children[2], **TINY)
    assert (child.cfg.seed, child.cfg.replication) == (7, 2)


@pytest.mark.parametrize("rng", ["abc", -1, True])
def test_bad_rng_raises_config_error(rng):
    with pytest.raises(ConfigError, match="rng="):
        ClusterModel(rng=rng, **TINY)


def test_rng_and_seed_together_are_refused():
    with pytest.raises(ConfigError, match="pass one of them"):
        ClusterModel(rng=1, seed=2, **TINY)


# ----------------------------------------------------------------------------- DataCollector
def test_datacollector_matches_the_recorder_and_stops_at_the_horizon():
    model = ClusterModel(**TINY)
    model.run_model()  # Mesa's loop: runs until `running` turns False
    assert model.t == model.steps == model.cfg.steps and not model.running
    df = model.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == list(MODEL_REPORTERS)
    assert len(df) == model.cfg.steps + 1  # the initial state and every step
    ts = model.recorder.frame()
    by_step = ts.groupby("step")
    # sums over the regions, in numpy's order rather than pandas'
    np.testing.assert_allclose(df["employment"], by_step["employment"].sum(), rtol=1e-13)
    np.testing.assert_array_equal(df["firms"], by_step["firms"].sum())
    focal = ts[ts.is_focal].set_index("step")
    np.testing.assert_array_equal(df["focal_employment"], focal["employment"])
    assert list(df["stage"]) == list(focal["stage"])


def test_collection_does_not_change_the_run():
    on, off = ClusterModel(**TINY), ClusterModel(collect=False, **TINY)
    assert off.datacollector is None
    on.run_model()
    off.run_model()
    assert off.t == off.cfg.steps and not off.running
    pd.testing.assert_frame_equal(on.recorder.frame(), off.recorder.frame())


def test_agent_reporter_on_firms():
    model = ClusterModel(
        agenttype_reporters={Firm: {"employees": "emp", "region": "region"}},
        model_reporters={"mean_size": "mean_size_attr"},
        **TINY,
    )
    model.mean_size_attr = 1.0
    model.run(3)
    firms = model.datacollector.get_agenttype_vars_dataframe(Firm)
    last = firms.xs(3, level="Step")
    assert len(last) == len(model.firms.live)
    assert last["employees"].sum() == pytest.approx(model.firms.emp[model.firms.live].sum())
    ts = model.recorder.frame()
    assert firms.groupby("Step")["employees"].sum().to_numpy() == pytest.approx(
        ts.groupby("step")["employment"].sum().to_numpy()
    )
    assert model.datacollector.get_model_vars_dataframe()["mean_size"].tolist() == [1.0] * 4


def test_collect_period_thins_the_datacollector_and_keeps_the_last_step():
    model = ClusterModel(collect=3, agenttype_reporters={Firm: {"employees": "emp"}}, **TINY)
    model.run_model()
    steps = model.datacollector.get_model_vars_dataframe()["year"] * 4
    assert steps.tolist() == [0, 3, 6, 8]
    firms = model.datacollector.get_agenttype_vars_dataframe(Firm)
    assert sorted(firms.index.get_level_values("Step").unique()) == [0, 3, 6, 8]
    with pytest.raises(ValueError, match="collect="):
        ClusterModel(collect=-1, **TINY)


def test_reporters_need_collect():
    with pytest.raises(ValueError, match="collect=True"):
        ClusterModel(collect=False, model_reporters={"x": "t"}, **TINY)


# ----------------------------------------------------------------------------- batch_run
def _batch(**kwargs) -> pd.DataFrame:
    params = {"n_firms": [30, 40], "policy": ["none", "broker"], "years": 6}
    rows = mesa.batch_run(
        ClusterModel,
        parameters=params,
        rng=[0, 1],
        max_steps=100,  # past the 24-step horizon: `running` must stop each run
        number_processes=1,
        display_progress=False,
        **kwargs,
    )
    return pd.DataFrame(rows)


def test_batch_run_gives_one_row_per_run_and_step(restore_start_method):
    df = _batch(data_collection_period=1)
    keys = ["RunId", "iteration", "Step", "n_firms", "policy", "years", "rng"]
    assert list(df.columns) == keys + list(MODEL_REPORTERS)
    assert len(df) == 2 * 2 * 2 * 25  # 8 runs x (initial state + 24 steps)
    assert df.groupby("RunId").size().eq(25).all()
    assert df.groupby(["n_firms", "policy", "rng"]).ngroups == 8
    pd.testing.assert_frame_equal(df, _batch(data_collection_period=1))  # deterministic
    # a row is the run ClusterModel builds from the same keywords
    one = df[(df.n_firms == 40) & (df.policy == "broker") & (df.rng == 1)]
    model = ClusterModel(n_firms=40, policy="broker", years=6, rng=1)
    model.run()
    emp = model.recorder.frame().groupby("step")["employment"].sum()
    np.testing.assert_allclose(one["employment"].to_numpy(), emp.to_numpy(), rtol=1e-13)
    twin = df[(df.n_firms == 40) & (df.policy == "none") & (df.rng == 1)]
    assert one["focal_employment"].iloc[-1] != twin["focal_employment"].iloc[-1]  # the broker


def test_batch_run_yearly_rows_and_agent_rows(restore_start_method):
    yearly = _batch(data_collection_period=4)
    assert sorted(yearly.Step.unique()) == [0, 4, 8, 12, 16, 20, 24]
    rows = mesa.batch_run(
        FirmSizes,
        parameters={"n_firms": 30, "years": 2},
        rng=[5],
        max_steps=100,
        number_processes=1,
        display_progress=False,
    )
    df = pd.DataFrame(rows)  # data_collection_period=-1: the last step, one row per firm
    model = FirmSizes(n_firms=30, years=2, rng=5)
    model.run_model()
    assert len(df) == len(model.firms.live) and (df.Step == 8).all()
    assert df["employees"].sum() == pytest.approx(df["employment"].iloc[0])


def _agents(model):
    return [(a.unique_id, type(a), getattr(a, "slot", -1)) for a in model.agents]


def _watched(**kwargs):
    """A model whose agents a subscriber to Mesa's signals sees come and go one by one."""
    seen = []

    class Observer:
        def handle(self, message):
            seen.append(message.signal_type)

    model = ClusterModel(**kwargs)
    model.observer = Observer()  # kept alive: Mesa holds its subscribers weakly
    for signal in (mesa.model.ModelSignals.AGENT_ADDED, mesa.model.ModelSignals.AGENT_REMOVED):
        model.observe("agents", signal, model.observer.handle)
    return model, seen


def test_firm_agents_come_and_go_in_batches_as_mesa_would_one_by_one():
    """Unobserved, firm agents are registered in batches; observed, one by one with Mesa's
    signals: the same agents, ids and order either way."""
    quiet = ClusterModel(**TINY, collect=False)
    quiet.run()
    watched, seen = _watched(**TINY, collect=False)
    watched.run()
    assert _agents(quiet) == _agents(watched)
    assert quiet.agent_id_counter == watched.agent_id_counter
    assert len(seen) > 0
    assert sorted(quiet.agent_of) == quiet.firms.live.tolist()
    firm = next(iter(quiet.agents_by_type[Firm]))
    firm.remove()
    assert firm not in quiet.agents and firm not in quiet.agents_by_type[Firm]


def test_firm_agents_made_when_read_are_the_ones_mesa_would_have_made():
    """Unobserved, a firm's agent is made only when something reads the agents. Read at any
    point, mid-run or after firms came and went unread, and with an agent of another kind
    registered while firm agents waited, the agents, their ids, their order in Mesa's sets and
    the slots they view are those of a model that made each one when its firm entered."""
    lazy = ClusterModel(n_firms=40, years=4, collect=False)
    eager, seen = _watched(n_firms=40, years=4, collect=False)
    assert lazy.firm_agents.n_waiting == 40  # nothing has read them yet
    for step in range(1, 17):
        lazy.step()
        eager.step()
        if step == 5:  # another kind of agent joins while the firms' agents wait
            for model in (lazy, eager):
                mesa.Agent(model)
        if step % 4 == 1:
            assert lazy.firm_agents.n_waiting > 0
            assert _agents(lazy) == _agents(eager)
            assert lazy.firm_agents.n_waiting == 0
            assert list(lazy.agents_by_type) == list(eager.agents_by_type)
            assert [a.unique_id for a in lazy.agents_by_type[Firm]] == [
                a.unique_id for a in eager.agents_by_type[Firm]
            ]
            held = dict(lazy.agent_of)
    assert _agents(lazy) == _agents(eager)
    assert lazy.agent_id_counter == eager.agent_id_counter
    assert sorted(lazy.agent_of) == lazy.firms.live.tolist()
    exits = lazy.recorder.frame()["exits"].sum()
    assert exits > 0 and seen.count(mesa.model.ModelSignals.AGENT_REMOVED) == exits
    # an agent made once is the same object until its firm leaves
    stayed = [s for s, a in held.items() if lazy.agent_of.get(s) is a]
    assert len(stayed) > 0.5 * len(held)
    assert all(lazy.agent_of[s].uid == lazy.firms.uid[s] for s in lazy.agent_of)


def test_a_subscriber_arriving_mid_run_sees_every_firm_agent():
    """Agents that waited unread are made, with their ids, once something starts observing;
    from then on each one comes and goes with Mesa's signals."""
    model = ClusterModel(n_firms=40, years=4, collect=False)
    model.run(6)
    waiting = model.firm_agents.n_waiting
    seen = []

    class Observer:
        def handle(self, message):
            seen.append(message.signal_type)

    observer = Observer()
    model.observe("agents", mesa.model.ModelSignals.AGENT_REMOVED, observer.handle)
    model.run(6)
    assert waiting > 0 and model.firm_agents.n_waiting == 0
    frame = model.recorder.frame()
    exits = frame.loc[frame["step"] > 6, "exits"].sum()
    assert exits > 0 and len(seen) == exits
    reference, _ = _watched(n_firms=40, years=4, collect=False)
    reference.run(12)
    assert _agents(model) == _agents(reference)
