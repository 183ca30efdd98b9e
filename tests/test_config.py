"""Config validation: one clear message naming the key, the value and what is allowed."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import numpy as np
import pytest

import clustersim.conf
from clustersim import ConfigError, make_config, run
from clustersim.conf import Config, iter_params


@pytest.mark.parametrize(
    "overrides, key, allowed",
    [
        ({"n_firms": -5}, "n_firms=-5", "int in [1, 1e+07]"),
        ({"world.n_regions": 0}, "world.n_regions=0", "int in [1, 64]"),
        ({"engine": "turbo"}, "engine='turbo'", "numba | reference"),
        ({"entry.near_firm_share": 1.5}, "entry.near_firm_share=1.5", "float in [0, 1]"),
        ({"trust.drop_trust": -0.1}, "trust.drop_trust=-0.1", "float in [0, 1]"),
        ({"years": 2.5}, "years=2.5", "must be an integer"),
        ({"market.fit_width": float("nan")}, "market.fit_width=nan", "must be finite"),
        ({"entry.spinoffs": "yes"}, "entry.spinoffs='yes'", "true or false"),
        ({"world.focal_region": 5}, "world.focal_region=5", "int in [0, 3]"),
        ({"shocks.steps": [400]}, "shocks.steps", "[0, 159]"),
        (
            {"world.focal.initial_firm_share": -0.5},
            "world.focal.initial_firm_share=-0.5",
            "-1 (firms spread evenly over the landscape) or a share in [0, 1]",
        ),
    ],
)
def test_invalid_values_name_key_value_and_range(overrides, key, allowed):
    with pytest.raises(ConfigError) as err:
        make_config(**overrides)
    message = str(err.value)
    assert key in message
    assert allowed in message


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("years", 6, 6),
        ("years", 6.0, 6),  # an integral float: a row of a pandas design
        ("years", np.int64(6), 6),
        ("market.selection", np.float64(2.5), 2.5),
        ("market.selection", 3, 3),  # an int where a float goes stays as given
        ("market.selection", 20.0, 20.0),  # the upper bound is allowed
        ("entry.spinoffs", np.bool_(False), False),
    ],
)
def test_values_come_back_as_python_numbers(key, value, expected):
    got = functools.reduce(getattr, key.split("."), make_config(**{key: value}))
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("market.selection", 20.000001, "out of range; allowed: float in [0, 20]"),
        ("market.selection", float("inf"), "must be finite"),
        ("market.selection", True, "must be a number"),
        ("years", True, "must be an integer"),
        ("years", np.float64(6.5), "must be an integer"),
    ],
)
def test_values_just_outside_or_of_another_kind_are_refused(key, value, message):
    with pytest.raises(ConfigError, match=re.escape(f"{key}={value!r}: {message}")):
        make_config(**{key: value})


def test_unknown_key_lists_allowed_keys():
    with pytest.raises(
        ConfigError, match=r"world\.n_region: unknown key; allowed keys here: .*n_regions"
    ):
        make_config({"world": {"n_region": 3}})


def test_run_refuses_bad_config_before_starting():
    cfg = Config()
    cfg.n_firms = 0
    with pytest.raises(ConfigError, match="n_firms=0"):
        run(cfg)


def test_every_parameter_is_documented_with_a_range_or_choices():
    for key, default, field in iter_params():
        meta = field.metadata
        assert meta.get("doc"), f"{key} has no docstring"
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            assert meta.get("lo") is not None and meta.get("hi") is not None, key
            assert meta["lo"] <= default <= meta["hi"], f"{key} default {default} out of range"


def test_defaults_validate_and_steps_are_quarters():
    cfg = make_config()
    assert cfg.steps == 4 * cfg.years == 160


def test_conf_imports_nothing_else_of_clustersim():
    """The config is the bottom layer: the model, policies and tools import it, never back."""
    for path in Path(clustersim.conf.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                if name.split(".")[0] == "clustersim":
                    assert name.startswith("clustersim.conf"), f"{path.name} imports {name}"
