"""Production may leave the demo and scale seeding out (DLEP_DEVDATA=0): the portal still loads
its settings, URLs and every app, and the seeding commands are simply not there."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, devdata: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DLEP_DEVDATA": devdata}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_without_devdata_the_portal_checks_clean_and_has_no_seeding_commands():
    without = manage("help", "--commands", devdata="0")
    assert without.returncode == 0, without.stderr
    assert "seed_demo" not in without.stdout
    assert "seed_scale" not in without.stdout
    check = manage("check", devdata="0")
    assert check.returncode == 0, check.stderr
    with_devdata = manage("help", "--commands", devdata="1")
    assert "seed_demo" in with_devdata.stdout
