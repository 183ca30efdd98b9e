"""Every bad input is refused the same way through the API, ``clustersim`` and
``clustersim-evaluate``: ConfigError or exit code 2, one message naming the key, the value and what
is allowed, no traceback, and nothing left behind in the working folder."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from clustersim import ConfigError, make_config, run
from clustersim.cli.check import check_overrides
from clustersim.cli.run import _checked_argv
from clustersim.conf import iter_params
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


@pytest.mark.parametrize("where", ["output.dir", "out_dir"])
def test_simulate_refuses_an_output_path_under_a_file_before_any_run(where, tmp_path, monkeypatch):
    from clustersim.experiment import jobs

    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken.txt").write_text("a file where a folder is asked for")
    monkeypatch.setattr(jobs, "replicate", lambda cfg: pytest.fail("ran before the check"))
    cfg = make_config(years=1, n_firms=5, **{"output.dir": "taken.txt/run"})
    with pytest.raises(ConfigError, match=rf"{where}='taken.txt/run': 'taken.txt' is a file"):
        jobs.simulate(cfg, out_dir="taken.txt/run" if where == "out_dir" else None)
    assert [p.name for p in tmp_path.iterdir()] == ["taken.txt"]


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
    for prog, argv in json.loads(sys.stdin.read()):
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
    "run dir is a file": (["hydra.run.dir=taken.txt"], ["hydra.run.dir='taken.txt'", "allowed"]),
    "run dir under a file": (["hydra.run.dir=taken.txt/r"], ["'taken.txt' is a file; allowed"]),
    "sweep dir is a file": (
        ["-m", "seed=0,1", "hydra.sweep.dir=taken.txt"],
        ["hydra.sweep.dir='taken.txt'", "an existing file; allowed"],
    ),
    "sweep dir under a file": (
        ["-m", "seed=0,1", "hydra.sweep.dir=taken.txt/s"],
        ["hydra.sweep.dir='taken.txt/s'", "'taken.txt' is a file; allowed"],
    ),
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
    results = _run_battery([_prog_argv(case) for case in CLI], cwd)
    return dict(zip(CLI, results, strict=True))


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


# ---------------------------------------------------------------- every parameter, every way
def _bad_values(default: Any, meta: dict) -> list[Any]:
    """Values a parameter must refuse, by its kind: each side of its range, a fraction for an
    int, NaN and infinities for a float, text, a flag for a number, a number for text."""
    lo, hi, choices = meta.get("lo"), meta.get("hi"), meta.get("choices")
    if isinstance(default, bool):
        return [2, "yes", 0.5]
    if choices:
        return ["nope", 3]
    if isinstance(default, str):
        return [5]
    if isinstance(default, list):
        return [[lo - 1], [hi + 1], ["x"], 5]
    if isinstance(default, dict):
        return [5]
    if isinstance(default, int):
        return [lo - 1, hi + 1, lo + 0.5, "abc", True]
    return [lo - 1, hi + 1, math.nan, math.inf, -math.inf, "abc", True]


def _typo(key: str) -> tuple[str, str]:
    """``key`` with the middle letter of its last part dropped, and that part."""
    *head, name = key.split(".")
    i = len(name) // 2
    return ".".join([*head, name[:i] + name[i + 1 :]]), name


def _bad_inputs() -> list[tuple[str, Any, list[str]]]:
    """(dotted key, bad value, what its refusal must say) for every parameter of the schema:
    its key and value (an item of a list by index) and what is allowed; a typo of every key
    with the closest valid key suggested."""
    cases = []
    for key, default, field in iter_params():
        for value in _bad_values(default, field.metadata):
            named = (
                f"{key}[0]={value[0]!r}"
                if isinstance(value, list) and isinstance(default, list)
                else f"{key}={value!r}"
            )
            allowed = "true or false" if isinstance(default, bool) else "allowed: "
            cases.append((key, value, [named, allowed]))
        typo, name = _typo(key)
        cases.append((typo, 1, [f"{typo}: unknown key", f"did you mean {name!r}?"]))
    return cases


BAD = _bad_inputs()


def test_the_battery_covers_every_parameter():
    keys = {key for key, _, _ in iter_params()}
    assert keys <= {k for k, _, _ in BAD} and len(BAD) > 6 * len(keys)


@pytest.mark.parametrize("key", sorted({k for k, _, _ in BAD}))
def test_api_refuses_every_bad_value_of_every_key(key, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for k, value, needles in BAD:
        if k != key:
            continue
        with pytest.raises(ConfigError) as err:
            make_config(**{key: value})
        for needle in needles:
            assert needle in str(err.value), (value, str(err.value))
    assert not any(tmp_path.iterdir())


def _override(key: str, value: Any) -> str:
    """``value`` as a command line writes it (Hydra reads it back as ``value``)."""

    def text(v):
        if isinstance(v, bool):
            return str(v).lower()
        if isinstance(v, list):
            return "[" + ",".join(map(text, v)) + "]"
        return str(v)  # nan, inf and -inf read back as floats

    return f"{key}={text(value)}"


def _battery(prog: str, inputs: list) -> list[tuple[str, list[str]]]:
    small = ["years=1", "n_firms=5", "replications=1"]  # should a refusal ever fail to happen
    if prog == "clustersim":
        return [("clustersim", [_override(k, v), *small]) for k, v, _ in inputs]
    ev = [*small[:2], "-r", "2", "--no-figure", "--policies", "broker"]
    return [("clustersim-evaluate", [_override(k, v), *ev]) for k, v, _ in inputs]


def _run_battery(cases, cwd) -> list[dict]:
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=json.dumps(cases),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.splitlines()[-1])


def _assert_refused(cases, results) -> None:
    """Exit code 2, the key, value and allowed values named, no traceback, nothing left; all
    failures listed at once, so that a regression shows its extent."""
    needles = {_override(k, v): n for k, v, n in BAD}
    failed = []
    for (prog, argv), res in zip(cases, results, strict=True):
        err = res["stderr"]
        ok = (
            res["code"] == 2
            and "Traceback" not in err
            and "HYDRA_FULL_ERROR" not in err
            and all(n in err for n in needles[argv[0]])
            and not res["left"]
        )
        if not ok:
            failed.append((prog, argv[0], res["code"], err[-300:], res["left"][:3]))
    assert not failed, f"{len(failed)} of {len(cases)} refusals wrong: {failed[:10]}"


# Both commands check overrides with cli.check.check_overrides: the default suite sends every
# bad input through one of them, alternately (one process, ~10 s), the slow suite through both.
@pytest.mark.parametrize(
    "both", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["alternately", "both"]
)
def test_command_lines_refuse_every_bad_value_of_every_key(both, tmp_path):
    if both:
        cases = _battery("clustersim", BAD) + _battery("clustersim-evaluate", BAD)
    else:
        cases = _battery("clustersim", BAD[::2]) + _battery("clustersim-evaluate", BAD[1::2])
    _assert_refused(cases, _run_battery(cases, tmp_path))
    assert not any(tmp_path.iterdir())
