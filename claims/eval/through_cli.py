"""Figures measured through the CLI contract, as anyone else would measure them: ``python -m claims``
run in-process (typer's runner), its standard output returned."""

from __future__ import annotations

import os

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
