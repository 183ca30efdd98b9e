"""Counter-based random streams: draws are functions of their keys, and have the right law."""

from __future__ import annotations

import numpy as np
from scipy import stats

from clustersim.world.state import TIE_FIRM, TIE_UNIVERSITY, tie_ids
from clustersim.world.streams import INNOVATION, SEARCH, TIES, Streams, stream_code


def test_a_draw_depends_only_on_its_keys():
    s = Streams(seed=7, replication=2)
    ids = np.array([5, 9, 11, 400])
    u = s.uniforms(TIES, 3, ids, 4)
    # the same identity reads the same numbers alone, among others, or in another order
    assert np.array_equal(s.uniforms(TIES, 3, ids[[2]], 4)[0], u[2])
    assert np.array_equal(s.uniforms(TIES, 3, ids[::-1], 4), u[::-1])
    assert np.array_equal(s.uniforms(TIES, 3, np.r_[ids, 1, 2, 3], 4)[:4], u)
    # and different numbers in another stream, step, run or replication
    for other in (
        s.uniforms(SEARCH, 3, ids, 4),
        s.uniforms(TIES, 4, ids, 4),
        Streams(8, 2).uniforms(TIES, 3, ids, 4),
        Streams(7, 3).uniforms(TIES, 3, ids, 4),
    ):
        assert not np.any(other == u)


def test_the_model_keys_of_several_streams_are_their_keys():
    s = Streams(7, 2)
    codes = np.array([SEARCH, INNOVATION, TIES])
    for step in (3, 4, 3):  # a new step, another, and back
        keys = s.model_keys(codes, step)
        assert keys.tolist() == [Streams(7, 2).key(int(c), step) for c in codes]
    assert s.model_keys(codes, 3).tolist() != s.model_keys(codes, 4).tolist()


def test_uniforms_and_normals_have_their_laws_and_no_correlation():
    s = Streams(0, 0)
    ids = np.arange(200_000)
    u = s.uniforms(INNOVATION, 1, ids, 2)
    z = s.normals(INNOVATION, 1, ids, 1)[:, 0]
    assert 0.0 <= u.min() and u.max() < 1.0
    assert stats.kstest(u[:, 0], "uniform").pvalue > 0.001
    assert stats.kstest(z, "norm").pvalue > 0.001
    for a, b in ((u[:, 0], u[:, 1]), (u[:, 0], z), (u[:-1, 0], u[1:, 0])):
        assert abs(np.corrcoef(a, b)[0, 1]) < 0.01  # 4.5 standard errors at n = 200,000


def test_pair_ids_ignore_order_but_not_kind():
    a, b = np.array([3, 8, 3]), np.array([8, 3, 8])
    ids = tie_ids(np.arange(10), a, b, np.array([TIE_FIRM, TIE_FIRM, TIE_UNIVERSITY]))
    assert ids[0] == ids[1] and ids[0] != ids[2]


def test_derived_ids_are_stable_distinct_and_exact_in_float():
    s = Streams(1, 0)
    first = s.ids(TIES, 10, np.zeros(1000, np.int64), np.arange(1000))
    assert np.array_equal(first, s.ids(TIES, 10, np.zeros(1000, np.int64), np.arange(1000)))
    assert len(np.unique(first)) == 1000
    assert first.min() >= 0 and first.max() < 2**53


def test_hook_generators_are_private_to_their_stream_and_step():
    s = Streams(3, 0)
    broker = s.generator(stream_code("policy:broker"), 20).random(5)
    assert np.array_equal(broker, s.generator(stream_code("policy:broker"), 20).random(5))
    assert not np.array_equal(broker, s.generator(stream_code("policy:fdi"), 20).random(5))
    assert not np.array_equal(broker, s.generator(stream_code("policy:broker"), 21).random(5))


# ----------------------------------------------------------------------------- in the model
def _small(**kw):
    from clustersim import make_config

    return make_config(n_firms=80, years=10, replications=1, **{"output.write": False}, **kw)


def test_a_hook_that_draws_changes_nothing_else():
    """A hook's draws come from its own stream: drawing alone leaves the run bit-identical."""
    import pandas as pd

    from clustersim.model import ClusterModel
    from clustersim.world.hooks import StepHook

    class Noisy(StepHook):
        name = "noisy"

        def after_market(self, model):
            model.hook_rng("noisy").random(1000)

        def before_entry(self, model):
            model.hook_rng("noisy").normal(size=77)

    def frame(hooked: bool) -> pd.DataFrame:
        model = ClusterModel(_small())
        if hooked:
            model.add_hook(Noisy())
        model.run()
        return model.recorder.frame({})

    pd.testing.assert_frame_equal(frame(False), frame(True), check_exact=True)


def test_firms_born_under_a_policy_exist_in_its_twin():
    """Entrants' ids derive from their causes, so most firms born while a programme runs are
    the same firms, with the same traits, in the no-policy twin."""
    import dataclasses

    from clustersim.conf import PolicyConfig
    from clustersim.experiment.run import run
    from clustersim.viz.presets import compose

    cfg = compose({"policy": "broker"}, overrides={"n_firms": 150, "years": 10}).config
    cfg = dataclasses.replace(cfg, output=dataclasses.replace(cfg.output, write=False))
    twin = dataclasses.replace(cfg, policy=PolicyConfig(name="none"))
    initial = cfg.n_firms  # the initial firms are 0 .. n_firms - 1; the rest were born later
    born = [r.firms[r.firms["uid"] >= initial].set_index("uid") for r in (run(cfg), run(twin))]
    common = born[0].index.intersection(born[1].index)
    assert len(common) >= 0.5 * min(len(born[0]), len(born[1])) > 0
    for col in ("rd", "openness", "opportunism", "origin"):
        assert (born[0].loc[common, col] == born[1].loc[common, col]).all(), col
