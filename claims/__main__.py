"""`python -m claims`: the command-line interface (claims/cli/)."""

from claims.cli import app

app(prog_name="python -m claims")
