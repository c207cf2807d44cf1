"""The install proves itself: the venv holds exactly the locked distributions, and the lock is the requirements'."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata

import pytest

from tests.conftest import ROOT

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path) -> dict[str, str]:
    """``name==version`` lines of a requirements or lock file, by canonical name."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            found[canonical(match[1])] = match[2]
    return found


def installed() -> dict[str, str]:
    return {canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}


def differences(locked: dict[str, str], present: dict[str, str]) -> list[str]:
    out = [
        f"{name}: locked {locked[name]}, installed {present.get(name, 'nothing')}"
        for name in sorted(locked)
        if present.get(name) != locked[name]
    ]
    out += [
        f"{name}: installed {present[name]}, not in the lock" for name in sorted(set(present) - set(locked))
    ]
    return out


def test_installed_distributions_are_exactly_the_dev_lock():
    assert differences(pins(ROOT / "requirements-dev.lock"), installed()) == []


def test_a_difference_from_the_lock_is_named():
    locked = {"torch": "2.13.0+cpu", "numpy": "2.4.6", "pandas": "3.1.1"}
    present = {"torch": "2.13.0+cpu", "numpy": "2.5.0", "left-over": "1.0"}
    assert differences(locked, present) == [
        "numpy: locked 2.4.6, installed 2.5.0",
        "pandas: locked 3.1.1, installed nothing",
        "left-over: installed 1.0, not in the lock",
    ]


@pytest.mark.parametrize(
    "requirements, lock",
    [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")],
)
def test_every_pin_we_chose_is_in_its_lock(requirements, lock):
    """Editing requirements*.txt without `make lock` fails here."""
    chosen, locked = pins(ROOT / requirements), pins(ROOT / lock)
    assert chosen
    # the lock may add a local build tag (torch 2.13.0+cpu satisfies torch==2.13.0)
    assert {name: v for name, v in chosen.items() if locked.get(name, "").split("+")[0] != v} == {}


def test_the_dev_lock_pins_the_run_lock_as_it_is():
    run, dev = pins(ROOT / "requirements.lock"), pins(ROOT / "requirements-dev.lock")
    assert {name: (v, dev.get(name)) for name, v in run.items() if dev.get(name) != v} == {}


def test_every_locked_line_carries_a_hash():
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text(encoding="utf-8")
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        unhashed = [b.split()[0] for b in blocks if PIN.match(b) and "--hash=sha256:" not in b]
        assert unhashed == [], lock


def test_pip_check_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "pip", "check"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_a_fresh_venv_from_the_lock_freezes_as_this_one(tmp_path):
    """Built by the Makefile's own rule, as `make test` builds it: the same `pip freeze --all`, byte for byte."""
    venv = tmp_path / "venv"
    install = subprocess.run(
        ["make", "-C", str(ROOT), f"VENV={venv}", f"{venv}/.installed-dev"],
        capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]
    freeze = lambda python: (
        subprocess.run(
            [python, "-m", "pip", "freeze", "--all"], capture_output=True, text=True, check=True
        ).stdout
    )
    assert freeze(str(venv / "bin" / "python")) == freeze(sys.executable)
