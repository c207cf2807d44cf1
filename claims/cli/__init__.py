"""Command line: parse, call the library, print. ``python -m claims --help``.

Each command's docstring is its --help text; the modules below register them on one typer app.
"""

from claims.cli import commands, groups  # noqa: F401  (importing them registers the commands)
from claims.cli.base import app

__all__ = ["app"]
