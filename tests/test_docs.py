"""Docs that are generated from code must be current."""

from __future__ import annotations

from pathlib import Path

from clustersim.conf.paramdoc import table

ROOT = Path(__file__).resolve().parents[1]


def test_parameter_table_is_current():
    current = (ROOT / "docs" / "parameters.md").read_text()
    assert current == table(), "run: python -m clustersim.conf.paramdoc > docs/parameters.md"
