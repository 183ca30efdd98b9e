"""``clustersim-app``: set up the offline assets and serve the teaching app.

clustersim-app                          # default scenario, opens on http://127.0.0.1:8765
clustersim-app --exercise lock_in       # a teaching exercise's preset (docs/teaching/)
clustersim-app --list                   # the exercises there are
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from clustersim.conf import ConfigError
from clustersim.viz import assets, presets

APP = Path(__file__).with_name("app.py")


def server_env(exercise: str | None, cache: Path, base: dict | None = None) -> dict:
    """Environment of the app server: exercise, offline assets, no telemetry."""
    env = dict(os.environ if base is None else base)
    env[assets.ENV] = str(cache)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    if exercise:
        env["CLUSTERSIM_EXERCISE"] = exercise
    else:
        env.pop("CLUSTERSIM_EXERCISE", None)
    return env


def server_command(host: str, port: int, open_browser: bool) -> list[str]:
    cmd = [sys.executable, "-m", "solara", "run", str(APP), "--host", host, "--port", str(port)]
    cmd += ["--production"]
    if not open_browser:
        cmd.append("--no-open")
    return cmd


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="clustersim-app", description=__doc__.split("\n")[0])
    p.add_argument("--exercise", help="open on this exercise's preset (see --list)")
    p.add_argument("--list", action="store_true", help="list the exercises and exit")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--no-open", action="store_true", help="do not open a browser")
    args = p.parse_args(argv)
    known = presets.exercises()
    if args.list:
        for name, title in known.items():
            print(f"{name:20s} {title}")
        return
    if args.exercise and args.exercise not in known:
        err = ConfigError(
            f"exercise={args.exercise!r}: unknown exercise; allowed: {' | '.join(known)}"
        )
        p.exit(2, f"clustersim-app: {err}\n")
    cache = assets.fill()
    env = server_env(args.exercise, cache)
    cmd = server_command(args.host, args.port, not args.no_open)
    print(f"clustersim-app: serving on http://{args.host}:{args.port} (Ctrl-C stops)")
    os.execvpe(cmd[0], cmd, env)


if __name__ == "__main__":
    main()
