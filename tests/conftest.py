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


@pytest.fixture(scope="module")
def chromium():
    """A headless Chromium driven by Playwright; skipped where chromium is not installed."""
    import shutil

    from clustersim.viz.worksheets import CHROMIUM_FLAGS

    exe = shutil.which("chromium")
    if exe is None:
        pytest.skip("chromium is not installed (`make test` installs it with apt)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()
