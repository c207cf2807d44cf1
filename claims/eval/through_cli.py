"""Figures measured through the CLI contract, as anyone else would measure them: ``python -m claims``
run in-process (typer's runner), its standard output returned."""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404  # runs our own CLI as a user would
import sys
import time
from dataclasses import dataclass

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def cli(*args) -> str:
    """Run ``python -m claims ARGS`` in-process; its stdout, or an error with its output."""
    from typer.testing import CliRunner

    from claims.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exit_code != 0:
        raise RuntimeError(
            f"python -m claims {' '.join(map(str, args))} failed ({result.exit_code}): {result.output}{result.exception or ''}"
        )
    return result.stdout


# Run as ``python -c`` so nothing is imported before the CLI: it reports which heavy libraries the
# command loaded and its peak memory (VmHWM: Linux carries getrusage's maximum over from the parent).
_COLD = """
import json, runpy, sys
sys.argv = ["claims", *sys.argv[1:]]
try:
    runpy.run_module("claims", run_name="__main__", alter_sys=True)
except SystemExit:
    pass
finally:
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    heavy = ("torch", "sentence_transformers", "transformers")
    print(json.dumps({"peak_mb": round(peak / 1024), "loaded": [m for m in heavy if m in sys.modules]}), file=sys.stderr)
"""


@dataclass
class ColdRun:
    stdout: str
    seconds: float  # wall time, interpreter start included
    peak_mb: int
    loaded: list[str]  # which of torch, sentence-transformers and transformers it imported
    stderr: str = ""  # what the command wrote there, the probe's own report line left out


def cold_cli(*args, env: dict | None = None, cwd=None) -> ColdRun:
    """Run ``python -m claims ARGS`` in a fresh interpreter, as a user at a shell would."""
    started = time.perf_counter()
    run = subprocess.run(  # nosec B603  # this Python running our CLI, no shell
        [sys.executable, "-c", _COLD, *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})},
        cwd=cwd,
    )
    seconds = time.perf_counter() - started
    if run.returncode:
        raise RuntimeError(f"python -m claims {' '.join(map(str, args))} failed: {run.stderr[-2000:]}")
    *said, last = run.stderr.strip().splitlines()
    report = json.loads(last)
    return ColdRun(run.stdout, seconds, report["peak_mb"], report["loaded"], "\n".join(said))
