"""Docs that are generated from code must be current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from clustersim.conf.paramdoc import table

ROOT = Path(__file__).resolve().parents[1]


def test_parameter_table_is_current():
    current = (ROOT / "docs" / "parameters.md").read_text()
    assert current == table(), "run: python -m clustersim.conf.paramdoc > docs/parameters.md"


def build_site(out) -> None:
    """`make docs` into ``out``: MkDocs over docs/ and the docstrings, every warning an error."""
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings_handlers.python")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_documentation_site_builds_strictly(tmp_path):
    build_site(tmp_path)
    api = (tmp_path / "api" / "experiment" / "index.html").read_text()
    assert "clustersim.experiment.evaluation.brief.write_brief" in api
    assert (tmp_path / "guide-analysts" / "index.html").is_file()


def test_every_parameter_has_a_source():
    """Each model, programme and instrument parameter names a Whitebook line or paper, or says
    it is calibrated (and why) or run control."""
    from clustersim.conf.paramdoc import rows

    missing, bare = [], []
    for section, key, _, field in rows():
        source = field.metadata.get("source", "").strip()
        if not source:
            missing.append(f"{section}:{key}")
        for tag in ("calibrated:", "run control:"):
            if source.startswith(tag) and len(source) < len(tag) + 8:
                bare.append(f"{section}:{key}")  # a tag without its reason
    assert missing == [] and bare == [], (missing, bare)
    table_rows = [r for r in (ROOT / "docs" / "parameters.md").read_text().splitlines()]
    table_rows = [r for r in table_rows if r.startswith("| `")]
    assert len(table_rows) == len(rows()) > 280
    assert all(not r.rstrip().endswith("|  |") for r in table_rows)
