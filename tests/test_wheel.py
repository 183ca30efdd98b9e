"""The package works outside the repository: the wheel built from the sources ships every Hydra
preset, and its console scripts run from a fresh virtual environment, in a folder of their own,
with no ``PYTHONPATH`` and no source checkout in sight.

The fresh environment reuses the installed dependencies of the interpreter running the tests (a
``.pth`` file names its site-packages; the ``.pth`` files in there, such as an editable install's,
are not processed): the wheel is the one thing installed, and its ``clustersim`` the only one
importable. About 25 s, most of it the two commands' first (numba-compiling) runs.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from clustersim.cli.run import CONFIG_DIR_ENV, config_dir

ROOT = Path(__file__).resolve().parents[1]
PRESETS = ROOT / "src" / "clustersim" / "conf" / "presets"
# What the wheel is built from: the package metadata and the sources, nothing else of the repo.
BUILD_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "src")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "*.nbi", "*.nbc")


def test_config_dir_is_the_shipped_presets_unless_the_environment_names_one(tmp_path, monkeypatch):
    monkeypatch.delenv(CONFIG_DIR_ENV, raising=False)
    shipped = Path(config_dir())
    assert shipped == Path(importlib.util.find_spec("clustersim").origin).parent / "conf/presets"
    assert (shipped / "config.yaml").is_file() and (shipped / "policy" / "broker.yaml").is_file()
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path))
    assert Path(config_dir()) == tmp_path.resolve()


def _run(cmd, cwd, env, timeout=300) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{cmd}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    return done


def _build_wheel(work: Path) -> Path:
    """``pip wheel`` on a copy of the sources (setuptools builds in the source folder, so the
    repository stays clean). Offline when setuptools is installed (the ``test`` extra); else pip
    fetches the build requirements itself."""
    src = work / "source"
    src.mkdir()
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=SKIP)
        else:
            shutil.copy2(ROOT / name, src / name)
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist", src]
    if importlib.util.find_spec("setuptools") is not None:
        cmd[-1:-1] = ["--no-build-isolation", "--no-index"]
    _run(cmd, cwd=work, env=_clean_env())
    (wheel,) = (work / "dist").glob("clustersim-*.whl")
    return wheel


def _site_dirs() -> list[str]:
    """The site-packages folders the test interpreter imports its dependencies from (its own,
    and any that a ``.pth`` there added), never a source folder such as ``src/``."""
    dirs = [sysconfig.get_paths()[k] for k in ("purelib", "platlib")]
    dirs += [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")]
    return [p for p in dict.fromkeys(dirs) if Path(p).is_dir()]


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.pop("VIRTUAL_ENV", None)
    env.pop(CONFIG_DIR_ENV, None)
    env["MPLBACKEND"] = "Agg"
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A wheel, and a fresh venv (outside the repository) with only that wheel installed."""
    work = tmp_path_factory.mktemp("wheel")
    assert ROOT not in work.parents
    wheel = _build_wheel(work)
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=work, env=_clean_env())
    python = venv / "bin" / "python"
    site = _run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=work,
        env=_clean_env(),
    ).stdout.strip()
    (Path(site) / "_project_dependencies.pth").write_text("".join(f"{p}\n" for p in _site_dirs()))
    # -I: never touch the clustersim the project environment has (editable); just add ours
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "-I"]
    _run([*pip, wheel], cwd=work, env=_clean_env())
    here = work / "elsewhere"
    here.mkdir()
    return {"wheel": wheel, "venv": venv, "site": Path(site), "cwd": here}


def test_the_wheel_ships_every_preset(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    on_disk = {f"clustersim/conf/presets/{p.relative_to(PRESETS)}" for p in PRESETS.rglob("*.yaml")}
    assert len(on_disk) > 30 and "clustersim/conf/presets/config.yaml" in on_disk
    assert on_disk <= set(names), sorted(on_disk - set(names))
    assert "clustersim/experiment/evaluation/templates/brief.html.j2" in names  # the brief's


def test_installed_package_is_the_wheels_not_the_sources(installed):
    python, cwd = installed["venv"] / "bin" / "python", installed["cwd"]
    code = (
        "import clustersim\nfrom clustersim.cli.run import config_dir\n"
        "from clustersim.viz.assets import default_cache_dir\n"
        "print(clustersim.__file__, config_dir(), default_cache_dir(), sep='\\n')"
    )
    env = {**_clean_env(), "XDG_CACHE_HOME": str(cwd / "cache")}
    where, presets, assets = map(Path, _run([python, "-c", code], cwd, env).stdout.split())
    assert where.parent == installed["site"] / "clustersim"
    assert ROOT not in where.parents
    assert presets == installed["site"] / "clustersim" / "conf" / "presets"
    assert assets == cwd / "cache" / "clustersim" / "solara-assets"  # not inside site-packages


def test_console_scripts_run_from_the_installed_wheel(installed):
    bin_, cwd, env = installed["venv"] / "bin", installed["cwd"], _clean_env()
    run = _run(
        [bin_ / "clustersim", "sector=biotech", "policy=broker", "n_firms=40", "years=6"]
        + ["replications=1", "output.figures=false"],
        cwd=cwd,
        env=env,
    )
    assert "sector=biotech" in run.stdout, run.stdout
    written = list((cwd / "results" / "runs" / "default").glob("*/timeseries.parquet"))
    assert len(written) == 1 and written[0].parent.name in run.stdout, run.stdout
    evaluation = _run(
        [bin_ / "clustersim-evaluate", "n_firms=40", "years=6", "--policies", "broker"]
        + ["-r", "2", "--years-after", "1", "--no-figure", "--out", "evaluation"],
        cwd=cwd,
        env=env,
    )
    assert "broker" in evaluation.stdout
    assert (cwd / "evaluation" / "table.parquet").is_file()
