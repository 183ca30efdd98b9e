"""The seven Whitebook studies of experiments/ run end to end in their reduced smoke mode."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
STUDIES = (  # issue 6's seven studies, in its order
    "clustering_processes",
    "stage_targeting",
    "packages",
    "fdi_training",
    "openness_lockin",
    "exit_vs_permanent",
    "capture",
)
EXAMPLES = (
    "broker_discovery",  # scenario discovery with the EMA Workbench and PRIM
    "scale",  # scale consistency (issue 12)
    "industry",  # long-run growth and the stylised facts of industrial dynamics (issue 12)
)
ESTIMATE = re.compile(r"(-?\d+\.?\d*) \[(-?\d+\.?\d*|nan), (-?\d+\.?\d*|nan)\]")


def _load(name: str):
    spec = importlib.util.spec_from_file_location(
        f"study_{name}", ROOT / "experiments" / name / "run.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_study_has_a_design_and_a_script():
    for name in STUDIES:
        assert (ROOT / "experiments" / name / "design.yaml").exists(), name
        assert (ROOT / "experiments" / name / "run.py").exists(), name


@pytest.mark.parametrize("name", STUDIES + EXAMPLES)
def test_study_smoke_mode_writes_summary_tables_and_figures(name, tmp_path):
    _load(name).main(["--smoke", "--jobs", "1", "--out", str(tmp_path)])
    text = (tmp_path / "summary.md").read_text()
    for section in ("## Hypothesis", "## Design", "## Result", "## Verdict", "## Reproduce"):
        assert section in text, section
    assert "Smoke mode" in text and re.search(r"L\d{3,4}", text)  # cites the book's lines
    estimates = ESTIMATE.findall(text)
    assert estimates, "no estimate with an interval in the summary"
    for m, lo, hi in estimates:
        if "nan" not in (lo, hi):
            assert float(lo) - 1e-9 <= float(m) <= float(hi) + 1e-9, (m, lo, hi)
    figures = list((tmp_path / "figures").glob("*.png"))
    assert figures and all(f.stat().st_size > 10_000 for f in figures)
    tables = list(tmp_path.glob("*.csv"))
    assert tables and all(len(pd.read_csv(t)) > 0 for t in tables)


def test_lifecycle_study_measures_the_shakeout_in_the_new_industry(tmp_path):
    """``experiments/lifecycle/run.py --parts p2``: one row per life-cycle variant, each with its
    share of P2 passes and an interval, and the figure of the new industry."""
    _load("lifecycle").main(["--smoke", "--parts", "p2", "--out", str(tmp_path)])
    text = (tmp_path / "p2.md").read_text()
    for variant in ("neither", "standardisation 2", "escalation 1", "scenario=new_industry"):
        assert variant in text, variant
    assert len(ESTIMATE.findall(text)) == 5
    paths = pd.read_csv(tmp_path / "p2_paths.csv")
    assert {"run", "year", "firms", "entries", "exits", "output"} <= set(paths.columns)
    assert (tmp_path / "figures" / "p2_shakeout.png").stat().st_size > 10_000
