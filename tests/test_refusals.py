"""Every bad input is refused the same way through the API, ``clustersim`` and
``clustersim-evaluate``: ConfigError or exit code 2, one message naming the key, the value and what
is allowed, no traceback, and nothing left behind in the working folder."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from clustersim import ConfigError, make_config, run
from clustersim.cli.check import check_overrides
from clustersim.cli.run import _checked_argv
from clustersim.model.model import ClusterModel

API = {
    "section=5": (lambda: make_config(world=5), ["world=5", "mapping of WorldConfig keys"]),
    "model section=5": (lambda: ClusterModel({"world": 5}), ["world=5", "WorldConfig"]),
    "program params=5": (
        lambda: make_config(**{"policy.programmes": {"x": {"params": 5}}}),
        ["policy.programmes.x.params=5", "must be a mapping"],
    ),
    "years=6.5": (lambda: make_config(years=6.5), ["years=6.5", "allowed: int in [1, 1000]"]),
    "typo": (lambda: make_config(n_firm=3), ["n_firm: unknown key", "did you mean 'n_firms'?"]),
    "nested typo": (
        lambda: ClusterModel(world={"n_region": 3}),
        ["world.n_region: unknown key", "did you mean 'n_regions'?"],
    ),
    "bool=2": (
        lambda: make_config(**{"entry.spinoffs": 2}),
        ["entry.spinoffs=2", "must be true or false"],
    ),
    "preset path": (
        lambda: ClusterModel(sector="../policy/broker"),
        ["sector='../policy/broker'", "allowed: automotive | biotech"],
    ),
    "preset typo": (
        lambda: ClusterModel(policy="brokr"),
        ["policy='brokr'", "allowed: broker", "did you mean 'broker'?"],
    ),
}


@pytest.mark.parametrize("case", list(API))
def test_api_refuses_by_key_value_and_allowed(case, tmp_path, monkeypatch):
    call, needles = API[case]
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as err:
        call()
    for needle in needles:
        assert needle in str(err.value)
    assert not any(tmp_path.iterdir())


def test_integral_floats_of_int_fields_run_as_ints():
    """pandas rows and JSON designs give 6.0 for 6: validation makes it an int the model runs."""
    np = pytest.importorskip("numpy")
    cfg = make_config(
        years=2.0,
        n_firms=np.int64(20),
        **{"world.n_regions": 3.0, "shocks.steps": [1.0], "output.write": False},
    )
    assert (cfg.years, cfg.n_firms, cfg.world.n_regions, cfg.shocks.steps) == (2, 20, 3, [1])
    assert all(type(v) is int for v in (cfg.years, cfg.n_firms, cfg.world.n_regions))
    assert run(cfg).timeseries["step"].max() == 8
    assert make_config(years=2.0) == make_config(years=2)


def test_cli_writes_integral_floats_as_ints_for_hydra():
    """Hydra refuses ``years=6.0`` for an int; the command line runs it as the API does."""
    assert check_overrides(["years=6.0", "shocks.steps=[1.0,2.0]", "seed=3"]) == [
        "years=6",
        "shocks.steps=[1,2]",
        "seed=3",
    ]
    argv = ["-m", "years=2.0,3.0", "seed=range(0,2)", "hydra/launcher=joblib"]
    assert _checked_argv(argv) == ["-m", "years=2,3", "seed=range(0,2)", "hydra/launcher=joblib"]


# Each case runs the command's main() in one child process (Hydra's state cleared in between): a
# process per case would cost seconds each. The joblib multirun below gets a process of its own.
RUNNER = textwrap.dedent(
    """
    import contextlib, io, json, sys, traceback
    from pathlib import Path
    from hydra.core.global_hydra import GlobalHydra
    from clustersim.cli import evaluate, run

    results = []
    for prog, argv in json.loads(sys.argv[1]):
        GlobalHydra.instance().clear()
        before = set(Path(".").rglob("*"))
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                if prog == "clustersim":
                    sys.argv = [prog, *argv]
                    run.main()
                    code = 0
                else:
                    code = evaluate.main(argv)
            except SystemExit as exit:
                code = exit.code
            except BaseException:
                traceback.print_exc()
                code = "crash"
        left = sorted(str(p) for p in set(Path(".").rglob("*")) - before)
        results.append({"code": code, "stderr": err.getvalue(), "left": left})
    print(json.dumps(results))
    """
)

EV = ["n_firms=30", "years=6", "--no-figure"]  # small, should a refusal ever fail to happen
# cases named "ev ..." are clustersim-evaluate's (with --policies broker unless named)
CLI = {
    "typo": (["n_firm=3"], ["n_firm: unknown key", "did you mean 'n_firms'?"]),
    "group typo": (["sectr=biotech"], ["sectr: unknown key", "did you mean 'sector'?"]),
    "bool=2": (["entry.spinoffs=2"], ["entry.spinoffs=2", "true or false"]),
    "preset path": (["sector=../policy/broker"], ["sector='../policy/broker'", "allowed:"]),
    "not an int": (["n_firms=abc"], ["n_firms='abc'", "allowed: int in [1, 1e+07]"]),
    "years=6.5": (["years=6.5"], ["years=6.5", "must be an integer; allowed: int in [1"]),
    "section=5": (["world=5"], ["world=5", "mapping of WorldConfig keys"]),
    "out of range": (["n_firms=0"], ["n_firms=0", "out of range; allowed: int in [1"]),
    "cross-field": (["policy=broker", "years=1"], ["start_year=5", "allowed: start_year < years"]),
    "unparsable": (["n_firms=[1,"], ["n_firms=[1,", "override_grammar"]),
    "sweep without -m": (["seed=0,1"], ["seed=0,1", "allowed: one value", "clustersim -m"]),
    "sweep value": (["-m", "n_firms=10,0", "years=2"], ["n_firms=0", "allowed: int in [1"]),
    "sweep job": (
        ["-m", "seed=0,1", "world.focal_region=0,5"],
        ["job 1 of 4 (seed=0 world.focal_region=5)", "allowed: int in [0, 3]"],
    ),
    "sweep of presets": (
        ["-m", "policy=none,broker", "years=2"],
        ["job 1 of 2 (policy=broker)", "start_year=5", "allowed: start_year < years=2"],
    ),
    "ev not an int": (
        ["n_firms=abc", "--policies", "broker"],
        ["n_firms='abc'", "allowed: int in [1"],
    ),
    "ev typo": (["n_firm=3"], ["n_firm: unknown key", "did you mean 'n_firms'?"]),
    "ev preset typo": (["--policies", "brokr"], ["policy='brokr'", "did you mean 'broker'"]),
    "ev years-after inf": (["--years-after", "inf"], ["--years-after=inf", "finite number >= 0"]),
    "ev years-after nan": (["--years-after", "nan"], ["--years-after=nan", "finite number >= 0"]),
    "ev years-after < 0": (["--years-after=-5"], ["--years-after=-5.0", "finite number >= 0"]),
    "ev replications 1": (["-r", "1"], ["--replications=1", "allowed: an integer >= 2"]),
    "ev jobs 0": (["-j", "0"], ["--jobs=0", "allowed: an integer >= 1"]),
    "ev out is a file": (["--out", "taken.txt"], ["--out='taken.txt'", "existing file; allowed"]),
    "ev out under a file": (["--out", "taken.txt/ev"], ["--out='taken.txt/ev'", "is a file"]),
}


def _prog_argv(case: str) -> tuple[str, list[str]]:
    args, _ = CLI[case]
    if case.startswith("ev "):  # clustersim-evaluate
        policies = [] if "--policies" in args else ["--policies", "broker"]
        return "clustersim-evaluate", [*EV, *args, *policies]
    return "clustersim", args


@pytest.fixture(scope="module")
def cli_results(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("refusals")
    (cwd / "taken.txt").write_text("a file where a folder is asked for")
    cases = [_prog_argv(case) for case in CLI]
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, json.dumps(cases)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return dict(zip(CLI, json.loads(proc.stdout.splitlines()[-1]), strict=True))


@pytest.mark.parametrize("case", list(CLI))
def test_command_lines_refuse_by_key_value_and_allowed(case, cli_results):
    res, (_, needles) = cli_results[case], CLI[case]
    assert res["code"] == 2, res["stderr"][-2000:]
    assert "Traceback" not in res["stderr"] and "HYDRA_FULL_ERROR" not in res["stderr"]
    for needle in needles:
        assert needle in res["stderr"], res["stderr"][-2000:]
    assert res["left"] == []


def test_multirun_refuses_a_bad_job_before_any_runs(tmp_path):
    """A real process with the parallel launcher: job 1 is refused, none runs, no folder."""
    proc = subprocess.run(
        [sys.executable, "-m", "clustersim", "-m", "world.focal_region=0,5,1"]
        + ["hydra/launcher=joblib", "years=2", "n_firms=20", "replications=1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    assert "job 1 of 3 (world.focal_region=5)" in proc.stderr
    assert "allowed: int in [0, 3]" in proc.stderr and "Traceback" not in proc.stderr
    assert "sweep jobs" not in proc.stderr  # no progress bar: nothing was launched
    assert not any(tmp_path.iterdir())
