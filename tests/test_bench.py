"""``make bench`` (benchmarks/bench_engines.py) writes the tables the README quotes: a smoke
run at small sizes. It checks what the tables hold, not how fast anything is."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_engines.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_engines", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_whole_runs_and_sub_steps_are_written(bench, tmp_path, monkeypatch):
    monkeypatch.setitem(bench.RUNS, 300, (2, 2))  # 2 years, 2 repeats: a smoke run
    bench.main(
        ["--sizes", "300", "--reference", "--no-sweep", "--no-threads", "--out", str(tmp_path)]
    )
    runs = pd.read_csv(tmp_path / "engines.csv")
    assert runs.firms.tolist() == [300] and runs.firm_steps.iloc[0] > 300 * 8 * 0.5
    assert runs.us_per_firm_step.iloc[0] == pytest.approx(
        1e6 * runs.cpu_s.iloc[0] / runs.firm_steps.iloc[0]
    )
    shares = pd.read_csv(tmp_path / "substeps.csv")
    assert {"entry", "market", "recording", "lifecycle"} <= set(shares.substep)
    assert shares.share.sum() == pytest.approx(1.0)
    assert (tmp_path / "engines.png").stat().st_size > 10_000


def test_threads_table_has_the_step_and_the_threaded_sub_steps(bench):
    df = bench.threads_speedup(n_firms=400, warm_years=1, quarters=2)
    assert sorted(df.threads.unique()) == [1, 2]
    assert set(df.part) == {"step", *bench.THREADED}
    one = df[df.threads == 1]
    assert (one.speedup == 1.0).all() and (df.wall_s > 0).all()
