"""Fill Solara's local asset cache from the npm registry, so the app works offline.

Solara serves its JavaScript and CSS through ``/_solara/cdn/<package>@<version>/<file>`` and reads
a local folder (``SOLARA_ASSETS_PROXY_CACHE_DIR``) before going to the internet. Without the
internet every asset is a 404 and the page stays blank, so this module fetches the packages once
with ``npm pack`` and unpacks each one's ``package/`` folder into ``<cache>/<spec>/``.

Idempotent: a package whose folder is complete (marked by ``.complete``) is skipped. Each
package is unpacked into a temporary folder and renamed into place, so an interrupted fill never
leaves a half package that later runs would take for a complete one.

    python -m clustersim.viz.assets [cache-dir]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# What solara 1.64 asks for in Vue 2 mode (the project pins ipyvue < 2): the specs exactly as
# they appear in the asset URLs, which are also the folder names.
PACKAGES = (
    "@widgetti/solara-vuetify-app@10.1.1",
    "requirejs@2.3.6",
    "font-awesome@4.5.0",
    "@widgetti/vue-grid-layout@2.3.13-alpha.2",
    "vega@5",
    "vega-lite@5",
    "vega-embed@6",
)
MARKER = ".complete"
ENV = "SOLARA_ASSETS_PROXY_CACHE_DIR"


def default_cache_dir() -> Path:
    """``$SOLARA_ASSETS_PROXY_CACHE_DIR`` if set; else ``.cache/solara-assets`` in the project
    when running from a source checkout (git ignores it; ``make assets`` fills it); else, for an
    installed package, ``clustersim/solara-assets`` in the user's cache folder."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    package = Path(__file__).resolve().parents[1]  # src/clustersim in a checkout
    if package.parent.name == "src" and (package.parents[1] / "pyproject.toml").exists():
        return package.parents[1] / ".cache" / "solara-assets"
    user_cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(user_cache) / "clustersim" / "solara-assets"


def missing(cache: Path) -> list[str]:
    return [spec for spec in PACKAGES if not (cache / spec / MARKER).exists()]


def unpack(tarball: Path, target: Path) -> None:
    """Unpack the ``package/`` folder of an npm tarball into ``target`` (atomically)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        with tarfile.open(tarball) as tar:
            members = [m for m in tar.getmembers() if m.name.startswith("package/")]
            for m in members:
                m.name = m.name.removeprefix("package/")
            tar.extractall(tmp, members=[m for m in members if m.name], filter="data")
        (tmp / MARKER).write_text(tarball.name + "\n")
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def fill(cache: Path | None = None, npm: str = "npm", echo=print) -> Path:
    """Fetch every package not yet complete in ``cache``; return the cache folder."""
    cache = Path(cache or default_cache_dir()).resolve()
    todo = missing(cache)
    if not todo:
        return cache
    if shutil.which(npm) is None:
        raise RuntimeError(
            f"{npm}: not found; the app's offline assets need npm (install Node.js) or a "
            f"filled {ENV} folder"
        )
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="solara-assets-") as work:
        for spec in todo:
            echo(f"fetching {spec} into {cache}")
            out = subprocess.run(
                [npm, "pack", spec, "--silent", "--pack-destination", work],
                capture_output=True,
                text=True,
                check=False,
            )
            if out.returncode != 0:
                raise RuntimeError(f"npm pack {spec} failed: {out.stderr.strip()[-500:]}")
            tarball = Path(work) / out.stdout.strip().splitlines()[-1]
            unpack(tarball, cache / spec)
    return cache


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    cache = fill(Path(args[0]) if args else None)
    print(f"solara assets ready in {cache}")


if __name__ == "__main__":
    main()
