"""The policy brief (``clustersim-evaluate --report``): its content from a small evaluation, the
command line, and the page in headless Chromium (figures load, no console errors)."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from clustersim import evaluate
from clustersim.cli.compose import compose
from clustersim.conf import ConfigError
from clustersim.experiment.evaluation.brief import render_brief, sensitivity_ranking, write_brief
from clustersim.experiment.sensitivity import figure as sensitivity_figure

ARTIFACTS = Path(__file__).resolve().parents[1] / "results" / "test-artifacts"
SIZE = ["n_firms=60", "years=10", "policy.regional.budget=200", "sector=biotech"]


@pytest.fixture(scope="module")
def scenarios():
    return {name: compose([*SIZE, f"policy={name}"]) for name in ("broker", "demand_side")}


@pytest.fixture(scope="module")
def ev(scenarios):
    return evaluate(scenarios, replications=3)


@pytest.fixture(scope="module")
def sensitivity(tmp_path_factory):
    """A sensitivity folder as clustersim-sensitivity writes it (indices.csv and its figure)."""
    folder = tmp_path_factory.mktemp("sens")
    rows = [
        ("focal_employment", "market.selection", "ST", 0.62),
        ("focal_employment", "entry.spinoff_rate", "ST", 0.21),
        ("focal_employment", "knowledge.rd_intensity", "ST", 0.05),
        ("focal_employment", "market.selection", "S1", 0.55),
        ("focal_employment", "entry.spinoff_rate", "S1", 0.12),
        ("focal_employment", "knowledge.rd_intensity", "S1", 0.01),
    ]
    ind = pd.DataFrame(rows, columns=["output", "parameter", "index", "estimate"])
    ind["method"] = "sobol"
    ind["ci_low"], ind["ci_high"] = ind.estimate - 0.04, ind.estimate + 0.04
    ind.to_csv(folder / "indices.csv", index=False)
    sensitivity_figure(ind, folder / "indices.png")
    return folder


def _images(html: str) -> list[bytes]:
    return [base64.b64decode(s) for s in re.findall(r'src="data:image/png;base64,([^"]+)"', html)]


def test_brief_states_the_scenario_the_table_and_the_caveats(ev, scenarios, sensitivity):
    html = render_brief(ev, scenarios, sensitivity)
    # self-contained: no file or address outside the page; every figure a real PNG
    assert not re.search(r'(src|href)="(?!data:)', html)
    images = _images(html)
    assert len(images) == 2 and all(i.startswith(b"\x89PNG") and len(i) > 5000 for i in images)
    # the scenario in words, from the presets' own descriptions
    assert "Science-based high tech (biotech)" in html
    assert "No specific circumstance" in html and "No cluster initiative" in html
    assert "the focal region (region 0), one of 4 regions" in html
    assert "10 years (40 quarters), 60 initial firms" in html
    # the comparison: each policy's additional jobs with their interval, as in the summary
    for _, r in ev.summary.iterrows():
        assert f"{r.jobs:+,.0f}" in html and f"[{r.jobs_low:+,.0f}, {r.jobs_high:+,.0f}]" in html
    # displacement and dependency, one sentence each per policy
    assert len(re.findall(r'class="cs-displacement">Displacement: [^<]+\.<', html)) == 2
    assert len(re.findall(r'class="cs-dependency">Dependency: [^<]+\.<', html)) == 2
    # stage outcomes, policy and twin
    for _, r in ev.summary.iterrows():
        assert f"<td>{r.stage}</td><td>{r.stage_twin}</td>" in html
    # assumptions: mechanisms on and off, the sensitivity ranking in order
    assert "<strong>spin-offs</strong> is\n  on" in html
    assert "<strong>government failure</strong> is\n  off" in html
    ranked = re.findall(r"<tr><td>([\w.]+)</td><td>([\d.]+)</td>", html)
    assert ranked[:3] == [
        ("market.selection", "0.62"),
        ("entry.spinoff_rate", "0.21"),
        ("knowledge.rd_intensity", "0.05"),
    ]
    # caveats the evaluation raises: procurement has nothing to match, few replications
    demand = html[html.index("<strong>demand_side</strong></p>") :]
    assert "Deadweight not matchable" in demand
    assert "Only 3 paired replications (the default is 12)" in html


def test_brief_without_sensitivity_says_so_and_refuses_a_wrong_folder(ev, scenarios, tmp_path):
    html = render_brief(ev, scenarios)
    assert "No sensitivity run was given" in html and len(_images(html)) == 1
    with pytest.raises(ConfigError, match=r"--sensitivity .*no indices.csv there"):
        sensitivity_ranking(tmp_path)


def test_command_line_writes_the_brief(tmp_path):
    out = tmp_path / "ev"
    args = [sys.executable, "-m", "clustersim.cli.evaluate", "n_firms=40", "years=7"]
    proc = subprocess.run(
        [*args, "--policies", "broker", "-r", "2", "--out", str(out), "--report"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    html = (out / "brief.html").read_text()
    assert '<h2 id="comparison">' in html and len(_images(html)) == 1
    bad = subprocess.run(
        [
            *args,
            "--policies",
            "broker",
            "-r",
            "2",
            "--out",
            str(tmp_path / "x"),
            "--sensitivity",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert bad.returncode == 2 and "--sensitivity: only used with --report" in bad.stderr


@pytest.mark.browser
def test_brief_in_a_browser(ev, scenarios, sensitivity, chromium):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = write_brief(ev, scenarios, ARTIFACTS / "brief.html", sensitivity)
    page = chromium.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    widths = page.eval_on_selector_all(
        "img.cs-figure", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)"
    )
    assert len(widths) == 2 and min(widths) > 300, widths
    assert page.locator(".cs-comparison tbody tr").count() == 2
    assert page.locator("h2").all_inner_texts()[0] == "The scenario"
    page.screenshot(path=str(ARTIFACTS / "brief.png"), full_page=True)
    assert errors == []
