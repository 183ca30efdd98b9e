"""The teaching app's logic without a browser: presets, interventions, replay, charts,
explanations, the comparison and the offline asset cache."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clustersim.conf import ConfigError
from clustersim.viz import assets, charts, comparison, explain, presets
from clustersim.viz.live import (
    TEACHING_BUDGET,
    AppModel,
    Intervention,
    Setup,
    instrument_preset,
    model_kwargs,
    readout,
    replay,
)

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "src" / "clustersim" / "conf" / "presets"
SMALL = {"n_firms": 60}


@pytest.fixture
def config_dir(tmp_path, monkeypatch):
    """A copy of the shipped presets plus a made-up preset group and exercise, so the tests
    see how presets on disk reach the app without depending on the shipped preset values."""
    cdir = tmp_path / "presets"
    shutil.copytree(CONFIGS, cdir)
    (cdir / "landscape").mkdir()
    (cdir / "landscape" / "crowded.yaml").write_text(
        "# @package _global_\nworld:\n  labour_pool_per_firm: 40.0\n"
    )
    (cdir / "landscape" / "roomy.yaml").write_text(
        "# @package _global_\nworld:\n  labour_pool_per_firm: 120.0\n"
    )
    (cdir / "exercise").mkdir(exist_ok=True)
    (cdir / "exercise" / "crowding.yaml").write_text(
        "# @package _global_\n# Exercise: What does crowding do?\n"
        "defaults:\n  - /landscape: crowded\nn_firms: 70\nyears: 5\n"
    )
    monkeypatch.setenv("CLUSTERSIM_CONFIG_DIR", str(cdir))
    return cdir


# ----------------------------------------------------------------- presets
def test_preset_groups_come_from_the_folders_on_disk(config_dir):
    groups = presets.preset_groups()
    assert groups["landscape"] == ["crowded", "roomy"]
    assert "exercise" not in groups and "hydra" not in groups
    assert presets.exercises()["crowding"] == "What does crowding do?"


def test_compose_applies_group_choices_and_exercise(config_dir):
    plain = presets.compose({"landscape": "roomy"})
    assert plain.config.world.labour_pool_per_firm == 120.0
    assert plain.choices["landscape"] == "roomy"
    ex = presets.compose({}, "crowding")
    assert ex.config.world.labour_pool_per_firm == 40.0 and ex.config.n_firms == 70
    # a group chosen in the app wins over the exercise's choice, as on the command line
    mixed = presets.compose({"landscape": "roomy"}, "crowding")
    assert mixed.config.world.labour_pool_per_firm == 120.0 and mixed.config.n_firms == 70


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"choices": {"landscape": "flat"}}, "landscape='flat': unknown preset; allowed: crowded"),
        ({"choices": {"weather": "rain"}}, "weather: unknown preset group"),
        (
            {"exercise": "nope"},
            "exercise='nope': unknown exercise; allowed: broker_empty | crowding",
        ),
        ({"overrides": {"n_firms": -3}}, "n_firms=-3: out of range"),
    ],
)
def test_bad_presets_fail_with_a_clear_message(config_dir, kwargs, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        presets.compose(**kwargs)


# ----------------------------------------------------------------- the app's model
def test_app_model_keywords_build_the_config(config_dir):
    m = AppModel(seed=7, preset_landscape="crowded", **SMALL)
    assert m.cfg.seed == 7 and m.cfg.n_firms == 60
    assert m.cfg.world.labour_pool_per_firm == 40.0
    assert len(m.firms.live) == 60 and m.running
    with pytest.raises(ConfigError, match="colour: unknown app model keyword"):
        AppModel(colour="red")


def test_mesa_reset_keyword_scenario_is_accepted(config_dir):
    """SolaraViz passes Mesa's scenario object on Reset; the model's randomness is its seed."""
    from mesa.experimental.scenarios import Scenario

    a = AppModel(seed=3, scenario=Scenario(rng=99), **SMALL)
    b = AppModel(seed=3, **SMALL)
    np.testing.assert_array_equal(a.firms.x, b.firms.x)


def test_interventions_wait_for_the_next_step_and_are_logged(config_dir):
    m = AppModel(seed=1, **SMALL)
    m.step()
    m.request_shock()
    m.request_set("trust.search_rate", 0.5)
    assert m.cfg.trust.search_rate == 0.25  # not yet: the step in progress is never changed
    assert m.pending_value("trust.search_rate") == 0.5
    m.step()
    assert m.cfg.trust.search_rate == 0.5
    assert m.cfg.shocks.steps == [1]
    assert m.interventions == [
        Intervention(1, "shock"),
        Intervention(1, "trust.search_rate", 0.5),
    ]


def test_bad_intervention_fails_now_with_a_clear_message(config_dir):
    m = AppModel(**SMALL)
    with pytest.raises(ConfigError, match=r"trust.search_rate=2: out of range"):
        m.request_set("trust.search_rate", 2)
    with pytest.raises(ConfigError, match="trust.nonsense: unknown config key"):
        m.request_set("trust.nonsense", 1)
    assert m._pending == []


def test_a_shock_moves_demand_and_costs_the_same_draws_as_a_configured_one(config_dir):
    live = AppModel(seed=2, **SMALL)
    for _ in range(3):
        live.step()
    live.request_shock()
    live.step()
    planned = AppModel(seed=2, **SMALL)
    planned.cfg.shocks.steps.append(3)
    planned.run(4)
    np.testing.assert_array_equal(live.demand, planned.demand)
    np.testing.assert_array_equal(live.firms.emp, planned.firms.emp)
    calm = AppModel(seed=2, **SMALL)
    calm.run(4)
    assert np.linalg.norm(live.demand - calm.demand) > 0.5  # the jump (shocks.size = 0.8)


def test_replay_reproduces_a_run_with_interventions_exactly(config_dir):
    m = AppModel(seed=4, **SMALL)
    for t in range(12):
        if t == 3:
            m.request_shock()
        if t == 6:
            m.request_set("market.selection", 4.0)
        m.step()
    again = replay(m.setup, m.interventions, m.t)
    assert again.frame().equals(m.frame())
    without = replay(m.setup, m.interventions, m.t, keep=lambda iv: iv.key != "shock")
    assert not without.frame().equals(m.frame())


def test_model_stops_at_the_horizon(config_dir):
    m = AppModel(exercise="crowding")
    assert m.cfg.steps == 20
    m.run(20)
    assert not m.running


def test_readout_matches_the_time_series(config_dir):
    m = AppModel(seed=5, **SMALL)
    m.run(8)
    r = readout(m)
    ts = m.frame()
    focal = ts[ts.region == m.focal]
    assert r.year == 2.0
    assert r.firms == int(focal.firms.iloc[-1]) == int((m.firms.region[m.firms.live] == 0).sum())
    assert r.employment == pytest.approx(focal.employment.iloc[-1])
    inno = focal.tail(4)
    assert r.innovations_year == int(
        inno.innovations_incremental.sum() + inno.innovations_radical.sum()
    )
    if "stage" in ts.columns:
        assert r.stage == focal.stage.iloc[-1]


def test_setup_round_trips_through_model_keywords(config_dir):
    m = AppModel(seed=9, preset_landscape="roomy", exercise="crowding", n_firms=50)
    again = AppModel(**model_kwargs(m.setup))
    assert again.setup == m.setup
    np.testing.assert_array_equal(again.firms.emp, m.firms.emp)


# ----------------------------------------------------------------- charts
def _layer_data(spec, name):
    return spec["datasets"][name]


@pytest.mark.parametrize("colour_by", list(charts.COLOUR_BY))
def test_map_has_every_firm_institution_and_region(config_dir, colour_by):
    m = AppModel(seed=1, **SMALL)
    m.run(6)
    spec = charts.map_chart(m, colour_by, show_ties=True)
    firms = _layer_data(spec, "firms")
    live = m.firms.live
    assert len(firms) == len(live)
    assert [f["employment"] for f in firms] == pytest.approx(m.firms.emp[live], abs=0.005)
    assert len(_layer_data(spec, "regions")) == m.regions.n
    kinds = [i["kind"] for i in _layer_data(spec, "institutions")]
    assert kinds.count("university") == m.universities.n
    assert len(kinds) == m.universities.n + m.financiers.n
    ties = _layer_data(spec, "ties")
    n_drawn = int(np.isin(m.ties.view("kind"), [0, 1]).sum())
    assert len(ties) == n_drawn and all(0 <= t["trust"] <= 1 for t in ties)
    assert all(f["colour"] is not None for f in firms)


def test_map_without_ties_has_no_tie_layer(config_dir):
    m = AppModel(**SMALL)
    spec = charts.map_chart(m, "region", show_ties=False)
    assert "ties" not in spec["datasets"]
    with pytest.raises(ValueError, match="colour_by='size': allowed"):
        charts.map_chart(m, "size", False)


def test_region_colouring_names_the_firms_region(config_dir):
    m = AppModel(seed=2, **SMALL)
    firms = _layer_data(charts.map_chart(m, "region", False), "firms")
    names = [
        "focal region" if r == m.focal else f"region {r}" for r in m.firms.region[m.firms.live]
    ]
    assert [f["colour"] for f in firms] == names


def test_colour_scales_are_fixed_through_a_lesson(config_dir):
    """Legends do not rescale mid-lesson and a region keeps its colour in every chart."""
    m = AppModel(seed=2, **SMALL)
    m.run(4)

    def scale(spec, field="colour"):
        layers = spec.get("layer") or []
        enc = [la["encoding"]["color"] for la in layers if la.get("encoding", {}).get("color")]
        return [e["scale"] for e in enc if e.get("field") == field][0]

    dist = scale(charts.map_chart(m, "technology: distance from demand", False))
    assert dist["domain"] == [0.0, 2.0] and dist["clamp"]
    regions = scale(charts.map_chart(m, "region", False))
    assert regions["domain"][:2] == ["focal region", "region 1"]
    sizes = charts.size_chart(m.frame(), m.focal)
    who = sizes["vconcat"][0]["encoding"]["color"]["scale"]
    assert who == regions


def test_founded_after_the_shock_colouring(config_dir):
    m = AppModel(seed=4, **SMALL)
    m.run(4)
    colour = "founded after the shock?"
    assert {f["colour"] for f in _layer_data(charts.map_chart(m, colour, False), "firms")} == {
        charts.NO_SHOCK
    }
    m.request_shock()
    m.run(12)
    got = [f["colour"] for f in _layer_data(charts.map_chart(m, colour, False), "firms")]
    live = m.firms.live
    want = np.where(m.firms.born[live] >= 4, charts.AFTER_SHOCK, charts.BEFORE_SHOCK)
    assert got == list(want)


def test_time_series_charts_carry_the_focal_series(config_dir):
    m = AppModel(seed=3, **SMALL)
    m.run(9)
    ts = m.frame()
    size = charts.size_chart(ts, m.focal)
    rows = _layer_data(size, "regions")
    assert len(rows) == 10 * m.regions.n
    assert {r["who"] for r in rows} == {"focal region", "region 1", "region 2", "region 3"}
    focal_ts = ts[ts.region == m.focal]
    net = _layer_data(charts.network_chart(ts, m.focal), "focal")
    assert [r["tie_density"] for r in net] == pytest.approx(list(focal_ts.tie_density), abs=1e-4)
    for r, trust in zip(net, focal_ts.trust_mean, strict=True):
        assert (r["trust_mean"] is None) == bool(np.isnan(trust))
    if "stage" in ts.columns:
        band = _layer_data(size, "stage")
        assert [b["stage"] for b in band] == list(ts[ts.region == m.focal].stage)
        assert band[0]["year2"] - band[0]["year"] == pytest.approx(0.25)
    inno = charts.yearly_innovations(ts, m.focal)
    focal = ts[(ts.region == m.focal) & (ts.step > 0)]
    assert inno.innovations.sum() == focal.innovations_incremental.sum() + (
        focal.innovations_radical.sum()
    )
    assert sorted(inno.year.unique()) == [0, 1, 2]  # steps 1-4, 5-8, 9


def test_records_turn_nan_into_null():
    rows = charts.records(pd.DataFrame({"a": [1.0, np.nan], "b": ["x", "y"]}))
    assert rows == [{"a": 1.0, "b": "x"}, {"a": None, "b": "y"}]


# ----------------------------------------------------------------- explanations
def test_every_stage_and_phase_has_a_note():
    from clustersim.institutions.initiative import PHASES
    from clustersim.observe.lifecycle import STAGES

    for stage in STAGES:
        note = explain.stage_note(stage)
        assert note is not None and note.source.startswith("Whitebook")
    for phase in PHASES:
        assert (explain.phase_note(phase) is None) == (phase == "none"), phase


def test_a_recent_shock_is_the_first_rule_explained(config_dir):
    m = AppModel(seed=1, **SMALL)
    m.run(4)
    m.request_shock()
    m.run(2)
    rules = explain.rules_in_play(
        m.frame()[m.frame().region == m.focal], m.cfg.shocks.steps, m.regions.critical_mass
    )
    assert rules[0] is explain.RULES["shock"]
    m.run(10)  # two and a half years later the shock is no longer news
    rules = explain.rules_in_play(
        m.frame()[m.frame().region == m.focal], m.cfg.shocks.steps, m.regions.critical_mass
    )
    assert explain.RULES["shock"] not in rules and 1 <= len(rules) <= 2


# ----------------------------------------------------------------- comparison
def test_without_policy_the_twin_is_the_same_run(config_dir):
    m = AppModel(seed=6, **SMALL, exercise="crowding")
    m.run(3)
    m.request_shock()
    m.run(2)
    c = comparison.compare(m, years=[1, 2], seeds=2)
    assert c.policy.equals(c.twin)  # no policy anywhere: nothing differs
    assert c.key == comparison.key(m)
    assert list(c.by_seed.seed) == [6, 6, 7, 7] and c.years == [1.0, 2.0]
    lines = dict(comparison.summary_lines(c))
    assert "without (twin)" in lines["cs-cmp-employment cs-cmp-employment-y2"]
    assert lines["cs-cmp-employment cs-cmp-employment-y2"].endswith("difference +0")
    assert "positive in 0 of 2" in lines["cs-cmp-seeds cs-cmp-seeds-employment-y2"]
    table = comparison.seed_table(c, 2.0)
    assert list(table.seed) == [6, 7] and (table["Employment: difference"] == "+0").all()


def test_switching_an_instrument_on_and_off(config_dir):
    m = AppModel(seed=2, **SMALL)
    m.run(5)
    assert not m.instrument_on("broker")
    m.request_switch("broker", True)
    assert m.instrument_on("broker") and m.running_instruments() == []
    m.step()  # step 5 -> 6: the programme waits for the next budget year (step 8)
    (prog,) = m.policy.programmes
    assert prog.start == 8 and prog.end == m.cfg.steps
    # run as the broker's policy preset defines it: parameters, funding level, budget
    preset = presets.compose({"policy": "broker"}).config.policy
    assert prog.prog.params == preset.programmes["broker"].params
    assert prog.prog.level == "regional"
    assert m.cfg.policy.regional.budget == preset.regional.budget
    m.run(2)
    assert m.running_instruments() == []
    m.step()
    assert m.running_instruments() == ["broker"]
    m.request_intensity("broker", 2.5)
    m.run(4)
    assert prog.prog.intensity == 2.5 and m.instrument_intensity("broker") == 2.5
    spend = m.frame().query("region == @m.focal")["policy_spend"]
    assert spend.iloc[:9].sum() == 0 and spend.iloc[9:].sum() > 0
    m.request_switch("broker", False)
    m.step()
    assert prog.ended and m.running_instruments() == [] and not m.instrument_on("broker")
    m.request_switch("broker", True)  # on again: a new programme from the next budget year
    m.run(4)
    assert [p.key for p in m.policy.programmes] == ["app_broker_0", "app_broker_1"]
    assert m.running_instruments() == ["broker"]


def test_instrument_without_a_preset_gets_default_funding(config_dir):
    (config_dir / "policy" / "training.yaml").unlink()
    prog, budget = instrument_preset("training")
    assert prog.level == "regional" and prog.params == {} and budget == TEACHING_BUDGET
    prog, budget = instrument_preset("fdi")
    assert prog.level == "national" and budget > 0


def test_bad_policy_requests_fail_with_a_clear_message(config_dir):
    m = AppModel(**SMALL, exercise="crowding")
    with pytest.raises(ConfigError, match="'teleport': unknown policy instrument; allowed: broker"):
        m.request_switch("teleport", True)
    with pytest.raises(ConfigError, match=r"policy.intensity.fdi=-1: out of range"):
        m.request_intensity("fdi", -1)
    m.run(17)  # the exercise's run ends at year 5: no budget year is left to start in
    with pytest.raises(ConfigError, match="start_year=5: the programme would start after"):
        m.request_switch("training", True)


def test_policy_twin_matches_a_run_without_policy_and_shares_its_past(config_dir):
    m = AppModel(seed=3, **SMALL)
    m.run(6)
    m.request_switch("training", True)
    m.run(2)
    c = comparison.compare(m, years=[5])
    plain = AppModel(seed=3, **SMALL)
    plain.run(20)
    cols = list(plain.frame().columns)
    assert c.twin[cols].equals(plain.frame())
    start = 8 * m.regions.n  # rows of steps 0-7: before the programme starts (step 8)
    pd.testing.assert_frame_equal(c.policy[cols].iloc[:start], c.twin[cols].iloc[:start])
    assert not c.policy[cols].equals(c.twin[cols])
    again = replay(m.setup, m.interventions, m.t)
    assert again.frame().equals(m.frame())


def test_differences_that_round_to_zero_read_without_a_minus_sign():
    assert comparison.fmt_measure("employment", -0.04, diff=True) == "+0"
    assert comparison.fmt_measure("employment", -0.6, diff=True) == "-1"
    assert comparison.fmt_measure("employment", 1234.4, diff=True) == "+1,234"
    assert comparison.fmt_measure("tie_density", -0.0004, diff=True) == "+0.000"
    assert comparison.fmt_measure("local_knowledge", -0.0004, diff=True) == "+0.0 %"
    assert comparison.fmt_measure("local_knowledge", -0.02, diff=True) == "-2.0 %"
    assert comparison.fmt_measure("employment", float("nan")) == "n/a"


def test_the_comparison_needs_a_policy(config_dir):
    """No policy preset and no policy change: the page says so instead of comparing a run with
    itself; a policy switched on (even queued) or a policy preset makes it comparable."""
    m = AppModel(**SMALL, exercise="crowding")
    m.request_shock()
    m.step()
    assert not comparison.has_policy(m)
    m.request_switch("broker", True)
    assert comparison.has_policy(m)
    assert comparison.has_policy(AppModel(**SMALL, preset_policy="broker"))
    assert not comparison.has_policy(AppModel(**SMALL, preset_policy="none"))


def test_policy_interventions_are_told_apart():
    assert comparison.is_policy(Intervention(3, "policy.programmes"))
    assert comparison.is_policy(Intervention(3, "policy.regional.budget"))
    assert not comparison.is_policy(Intervention(3, "shock"))
    assert not comparison.is_policy(Intervention(3, "policymakers"))


# ----------------------------------------------------------------- offline assets
def _fake_npm(tmp_path: Path) -> Path:
    """An ``npm`` that packs a one-file package named after the spec and logs each call."""
    src = tmp_path / "src" / "package"
    src.mkdir(parents=True)
    (src / "index.js").write_text("// asset\n")
    tarball = tmp_path / "pkg.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(src, arcname="package")
    npm = tmp_path / "npm"
    npm.write_text(
        f'#!/bin/sh\necho "$2" >> {tmp_path}/calls\ncp {tarball} "$5/pkg.tgz"\necho pkg.tgz\n'
    )
    npm.chmod(0o755)
    return npm


def test_asset_cache_is_filled_once(tmp_path):
    npm = _fake_npm(tmp_path)
    cache = tmp_path / "cache"
    assets.fill(cache, npm=str(npm), echo=lambda *_: None)
    for spec in assets.PACKAGES:
        assert (cache / spec / "index.js").read_text() == "// asset\n"
    calls = (tmp_path / "calls").read_text().split()
    assert calls == list(assets.PACKAGES)
    assets.fill(cache, npm=str(npm), echo=lambda *_: None)  # idempotent: no more npm calls
    assert (tmp_path / "calls").read_text().split() == calls


def test_an_interrupted_package_is_fetched_again(tmp_path):
    npm = _fake_npm(tmp_path)
    cache = tmp_path / "cache"
    half = cache / "vega@5"
    half.mkdir(parents=True)
    (half / "index.js").write_text("partial")
    assert "vega@5" in assets.missing(cache)
    assets.fill(cache, npm=str(npm), echo=lambda *_: None)
    assert (half / "index.js").read_text() == "// asset\n" and not assets.missing(cache)


def test_asset_cache_defaults_to_the_checkout(monkeypatch):
    monkeypatch.delenv("SOLARA_ASSETS_PROXY_CACHE_DIR", raising=False)
    assert assets.default_cache_dir() == ROOT / ".cache" / "solara-assets"  # make assets fills it


def test_missing_npm_is_a_clear_error(tmp_path):
    with pytest.raises(RuntimeError, match="no-such-npm: not found"):
        assets.fill(tmp_path / "c", npm="no-such-npm")


def test_launcher_environment_and_command():
    from clustersim.viz import launch

    env = launch.server_env("lock_in", Path("/x"), base={"CLUSTERSIM_EXERCISE": "old"})
    assert env["SOLARA_ASSETS_PROXY_CACHE_DIR"] == "/x"
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["CLUSTERSIM_EXERCISE"] == "lock_in"
    assert "CLUSTERSIM_EXERCISE" not in launch.server_env(None, Path("/x"), base=env)
    cmd = launch.server_command("127.0.0.1", 9000, open_browser=False)
    assert cmd[1:4] == ["-m", "solara", "run"] and cmd[-1] == "--no-open"
    assert Path(cmd[4]).name == "app.py"


def test_unknown_exercise_stops_the_launcher(capsys):
    from clustersim.viz import launch

    with pytest.raises(SystemExit) as stop:
        launch.main(["--exercise", "no_such_exercise"])
    assert stop.value.code == 2
    assert "exercise='no_such_exercise': unknown exercise" in capsys.readouterr().err


def test_exercise_presets_compose():
    """Every shipped exercise composes into a valid config and names its worksheet."""
    docs = ROOT / "docs" / "teaching"
    assert set(presets.exercises(CONFIGS)) >= {"lock_in", "broker_empty", "fdi_absorptive"}
    for name in presets.exercises(CONFIGS):
        cfg = presets.compose({}, name, cdir=CONFIGS).config
        assert cfg.n_firms <= 600  # teaching size
        assert (docs / f"{name}.md").exists(), name


def test_setup_compose_uses_seed_and_size(config_dir):
    c = Setup(seed=11, n_firms=80).compose()
    assert c.config.seed == 11 and c.config.n_firms == 80


def test_the_app_comparison_reproduces_the_worksheet_measurement():
    """One measurement: the comparison page, started from the app's own sidebar values for an
    exercise, gives per seed exactly what ``python -m clustersim.viz.exercises`` prints."""
    from clustersim.viz import app, exercises

    kwargs = {**app.initial_kwargs(app.model_params("broker_empty")), "n_firms": 150}
    c = comparison.compare(AppModel(**kwargs), seeds=2)
    assert c.years == [15.0, 25.0]
    page = comparison.differences(c).set_index(["seed", "year"])
    for seed in (0, 1):
        sheet = exercises.policy_effect(AppModel(seed=seed, exercise="broker_empty", n_firms=150))
        for year in (15, 25):
            for k in comparison.MEASURES:
                got, want = page.loc[(seed, year), k], sheet[f"{k}_gain_y{year}"]
                assert got == want or (np.isnan(got) and np.isnan(want)), (seed, year, k)
            assert page.loc[(seed, year), "spend"] == sheet[f"spend_to_y{year}"]
    assert page["spend"].max() > 0
