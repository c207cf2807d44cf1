from claims.cli import app

app(prog_name="python -m claims")
