"""Shared fixtures: small, fast configurations."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")


@pytest.fixture
def small_config():
    """A 10-year run of 80 firms: seconds, yet every mechanism is active."""
    from clustersim import make_config

    return make_config(n_firms=80, years=10, replications=1, **{"output.figures": False})
